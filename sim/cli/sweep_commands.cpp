// caseload sweep and merge: run a sweep's points into a folder (kept point by
// point, so a stopped sweep continues with --resume), on one machine or over
// MPI ranks, and combine the folders of its shards.

#include "caseload/experiment/mpi.hpp"
#include "caseload/experiment/run_checks.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/experiment/sweep.hpp"
#include "caseload/report/metadata.hpp"
#include "caseload/report/output.hpp"
#include "caseload/report/sweep_output.hpp"
#include "caseload/scenario/input_error.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/sweep_file.hpp"
#include "commands.hpp"
#include "progress.hpp"

#include <boost/program_options.hpp>

#include <chrono>
#include <ostream>

namespace caseload::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

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
        ("threads,t", detail::whole_value("--threads", 0, detail::kMaxThreads, [&a](long long v) { a.threads = unsigned(v); }),
         "worker threads (per rank under mpirun); default: all cores, or 1 per rank under mpirun")
        ("out,o", po::value<std::string>(&a.out), "results folder (default results/<name>-<date-time>)")
        ("resume", po::bool_switch(&a.resume), "continue a stopped sweep into --out (or start it); a finished one is left as is")
        ("force", po::bool_switch(&a.force), "replace the results folder, or an interrupted run of it")
        ("replications,r",
         detail::whole_value("--replications", 1, scenario::kMaxReplications, [&a](long long v) { a.replications = int(v); }),
         "replications per point (overrides the sweep file)")
        ("seed,s", detail::whole_value("--seed", 0, detail::kMaxSeed, [&a](long long v) { a.seed = std::uint64_t(v); }),
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
    return detail::default_out(stem);
}

experiment::Shard parse_shard(const std::string& text) {
    try {
        return experiment::Shard::parse(text);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
}

experiment::SweepPlan sweep_plan(const SweepArgs& a, const std::string& file, unsigned threads) {
    return experiment::checked_sweep_plan(file, a.replications, a.seed, threads, a.allow_large);
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

// The command that continues this sweep into `out`: what identifies it
// (--resume refuses another seed, replications or shard) and how it ran.
std::string resume_command(const SweepArgs& a, const std::string& file, const fs::path& out,
                           const experiment::Shard& shard) {
    std::string line = "caseload sweep " + detail::shell_word(file) + " --out " + detail::shell_word(out.string());
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
        plan.emplace(sweep_plan(a, file, threads));
    } catch (const InputError& e) {
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
        } catch (const InputError& e) {
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
    const report::Assembled assembled = folder->finish(report::sweep_metadata_json(
        *plan, shard,
        {.points_run = run, .points_resumed = folder->resumed_points(), .threads_per_rank = threads,
         .ranks = ctx.size(), .points_per_rank = stats.points_per_rank, .wall_seconds = wall}));
    print_outcome(assembled, *plan, shard, folder->dir(), io);
    if (!a.quiet) {
        io.err << "\n" << run << " points in " << report::human(wall, "") << " s on " << ctx.size() << " ranks x "
               << threads << " threads; points per rank:";
        for (std::size_t r = 0; r < stats.points_per_rank.size(); ++r) io.err << " " << stats.points_per_rank[r];
        io.err << "; results in " << folder->dir().string() << "\n";
    }
    return kExitOk;
}

}  // namespace

int cmd_sweep(const Args& args, const Streams& io) {
    SweepArgs a;
    std::vector<std::string> files;
    if (!detail::parse(args, sweep_options(a), "file", files, kSweepUsage, io)) return kExitOk;
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
    const experiment::SweepPlan plan = sweep_plan(a, files[0], threads);
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
    // A failure from here on (a full disk, the folder made by someone else
    // meanwhile) keeps the finished points and says how to go on.
    report::Assembled assembled;
    double wall = 0;
    try {
        const bool complete = experiment::run_points(plan, folder.todo(), opts, [&](const experiment::PointResult& r) {
            folder.write_point(r.point, report::point_fragment(plan, plan.scenario(r.point), r));
            ++run;
        });
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        bar.finish();
        if (!complete) return sweep_interrupted(folder, run, resume, io);
        assembled = folder.finish(report::sweep_metadata_json(
            plan, shard,
            {.points_run = run, .points_resumed = folder.resumed_points(), .threads_per_rank = threads, .ranks = 1,
             .points_per_rank = {run}, .wall_seconds = wall}));
    } catch (const experiment::Interrupted&) {
        throw;
    } catch (const std::exception& e) {
        bar.finish();
        io.err << "error: " << e.what() << "\n"
               << folder.resumed_points() + run << " of " << folder.shard_points() << " points are kept in "
               << folder.staging().string() << "; once the cause is fixed, this continues the sweep (only the "
               << "missing points run):\n  " << resume << "\n";
        return dynamic_cast<const InputError*>(&e) ? kExitBadInput : kExitFailed;
    }
    print_outcome(assembled, plan, shard, folder.dir(), io);
    if (!a.quiet)
        io.err << "\n" << run << " points (" << run * std::size_t(plan.replications()) << " replications) in "
               << report::human(wall, "") << " s on " << threads << " threads; results in " << folder.dir().string() << "\n";
    return kExitOk;
}

int cmd_merge(const Args& args, const Streams& io) {
    std::string out;
    bool force = false, quiet = false;
    po::options_description d("options");
    d.add_options()("help,h", "show this help")(
        "out,o", po::value<std::string>(&out), "folder of the merged result (default results/<name>-<date-time>)")(
        "force", po::bool_switch(&force), "replace that folder if it exists")(
        "quiet,q", po::bool_switch(&quiet), "no messages on stderr except errors");
    std::vector<std::string> dirs;
    if (!detail::parse(args, d, "dir", dirs,
                       "usage: caseload merge DIR... [--out OUT] [--force]\n"
                       "Combines the folders of a sweep's shards (caseload sweep --shard K/N) into one result, the "
                       "same as the\nsweep run whole. Refuses folders of different sweeps, unfinished shards, and a "
                       "set with missing or\nduplicate points.",
                       io))
        return kExitOk;
    if (dirs.empty()) throw UsageError("merge needs the folders of a sweep's shards");
    std::vector<fs::path> shards(dirs.begin(), dirs.end());
    const fs::path target =
        out.empty() ? detail::default_out(report::sweep_folder_name(shards.front())) : fs::path(out);
    const auto m = report::merge_sweeps(shards, target, force, report::merge_metadata_json(dirs));
    if (m.assembled.sensitivity) io.out << report::sensitivity_text(m.assembled, m.terms);
    if (!quiet)
        io.err << "\nmerged " << dirs.size() << " folders, " << m.assembled.points << " points; results in "
               << m.dir.string() << "\n";
    return kExitOk;
}

}  // namespace caseload::cli
