// caseload serve through HTTP on loopback: the real program as a server, a
// cpp-httplib client. Paths and escaping, 20 clients at once against a
// bounded queue, and a server killed during a run and started again.

// GCC 12 warns falsely (-Wmaybe-uninitialized) inside <regex> when built with
// AddressSanitizer; the warning concerns the library, not this file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "../process.hpp"
#include "serve/jobs.hpp"
#include "serve/pages.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using caseload::test::Process;

namespace {

int free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    const int port = ntohs(a.sin_port);
    ::close(s);
    return port;
}

fs::path fresh_dir(const std::string& name) {
    const fs::path d = fs::temp_directory_path() / ("caseload_serve_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A small scenario: a few workers, a short horizon.
std::string tiny_yaml(const std::string& name, int seed, int replications = 4, const std::string& horizon = "2y") {
    return "name: " + name + "\nhorizon: " + horizon + "\nwarmup: 50d\nreplications: " + std::to_string(replications) +
           "\nseed: " + std::to_string(seed) +
           "\nreferrals:\n  rate_per_week: 3.5\n  types:\n    ots: {share: 1, length: {distribution: exponential, "
           "mean: 60d}, weight: 1}\nworkforce: {workers: 4, fte: 1.0, caseload_norm: 10}\n";
}

struct Server {
    int port;
    std::unique_ptr<Process> process;
    Server(const fs::path& ws, std::vector<std::string> extra = {}, int p = 0) : port(p ? p : free_port()) {
        std::vector<std::string> args{"serve",       "--port",    std::to_string(port),
                                      "--workspace", ws.string(), "--library",
                                      std::string(CASELOAD_SOURCE_DIR) + "/scenarios"};
        args.insert(args.end(), extra.begin(), extra.end());
        process = std::make_unique<Process>(args);
        httplib::Client c("127.0.0.1", port);
        for (int i = 0; i < 200; ++i) {
            if (auto r = c.Get("/static/style.css")) return;  // 401 without a token: listening all the same
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        FAIL("the server did not start");
    }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(30, 0);
        return c;
    }
};

httplib::Result submit(httplib::Client& c, const std::string& yaml, const std::string& extra_fte = "") {
    httplib::Params p{{"yaml", yaml}};
    if (!extra_fte.empty()) p.emplace("lever.extra_workers.fte", extra_fte);
    return c.Post("/runs", {{"Accept", "application/json"}}, p);
}

std::string field(const std::string& json, const std::string& key) {
    const std::regex re("\"" + key + "\":(\"([^\"]*)\"|[0-9.]+)");
    std::smatch m;
    if (!std::regex_search(json, m, re)) return {};
    return m[2].matched ? m[2].str() : m[1].str();
}

// Polls a run until it is done, stopped or failed; its last status.
std::string wait_run(httplib::Client& c, const std::string& id, double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::string body;
    while (std::chrono::steady_clock::now() < end) {
        if (auto r = c.Get("/runs/" + id + "/status"); r && r->status == 200) {
            body = r->body;
            const std::string s = field(body, "state");
            if (s == "done" || s == "stopped" || s == "failed") return body;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return body;
}

}  // namespace

TEST_CASE("serve: user text is escaped and control characters shown, ids are the server's") {
    using caseload::serve::esc;
    CHECK(esc("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    CHECK(esc(std::string("a\x01" "b\x7f" "c")) == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
    CHECK(esc("line\nbreak") == "line\nbreak");
    CHECK(caseload::serve::is_job_id(caseload::serve::new_job_id()));
    CHECK_FALSE(caseload::serve::is_job_id("../../etc"));
    CHECK_FALSE(caseload::serve::is_job_id("20260101-120000-..%2f"));
    CHECK_FALSE(caseload::serve::is_job_id(""));
}

TEST_CASE("serve: names with ../, HTML and control characters never become paths or markup") {
    const fs::path ws = fresh_dir("paths");
    Server s(ws / "workspace");
    auto c = s.client();
      auto r = submit(c, tiny_yaml("\"<b>x</b> ../../outside \\x01 &amp;\"", 3));
    REQUIRE(r);
    REQUIRE(r->status == 202);
    const std::string id = field(r->body, "id");
    REQUIRE(caseload::serve::is_job_id(id));
    CHECK(field(wait_run(c, id, 60), "state") == "done");
    for (const std::string& page : std::vector<std::string>{"/runs/" + id, std::string("/history"), "/runs/" + id + "/report"}) {
        auto p = c.Get(page);
        REQUIRE(p);
        CHECK(p->status == 200);
        CHECK(p->body.find("<b>x</b>") == std::string::npos);
        CHECK(p->body.find("&lt;b&gt;x&lt;/b&gt;") != std::string::npos);
        CHECK(p->body.find('\x01') == std::string::npos);
    }
    // Nothing is named after the user's text: only the server's id under jobs/.
    for (const auto& e : fs::recursive_directory_iterator(ws))
        CHECK(e.path().filename().string().find("outside") == std::string::npos);
    // Paths in requests: never outside the run's own files.
    for (const std::string& bad : std::vector<std::string>{"/runs/..%2F..%2Fetc%2Fpasswd", "/runs/" + id + "/files/..%2Fjob.json", "/runs/" + id + "/files/.hidden",
          "/runs/" + id + "/scenario/..%2F..%2F..%2Fjob.json", "/runs/" + id + "/scenario/job.json",
          "/runs/" + id + "/files/%2Fetc%2Fpasswd", "/runs/0000000000/status", "/../../etc/passwd"}) {
        auto p = c.Get(bad);
        REQUIRE(p);
        CHECK_MESSAGE(p->status == 404, bad);
        CHECK(p->body.find("root:") == std::string::npos);
    }
    auto ok = c.Get("/runs/" + id + "/scenario/plan.yaml");
    REQUIRE(ok);
    CHECK(ok->status == 200);
    auto zip = c.Get("/runs/" + id + "/results.zip");
    REQUIRE(zip);
    CHECK(zip->status == 200);
    CHECK(zip->body.rfind("PK", 0) == 0);
    // A file key in the text is refused next to the editor: the server reads no files for a plan.
    auto ext = submit(c, "extends: ../../../etc/passwd\n" + tiny_yaml("x", 1));
    REQUIRE(ext);
    CHECK(ext->status == 422);
    CHECK(ext->body.find("names a file") != std::string::npos);
    // A bad value comes back to its field, and the page escapes what was typed.
    httplib::Params bad{{"yaml", tiny_yaml("y", 1)}, {"initial.waiting", "<i>many</i>"}};
    auto page = c.Post("/runs", bad);
    REQUIRE(page);
    CHECK(page->status == 422);
    CHECK(page->body.find("<i>many</i>") == std::string::npos);
    const auto err = page->body.find("id=\"err-initial.waiting\">");
    REQUIRE(err != std::string::npos);
    CHECK(page->body.substr(err, 200).find("whole number") != std::string::npos);
    // Request bodies are capped.
    auto big = c.Post("/runs", std::string(2u << 20, 'a'), "application/x-www-form-urlencoded");
    REQUIRE(big);
    CHECK(big->status == 413);
    // A POST from another site's page is refused.
    auto cross = c.Post("/runs", {{"Origin", "http://evil.example"}}, httplib::Params{{"yaml", tiny_yaml("z", 1)}});
    REQUIRE(cross);
    CHECK(cross->status == 403);
    fs::remove_all(ws);
}

TEST_CASE("serve: on another address it needs a token, and then every request carries it") {
    const fs::path ws = fresh_dir("token");
    {
        Process p({"serve", "--host", "0.0.0.0", "--port", std::to_string(free_port()), "--workspace",
                   (ws / "w").string()});
        const auto r = p.wait(20);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("needs a token") != std::string::npos);
    }
    Server s(ws / "w2", {"--token", "s3cret"});
    auto c = s.client();
    auto no = c.Get("/");
    REQUIRE(no);
    CHECK(no->status == 401);
    auto yes = c.Get("/", {{"Authorization", "Bearer s3cret"}});
    REQUIRE(yes);
    CHECK(yes->status == 200);
    auto wrong = c.Get("/", {{"Authorization", "Bearer s3creT"}});
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
    fs::remove_all(ws);
}

TEST_CASE("serve: 20 clients at once, each run completes or is refused as busy, and each gets its own results") {
    const fs::path ws = fresh_dir("load");
    Server s(ws / "w", {"--queue", "6", "--threads", "1"});
    constexpr int kClients = 20;
    std::vector<std::string> outcome(kClients);
    std::vector<std::thread> clients;
    const auto t0 = std::chrono::steady_clock::now();
    // The server is held still while the clients connect, as a busy machine does: their
    // connections wait in the kernel's queue and must all still get an answer (with
    // httplib's backlog of 5 and a 2 s keep-alive, some were reset).
    s.process->signal(SIGSTOP);
    for (int i = 0; i < kClients; ++i)
        clients.emplace_back([&, i] {
            auto c = s.client();
            const std::string name = "client_" + std::to_string(i);
            auto r = submit(c, tiny_yaml(name, 100 + i, 3), std::to_string(i % 3 + 1));
            if (!r) return void(outcome[i] = "no answer: " + httplib::to_string(r.error()));
            if (r->status == 503) {
                outcome[i] = r->body.find("The server is busy") != std::string::npos ? "busy" : "503 " + r->body;
                return;
            }
            if (r->status != 202) return void(outcome[i] = "status " + std::to_string(r->status));
            const std::string id = field(r->body, "id");
            if (field(wait_run(c, id, 120), "state") != "done") return void(outcome[i] = "not done " + id);
            // Its own run: the scenario it sent, the results of its name and seed.
            auto plan = c.Get("/runs/" + id + "/scenario/plan.yaml");
            auto summary = c.Get("/runs/" + id + "/files/summary.csv");
            auto meta = c.Get("/runs/" + id + "/files/metadata.json");
            if (!plan || !summary || !meta) return void(outcome[i] = "files missing");
            const bool own = plan->body.find("name: " + name + "\n") != std::string::npos &&
                             plan->body.find("seed: " + std::to_string(100 + i) + "\n") != std::string::npos &&
                             summary->body.find(name) != std::string::npos &&
                             meta->body.find(std::to_string(100 + i)) != std::string::npos;
            for (int j = 0; j < kClients; ++j)
                if (j != i && summary->body.find("client_" + std::to_string(j) + ",") != std::string::npos)
                    return void(outcome[i] = "mixed up with client " + std::to_string(j));
            outcome[i] = own ? "done" : "not its own results";
        });
    std::this_thread::sleep_for(std::chrono::seconds(3));
    s.process->signal(SIGCONT);
    for (auto& t : clients) t.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    int done = 0, busy = 0;
    for (int i = 0; i < kClients; ++i) {
        CHECK_MESSAGE((outcome[i] == "done" || outcome[i] == "busy"), "client ", i, ": ", outcome[i]);
        done += outcome[i] == "done";
        busy += outcome[i] == "busy";
    }
    MESSAGE(done, " runs done, ", busy, " refused as busy, in ", secs, " s");
    CHECK(done >= 6);  // at least the queue's worth got through
    CHECK(secs < 180);
    fs::remove_all(ws);
}

TEST_CASE("serve: a server killed during a run continues it at the next start and keeps finished replications") {
    const fs::path ws = fresh_dir("restart");
    const int port = free_port();
    std::string id;
    std::size_t before = 0;
    {
        Server s(ws / "w", {"--threads", "1"}, port);
        auto c = s.client();
        auto r = submit(c, tiny_yaml("long_run", 7, 400, "20y"));
        REQUIRE(r);
        REQUIRE(r->status == 202);
        id = field(r->body, "id");
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < end) {
            auto st = c.Get("/runs/" + id + "/status");
            if (st && std::stoul("0" + field(st->body, "done")) >= 20) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        auto st = c.Get("/runs/" + id + "/status");
        REQUIRE(st);
        before = std::stoul("0" + field(st->body, "done"));
        REQUIRE(field(st->body, "state") == "running");
        REQUIRE(before >= 20);
        REQUIRE(before < 400);
        s.process->signal(SIGKILL);
        s.process->wait(10);
    }
    Server again(ws / "w", {"--threads", "1"}, port);
    auto c = again.client();
    const std::string last = wait_run(c, id, 120);
    CHECK(field(last, "state") == "done");
    const std::string log = slurp(ws / "w" / "jobs" / id / "log.txt");
    std::smatch m;
    REQUIRE(std::regex_search(log, m, std::regex("resuming, ([0-9]+) replications done already")));
    CHECK(std::stoul(m[1]) >= before);  // what the page showed as done was not lost
    const std::string reps = slurp(ws / "w" / "jobs" / id / "results" / "replications.csv");
    std::set<std::string> indices;  // every replication of the run is in the results
    std::istringstream lines(reps);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("long_run,", 0) == 0) indices.insert(line.substr(9, line.find(',', 9) - 9));
    CHECK(indices.size() == 400);
    fs::remove_all(ws);
}

namespace {

// Posts the History page's form: compare run `baseline` (the baseline) with run `plan`.
httplib::Result post_compare(httplib::Client& c, const std::string& baseline, const std::string& plan, bool json = true,
                             const std::string& lang = "en") {
    httplib::Params p{{"baseline", baseline}, {"plan", plan}, {"lang", lang}};
    if (json) return c.Post("/compare", {{"Accept", "application/json"}}, p);
    return c.Post("/compare", p);
}

std::string submitted_id(const httplib::Result& r) {
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 202, r->body);
    const std::string id = field(r->body, "id");
    REQUIRE(caseload::serve::is_job_id(id));
    return id;
}

}  // namespace

TEST_CASE("serve: History compares two earlier runs in a new run of caseload compare") {
    const fs::path ws = fresh_dir("history_compare");
    Server s(ws / "w", {"--threads", "2"});
    auto c = s.client();
    // The first run is one scenario; the second a plan with a lever (itself a compare, whose plan is its last file).
    const std::string first = submitted_id(submit(c, tiny_yaml("first_run", 11, 3, "1y")));
    const std::string second = submitted_id(submit(c, tiny_yaml("second_run", 12, 3, "1y"), "2"));
    REQUIRE(field(wait_run(c, first, 60), "state") == "done");
    REQUIRE(field(wait_run(c, second, 60), "state") == "done");

    auto page = c.Get("/history?lang=nl");
    REQUIRE(page);
    CHECK(page->body.find("action=\"/compare\"") != std::string::npos);
    CHECK(page->body.find("name=\"baseline\" value=\"" + first + "\"") != std::string::npos);
    CHECK(page->body.find("name=\"plan\" value=\"" + second + "\"") != std::string::npos);
    CHECK(page->body.find(">Vergelijk</button>") != std::string::npos);

    const std::string id = submitted_id(post_compare(c, first, second));
    CHECK(id != first);
    CHECK(id != second);
    REQUIRE(field(wait_run(c, id, 60), "state") == "done");
    // Its own folder holds both scenario files, copied; they name no file and load on their own there.
    const fs::path dir = ws / "w" / "jobs" / id;
    const std::string base = slurp(dir / "baseline.yaml"), plan = slurp(dir / "plan.yaml");
    CHECK(base == slurp(ws / "w" / "jobs" / first / "plan.yaml"));
    CHECK(plan == slurp(ws / "w" / "jobs" / second / "plan.yaml"));  // the second run's plan, not its baseline
    CHECK(plan.find("extra_workers") != std::string::npos);
    CHECK(base.find("extends") == std::string::npos);
    // The comparison names both scenarios; the new run is in History like any other.
    auto cmp = c.Get("/runs/" + id + "/files/comparison.csv");
    REQUIRE(cmp);
    REQUIRE(cmp->status == 200);
    CHECK(cmp->body.find("first_run") != std::string::npos);
    CHECK(cmp->body.find("second_run") != std::string::npos);
    CHECK(cmp->body.find("(without the plan)") == std::string::npos);
    auto history = c.Get("/history");
    REQUIRE(history);
    CHECK(history->body.find("/runs/" + id + "?lang=en\">first_run vs second_run</a>") != std::string::npos);
    auto report = c.Get("/runs/" + id + "/report");
    REQUIRE(report);
    CHECK(report->status == 200);

    // A run of the same name as the baseline is named after its run in the comparison; the form's
    // post (no JSON) leads to the new run's page.
    const std::string third = submitted_id(submit(c, tiny_yaml("first_run", 13, 3, "1y")));
    REQUIRE(field(wait_run(c, third, 60), "state") == "done");
    auto form = post_compare(c, first, third, false);
    REQUIRE(form);
    CHECK(form->status == 303);
    const std::string to = form->get_header_value("Location");
    REQUIRE(to.rfind("/runs/", 0) == 0);
    const std::string again = to.substr(6, to.find('?') - 6);
    REQUIRE(caseload::serve::is_job_id(again));
    REQUIRE(field(wait_run(c, again, 60), "state") == "done");
    auto cmp2 = c.Get("/runs/" + again + "/files/comparison.csv");
    REQUIRE(cmp2);
    CHECK(cmp2->body.find("first_run (" + third + ")") != std::string::npos);
    fs::remove_all(ws);
}

TEST_CASE("serve: History's compare refuses the same run twice, an unknown run and a run not done, and waits its turn") {
    const fs::path ws = fresh_dir("history_refusals");
    Server s(ws / "w", {"--threads", "1", "--queue", "1"});
    auto c = s.client();
    const std::string a = submitted_id(submit(c, tiny_yaml("run_a", 21, 2, "1y")));
    REQUIRE(field(wait_run(c, a, 60), "state") == "done");
    const std::string b = submitted_id(submit(c, tiny_yaml("run_b", 22, 2, "1y")));
    REQUIRE(field(wait_run(c, b, 60), "state") == "done");
    // Slow enough to be still running through every check below, on any machine (it is cancelled).
    const std::string slow = submitted_id(submit(c, tiny_yaml("slow_run", 23, 5000, "50y")));
    for (int i = 0; i < 100 && field(c.Get("/runs/" + slow + "/status")->body, "state") != "running"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));

    struct Case {
        std::string baseline, plan;
        int status;
        std::string error;
    };
    for (const Case& k : std::vector<Case>{{a, a, 400, "same"},
                                           {a, "", 400, "missing"},
                                           {a, "20200101-000000-0123456789", 404, "unknown"},
                                           {"20200101-000000-0123456789", b, 404, "unknown"},
                                           {"../../etc/passwd", b, 404, "unknown"},
                                           {a, "..%2F" + b, 404, "unknown"},
                                           {a, slow, 409, "not_done"},
                                           {slow, b, 409, "not_done"}}) {
        auto r = post_compare(c, k.baseline, k.plan);
        REQUIRE(r);
        CHECK_MESSAGE(r->status == k.status, k.baseline, " ", k.plan, ": ", r->body);
        CHECK_MESSAGE(field(r->body, "error") == k.error, r->body);
    }
    // The pages say why, in the page's language.
    auto same = post_compare(c, b, b, false, "nl");
    REQUIRE(same);
    CHECK(same->status == 400);
    CHECK(same->body.find("Kies twee verschillende runs") != std::string::npos);
    auto busy_run = post_compare(c, a, slow, false);
    REQUIRE(busy_run);
    CHECK(busy_run->status == 409);
    CHECK(busy_run->body.find("slow_run") != std::string::npos);
    CHECK(busy_run->body.find("is not finished") != std::string::npos);
    auto unknown = post_compare(c, a, "20200101-000000-0123456789", false, "nl");
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    CHECK(unknown->body.find("bestaat niet") != std::string::npos);
    // No run was made by the refusals.
    std::size_t folders = 0;
    for (const auto& e : fs::directory_iterator(ws / "w" / "jobs")) folders += e.is_directory();
    CHECK(folders == 3);

    // The queue's rules: with the queue full (one waiting) a compare is refused as busy; once
    // there is room it waits its turn.
    const std::string waiting = submitted_id(submit(c, tiny_yaml("waiting_run", 24, 2, "1y")));
    auto full = post_compare(c, a, b);
    REQUIRE(full);
    CHECK(full->status == 503);
    CHECK(field(full->body, "error") == "busy");
    REQUIRE(c.Post("/runs/" + waiting + "/cancel"));
    const std::string queued = submitted_id(post_compare(c, a, b));
    auto status = c.Get("/runs/" + queued + "/status");
    REQUIRE(status);
    CHECK(field(status->body, "state") == "queued");
    CHECK(status->body.find("you are number 1 in the queue") != std::string::npos);
    // Its own run once the slow one is cancelled (after a replication: the child handles SIGTERM by then).
    for (int i = 0; i < 600 && std::stoul("0" + field(c.Get("/runs/" + slow + "/status")->body, "done")) < 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(c.Post("/runs/" + slow + "/cancel"));
    const std::string stopped = wait_run(c, slow, 60);
    CHECK_MESSAGE(field(stopped, "state") == "stopped", stopped);
    CHECK(field(wait_run(c, queued, 60), "state") == "done");
    auto cmp = c.Get("/runs/" + queued + "/files/comparison.csv");
    REQUIRE(cmp);
    CHECK(cmp->body.find("run_b") != std::string::npos);
    fs::remove_all(ws);
}

TEST_CASE("serve: a run cancelled the moment it starts is stopped, not failed") {
    const fs::path ws = fresh_dir("cancel_early");
    Server s(ws / "w", {"--queue", "2", "--threads", "1"});
    auto c = s.client();
    const auto r = submit(c, tiny_yaml("cancelled_early", 5, 5000, "50y"));
    REQUIRE(r);
    REQUIRE(r->status == 202);
    const std::string id = field(r->body, "id");
    // Cancelled as soon as it runs: the SIGTERM may reach the child before its stop handling is set up.
    for (int i = 0; i < 400; ++i) {
        auto st = c.Get("/runs/" + id + "/status");
        if (st && field(st->body, "state") == "running") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(c.Post("/runs/" + id + "/cancel"));
    const std::string end = wait_run(c, id, 60);
    CHECK_MESSAGE(field(end, "state") == "stopped", end);
    fs::remove_all(ws);
}
