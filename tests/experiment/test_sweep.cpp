// Sweeps end to end: the same bytes whole, sharded and merged, resumed after
// a stop; merge refusing incomplete or overlapping sets; common random numbers.

#include "caseload/cli/cli.hpp"
#include "caseload/experiment/sweep.hpp"
#include "caseload/report/sweep_output.hpp"
#include "caseload/scenario/sweep_file.hpp"

#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace caseload;

namespace {

const fs::path kData = CASELOAD_TEST_DATA;
const std::string kSweep = (kData / "sweep_small.yaml").string();

using test::run_cli;

using test::slurp;

// "s1", "s2", ... (built by appending: GCC 12 warns falsely on "s" + std::string).
std::string shard_dir(int k) {
    std::string s = "s";
    s += std::to_string(k);
    return s;
}

std::size_t lines(const std::string& s) { return std::size_t(std::count(s.begin(), s.end(), '\n')); }

// A scratch folder, removed at the end.
struct Scratch {
    Scratch() : root(fs::temp_directory_path() / ("caseload_sweep_test_" + std::to_string(::getpid()))) {
        fs::remove_all(root);
        fs::create_directories(root);
    }
    ~Scratch() { fs::remove_all(root); }
    [[nodiscard]] std::string operator()(const std::string& name) const { return (root / name).string(); }
    fs::path root;
};

const std::vector<std::string> kCompared = {"sweep.csv",    "summary.csv", "sensitivity.csv", "metamodel.csv",
                                            "design.csv",   "manifest.csv", "scenario.yaml",  "sweep.yaml"};

// A manifest's text as a caseload of the next results version writes it.
std::string next_results_version(const std::string& manifest) {
    std::string out;
    std::istringstream in(manifest);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("results_version,")) continue;
        out += line + "\n";
        if (line.starts_with("format,")) out += "results_version," + std::to_string(model::kResultsVersion + 1) + "\n";
    }
    return out;
}

void check_same(const fs::path& a, const fs::path& b) {
    for (const auto& f : kCompared) {
        INFO("file " << f << " of " << a.string() << " and " << b.string());
        CHECK(slurp(a / f) == slurp(b / f));
    }
}

}  // namespace

