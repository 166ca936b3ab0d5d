// Faults through the real executable: a run killed with SIGKILL, stopped with
// Ctrl-C (SIGINT), a disk that fills up, a waitlist that explodes, a run over
// the limits. None may leave a file that looks like results, or corrupt one.

#include "caseload/cli/cli.hpp"
#include "caseload/experiment/runner.hpp"
#include "../helpers.hpp"
#include "../process.hpp"

#include <doctest/doctest.h>

#include <sys/mount.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace caseload;

namespace {

const std::string kBaseline = std::string(CASELOAD_SOURCE_DIR) + "/scenarios/baseline.yaml";

bool has_staging(const fs::path& parent) {
    for (const auto& n : test::folder_names(parent))
        if (n.find(".partial-") != std::string::npos) return true;
    return false;
}

// Wait until the run has built its hidden staging folder in `parent`, i.e.
// it has loaded its scenario and is running replications.
bool wait_for_staging(const fs::path& parent, double seconds = 60) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (has_staging(parent)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

// A long run: thousands of replications of the baseline on one thread.
std::vector<std::string> long_run(const fs::path& out) {
    return {"run", kBaseline, "--replications", "20000", "--threads", "1", "--out", out.string(), "--quiet"};
}

std::string write_scenario(const fs::path& dir, const std::string& name, const std::string& text) {
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p.string();
}

// A light queue whose waitlist bound (line 11, column 15) makes the worst
// case of a run exceed the memory limit.
std::string big_bound(const fs::path& dir) {
    return write_scenario(dir, "big_bound.yaml",
                          "name: big\nhorizon: 5y\nwarmup: 1y\nreplications: 2\n"
                          "referrals:\n  rate_per_week: 1\n  types:\n"
                          "    ots: {share: 1, length: {distribution: exponential, mean: 30d}, weight: 1}\n"
                          "workforce: {workers: 2, caseload_norm: 5}\n"
                          "waitlist:\n  max_length: 100000000\n");
}

}  // namespace

TEST_CASE("SIGKILL mid-run leaves no results folder, and the next run clears the dead run's staging folder") {
    const fs::path parent = test::fresh_folder("sigkill");
    const fs::path out = parent / "results";
    {
        test::Process p(long_run(out));
        REQUIRE(wait_for_staging(parent));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        p.signal(SIGKILL);
        const auto r = p.wait();
        CHECK(r.signal == SIGKILL);
    }
    CHECK_FALSE(fs::exists(out));
    // What remains is one hidden staging folder, holding no result file (only
    // its mark and the hidden, partial periods.csv written as replications
    // finished), and the replications kept for --resume.
    auto left = test::folder_names(parent);
    std::sort(left.begin(), left.end());
    REQUIRE(left.size() == 2);
    CHECK(left[0].rfind(".results.partial-", 0) == 0);
    CHECK(left[1] == ".results.run-partial");
    for (const auto& f : test::folder_names(parent / left[0])) {
        INFO(f);
        CHECK((f == ".caseload-staging" || f.rfind(".periods.csv.partial-", 0) == 0));
    }

    // The next run in the same folder removes the staging folder (its process
    // is gone) and writes its own results.
    const auto r = test::run_process({"run", kBaseline, "-r", "2", "--out", (parent / "next").string(), "-q"});
    CHECK(r.exit_code == cli::kExitOk);
    auto now = test::folder_names(parent);
    std::sort(now.begin(), now.end());
    CHECK(now == std::vector<std::string>{".results.run-partial", "next"});
    fs::remove_all(parent);
}

TEST_CASE("Ctrl-C stops a run cleanly: exit 130, keeps the finished replications and says how to resume") {
    const fs::path parent = test::fresh_folder("sigint");
    const fs::path out = parent / "results";
    test::Process p(long_run(out));
    REQUIRE(wait_for_staging(parent));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    p.signal(SIGINT);
    const auto r = p.wait(60);
    CHECK_FALSE(r.timed_out);
    CHECK(r.signal == 0);
    CHECK(r.exit_code == cli::kExitInterrupted);
    CHECK(r.err.find("interrupted: stopped after the replications in progress; ") != std::string::npos);
    CHECK(r.err.find(" of 20000 replications are saved in " + (parent / ".results.run-partial").string()) !=
          std::string::npos);
    CHECK(r.err.find("caseload run " + kBaseline + " --out " + out.string() + " --replications 20000 --threads 1 --resume") !=
          std::string::npos);
    // No results, no staging folder: only the replications kept for --resume.
    CHECK(test::folder_names(parent) == std::vector<std::string>{".results.run-partial"});
    fs::remove_all(parent);
}

TEST_CASE("a stop request reaches the runner and the CLI") {
    std::atomic<bool> stop{true};
    experiment::RunOptions opts;
    opts.stop = &stop;
    const auto sc = test::mmc(2, 2, 0.5, 10, 500, 50, 8);
    CHECK_THROWS_AS((void)experiment::run_experiments({sc}, opts), experiment::Interrupted);
    stop = false;
    CHECK(experiment::run_experiments({sc}, opts)[0].replications.size() == 8);

    const fs::path parent = test::fresh_folder("stop_flag");
    std::ostringstream out, err;
    stop = true;
    const std::string o = (parent / "r").string();
    const char* argv[] = {"caseload", "run", kBaseline.c_str(), "-r", "3", "--out", o.c_str()};
    CHECK(cli::run(7, argv, {out, err, false, &stop}) == cli::kExitInterrupted);
    CHECK(err.str().find("stopped after the replications in progress; 0 of 3 replications are saved") !=
          std::string::npos);
    CHECK(test::folder_names(parent) == std::vector<std::string>{".r.run-partial"});
    const char* trace[] = {"caseload", "trace", kBaseline.c_str()};
    std::ostringstream tout, terr;
    CHECK(cli::run(3, trace, {tout, terr, false, &stop}) == cli::kExitInterrupted);
    CHECK(terr.str().find("incomplete") != std::string::npos);
    fs::remove_all(parent);
}

TEST_CASE("a write failure is exit 1 with a clear message, leaves no results folder and keeps the checkpoint") {
    SUBCASE("files limited to 8 KiB (writes past it fail, as on a full disk)") {
        const fs::path parent = test::fresh_folder("fsize");
        const fs::path out = parent / "results";
        const auto r = test::run_process({"run", kBaseline, "-r", "2", "--out", out.string(), "-q"}, {{}, rlim_t(8192), {}});
        INFO(r.err);
        CHECK(r.signal == 0);
        CHECK(r.exit_code == cli::kExitFailed);
        CHECK(r.err.rfind("error: cannot write ", 0) == 0);
        CHECK(r.err.find("File too large") != std::string::npos);
        // Finished work is never deleted: the replications saved are kept for --resume.
        CHECK(r.err.find(" --resume\n") != std::string::npos);
        CHECK(test::folder_names(parent) == std::vector<std::string>{".results.run-partial"});
        fs::remove_all(parent);
    }
    SUBCASE("a full disk: a 64 KiB tmpfs") {
        const fs::path mnt = test::fresh_folder("tmpfs");
        if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0) {
            MESSAGE("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << "); needs root");
            fs::remove_all(mnt);
            return;
        }
        const fs::path out = mnt / "results";
        const auto r = test::run_process({"run", kBaseline, "-r", "3", "--out", out.string(), "-q"});
        INFO(r.err);
        CHECK(r.exit_code == cli::kExitFailed);
        CHECK(r.err.rfind("error: cannot write ", 0) == 0);
        CHECK(r.err.find("No space left on device") != std::string::npos);
        CHECK(r.err.find(" --resume\n") != std::string::npos);
        CHECK(test::folder_names(mnt) == std::vector<std::string>{".results.run-partial"});
        ::umount2(mnt.c_str(), MNT_DETACH);
        fs::remove_all(mnt);
    }
    SUBCASE("/dev/full as the results folder is refused, even with --force, and left as it is") {
        if (!fs::exists("/dev/full")) {
            MESSAGE("skipped: no /dev/full");
            return;
        }
        const auto r = test::run_process({"run", kBaseline, "-r", "1", "--out", "/dev/full", "--force", "-q"});
        CHECK(r.exit_code == cli::kExitBadInput);
        CHECK(r.err.find("not a results folder") != std::string::npos);
        CHECK(fs::is_character_file("/dev/full"));
        for (const auto& n : test::folder_names("/dev")) CHECK(n.find(".full.") == std::string::npos);
    }
}

