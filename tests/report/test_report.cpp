#include "caseload/cli/cli.hpp"
#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/model/metrics.hpp"
#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "caseload/scenario/loader.hpp"
#include "../helpers.hpp"
#include "report/csv_reader.hpp"
#include "report/report_text.hpp"


#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace caseload;
namespace fs = std::filesystem;

#include "report_helpers.hpp"

using namespace caseload::report_test;


TEST_CASE("report: the key-figures table holds the numbers of comparison.csv") {
    const fs::path out = tmp("numbers");
    auto r = run_cli({"compare", kScenarios + "baseline.yaml", kScenarios + "caseload10.yaml", "-r", "4", "--out",
                  out.string(), "-q"});
    REQUIRE(r.code == 0);
    const std::string html = slurp(out / "report.html");
    const std::string md = slurp(out / "report.md");
    const auto csv = read_csv(out / "comparison.csv");
    REQUIRE(csv.size() == model::kMetricCount + 1);
    const auto& h = csv[0];
    auto col = [&](const char* name) { return std::size_t(std::find(h.begin(), h.end(), name) - h.begin()); };
    CHECK(count(html, "<tr data-metric=") == model::kMetricCount);
    int rated = 0;
    for (std::size_t i = 1; i < csv.size(); ++i) {
        const auto& row = csv[i];
        REQUIRE(row.size() == h.size());
        const std::string metric = row[col("metric")], unit = row[col("unit")];
        CAPTURE(metric);
        const auto [base, scen, diff] = row_intervals(row, col, unit);
        const std::string verdict = row[col("verdict")];
        const std::string word = verdict == "-" ? "not rated" : verdict;
        rated += verdict != "-";

        const auto cells = row_cells(html, metric);
        REQUIRE(cells.size() == 5);
        CHECK(text_of(cells[0]).rfind(report::detail::metric_label(metric, report::Language::en), 0) == 0);
        CHECK(text_of(cells[1]) == base);
        CHECK(text_of(cells[2]) == scen);
        CHECK(text_of(cells[3]) == diff);
        CHECK(text_of(cells[4]).find(word) != std::string::npos);
        // The colour goes with the verdict.
        const std::string cls = verdict == "better" ? "better" : verdict == "worse" ? "worse"
                                : verdict == "negligible" ? "negligible"
                                : verdict == "-"    ? "unrated"
                                                    : "unclear";
        CHECK(cells[4].find("class=\"verdict " + cls + "\"") != std::string::npos);

        // The Markdown twin has the same figures in its table row.
        CHECK(md.find(" | " + base + " | " + scen + " | " + diff + " | ") != std::string::npos);
    }
    CHECK(rated > 0);
    // norm 10 with the same staff: worse, and the report says so in colour.
    CHECK(html.find("class=\"verdict worse\"") != std::string::npos);
    fs::remove_all(out);
}

TEST_CASE("report: a single run shows the figures of summary.csv") {
    const fs::path out = tmp("run");
    REQUIRE(run_cli({"run", kScenarios + "baseline.yaml", "-r", "3", "--out", out.string(), "-q"}).code == 0);
    const std::string html = slurp(out / "report.html");
    const auto csv = read_csv(out / "summary.csv");
    REQUIRE(csv.size() == model::kMetricCount + 1);
    const auto& h = csv[0];
    auto col = [&](const char* name) { return std::size_t(std::find(h.begin(), h.end(), name) - h.begin()); };
    for (std::size_t i = 1; i < csv.size(); ++i) {
        const auto& row = csv[i];
        const std::string unit = row[col("unit")];
        CAPTURE(row[col("metric")]);
        const auto cells = row_cells(html, row[col("metric")]);
        REQUIRE(cells.size() == 3);
        CHECK(text_of(cells[1]) ==
              interval_en(num(row[col("mean")]), num(row[col("ci_low")]), num(row[col("ci_high")]), unit, false));
        CHECK(text_of(cells[2]) == value_en(num(row[col("p10")]), unit) + " – " + value_en(num(row[col("p90")]), unit));
    }
    CHECK(html.find("class=\"verdict") == std::string::npos);  // nothing to compare with
    // One chart per series of timeseries.csv, and the time-to-help distribution.
    const auto series = series_names(out / "timeseries.csv");
    CHECK(std::find(series.begin(), series.end(), "waitlist") != series.end());
    check_charts(html, series.size() + 1);
    fs::remove_all(out);
}

