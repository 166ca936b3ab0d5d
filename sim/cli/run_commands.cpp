// caseload run, compare and report: run replications into a results folder
// (kept replication by replication, so a stopped run continues with
// --resume), print the summary or the comparison, (re)build the report.

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/run_checks.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/model/metrics.hpp"
#include "caseload/model/periods.hpp"
#include "caseload/report/metadata.hpp"
#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "caseload/report/run_resume.hpp"
#include "caseload/scenario/input_error.hpp"
#include "caseload/scenario/loader.hpp"
#include "commands.hpp"
#include "progress.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <ostream>

namespace caseload::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using detail::RunFlags;

namespace {

po::options_description run_options(RunFlags& c) {
    po::options_description d("options");
    d.add_options()
        ("help,h", "show this help")
        ("replications,r",
         detail::whole_value("--replications", 1, scenario::kMaxReplications, [&c](long long v) { c.replications = int(v); }),
         "replications (overrides the file's 'replications')")
        ("seed,s", detail::whole_value("--seed", 0, detail::kMaxSeed, [&c](long long v) { c.seed = std::uint64_t(v); }),
         "random seed (overrides the file's 'seed'); same seed, same results on any thread count")
        ("threads,t", detail::whole_value("--threads", 0, detail::kMaxThreads, [&c](long long v) { c.threads = unsigned(v); }),
         "worker threads; 0 = all cores (the default)")
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

struct Outcome {
    std::vector<experiment::ExperimentResult> results;
    std::vector<experiment::Summary> summaries;
    double wall_seconds = 0;
    unsigned threads = 0;
};

// The command that continues this run into `out`: its files, the options
// that change its results (--resume refuses another seed or replications)
// and how it ran.
std::string resume_command(const std::string& command, const std::vector<std::string>& files, const RunFlags& c,
                           const fs::path& out) {
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on "..." + std::string.
    std::string line = "caseload ";
    line += command;
    for (const auto& f : files) (line += ' ') += detail::shell_word(f);
    (line += " --out ") += detail::shell_word(out.string());
    if (c.replications) (line += " --replications ") += std::to_string(*c.replications);
    if (c.seed) (line += " --seed ") += std::to_string(*c.seed);
    if (c.threads) (line += " --threads ") += std::to_string(c.threads);
    if (c.allow_large) line += " --allow-large";
    if (c.lang != "en") (line += " --lang ") += detail::shell_word(c.lang);
    return line + " --resume";
}

// Where a run into `out` keeps its replications until all are in: a stopped
// run is continued with --resume. Refused before anything runs when it does
// not fit.
report::SavedReplications::Mode saved_mode(const RunFlags& c) {
    if (c.resume && c.force) throw UsageError("give --resume or --force, not both");
    if (c.resume && c.out.empty())
        throw UsageError("--resume needs --out DIR: the folder of the run to continue (the message of the stop names it)");
    return c.force ? report::SavedReplications::Mode::force
                   : c.resume ? report::SavedReplications::Mode::resume : report::SavedReplications::Mode::fresh;
}

// A resumed run replaces the folder it was started to replace (with --force).
// --resume into a folder whose run finished has nothing to continue: said
// as such, not as a folder in the way.
bool replace_results(const RunFlags& c, const fs::path& out) {
    std::error_code ec;
    const bool stopped = fs::exists(report::run_staging(out), ec);
    if (c.resume && !stopped && report::holds_results(out))
        throw report::OutputExists(out.string() + " holds a finished run, not a stopped one: there is nothing to resume "
                                   "(its results are there). To run it again, add --force instead of --resume, "
                                   "or choose another --out");
    return c.force || (c.resume && stopped);
}

// After a failure (a full disk, the results folder made by someone else
// meanwhile): keeps the replications for --resume, says so with the exact
// command, and returns the exit code: finished work is never deleted.
// `all_ran`: the failure came once every replication had run.
int keep_after(const std::exception& e, report::SavedReplications& saved, bool all_ran, const std::string& resume,
               const Streams& io) {
    io.err << "error: " << e.what() << "\n";
    std::string lost;
    try {
        saved.keep();
    } catch (const std::exception& k) {
        lost = k.what();
    }
    if (lost.empty() && all_ran) {
        io.err << "every replication has run and is kept in " << saved.staging().string()
               << "; once the cause is fixed, this writes the results without running them again:\n  " << resume
               << "\n";
    } else {
        io.err << "the replications saved so far are kept in " << saved.staging().string();
        if (!lost.empty() && lost != e.what()) io.err << " (the others could not be: " << lost << ")";
        io.err << "; once the cause is fixed, this runs only the missing ones:\n  " << resume << "\n";
    }
    return dynamic_cast<const InputError*>(&e) ? kExitBadInput : kExitFailed;
}

// Writes the results once every replication is in; a failure keeps them (keep_after).
int keeping_replications(report::SavedReplications& saved, const std::string& resume, const Streams& io,
                         const std::function<void()>& write) {
    try {
        write();
        return kExitOk;
    } catch (const std::exception& e) {
        return keep_after(e, saved, true, resume, io);
    }
}

// Runs what `saved` lacks, keeping each replication as it finishes. Empty,
// with the exit code in `failed`, after a stop (Ctrl-C, SIGTERM) or a
// replication that could not be saved (a full disk), once it has said what
// is kept and how to go on.
// periods.csv is written as replications are folded, so that memory does not
// grow with their periods.
std::optional<Outcome> execute(const std::vector<scenario::Scenario>& scenarios, const RunFlags& c,
                               report::SavedReplications& saved, report::PeriodsCsv& periods,
                               const std::string& resume, const Streams& io, int& failed) {
    Outcome o;
    o.threads = experiment::resolve_threads(c.threads);
    for (const auto& notice : saved.notices()) io.err << "warning: " << notice << "\n";  // even with --quiet
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
    const experiment::RunOptions::Resumed resumed{
        saved.done(), [&saved](std::size_t s, std::uint32_t r) { return saved.load(s, r); }};
    opts.resumed = &resumed;
    opts.keep_periods = false;
    opts.on_folded = [&periods](std::size_t scenario, const model::ReplicationResult& r) { periods.add(scenario, r); };
    const auto t0 = std::chrono::steady_clock::now();
    try {
        o.results = experiment::run_experiments(scenarios, opts);
    } catch (const experiment::Interrupted& e) {
        bar.finish();
        std::string lost;
        try {
            saved.keep();
        } catch (const report::OutputError& k) {  // the journal failed too: what it holds whole is kept
            lost = k.what();
        }
        io.err << "interrupted: stopped after the replications in progress; ";
        if (lost.empty())
            io.err << e.done() << " of " << e.total() << " replications are saved in " << saved.staging().string()
                   << " (" << run_now.load() << " by this run).";
        else
            io.err << "the replications saved before this error are kept in " << saved.staging().string() << ": "
                   << lost << ".";
        io.err << " Results are unbiased only once every replication has run, so none are reported yet. To "
                  "continue with the rest:\n  "
               << resume << "\n";
        failed = kExitInterrupted;
        return std::nullopt;
    } catch (const report::OutputError& e) {  // the journal failed: those saved before are kept
        bar.finish();
        failed = keep_after(e, saved, false, resume, io);
        return std::nullopt;
    }
    o.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bar.finish();
    for (const auto& r : o.results) o.summaries.push_back(experiment::summarize(r));
    return o;
}

report::Language language(const RunFlags& c) {
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

void refuse_over_limits(const std::vector<scenario::Scenario>& scenarios, const RunFlags& c,
                        const std::optional<scenario::Location>& replications_at = std::nullopt) {
    if (!c.allow_large)
        experiment::refuse_over_limits(scenarios, experiment::resolve_threads(c.threads), c.replications, replications_at);
}

// How long it took and where the results are, on stderr.
void say_done(std::size_t replications, const Outcome& o, const fs::path& dir, const Streams& io) {
    io.err << "\n" << replications << " replications in " << report::human(o.wall_seconds, "") << " s on " << o.threads
           << " threads; results in " << dir.string() << "\nreport: " << (dir / "report.html").string() << "\n";
}

}  // namespace

int cmd_run(const Args& args, const Streams& io) {
    RunFlags c;
    std::vector<std::string> files;
    if (!detail::parse(args, run_options(c), "file", files, "usage: caseload run FILE [options]", io)) return kExitOk;
    if (files.size() != 1) throw UsageError("run takes exactly one scenario file (see caseload run --help)");
    const report::Language lang = language(c);
    auto sc = scenario::load_scenario(files[0]);
    experiment::apply_overrides(sc, c.replications, c.seed);
    refuse_over_limits({sc}, c);
    const auto mode = saved_mode(c);
    const fs::path out = c.out.empty() ? detail::default_out(sc.name) : fs::path(c.out);
    report::ResultsDir dir(out, replace_results(c, out));
    const std::vector<std::string> yamls{scenario::to_yaml(sc)};
    report::SavedReplications saved(out, {sc}, yamls, mode);
    const std::string resume = resume_command("run", files, c, out);
    report::PeriodsCsv periods(dir.staging() / "periods.csv", {sc});
    int code = kExitOk;
    const auto outcome = execute({sc}, c, saved, periods, resume, io, code);
    if (!outcome) return code;
    const Outcome& o = *outcome;
    fs::path final_dir;
    if (const int failed = keeping_replications(saved, resume, io, [&] {
            report::write_results(dir, o.results, o.summaries, yamls, &periods);
            dir.write("metadata.json",
                      report::run_metadata_json("run", sc.name, o.results, yamls, o.threads, o.wall_seconds));
            write_reports(dir, lang);
            final_dir = dir.commit();
        }))
        return failed;
    saved.remove();
    io.out << report::summary_text(o.results[0], o.summaries[0], lang);
    if (!c.quiet) say_done(std::size_t(sc.replications), o, final_dir, io);
    return kExitOk;
}

// A compare file's `relevant:` names metrics: the whole-window ones and the
// per-period ones (a name in both sets both).
std::map<std::string, double, std::less<>> detail::relevant_overrides(const scenario::CompareSpec& spec) {
    std::vector<std::string> names;
    for (const auto& mi : model::kMetrics) names.emplace_back(mi.name);
    for (const auto& mi : model::kPeriodMetrics)
        if (std::find(names.begin(), names.end(), mi.name) == names.end()) names.emplace_back(mi.name);
    std::map<std::string, double, std::less<>> out;
    for (std::size_t i = 0; i < spec.relevant.size(); ++i) {
        const auto& [name, value] = spec.relevant[i];
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            std::string path("compare.relevant.");
            path += name;
            std::string message("unknown metric '");
            message += name;
            message += "'; expected a metric of the metrics table (README, Metrics) or of period_comparison.csv";
            throw scenario::ScenarioError(spec.relevant_at[i], path, message, scenario::nearest(name, names));
        }
        out[name] = value;
    }
    return out;
}


int cmd_compare(const Args& args, const Streams& io) {
    RunFlags c;
    std::vector<std::string> files;
    if (!detail::parse(args, run_options(c), "file", files,
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
    std::map<std::string, double, std::less<>> relevant;
    std::string start_state;
    if (files.size() == 1) {
        const auto spec = scenario::load_compare(files[0]);
        relevant = detail::relevant_overrides(spec);
        if (spec.from) start_state = spec.from->lexically_normal().generic_string();
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
    experiment::apply_overrides(scenarios[0], c.replications, c.seed);
    for (auto& s : scenarios) {  // common random numbers need the same seed and replications
        s.seed = scenarios[0].seed;
        s.replications = scenarios[0].replications;
    }
    refuse_over_limits(scenarios, c, replications_at);
    // Rows of a comparison are told apart by name: "small vs small" could not be.
    for (std::size_t i = 1; i < scenarios.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (scenarios[i].name == scenarios[j].name)
                throw UsageError("scenarios " + std::to_string(j + 1) + " and " + std::to_string(i + 1) +
                                 " are both named '" + scenarios[i].name +
                                 "'; the rows of a comparison are told apart by name: give each scenario its own 'name'");
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
    const fs::path out = c.out.empty() ? detail::default_out(title) : fs::path(c.out);
    report::ResultsDir dir(out, replace_results(c, out));
    std::vector<std::string> yamls;
    for (const auto& s : scenarios) yamls.push_back(scenario::to_yaml(s));
    report::SavedReplications saved(out, scenarios, yamls, mode);
    const std::string resume = resume_command("compare", files, c, out);
    report::PeriodsCsv periods(dir.staging() / "periods.csv", scenarios);
    int code = kExitOk;
    const auto outcome = execute(scenarios, c, saved, periods, resume, io, code);
    if (!outcome) return code;
    const Outcome& o = *outcome;

    const std::vector<report::Comparison> comparisons = report::compare_all(o.results, o.summaries, relevant);
    fs::path final_dir;
    if (const int failed = keeping_replications(saved, resume, io, [&] {
            report::write_results(dir, o.results, o.summaries, yamls, &periods);
            dir.write("comparison.csv", report::comparison_csv(comparisons));
            dir.write("period_comparison.csv", report::period_comparison_csv(o.results, o.summaries, comparisons));
            dir.write("comparison.md", report::comparison_markdown(o.results, o.summaries, comparisons, {lang, start_state}));
            dir.write("metadata.json", report::run_metadata_json("compare", report_title, o.results, yamls, o.threads,
                                                                 o.wall_seconds, start_state));
            write_reports(dir, lang);
            final_dir = dir.commit();
        }))
        return failed;
    saved.remove();
    io.out << report::comparison_text(o.results, o.summaries, comparisons, {lang, start_state});
    if (!c.quiet) {
        std::size_t reps = 0;
        for (const auto& s : scenarios) reps += std::size_t(s.replications);
        say_done(reps, o, final_dir, io);
    }
    return kExitOk;
}

int cmd_report(const Args& args, const Streams& io) {
    RunFlags c;
    po::options_description d("options");
    d.add_options()("help,h", "show this help")(
        "lang", po::value<std::string>(&c.lang)->default_value("en"),
        "language of the report: en (English) or nl (Dutch)")(
        "quiet,q", po::bool_switch(&c.quiet), "no messages on stderr except errors");
    std::vector<std::string> dirs;
    if (!detail::parse(args, d, "dir", dirs,
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

}  // namespace caseload::cli
