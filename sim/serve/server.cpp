// The HTTP side of `caseload serve`: routes, the token, request limits and
// the safety headers. Pages are in pages.cpp, the form in plan_form.cpp, the
// queue in jobs.cpp.

#include "caseload/serve/serve.hpp"

#include "caseload/report/report.hpp"
#include "caseload/scenario/input_error.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/schema.hpp"
#include "compare_runs.hpp"
#include "jobs.hpp"
#include "pages.hpp"
#include "plan_form.hpp"
#include "results_files.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace caseload::serve {

namespace fs = std::filesystem;
using json = nlohmann::json;

bool is_loopback(std::string_view host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

namespace {

constexpr const char* kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
constexpr const char* kReportCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'self'";

bool same_text(std::string_view a, std::string_view b) {  // in constant time for the token
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % std::max<std::size_t>(1, b.size())]);
    return diff == 0 && !b.empty();
}

std::string cookie(const httplib::Request& req, const std::string& name) {
    const std::string all = req.get_header_value("Cookie");
    std::size_t pos = 0;
    while (pos < all.size()) {
        auto end = all.find(';', pos);
        if (end == std::string::npos) end = all.size();
        std::string part = all.substr(pos, end - pos);
        part.erase(0, part.find_first_not_of(' '));
        if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
        pos = end + 1;
    }
    return {};
}

Lang lang_of(const httplib::Request& req) {
    const std::string l = req.has_param("lang") ? req.get_param_value("lang") : cookie(req, "caseload_lang");
    return l == "nl" ? Lang::nl : Lang::en;
}
const char* code(Lang l) { return l == Lang::nl ? "nl" : "en"; }

void html(httplib::Response& res, const std::string& body, int status = 200) {
    res.status = status;
    res.set_header("Content-Security-Policy", kPageCsp);
    res.set_content(body, "text/html; charset=utf-8");
}

// Control characters (a scenario name may hold them) shown as U+FFFD, as esc() does.
std::string visible_controls(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t' && c != '\r') || u == 0x7f) out += "\xEF\xBF\xBD";
        else out += c;
    }
    return out;
}

void redirect(httplib::Response& res, const std::string& to) {
    res.status = 303;
    res.set_header("Location", to);
}

bool wants_json(const httplib::Request& req) {
    return req.get_header_value("Accept").find("application/json") != std::string::npos;
}

class App {
public:
    App(const ServeOptions& o, std::ostream& log)
        : options_(o),
          log_(log),
          queue_({o.workspace, o.executable, o.max_waiting, o.parallel_runs, o.threads}, log),
          sections_(form_sections(scenario::schema::scenario_json_schema())) {
        read_library();
    }

    void start() { queue_.start(); }

