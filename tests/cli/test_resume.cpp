// run and compare stopped part-way (Ctrl-C, SIGTERM) keep the replications
// they finished; --resume runs the rest and writes what a run that was never
// stopped writes, and refuses replications of another run.

#include "caseload/cli/cli.hpp"
#include "caseload/report/run_resume.hpp"

#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace caseload;

namespace {

const std::string kBaseline = std::string(CASELOAD_SOURCE_DIR) + "/scenarios/baseline.yaml";
const std::string kCaseload10 = std::string(CASELOAD_SOURCE_DIR) + "/scenarios/caseload10.yaml";

using test::run_cli;
using test::slurp;

// A scratch folder, removed at the end.
struct Scratch {
    Scratch() : root(fs::temp_directory_path() / ("caseload_resume_test_" + std::to_string(::getpid()))) {
        fs::remove_all(root);
        fs::create_directories(root);
    }
    ~Scratch() { fs::remove_all(root); }
    [[nodiscard]] std::string operator()(const std::string& name) const { return (root / name).string(); }
    fs::path root;
};

std::size_t saved_files(const fs::path& staging) { return report::count_kept(staging); }

// `caseload args...` in this process, stopped (as by Ctrl-C) once `after`
// replications are kept. Each replication is synced on its own here, so that
// the stop comes part-way (batches of the default size would outlast these
// short runs).
test::CliResult run_stopped(std::vector<std::string> args, const fs::path& out, std::size_t after) {
    ::setenv("CASELOAD_SYNC_EVERY", "1", 1);
    args.insert(args.begin(), "caseload");
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    std::atomic<bool> stop{false}, finished{false};
    std::thread watcher([&] {
        while (!finished && saved_files(report::run_staging(out)) < after)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        stop = true;
    });
    std::ostringstream o, e;
    const int code = cli::run(int(argv.size()), argv.data(), {o, e, false, &stop});
    finished = true;
    watcher.join();
    ::unsetenv("CASELOAD_SYNC_EVERY");
    return {code, o.str(), e.str()};
}

void check_same(const fs::path& a, const fs::path& b, const std::vector<std::string>& files) {
    for (const auto& f : files) {
        INFO("file: " << f);
        const std::string x = slurp(a / f);
        CHECK_FALSE(x.empty());
        CHECK(x == slurp(b / f));
    }
}

const std::vector<std::string> kRunFiles = {"summary.csv",  "replications.csv", "timeseries.csv",
                                            "time_to_help_distribution.csv", "checks.csv", "report.md",
                                            "report.html",  "scenario.yaml"};

}  // namespace

TEST_CASE("resume: a replication is saved and read back bit for bit") {
    const auto r = model::simulate(test::mmc(2, 2, 0.9, 10, 400, 50, 1, 3), 1);
    auto odd = r;
    odd.metrics[0] = std::numeric_limits<double>::quiet_NaN();
    odd.metrics[1] = 0.1 + 0.2;
    odd.metrics[2] = std::numeric_limits<double>::denorm_min();
    odd.metrics[3] = -std::numeric_limits<double>::infinity();
    odd.hit_waitlist_bound = true;
    REQUIRE(!odd.weekly.empty());
    // every field of a week is kept (the memcmp below sees them all)
    odd.weekly.back().turnover = 0.1 + 0.2;
    odd.weekly.back().absenteeism = std::numeric_limits<double>::quiet_NaN();
    odd.weekly.back().absent_fte = 1.0 / 3.0;
    for (const auto& x : {r, odd}) {
        const auto back = report::parse_replication(report::replication_text(x), "test");
        CHECK(test::identical(back.metrics, x.metrics));
        CHECK(test::identical(back.helped_within_weeks, x.helped_within_weeks));
        REQUIRE(back.weekly.size() == x.weekly.size());
        CHECK(std::memcmp(back.weekly.data(), x.weekly.data(), x.weekly.size() * sizeof x.weekly[0]) == 0);
        CHECK(back.replication == x.replication);
        CHECK(back.hit_waitlist_bound == x.hit_waitlist_bound);
        CHECK(std::memcmp(&back.ended_at_day, &x.ended_at_day, sizeof x.ended_at_day) == 0);
        CHECK(back.events == x.events);
    }
    CHECK_THROWS_AS((void)report::parse_replication("caseload replication 1\nreplication 1\nmetrics 1 2\n", "f"),
                    report::ResumeError);
}

