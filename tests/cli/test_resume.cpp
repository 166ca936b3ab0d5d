// run and compare stopped part-way (Ctrl-C, SIGTERM) keep the replications
// they finished; --resume runs the rest and writes what a run that was never
// stopped writes, and refuses replications of another run.

#include "caseload/cli/cli.hpp"
#include "caseload/experiment/run_checks.hpp"
#include "caseload/report/output.hpp"
#include "caseload/report/run_resume.hpp"
#include "caseload/scenario/loader.hpp"

#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
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

// The baseline run whole into tmp("whole"), then the same run into
// tmp("stopped") stopped once `after` replications are saved.
struct StoppedRun {
    fs::path out, staging, journal;
    std::vector<std::string> args;  // of the stopped run, without --resume
};
StoppedRun whole_and_stopped(Scratch& tmp, std::size_t after) {
    REQUIRE(run_cli({"run", kBaseline, "-r", "8", "-s", "7", "-t", "1", "--out", tmp("whole"), "-q"}).code == 0);
    StoppedRun s;
    s.out = tmp("stopped");
    s.args = {"run", kBaseline, "-r", "8", "-s", "7", "-t", "1", "--out", s.out.string()};
    REQUIRE(run_stopped(s.args, s.out, after).code == cli::kExitInterrupted);
    s.staging = report::run_staging(s.out);
    s.journal = s.staging / "journal";
    return s;
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

// Every field of two replications, bit for bit.
bool same_bits(const model::ReplicationResult& a, const model::ReplicationResult& b) {
    return a.replication == b.replication && a.hit_waitlist_bound == b.hit_waitlist_bound && a.events == b.events &&
           test::identical(a.metrics, b.metrics) && test::identical(a.helped_within_weeks, b.helped_within_weeks) &&
           std::bit_cast<std::uint64_t>(a.ended_at_day) == std::bit_cast<std::uint64_t>(b.ended_at_day) &&
           a.weekly.size() == b.weekly.size() && a.periods.size() == b.periods.size() &&
           (a.weekly.empty() || std::memcmp(a.weekly.data(), b.weekly.data(), a.weekly.size() * sizeof a.weekly[0]) == 0) &&
           (a.periods.empty() ||
            std::memcmp(a.periods.data(), b.periods.data(), a.periods.size() * sizeof a.periods[0]) == 0);
}

// Doubles a journal must keep as they are: NaNs with payloads (quiet and
// signalling, either sign), zeros of both signs, infinities, the smallest
// denormal, and a value that is not a short decimal.
const std::vector<double> kOddValues = {
    std::bit_cast<double>(std::uint64_t{0x7ff8000000000000}), std::bit_cast<double>(std::uint64_t{0x7ff80000deadbeef}),
    std::bit_cast<double>(std::uint64_t{0xfff8000000000001}), std::bit_cast<double>(std::uint64_t{0x7ff0000000000001}),
    0.0, -0.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
    std::numeric_limits<double>::denorm_min(), 0.1 + 0.2};

// A replication of random bits: odd values, any 64 bits, small whole
// numbers; each weekly field keeps its previous value half of the time.
model::ReplicationResult random_result(std::mt19937_64& rng, std::size_t weeks, std::size_t periods) {
    auto value = [&rng]() -> double {
        switch (rng() % 4) {
            case 0: return kOddValues[rng() % kOddValues.size()];
            case 1: return std::bit_cast<double>(std::uint64_t(rng()));
            default: return double(rng() % 100);
        }
    };
    model::ReplicationResult r;
    r.replication = std::uint32_t(rng());
    r.hit_waitlist_bound = rng() % 2 == 1;
    r.events = rng();
    r.ended_at_day = value();
    for (double& v : r.metrics) v = value();
    for (double& v : r.helped_within_weeks) v = value();
    r.periods.resize(periods);
    for (auto& p : r.periods) {
        p.start_day = value();
        p.end_day = value();
        for (double& v : p.values) v = value();
    }
    model::WeeklySample last;
    for (std::size_t i = 0; i < weeks; ++i) {
        model::WeeklySample w = last;
        for (double* f : {&w.day, &w.waitlist, &w.load_per_fte, &w.fte_in_post, &w.vacancies, &w.absent_fte,
                          &w.turnover, &w.absenteeism})
            if (rng() % 2 == 0) *f = value();
        r.weekly.push_back(w);
        last = w;
    }
    return r;
}

template <class T>
void put_bytes(std::string& out, const T& v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
}

// A journal record as earlier versions wrote it: magic 'CLR1', the scenario
// index, the payload's size, a 64-bit FNV-1a checksum of the scenario index
// and the payload; then the payload.
std::string v1_record(std::uint32_t scenario, const std::string& payload) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto fnv = [&h](const void* data, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            h ^= static_cast<const unsigned char*>(data)[i];
            h *= 0x100000001b3ULL;
        }
    };
    fnv(&scenario, sizeof scenario);
    fnv(payload.data(), payload.size());
    std::string record = "CLR1";
    put_bytes(record, scenario);
    put_bytes(record, std::uint64_t(payload.size()));
    put_bytes(record, h);
    return record + payload;
}

