// Answers people can act on (issue 13): what each scenario changes, named on
// every scenario line; one language switch for the terminal, comparison.md,
// the report and the warnings; verdicts with a practical size in every output.

#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "../helpers.hpp"
#include "report/report_text.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <fstream>
#include <string>
#include <utility>
#include <vector>
#include <unistd.h>

using namespace caseload;
namespace fs = std::filesystem;

namespace {

const std::string kScenarios = std::string(CASELOAD_SOURCE_DIR) + "/scenarios/";

fs::path tmp(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("caseload_answers_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    return p;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("what changed: every scenario line lists its interventions and the keys that differ from the baseline") {
    const fs::path root = tmp("changes");
    fs::create_directories(root);
    std::ofstream(root / "plan.yaml") << "extends: " << kScenarios << "baseline.yaml\nname: plan\n"
                                      << "workforce: {caseload_norm: 12}\n"
                                      << "interventions:\n  - {type: extra_workers, at: 2y, fte: 12}\n";
    const auto r = test::run_cli({"compare", kScenarios + "baseline.yaml", (root / "plan.yaml").string(), "-r", "2",
                                  "--out", (root / "out").string(), "-q"});
    REQUIRE(r.code == 0);
    const std::string md = test::slurp(root / "out" / "comparison.md");
    const std::string html = test::slurp(root / "out" / "report.html");
    const std::string rmd = test::slurp(root / "out" / "report.md");
    for (const std::string* text : {&r.out, &md, &html, &rmd}) {
        CHECK(has(*text, "+12 FTE from year 2"));
        CHECK(has(*text, "caseload norm 12 (baseline 14)"));
    }
    CHECK(has(html, "Interventions and changes"));
    CHECK(has(rmd, "Interventions and changes"));
    fs::remove_all(root);
}

TEST_CASE("what changed: a compare from a start state names the state file, not a head count, Dutch everywhere") {
    const fs::path out = tmp("from_state");
    const auto r = test::run_cli(
        {"compare", kScenarios + "compare_plans.yaml", "-r", "2", "--out", out.string(), "-q", "--lang", "nl"});
    REQUIRE(r.code == 0);
    const std::string md = test::slurp(out / "comparison.md");
    const std::string html = test::slurp(out / "report.html");
    const std::string rmd = test::slurp(out / "report.md");
    for (const std::string* text : {&r.out, &md, &html, &rmd}) {
        CHECK(has(*text, "states/region"));  // Markdown escapes the underscores of the rest
        CHECK(has(*text, "pressure.yaml"));
        CHECK_FALSE(has(*text, "114 workers"));
        CHECK_FALSE(has(*text, "114 medewerkers"));
        CHECK(has(*text, "+11 fte vanaf 2027-01-01"));  // verbeterplan_2021's extra workers, on the start date
    }
    // The terminal and comparison.md speak Dutch: labels in words, verdicts, money, percentage points.
    for (const std::string* text : {&r.out, &md}) {
        CHECK(has(*text, "Wachtlijst, gemiddeld"));
        CHECK_FALSE(has(*text, "waitlist_mean"));
        CHECK(has(*text, "oordeel"));
        CHECK(has(*text, "slechter"));
        CHECK(has(*text, "€\u00a0"));
        CHECK(has(*text, "procentpunt"));
        CHECK_FALSE(has(*text, " vs "));
    }
    CHECK(has(md, "## Zo leest u dit"));
    // The CSV files stay English.
    CHECK(has(test::slurp(out / "comparison.csv"), ",verdict,relevant\n"));
    CHECK_FALSE(has(test::slurp(out / "comparison.csv"), "slechter"));
    fs::remove_all(out);
}

TEST_CASE("verdicts: the terminal, comparison.md and the report say the verdict of comparison.csv") {
    const fs::path out = tmp("verdicts");
    const auto r = test::run_cli({"compare", kScenarios + "baseline.yaml", kScenarios + "extra_workers.yaml", "-r", "4",
                                  "--out", out.string(), "-q"});
    REQUIRE(r.code == 0);
    const auto data = report::read_results(out);
    REQUIRE(data.comparisons.size() == 1);
    const std::string md = test::slurp(out / "comparison.md");
    int negligible = 0;
    for (const auto& row : data.comparisons[0].rows) {
        if (row.verdict == experiment::Verdict::negligible) ++negligible;
        if (row.verdict == experiment::Verdict::not_rated) continue;
        INFO(row.metric);
        const std::string word = experiment::to_string(row.verdict);
        // comparison.md: the verdict first in the row of the measure.
        CHECK(has(md, "| " + word + " | " + report::markdown_escape(report::detail::metric_label(row.metric, report::Language::en))));
    }
    CHECK(negligible > 0);
    // "In short" names headline measures with intervals, not a vote count.
    const std::string html = test::slurp(out / "report.html");
    CHECK_FALSE(has(html, "rated measures"));
    CHECK(has(html, "extra_workers against baseline: waitlist, average "));
    fs::remove_all(out);
}

TEST_CASE("README: every scenario, compare and sweep snippet passes caseload validate") {
    // The snippets are written beside the shipped scenarios (linked into a
    // temporary folder), under the names the README gives them: the start
    // state as states/our_region.yaml and the what-if as my_plan.yaml, which
    // the compare snippet names.
    const fs::path dir = tmp("readme");
    fs::create_directories(dir / "states");
    for (const auto& e : fs::directory_iterator(kScenarios))
        if (e.is_regular_file()) fs::create_symlink(e.path(), dir / e.path().filename());
    for (const auto& e : fs::directory_iterator(kScenarios + "states"))
        fs::create_symlink(e.path(), dir / "states" / e.path().filename());
    const std::string readme = test::slurp(std::string(CASELOAD_SOURCE_DIR) + "/README.md");
    std::vector<std::pair<std::string, std::string>> files;  // name, text
    int n = 0;
    for (std::size_t p = readme.find("```yaml\n"); p != std::string::npos; p = readme.find("```yaml\n", p + 1)) {
        const std::size_t b = p + 8, e = readme.find("```", b);
        std::string text = readme.substr(b, e - b);
        // A snippet inside a numbered list is indented: take the indentation of its first line off every line.
        const std::size_t indent = text.find_first_not_of(' ');
        if (indent > 0 && indent != std::string::npos) {
            std::string out;
            std::size_t q = 0;
            while (q < text.size()) {
                const std::size_t nl = text.find('\n', q);
                const std::string line = text.substr(q, nl - q);
                out += (line.size() >= indent ? line.substr(indent) : line) + "\n";
                q = nl == std::string::npos ? text.size() : nl + 1;
            }
            text = out;
        }
        std::string name;
        if (text.find("# scenarios/states/our_region.yaml") == 0) name = "states/our_region.yaml";
        else if (text.find("name: my_plan") != std::string::npos) name = "my_plan.yaml";
        else if (text.find("compare:") != std::string::npos || text.find("sweep:") != std::string::npos ||
                 text.find("name:") != std::string::npos)
            name = "readme_snippet_" + std::to_string(++n) + ".yaml";
        else continue;  // a line or two to show a key, not a file
        files.emplace_back(name, text);
        std::ofstream(dir / name) << text;
    }
    REQUIRE(files.size() >= 6);
    int validated = 0;
    for (const auto& [name, text] : files) {
        if (name.rfind("states/", 0) == 0) continue;  // a start state is checked through the compare file that names it
        INFO(name << ":\n" << text);
        const auto r = test::run_cli({"validate", (dir / name).string()});
        INFO(r.err);
        CHECK(r.code == 0);
        ++validated;
    }
    CHECK(validated >= 5);
    fs::remove_all(dir);
}

TEST_CASE("sweep: the terminal and sensitivity.csv say how many points are UNSTABLE, the fit leaves them out, "
          "a text parameter is named") {
    const fs::path dir = tmp("sweep_unstable");
    fs::create_directories(dir);
    const std::string data = std::string(CASELOAD_SOURCE_DIR) + "/tests/data/";
    // Two workers of norm 10 (20 places) at 3.5 referrals a week: stable at the low rate, the waitlist grows at the high.
    std::ofstream(dir / "s.yaml") << "sweep:\n  base: " << data << "sweep_base.yaml\n  design: grid\n  replications: 3\n"
                                  << "  parameters:\n    referrals.rate_per_week: [2, 2.5, 3, 3.5, 12]\n"
                                  << "    waitlist.discipline: [fifo, urgent_first]\n";
    const auto r = test::run_cli({"sweep", (dir / "s.yaml").string(), "--out", (dir / "out").string(), "-q"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    // The points flagged in summary.csv.
    std::ifstream summary(dir / "out" / "summary.csv");
    std::string line;
    std::set<std::string> unstable;
    while (std::getline(summary, line))
        if (line.size() > 5 && line.substr(line.size() - 5) == ",true") unstable.insert(line.substr(0, line.find(',')));
    REQUIRE(!unstable.empty());
    REQUIRE(unstable.size() < 10);
    const std::string n = std::to_string(unstable.size());
    CHECK(has(r.out, n + " of 10 points are UNSTABLE"));
    CHECK(has(r.out, "fitted on the " + std::to_string(10 - unstable.size()) + " stable points only"));
    CHECK(has(r.out, "Not in the metamodel (words, not numbers; compare their values in summary.csv): waitlist.discipline."));
    const std::string sens = test::slurp(dir / "out" / "sensitivity.csv");
    CHECK(has(sens, "," + std::to_string(10 - unstable.size()) + "," + n + "\n"));  // points fitted, unstable points
    fs::remove_all(dir);
}
