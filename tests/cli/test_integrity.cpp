// What a results folder holds is what was computed, and what is read back
// from one is checked: CSV cells a spreadsheet would evaluate are written as
// text; one replication has no interval (NA); report and --force read only
// regular files of bounded size that caseload wrote, and refuse a scenario
// file changed after the run.

#include "caseload/cli/cli.hpp"
#include "../helpers.hpp"
#include "../process.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <thread>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace caseload;
using test::run_cli;
using test::slurp;

namespace {

struct Scratch {
    Scratch() : root(fs::temp_directory_path() / ("caseload_integrity_" + std::to_string(::getpid()))) {
        fs::remove_all(root);
        fs::create_directories(root);
    }
    ~Scratch() { fs::remove_all(root); }
    [[nodiscard]] fs::path operator()(const std::string& name) const { return root / name; }
    fs::path root;
};

// A small, quick scenario named `name` (YAML-quoted).
std::string small_scenario(const fs::path& dir, const std::string& quoted_name, const std::string& file = "s.yaml") {
    const fs::path p = dir / file;
    std::ofstream(p) << "name: " << quoted_name
                     << "\nhorizon: 2y\nwarmup: 1y\nreplications: 2\nreferrals:\n  rate_per_week: 1\n  types:\n"
                        "    ots: {share: 1, length: {distribution: exponential, mean: 30d}, weight: 1}\n"
                        "workforce: {workers: 2, caseload_norm: 5}\n";
    return p.string();
}

std::vector<std::string> csv_files(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().extension() == ".csv") out.push_back(e.path().string());
    return out;
}

}  // namespace

