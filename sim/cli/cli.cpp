#include "caseload/cli/cli.hpp"

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/mpi.hpp"
#include "caseload/experiment/limits.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/experiment/solve.hpp"
#include "caseload/experiment/sweep.hpp"
#include "caseload/model/model.hpp"
#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "caseload/report/run_resume.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/sweep_file.hpp"
#include "caseload/report/sweep_output.hpp"
#include "caseload/scenario/schema.hpp"
#include "progress.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#ifndef CASELOAD_VERSION
#define CASELOAD_VERSION "0.0.0"
#endif

namespace caseload::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kUsage =
    "caseload — caseload and waitlist simulator for youth protection\n"
    "\n"
    "usage: caseload <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE            run the replications of one scenario; print its summary, write a results folder\n"
    "  compare FILE...     compare scenarios with a baseline (the first file), or run a compare file;\n"
    "                      print the comparison table, write a results folder\n"
    "  report DIR          rebuild report.html and report.md of a results folder (no re-run)\n"
    "  sweep FILE          run a parameter sweep (a design over a base scenario); write tidy CSVs and a\n"
    "                      sensitivity table; --shard K/N runs a slice, --resume continues a stopped run,\n"
    "                      'mpirun -n N caseload sweep FILE' spreads it over MPI ranks (MPI builds)\n"
    "  merge DIR...        combine the folders of a sweep's shards into one result\n"
    "  validate FILE...    check scenario, compare and sweep files without running them\n"
    "  trace FILE          every event of one replication, as CSV on stdout\n"
    "  solve FILE          break-even: the smallest workforce for which a metric meets a target\n"
    "  schema [compare]    the JSON Schema of scenario (or compare) files, for editors\n"
    "\n"
    "'caseload <command> --help' lists a command's options.\n"
    "exit codes: 0 ok, 1 the run failed (e.g. cannot write results), 2 bad input, 130 interrupted (Ctrl-C)\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Common {
    std::optional<int> replications;
    std::optional<std::uint64_t> seed;
    unsigned threads = 0;
    std::string out;
    bool force = false;
    bool resume = false;
    bool quiet = false;
    std::string lang = "en";
    bool allow_large = false;
};

po::options_description run_options(Common& c) {
    po::options_description d("options");
    d.add_options()
        ("help,h", "show this help")
        ("replications,r", po::value<int>()->notifier([&](int v) { c.replications = v; }),
         "replications (overrides the file's 'replications')")
        ("seed,s", po::value<std::uint64_t>()->notifier([&](std::uint64_t v) { c.seed = v; }),
         "random seed (overrides the file's 'seed'); same seed, same results on any thread count")
        ("threads,t", po::value<unsigned>(&c.threads)->default_value(0), "worker threads; 0 = all cores")
        ("out,o", po::value<std::string>(&c.out), "results folder (default results/<name>-<date-time>)")
        ("force", po::bool_switch(&c.force), "replace the results folder, or the kept replications of an interrupted run")
        ("resume", po::bool_switch(&c.resume),
         "continue an interrupted run into --out: run only the replications it did not finish")
        ("allow-large", po::bool_switch(&c.allow_large),
         "run even when the run is estimated to exceed the limits of events or memory (see README, Robustness)")
        ("quiet,q", po::bool_switch(&c.quiet), "no progress bar, no messages on stderr except errors")
        ("lang", po::value<std::string>(&c.lang)->default_value("en"),
         "language of report.html and report.md: en (English) or nl (Dutch)");
    return d;
}

// Parse a subcommand's arguments; returns false when --help was printed.
bool parse(const std::vector<std::string>& args, const po::options_description& desc, const std::string& positional_name,
           std::vector<std::string>& positional, const std::string& usage, const Streams& io) {
    po::options_description all;
    all.add(desc);
    all.add_options()(positional_name.c_str(), po::value<std::vector<std::string>>(&positional));
    po::positional_options_description pos;
    pos.add(positional_name.c_str(), -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
        if (vm.count("help")) {
            io.out << usage << "\n" << desc << "\n";
            return false;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    return true;
}

std::string timestamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

std::string slug(const std::string& s) {
    std::string out;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        out += ok ? c : '_';
    }
    return out.empty() ? "scenario" : out.substr(0, 60);
}

fs::path default_out(const std::string& stem) {
    const fs::path base = fs::path("results") / (slug(stem) + "-" + timestamp());
    fs::path p = base;
    for (int k = 2; fs::exists(p); ++k) p = base.string() + "-" + std::to_string(k);
    return p;
}

std::string json_string(const std::string& s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': o += "\\\""; break;
            case '\\': o += "\\\\"; break;
            case '\n': o += "\\n"; break;
            case '\r': o += "\\r"; break;
            case '\t': o += "\\t"; break;
            default:
                if (c < 0x20) {
                    char b[8];
                    std::snprintf(b, sizeof b, "\\u%04x", c);
                    o += b;
                } else {
                    o += char(c);
                }
        }
    }
    return o + "\"";
}

// A word of a command line, quoted when the shell would split or expand it.
std::string shell_word(const std::string& a) {
    const bool plain = !a.empty() && a.find_first_of(" \t'\"\\$`*?[]{}()<>|&;!#~") == std::string::npos;
    return plain ? a : "'" + a + "'";
}

// Where the i-th resolved scenario of n is saved in the results folder.
std::string resolved_name(std::size_t i, std::size_t n, const scenario::Scenario& s) {
    return n == 1 ? "scenario.yaml" : "scenarios/" + std::to_string(i) + "-" + slug(s.name) + ".yaml";
}

std::string metadata_json(const std::string& command, const std::string& title,
                          const std::vector<experiment::ExperimentResult>& results,
                          const std::vector<std::string>& yamls, unsigned threads, double wall_seconds) {
    std::ostringstream o;
    o << "{\n  \"tool\": \"caseload-sim\",\n  \"version\": " << json_string(CASELOAD_VERSION) << ",\n  \"command\": "
      << json_string(command) << ",\n  \"title\": " << json_string(title) << ",\n  \"threads\": " << threads
      << ",\n  \"wall_seconds\": " << report::number(wall_seconds)
      << ",\n  \"scenarios\": [\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& sc = results[i].scenario;
        o << "    {\"name\": " << json_string(sc.name) << ", \"file\": " << json_string(sc.source_file)
          << ", \"seed\": " << sc.seed << ", \"replications\": " << sc.replications
          << ", \"scenario_hash\": " << json_string(report::content_hash(yamls[i]))
          << ", \"resolved\": " << json_string(resolved_name(i, results.size(), sc)) << "}"
          << (i + 1 < results.size() ? "," : "") << "\n";
    }
    o << "  ]\n}\n";
    return o.str();
}