TEST_CASE("run: a stop keeps the finished replications, --resume completes it byte for byte") {
    Scratch tmp;
    REQUIRE(run_cli({"run", kBaseline, "-r", "8", "-s", "7", "-t", "1", "--out", tmp("whole"), "-q"}).code == 0);

    const fs::path out = tmp("stopped");
    const auto stopped = run_stopped({"run", kBaseline, "-r", "8", "-s", "7", "-t", "1", "--out", out.string()}, out, 2);
    INFO("stderr: " << stopped.err);
    REQUIRE(stopped.code == cli::kExitInterrupted);
    const std::size_t kept = saved_files(report::run_staging(out));
    CHECK(kept >= 2);
    CHECK(kept < 8);
    CHECK(stopped.err.find("interrupted: stopped after the replications in progress; " + std::to_string(kept) +
                           " of 8 replications are saved in " + report::run_staging(out).string()) != std::string::npos);
    CHECK(stopped.err.find("unbiased only once every replication has run") != std::string::npos);
    const std::string resume = "caseload run " + kBaseline + " --out " + out.string() +
                               " --replications 8 --seed 7 --threads 1 --resume";
    CHECK(stopped.err.find("\n  " + resume + "\n") != std::string::npos);
    CHECK_FALSE(fs::exists(out));

    // A new run into the folder is refused while the stopped one is kept.
    const auto fresh = run_cli({"run", kBaseline, "-r", "8", "-s", "7", "--out", out.string(), "-q"});
    CHECK(fresh.code == cli::kExitBadInput);
    CHECK(fresh.err.find("add --resume to continue it") != std::string::npos);

    const auto resumed = run_cli({"run", kBaseline, "--out", out.string(), "--replications", "8", "--seed", "7",
                                  "--threads", "1", "--resume"});
    REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
    CHECK(resumed.err.find("resuming, " + std::to_string(kept) + " replications done already") != std::string::npos);
    check_same(tmp("whole"), out, kRunFiles);
    CHECK_FALSE(fs::exists(report::run_staging(out)));
}