// The payload of a 'CLR1' record: as now up to the weekly series, then the
// number of samples and every sample in full.
std::string v1_payload(const model::ReplicationResult& r) {
    std::string p;
    put_bytes(p, std::uint32_t(model::kMetricCount));
    put_bytes(p, std::uint32_t(model::kHelpedWeeks));
    put_bytes(p, r.replication);
    put_bytes(p, std::uint32_t(r.hit_waitlist_bound ? 1 : 0));
    for (const double v : r.metrics) put_bytes(p, v);
    for (const double v : r.helped_within_weeks) put_bytes(p, v);
    put_bytes(p, r.ended_at_day);
    put_bytes(p, r.events);
    put_bytes(p, std::uint32_t(model::kPeriodMetricCount));
    put_bytes(p, std::uint32_t(r.periods.size()));
    for (const auto& x : r.periods) {
        put_bytes(p, x.start_day);
        put_bytes(p, x.end_day);
        for (const double v : x.values) put_bytes(p, v);
    }
    put_bytes(p, std::uint64_t(r.weekly.size()));
    for (const auto& w : r.weekly)
        for (const double v : {w.day, w.waitlist, w.load_per_fte, w.fte_in_post, w.vacancies, w.absent_fte, w.turnover,
                               w.absenteeism})
            put_bytes(p, v);
    return p;
}

struct Record {
    std::string magic;
    std::uint32_t scenario = 0;
    std::string payload;
    std::string bytes;  // the whole record
};

// The records of a journal (24-byte headers; the checksums are not checked here).
std::vector<Record> journal_records(const std::string& journal) {
    std::vector<Record> records;
    for (std::size_t at = 0; at + 24 <= journal.size();) {
        Record r;
        r.magic = journal.substr(at, 4);
        std::uint64_t bytes = 0;
        std::memcpy(&r.scenario, journal.data() + at + 4, 4);
        std::memcpy(&bytes, journal.data() + at + 8, 8);
        if (bytes > journal.size() - at - 24) break;
        r.payload = journal.substr(at + 24, std::size_t(bytes));
        r.bytes = journal.substr(at, 24 + std::size_t(bytes));
        records.push_back(r);
        at += 24 + std::size_t(bytes);
    }
    return records;
}