struct Outcome {
    std::vector<experiment::ExperimentResult> results;
    std::vector<experiment::Summary> summaries;
    double wall_seconds = 0;
    unsigned threads = 0;
};

// The command that continues this run into `out`: its files, the options
// that change its results (--resume refuses another seed or replications)
// and how it ran.
std::string resume_command(const std::string& command, const std::vector<std::string>& files, const Common& c,
                           const fs::path& out) {
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on "..." + std::string.
    std::string line = "caseload ";
    line += command;
    for (const auto& f : files) (line += ' ') += shell_word(f);
    (line += " --out ") += shell_word(out.string());
    if (c.replications) (line += " --replications ") += std::to_string(*c.replications);
    if (c.seed) (line += " --seed ") += std::to_string(*c.seed);
    if (c.threads) (line += " --threads ") += std::to_string(c.threads);
    if (c.allow_large) line += " --allow-large";
    if (c.lang != "en") (line += " --lang ") += shell_word(c.lang);
    return line + " --resume";
}

// Where a run into `out` keeps its replications until all are in: a stopped
// run is continued with --resume. Refused before anything runs when it does
// not fit.
report::SavedReplications::Mode saved_mode(const Common& c) {
    if (c.resume && c.force) throw UsageError("give --resume or --force, not both");
    if (c.resume && c.out.empty())
        throw UsageError("--resume needs --out DIR: the folder of the run to continue (the message of the stop names it)");
    return c.force ? report::SavedReplications::Mode::force
                   : c.resume ? report::SavedReplications::Mode::resume : report::SavedReplications::Mode::fresh;
}

// A resumed run replaces the folder it was started to replace (with --force).
bool replace_results(const Common& c, const fs::path& out) {
    std::error_code ec;
    return c.force || (c.resume && fs::exists(report::run_staging(out), ec));
}

// Runs what `saved` lacks, keeping each replication as it finishes. Empty
// after a stop (Ctrl-C, SIGTERM), once it has said what is kept and how to go on.
std::optional<Outcome> execute(const std::vector<scenario::Scenario>& scenarios, const Common& c,
                               report::SavedReplications& saved, const std::string& resume, const Streams& io) {
    Outcome o;
    o.threads = experiment::resolve_threads(c.threads);
    if (saved.resuming() && !c.quiet)
        io.err << "resuming, " << saved.count() << " replications done already\n";
    detail::ProgressBar bar(io.err, io.err_is_terminal && !c.quiet);
    experiment::RunOptions opts;
    opts.threads = c.threads;
    opts.stop = io.stop;
    opts.on_progress = [&bar](std::size_t done, std::size_t total) { bar.update(done, total); };
    std::atomic<std::size_t> run_now{0};
    opts.on_replication = [&saved, &run_now](std::size_t scenario, const model::ReplicationResult& r) {
        saved.save(scenario, r);
        ++run_now;
    };
    opts.resumed = &saved.saved();
    const auto t0 = std::chrono::steady_clock::now();
    try {
        o.results = experiment::run_experiments(scenarios, opts);
    } catch (const experiment::Interrupted& e) {
        bar.finish();
        saved.keep();
        io.err << "interrupted: stopped after the replications in progress; " << e.done() << " of " << e.total()
               << " replications are saved in " << saved.staging().string() << " (" << run_now.load()
               << " by this run). Results are unbiased only once every replication has run, so none are "
                  "reported yet. To continue with the rest:\n  "
               << resume << "\n";
        return std::nullopt;
    }
    o.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bar.finish();
    for (const auto& r : o.results) o.summaries.push_back(experiment::summarize(r));
    return o;
}

void write_common(report::ResultsDir& dir, const Outcome& o, const std::vector<std::string>& yamls) {
    dir.write("summary.csv", report::summary_csv(o.results, o.summaries));
    report::write_replications_csv(dir.staging() / "replications.csv", o.results);
    dir.write("timeseries.csv", report::timeseries_csv(o.results, o.summaries));
    dir.write("periods.csv", report::periods_csv(o.results));
    dir.write("periods_summary.csv", report::periods_summary_csv(o.results, o.summaries));
    dir.write("time_to_help_distribution.csv", report::time_to_help_distribution_csv(o.results));
    dir.write("checks.csv", report::checks_csv(o.results, o.summaries));
    for (std::size_t i = 0; i < o.results.size(); ++i)
        dir.write(resolved_name(i, o.results.size(), o.results[i].scenario), yamls[i]);
}

report::Language language(const Common& c) {
    const auto lang = report::parse_language(c.lang);
    if (!lang) throw UsageError("--lang must be en or nl, not '" + c.lang + "'");
    return *lang;
}

// The report is built from the files just written, exactly as
// `caseload report DIR` builds it later.
void write_reports(report::ResultsDir& dir, report::Language lang) {
    const report::ReportData data = report::read_results(dir.staging());
    dir.write("report.html", report::report_html(data, lang));
    dir.write("report.md", report::report_markdown(data, lang));
}

void apply_overrides(scenario::Scenario& s, const Common& c) {
    if (c.replications) {
        if (*c.replications < 1 || *c.replications > scenario::kMaxReplications)
            throw UsageError("--replications must be between 1 and " + std::to_string(scenario::kMaxReplications));
        s.replications = *c.replications;
    }
    if (c.seed) s.seed = *c.seed;
}

// Refuse, before anything starts, a run that would take days or more memory
// than the limits allow, pointing at the key that drives the cost.
// `replications_at` is where the replications were set when not in the
// scenario file (a compare file).
void check_limits(const std::vector<scenario::Scenario>& scenarios, const Common& c,
                  const std::optional<scenario::Location>& replications_at = std::nullopt) {
    if (c.allow_large) return;
    const auto breach = experiment::check_run(scenarios, experiment::resolve_threads(c.threads));
    if (!breach) return;
    const auto& s = scenarios[breach->scenario];
    if (breach->key_path == "replications" && c.replications)
        throw scenario::ScenarioError(scenario::Location{s.source_file, 0, 0},
                                      "--replications " + std::to_string(*c.replications),
                                      breach->message);
    if (breach->key_path == "replications" && replications_at)
        throw scenario::ScenarioError(*replications_at, "compare.replications", breach->message);
    throw scenario::ScenarioError(scenario::locate(s.source_file, breach->key_path), breach->key_path, breach->message);
}