    void routes(httplib::Server& s) {
        s.Get("/", [this](const httplib::Request& q, httplib::Response& r) {
            html(r, start_page(scenarios_, states_, lang_of(q)));
        });
        s.Get("/plan", [this](const httplib::Request& q, httplib::Response& r) { get_plan(q, r); });
        s.Post("/plan/check", [this](const httplib::Request& q, httplib::Response& r) {
            const Plan p = build(q);
            json o = {{"yaml", p.plan_yaml}, {"errors", p.field_errors}};
            r.set_content(o.dump(), "application/json");
        });
        s.Post("/plan/yaml", [this](const httplib::Request& q, httplib::Response& r) {
            const Plan p = build(q);
            r.set_header("Content-Disposition", "attachment; filename=\"plan.yaml\"");
            r.set_content(p.plan_yaml, "application/x-yaml; charset=utf-8");
        });
        s.Post("/runs", [this](const httplib::Request& q, httplib::Response& r) { post_run(q, r); });
        s.Post("/compare", [this](const httplib::Request& q, httplib::Response& r) { post_compare(q, r); });
        s.Get("/history", [this](const httplib::Request& q, httplib::Response& r) {
            html(r, history_page(queue_.all(), lang_of(q)));
        });
        s.Get(R"(/runs/([0-9a-f-]+))", [this](const httplib::Request& q, httplib::Response& r) {
            with_job(q, r, [&](const Job& j) {
                const auto files = j.state == JobState::done ? result_files(queue_.job_dir(j.id) / "results")
                                                             : std::vector<std::string>{};
                html(r, run_page(j, queue_.position(j.id), files, lang_of(q)));
            });
        });
        s.Get(R"(/runs/([0-9a-f-]+)/status)", [this](const httplib::Request& q, httplib::Response& r) {
            with_job(q, r, [&](const Job& j) { r.set_content(status_json(j).dump(), "application/json"); });
        });
        s.Post(R"(/runs/([0-9a-f-]+)/cancel)", [this](const httplib::Request& q, httplib::Response& r) {
            with_job(q, r, [&](const Job& j) {
                queue_.cancel(j.id);
                redirect(r, "/runs/" + j.id + "?lang=" + code(lang_of(q)));
            });
        });
        s.Post(R"(/runs/([0-9a-f-]+)/continue)", [this](const httplib::Request& q, httplib::Response& r) {
            with_job(q, r, [&](const Job& j) {
                if (!queue_.resume(j.id) && queue_.waiting() >= queue_.max_waiting()) {
                    html(r, message_page("busy", busy_message(queue_.waiting(), lang_of(q)), lang_of(q)), 503);
                    return;
                }
                redirect(r, "/runs/" + j.id + "?lang=" + code(lang_of(q)));
            });
        });
        s.Get(R"(/runs/([0-9a-f-]+)/report)", [this](const httplib::Request& q, httplib::Response& r) {
            with_job(q, r, [&](const Job& j) {
                try {
                    const auto data = report::read_results(queue_.job_dir(j.id) / "results");
                    r.set_header("Content-Security-Policy", kReportCsp);
                    std::string page = report::report_html(
                        data, lang_of(q) == Lang::nl ? report::Language::nl : report::Language::en);
                    r.set_content(visible_controls(page), "text/html; charset=utf-8");
                } catch (const std::exception&) {
                    not_found(q, r);
                }
            });
        });
        s.Get(R"(/runs/([0-9a-f-]+)/files/([^/]+))", [this](const httplib::Request& q, httplib::Response& r) {
            with_job(q, r, [&](const Job& j) {
                const std::string name = q.matches[2];
                const fs::path dir = queue_.job_dir(j.id) / "results";
                const auto files = result_files(dir);
                if (std::find(files.begin(), files.end(), name) == files.end()) return not_found(q, r);
                send_file(r, dir / name, name);
            });
        });
        s.Get(R"(/runs/([0-9a-f-]+)/scenario/([^/]+))", [this](const httplib::Request& q, httplib::Response& r) {
            with_job(q, r, [&](const Job& j) {
                const std::string name = q.matches[2];
                if (std::find(j.files.begin(), j.files.end(), name) == j.files.end()) return not_found(q, r);
                send_file(r, queue_.job_dir(j.id) / name, name);
            });
        });
        s.Get(R"(/runs/([0-9a-f-]+)/results.zip)", [this](const httplib::Request& q, httplib::Response& r) {
            with_job(q, r, [&](const Job& j) {
                if (j.state != JobState::done) return not_found(q, r);
                const auto zip = results_zip(queue_.job_dir(j.id));
                if (!zip) return not_found(q, r);
                send_file(r, *zip, "results-" + j.id + ".zip");
            });
        });
        s.Get("/static/style.css", [](const httplib::Request&, httplib::Response& r) {
            r.set_content(stylesheet(), "text/css; charset=utf-8");
        });
        s.Get("/static/app.js", [](const httplib::Request&, httplib::Response& r) {
            r.set_content(script(), "text/javascript; charset=utf-8");
        });
    }

