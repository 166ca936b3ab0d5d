// caseload validate, trace, solve and schema: check files without running
// them, one replication's events as CSV, a break-even search, the JSON Schema.

#include "caseload/experiment/break_even.hpp"
#include "caseload/experiment/run_checks.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"
#include "caseload/report/break_even.hpp"
#include "caseload/report/output.hpp"
#include "caseload/scenario/input_error.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/schema.hpp"
#include "caseload/scenario/sweep_file.hpp"
#include "commands.hpp"

#include <boost/program_options.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <ostream>

namespace caseload::cli {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using detail::RunFlags;

namespace {

// A file that is not a regular one (a FIFO, `<(...)`, a pipe) can be read
// only once: its text, read here once, is kept in an anonymous in-memory
// file so that the kind of file can be told from it by path. Empty for a
// regular file or one that cannot be opened (read by path as usual, with the
// loader's messages).
struct OnceRead {
    std::string text;
    int fd = -1;
    OnceRead(const OnceRead&) = delete;
    OnceRead& operator=(const OnceRead&) = delete;
    OnceRead() = default;
    ~OnceRead() {
        if (fd >= 0) ::close(fd);
    }
    [[nodiscard]] std::string path() const { return "/proc/self/fd/" + std::to_string(fd); }
};

std::unique_ptr<OnceRead> read_once_if_special(const std::string& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return nullptr;
    const int in = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return nullptr;
    auto once = std::make_unique<OnceRead>();
    char buf[1 << 14];
    for (;;) {
        const ssize_t n = ::read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        once->text.append(buf, std::size_t(n));
        if (once->text.size() > scenario::kMaxYamlBytes) break;  // the loader refuses it, naming the limit
    }
    ::close(in);
    once->fd = ::memfd_create("caseload-validate", MFD_CLOEXEC);
    if (once->fd < 0) return nullptr;
    std::size_t at = 0;
    while (at < once->text.size()) {
        const ssize_t n = ::write(once->fd, once->text.data() + at, once->text.size() - at);
        if (n <= 0) return nullptr;
        at += std::size_t(n);
    }
    return once;
}

}  // namespace

int cmd_validate(const Args& args, const Streams& io) {
    po::options_description d("options");
    RunFlags c;
    d.add_options()("help,h", "show this help")(
        "allow-large", po::bool_switch(&c.allow_large), "do not check the limits of events and memory of a run");
    std::vector<std::string> files;
    if (!detail::parse(args, d, "file", files,
                       "usage: caseload validate FILE...\nChecks scenario, compare and sweep files (every point of a "
                       "sweep); exit 2 if any is wrong.",
                       io))
        return kExitOk;
    if (files.empty()) throw UsageError("validate needs at least one file");
    const unsigned threads = experiment::resolve_threads(0);
    auto within_limits = [&](const std::vector<scenario::Scenario>& scenarios,
                             const std::optional<scenario::Location>& replications_at = std::nullopt) {
        if (!c.allow_large) experiment::refuse_over_limits(scenarios, threads, std::nullopt, replications_at);
    };
    int bad = 0;
    for (const auto& f : files) {
        try {
            const std::unique_ptr<OnceRead> once = read_once_if_special(f);
            const std::string kind_path = once ? once->path() : f;  // where the kind of file is read from
            const fs::path base_dir = fs::path(f).parent_path();
            if (once && once->text.size() > scenario::kMaxYamlBytes) {
                throw scenario::ScenarioError(scenario::Location{f, 0, 0}, "",
                                              "'" + f + "' is larger than " +
                                                  std::to_string(scenario::kMaxYamlBytes >> 10) +
                                                  " KiB; expected a smaller file (the limits are kMaxYamlBytes and "
                                                  "kMaxCsvBytes in include/caseload/scenario/loader.hpp)");
            } else if (scenario::is_sweep_file(kind_path)) {
                const experiment::SweepPlan plan =
                    once ? experiment::checked_sweep_plan(scenario::parse_sweep(once->text, f, base_dir), {}, {},
                                                          threads, c.allow_large)
                         : experiment::checked_sweep_plan(f, {}, {}, threads, c.allow_large);
                io.out << "ok  " << f << " (sweep: " << plan.points() << " points x " << plan.replications()
                       << " replications on " << plan.spec().base.string() << ")\n";
            } else if (scenario::is_compare_file(kind_path)) {
                const auto spec = once ? scenario::parse_compare(once->text, f, base_dir) : scenario::load_compare(f);
                (void)detail::relevant_overrides(spec);
                std::vector<scenario::Scenario> all = scenario::load_compare_scenarios(spec);
                if (spec.replications) all[0].replications = *spec.replications;
                for (auto& s : all) s.replications = all[0].replications;  // as compare runs them
                std::optional<scenario::Location> at;
                if (spec.replications) {
                    at = scenario::locate(kind_path, "compare.replications");
                    at->file = f;
                }
                within_limits(all, at);
                io.out << "ok  " << f << " (compare: " << spec.scenarios.size() + 1 << " scenarios)\n";
            } else {
                const auto s = once ? scenario::parse_scenario(once->text, f, base_dir) : scenario::load_scenario(f);
                within_limits({s});
                io.out << "ok  " << f << " (" << s.name << ")\n";
            }
        } catch (const scenario::ScenarioError& e) {
            ++bad;
            io.err << "error: " << e.what() << "\n";
        }
    }
    return bad ? kExitBadInput : kExitOk;
}

namespace {

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
        // A full disk must not leave a trace cut off mid-line passing for a whole one: stop at once.
        if (!out) {
            const int err = errno;
            throw report::OutputError(std::string("cannot write stdout: ") +
                                      (err ? std::strerror(err) : "the stream failed"));
        }
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

}  // namespace

int cmd_trace(const Args& args, const Streams& io) {
    RunFlags c;
    int replication = 0;
    po::options_description d("options");
    d.add_options()("help,h", "show this help")(
        "replication",
        detail::whole_value("--replication", 0, scenario::kMaxReplications - 1,
                            [&replication](long long v) { replication = int(v); }),
        "which replication (0-based; default 0)")(
        "seed,s", detail::whole_value("--seed", 0, detail::kMaxSeed, [&c](long long v) { c.seed = std::uint64_t(v); }),
        "random seed")(
        "allow-large", po::bool_switch(&c.allow_large),
        "trace even when the replication is estimated to exceed the limits of events or memory");
    std::vector<std::string> files;
    if (!detail::parse(args, d, "file", files,
                       "usage: caseload trace FILE [--replication N] [--seed S]\nWrites every event of one replication "
                       "as CSV to stdout: day,event,family,worker,waitlist,with_worker,closed (family and worker empty "
                       "when the event concerns none; with_worker = families with a worker; closed = cases closed so "
                       "far).",
                       io))
        return kExitOk;
    if (files.size() != 1) throw UsageError("trace takes exactly one scenario file");
    auto sc = scenario::load_scenario(files[0]);
    experiment::apply_overrides(sc, c.replications, c.seed);
    if (!c.allow_large) {  // one replication, as `run -r 1` would refuse it
        scenario::Scenario one = sc;
        one.replications = 1;
        experiment::refuse_over_limits({one}, 1, std::nullopt);
    }
    CsvTrace sink(io.out, io.stop);
    try {
        (void)model::simulate(sc, std::uint32_t(replication), &sink);
    } catch (const experiment::Interrupted&) {
        io.err << "interrupted: the trace on stdout is incomplete\n";
        return kExitInterrupted;
    }
    return kExitOk;
}

namespace {

// --from and --to: any whole number a key could hold, with room to spare.
constexpr long long kMinValue = -1000000000000LL;
constexpr long long kMaxValue = 1000000000000LL;

}  // namespace

int cmd_solve(const Args& args, const Streams& io) {
    experiment::BreakEvenQuestion q;
    bool quiet = false;
    std::string at_most, at_least;
    po::options_description d("options");
    d.add_options()("help,h", "show this help")(
        "vary", po::value<std::string>(&q.vary)->default_value("extra_fte"),
        "the whole-number parameter to search: extra_fte (extra funded FTE from day 0, hired through the hiring "
        "process) or any dotted path of the scenario, as in sweep files (workforce.workers, "
        "workforce.caseload_norm, interventions[0].fte, ...)")("from",
                                                                  detail::whole_value("--from", kMinValue, kMaxValue,
                                                                                      [&q](long long v) { q.from = long(v); })
                                                                      ->required(),
                                                                  "smallest value to try")(
        "to", detail::whole_value("--to", kMinValue, kMaxValue, [&q](long long v) { q.to = long(v); })->required(),
        "largest value to try")(
        "metric", po::value<std::string>(&q.metric)->default_value("waitlist_mean"), "the metric (see README)")(
        "at-most", po::value<std::string>(&at_most), "target: a number, or a scenario file whose value it must not exceed")(
        "at-least", po::value<std::string>(&at_least), "target: a number, or a scenario file it must reach")(
        "replications,r",
        detail::whole_value("--replications", 1, scenario::kMaxReplications,
                            [&q](long long v) { q.replications = int(v); }),
        "replications per value")(
        "seed,s", detail::whole_value("--seed", 0, detail::kMaxSeed, [&q](long long v) { q.seed = std::uint64_t(v); }),
        "random seed")(
        "threads,t",
        detail::whole_value("--threads", 0, detail::kMaxThreads, [&q](long long v) { q.threads = unsigned(v); }),
        "worker threads; 0 = all cores (the default)")(
        "allow-large", po::bool_switch(&q.allow_large),
        "run even when a value's run is estimated to exceed the limits of events or memory")(
        "quiet,q", po::bool_switch(&quiet), "no progress on stderr");
    std::vector<std::string> files;
    if (!detail::parse(args, d, "file", files,
                       "usage: caseload solve SCENARIO.yaml --from A --to B [--vary extra_fte|DOTTED.PATH]\n"
                       "                      [--metric waitlist_mean] (--at-most X | --at-least X)\n"
                       "Finds the smallest value for which the metric meets the target, with common random numbers.\n"
                       "X is a number or a scenario file (then compared replication by replication, e.g. the "
                       "baseline).\n"
                       "Example: caseload solve scenarios/caseload10.yaml --from 0 --to 80 --at-most "
                       "scenarios/baseline.yaml",
                       io))
        return kExitOk;
    if (files.size() != 1) throw UsageError("solve takes exactly one scenario file");
    if (at_most.empty() == at_least.empty()) throw UsageError("give exactly one of --at-most and --at-least");
    q.file = files[0];
    q.at_most = !at_most.empty();
    q.target = q.at_most ? at_most : at_least;
    // A number target must be one a metric can meet: not nan, not infinite.
    double number = 0;
    const char* end = q.target.data() + q.target.size();
    const auto parsed = std::from_chars(q.target.data(), end, number);
    if (parsed.ptr == end && (parsed.ec == std::errc::result_out_of_range ||
                              (parsed.ec == std::errc{} && !std::isfinite(number))))
        throw UsageError(std::string(q.at_most ? "--at-most" : "--at-least") +
                         " must be a finite number or a scenario file, not '" + q.target + "'");
    q.stop = io.stop;
    try {
        const experiment::BreakEvenSearch search = experiment::prepare_break_even(q);
        if (!quiet) io.err << "searching " << q.vary << " in [" << q.from << ", " << q.to << "] ...\n";
        io.out << report::break_even_text(search, experiment::solve(search.spec));
    } catch (const experiment::Interrupted&) {
        io.err << "interrupted: the search stopped before an answer; nothing is kept (run it again to search)\n";
        return kExitInterrupted;
    }
    return kExitOk;
}

int cmd_schema(const Args& args, const Streams& io) {
    po::options_description d("options");
    bool markdown = false;
    d.add_options()("help,h", "show this help")(
        "markdown", po::bool_switch(&markdown), "print the key reference as Markdown tables (the README's) instead of the JSON Schema");
    std::vector<std::string> which;
    if (!detail::parse(args, d, "kind", which,
                       "usage: caseload schema [scenario|compare] [--markdown]\nPrints the JSON Schema of scenario "
                       "files (or of compare files) on stdout, for editors that check YAML against a schema; with "
                       "--markdown, every key with its values, default and meaning. Both are made from the same "
                       "table of keys the loader checks files against.",
                       io))
        return kExitOk;
    if (which.size() > 1) throw UsageError("schema takes at most one argument: scenario or compare");
    const std::string kind = which.empty() ? "scenario" : which[0];
    namespace sc = scenario::schema;
    if (kind == "scenario")
        io.out << (markdown ? sc::scenario_key_reference() : sc::scenario_json_schema());
    else if (kind == "compare")
        io.out << (markdown ? sc::compare_key_reference() : sc::compare_json_schema());
    else
        throw UsageError("unknown schema '" + kind + "'; expected scenario or compare");
    return kExitOk;
}

}  // namespace caseload::cli