int cmd_run(const std::vector<std::string>& args, const Streams& io) {
    Common c;
    std::vector<std::string> files;
    if (!parse(args, run_options(c), "file", files, "usage: caseload run FILE [options]", io)) return kExitOk;
    if (files.size() != 1) throw UsageError("run takes exactly one scenario file (see caseload run --help)");
    const report::Language lang = language(c);
    auto sc = scenario::load_scenario(files[0]);
    apply_overrides(sc, c);
    check_limits({sc}, c);
    const auto mode = saved_mode(c);
    const fs::path out = c.out.empty() ? default_out(sc.name) : fs::path(c.out);
    report::ResultsDir dir(out, replace_results(c, out));
    const std::vector<std::string> yamls{scenario::to_yaml(sc)};
    report::SavedReplications saved(out, {sc}, yamls, mode);
    const auto outcome = execute({sc}, c, saved, resume_command("run", files, c, out), io);
    if (!outcome) return kExitInterrupted;
    const Outcome& o = *outcome;
    write_common(dir, o, yamls);
    dir.write("metadata.json", metadata_json("run", sc.name, o.results, yamls, o.threads, o.wall_seconds));
    write_reports(dir, lang);
    const fs::path final_dir = dir.commit();
    saved.remove();
    io.out << report::summary_text(o.results[0], o.summaries[0]);
    if (!c.quiet)
        io.err << "\n" << sc.replications << " replications in " << report::human(o.wall_seconds, "") << " s on "
               << o.threads << " threads; results in " << final_dir.string()
               << "\nreport: " << (final_dir / "report.html").string() << "\n";
    return kExitOk;
}

int cmd_compare(const std::vector<std::string>& args, const Streams& io) {
    Common c;
    std::vector<std::string> files;
    if (!parse(args, run_options(c), "file", files,
               "usage: caseload compare BASELINE.yaml SCENARIO.yaml... [options]\n"
               "       caseload compare COMPARE.yaml [options]\n"
               "The first scenario is the baseline. All scenarios run with the baseline's seed and number of\n"
               "replications, paired replication by replication (common random numbers).",
               io))
        return kExitOk;
    const report::Language lang = language(c);
    std::vector<scenario::Scenario> scenarios;
    std::string title;
    std::optional<scenario::Location> replications_at;
    if (files.size() == 1) {
        const auto spec = scenario::load_compare(files[0]);
        if (spec.replications) replications_at = scenario::locate(files[0], "compare.replications");
        scenarios = scenario::load_compare_scenarios(spec);
        if (spec.replications) scenarios[0].replications = *spec.replications;
        if (spec.seed) scenarios[0].seed = *spec.seed;
        title = spec.name;
    } else if (files.size() >= 2) {
        for (const auto& f : files) scenarios.push_back(scenario::load_scenario(f));
    } else {
        throw UsageError("compare needs a compare file, or two or more scenario files (the first is the baseline)");
    }
    apply_overrides(scenarios[0], c);
    for (auto& s : scenarios) {  // common random numbers need the same seed and replications
        s.seed = scenarios[0].seed;
        s.replications = scenarios[0].replications;
    }
    check_limits(scenarios, c, replications_at);
    std::string report_title = title;  // for people; `title` names the folder
    if (title.empty()) {
        title = scenarios[0].name;
        report_title = scenarios[0].name;
        for (std::size_t i = 1; i < scenarios.size(); ++i) {
            title += "-vs-" + scenarios[i].name;
            report_title += " vs " + scenarios[i].name;
        }
    }
    const auto mode = saved_mode(c);
    const fs::path out = c.out.empty() ? default_out(title) : fs::path(c.out);
    report::ResultsDir dir(out, replace_results(c, out));
    std::vector<std::string> yamls;
    for (const auto& s : scenarios) yamls.push_back(scenario::to_yaml(s));
    report::SavedReplications saved(out, scenarios, yamls, mode);
    const auto outcome = execute(scenarios, c, saved, resume_command("compare", files, c, out), io);
    if (!outcome) return kExitInterrupted;
    const Outcome& o = *outcome;

    const std::vector<report::Comparison> comparisons = report::compare_all(o.results, o.summaries);
    write_common(dir, o, yamls);
    dir.write("comparison.csv", report::comparison_csv(comparisons));
    dir.write("comparison.md", report::comparison_markdown(o.results, o.summaries, comparisons));
    dir.write("metadata.json", metadata_json("compare", report_title, o.results, yamls, o.threads, o.wall_seconds));
    write_reports(dir, lang);
    const fs::path final_dir = dir.commit();
    saved.remove();
    io.out << report::comparison_text(o.results, o.summaries, comparisons);
    if (!c.quiet) {
        std::size_t reps = 0;
        for (const auto& s : scenarios) reps += std::size_t(s.replications);
        io.err << "\n" << reps << " replications in " << report::human(o.wall_seconds, "") << " s on " << o.threads
               << " threads; results in " << final_dir.string()
               << "\nreport: " << (final_dir / "report.html").string() << "\n";
    }
    return kExitOk;
}

int cmd_report(const std::vector<std::string>& args, const Streams& io) {
    Common c;
    po::options_description d("options");
    d.add_options()("help,h", "show this help")(
        "lang", po::value<std::string>(&c.lang)->default_value("en"),
        "language of the report: en (English) or nl (Dutch)")(
        "quiet,q", po::bool_switch(&c.quiet), "no messages on stderr except errors");
    std::vector<std::string> dirs;
    if (!parse(args, d, "dir", dirs,
               "usage: caseload report DIR [--lang en|nl]\n"
               "Rebuilds report.html and report.md in the results folder DIR from the files saved there, without\n"
               "running anything again. Only the two report files are replaced; the results are not touched.",
               io))
        return kExitOk;
    if (dirs.size() != 1) throw UsageError("report takes exactly one results folder");
    const report::Language lang = language(c);
    const fs::path dir(dirs[0]);
    const report::ReportData data = report::read_results(dir);
    const std::string html = report::report_html(data, lang);
    const std::string md = report::report_markdown(data, lang);
    report::write_file_atomic(dir / "report.html", html);
    report::write_file_atomic(dir / "report.md", md);
    io.out << (dir / "report.html").string() << "\n" << (dir / "report.md").string() << "\n";
    if (!c.quiet) io.err << "report rebuilt in " << dir.string() << " (" << c.lang << ")\n";
    return kExitOk;
}

experiment::SweepPlan sweep_plan(const std::string& file, std::optional<int> replications,
                                 std::optional<std::uint64_t> seed, unsigned threads, bool allow_large);