TEST_CASE("CSV: a name a spreadsheet would evaluate is written as text in every CSV, and read back by report") {
    Scratch tmp;
    const auto a = small_scenario(tmp.root, "\"=1+1\"", "a.yaml");
    const auto b = small_scenario(tmp.root, "\"-2+3\"", "b.yaml");
    const auto r = run_cli({"compare", a, b, "--out", tmp("out").string(), "-q"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    std::size_t holding = 0;
    for (const auto& f : csv_files(tmp("out"))) {
        INFO(f);
        const std::string text = slurp(f);
        // never a field that starts with the formula
        CHECK(text.find(",=1+1") == std::string::npos);
        CHECK(text.find("\n=1+1") == std::string::npos);
        CHECK(text.find(",-2+3") == std::string::npos);
        CHECK(text.find("\n-2+3") == std::string::npos);
        if (text.find("\"'=1+1\"") != std::string::npos) ++holding;
    }
    CHECK(holding >= 5);  // summary, replications, timeseries, checks, comparison, ...
    // numbers keep their sign: a negative difference is a number, not text
    const auto rep = run_cli({"report", tmp("out").string()});
    CHECK_MESSAGE(rep.code == 0, rep.err);
    CHECK(slurp(tmp("out") / "report.md").find("=1+1") != std::string::npos);
    CHECK(slurp(tmp("out") / "report.md").find("'=1+1") == std::string::npos);
}

TEST_CASE("one replication: intervals are NA, and the terminal and the report say there is none") {
    Scratch tmp;
    const auto s = small_scenario(tmp.root, "one");
    const auto r = run_cli({"run", s, "-r", "1", "--out", tmp("out").string()});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.find("one: no interval with 1 replication") != std::string::npos);
    std::istringstream summary(slurp(tmp("out") / "summary.csv"));
    std::string line;
    std::getline(summary, line);
    REQUIRE(line.rfind("metric,mean,ci_low,ci_high,sd,", 0) == 0);
    std::size_t rows = 0;
    while (std::getline(summary, line)) {
        INFO(line);
        // metric,mean,NA,NA,NA,...
        std::vector<std::string> f;
        std::stringstream ls(line);
        for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
        REQUIRE(f.size() >= 5);
        CHECK(f[2] == "NA");
        CHECK(f[3] == "NA");
        CHECK(f[4] == "NA");
        ++rows;
    }
    CHECK(rows > 10);
    CHECK(slurp(tmp("out") / "report.md").find("No interval with 1 replication.") != std::string::npos);
}

TEST_CASE("report: a file of the folder that is not a regular file, or too large, is refused, and so is a changed scenario") {
    Scratch tmp;
    const auto s = small_scenario(tmp.root, "small");
    const fs::path out = tmp("out");
    REQUIRE(run_cli({"run", s, "--out", out.string(), "-q"}).code == 0);
    const std::string meta = slurp(out / "metadata.json");

    SUBCASE("metadata.json a link to /dev/zero") {
        fs::remove(out / "metadata.json");
        fs::create_symlink("/dev/zero", out / "metadata.json");
        const auto r = run_cli({"report", out.string()});
        CHECK(r.code == cli::kExitBadInput);
        CHECK(r.err == "error: " + (out / "metadata.json").string() + " is not a regular file\n");
    }
    SUBCASE("summary.csv a FIFO") {
        fs::remove(out / "summary.csv");
        REQUIRE(::mkfifo((out / "summary.csv").c_str(), 0600) == 0);
        const auto r = run_cli({"report", out.string()});
        CHECK(r.code == cli::kExitBadInput);
        CHECK(r.err == "error: " + (out / "summary.csv").string() + " is not a regular file\n");
    }
    SUBCASE("metadata.json larger than 16 MiB") {
        std::ofstream(out / "metadata.json", std::ios::app) << std::string((16u << 20) + 1, ' ');
        const auto r = run_cli({"report", out.string()});
        CHECK(r.code == cli::kExitBadInput);
        CHECK(r.err == "error: " + (out / "metadata.json").string() + " is larger than 16777216 bytes\n");
    }
    SUBCASE("metadata.json naming a file outside the folder") {
        std::string m = meta;
        const auto at = m.find("\"scenario.yaml\"");
        REQUIRE(at != std::string::npos);
        m.replace(at, 15, "\"../s.yaml\"");
        std::ofstream(out / "metadata.json", std::ios::trunc) << m;
        const auto r = run_cli({"report", out.string()});
        CHECK(r.code == cli::kExitBadInput);
        CHECK(r.err == "error: " + (out / "metadata.json").string() +
                           ": names '../s.yaml', which is not a file inside the results folder\n");
    }
    SUBCASE("scenario.yaml changed after the run") {
        std::ofstream(out / "scenario.yaml", std::ios::app) << "# edited\n";
        const auto r = run_cli({"report", out.string()});
        CHECK(r.code == cli::kExitBadInput);
        CHECK(r.err.find("error: " + (out / "scenario.yaml").string() + " has changed since the run (its hash is ") == 0);
        CHECK(r.err.find("); the report would not describe these results: restore it, or run again\n") !=
              std::string::npos);
    }
}

TEST_CASE("--force replaces only a folder caseload wrote, not any folder holding a file named metadata.json") {
    Scratch tmp;
    const auto s = small_scenario(tmp.root, "small");
    const fs::path theirs = tmp("theirs");
    fs::create_directories(theirs);
    std::ofstream(theirs / "metadata.json") << "{\"mine\": true}\n";
    std::ofstream(theirs / "thesis.tex") << "years of work\n";
    const auto r = run_cli({"run", s, "--out", theirs.string(), "-q", "--force"});
    CHECK(r.code == cli::kExitBadInput);
    CHECK(r.err.find("is not a results folder (no metadata.json of caseload in it)") != std::string::npos);
    CHECK(fs::exists(theirs / "thesis.tex"));
    // a link named metadata.json pointing at caseload's own is not enough either
    fs::remove(theirs / "metadata.json");
    REQUIRE(run_cli({"run", s, "--out", tmp("ours").string(), "-q"}).code == 0);
    fs::create_symlink(tmp("ours") / "metadata.json", theirs / "metadata.json");
    CHECK(run_cli({"run", s, "--out", theirs.string(), "-q", "--force"}).code == cli::kExitBadInput);
    CHECK(fs::exists(theirs / "thesis.tex"));
    // a folder caseload wrote is replaced
    CHECK(run_cli({"run", s, "--out", tmp("ours").string(), "-q", "--force"}).code == 0);
}

TEST_CASE("control characters from YAML escapes reach neither the terminal nor the report raw") {
    Scratch tmp;
    const auto s = small_scenario(tmp.root, "\"red\\e[31mX\\x07\\u202e\"");
    const auto v = test::run_process({"validate", s});
    CHECK(v.exit_code == 0);
    CHECK(v.out == "ok  " + s + " (red\\x1b[31mX\\x07\\u202e)\n");
    const auto r = test::run_process({"run", s, "--out", tmp("out").string()});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("red\\x1b[31mX") != std::string::npos);
    for (const auto* text : {&r.out, &r.err}) {
        CHECK(text->find('\x1b') == std::string::npos);
        CHECK(text->find('\x07') == std::string::npos);
    }
    for (const char* f : {"report.html", "report.md"}) {
        INFO(f);
        const std::string t = slurp(tmp("out") / f);
        CHECK(t.find('\x1b') == std::string::npos);
        CHECK(t.find('\x07') == std::string::npos);
        CHECK(t.find("\xe2\x80\xae") == std::string::npos);
    }
    // an error message naming the scenario is escaped too
    const auto e = test::run_process({"compare", s, s, "-r", "2"});
    CHECK(e.exit_code == cli::kExitBadInput);
    CHECK(e.err.find('\x1b') == std::string::npos);
}