    void not_found(const httplib::Request& q, httplib::Response& r) {
        const Lang l = lang_of(q);
        html(r, message_page("404", l == Lang::nl ? "Deze pagina bestaat niet." : "There is no such page.", l), 404);
    }

private:
    void read_library() {
        auto read = [](const fs::path& dir, std::vector<LibraryEntry>& into, bool states) {
            std::error_code ec;
            std::vector<fs::path> files;
            for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
                if (it->path().extension() == ".yaml" && it->is_regular_file()) files.push_back(it->path());
            std::sort(files.begin(), files.end());
            for (const auto& f : files) {
                try {
                    if (scenario::is_compare_file(f)) continue;
                    if (states) {
                        into.push_back({f.filename().string(), f.stem().string(), ""});
                        continue;
                    }
                    const auto sc = scenario::load_scenario(f);
                    into.push_back({f.filename().string(), sc.name, sc.description});
                } catch (const std::exception&) {
                    // sweep files and others that are not a scenario: not offered
                }
            }
        };
        read(options_.library, scenarios_, false);
        read(options_.library / "states", states_, true);
        log_ << "serve: " << scenarios_.size() << " scenarios and " << states_.size() << " start states in "
             << options_.library.string() << "\n";
    }

    template <class F>
    void with_job(const httplib::Request& q, httplib::Response& r, F f) {
        const std::string id = q.matches[1];
        const auto job = is_job_id(id) ? queue_.get(id) : std::nullopt;
        if (!job) return not_found(q, r);
        f(*job);
    }

    json status_json(const Job& j) const {
        json o = {{"id", j.id},       {"state", state_name(j.state)}, {"done", j.done},
                  {"total", j.total}, {"message", j.message},         {"title", j.title}};
        const std::size_t pos = queue_.position(j.id);
        o["position"] = pos;
        if (pos > 0) o["queue_message"] = queue_message(pos, Lang::en);
        if (j.state == JobState::running && j.rate > 0 && j.done < j.total)
            o["seconds_left"] = double(j.total - j.done) / j.rate;
        return o;
    }

    Plan build(const httplib::Request& q) const {
        PlanInput in;
        for (const auto& [k, v] : q.params) {
            if (k == "yaml") in.yaml = v;
            else in.values[k] = v;
        }
        if (in.yaml.size() > scenario::kMaxYamlBytes) {
            Plan p;
            p.field_errors["yaml"] = "the text is longer than " + std::to_string(scenario::kMaxYamlBytes) + " bytes";
            return p;
        }
        return build_plan(sections_, in, options_.threads);
    }

    void get_plan(const httplib::Request& q, httplib::Response& r) {
        const Lang l = lang_of(q);
        PlanView v;
        std::string yaml;
        try {
            if (q.has_param("job")) {
                const std::string id = q.get_param_value("job");
                const auto job = is_job_id(id) ? queue_.get(id) : std::nullopt;
                if (!job || job->files.empty()) return not_found(q, r);
                yaml = read_text(queue_.job_dir(id) / job->files.back());
                v.from = job->title.empty() ? id : job->title;
            } else {
                const std::string from = q.get_param_value("from");
                const auto it = std::find_if(scenarios_.begin(), scenarios_.end(),
                                             [&](const LibraryEntry& e) { return e.file == from; });
                if (it == scenarios_.end()) return redirect(r, std::string("/?lang=") + code(l));
                const std::string state = q.get_param_value("state");
                const auto st = std::find_if(states_.begin(), states_.end(),
                                             [&](const LibraryEntry& e) { return e.file == state; });
                const fs::path file = options_.library / it->file;
                auto sc = st == states_.end() ? scenario::load_scenario(file)
                                              : scenario::load_scenario_from(file, options_.library / "states" / st->file);
                sc.name += "_plan";  // the plan's own name, told apart from the library's file in the report
                yaml = scenario::to_yaml(sc);
                v.from = it->file + (st == states_.end() ? "" : " + states/" + st->file);
            }
        } catch (const std::exception& e) {
            return html(r, message_page("error", e.what(), l), 500);
        }
        v.yaml = yaml;
        v.preview = yaml;
        v.values = field_values(sections_, yaml);
        html(r, plan_page(sections_, v, l));
    }