int cmd_validate(const std::vector<std::string>& args, const Streams& io) {
    po::options_description d("options");
    Common c;
    d.add_options()("help,h", "show this help")(
        "allow-large", po::bool_switch(&c.allow_large), "do not check the limits of events and memory of a run");
    std::vector<std::string> files;
    if (!parse(args, d, "file", files, "usage: caseload validate FILE...\nChecks scenario, compare and sweep files (every point of a sweep); exit 2 if any is wrong.", io))
        return kExitOk;
    if (files.empty()) throw UsageError("validate needs at least one file");
    int bad = 0;
    for (const auto& f : files) {
        try {
            if (scenario::is_sweep_file(f)) {
                const experiment::SweepPlan plan = sweep_plan(f, {}, {}, experiment::resolve_threads(0), c.allow_large);
                io.out << "ok  " << f << " (sweep: " << plan.points() << " points x " << plan.replications()
                       << " replications on " << plan.spec().base.string() << ")\n";
            } else if (scenario::is_compare_file(f)) {
                const auto spec = scenario::load_compare(f);
                std::vector<scenario::Scenario> all = scenario::load_compare_scenarios(spec);
                if (spec.replications) all[0].replications = *spec.replications;
                for (auto& s : all) s.replications = all[0].replications;  // as compare runs them
                check_limits(all, c,
                             spec.replications ? std::optional(scenario::locate(f, "compare.replications")) : std::nullopt);
                io.out << "ok  " << f << " (compare: " << spec.scenarios.size() + 1 << " scenarios)\n";
            } else {
                const auto s = scenario::load_scenario(f);
                check_limits({s}, c);
                io.out << "ok  " << f << " (" << s.name << ")\n";
            }
        } catch (const scenario::ScenarioError& e) {
            ++bad;
            io.err << "error: " << e.what() << "\n";
        }
    }
    return bad ? kExitBadInput : kExitOk;
}

// One row per event, then one `assign` (first worker) or `reassign` (after
// a handover) row per assignment the event made, with the counts after it.
struct CsvTrace : model::TraceSink {
    CsvTrace(std::ostream& o, std::atomic<bool>* stop_flag) : out(o), stop(stop_flag) {
        out << "day,event,family,worker,waitlist,with_worker,closed\n";
    }
    void on_assign(double, std::int64_t family, std::int64_t worker, bool first) override {
        assigned.push_back({family, worker, first});
    }
    void on_event(double day, const char* kind, std::int64_t family, std::int64_t worker, std::size_t waitlist,
                  std::size_t with_worker, std::uint64_t closed) override {
        if (stop && stop->load(std::memory_order_relaxed)) throw experiment::Interrupted(0, 1);
        row(day, kind, family, worker, waitlist, with_worker, closed);
        for (const auto& a : assigned)
            row(day, a.first ? "assign" : "reassign", a.family, a.worker, waitlist, with_worker, closed);
        assigned.clear();
    }
    void row(double day, const char* kind, std::int64_t family, std::int64_t worker, std::size_t waitlist,
             std::size_t with_worker, std::uint64_t closed) {
        out << report::number(day) << ',' << kind << ',';
        if (family >= 0) out << family;
        out << ',';
        if (worker >= 0) out << worker;
        out << ',' << waitlist << ',' << with_worker << ',' << closed << '\n';
    }
    struct Assignment {
        std::int64_t family, worker;
        bool first;
    };
    std::vector<Assignment> assigned;
    std::ostream& out;
    std::atomic<bool>* stop;
};

int cmd_trace(const std::vector<std::string>& args, const Streams& io) {
    Common c;
    int replication = 0;
    po::options_description d("options");
    d.add_options()("help,h", "show this help")(
        "replication", po::value<int>(&replication)->default_value(0), "which replication (0-based)")(
        "seed,s", po::value<std::uint64_t>()->notifier([&](std::uint64_t v) { c.seed = v; }), "random seed");
    std::vector<std::string> files;
    if (!parse(args, d, "file", files,
               "usage: caseload trace FILE [--replication N] [--seed S]\nWrites every event of one replication as CSV to "
               "stdout: day,event,family,worker,waitlist,with_worker,closed (family and worker empty when the event "
               "concerns none; with_worker = families with a worker; closed = cases closed so far).",
               io))
        return kExitOk;
    if (files.size() != 1) throw UsageError("trace takes exactly one scenario file");
    if (replication < 0) throw UsageError("--replication must be 0 or more");
    auto sc = scenario::load_scenario(files[0]);
    apply_overrides(sc, c);
    CsvTrace sink(io.out, io.stop);
    (void)model::simulate(sc, std::uint32_t(replication), &sink);
    return kExitOk;
}