TEST_CASE("an exploding waitlist stops at waitlist.max_length, is reported unstable, and memory stays bounded") {
    const fs::path dir = test::fresh_folder("explode");
    // 2,000 referrals a week for 2 places: without the bound the waitlist would
    // reach ten million families over the century (gigabytes of memory).
    const std::string f = write_scenario(dir, "explode.yaml",
                                         "name: explode\nhorizon: 100y\nwarmup: 1y\nreplications: 2\n"
                                         "referrals:\n  rate_per_week: 2000\n  types:\n"
                                         "    ots: {share: 1, length: {distribution: exponential, mean: 1y}, weight: 1}\n"
                                         "workforce: {workers: 1, caseload_norm: 2}\n"
                                         "waitlist: {max_length: 20000}\n");
    const auto r = test::run_process({"run", f, "--out", (dir / "results").string(), "-q"}, {}, 60);
    INFO(r.err);
    CHECK(r.exit_code == cli::kExitOk);
    CHECK(r.out.find("UNSTABLE") != std::string::npos);
    CHECK(r.out.find("2 replication(s) stopped when the waitlist reached 20000 families") != std::string::npos);
    std::ifstream summary(dir / "results" / "summary.csv");
    std::stringstream s;
    s << summary.rdbuf();
    CHECK(s.str().find(",true\n") != std::string::npos);  // the unstable column
#if defined(__SANITIZE_ADDRESS__)
    MESSAGE("memory not checked under AddressSanitizer (its shadow memory and quarantine inflate it)");
#else
    CHECK(r.max_rss_kb < 200 * 1024);  // 20,000 families are a few megabytes; ten million would be gigabytes
#endif
    fs::remove_all(dir);
}