TEST_CASE("report: names and descriptions from scenario files are shown as text") {
    const fs::path root = tmp("hostile");
    fs::create_directories(root);
    const fs::path file = root / "hostile.yaml";
    spit(file, "extends: " + kScenarios + "baseline.yaml\n"
               "name: \"<script>alert(1)</script>, \\\"x\\\"\"\n"
               "description: \"<img src=x onerror=alert(2)> & 'q' | *bold* [link](http://example.org)\"\n"
               "workforce: {caseload_norm: 13}\n");
    const fs::path out = root / "out";
    auto r = run_cli({"compare", kScenarios + "baseline.yaml", file.string(), "-r", "3", "--out", out.string(), "-q"});
    REQUIRE(r.code == 0);
    for (const auto& lang : {"en", "nl"}) {
        CAPTURE(lang);
        REQUIRE(run_cli({"report", out.string(), "--lang", lang, "-q"}).code == 0);
        const std::string html = slurp(out / "report.html");
        std::string lower = html;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        CHECK(lower.find("<script") == std::string::npos);
        CHECK(lower.find("<img") == std::string::npos);
        CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;, &quot;x&quot;") != std::string::npos);
        CHECK(html.find("&lt;img src=x onerror=alert(2)&gt; &amp; &#39;q&#39;") != std::string::npos);
        // The hostile name reads back from every file as it was written.
        CHECK(html.find("data-scenario=\"&lt;script&gt;alert(1)&lt;/script&gt;, &quot;x&quot;\"") != std::string::npos);

        const std::string md = slurp(out / "report.md");
        CHECK(md.find("<script") == std::string::npos);
        CHECK(md.find("<img") == std::string::npos);
        CHECK(md.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
        CHECK(md.find("\\| \\*bold\\* \\[link\\](http://example.org)") != std::string::npos);
    }
    fs::remove_all(root);
}

TEST_CASE("comparison.md: names and descriptions from scenario files are escaped as in report.md") {
    const fs::path root = tmp("hostile_comparison");
    fs::create_directories(root);
    const fs::path file = root / "that.yaml";
    spit(file, "extends: " + kScenarios + "caseload10.yaml\n"
               "name: \"<script>alert(1)</script> | *x*\"\n"
               "description: \"<img src=x onerror=alert(2)> & [link](http://example.org)\"\n");
    const fs::path out = root / "out";
    REQUIRE(run_cli({"compare", kScenarios + "baseline.yaml", file.string(), "-r", "2", "--out", out.string(), "-q"}).code == 0);
    const std::string md = slurp(out / "comparison.md");
    CHECK(md.find("<script") == std::string::npos);
    CHECK(md.find("<img") == std::string::npos);
    CHECK(md.find("- **&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\***") != std::string::npos);
    CHECK(md.find("&lt;img src=x onerror=alert(2)&gt; &amp; \\[link\\](http://example.org)") != std::string::npos);
    CHECK(md.find("## &lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\* vs baseline") != std::string::npos);
    // The name's '|' does not add a column: the table keeps its six.
    const std::size_t header = md.find("| verdict | measure | ");
    REQUIRE(header != std::string::npos);
    const std::string row = md.substr(header, md.find('\n', header) - header);
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < row.size(); ++i)
        if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++pipes;
    CHECK(pipes == 7);
    fs::remove_all(root);
}