    void post_run(const httplib::Request& q, httplib::Response& r) {
        const Lang l = lang_of(q);
        Plan p = build(q);
        if (!p.ok()) {
            if (wants_json(q)) {
                r.status = 422;
                r.set_content(json{{"errors", p.field_errors}}.dump(), "application/json");
                return;
            }
            PlanView v;
            v.from = q.get_param_value("from");
            for (const auto& [k, val] : q.params)
                if (k != "yaml") v.values[k] = val;
            v.yaml = q.get_param_value("yaml");
            v.preview = p.plan_yaml;
            v.errors = p.field_errors;
            return html(r, plan_page(sections_, v, l), 422);
        }
        std::vector<std::pair<std::string, std::string>> files;
        if (!p.baseline_yaml.empty()) files.emplace_back("baseline.yaml", p.baseline_yaml);
        files.emplace_back("plan.yaml", p.plan_yaml);
        std::size_t total = 0;
        for (const auto& s : p.scenarios) total += std::size_t(s.replications);
        answer_submitted(q, r, queue_.submit(files, p.name, p.description, code(l), total));
    }

    // Two earlier runs (the server's ids in `baseline` and `plan`) compared in a new run.
    void post_compare(const httplib::Request& q, httplib::Response& r) {
        const Lang l = lang_of(q);
        auto made = compare_runs(queue_, q.get_param_value("baseline"), q.get_param_value("plan"), options_.threads, l);
        if (const auto* no = std::get_if<CompareRefusal>(&made)) {
            if (wants_json(q)) {
                r.status = no->status;
                r.set_content(json{{"error", no->error}, {"message", no->message_en}}.dump(), "application/json");
                return;
            }
            return html(r, message_page(l == Lang::nl ? "Vergelijken kan niet" : "Cannot compare", no->message, l),
                        no->status);
        }
        const auto& run = std::get<CompareRun>(made);
        answer_submitted(q, r, queue_.submit(run.files, run.title, run.description, code(l), run.total));
    }

    // The answer to a new run: its page (or its id and place in the queue), or busy when the queue is full.
    void answer_submitted(const httplib::Request& q, httplib::Response& r, const std::optional<Submitted>& sub) {
        const Lang l = lang_of(q);
        if (!sub) {
            const std::string msg = busy_message(queue_.waiting(), l);
            r.set_header("Retry-After", "60");
            if (wants_json(q)) {
                r.status = 503;
                r.set_content(json{{"error", "busy"}, {"message", busy_message(queue_.waiting(), Lang::en)}}.dump(),
                              "application/json");
                return;
            }
            return html(r, message_page(l == Lang::nl ? "Bezet" : "Busy", msg, l), 503);
        }
        if (wants_json(q)) {
            r.status = 202;
            json o = {{"id", sub->id}, {"position", sub->position}};
            if (sub->position > 0) o["queue_message"] = queue_message(sub->position, Lang::en);
            r.set_content(o.dump(), "application/json");
            return;
        }
        redirect(r, "/runs/" + sub->id + "?lang=" + code(l));
    }

    ServeOptions options_;
    std::ostream& log_;
    JobQueue queue_;
    std::vector<FormSection> sections_;
    std::vector<LibraryEntry> scenarios_, states_;
};

}  // namespace

