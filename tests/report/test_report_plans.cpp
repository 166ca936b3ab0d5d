// The report's first screen for plans: year by year from a start state,
// the steady state's first screen, an UNSTABLE scenario.

#include "caseload/experiment/analysis.hpp"
#include "caseload/model/metrics.hpp"
#include "report_helpers.hpp"

using namespace caseload;
using namespace caseload::report_test;
namespace fs = std::filesystem;

namespace {

// The HTML of the first-screen table of one comparison.
std::string plan_table(const std::string& html, const std::string& baseline, const std::string& scenario) {
    const std::size_t p =
        html.find("<table class=\"plan\" data-baseline=\"" + baseline + "\" data-scenario=\"" + scenario + "\">");
    if (p == std::string::npos) return {};
    return html.substr(p, html.find("</table>", p) - p);
}

// The cells of the row of a period ("1", "2", ..., "plan") and metric.
std::vector<std::string> plan_cells(const std::string& table, const std::string& period, const std::string& metric) {
    const std::string key = "<tr data-period=\"" + period + "\" data-period-metric=\"" + metric + "\">";
    const std::size_t p = table.find(key);
    if (p == std::string::npos) return {};
    return row_cells("<tr data-metric=\"x\">" + table.substr(p + key.size(), table.find("</tr>", p) + 5 - p - key.size()),
                     "x");
}

}  // namespace

TEST_CASE("report: a plan from a start state answers year by year first, with the numbers of period_comparison.csv") {
    const fs::path out = tmp("plan");
    REQUIRE(run_cli({"compare", kScenarios + "compare_plans.yaml", "-r", "3", "--out", out.string(), "-q"}).code == 0);
    const std::string html = slurp(out / "report.html"), md = slurp(out / "report.md");
    const auto csv = read_csv(out / "period_comparison.csv");
    REQUIRE(csv.size() > 1);
    const auto& h = csv[0];
    auto col = [&](const char* name) {
        const auto it = std::find(h.begin(), h.end(), name);
        REQUIRE_MESSAGE(it != h.end(), name);
        return std::size_t(it - h.begin());
    };
    // The first screen comes first, before "in short".
    const std::size_t plan_at = html.find("<section id=\"plan\">");
    REQUIRE(plan_at != std::string::npos);
    CHECK(plan_at < html.find("<section id=\"in-short\">"));
    CHECK(md.find("## The plan year by year") < md.find("## In short"));

    std::size_t shown = 0, periods = 0;
    std::vector<std::string> pairs;
    for (std::size_t i = 1; i < csv.size(); ++i)
        if (csv[i][col("period")] != "plan") periods = std::max(periods, std::size_t(std::stoul(csv[i][col("period")])));
    CHECK(periods == 5);  // five years, one a year
    for (std::size_t i = 1; i < csv.size(); ++i) {
        const auto& row = csv[i];
        REQUIRE(row.size() == h.size());
        const std::string b = row[col("baseline")], s = row[col("scenario")], period = row[col("period")],
                          metric = row[col("metric")], unit = row[col("unit")];
        CAPTURE(s);
        CAPTURE(period);
        CAPTURE(metric);
        if (std::find(pairs.begin(), pairs.end(), s) == pairs.end()) pairs.push_back(s);
        const bool headline_period = period == "1" || period == "2" || period == "5";
        const bool headline_metric = metric == "waitlist_end" || metric == "time_to_help_mean_days";
        const std::string table = plan_table(html, b, s);
        REQUIRE(!table.empty());
        const auto cells = plan_cells(table, period, metric);
        if (!(period == "plan" || (headline_period && headline_metric))) {
            CHECK(cells.empty());
            continue;
        }
        ++shown;
        REQUIRE(cells.size() == 6);
        const auto [base, scen, diff] = row_intervals(row, col, unit);
        CHECK(text_of(cells[2]) == base);
        CHECK(text_of(cells[3]) == scen);
        CHECK(text_of(cells[4]) == diff);
        const std::string verdict = row[col("verdict")];
        CHECK(text_of(cells[5]).find(verdict == "-" ? "not rated" : verdict) != std::string::npos);
        if (period != "plan") {
            // When, in years and as the date the period ends.
            CHECK(text_of(cells[0]).rfind("after " + period + (period == "1" ? " year" : " years"), 0) == 0);
            CHECK(row[col("end_date")] != "NA");
            CHECK(text_of(cells[0]).find(row[col("end_date")]) != std::string::npos);
        }
        CHECK(md.find(" | " + base + " | " + scen + " | " + diff + " | ") != std::string::npos);
    }
    CHECK(pairs.size() == 3);
    // Per plan: 2 measures after 1, 2 and 5 years, then the time to the
    // waitlist target, the share getting there, the staff cost and the
    // family-weeks over the plan.
    CHECK(shown == 3 * (3 * 2 + 4));
    CHECK(count(html, "data-period-metric=") == shown);
    CHECK(html.find("Time until the waitlist is at most 50 families") != std::string::npos);

    // Trajectories on a date axis from the start date, with no warm-up band.
    const std::size_t svg = html.find("<svg", html.find("id=\"figure-waitlist\""));
    REQUIRE(svg != std::string::npos);
    const std::string chart = html.substr(svg, html.find("</svg>", svg) - svg);
    CHECK(chart.find(">2027-01-01</text>") != std::string::npos);
    CHECK(chart.find(">2029-01-01</text>") != std::string::npos);
    CHECK(chart.find(">2032-01-01</text>") != std::string::npos);
    CHECK(chart.find(">date</text>") != std::string::npos);
    CHECK(html.find("fill=\"#ececec\"") == std::string::npos);
    CHECK(html.find("warm-up (not counted)") == std::string::npos);
    CHECK(md.find("| date |") != std::string::npos);
    CHECK(md.find("| 2029-01-01 |") != std::string::npos);
    // How to read this says where the run starts.
    CHECK(html.find("start from the organisation's state on the start date") != std::string::npos);
    CHECK(html.find("starts with no families") == std::string::npos);

    // Rebuilt from the folder: the same report; in Dutch, all of it in Dutch.
    REQUIRE(run_cli({"report", out.string(), "-q"}).code == 0);
    CHECK(slurp(out / "report.html") == html);
    CHECK(slurp(out / "report.md") == md);
    REQUIRE(run_cli({"report", out.string(), "--lang", "nl", "-q"}).code == 0);
    const std::string nl = slurp(out / "report.html"), md_nl = slurp(out / "report.md");
    CHECK(nl.find("<h2>Het plan jaar na jaar</h2>") != std::string::npos);
    CHECK(nl.find(">datum</text>") != std::string::npos);
    CHECK(nl.find("beginnen bij de toestand van de organisatie op de startdatum") != std::string::npos);
    CHECK(md_nl.find("## Het plan jaar na jaar") != std::string::npos);
    for (const char* english : {"after 1 year", "Families waiting", "Over the whole plan", "Time until the waitlist",
                                "families are waiting with", "staff cost over"})
        CHECK_MESSAGE(nl.find(english) == std::string::npos, english);
    {
        const auto& row = csv[1];
        const std::string table = plan_table(nl, row[col("baseline")], row[col("scenario")]);
        const auto cells = plan_cells(table, "1", "waitlist_end");
        REQUIRE(cells.size() == 6);
        CHECK(text_of(cells[0]).rfind("na 1 jaar", 0) == 0);
        CHECK(text_of(cells[1]).rfind("Wachtende gezinnen", 0) == 0);
    }
    fs::remove_all(out);
}

