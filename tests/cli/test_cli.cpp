#include "caseload/cli/cli.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using caseload::cli::run;

namespace {

struct Result {
    int code;
    std::string out, err;
};

Result cli(std::vector<std::string> args) {
    args.insert(args.begin(), "caseload");
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = run(int(argv.size()), argv.data(), {out, err, false});
    return {code, out.str(), err.str()};
}

const std::string kScenarios = std::string(CASELOAD_SOURCE_DIR) + "/scenarios/";

fs::path tmp(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("caseload_cli_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    return p;
}

}  // namespace

TEST_CASE("cli: help and unknown commands") {
    auto r = cli({"--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("compare") != std::string::npos);
    r = cli({"compre"});
    CHECK(r.code == 2);
    CHECK(r.err.find("did you mean 'compare'") != std::string::npos);
    r = cli({"run", "--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("--replications") != std::string::npos);
    r = cli({"run", "--bogus", "x.yaml"});
    CHECK(r.code == 2);
    r = cli({});
    CHECK(r.code == 2);
}

TEST_CASE("cli: validate") {
    auto r = cli({"validate", kScenarios + "baseline.yaml", kScenarios + "caseload10.yaml"});
    CHECK(r.code == 0);
    CHECK(r.out.find("ok") != std::string::npos);
    const fs::path bad = tmp("bad") += ".yaml";
    std::ofstream(bad) << "name: x\nhorizon: 10y\nworkforce: {workers: 3, caseload_nrom: 4}\n";
    r = cli({"validate", bad.string()});
    CHECK(r.code == 2);
    CHECK(r.err.find(bad.string() + ":3:25:") != std::string::npos);
    CHECK(r.err.find("did you mean 'caseload_norm'") != std::string::npos);
    fs::remove(bad);
}

TEST_CASE("cli: run writes a results folder and refuses to overwrite it") {
    const fs::path out = tmp("run");
    auto r = cli({"run", kScenarios + "baseline.yaml", "-r", "3", "--out", out.string(), "--quiet"});
    REQUIRE(r.code == 0);
    for (const char* f : {"summary.csv", "replications.csv", "timeseries.csv", "scenario.yaml", "metadata.json"})
        CHECK(fs::exists(out / f));
    CHECK(r.out.find("Waitlist, average") != std::string::npos);
    const auto stamp = fs::last_write_time(out / "summary.csv");
    r = cli({"run", kScenarios + "baseline.yaml", "-r", "3", "--out", out.string(), "--quiet"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--force") != std::string::npos);
    CHECK(fs::last_write_time(out / "summary.csv") == stamp);
    fs::remove_all(out);
}

TEST_CASE("cli: compare two files, paired, with a verdict, bad input creates no folder") {
    const fs::path out = tmp("compare");
    auto r = cli({"compare", kScenarios + "baseline.yaml", kScenarios + "caseload10.yaml", "-r", "4", "--out",
                  out.string(), "--quiet"});
    REQUIRE(r.code == 0);
    CHECK(fs::exists(out / "comparison.csv"));
    CHECK(fs::exists(out / "comparison.md"));
    CHECK(r.out.find("verdict") != std::string::npos);
    CHECK(r.out.find("worse") != std::string::npos);
    fs::remove_all(out);

    const fs::path out2 = tmp("compare_bad");
    r = cli({"compare", kScenarios + "baseline.yaml", "missing.yaml", "--out", out2.string()});
    CHECK(r.code == 2);
    CHECK_FALSE(fs::exists(out2));
}

TEST_CASE("cli: the seed on the command line changes results, the same seed repeats them") {
    const fs::path a = tmp("seed_a"), b = tmp("seed_b"), c = tmp("seed_c");
    const std::string f = kScenarios + "caseload10.yaml";
    REQUIRE(cli({"run", f, "-r", "2", "-s", "1", "--out", a.string(), "-q"}).code == 0);
    REQUIRE(cli({"run", f, "-r", "2", "-s", "1", "-t", "1", "--out", b.string(), "-q"}).code == 0);
    REQUIRE(cli({"run", f, "-r", "2", "-s", "2", "--out", c.string(), "-q"}).code == 0);
    auto slurp = [](const fs::path& p) {
        std::ifstream in(p);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    CHECK(slurp(a / "replications.csv") == slurp(b / "replications.csv"));
    CHECK(slurp(a / "replications.csv") != slurp(c / "replications.csv"));
    for (const auto& p : {a, b, c}) fs::remove_all(p);
}

TEST_CASE("cli: trace prints every event as CSV") {
    auto r = cli({"trace", kScenarios + "baseline.yaml", "--replication", "1"});
    CHECK(r.code == 0);
    CHECK(r.out.rfind("day,event,family,worker,waitlist,with_worker,closed\n", 0) == 0);
    CHECK(r.out.find(",referral,") != std::string::npos);
    CHECK(r.out.find(",closure,") != std::string::npos);
}

TEST_CASE("cli: numbers on the command line are parsed strictly, before anything runs") {
    const std::string base = kScenarios + "baseline.yaml";
    const std::string sweep = std::string(CASELOAD_SOURCE_DIR) + "/tests/data/sweep_small.yaml";
    const fs::path out = tmp("strict");
    const std::string seed = "--seed must be a whole number between 0 and 9223372036854775807, not ";
    const std::string reps = "--replications must be a whole number between 1 and 1000000, not ";
    const std::string threads = "--threads must be a whole number between 0 and 1024, not ";
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases{
        {{"run", base, "--seed=-5"}, seed + "'-5'"},
        {{"run", base, "--seed", "18446744073709551611"}, seed + "'18446744073709551611'"},
        {{"run", base, "--seed", "+5"}, seed + "'+5'"},
        {{"run", base, "--seed", "5x"}, seed + "'5x'"},
        {{"run", base, "--threads=-1"}, threads + "'-1'"},
        {{"run", base, "--threads", "4294967295"}, threads + "'4294967295'"},
        {{"run", base, "--replications", "1e3"}, reps + "'1e3'"},
        {{"run", base, "--replications", "0"}, reps + "'0'"},
        {{"run", base, "-r", " 5"}, reps + "' 5'"},
        {{"compare", base, base, "--seed=-1"}, seed + "'-1'"},
        {{"sweep", sweep, "--seed=-5"}, seed + "'-5'"},
        {{"sweep", sweep, "--threads", "2.5"}, threads + "'2.5'"},
        {{"trace", base, "--seed=-5"}, seed + "'-5'"},
        {{"trace", base, "--replication=-1"}, "--replication must be a whole number between 0 and 999999, not '-1'"},
        {{"solve", base, "--from", "0", "--to", "1e2", "--at-most", "5"},
         "--to must be a whole number between -1000000000000 and 1000000000000, not '1e2'"},
        {{"solve", base, "--from", "0", "--to", "2", "--at-most", "5", "--seed=-5"}, seed + "'-5'"},
        {{"solve", base, "--from", "0", "--to", "2", "--at-most", "nan"},
         "--at-most must be a finite number or a scenario file, not 'nan'"},
        {{"solve", base, "--from", "0", "--to", "2", "--at-least", "inf"},
         "--at-least must be a finite number or a scenario file, not 'inf'"},
        {{"solve", base, "--from", "0", "--to", "2", "--at-least", "1e999"},
         "--at-least must be a finite number or a scenario file, not '1e999'"},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args = c.args;
        args.insert(args.end(), {"--out", out.string(), "-q"});
        if (args[0] == "trace" || args[0] == "solve") args.resize(args.size() - 3);  // no --out
        const Result r = cli(args);
        INFO(args[0], " ", args[args.size() - 1], ": ", r.err);
        CHECK(r.code == 2);
        CHECK(r.err.rfind("error: " + c.says + "\n", 0) == 0);
        CHECK(r.out.empty());
        CHECK_FALSE(fs::exists(out));
    }
}

TEST_CASE("cli: an empirical CSV saved with a UTF-8 byte order mark is read as without one") {
    const fs::path dir = tmp("bom");
    fs::create_directories(dir);
    std::ofstream(dir / "lengths.csv") << "\xEF\xBB\xBF" "days\r\n100\r\n200\r\n";
    std::ofstream(dir / "s.yaml")
        << "name: bom\nhorizon: 2y\nwarmup: 1y\nreplications: 2\nreferrals:\n  rate_per_week: 3\n  types:\n"
           "    ots: {share: 1, length: {distribution: empirical, csv: lengths.csv, column: days}, weight: 1}\n"
           "workforce: {workers: 10, caseload_norm: 14}\n";
    const Result r = cli({"validate", (dir / "s.yaml").string()});
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(r.out == "ok  " + (dir / "s.yaml").string() + " (bom)\n");
    fs::remove_all(dir);
}

TEST_CASE("cli: one compare with two scenarios of the same name is refused, before anything runs") {
    const fs::path out = tmp("same_names");
    const Result r = cli({"compare", kScenarios + "baseline.yaml", kScenarios + "caseload10.yaml",
                          kScenarios + "baseline.yaml", "--out", out.string(), "-q"});
    CHECK(r.code == 2);
    CHECK(r.err.rfind("error: scenarios 1 and 3 are both named '", 0) == 0);
    CHECK(r.err.find("'; the rows of a comparison are told apart by name: give each scenario its own 'name'\n") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(out));
}