int cmd_solve(const std::vector<std::string>& args, const Streams& io) {
    Common c;
    std::string vary = "extra_fte", metric_name = "waitlist_mean", at_most, at_least;
    long from = 0, to = 0;
    po::options_description d("options");
    d.add_options()("help,h", "show this help")(
        "vary", po::value<std::string>(&vary)->default_value("extra_fte"),
        "the whole-number parameter to search: extra_fte (extra funded FTE from day 0, hired through the hiring "
        "process) or any dotted path of the scenario, as in sweep files (workforce.workers, "
        "workforce.caseload_norm, interventions[0].fte, ...)")("from", po::value<long>(&from)->required(),
                                                                  "smallest value to try")(
        "to", po::value<long>(&to)->required(), "largest value to try")(
        "metric", po::value<std::string>(&metric_name)->default_value("waitlist_mean"), "the metric (see README)")(
        "at-most", po::value<std::string>(&at_most), "target: a number, or a scenario file whose value it must not exceed")(
        "at-least", po::value<std::string>(&at_least), "target: a number, or a scenario file it must reach")(
        "replications,r", po::value<int>()->notifier([&](int v) { c.replications = v; }), "replications per value")(
        "seed,s", po::value<std::uint64_t>()->notifier([&](std::uint64_t v) { c.seed = v; }), "random seed")(
        "threads,t", po::value<unsigned>(&c.threads)->default_value(0), "worker threads; 0 = all cores")(
        "quiet,q", po::bool_switch(&c.quiet), "no progress on stderr");
    std::vector<std::string> files;
    if (!parse(args, d, "file", files,
               "usage: caseload solve SCENARIO.yaml --from A --to B [--vary extra_fte|DOTTED.PATH]\n"
               "                      [--metric waitlist_mean] (--at-most X | --at-least X)\n"
               "Finds the smallest value for which the metric meets the target, with common random numbers.\n"
               "X is a number or a scenario file (then compared replication by replication, e.g. the baseline).\n"
               "Example: caseload solve scenarios/caseload10.yaml --from 0 --to 80 --at-most scenarios/baseline.yaml",
               io))
        return kExitOk;
    if (files.size() != 1) throw UsageError("solve takes exactly one scenario file");
    if (at_most.empty() == at_least.empty()) throw UsageError("give exactly one of --at-most and --at-least");
    if (from > to || from < 0) throw UsageError("--from must be at least 0 and not above --to");
    const model::MetricInfo* metric = nullptr;
    std::vector<std::string> names;
    for (const auto& mi : model::kMetrics) {
        names.emplace_back(mi.name);
        if (mi.name == metric_name) metric = &mi;
    }
    if (!metric) {
        const std::string sug = scenario::nearest(metric_name, names);
        throw UsageError("unknown metric '" + metric_name + "'" + (sug.empty() ? "" : " (did you mean '" + sug + "'?)"));
    }

    // The file loaded once; each value tried is an override of its YAML tree,
    // checked like a value typed into the file.
    const scenario::BaseScenario file(files[0]);
    if (vary != "extra_fte") {
        const auto& paths = file.override_paths();
        if (!std::binary_search(paths.begin(), paths.end(), vary)) {
            std::vector<std::string> choices = paths;
            choices.emplace_back("extra_fte");
            const std::string sug = scenario::nearest(vary, choices);
            throw UsageError("--vary: '" + vary + "' is not a value of " + files[0] + "; expected extra_fte or a dotted "
                             "path such as workforce.workers" + (sug.empty() ? "" : " (did you mean '" + sug + "'?)"));
        }
    }
    auto base = file.scenario();
    apply_overrides(base, c);
    experiment::SolveSpec spec;
    spec.from = from;
    spec.to = to;
    spec.metric = metric->metric;
    spec.at_most = !at_most.empty();
    const std::string target = spec.at_most ? at_most : at_least;
    spec.run.threads = c.threads;
    spec.scenario_for = [&](long v) {
        scenario::Scenario s;
        if (vary == "extra_fte") {
            s = file.scenario();
            if (v > 0) {
                s.interventions.push_back(
                    {.at_days = 0.0, .kind = scenario::interventions::ExtraWorkers{.fte = double(v)}});
            }
        } else {
            s = file.with({scenario::Override{vary, std::to_string(v), scenario::Location{"--vary " + vary, 0, 0}}});
        }
        apply_overrides(s, c);
        return s;
    };
    std::string target_text;
    double number_target = 0;
    const auto parsed = std::from_chars(target.data(), target.data() + target.size(), number_target);
    if (parsed.ec == std::errc{} && parsed.ptr == target.data() + target.size()) {
        spec.target_value = number_target;
        target_text = target;
    } else {
        auto t = scenario::load_scenario(target);
        t.seed = base.seed;
        t.replications = base.replications;
        const auto res = experiment::run_experiments({t}, spec.run);
        spec.target_by_replication = experiment::values(res[0], metric->metric);
        target_text = t.name + "'s, paired by replication";
    }
    if (!c.quiet) io.err << "searching " << vary << " in [" << from << ", " << to << "] ...\n";
    const auto result = experiment::solve(spec);

    io.out << "Break-even for " << base.name << ": the smallest " << vary << " with " << metric->name
           << (spec.at_most ? " <= " : " >= ") << target_text << "\n(" << base.replications
           << " replications per value, seed " << base.seed << ", common random numbers)\n\n";
    io.out << "value   " << metric->name << " - target, mean [95% interval]   meets (mean / interval)\n";
    auto sorted = result.evaluated;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
    for (const auto& p : sorted) {
        const double sign = spec.at_most ? 1.0 : -1.0;  // print as metric - target
        char line[200];
        std::snprintf(line, sizeof line, "%-7ld %-40s %s / %s\n", p.value,
                      (report::human(sign * p.gap.mean, metric->unit) + " [" +
                       report::human(sign * (spec.at_most ? p.gap.low : p.gap.high), metric->unit) + ", " +
                       report::human(sign * (spec.at_most ? p.gap.high : p.gap.low), metric->unit) + "]")
                          .c_str(),
                      p.meets_mean ? "yes" : "no", p.meets_confidently ? "yes" : "no");
        io.out << line;
    }
    io.out << "\n";
    if (!result.confidently && !result.by_mean) {
        io.out << "Not reached within [" << from << ", " << to << "]: widen the range (--to).\n";
        return kExitOk;
    }
    if (result.confidently)
        io.out << "Answer: " << vary << " = " << *result.confidently << " meets the target with 95% confidence";
    else
        io.out << "Answer: no value in range meets the target with 95% confidence";
    if (result.by_mean) io.out << "; on the mean it is met from " << *result.by_mean;
    io.out << ".\n";
    if (result.by_mean && result.confidently && *result.by_mean != *result.confidently)
        io.out << "The break-even lies between " << *result.by_mean << " and " << *result.confidently
               << "; more replications narrow it.\n";
    return kExitOk;
}


// ---------------------------------------------------------------------------
// Sweeps

struct SweepArgs {
    std::optional<int> replications;
    std::optional<std::uint64_t> seed;
    std::optional<unsigned> threads;
    std::string shard = "1/1";
    std::string out;
    bool resume = false;
    bool force = false;
    bool quiet = false;
    bool allow_large = false;
};

po::options_description sweep_options(SweepArgs& a) {
    po::options_description d("options");
    d.add_options()
        ("help,h", "show this help")
        ("shard", po::value<std::string>(&a.shard), "run shard K of N (points p with p mod N = K-1), e.g. 2/8")
        ("threads,t", po::value<unsigned>()->notifier([&](unsigned v) { a.threads = v; }),
         "worker threads (per rank under mpirun); default: all cores, or 1 per rank under mpirun")
        ("out,o", po::value<std::string>(&a.out), "results folder (default results/<name>-<date-time>)")
        ("resume", po::bool_switch(&a.resume), "continue a stopped sweep into --out (or start it); a finished one is left as is")
        ("force", po::bool_switch(&a.force), "replace the results folder, or an interrupted run of it")
        ("replications,r", po::value<int>()->notifier([&](int v) { a.replications = v; }),
         "replications per point (overrides the sweep file)")
        ("seed,s", po::value<std::uint64_t>()->notifier([&](std::uint64_t v) { a.seed = v; }),
         "random seed, the same at every point (overrides the sweep file)")
        ("allow-large", po::bool_switch(&a.allow_large),
         "run even when the sweep is estimated to exceed the limits of events or memory (see README, Robustness)")
        ("quiet,q", po::bool_switch(&a.quiet), "no progress bar, no messages on stderr except errors");
    return d;
}