TEST_CASE("report: English and Dutch") {
    const fs::path en = tmp("lang_en"), nl = tmp("lang_nl");
    REQUIRE(run_cli({"compare", kScenarios + "baseline.yaml", kScenarios + "caseload10.yaml", "-r", "3", "--out",
                 en.string(), "-q"})
                .code == 0);
    REQUIRE(run_cli({"compare", kScenarios + "baseline.yaml", kScenarios + "caseload10.yaml", "-r", "3", "--out",
                 nl.string(), "-q", "--lang", "nl"})
                .code == 0);
    const std::string html_en = slurp(en / "report.html"), html_nl = slurp(nl / "report.html");
    // What a reader sees: the page without its style sheet.
    const std::string body_en = text_of(html_en.substr(html_en.find("</style>")));
    const std::string body_nl = text_of(html_nl.substr(html_nl.find("</style>")));
    const std::string md_en = slurp(en / "report.md"), md_nl = slurp(nl / "report.md");
    CHECK(html_en.find("<html lang=\"en\">") != std::string::npos);
    CHECK(html_nl.find("<html lang=\"nl\">") != std::string::npos);
    for (const char* dutch : {"Wachtlijst", "Tijd tot hulp", "slechter", "Kerncijfers", "Zo leest u dit rapport",
                              "inloopperiode", "herhalingen"}) {
        CAPTURE(dutch);
        CHECK(body_nl.find(dutch) != std::string::npos);
        CHECK(md_nl.find(dutch) != std::string::npos);
        CHECK(body_en.find(dutch) == std::string::npos);
        CHECK(md_en.find(dutch) == std::string::npos);
    }
    for (const char* english : {"Waitlist", "Time to help", "worse", "Key figures", "How to read this"}) {
        CAPTURE(english);
        CHECK(body_en.find(english) != std::string::npos);
        CHECK(body_nl.find(english) == std::string::npos);
        CHECK(md_en.find(english) != std::string::npos);
        CHECK(md_nl.find(english) == std::string::npos);
    }
    // Dutch numbers have a decimal comma: the same figures, written both ways.
    int with_decimals = 0;
    for (const auto& mi : model::kMetrics) {
        const auto en_cells = row_cells(html_en, std::string(mi.name));
        const auto nl_cells = row_cells(html_nl, std::string(mi.name));
        REQUIRE(en_cells.size() == 5);
        REQUIRE(nl_cells.size() == 5);
        for (std::size_t c = 1; c <= 2; ++c) {
            std::string expected = text_of(en_cells[c]);
            if (expected.find('.') == std::string::npos || expected.find("n/a") != std::string::npos) continue;
            ++with_decimals;
            std::replace(expected.begin(), expected.end(), '.', ',');
            const std::size_t sep = expected.find(", ");
            if (sep != std::string::npos) expected.replace(sep, 2, "; ");
            CHECK(text_of(nl_cells[c]) == expected);
        }
    }
    CHECK(with_decimals > 0);
    // An unknown language is a usage error.
    const auto r = run_cli({"report", en.string(), "--lang", "fr"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--lang must be en or nl") != std::string::npos);
    fs::remove_all(en);
    fs::remove_all(nl);
}

TEST_CASE("report: caseload report DIR rebuilds the same report from the saved files") {
    const fs::path a = tmp("rebuild_a"), b = tmp("rebuild_b");
    REQUIRE(run_cli({"compare", kScenarios + "compare_caseload.yaml", "-r", "3", "--out", a.string(), "-q"}).code == 0);
    const std::string html = slurp(a / "report.html"), md = slurp(a / "report.md");
    const std::string csv = slurp(a / "comparison.csv");
    CHECK(html.find("caseload norm 14 vs 10") != std::string::npos);  // the compare file's name
    fs::remove(a / "report.html");
    fs::remove(a / "report.md");
    auto r = run_cli({"report", a.string()});
    REQUIRE(r.code == 0);
    CHECK(r.out.find((a / "report.html").string()) != std::string::npos);
    CHECK(slurp(a / "report.html") == html);
    CHECK(slurp(a / "report.md") == md);
    CHECK(slurp(a / "comparison.csv") == csv);  // the results are not touched

    // In Dutch it differs; and it is what compare --lang nl writes.
    REQUIRE(run_cli({"report", a.string(), "--lang", "nl", "-q"}).code == 0);
    const std::string html_nl = slurp(a / "report.html");
    CHECK(html_nl != html);
    REQUIRE(run_cli({"compare", kScenarios + "compare_caseload.yaml", "-r", "3", "--out", b.string(), "-q", "--lang", "nl"})
                .code == 0);
    CHECK(slurp(b / "report.html") == html_nl);

    // A folder that is not a complete results folder is bad input, named.
    fs::remove(a / "checks.csv");
    r = run_cli({"report", a.string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("checks.csv") != std::string::npos);
    CHECK(slurp(a / "report.html") == html_nl);  // the old report stays
    r = run_cli({"report", (a / "nothing-here").string()});
    CHECK(r.code == 2);
    fs::remove_all(a);
    fs::remove_all(b);
}

TEST_CASE("report: the warnings are those of report::warnings, read back from the files") {
    // A queue loaded beyond its capacity: unstable, with open waits at the end.
    const auto growing = test::mmc(5, 2, 1.1, 10, 3000, 200, 6, 4);
    const fs::path root = tmp("warnings");
    fs::create_directories(root);
    spit(root / "growing.yaml", scenario::to_yaml(growing));
    REQUIRE(run_cli({"run", (root / "growing.yaml").string(), "--out", (root / "out").string(), "-q"}).code == 0);

    const auto results = experiment::run_experiments({scenario::load_scenario(root / "growing.yaml")});
    const auto summary = experiment::summarize(results[0]);
    const auto expected = report::warnings(results[0], summary);
    REQUIRE(summary.stability.unstable);
    REQUIRE(expected.size() >= 2);

    const auto data = report::read_results(root / "out");
    REQUIRE(data.checks.size() == 1);
    CHECK(data.checks[0].unstable);
    CHECK(report::warning_lines(data.scenarios[0], data.checks[0], report::Language::en) == expected);
    const auto dutch = report::warning_lines(data.scenarios[0], data.checks[0], report::Language::nl);
    CHECK(dutch.size() == expected.size());
    CHECK(dutch[0].find("INSTABIEL") != std::string::npos);

    const std::string html = slurp(root / "out" / "report.html");
    for (const auto& line : expected) CHECK(html.find(report::html_escape(line)) != std::string::npos);
    CHECK(html.find("class=\"alert\"") != std::string::npos);
    CHECK(slurp(root / "out" / "report.md").find("> **UNSTABLE:**") != std::string::npos);
    fs::remove_all(root);
}

TEST_CASE("time_to_help_distribution.csv: share helped within k weeks over replications") {
    const auto sc = test::mmc(4, 2, 0.9, 20, 2000, 200, 7, 9);
    const auto results = experiment::run_experiments({sc});
    const std::string csv = report::time_to_help_distribution_csv(results);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    CHECK(line == "scenario,week,mean,p10,p90");
    std::vector<std::vector<std::string>> rows;
    while (std::getline(in, line)) rows.push_back(split(line));
    REQUIRE(rows.size() == model::kHelpedWeeks);
    double previous = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        CHECK(rows[k][0] == "mmc");
        CHECK(rows[k][1] == std::to_string(k));
        std::vector<double> v;
        for (const auto& rep : results[0].replications) v.push_back(rep.helped_within_weeks[k]);
        double sum = 0;
        for (double x : v) sum += x;
        const double mean = num(rows[k][2]), p10 = num(rows[k][3]), p90 = num(rows[k][4]);
        CHECK(mean == doctest::Approx(sum / double(v.size())).epsilon(1e-12));
        CHECK(p10 >= *std::min_element(v.begin(), v.end()));
        CHECK(p90 <= *std::max_element(v.begin(), v.end()));
        CHECK(p10 <= p90);
        CHECK(mean >= previous - 1e-12);  // a cumulative share never falls
        previous = mean;
    }
    CHECK(previous > 0.5);  // at utilisation 0.9 most families are helped within two years
}

TEST_CASE("report: charts for every series in timeseries.csv, titled by name") {
    const fs::path out = tmp("series");
    REQUIRE(run_cli({"compare", kScenarios + "baseline.yaml", kScenarios + "caseload10.yaml", "-r", "2", "--out",
                 out.string(), "-q"})
                .code == 0);
    check_charts(slurp(out / "report.html"), series_names(out / "timeseries.csv").size() + 1);
    // Keep the waitlist only, then add a known and an unknown series: the
    // report draws what the file holds, whatever the model writes.
    std::string ts;
    {
        std::istringstream in(slurp(out / "timeseries.csv"));
        std::string line;
        std::getline(in, line);
        ts = line + "\n";
        while (std::getline(in, line))
            if (split(line)[2] == "waitlist") ts += line + "\n";
    }
    for (const char* s : {"baseline", "caseload10"})
        for (int day = 7; day <= 700; day += 7) {
            ts += std::string(s) + "," + std::to_string(day) + ",fte_in_post,98.5,97,100\n";
            ts += std::string(s) + "," + std::to_string(day) + ",mystery_series,3,2,4\n";
        }
    spit(out / "timeseries.csv", ts);
    for (const auto& case_ : {std::tuple{"en", "Staff in post over time (FTE)", "Series 'mystery series' over time"},
                              {"nl", "Bezetting in de tijd (fte in dienst)", "Reeks 'mystery series' in de tijd"}}) {
        const char* const lang = std::get<0>(case_);
        const char* const known = std::get<1>(case_);
        const char* const unknown = std::get<2>(case_);
        CAPTURE(lang);
        REQUIRE(run_cli({"report", out.string(), "--lang", lang, "-q"}).code == 0);
        const std::string html = slurp(out / "report.html");
        check_charts(html, 4);  // waitlist, time to help, and the two added
        CHECK(html.find("id=\"figure-fte_in_post\"") != std::string::npos);
        CHECK(html.find("id=\"figure-mystery_series\"") != std::string::npos);
        CHECK(html.find(report::html_escape(known)) != std::string::npos);
        CHECK(html.find(report::html_escape(unknown)) != std::string::npos);
        const std::string md = slurp(out / "report.md");
        CHECK(md.find("### " + std::string(known)) != std::string::npos);
    }
    fs::remove_all(out);
}

TEST_CASE("timeseries.csv: turnover and absenteeism with the other workforce series, none without them") {
    const auto plain = experiment::run_experiments({test::mmc(4, 2, 0.8, 20, 400, 50, 2, 3)});
    const std::string csv = report::timeseries_csv(plain, {experiment::summarize(plain[0])});
    CHECK(csv.find(",fte_in_post,") == std::string::npos);
    CHECK(csv.find(",turnover,") == std::string::npos);
    CHECK(csv.find(",absenteeism,") == std::string::npos);
    CHECK(csv.find(",waitlist,") != std::string::npos);
}

TEST_CASE("report: turnover and absenteeism over time, as percentages, in English and Dutch") {
    const fs::path out = tmp("workforce");
    REQUIRE(run_cli({"compare", kScenarios + "baseline.yaml", kScenarios + "caseload10.yaml", "-r", "2", "--out",
                 out.string(), "-q"})
                .code == 0);
    const auto series = series_names(out / "timeseries.csv");
    for (const std::string name : {"fte_in_post", "turnover", "absenteeism"}) {
        CAPTURE(name);
        CHECK(std::find(series.begin(), series.end(), name) != series.end());
    }
    // The baseline's average after the warm-up, as the chart's text alternative gives it.
    const double warmup = 15 * 365.25;
    auto average = [&](const std::string& metric) {
        double sum = 0;
        int n = 0;
        for (const auto& row : read_csv(out / "timeseries.csv"))
            if (row[0] == "baseline" && row[2] == metric && std::stod(row[1]) >= warmup) {
                sum += std::stod(row[3]);
                ++n;
            }
        return sum / n;
    };
    const std::string absenteeism = report::human(average("absenteeism"), "share");
    CHECK(average("turnover") > 0.05);  // the baseline's staff leave and fall sick
    CHECK(average("absenteeism") > 0.02);
    const std::string html_en = slurp(out / "report.html");
    check_charts(html_en, series.size() + 1);
    struct Case {
        const char* lang;
        const char* turnover_title;
        const char* absenteeism_title;
        const char* average;
    };
    for (const Case& c : {Case{"en", "Staff turnover over time (13-week rolling average, share leaving a year)",
                               "Absenteeism over time (share of FTE in post)", "on average "},
                          Case{"nl", "Personeelsverloop in de tijd (voortschrijdend gemiddelde over 13 weken, aandeel vertrekkers per jaar)",
                               "Ziekteverzuim in de tijd (aandeel van de fte in dienst)", "gemiddeld "}}) {
        const std::string lang = c.lang;
        CAPTURE(lang);
        REQUIRE(run_cli({"report", out.string(), "--lang", lang, "-q"}).code == 0);
        const std::string html = slurp(out / "report.html"), md = slurp(out / "report.md");
        if (lang == "en") CHECK(html == html_en);  // rebuilt from the files as written
        check_charts(html, series.size() + 1);
        CHECK(html.find("id=\"figure-turnover\"") != std::string::npos);
        CHECK(html.find("id=\"figure-absenteeism\"") != std::string::npos);
        for (const std::string title : {c.turnover_title, c.absenteeism_title}) {
            CAPTURE(title);
            CHECK(html.find(">" + report::html_escape(title) + "</title>") != std::string::npos);
            CHECK(md.find("### " + title) != std::string::npos);
        }
        // Percentages, with a decimal comma in Dutch. Absenteeism is the
        // weekly series' average; turnover's chart is the 13-week rolling
        // average, whose mean differs from the weekly one at the window's
        // edges: within 0.2 points.
        std::string value = absenteeism;
        if (lang == "nl") std::replace(value.begin(), value.end(), '.', ',');
        CAPTURE(value);
        CHECK(html.find("baseline: " + std::string(c.average) + value) != std::string::npos);
        bool turnover_near = false;
        const std::string lead = "baseline: " + std::string(c.average);
        for (std::size_t at = html.find(lead); at != std::string::npos; at = html.find(lead, at + 1)) {
            std::string text = html.substr(at + lead.size(), 12);
            const std::size_t pct = text.find('%');
            if (pct == std::string::npos) continue;
            text = text.substr(0, pct);
            std::replace(text.begin(), text.end(), ',', '.');
            try {
                turnover_near |= std::fabs(std::stod(text) / 100.0 - average("turnover")) < 0.002 &&
                                 std::fabs(std::stod(text) / 100.0 - average("absenteeism")) > 0.01;
            } catch (const std::exception&) {
            }
        }
        CHECK(turnover_near);
    }
    // A results folder from before these series still gives its report.
    std::string ts;
    {
        std::istringstream in(slurp(out / "timeseries.csv"));
        for (std::string line; std::getline(in, line);)
            if (line.find(",turnover,") == std::string::npos && line.find(",absenteeism,") == std::string::npos)
                ts += line + "\n";
    }
    spit(out / "timeseries.csv", ts);
    REQUIRE(run_cli({"report", out.string(), "-q"}).code == 0);
    const std::string old = slurp(out / "report.html");
    check_charts(old, series.size() - 1);
    CHECK(old.find("id=\"figure-turnover\"") == std::string::npos);
    CHECK(old.find("id=\"figure-fte_in_post\"") != std::string::npos);
    fs::remove_all(out);
}

TEST_CASE("report: self-contained, nothing fetched, nothing run") {
    const fs::path out = tmp("contained");
    REQUIRE(run_cli({"run", kScenarios + "caseload10.yaml", "-r", "2", "--out", out.string(), "-q"}).code == 0);
    const std::string html = slurp(out / "report.html");
    for (const char* bad : {"<script", "<link", "<img", "<iframe", "@import", "url(", " src=", " href=", "https://"})
        CHECK_MESSAGE(html.find(bad) == std::string::npos, bad);
    // The only URL is the SVG namespace name, which is never fetched.
    CHECK(count(html, "http://") == count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    CHECK(html.find("@media print") != std::string::npos);
    CHECK(html.rfind("</html>\n") == html.size() - 8);
    fs::remove_all(out);
}

TEST_CASE("escaping for HTML and Markdown") {
    CHECK(report::html_escape("<a href=\"x\">Tom & 'Jerry'</a>") ==
          "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    CHECK(report::markdown_escape("a|b *c* _d_ `e` [f] <g> #h") ==
          "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\] &lt;g&gt; \\#h");
    CHECK(report::markdown_escape("1. first") == "1\\. first");
    CHECK(report::markdown_escape("- item") == "\\- item");
    CHECK(report::markdown_escape("two\nlines") == "two lines");
    CHECK(report::markdown_escape("norm 10, 2.5 FTE") == "norm 10, 2.5 FTE");
}

TEST_CASE("CSV reader: quoted fields, numbers, and errors that name the line") {
    using report::detail::CsvTable;
    const CsvTable t("name,value,flag\n\"a, \"\"b\"\"\",1.5,true\n\"two\nlines\",NA,false\nplain,-Inf,true",
                     "t.csv");
    REQUIRE(t.size() == 3);
    CHECK(t.text(0, 0) == "a, \"b\"");
    CHECK(t.number(0, 1) == 1.5);
    CHECK(t.boolean(0, 2));
    CHECK(t.text(1, 0) == "two\nlines");
    CHECK(std::isnan(t.number(1, 1)));
    CHECK_FALSE(t.boolean(1, 2));
    CHECK(t.number(2, 1) == -INFINITY);
    CHECK(t.column("flag") == 2);
    CHECK_THROWS_WITH_AS((void)t.column("nope"), "t.csv: no column 'nope'", report::ReportInputError);
    CHECK_THROWS_WITH_AS((void)t.number(0, 0), "t.csv:2: column name: 'a, \"b\"' is not a number",
                         report::ReportInputError);
    // The third record starts on line 5: line 3 holds a quoted line break.
    CHECK_THROWS_WITH_AS((void)t.integer(2, 0), "t.csv:5: column name: 'plain' is not a whole number",
                         report::ReportInputError);
    CHECK_THROWS_WITH_AS(CsvTable("a,b\n1,2\n3\n", "u.csv"), "u.csv:3: 1 fields, expected 2 as in the header",
                         report::ReportInputError);
    CHECK_THROWS_AS(CsvTable("a,b\n\"open,2\n", "v.csv"), report::ReportInputError);
    CHECK_THROWS_AS(CsvTable("", "w.csv"), report::ReportInputError);
    // Numbers read back exactly as report::number wrote them.
    for (double v : {0.1, 1.0 / 3.0, 123456.789e10, -2.5e-300}) {
        const CsvTable n("x\n" + report::number(v) + "\n", "n.csv");
        CHECK(n.number(0, 0) == v);
    }
}

TEST_CASE("metadata.json: written and read back by nlohmann-json, a damaged one is refused with its line") {
    // A name with a quote, a backslash and a tab: escaped in metadata.json, read back as it was.
    auto sc = test::mmc(4, 2, 0.8, 10, 400, 100, 2, 5);
    sc.name = "a \"quoted\" \\ name\twith tab \xc3\xa9";
    const fs::path root = tmp("metadata");
    fs::create_directories(root);
    spit(root / "named.yaml", scenario::to_yaml(sc));
    const fs::path out = root / "out";
    REQUIRE(run_cli({"run", (root / "named.yaml").string(), "--out", out.string(), "-q"}).code == 0);
    const std::string meta = slurp(out / "metadata.json");
    CHECK(meta.rfind("{\n  \"tool\": \"caseload-sim\",\n", 0) == 0);  // what --force looks for
    CHECK(meta.find(R"("title": "a \"quoted\" \\ name\twith tab )" "\xc3\xa9\"") != std::string::npos);
    CHECK(report::read_results(out).title == sc.name);

    const std::string label = (out / "metadata.json").string();
    auto error_of = [&](const std::string& text) {
        spit(out / "metadata.json", text);
        try {
            (void)report::read_results(out);
        } catch (const report::ReportInputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string trailing_comma = error_of("{\n\"a\": 1,\n}");
    CHECK_MESSAGE(trailing_comma.rfind(label + ":3: syntax error", 0) == 0, trailing_comma);
    CHECK(trailing_comma.find("json.exception") == std::string::npos);
    CHECK(error_of("[1, 2").rfind(label + ":1: ", 0) == 0);
    CHECK(error_of("{} x").rfind(label + ":1: ", 0) == 0);
    CHECK(error_of("").rfind(label + ":1: ", 0) == 0);
    CHECK(error_of("{\"title\": \"\xff\"}").rfind(label + ":1: ", 0) == 0);  // not UTF-8
    CHECK(error_of(std::string(100000, '[') + std::string(100000, ']')) ==
          label + ": nested too deeply (more than 64 levels)");
    CHECK(error_of("{\"scenarios\": []}") == label + ": expected a member 'command'");
    CHECK(error_of("{\"command\": \"run\", \"scenarios\": {}}") == label + ": expected a member 'scenarios'");
    CHECK(error_of("{\"command\": \"run\", \"scenarios\": []}") == label + ": lists no scenarios");
    // Another member order and extra members are fine.
    std::string reordered = meta;
    reordered.replace(reordered.find("\"tool\""), 6, "\"extra\": [1, 2.5e3, null, true],\n  \"tool\"");
    CHECK(error_of(reordered) == "no error");
    fs::remove_all(root);
}

TEST_CASE("report words: labels in both languages, a readable fallback for new metrics") {
    using report::Language;
    using report::detail::metric_label;
    CHECK(metric_label("waitlist_mean", Language::nl) == "Wachtlijst, gemiddeld");
    CHECK(metric_label("waitlist_mean", Language::en) == "Waitlist, average");
    CHECK(metric_label("some_new_metric", Language::nl) == "some new metric");
    // Every metric of the table has a label that is not just its name.
    for (const auto& mi : model::kMetrics)
        for (auto lang : {Language::en, Language::nl}) CHECK(metric_label(mi.name, lang) != std::string(mi.name));
    CHECK(report::detail::fmt_duration(30 * scenario::kDaysPerYear, Language::nl) == "30 jaar");
    CHECK(report::detail::fmt_duration(26 * 7, Language::en) == "26 weeks");
    CHECK(report::detail::fmt_diff(0.05, "share", Language::nl) == "+5,0 procentpunt");
    CHECK(report::detail::fmt_diff(-12.34, "days", Language::en) == "-12.3");
    // Money as people write it: a euro sign, thousands separated by a point in Dutch and a comma in English.
    CHECK(report::detail::fmt_value(9185932.4, "euro/year", Language::nl) == "€\u00a09.185.932");
    CHECK(report::detail::fmt_value(9185932.4, "euro/year", Language::en) == "€9,185,932");
    CHECK(report::detail::fmt_diff(12345, "euro", Language::en) == "+€12,345");
    CHECK(report::detail::fmt_diff(-3087, "euro", Language::nl) == "-€\u00a03.087");
    CHECK(report::detail::fmt_value(999, "euro", Language::en) == "€999");
    // Other large numbers are grouped by a narrow no-break space, never by a comma or point.
    CHECK(report::detail::fmt_value(54321.4, "family-weeks", Language::nl) == "54\u202f321");
    CHECK(report::detail::fmt_value(2033.4, "families", Language::en) == "2033");
}