TEST_CASE("runs over the limits are refused up front, naming the key, unless --allow-large") {
    const fs::path dir = test::fresh_folder("limits");
    const std::string f = big_bound(dir);
    const fs::path out = dir / "results";
    auto r = test::run_process({"run", f, "--out", out.string(), "-q"});
    CHECK(r.exit_code == cli::kExitBadInput);
    CHECK(r.err.rfind("error: " + f + ":11:15: waitlist.max_length: this run would need about ", 0) == 0);
    CHECK(r.err.find("over the limit of 4 GB") != std::string::npos);
    CHECK(r.err.find("--allow-large") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    // The estimate is a worst case (a waitlist at its bound); this queue is light and runs in a moment.
    r = test::run_process({"run", f, "--out", out.string(), "-q", "--allow-large"});
    CHECK(r.exit_code == cli::kExitOk);
    CHECK(fs::exists(out / "summary.csv"));

    r = test::run_process({"run", kBaseline, "--replications", "1000000", "--out", (dir / "many").string()});
    CHECK(r.exit_code == cli::kExitBadInput);
    CHECK(r.err.find("--replications 1000000: this run would process about") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "many"));
    fs::remove_all(dir);
}

TEST_CASE("a full stdout is a failure: every command checks it after its last write") {
    if (!fs::exists("/dev/full")) {
        MESSAGE("skipped: no /dev/full");
        return;
    }
    const fs::path dir = test::fresh_folder("full_stdout");
    test::ProcessOptions full;
    full.stdout_path = "/dev/full";
    const std::string message = "error: cannot write stdout: No space left on device\n";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"schema"}, {"schema", "compare"}, {"validate", kBaseline}, {"--help"},
          {"run", kBaseline, "-r", "2", "--out", (dir / "run").string(), "-q"}, {"trace", kBaseline}}) {
        const auto r = test::run_process(args, full);
        INFO(args[0], " ", r.err);
        CHECK(r.signal == 0);
        CHECK(r.exit_code == cli::kExitFailed);
        CHECK(r.err.find(message) != std::string::npos);
    }
    // The run's results are written before its summary is printed: they stay.
    CHECK(fs::exists(dir / "run" / "summary.csv"));

    // A trace to a file on a full disk stops at the first failed write, exit 1.
    test::ProcessOptions small;
    small.file_size_limit = rlim_t(64 * 1024);
    small.stdout_path = dir / "trace.csv";
    const auto r = test::run_process({"trace", kBaseline}, small);
    CHECK(r.exit_code == cli::kExitFailed);
    CHECK(r.err == "error: cannot write stdout: File too large\n");
    fs::remove_all(dir);
}