constexpr const char* kSweepUsage =
    "usage: caseload sweep FILE [--shard K/N] [--threads T] [--out DIR] [--resume] [--force] [--quiet]\n"
    "       mpirun -n N caseload sweep FILE [options]        (a build with -DCASELOAD_MPI=ON)\n"
    "Runs every point of the sweep's design with the same seed (common random numbers) and writes sweep.csv\n"
    "(one row per point, replication and metric), summary.csv (per point, with 95% intervals) and the\n"
    "sensitivity of each metric to the parameters (sensitivity.csv, metamodel.csv). Finished points are kept\n"
    "as they finish: a stopped sweep continues with --resume.";

std::string sweep_metadata(const experiment::SweepPlan& plan, const experiment::Shard& shard, std::size_t run,
                           std::size_t resumed, unsigned threads, int ranks, const std::vector<std::size_t>& per_rank,
                           double wall) {
    std::ostringstream o;
    o << "{\n  \"tool\": \"caseload-sim\",\n  \"version\": " << json_string(CASELOAD_VERSION)
      << ",\n  \"command\": \"sweep\",\n  \"sweep\": " << json_string(plan.spec().name)
      << ",\n  \"file\": " << json_string(plan.spec().source_file)
      << ",\n  \"base\": " << json_string(plan.spec().base.string())
      << ",\n  \"sweep_hash\": " << json_string(plan.hash())
      << ",\n  \"scenario_hash\": " << json_string(report::content_hash(plan.base_yaml()))
      << ",\n  \"design\": " << json_string(scenario::to_string(plan.spec().design)) << ",\n  \"points\": " << plan.points()
      << ",\n  \"replications\": " << plan.replications() << ",\n  \"seed\": " << plan.seed()
      << ",\n  \"shard\": " << json_string(shard.text()) << ",\n  \"points_run\": " << run
      << ",\n  \"points_resumed\": " << resumed << ",\n  \"threads_per_rank\": " << threads << ",\n  \"ranks\": " << ranks
      << ",\n  \"points_per_rank\": [";
    for (std::size_t i = 0; i < per_rank.size(); ++i) o << (i ? ", " : "") << per_rank[i];
    o << "],\n  \"wall_seconds\": " << report::number(wall) << "\n}\n";
    return o.str();
}

report::SweepFolder::Mode folder_mode(const SweepArgs& a) {
    if (a.resume && a.force) throw UsageError("give --resume or --force, not both");
    if (a.resume && a.out.empty()) throw UsageError("--resume needs --out DIR: the folder of the sweep to continue");
    return a.force ? report::SweepFolder::Mode::force
                   : a.resume ? report::SweepFolder::Mode::resume : report::SweepFolder::Mode::fresh;
}

fs::path sweep_out(const SweepArgs& a, const experiment::SweepPlan& plan, const experiment::Shard& shard) {
    if (!a.out.empty()) return a.out;
    std::string stem = plan.spec().name;
    if (!shard.whole()) stem += "-shard" + std::to_string(shard.index) + "of" + std::to_string(shard.count);
    return default_out(stem);
}