TEST_CASE("validate reads a FIFO once: it neither hangs nor calls it empty") {
    Scratch tmp;
    const std::string text = slurp(small_scenario(tmp.root, "piped"));
    const fs::path fifo = tmp("scenario.fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // The writer opens the FIFO once and writes the scenario once, as a shell's <(...) does.
    std::thread writer([&] { std::ofstream(fifo) << text; });
    const auto r = test::run_process({"validate", fifo.string()}, {}, 30);
    writer.join();
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "ok  " + fifo.string() + " (piped)\n");
    // a compare file through a FIFO: its scenarios are found beside it
    const std::string compare = "compare:\n  baseline: s.yaml\n  scenarios: [s.yaml]\n  replications: 2\n";
    std::thread writer2([&] { std::ofstream(fifo) << compare; });
    const auto c = test::run_process({"validate", fifo.string()}, {}, 30);
    writer2.join();
    CHECK_FALSE(c.timed_out);
    CHECK(c.exit_code == 0);
    CHECK(c.out == "ok  " + fifo.string() + " (compare: 2 scenarios)\n");
}

TEST_CASE("a sweep whose results cannot be written keeps its points and prints the exact --resume command") {
    Scratch tmp;
    const std::string sweep = std::string(CASELOAD_TEST_DATA) + "/sweep_small.yaml";
    const fs::path out = tmp("out");
    // Each point's rows fit under 4 MiB; sweep.csv, all of them, does not: a disk that fills at the end.
    test::ProcessOptions full;
    full.file_size_limit = rlim_t{4} << 20;
    const auto r = test::run_process({"sweep", sweep, "-r", "1500", "-t", "2", "-q", "--out", out.string()}, full);
    INFO(r.err);
    CHECK(r.exit_code == cli::kExitFailed);
    const fs::path staging = tmp(".out.sweep-partial");
    const std::string resume = "caseload sweep " + sweep + " --out " + out.string() +
                               " --replications 1500 --threads 2 --resume";
    CHECK(r.err.find("6 of 6 points are kept in " + staging.string() +
                     "; once the cause is fixed, this continues the sweep (only the missing points run):\n  " +
                     resume + "\n") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    CHECK(fs::exists(staging / "points" / "5.csv"));
    const auto again = test::run_process({"sweep", sweep, "--out", out.string(), "--replications", "1500", "--threads",
                                          "2", "--resume", "-q"});
    CHECK(again.exit_code == 0);
    REQUIRE(run_cli({"sweep", sweep, "-r", "1500", "-t", "2", "-q", "--out", tmp("whole").string()}).code == 0);
    for (const char* f : {"sweep.csv", "summary.csv", "sensitivity.csv"}) {
        INFO(f);
        CHECK(slurp(out / f) == slurp(tmp("whole") / f));
    }
}