void write_bytes(const fs::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

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

TEST_CASE("resume: into a folder whose run finished says there is nothing to resume and leaves it as it was") {
    Scratch tmp;
    const std::string out = tmp("finished");
    const auto first = run_cli({"run", kBaseline, "-r", "2", "--out", out, "-q"});
    REQUIRE_MESSAGE(first.code == 0, first.err);
    const std::string csv = slurp(out + "/replications.csv");
    const std::string meta = slurp(out + "/metadata.json");  // wall_seconds differs from run to run

    const std::string plan = std::string(CASELOAD_SOURCE_DIR) + "/scenarios/caseload10.yaml";
    for (const std::vector<std::string>& files : {std::vector<std::string>{"run", kBaseline},
                                                  std::vector<std::string>{"compare", kBaseline, plan}}) {
        std::vector<std::string> args = files;
        args.insert(args.end(), {"-r", "2", "--out", out, "--resume", "-q"});
        const auto again = run_cli(args);
        CHECK(again.code == cli::kExitBadInput);
        CHECK(again.err.find("holds a finished run, not a stopped one: there is nothing to resume") != std::string::npos);
        CHECK(again.err.find("add --force instead of --resume") != std::string::npos);
    }
    CHECK(slurp(out + "/metadata.json") == meta);
    CHECK_FALSE(fs::exists(report::run_staging(out)));

    // a folder that does not exist yet: --resume starts the run
    const std::string fresh = tmp("fresh");
    const auto start = run_cli({"run", kBaseline, "-r", "2", "--out", fresh, "--resume", "-q"});
    CHECK_MESSAGE(start.code == 0, start.err);
    CHECK(slurp(fresh + "/replications.csv") == csv);

    // a folder of something else is not called a finished run: it is in the way
    const std::string other = tmp("other");
    fs::create_directories(other);
    std::ofstream(other + "/notes.txt") << "mine\n";
    const auto in_the_way = run_cli({"run", kBaseline, "-r", "2", "--out", other, "--resume", "-q"});
    CHECK(in_the_way.code == cli::kExitBadInput);
    CHECK(in_the_way.err.find("exists already") != std::string::npos);
    CHECK(in_the_way.err.find("finished run") == std::string::npos);
    CHECK(slurp(other + "/notes.txt") == "mine\n");
}

TEST_CASE("resume: a run started over a finished one with --force, stopped, is resumed over it") {
    Scratch tmp;
    const std::string out = tmp("replaced");
    const auto first = run_cli({"run", kBaseline, "-r", "2", "-s", "5", "--out", out, "-q"});
    REQUIRE_MESSAGE(first.code == 0, first.err);
    const std::string old_csv = slurp(out + "/replications.csv");

    std::atomic<bool> stop{true};
    std::ostringstream o, e;
    const char* argv[] = {"caseload", "run", kBaseline.c_str(), "-r", "4", "-s", "3", "--out", out.c_str(), "--force", "-q"};
    REQUIRE(cli::run(11, argv, {o, e, false, &stop}) == cli::kExitInterrupted);
    REQUIRE(fs::exists(report::run_staging(out)));
    CHECK(slurp(out + "/replications.csv") == old_csv);  // the finished run stays until the new one is complete

    const auto resumed = run_cli({"run", kBaseline, "-r", "4", "-s", "3", "--out", out, "--resume", "-q"});
    REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
    CHECK_FALSE(fs::exists(report::run_staging(out)));
    const std::string whole = tmp("whole");
    REQUIRE(run_cli({"run", kBaseline, "-r", "4", "-s", "3", "--out", whole, "-q"}).code == 0);
    CHECK(slurp(out + "/replications.csv") == slurp(whole + "/replications.csv"));
    CHECK(slurp(out + "/replications.csv") != old_csv);
}

TEST_CASE("resume: replications kept by a caseload of another results version are refused, not mixed") {
    Scratch tmp;
    const std::string out = tmp("stopped");
    std::atomic<bool> stop{true};
    std::ostringstream o, e;
    const char* argv[] = {"caseload", "run", kBaseline.c_str(), "-r", "4", "-s", "3", "--out", out.c_str(), "-q"};
    REQUIRE(cli::run(10, argv, {o, e, false, &stop}) == cli::kExitInterrupted);
    // The manifest of a run a caseload of the next results version stopped.
    const fs::path manifest = report::run_staging(out) / "manifest.txt";
    std::string kept;
    std::istringstream in(slurp(manifest));
    for (std::string line; std::getline(in, line);)
        if (!line.starts_with("results ")) kept += line + "\n";
    const std::string other = std::to_string(model::kResultsVersion + 1);
    write_bytes(manifest, kept + "results " + other + "\n");

    const auto resumed = run_cli({"run", kBaseline, "-r", "4", "-s", "3", "--out", out, "--resume", "-q"});
    CHECK(resumed.code == cli::kExitBadInput);
    CHECK(resumed.err.find("results version " + other + " of caseload, and this caseload's results are version " +
                           std::to_string(model::kResultsVersion)) != std::string::npos);
    CHECK(resumed.err.find("--force") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    const auto over = run_cli({"run", kBaseline, "-r", "4", "-s", "3", "--out", out, "--force", "-q"});
    REQUIRE_MESSAGE(over.code == 0, over.err);
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
    const auto [out, staging, journal, args] = whole_and_stopped(tmp, 2);
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

TEST_CASE("resume: kept replications are read back one at a time from the journal, checked again as they are") {
    Scratch tmp;
    const auto [out, staging, journal, args] = whole_and_stopped(tmp, 3);
    auto sc = scenario::load_scenario(kBaseline);
    experiment::apply_overrides(sc, 8, 7);
    report::SavedReplications saved(out, {sc}, {scenario::to_yaml(sc)}, report::SavedReplications::Mode::resume);
    REQUIRE(saved.resuming());
    REQUIRE(saved.count() >= 3);
    REQUIRE(saved.done().size() == 1);
    std::size_t done = 0;
    for (std::uint32_t r = 0; r < 8; ++r) {
        if (!saved.done()[0][r]) {
            CHECK_THROWS_AS((void)saved.load(0, r), std::logic_error);
            continue;
        }
        ++done;
        CHECK(same_bits(saved.load(0, r), model::simulate(sc, r)));
    }
    CHECK(done == saved.count());
    // A byte of a kept record changed after the run opened the journal.
    const auto records = journal_records(slurp(journal));
    REQUIRE(records.size() >= 3);
    std::uint32_t first = 0, second = 0;  // after the payload's two counts, its replication index
    std::memcpy(&first, records[0].payload.data() + 8, 4);
    std::memcpy(&second, records[1].payload.data() + 8, 4);
    REQUIRE(first != second);
    {
        std::fstream f(journal, std::ios::in | std::ios::out | std::ios::binary);
        const std::streamoff at = std::streamoff(records[0].bytes.size() + 24 + 40);
        f.seekg(at);
        char c = 0;
        f.read(&c, 1);
        c = char(c ^ 0x10);
        f.seekp(at);
        f.write(&c, 1);
    }
    CHECK_THROWS_WITH_AS((void)saved.load(0, second), doctest::Contains("cannot read back replication"),
                         report::OutputError);
    CHECK(same_bits(saved.load(0, first), model::simulate(sc, first)));  // the others are read as before
    saved.keep();
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

TEST_CASE("resume: the journal payload keeps random replications bit for bit: NaN payloads, -0.0, infinities, no week, one week") {
    std::mt19937_64 rng(20240611);
    for (const std::size_t weeks : {0, 1, 2, 7, 300}) {
        for (const std::size_t periods : {0, 1, 3}) {
            for (int round = 0; round < 4; ++round) {
                INFO("weeks " << weeks << ", periods " << periods << ", round " << round);
                const auto r = random_result(rng, weeks, periods);
                const std::string bytes = report::replication_bytes(r);
                const auto back = report::parse_replication_bytes(bytes);
                REQUIRE(back);
                CHECK(same_bits(*back, r));
                CHECK(report::replication_bytes(*back) == bytes);
            }
        }
    }
    // Changes that compare equal as doubles (0.0 to -0.0) or unequal though
    // the bits are the same (a NaN kept) are kept as bits; so is a NaN's payload.
    model::ReplicationResult r;
    for (const double v : kOddValues)
        for (const double u : kOddValues) {
            model::WeeklySample w;
            w.day = v;
            w.waitlist = u;
            w.turnover = std::bit_cast<double>(std::bit_cast<std::uint64_t>(v) ^ 1U);
            w.absenteeism = -u;
            r.weekly.push_back(w);
        }
    const auto back = report::parse_replication_bytes(report::replication_bytes(r));
    REQUIRE(back);
    CHECK(same_bits(*back, r));
}

TEST_CASE("resume: the journal payload keeps a weekly field that holds still in one byte a week") {
    model::ReplicationResult r;
    r.metrics[0] = 1.5;
    const std::size_t empty = report::replication_bytes(r).size();
    model::WeeklySample w{7, 2, 13.5, 25, 0.5, 1, std::numeric_limits<double>::quiet_NaN(), -0.0};
    r.weekly.assign(100, w);
    // The first sample's fields all differ from zero bits (-0.0 too): a byte and 8 x 8; then a byte a sample.
    CHECK(report::replication_bytes(r).size() == empty + 100 + 64);
    r.weekly[50].day = 7.5;  // one field of one sample, and back in the next
    CHECK(report::replication_bytes(r).size() == empty + 100 + 64 + 2 * 8);
    // A simulated replication: fewer bytes than its samples in full.
    const auto sim = model::simulate(test::mmc(2, 2, 0.9, 10, 400, 50, 1, 3), 1);
    REQUIRE(sim.weekly.size() > 50);
    CHECK(report::replication_bytes(sim).size() < empty + sim.weekly.size() * sizeof(model::WeeklySample) / 2);
}

TEST_CASE("resume: a journal payload with more weeks than the longest horizon has is refused, not allocated") {
    model::ReplicationResult r;
    const model::WeeklySample w{7, 2, 13.5, 25, 0.5, 1, 0, 0};
    const auto most = std::size_t(scenario::kMaxHorizonYears * scenario::kDaysPerYear / 7.0);
    r.weekly.assign(most, w);  // a byte a week after the first: small, however many weeks
    const auto back = report::parse_replication_bytes(report::replication_bytes(r));
    REQUIRE(back);
    CHECK(back->weekly.size() == most);
    r.weekly.assign(most + 100, w);
    CHECK_FALSE(report::parse_replication_bytes(report::replication_bytes(r)));
}

TEST_CASE("resume: a journal payload cut short at any byte, with a byte more or inconsistent is refused") {
    std::mt19937_64 rng(7);
    const auto small = random_result(rng, 3, 1);
    const std::string bytes = report::replication_bytes(small);
    REQUIRE(report::parse_replication_bytes(bytes));
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        INFO("cut at " << cut << " of " << bytes.size());
        CHECK_FALSE(report::parse_replication_bytes(std::string_view(bytes).substr(0, cut)));
    }
    CHECK_FALSE(report::parse_replication_bytes(bytes + '\0'));

    // Two equal samples, every field set: the series ends with the fields'
    // count (4 bytes), the samples' count (8), a byte and 8 x 8 bytes, a byte.
    model::ReplicationResult r;
    r.weekly.assign(2, model::WeeklySample{7, 2, 13.5, 25, 0.5, 1, 0.25, 0.04});
    const std::string two = report::replication_bytes(r);
    const std::size_t fields_at = two.size() - 66 - 12, weeks_at = two.size() - 66 - 8;
    auto with = [&two](std::size_t at, auto v) {
        std::string b = two;
        std::memcpy(b.data() + at, &v, sizeof v);
        return b;
    };
    REQUIRE(report::parse_replication_bytes(two));
    CHECK_FALSE(report::parse_replication_bytes(with(fields_at, std::uint32_t(9))));
    CHECK_FALSE(report::parse_replication_bytes(with(weeks_at, std::uint64_t(3))));  // runs short
    CHECK_FALSE(report::parse_replication_bytes(with(weeks_at, std::uint64_t(1))));  // a byte left over
    CHECK_FALSE(report::parse_replication_bytes(with(weeks_at, ~std::uint64_t(0))));
    // The last sample says its day changed: refused when the bits are the same, read when they differ.
    std::string same = two;
    same.back() = 1;
    put_bytes(same, 7.0);
    CHECK_FALSE(report::parse_replication_bytes(same));
    std::string other = two;
    other.back() = 1;
    put_bytes(other, 8.0);
    const auto read = report::parse_replication_bytes(other);
    REQUIRE(read);
    CHECK(read->weekly[1].day == 8.0);
    CHECK(read->weekly[1].waitlist == 2.0);

    // Any byte of a record changed: refused, or read as a replication that
    // writes exactly those bytes (the payload of a replication is one string).
    std::size_t read_back = 0, refused = 0;
    for (std::size_t at = 0; at < bytes.size(); ++at)
        for (const unsigned flip : {0x01U, 0x80U, 0xffU}) {
            std::string b = bytes;
            b[at] = char(static_cast<unsigned char>(b[at]) ^ flip);
            const auto x = report::parse_replication_bytes(b);
            if (!x) {
                ++refused;
                continue;
            }
            ++read_back;
            INFO("byte " << at << " ^ " << flip);
            CHECK(report::replication_bytes(*x) == b);
        }
    CHECK(read_back > 0);  // values: any bits are a value
    CHECK(refused > 0);    // counts and change bits
}

TEST_CASE("resume: a journal an earlier version wrote (CLR1 records) is continued, with its checksums checked") {
    Scratch tmp;
    const auto [out, staging, journal, args] = whole_and_stopped(tmp, 3);
    const auto records = journal_records(slurp(journal));
    REQUIRE(records.size() >= 3);
    REQUIRE(report::count_kept(staging) == records.size());
    for (const auto& r : records) CHECK(r.magic == "CLR2");

    // The journal of a run an earlier version stopped, continued by this
    // one: records of the earlier version, then one of this version.
    std::string mixed;
    for (std::size_t i = 0; i + 1 < records.size(); ++i) {
        const auto r = report::parse_replication_bytes(records[i].payload);
        REQUIRE(r);
        mixed += v1_record(records[i].scenario, v1_payload(*r));
    }
    mixed += records.back().bytes;
    write_bytes(journal, mixed);
    CHECK(report::count_kept(staging) == records.size());

    // One changed byte in the first record's values: its FNV-1a checksum
    // fails, and nothing from there on is used.
    std::string damaged = mixed;
    damaged[24 + 40] = char(damaged[24 + 40] ^ 0x10);
    write_bytes(journal, damaged);
    CHECK(report::count_kept(staging) == 0);
    // A payload of this version behind an earlier version's header (its
    // checksum right) is not read: the layout goes with the magic.
    write_bytes(journal, v1_record(records[0].scenario, records[0].payload) + mixed);
    CHECK(report::count_kept(staging) == 0);

    write_bytes(journal, mixed);
    std::vector<std::string> again = args;
    again.push_back("--resume");
    const auto resumed = run_cli(again);
    REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
    CHECK(resumed.err.find("resuming, " + std::to_string(records.size()) + " replications done already") !=
          std::string::npos);
    CHECK(resumed.err.find("warning") == std::string::npos);
    check_same(tmp("whole"), out, kRunFiles);
}