experiment::Shard parse_shard(const std::string& text) {
    try {
        return experiment::Shard::parse(text);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
}

void print_outcome(const report::Assembled& a, const experiment::SweepPlan& plan, const experiment::Shard& shard,
                   const fs::path& dir, const Streams& io) {
    if (a.sensitivity) {
        io.out << report::sensitivity_text(a, scenario::to_string(plan.spec().terms));
    } else if (!shard.whole()) {
        io.out << "shard " << shard.text() << ": " << a.points << " of " << plan.points() << " points in " << dir.string()
               << "\nwhen every shard has finished: caseload merge <the " << shard.count << " shard folders>\n";
    } else {
        io.out << "results in " << dir.string() << " (sensitivity.csv, metamodel.csv)\n";
    }
}

// Refuse, before its points are built or run, a sweep over the limits of a
// run (see check_limits), at what drives its cost: the replications (where
// they were set), the size of the design, or a key of a scenario (in the sweep
// file when swept, else in the base file).
void check_sweep_limits(const experiment::SweepPlan& plan, unsigned threads, std::optional<int> replications_flag) {
    const auto breach = experiment::check_sweep(plan, threads);
    if (!breach) return;
    const auto& spec = plan.spec();
    const std::string& file = spec.source_file;
    const std::string& key = breach->key_path;
    if (key == "replications" && replications_flag)
        throw scenario::ScenarioError(scenario::Location{file, 0, 0}, "--replications " + std::to_string(*replications_flag),
                                      breach->message);
    if (key == "replications" && spec.replications)
        throw scenario::ScenarioError(scenario::locate(file, "sweep.replications"), "sweep.replications", breach->message);
    for (const auto& p : spec.parameters)
        if (p.path == key) throw scenario::ScenarioError(p.where, "sweep.parameters." + p.path, breach->message);
    if (key != "points") {
        const auto in_base = scenario::locate(spec.base, key);
        if (in_base.line > 0) throw scenario::ScenarioError(in_base, key, breach->message);
    }
    const std::string design_key = spec.design == scenario::DesignKind::lhs ? "sweep.points" : "sweep.parameters";
    throw scenario::ScenarioError(scenario::locate(file, design_key), design_key, breach->message);
}

// The plan, its limits checked before its points are built and validated.
experiment::SweepPlan sweep_plan(const std::string& file, std::optional<int> replications,
                                 std::optional<std::uint64_t> seed, unsigned threads, bool allow_large) {
    experiment::SweepPlan plan(scenario::load_sweep(file), replications, seed, /*check_points=*/false);
    if (!allow_large) check_sweep_limits(plan, threads, replications);
    plan.check_points();
    return plan;
}

// The command that continues this sweep into `out`: what identifies it
// (--resume refuses another seed, replications or shard) and how it ran.
std::string resume_command(const SweepArgs& a, const std::string& file, const fs::path& out,
                           const experiment::Shard& shard) {
    std::string line = "caseload sweep " + shell_word(file) + " --out " + shell_word(out.string());
    if (!shard.whole()) line += " --shard " + shard.text();
    if (a.replications) line += " --replications " + std::to_string(*a.replications);
    if (a.seed) line += " --seed " + std::to_string(*a.seed);
    if (a.threads) line += " --threads " + std::to_string(*a.threads);
    if (a.allow_large) line += " --allow-large";
    return line + " --resume";
}

// After a stop (Ctrl-C, SIGTERM): what is saved and how to go on.
int sweep_interrupted(const report::SweepFolder& folder, std::size_t run_now, const std::string& resume,
                      const Streams& io) {
    const std::size_t saved = folder.resumed_points() + run_now;
    io.err << "interrupted: stopped after the points in progress; " << saved << " of " << folder.shard_points()
           << " points are saved in " << folder.staging().string() << " (" << run_now
           << " by this run). To continue with the rest:\n  " << resume << "\n";
    return kExitInterrupted;
}

int sweep_mpi(const SweepArgs& a, const std::string& file, const Streams& io);

int cmd_sweep(const std::vector<std::string>& args, const Streams& io) {
    SweepArgs a;
    std::vector<std::string> files;
    if (!parse(args, sweep_options(a), "file", files, kSweepUsage, io)) return kExitOk;
    if (files.size() != 1) throw UsageError("sweep takes exactly one sweep file");
    const auto mode = folder_mode(a);
    const experiment::Shard shard = parse_shard(a.shard);
    int launched = 0;
    if (experiment::mpi_launched(&launched)) {
        if (experiment::mpi_built()) return sweep_mpi(a, files[0], io);
        if (launched > 1)
            throw UsageError("started by an MPI launcher with " + std::to_string(launched) +
                             " processes, but this caseload was built without MPI; rebuild with -DCASELOAD_MPI=ON, or "
                             "run shards with --shard K/N and combine them with 'caseload merge'");
    }

    const unsigned threads = experiment::resolve_threads(a.threads.value_or(0));
    const experiment::SweepPlan plan = sweep_plan(files[0], a.replications, a.seed, threads, a.allow_large);
    const fs::path out = sweep_out(a, plan, shard);
    report::SweepFolder folder(out, plan, shard, mode);
    if (folder.already_complete()) {
        io.err << out.string() << " holds this sweep, finished; nothing to do\n";
        return kExitOk;
    }
    const std::string resume = resume_command(a, files[0], out, shard);
    if (!a.quiet) {
        io.err << "sweep " << plan.spec().name << ": " << plan.points() << " points x " << plan.replications()
               << " replications";
        if (!shard.whole()) io.err << ", shard " << shard.text() << " (" << folder.shard_points() << " points)";
        if (folder.resumed_points()) io.err << "; resuming, " << folder.resumed_points() << " points done already";
        io.err << "; " << threads << " threads\nif stopped, continue with: " << resume << "\n";
    }
    detail::ProgressBar bar(io.err, io.err_is_terminal && !a.quiet);
    experiment::SweepRunOptions opts;
    opts.threads = threads;
    opts.stop = io.stop;
    opts.on_progress = [&bar](std::size_t done, std::size_t total) { bar.update(done, total); };
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t run = 0;
    const bool complete = experiment::run_points(plan, folder.todo(), opts, [&](const experiment::PointResult& r) {
        folder.write_point(r.point, report::point_fragment(plan, plan.scenario(r.point), r));
        ++run;
    });
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bar.finish();
    if (!complete) return sweep_interrupted(folder, run, resume, io);
    const report::Assembled assembled = folder.finish(
        sweep_metadata(plan, shard, run, folder.resumed_points(), threads, 1, {run}, wall));
    print_outcome(assembled, plan, shard, folder.dir(), io);
    if (!a.quiet)
        io.err << "\n" << run << " points (" << run * std::size_t(plan.replications()) << " replications) in "
               << report::human(wall, "") << " s on " << threads << " threads; results in " << folder.dir().string() << "\n";
    return kExitOk;
}

// The same sweep under mpirun: rank 0 manages and writes, every rank computes.
int sweep_mpi(const SweepArgs& a, const std::string& file, const Streams& io) {
    experiment::MpiContext ctx;
    const bool manager = ctx.manager();
    const std::string who = manager ? "" : "rank " + std::to_string(ctx.rank()) + ": ";
    std::optional<experiment::SweepPlan> plan;
    int code = kExitOk;
    auto report_error = [&](const std::exception& e, int c) {
        io.err << "error: " << who << e.what() << "\n";
        code = c;
    };
    const unsigned threads = experiment::resolve_threads(a.threads.value_or(1));
    try {
        plan.emplace(sweep_plan(file, a.replications, a.seed, threads, a.allow_large));
    } catch (const scenario::ScenarioError& e) {
        if (manager) report_error(e, kExitBadInput);
        code = kExitBadInput;
    } catch (const std::exception& e) {
        report_error(e, kExitFailed);
    }
    if (!ctx.all(code == kExitOk)) {
        if (manager && code == kExitOk) io.err << "error: another rank could not load " << file
                                               << " (is it on a file system every rank can read?)\n";
        return code == kExitOk ? kExitFailed : code;
    }
    const experiment::Shard shard = parse_shard(a.shard);

    // The manager sets up the folder; every rank learns whether to go on.
    std::optional<report::SweepFolder> folder;
    fs::path out;
    bool run_it = true;
    if (manager) {
        try {
            out = sweep_out(a, *plan, shard);
            folder.emplace(out, *plan, shard, folder_mode(a));
            run_it = !folder->already_complete();
            if (!run_it) io.err << out.string() << " holds this sweep, finished; nothing to do\n";
        } catch (const UsageError& e) {
            io.err << "error: " << e.what() << "\n(see 'caseload sweep --help')\n";
            code = kExitBadInput;
        } catch (const report::OutputExists& e) {
            report_error(e, kExitBadInput);
        } catch (const report::SweepInputError& e) {
            report_error(e, kExitBadInput);
        } catch (const std::exception& e) {
            report_error(e, kExitFailed);
        }
    }
    if (!ctx.from_manager(code == kExitOk)) return manager ? code : kExitOk;
    if (!ctx.from_manager(run_it)) return kExitOk;

    if (manager && !a.quiet) {
        io.err << "sweep " << plan->spec().name << ": " << plan->points() << " points x " << plan->replications()
               << " replications";
        if (!shard.whole()) io.err << ", shard " << shard.text();
        if (folder->resumed_points()) io.err << "; resuming, " << folder->resumed_points() << " points done already";
        io.err << "; " << ctx.size() << " MPI ranks x " << threads << " threads\n";
    }
    detail::ProgressBar bar(io.err, manager && io.err_is_terminal && !a.quiet);
    experiment::SweepRunOptions opts;
    opts.threads = threads;
    opts.stop = io.stop;  // the manager's: it stops handing out points
    opts.on_progress = [&bar](std::size_t done, std::size_t total) { bar.update(done, total); };
    const auto t0 = std::chrono::steady_clock::now();
    experiment::MpiRunStats stats;
    try {
        const std::vector<std::size_t> none;
        stats = experiment::run_points_mpi(ctx, *plan, manager ? folder->todo() : none, opts,
                                           [&](const experiment::PointResult& r) {
                                               folder->write_point(r.point, report::point_fragment(*plan, plan->scenario(r.point), r));
                                           });
    } catch (const std::exception& e) {
        // Other ranks are waiting on this one: end them all. Finished points are kept for --resume.
        io.err << "error: " << who << e.what() << "\n";
        ctx.abort(kExitFailed);
    }
    // Every rank ends with the manager's outcome: all 130 after a stop.
    const bool complete = ctx.from_manager(stats.complete);
    if (!manager) return complete ? kExitOk : kExitInterrupted;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bar.finish();
    std::size_t run = 0;
    for (const std::size_t n : stats.points_per_rank) run += n;
    if (!complete) return sweep_interrupted(*folder, run, resume_command(a, file, out, shard), io);
    const report::Assembled assembled = folder->finish(sweep_metadata(
        *plan, shard, run, folder->resumed_points(), threads, ctx.size(), stats.points_per_rank, wall));
    print_outcome(assembled, *plan, shard, folder->dir(), io);
    if (!a.quiet) {
        io.err << "\n" << run << " points in " << report::human(wall, "") << " s on " << ctx.size() << " ranks x "
               << threads << " threads; points per rank:";
        for (std::size_t r = 0; r < stats.points_per_rank.size(); ++r) io.err << " " << stats.points_per_rank[r];
        io.err << "; results in " << folder->dir().string() << "\n";
    }
    return kExitOk;
}

int cmd_merge(const std::vector<std::string>& args, const Streams& io) {
    std::string out;
    bool force = false, quiet = false;
    po::options_description d("options");
    d.add_options()("help,h", "show this help")(
        "out,o", po::value<std::string>(&out), "folder of the merged result (default results/<name>-<date-time>)")(
        "force", po::bool_switch(&force), "replace that folder if it exists")(
        "quiet,q", po::bool_switch(&quiet), "no messages on stderr except errors");
    std::vector<std::string> dirs;
    if (!parse(args, d, "dir", dirs,
               "usage: caseload merge DIR... [--out OUT] [--force]\n"
               "Combines the folders of a sweep's shards (caseload sweep --shard K/N) into one result, the same as the\n"
               "sweep run whole. Refuses folders of different sweeps, unfinished shards, and a set with missing or\n"
               "duplicate points.",
               io))
        return kExitOk;
    if (dirs.empty()) throw UsageError("merge needs the folders of a sweep's shards");
    std::vector<fs::path> shards(dirs.begin(), dirs.end());
    const fs::path target = out.empty() ? default_out(report::sweep_folder_name(shards.front())) : fs::path(out);
    std::ostringstream meta;
    meta << "{\n  \"tool\": \"caseload-sim\",\n  \"version\": " << json_string(CASELOAD_VERSION)
         << ",\n  \"command\": \"merge\",\n  \"shards\": [";
    for (std::size_t i = 0; i < dirs.size(); ++i) meta << (i ? ", " : "") << json_string(dirs[i]);
    meta << "]\n}\n";
    const auto m = report::merge_sweeps(shards, target, force, meta.str());
    if (m.assembled.sensitivity) io.out << report::sensitivity_text(m.assembled, m.terms);
    if (!quiet)
        io.err << "\nmerged " << dirs.size() << " folders, " << m.assembled.points << " points; results in "
               << m.dir.string() << "\n";
    return kExitOk;
}
int cmd_schema(const std::vector<std::string>& args, const Streams& io) {
    po::options_description d("options");
    d.add_options()("help,h", "show this help");
    std::vector<std::string> which;
    if (!parse(args, d, "kind", which,
               "usage: caseload schema [scenario|compare]\nPrints the JSON Schema of scenario files (or of compare "
               "files) on stdout, for editors that check YAML against a schema. It is made from the same table of keys "
               "the loader checks files against.",
               io))
        return kExitOk;
    if (which.size() > 1) throw UsageError("schema takes at most one argument: scenario or compare");
    const std::string kind = which.empty() ? "scenario" : which[0];
    if (kind == "scenario")
        io.out << scenario::schema::scenario_json_schema();
    else if (kind == "compare")
        io.out << scenario::schema::compare_json_schema();
    else
        throw UsageError("unknown schema '" + kind + "'; expected scenario or compare");
    return kExitOk;
}

}  // namespace