TEST_CASE("sweep: tidy outputs with the documented columns, one row per point x replication x metric") {
    Scratch tmp;
    const auto r = run_cli({"sweep", kSweep, "--out", tmp("whole"), "-q", "-t", "2"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const fs::path d = tmp("whole");
    const std::string rows = slurp(d / "sweep.csv");
    CHECK(rows.rfind("point,replication,workforce.caseload_norm,referrals.rate_per_week,metric,value\n", 0) == 0);
    CHECK(lines(rows) == 1 + 6 * 4 * model::kMetricCount);
    const std::string summary = slurp(d / "summary.csv");
    CHECK(summary.rfind("point,workforce.caseload_norm,referrals.rate_per_week,metric,mean,ci_low,ci_high,sd,p10,p90,"
                        "replications,unit,unstable\n",
                        0) == 0);
    CHECK(lines(summary) == 1 + 6 * model::kMetricCount);
    CHECK(rows.find("\n5,3,12,3.5,closures_per_year,") != std::string::npos);  // last point, last replication
    CHECK(summary.find("\n0,9,3,waitlist_mean,") != std::string::npos);
    // Norm 9 at 3.5 referrals a week has 36 places for 36 families: flagged.
    CHECK(summary.find("\n1,9,3.5,waitlist_mean,") != std::string::npos);
    CHECK(lines(slurp(d / "design.csv")) == 7);
    CHECK(fs::exists(d / "metadata.json"));
    CHECK_FALSE(fs::exists(d / "points"));
    CHECK_FALSE(fs::exists(report::sweep_staging(d)));
    // The sensitivity table: printed and written, both parameters ranked for every metric that varies.
    CHECK(r.out.find("waitlist_mean") != std::string::npos);
    const std::string sens = slurp(d / "sensitivity.csv");
    CHECK(sens.rfind("metric,rank,parameter,r2_drop,std_coefficient,coefficient,std_error,r_squared,points,unstable_points\n", 0) == 0);
    CHECK(sens.find("\nreferrals_per_year,1,referrals.rate_per_week,") != std::string::npos);
    CHECK(slurp(d / "metamodel.csv").find("\nwaitlist_mean,workforce.caseload_norm:referrals.rate_per_week,") !=
          std::string::npos);
}

TEST_CASE("sweep: common random numbers, and the same numbers on any thread count") {
    Scratch tmp;
    REQUIRE(run_cli({"sweep", kSweep, "--out", tmp("t1"), "-q", "-t", "1"}).code == 0);
    REQUIRE(run_cli({"sweep", kSweep, "--out", tmp("t3"), "-q", "-t", "3"}).code == 0);
    check_same(tmp("t1"), tmp("t3"));
    // Replication r of points with the same referral rate sees the same referrals,
    // whatever the caseload norm: points 0, 2, 4 all have 3 a week.
    std::map<std::string, std::vector<std::string>> per_rep;
    std::istringstream in(slurp(fs::path(tmp("t1")) / "sweep.csv"));
    std::string line;
    while (std::getline(in, line))
        if (line.find(",3,referrals_per_year,") != std::string::npos) {
            const auto first = line.find(',');
            const auto second = line.find(',', first + 1);
            per_rep[line.substr(first + 1, second - first - 1)].push_back(line.substr(line.rfind(',') + 1));
        }
    REQUIRE(per_rep.size() == 4);
    for (const auto& [rep, values] : per_rep) {
        REQUIRE(values.size() == 3);
        CHECK(values[0] == values[1]);
        CHECK(values[1] == values[2]);
    }
    CHECK(per_rep["0"][0] != per_rep["1"][0]);  // replications differ from each other
}

TEST_CASE("sweep: whole = sharded + merged = resumed after a stop, byte for byte") {
    Scratch tmp;
    REQUIRE(run_cli({"sweep", kSweep, "--out", tmp("whole"), "-q"}).code == 0);

    // Three shards on different thread counts, merged.
    for (int k = 1; k <= 3; ++k) {
        const auto r = run_cli({"sweep", kSweep, "--shard", std::to_string(k) + "/3", "--out", tmp(shard_dir(k)),
                            "-q", "-t", std::to_string(k)});
        REQUIRE_MESSAGE(r.code == 0, r.err);
        CHECK(lines(slurp(fs::path(tmp(shard_dir(k))) / "summary.csv")) == 1 + 2 * model::kMetricCount);
        CHECK_FALSE(fs::exists(fs::path(tmp(shard_dir(k))) / "sensitivity.csv"));
    }
    const auto m = run_cli({"merge", tmp("s2"), tmp("s3"), tmp("s1"), "--out", tmp("merged"), "-q"});
    REQUIRE_MESSAGE(m.code == 0, m.err);
    check_same(tmp("whole"), tmp("merged"));
    CHECK(m.out.find("waitlist_mean") != std::string::npos);

    // A run stopped after two points (the points in flight are lost), with a
    // write cut short left behind, then resumed.
    {
        const experiment::SweepPlan plan(scenario::load_sweep(kSweep));
        report::SweepFolder folder(tmp("resumed"), plan, {}, report::SweepFolder::Mode::fresh);
        std::size_t written = 0;
        struct Stop {};
        experiment::SweepRunOptions opts;
        opts.threads = 2;
        auto sink = [&](const experiment::PointResult& r) {
            if (written == 2) throw Stop{};
            folder.write_point(r.point, report::point_fragment(plan, plan.scenario(r.point), r));
            ++written;
        };
        CHECK_THROWS_AS((void)experiment::run_points(plan, folder.todo(), opts, sink), Stop);
        std::ofstream(folder.staging() / "points" / ".3.csv.partial-1") << "0,0,9,3,waitlist_mean,1";
    }
    CHECK_FALSE(fs::exists(tmp("resumed")));
    const auto again = run_cli({"sweep", kSweep, "--out", tmp("resumed"), "--resume", "-t", "1"});
    REQUIRE_MESSAGE(again.code == 0, again.err);
    CHECK(again.err.find("resuming, 2 points done already") != std::string::npos);
    check_same(tmp("whole"), tmp("resumed"));
    // Resuming a finished sweep does nothing.
    const auto done = run_cli({"sweep", kSweep, "--out", tmp("resumed"), "--resume"});
    CHECK(done.code == 0);
    CHECK(done.err.find("nothing to do") != std::string::npos);
}

TEST_CASE("sweep: a stop (Ctrl-C) ends it after the replications in progress, --resume completes it byte for byte") {
    Scratch tmp;
    REQUIRE(run_cli({"sweep", kSweep, "--out", tmp("whole"), "-q", "-r", "400"}).code == 0);

    // Stopped once the first point is in: on one thread the replication in
    // progress finishes, nothing new starts, and the point it was part of is
    // left for the resume.
    std::size_t written = 0;
    {
        const experiment::SweepPlan plan(scenario::load_sweep(kSweep), 400);
        report::SweepFolder folder(tmp("stopped"), plan, {}, report::SweepFolder::Mode::fresh);
        std::atomic<bool> stop{false};
        experiment::SweepRunOptions opts;
        opts.threads = 1;
        opts.stop = &stop;
        const bool complete = experiment::run_points(plan, folder.todo(), opts, [&](const experiment::PointResult& r) {
            folder.write_point(r.point, report::point_fragment(plan, plan.scenario(r.point), r));
            ++written;
            stop = true;
        });
        CHECK_FALSE(complete);
        CHECK(written >= 1);
        CHECK(written < 6);  // a point takes about 0.1 s on one thread: far longer than writing the first
    }
    CHECK_FALSE(fs::exists(tmp("stopped")));
    const auto resumed = run_cli({"sweep", kSweep, "--out", tmp("stopped"), "-r", "400", "--resume"});
    REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
    CHECK(resumed.err.find("resuming, " + std::to_string(written) + " points done already") != std::string::npos);
    check_same(tmp("whole"), tmp("stopped"));

    // Through the command line, stopped before the first point: exit 130, the
    // folder set up for --resume, and the exact command that continues it.
    std::atomic<bool> stop{true};
    std::ostringstream out, err;
    const std::string later = tmp("later");
    const char* argv[] = {"caseload", "sweep", kSweep.c_str(), "--out", later.c_str(), "-r", "400", "-q"};
    CHECK(cli::run(8, argv, {out, err, false, &stop}) == cli::kExitInterrupted);
    INFO("stderr: " << err.str());
    CHECK(err.str().find("interrupted: stopped after the points in progress; 0 of 6 points are saved in " +
                         report::sweep_staging(later).string()) != std::string::npos);
    const std::string resume = "caseload sweep " + kSweep + " --out " + later + " --replications 400 --resume";
    CHECK(err.str().find("\n  " + resume + "\n") != std::string::npos);
    CHECK_FALSE(fs::exists(later));
    CHECK(fs::exists(report::sweep_staging(later) / "manifest.csv"));
    const auto continued = run_cli({"sweep", kSweep, "--out", later, "--replications", "400", "--resume", "-q"});
    REQUIRE_MESSAGE(continued.code == 0, continued.err);
    check_same(tmp("whole"), later);
}

TEST_CASE("sweep: the limits of a run apply to its points x replications, refused up front, --allow-large overrides") {
    Scratch tmp;
    const fs::path file = fs::path(tmp("big")) / "big.yaml";
    fs::create_directories(file.parent_path());
    // 100 x 100 points x 100,000 replications: about 3 trillion events.
    std::ofstream(file) << "sweep:\n  base: " << (kData / "sweep_base.yaml").string()
                        << "\n  replications: 100000\n  parameters:\n"
                           "    workforce.caseload_norm: {from: 5, to: 15, steps: 100}\n"
                           "    referrals.rate_per_week: {from: 3, to: 4, steps: 100}\n";
    const auto r = run_cli({"sweep", file.string(), "--out", tmp("big_out"), "-q"});
    CHECK(r.code == cli::kExitBadInput);
    INFO("stderr: " << r.err);
    CHECK(r.err.rfind("error: " + file.string() + ":3:17: sweep.replications: this sweep would process about ", 0) == 0);
    CHECK(r.err.find("10000 points x 100000 replications") != std::string::npos);
    CHECK(r.err.find("over the limit of 50 billion") != std::string::npos);
    CHECK(r.err.find("--allow-large") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp("big_out")));
    CHECK_FALSE(fs::exists(report::sweep_staging(tmp("big_out"))));
    const auto on_line = run_cli({"sweep", file.string(), "--out", tmp("big_out"), "-q", "-r", "200000"});
    CHECK(on_line.code == cli::kExitBadInput);
    CHECK(on_line.err.find("--replications 200000: this sweep would process") != std::string::npos);
    const auto v = run_cli({"validate", file.string()});
    CHECK(v.code == cli::kExitBadInput);
    CHECK(v.err == r.err);
    CHECK(run_cli({"validate", "--allow-large", file.string()}).code == 0);

    // A 1000 x 1000 grid: refused for its size (the points), at once rather
    // than after building a million scenarios.
    std::ofstream(file) << "sweep:\n  base: " << (kData / "sweep_base.yaml").string()
                        << "\n  replications: 100\n  parameters:\n"
                           "    workforce.caseload_norm: {from: 5, to: 15, steps: 1000}\n"
                           "    referrals.rate_per_week: {from: 3, to: 4, steps: 1000}\n";
    const auto t0 = std::chrono::steady_clock::now();
    const auto grid = run_cli({"validate", file.string()});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO("validate: " << grid.err);
    CHECK(grid.code == cli::kExitBadInput);
    CHECK(grid.err.rfind("error: " + file.string() + ":5:5: sweep.parameters: this sweep would process about ", 0) == 0);
    CHECK(grid.err.find("1000000 points x 100 replications") != std::string::npos);
    CHECK(grid.err.find("lower the points") != std::string::npos);
    CHECK(seconds < 10);
    fs::remove(file);
}

TEST_CASE("merge refuses missing and duplicate points, naming them, and folders of another sweep") {
    Scratch tmp;
    for (int k = 1; k <= 3; ++k)
        REQUIRE(run_cli({"sweep", kSweep, "--shard", std::to_string(k) + "/3", "--out", tmp(shard_dir(k)), "-q"})
                    .code == 0);
    auto r = run_cli({"merge", tmp("s1"), tmp("s3"), "--out", tmp("m1")});
    CHECK(r.code == 2);
    CHECK(r.err.find("missing points: 1, 4") != std::string::npos);  // shard 2 of 3 holds points 1 and 4
    CHECK_FALSE(fs::exists(tmp("m1")));

    r = run_cli({"merge", tmp("s1"), tmp("s2"), tmp("s3"), tmp("s2"), "--out", tmp("m2")});
    CHECK(r.code == 2);
    CHECK(r.err.find("points in more than one folder: 1 (in " + tmp("s2") + " and " + tmp("s2") + "), 4") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(tmp("m2")));

    // Another seed is another sweep.
    REQUIRE(run_cli({"sweep", kSweep, "--shard", "2/3", "--seed", "6", "--out", tmp("other"), "-q"}).code == 0);
    r = run_cli({"merge", tmp("s1"), tmp("other"), tmp("s3"), "--out", tmp("m3")});
    CHECK(r.code == 2);
    CHECK(r.err.find("not parts of the same sweep") != std::string::npos);

    // A shard finished by a caseload of the next results version is not merged with these.
    fs::copy(tmp("s2"), tmp("s2next"), fs::copy_options::recursive);
    const fs::path manifest = fs::path(tmp("s2next")) / "manifest.csv";
    const std::string next = next_results_version(slurp(manifest));  // read before the file is truncated
    std::ofstream(manifest, std::ios::trunc | std::ios::binary) << next;
    r = run_cli({"merge", tmp("s1"), tmp("s2next"), tmp("s3"), "--out", tmp("m5")});
    CHECK(r.code == 2);
    CHECK(r.err.find("were run by caseload versions whose results differ (results version " +
                     std::to_string(model::kResultsVersion + 1) + " and " + std::to_string(model::kResultsVersion) +
                     ")") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp("m5")));

    // An unfinished shard is named as such.
    r = run_cli({"merge", tmp("s1"), tmp("never"), "--out", tmp("m4")});
    CHECK(r.code == 2);
    CHECK(r.err.find("no such folder") != std::string::npos);
}

