#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "report/csv_reader.hpp"
#include "../helpers.hpp"


#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace caseload;
namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("caseload_test_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    return p;
}
using test::slurp;
}  // namespace

TEST_CASE("results folder: built aside, moved into place, never over an existing one") {
    const fs::path root = fresh_dir("dir");
    const fs::path out = root / "run";
    {
        report::ResultsDir d(out, false);
        d.write("a.csv", "x\n1\n");
        d.write("metadata.json", "{\n  \"tool\": \"caseload-sim\",\n}\n");
        CHECK_FALSE(fs::exists(out));  // nothing visible before commit
        CHECK(d.commit() == out);
    }
    CHECK(slurp(out / "a.csv") == "x\n1\n");
    CHECK_THROWS_AS(report::ResultsDir(out, false), report::OutputExists);
    {
        report::ResultsDir d(out, true);
        d.write("b.csv", "y\n");
        d.commit();
    }
    CHECK(fs::exists(out / "b.csv"));
    CHECK_FALSE(fs::exists(out / "a.csv"));  // replaced, not merged
    {
        report::ResultsDir d(root / "abandoned", false);
        d.write("c.csv", "z\n");
        // destroyed without commit: as if the run failed
    }
    CHECK_FALSE(fs::exists(root / "abandoned"));
    // --force replaces only a folder caseload wrote: never a file, never a folder of other things
    fs::create_directories(root / "mine");
    std::ofstream(root / "mine" / "thesis.tex") << "x";
    std::ofstream(root / "plain") << "x";
    CHECK_THROWS_AS(report::ResultsDir(root / "mine", true), report::OutputExists);
    CHECK_THROWS_AS(report::ResultsDir(root / "plain", true), report::OutputExists);
    CHECK(fs::exists(root / "mine" / "thesis.tex"));
    CHECK(slurp(root / "plain") == "x");
    fs::remove_all(root / "mine");
    fs::remove(root / "plain");
    for (const auto& e : fs::directory_iterator(root))
        CHECK(e.path().filename().string().find("partial") == std::string::npos);
    fs::remove_all(root);
}

TEST_CASE("a full disk is an error, not a short file") {
    if (!fs::exists("/dev/full")) {
        MESSAGE("skipped: this machine has no /dev/full");
        return;
    }
    CHECK_THROWS_AS(report::write_file("/dev/full", std::string(1 << 16, 'x')), report::OutputError);
    // and the atomic writer never replaces a device or other special file
    CHECK_THROWS_AS(report::write_file_atomic("/dev/full", "x"), report::OutputError);
    CHECK(fs::is_character_file("/dev/full"));
}