int serve(const ServeOptions& o, std::ostream& log, const std::atomic<bool>* stop) {
    if (!is_loopback(o.host) && o.token.empty())
        throw InputError("serving on " + o.host +
                         ", an address other computers can reach, needs a token: give --token TEXT or set "
                         "CASELOAD_SERVE_TOKEN (or serve on 127.0.0.1 behind a reverse proxy)");
    if (o.executable.empty()) throw InputError("serve needs the path of the caseload program");
    fs::create_directories(o.workspace);
    App app(o, log);
    httplib::Server server;
    server.set_payload_max_length(o.max_body_bytes);
    // A fresh connection's request must arrive within the keep-alive time: at 5 s (httplib's default)
    // a request whose packets were held back a moment by a busy machine still gets its answer.
    server.set_keep_alive_timeout(5);
    server.set_read_timeout(10, 0);
    // httplib listens with a backlog of 5: twenty browsers connecting at once on a busy machine
    // overflow it, and a connection the kernel kept waiting is reset. Its socket is noted here and
    // given the system's backlog once it is bound (listen on a listening socket sets its backlog).
    int listening = -1;
    server.set_socket_options([&listening](socket_t sock) {
        httplib::default_socket_options(sock);
        listening = sock;
    });
    server.set_write_timeout(30, 0);
    server.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                {"Referrer-Policy", "no-referrer"},
                                {"Cache-Control", "no-store"}});
    const std::string token = o.token;
    server.set_pre_routing_handler([token](const httplib::Request& q, httplib::Response& r) {
        if (q.method == "POST") {  // a page of another site may not post here
            const std::string origin = q.get_header_value("Origin");
            const std::string host = q.get_header_value("Host");
            if (!origin.empty() && origin != "null" && origin.substr(origin.find("//") + 2) != host) {
                html(r, message_page("403", "a form from another site cannot post here", Lang::en), 403);
                return httplib::Server::HandlerResponse::Handled;
            }
        }
        if (token.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string given = cookie(q, "caseload_token");
        const std::string auth = q.get_header_value("Authorization");
        if (auth.rfind("Bearer ", 0) == 0) given = auth.substr(7);
        if (q.method == "GET" && q.has_param("token") && same_text(q.get_param_value("token"), token)) {
            r.set_header("Set-Cookie", "caseload_token=" + token + "; HttpOnly; SameSite=Strict; Path=/");
            redirect(r, "/");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (same_text(given, token)) return httplib::Server::HandlerResponse::Unhandled;
        html(r, message_page("401", "this server needs its token: open the address with ?token=... once", Lang::en),
             401);
        return httplib::Server::HandlerResponse::Handled;
    });
    server.set_post_routing_handler([](const httplib::Request& q, httplib::Response& r) {
        if (q.has_param("lang") && (q.get_param_value("lang") == "nl" || q.get_param_value("lang") == "en"))
            r.set_header("Set-Cookie", "caseload_lang=" + q.get_param_value("lang") + "; SameSite=Strict; Path=/");
    });
    server.set_error_handler([&app](const httplib::Request& q, httplib::Response& r) {
        if (r.status == 404 && r.body.empty()) app.not_found(q, r);  // a route's own 404 answer stays
        else if (r.status == 413)
            html(r, message_page("413", "the request is larger than this server accepts", Lang::en), 413);
    });
    server.set_exception_handler([&log](const httplib::Request&, httplib::Response& r, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        log << "serve: error: " << what << "\n";
        html(r, message_page("500", what, Lang::en), 500);
    });
    app.routes(server);
    const int port = o.port == 0 ? server.bind_to_any_port(o.host) : (server.bind_to_port(o.host, o.port) ? o.port : -1);
    if (port < 0) throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port));
    if (listening >= 0) ::listen(listening, SOMAXCONN);
    app.start();
    const std::string shown = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
    log << "serve: listening on http://" << shown << ":" << port << "/ (workspace " << o.workspace.string() << ")"
        << std::endl;
    std::atomic<bool> ended{false};
    std::thread watcher([&] {
        while (!ended.load() && !(stop && stop->load())) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        server.stop();
    });
    server.listen_after_bind();
    ended = true;
    watcher.join();
    if (!(stop && stop->load())) {
        log << "serve: the server stopped listening\n";
        return 1;
    }
    log << "serve: stopping; unfinished runs continue at the next start\n";
    return 0;
}

}  // namespace caseload::serve