TEST_CASE("solve and trace apply the run limits unless --allow-large, and solve stops on one SIGTERM with exit 130") {
    const fs::path dir = test::fresh_folder("solve_limits");
    const std::string f = big_bound(dir);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"solve", f, "--from", "0", "--to", "2", "--at-most", "5", "-q"}, {"trace", f}}) {
        auto r = test::run_process(args);
        INFO(args[0], " ", r.err);
        CHECK(r.exit_code == cli::kExitBadInput);
        CHECK(r.err.rfind("error: " + f + ":11:15: waitlist.max_length: this run would need about ", 0) == 0);
        CHECK(r.err.find("--allow-large") != std::string::npos);
        CHECK(r.out.empty());
        std::vector<std::string> allowed = args;
        allowed.emplace_back("--allow-large");
        r = test::run_process(allowed);
        CHECK(r.exit_code == cli::kExitOk);
    }

    // A long search: one SIGTERM ends it after the replications in progress.
    test::Process p({"solve", kBaseline, "--from", "0", "--to", "80", "--at-most", "1", "-r", "20000", "--threads", "1"});
    REQUIRE(p.wait_for_err("searching "));  // its stop handlers are in place once it searches
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    p.signal(SIGTERM);
    const auto r = p.wait(60);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == cli::kExitInterrupted);
    CHECK(r.err.find("interrupted: the search stopped before an answer") != std::string::npos);
    CHECK(r.out.empty());
    fs::remove_all(dir);
}

TEST_CASE("a run whose results cannot be written keeps its replications and prints the exact --resume command") {
    const fs::path parent = test::fresh_folder("keep_on_failure");
    const fs::path out = parent / "results";
    // The results folder appears (made by someone else) while the run is going.
    test::Process p({"run", kBaseline, "-r", "400", "--threads", "1", "--out", out.string(), "-q"});
    REQUIRE(wait_for_staging(parent));
    fs::create_directories(out);
    std::ofstream(out / "theirs.txt") << "not ours\n";
    const auto r = p.wait(120);
    INFO(r.err);
    CHECK(r.exit_code == cli::kExitFailed);
    CHECK(r.err.find("error: " + out.string() + " appeared while the run was going; it is left as it is\n") !=
          std::string::npos);
    const std::string resume =
        "caseload run " + kBaseline + " --out " + out.string() + " --replications 400 --threads 1 --resume";
    CHECK(r.err.find("every replication has run and is kept in " + (parent / ".results.run-partial").string() +
                     "; once the cause is fixed, this writes the results without running them again:\n  " + resume +
                     "\n") != std::string::npos);
    CHECK(fs::exists(out / "theirs.txt"));
    CHECK(fs::exists(parent / ".results.run-partial"));
    // Once their folder is moved away, --resume writes the results without running anything.
    fs::rename(out, parent / "theirs");
    const auto resumed = test::run_process({"run", kBaseline, "--out", out.string(), "--replications", "400",
                                            "--threads", "1", "--resume"});
    CHECK(resumed.exit_code == cli::kExitOk);
    CHECK(resumed.err.find("resuming, 400 replications done already") != std::string::npos);
    CHECK(fs::exists(out / "summary.csv"));
    CHECK_FALSE(fs::exists(parent / ".results.run-partial"));
    fs::remove_all(parent);
}