TEST_CASE("report: a steady-state comparison keeps its first screen, with years and the warm-up") {
    const fs::path out = tmp("steady");
    REQUIRE(run_cli({"compare", kScenarios + "baseline.yaml", kScenarios + "verbeterplan_2021.yaml", "-r", "3", "--out",
                     out.string(), "-q"})
                .code == 0);
    const auto checks = read_csv(out / "checks.csv");
    REQUIRE(checks.size() == 3);
    CHECK(checks[1][1] == "false");  // both settle: no year-by-year answer is due
    CHECK(checks[2][1] == "false");
    const std::string html = slurp(out / "report.html"), md = slurp(out / "report.md");
    const auto csv = read_csv(out / "period_comparison.csv");
    REQUIRE(csv.size() == 1);  // the header only
    CHECK(csv[0][0] == "baseline");
    CHECK(html.find("<section id=\"plan\">") == std::string::npos);
    CHECK(html.find("data-period-metric=") == std::string::npos);
    CHECK(md.find("## The plan year by year") == std::string::npos);
    CHECK(html.find("<h1>") < html.find("<section id=\"in-short\">"));
    CHECK(html.find(">years since the start</text>") != std::string::npos);
    CHECK(html.find(">2027-01-01</text>") == std::string::npos);
    CHECK(html.find("fill=\"#ececec\"") != std::string::npos);  // the warm-up, shaded
    CHECK(html.find("The grey area at the start is the warm-up") != std::string::npos);
    fs::remove_all(out);
}

TEST_CASE("report: an UNSTABLE scenario is answered year by year, like a plan") {
    // The baseline bends (caseloads above the norm, families leaving the
    // waitlist), so a norm of 10 with the same staff settles; without leaving
    // and with half as many referrals again it does not.
    const fs::path out = tmp("unstable");
    const fs::path dir = tmp("unstable_in");
    fs::create_directories(dir);
    spit(dir / "flooded.yaml", "extends: " + kScenarios + "caseload10.yaml\nname: flooded\nreferrals:\n  rate_per_week: 12.3\n"
                                   "  types: {ots: {leave_waiting_per_year: 0}, voogdij: {leave_waiting_per_year: 0}}\n");
    spit(dir / "compare.yaml", "compare:\n  name: flooded\n  baseline: " + kScenarios +
                                   "baseline.yaml\n  scenarios: [flooded.yaml]\n");
    REQUIRE(run_cli({"compare", (dir / "compare.yaml").string(), "-r", "3", "--out", out.string(), "-q"}).code == 0);
    const auto checks = read_csv(out / "checks.csv");
    REQUIRE(checks.size() == 3);
    CHECK(checks[2][1] == "true");  // the waitlist keeps growing
    const auto csv = read_csv(out / "period_comparison.csv");
    CHECK(csv.size() > 1);
    const std::string html = slurp(out / "report.html");
    CHECK(html.find("<section id=\"plan\">") < html.find("<section id=\"in-short\">"));
    CHECK(html.find("<table class=\"plan\"") != std::string::npos);
    fs::remove_all(out);
    fs::remove_all(dir);
}