TEST_CASE("compare: a stop keeps the replications of every scenario, --resume completes it byte for byte") {
    Scratch tmp;
    const std::vector<std::string> base = {"compare", kBaseline, kCaseload10, "-r", "6", "-s", "11", "-t", "2"};
    auto with = [&](std::vector<std::string> more) {
        auto a = base;
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    REQUIRE(run_cli(with({"--out", tmp("whole"), "-q"})).code == 0);

    const fs::path out = tmp("stopped");
    const auto stopped = run_stopped(with({"--out", out.string(), "-q"}), out, 3);
    INFO("stderr: " << stopped.err);
    REQUIRE(stopped.code == cli::kExitInterrupted);
    CHECK(stopped.err.find(" of 12 replications are saved in ") != std::string::npos);
    const std::string resume = "caseload compare " + kBaseline + " " + kCaseload10 + " --out " + out.string() +
                               " --replications 6 --seed 11 --threads 2 --resume";
    CHECK(stopped.err.find("\n  " + resume + "\n") != std::string::npos);

    const auto resumed = run_cli(with({"--out", out.string(), "--resume", "-q"}));
    REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
    auto files = kRunFiles;
    files.erase(std::find(files.begin(), files.end(), "scenario.yaml"));
    for (const char* f : {"comparison.csv", "comparison.md", "scenarios/0-baseline.yaml"}) files.emplace_back(f);
    check_same(tmp("whole"), out, files);
    // metadata.json differs only in the time the run took.
    auto without_wall = [](std::string s) {
        const auto at = s.find("\"wall_seconds\": ");
        return s.substr(0, at) + s.substr(s.find('\n', at));
    };
    CHECK(without_wall(slurp(tmp("whole") + "/metadata.json")) == without_wall(slurp(out / "metadata.json")));
}

TEST_CASE("resume: refused with another seed, replications or scenario file, --force starts over") {
    Scratch tmp;
    const std::string file = tmp("scenario.yaml");
    fs::copy_file(kBaseline, file);
    const std::string out = tmp("stopped");
    std::atomic<bool> stop{true};
    std::ostringstream o, e;
    const char* argv[] = {"caseload", "run", file.c_str(), "-r", "5", "-s", "3", "--out", out.c_str(), "-q"};
    REQUIRE(cli::run(10, argv, {o, e, false, &stop}) == cli::kExitInterrupted);
    REQUIRE(fs::exists(report::run_staging(out)));

    const auto seed = run_cli({"run", file, "-r", "5", "-s", "4", "--out", out, "--resume", "-q"});
    CHECK(seed.code == cli::kExitBadInput);
    CHECK(seed.err.find("was started with seed 3, not 4") != std::string::npos);
    const auto reps = run_cli({"run", file, "-r", "6", "-s", "3", "--out", out, "--resume", "-q"});
    CHECK(reps.code == cli::kExitBadInput);
    CHECK(reps.err.find("was started with 5 replications, not 6") != std::string::npos);
    std::string text = slurp(file);
    const auto at = text.find("\nname: ");
    REQUIRE(at != std::string::npos);
    text.insert(at + 7, "changed-");
    std::ofstream(file, std::ios::trunc) << text;
    const auto changed = run_cli({"run", file, "-r", "5", "-s", "3", "--out", out, "--resume", "-q"});
    CHECK(changed.code == cli::kExitBadInput);
    CHECK(changed.err.find("was started with other scenarios (a scenario file changed") != std::string::npos);
    CHECK_FALSE(fs::exists(out));

    const auto both = run_cli({"run", file, "-r", "5", "--out", out, "--resume", "--force", "-q"});
    CHECK(both.code == cli::kExitBadInput);
    const auto no_out = run_cli({"run", file, "-r", "5", "--resume", "-q"});
    CHECK(no_out.code == cli::kExitBadInput);
    CHECK(no_out.err.find("--resume needs --out DIR") != std::string::npos);

    const auto over = run_cli({"run", file, "-r", "2", "--out", out, "--force", "-q"});
    REQUIRE_MESSAGE(over.code == 0, over.err);
    CHECK_FALSE(fs::exists(report::run_staging(out)));
}

TEST_CASE("resume: a replication's periods are kept in the journal bit for bit") {
    auto sc = test::mmc(2, 2, 0.9, 10, 400, 50, 1, 3);
    sc.period_days = 100;
    const auto r = model::simulate(sc, 1);
    REQUIRE(r.periods.size() == 4);  // (400 - 50) / 100, the last one shorter
    auto odd = r;
    odd.periods.back().values[0] = std::numeric_limits<double>::quiet_NaN();
    odd.periods.back().values[1] = 0.1 + 0.2;
    for (const auto& x : {r, odd}) {
        const auto back = report::parse_replication_bytes(report::replication_bytes(x));
        REQUIRE(back);
        REQUIRE(back->periods.size() == x.periods.size());
        for (std::size_t k = 0; k < x.periods.size(); ++k) {
            CHECK(test::identical(back->periods[k].values, x.periods[k].values));
            CHECK(back->periods[k].start_day == x.periods[k].start_day);
            CHECK(back->periods[k].end_day == x.periods[k].end_day);
        }
        CHECK(back->weekly.size() == x.weekly.size());
    }
    // A record cut inside its periods is refused, not read short.
    const std::string bytes = report::replication_bytes(r);
    CHECK_FALSE(report::parse_replication_bytes(std::string_view(bytes).substr(0, 64 + 8 * model::kMetricCount + 8 * model::kHelpedWeeks + 40)));
}

TEST_CASE("resume: a damaged journal record or a replication file without a checksum is never used: they run again") {
    Scratch tmp;
    REQUIRE(run_cli({"run", kBaseline, "-r", "8", "-s", "7", "-t", "1", "--out", tmp("whole"), "-q"}).code == 0);
    const fs::path out = tmp("stopped");
    const std::vector<std::string> args{"run", kBaseline, "-r", "8", "-s", "7", "-t", "1", "--out", out.string()};
    REQUIRE(run_stopped(args, out, 2).code == cli::kExitInterrupted);
    const fs::path staging = report::run_staging(out);
    const fs::path journal = staging / "journal";
    REQUIRE(fs::file_size(journal) > 64);
    // One changed byte in the first record's values (after its 24-byte header).
    {
        std::fstream f(journal, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(24 + 40);
        char c = 0;
        f.read(&c, 1);
        c = char(c ^ 0x10);
        f.seekp(24 + 40);
        f.write(&c, 1);
    }
    // A replication file of an earlier version, whose values cannot be checked.
    auto fake = model::simulate(test::mmc(2, 2, 0.9, 10, 400, 50, 1, 3), 1);
    fake.replication = 5;
    std::ofstream(staging / "0-5.rep") << report::replication_text(fake);

    std::vector<std::string> again = args;
    again.push_back("--resume");
    const auto resumed = run_cli(again);
    REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
    CHECK(resumed.err.find("warning: " + journal.string() +
                           " is damaged after 0 bytes (a record fails its checksum); the replications from there on "
                           "are not used and run again\n") != std::string::npos);
    CHECK(resumed.err.find("warning: " + (staging / "0-5.rep").string() +
                           " has no checksum (an earlier version of caseload wrote it); it is not used: replication 5 "
                           "runs again\n") != std::string::npos);
    CHECK(resumed.err.find("resuming, 0 replications done already") != std::string::npos);
    check_same(tmp("whole"), out, kRunFiles);
}

TEST_CASE("resume: a kept manifest or journal that is not a regular file is refused, not read") {
    Scratch tmp;
    const fs::path out = tmp("stopped");
    const std::vector<std::string> args{"run", kBaseline, "-r", "8", "-s", "7", "-t", "1", "--out", out.string()};
    REQUIRE(run_stopped(args, out, 2).code == cli::kExitInterrupted);
    const fs::path staging = report::run_staging(out);
    std::vector<std::string> again = args;
    again.push_back("--resume");
    for (const char* name : {"journal", "manifest.txt"}) {
        INFO(std::string(name));
        const fs::path kept = tmp(std::string(name) + ".kept");
        fs::rename(staging / name, kept);
        fs::create_symlink("/dev/zero", staging / name);
        const auto r = run_cli(again);
        INFO(r.err);
        CHECK(r.code == cli::kExitBadInput);
        CHECK(r.err.find((staging / name).string() + " is not a regular file") != std::string::npos);
        fs::remove(staging / name);
        fs::rename(kept, staging / name);
    }
    CHECK(run_cli(again).code == 0);
}