TEST_CASE("a disk that fills while replications run keeps those saved, --resume runs only the others and gives the same files") {
    const fs::path parent = test::fresh_folder("journal_full");
    const fs::path out = parent / "results";
    const fs::path kept = parent / ".results.run-partial";
    const std::vector<std::string> args{"run", kBaseline, "-r", "100", "--threads", "2", "--out", out.string(), "-q"};
    // About 20 replications (30 years of weekly figures each) fit in the journal under 2 MiB.
    test::ProcessOptions full;
    full.file_size_limit = rlim_t{2} << 20;
    // Each replication synced on its own: the journal fails around the 20th,
    // long before the last one is saved, however fast the machine.
    ::setenv("CASELOAD_SYNC_EVERY", "1", 1);
    const auto r = test::run_process(args, full);
    ::unsetenv("CASELOAD_SYNC_EVERY");
    INFO(r.err);
    CHECK(r.exit_code == cli::kExitFailed);
    const std::string resume =
        "caseload run " + kBaseline + " --out " + out.string() + " --replications 100 --threads 2 --resume";
    CHECK(r.err == "error: cannot write " + (kept / "journal").string() + ": File too large\nthe replications saved "
                   "so far are kept in " + kept.string() + "; once the cause is fixed, this runs only the missing "
                   "ones:\n  " + resume + "\n");
    CHECK_FALSE(fs::exists(out));
    REQUIRE(fs::exists(kept / "journal"));
    CHECK(fs::file_size(kept / "journal") > 0);
    const auto resumed = test::run_process({"run", kBaseline, "--out", out.string(), "--replications", "100",
                                            "--threads", "2", "--resume"});
    CHECK(resumed.exit_code == cli::kExitOk);
    std::size_t done = 0;
    const auto at = resumed.err.find("resuming, ");
    REQUIRE(at != std::string::npos);
    done = std::stoul(resumed.err.substr(at + 10));
    CHECK(done >= 10);
    CHECK(done < 100);
    CHECK_FALSE(fs::exists(kept));
    std::vector<std::string> whole = args;
    whole[7] = (parent / "whole").string();
    REQUIRE(test::run_process(whole).exit_code == cli::kExitOk);
    for (const char* f : {"replications.csv", "periods.csv", "summary.csv", "timeseries.csv"}) {
        INFO(f);
        CHECK(test::slurp(out / f) == test::slurp(parent / "whole" / f));
    }
    fs::remove_all(parent);
}

TEST_CASE("two runs into one --out: the second is refused while the first is alive, with or without --force") {
    const fs::path parent = test::fresh_folder("run_lock");
    const fs::path out = parent / "results";
    const fs::path kept = parent / ".results.run-partial";
    test::Process first(long_run(out));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::exists(kept / "manifest.txt") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(fs::exists(kept / "manifest.txt"));
    for (const std::string flag : {"--lang=en", "--force", "--resume"}) {
        const auto r = test::run_process({"run", kBaseline, "-r", "2", "--out", out.string(), "-q", flag});
        INFO(flag);
        CHECK(r.exit_code == cli::kExitBadInput);
        CHECK(r.err == "error: another caseload run is writing " + out.string() + "; wait for it or stop it first\n");
    }
    const auto c = test::run_process({"compare", kBaseline, std::string(CASELOAD_SOURCE_DIR) + "/scenarios/caseload10.yaml", "-r",
                                      "2", "--out", out.string(), "--force"});
    CHECK(c.exit_code == cli::kExitBadInput);
    CHECK(fs::exists(kept / "manifest.txt"));  // the live run's checkpoint is untouched
    first.signal(SIGKILL);
    (void)first.wait();
    // A dead run holds no lock: its replications can be dropped.
    const auto r = test::run_process({"run", kBaseline, "-r", "2", "--out", out.string(), "-q", "--force"});
    CHECK(r.exit_code == cli::kExitOk);
    CHECK(fs::exists(out / "summary.csv"));
    fs::remove_all(parent);
}