TEST_CASE("numbers: shortest round-trip text, NA for missing") {
    CHECK(report::number(0.1) == "0.1");
    CHECK(std::stod(report::number(1.0 / 3.0)) == 1.0 / 3.0);
    CHECK(report::number(std::nan("")) == "NA");
    CHECK(report::number(-0.0) == "0");
    CHECK(report::csv_field("a,b") == "\"a,b\"");
    CHECK(report::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(report::csv_field("plain") == "plain");
    CHECK(report::human(0.4567, "share") == "45.7%");
    CHECK(report::human(1234.4, "days") == "1234");
    CHECK(report::human(12.34, "days") == "12.3");
}

TEST_CASE("CSV cells a spreadsheet would evaluate are written as text, numbers stay numbers") {
    // = + - @ tab CR at the start: quoted with a leading apostrophe
    CHECK(report::csv_field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
    CHECK(report::csv_field("+1+1") == "\"'+1+1\"");
    CHECK(report::csv_field("-2+3") == "\"'-2+3\"");
    CHECK(report::csv_field("@SUM(A1)") == "\"'@SUM(A1)\"");
    CHECK(report::csv_field("\t=1") == "\"'\t=1\"");
    CHECK(report::csv_field("\r=1") == "\"'\r=1\"");
    CHECK(report::csv_field("-") == "-");  // one character holds no formula (the verdict "not rated")
    CHECK(report::csv_field("-x") == "\"'-x\"");
    // an apostrophe of its own gets one more, so that reading back is exact
    CHECK(report::csv_field("'quoted") == "\"''quoted\"");
    // plain numbers, and text with such a character further on, are left alone
    CHECK(report::csv_field("-1.5") == "-1.5");
    CHECK(report::csv_field("+2") == "+2");
    CHECK(report::csv_field("-Inf") == "-Inf");
    CHECK(report::csv_field("-1e-3") == "-1e-3");
    CHECK(report::csv_field("a=b") == "a=b");
    // the tool's own reader gets the text back
    const std::string csv = "scenario,x\n" + report::csv_field("=evil") + ",1\n" + report::csv_field("'own") + ",2\n" +
                            report::csv_field("-1.5") + ",3\n";
    const report::detail::CsvTable t(csv, "t.csv");
    CHECK(t.text(0, 0) == "=evil");
    CHECK(t.text(1, 0) == "'own");
    CHECK(t.text(2, 0) == "-1.5");
}

TEST_CASE("printable: control characters and direction overrides become visible escapes, other text stays") {
    CHECK(report::printable("red\x1b[31mX") == "red\\x1b[31mX");
    CHECK(report::printable("a\x07" "b\x7f\x01") == "a\\x07b\\x7f\\x01");
    CHECK(report::printable("line\nnext\tcol") == "line\nnext\tcol");              // kept by default
    CHECK(report::printable("a\rb") == "a\\x0d" "b");
    CHECK(report::printable("a\rb", "\r") == "a\rb");
    CHECK(report::printable("x\xc2\x9b" "y") == "x\\u009by");                         // C1 CSI
    CHECK(report::printable("x\xe2\x80\xae" "y") == "x\\u202ey");                     // right-to-left override
    CHECK(report::printable("x\xe2\x81\xa6" "y") == "x\\u2066y");                     // left-to-right isolate
    CHECK(report::printable("Zoë — wachtlijst ≤ 30") == "Zoë — wachtlijst ≤ 30");  // UTF-8 text as it is
    // a sequence cut off at the end waits for its other bytes
    CHECK(report::printable_prefix("ab\xe2\x80") == 2);
    CHECK(report::printable_prefix("ab\xc3") == 2);
    CHECK(report::printable_prefix("ab\xc3\xab") == 4);
    CHECK(report::printable_prefix("abc") == 3);
    // the report's escaping goes through it
    CHECK(report::html_escape("\x1b[2J<b>") == "\\x1b[2J&lt;b&gt;");
    CHECK(report::markdown_escape("\x1b[2J").find('\x1b') == std::string::npos);
}

TEST_CASE("CSV outputs: documented columns, and the comparison table shows the CSV's numbers") {
    const auto base = test::mmc(4, 2, 0.8, 10, 2000, 100, 6, 3);
    auto alt = base;
    alt.name = "more, staff";  // a comma in a name must be quoted
    alt.workforce.workers = 5;
    const auto res = experiment::run_experiments({base, alt});
    std::vector<experiment::Summary> sums{experiment::summarize(res[0]), experiment::summarize(res[1])};
    const std::string summary = report::summary_csv(res, sums);
    CHECK(summary.rfind("metric,mean,ci_low,ci_high,", 0) == 0);
    CHECK(summary.find("\"more, staff\"") != std::string::npos);
    // one row per metric and scenario, plus the header
    CHECK(std::count(summary.begin(), summary.end(), '\n') == 1 + 2 * long(model::kMetricCount));
    const std::string reps = report::replications_csv(res);
    CHECK(std::count(reps.begin(), reps.end(), '\n') == 1 + 2 * 6 * long(model::kMetricCount));

    std::vector<report::Comparison> cmp{{base.name, alt.name, experiment::compare(res[0], res[1]), {}, false}};
    const std::string csv = report::comparison_csv(cmp);
    const std::string text = report::comparison_text(res, sums, cmp);
    const std::string md = report::comparison_markdown(res, sums, cmp);
    const auto& wait = cmp[0].metrics[static_cast<std::size_t>(model::Metric::time_to_help_mean_days)];
    // The CSV carries the exact value; the tables its rounded form.
    CHECK(csv.find(report::number(wait.difference.mean)) != std::string::npos);
    CHECK(text.find(report::human(wait.difference.mean, "days")) != std::string::npos);
    CHECK(md.find(report::human(wait.baseline.mean, "days")) != std::string::npos);
    CHECK(text.find(experiment::to_string(wait.verdict)) != std::string::npos);
}