int run(int argc, const char* const* argv, const Streams& io) {
    std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        (args.empty() ? io.err : io.out) << kUsage;
        return args.empty() ? kExitBadInput : kExitOk;
    }
    if (args[0] == "--version") {
        io.out << "caseload " << CASELOAD_VERSION << "\n";
        return kExitOk;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    try {
        if (command == "run") return cmd_run(args, io);
        if (command == "compare") return cmd_compare(args, io);
        if (command == "report") return cmd_report(args, io);
        if (command == "validate") return cmd_validate(args, io);
        if (command == "trace") return cmd_trace(args, io);
        if (command == "solve") return cmd_solve(args, io);
        if (command == "sweep") return cmd_sweep(args, io);
        if (command == "merge") return cmd_merge(args, io);
        if (command == "schema") return cmd_schema(args, io);
        const std::string sug = scenario::nearest(
            command, {"run", "compare", "report", "validate", "trace", "solve", "sweep", "merge", "schema"});
        io.err << "error: unknown command '" << command << "'" << (sug.empty() ? "" : " (did you mean '" + sug + "'?)")
               << "\n\n"
               << kUsage;
        return kExitBadInput;
    } catch (const experiment::Interrupted&) {
        // Only a trace ends here: run and compare keep what they finished (see execute).
        io.err << "interrupted: the trace on stdout is incomplete\n";
        return kExitInterrupted;
    } catch (const UsageError& e) {
        io.err << "error: " << e.what() << "\n(see 'caseload " << command << " --help')\n";
        return kExitBadInput;
    } catch (const scenario::ScenarioError& e) {
        io.err << "error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const report::ReportInputError& e) {
        io.err << "error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const report::OutputExists& e) {
        io.err << "error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const report::SweepInputError& e) {
        io.err << "error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const report::ResumeError& e) {
        io.err << "error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const report::OutputError& e) {
        io.err << "error: " << e.what() << "\n";
        return kExitFailed;
    } catch (const std::exception& e) {
        io.err << "error: the run failed: " << e.what() << "\n";
        return kExitFailed;
    }
}

}  // namespace caseload::cli