TEST_CASE("sweep: results are never silently overwritten, resume refuses another sweep") {
    Scratch tmp;
    REQUIRE(run_cli({"sweep", kSweep, "--out", tmp("a"), "-q"}).code == 0);
    const auto stamp = fs::last_write_time(fs::path(tmp("a")) / "sweep.csv");
    auto r = run_cli({"sweep", kSweep, "--out", tmp("a"), "-q"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--force") != std::string::npos);
    CHECK(fs::last_write_time(fs::path(tmp("a")) / "sweep.csv") == stamp);
    r = run_cli({"sweep", kSweep, "--out", tmp("a"), "--resume", "-r", "3", "-q"});
    CHECK(r.code == 2);
    CHECK(r.err.find("different sweep") != std::string::npos);
    r = run_cli({"sweep", kSweep, "--out", tmp("a"), "--force", "-r", "3", "-q"});
    CHECK(r.code == 0);
    CHECK(lines(slurp(fs::path(tmp("a")) / "sweep.csv")) == 1 + 6 * 3 * model::kMetricCount);
    // The same sweep, finished by a caseload of the next results version.
    const fs::path manifest = fs::path(tmp("a")) / "manifest.csv";
    const std::string kept = next_results_version(slurp(manifest));
    std::ofstream(manifest, std::ios::trunc | std::ios::binary) << kept;
    r = run_cli({"sweep", kSweep, "--out", tmp("a"), "--resume", "-r", "3", "-q"});
    CHECK(r.code == 2);
    CHECK(r.err.find("whose results are version " + std::to_string(model::kResultsVersion + 1) +
                     ", and this caseload's are version " + std::to_string(model::kResultsVersion)) != std::string::npos);
    // And one it left unfinished (its hidden folder, no point run yet).
    {
        const experiment::SweepPlan plan(scenario::load_sweep(kSweep), 3);
        report::SweepFolder half(tmp("half"), plan, {}, report::SweepFolder::Mode::fresh);
    }
    const fs::path half_manifest = report::sweep_staging(tmp("half")) / "manifest.csv";
    REQUIRE(fs::exists(half_manifest));
    std::ofstream(half_manifest, std::ios::trunc | std::ios::binary) << kept;  // the next version's manifest, as above
    r = run_cli({"sweep", kSweep, "--out", tmp("half"), "--resume", "-r", "3", "-q"});
    CHECK(r.code == 2);
    CHECK(r.err.find("the interrupted sweep in " + report::sweep_staging(tmp("half")).string() +
                     " was run by a caseload whose results are version " + std::to_string(model::kResultsVersion + 1)) !=
          std::string::npos);
    r = run_cli({"sweep", kSweep, "--shard", "4/3", "-q"});
    CHECK(r.code == 2);
    CHECK(r.err.find("1 <= K <= N") != std::string::npos);
    r = run_cli({"sweep", kSweep, "--resume", "-q"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--resume needs --out") != std::string::npos);
}

TEST_CASE("the usage lists sweep and merge, one command a line") {
    const auto r = run_cli({"--help"});
    CHECK(r.out.find("\n  sweep FILE ") != std::string::npos);
    CHECK(r.out.find("\n  merge DIR... ") != std::string::npos);
    CHECK(r.out.find("\n  validate FILE... ") != std::string::npos);
    CHECK(r.out.find("\n  trace FILE ") != std::string::npos);
    const auto h = run_cli({"sweep", "--help"});
    CHECK(h.code == 0);
    CHECK(h.out.find("--shard") != std::string::npos);
    CHECK(h.out.find("--resume") != std::string::npos);
}

TEST_CASE("validate checks every point of a sweep file") {
    auto r = run_cli({"validate", kSweep});
    CHECK(r.code == 0);
    CHECK(r.out.find("sweep: 6 points x 4 replications") != std::string::npos);
}

TEST_CASE("sweep: a Latin hypercube runs its points, values within their ranges") {
    Scratch tmp;
    // Written in the scratch folder (never in the source tree), naming its base by an absolute path.
    const fs::path file = fs::path(tmp("lhs_file")) / "lhs.yaml";
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "sweep:\n  base: " << (kData / "sweep_base.yaml").string()
                        << "\n  design: lhs\n  points: 8\n  design_seed: 3\n"
                           "  replications: 2\n  parameters:\n"
                           "    workforce.caseload_norm: {from: 9.5, to: 12}\n"
                           "    workforce.workers: {from: 3, to: 5, integer: true}\n"
                           "    referrals.types.ots.length.mean: {from: 50d, to: 70d}\n";
    const auto r = run_cli({"sweep", file.string(), "--out", tmp("lhs"), "-q"});
    fs::remove(file);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    std::istringstream design(slurp(fs::path(tmp("lhs")) / "design.csv"));
    std::string line;
    std::getline(design, line);
    CHECK(line == "point,workforce.caseload_norm,workforce.workers,referrals.types.ots.length.mean_days");
    std::size_t n = 0;
    while (std::getline(design, line)) {
        double norm = 0, workers = 0, mean = 0;
        REQUIRE(std::sscanf(line.c_str(), "%*d,%lf,%lf,%lf", &norm, &workers, &mean) == 3);
        CHECK(norm >= 9.5);
        CHECK(norm <= 12);
        CHECK(workers == std::round(workers));
        CHECK(workers >= 3);
        CHECK(workers <= 5);
        CHECK(mean >= 50);
        CHECK(mean <= 70);
        ++n;
    }
    CHECK(n == 8);
    CHECK(lines(slurp(fs::path(tmp("lhs")) / "sweep.csv")) == 1 + 8 * 2 * model::kMetricCount);
}

TEST_CASE("merge verifies every shard completely: a shard cut mid-row, a deleted row or an edited value is refused") {
    Scratch tmp;
    for (int k = 1; k <= 3; ++k)
        REQUIRE(run_cli({"sweep", kSweep, "--shard", std::to_string(k) + "/3", "--out", tmp(shard_dir(k)), "-q"})
                    .code == 0);
    REQUIRE(run_cli({"merge", tmp("s1"), tmp("s2"), tmp("s3"), "--out", tmp("good"), "-q"}).code == 0);
    const std::string rows = slurp(fs::path(tmp("s2")) / "sweep.csv");
    std::vector<std::string> lines_of;
    for (std::size_t start = 0; start < rows.size();) {
        const std::size_t end = rows.find('\n', start);
        lines_of.push_back(rows.substr(start, end - start));
        start = end + 1;
    }
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& l : v) s += l + "\n";
        return s;
    };
    std::vector<std::string> deleted = lines_of;
    deleted.erase(deleted.begin() + 3);
    std::vector<std::string> edited = lines_of;
    edited[1] = edited[1].substr(0, edited[1].rfind(',') + 1) + "123456";  // point 1, replication 0, first metric
    struct Damage {
        std::string name, text, says;
    };
    const std::string in_rows = " of point 1 in " + tmp("dmg") + "/sweep.csv";
    const std::vector<Damage> damages{
        {"cut mid-row", rows.substr(0, rows.size() - 4), " of point 4 in " + tmp("dmg")},
        {"a deleted row", join(deleted), "rows" + in_rows + ", not 4 replications x "},
        {"an edited value", join(edited), " of point 1 in " + tmp("dmg") + "/summary.csv is "},
    };
    for (const Damage& d : damages) {
        INFO(d.name);
        fs::remove_all(tmp("dmg"));
        fs::copy(tmp("s2"), tmp("dmg"), fs::copy_options::recursive);
        std::ofstream(fs::path(tmp("dmg")) / "sweep.csv", std::ios::binary | std::ios::trunc) << d.text;
        // The checksum the shard wrote when it finished no longer matches.
        const auto c = run_cli({"merge", tmp("s1"), tmp("dmg"), tmp("s3"), "--out", tmp("bad"), "-q"});
        CHECK(c.code == 2);
        CHECK(c.err.find("error: " + tmp("dmg") + "/sweep.csv is not the file the shard wrote (its checksum is " +
                         report::content_hash(d.text) + ", checksums.csv says ") == 0);
        CHECK(c.err.find("; the shard is damaged (cut short or edited): run it again\n") != std::string::npos);
        // With its checksum made to match, the rows themselves are still checked.
        const fs::path sums = fs::path(tmp("dmg")) / "checksums.csv";
        std::string list = slurp(sums);
        const auto at = list.find("\nsweep.csv,") + 11;
        list.replace(at, 16, report::content_hash(d.text));
        std::ofstream(sums, std::ios::binary | std::ios::trunc) << list;
        const auto r = run_cli({"merge", tmp("s1"), tmp("dmg"), tmp("s3"), "--out", tmp("bad"), "-q"});
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(r.err.find(d.says) != std::string::npos);
        CHECK(r.err.find("; the shard is damaged (cut short or edited): run it again\n") != std::string::npos);
        CHECK_FALSE(fs::exists(tmp("bad")));
    }
    // A shard without its checksums (removed, or of an earlier version) is refused too.
    fs::remove_all(tmp("dmg"));
    fs::copy(tmp("s2"), tmp("dmg"), fs::copy_options::recursive);
    fs::remove(fs::path(tmp("dmg")) / "checksums.csv");
    const auto r = run_cli({"merge", tmp("s1"), tmp("dmg"), tmp("s3"), "--out", tmp("bad"), "-q"});
    CHECK(r.code == 2);
    CHECK(r.err == "error: " + tmp("dmg") +
                       " has no checksums.csv (an earlier version of caseload wrote it, or it was removed); run that "
                       "shard again\n");
}
