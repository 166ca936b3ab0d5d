// report.html: one self-contained page — inline CSS and SVG, no scripts, no
// external fonts or images — that reads on screen and on paper.

#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "report/chart.hpp"
#include "report/report_sections.hpp"
#include "report/report_text.hpp"
#include "caseload/scenario/dates.hpp"

#include <cmath>
#include <iterator>
#include <sstream>

namespace caseload::report {

using namespace detail;

std::string html_escape(std::string_view raw) {
    const std::string clean = printable(raw);  // no control characters from a scenario file
    const std::string_view text = clean;
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace {

constexpr const char* kCss = R"css(
:root { color-scheme: light; }
body { font-family: Helvetica, Arial, sans-serif; color: #111; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #e5e7eb; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.subtitle { color: #444; margin: 0 0 1rem; font-size: 1.05rem; }
.lead { font-size: 1.05rem; }
.alert { border-left: 6px solid #b91c1c; background: #fef2f2; padding: .6rem .9rem; margin: .6rem 0; }
.alert strong { color: #991b1b; }
.ok { border-left: 6px solid #15803d; background: #f0fdf4; padding: .6rem .9rem; }
ul.warnings li { margin: .3rem 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
caption { text-align: left; color: #444; padding: 0 0 .3rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #e5e7eb; padding: .35rem .5rem; vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid #9ca3af; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
th.num { text-align: right; }
.ci { color: #555; font-size: .85em; display: block; }
table.key-figures th[scope=row] { min-width: 11rem; }
table.plan th[scope=row] { white-space: nowrap; }
.unit { color: #555; font-weight: normal; font-size: .88em; }
td.verdict { font-weight: 600; white-space: nowrap; }
td.verdict.better { background: #dcfce7; color: #14532d; }
td.verdict.worse { background: #fee2e2; color: #7f1d1d; }
td.verdict.unclear { background: #f1f5f9; color: #334155; }
td.verdict.negligible { background: #e0f2fe; color: #0c4a6e; }
td.verdict.unrated { color: #6b7280; font-weight: normal; }
.swatch { display: inline-block; width: 1.4em; border-top: 4px solid; vertical-align: middle; margin-right: .4em; }
.badge { display: inline-block; background: #b91c1c; color: #fff; font-size: .75rem; font-weight: 700;
         padding: .05rem .35rem; border-radius: .2rem; margin-left: .3rem; }
figure { margin: 1rem 0 1.8rem; }
/* Wide tables and charts scroll inside their own box, never the page; the
   verdict column stays in view at the right edge of its box. */
.scroll { overflow-x: auto; max-width: 100%; }

svg.chart { width: 100%; height: auto; max-width: 720px; min-width: 660px; display: block; }
figcaption { color: #333; font-size: .9rem; margin: 0 0 .4rem; max-width: 720px; }
@media (max-width: 40rem) {
  main { padding: 1rem .75rem 2rem; }
  td.verdict, th.verdict { position: sticky; right: 0; background: #fff; box-shadow: -4px 0 4px -4px #9ca3af; }
  table.key-figures th[scope=row], table.scenarios th[scope=row] { min-width: 7rem; }
  table { font-size: .85rem; }
}
.note { color: #444; font-size: .92rem; }
footer { margin-top: 2.5rem; color: #555; font-size: .85rem; border-top: 1px solid #e5e7eb; padding-top: .6rem; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
code.file { font-weight: normal; color: #555; font-size: .8em; }
table.scenarios th[scope=row] { min-width: 9rem; }
@media print {
  @page { margin: 14mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, figure, .alert { break-inside: avoid; }
  td.verdict, .alert, .ok, .badge, .swatch { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

std::string interval_html(double mean, double low, double high, std::string_view unit, Language lang, bool diff) {
    auto f = [&](double x, bool with_unit) {
        return diff ? fmt_diff(x, unit, lang, with_unit) : fmt_value(x, unit, lang);
    };
    std::string s = f(mean, true);
    if (!std::isnan(mean) && !std::isnan(low) && !std::isnan(high) && !(low == mean && high == mean))
        s += " <span class=\"ci\">[" + f(low, false) + (lang == Language::nl ? "; " : ", ") + f(high, false) +
             "]</span>";
    return s;
}

const char* verdict_mark(experiment::Verdict v) {
    switch (v) {
        case experiment::Verdict::better: return "✓ ";
        case experiment::Verdict::worse: return "✗ ";
        case experiment::Verdict::negligible: return "= ";
        case experiment::Verdict::unclear: return "? ";
        case experiment::Verdict::not_rated: return "";
    }
    return "";
}

std::string measure_cell(std::string_view metric, std::string_view unit, Language lang) {
    std::string s = html_escape(metric_label(metric, lang));
    const std::string u = unit_label(unit, lang);
    if (!u.empty()) s += " <span class=\"unit\">(" + html_escape(u) + ")</span>";
    return s;
}

void scenarios_section(std::ostringstream& o, const ReportData& d, const Words& w, Language lang) {
    o << "<section id=\"scenarios\">\n<h2>" << w.what_was_compared << "</h2>\n";
    o << "<div class=\"scroll\"><table class=\"scenarios\">\n<thead><tr><th>" << w.col_scenario << "</th><th>" << w.col_description
      << "</th><th>" << w.col_staff << "</th><th>" << w.col_horizon << "</th><th>" << w.col_warmup
      << "</th><th class=\"num\">" << w.col_replications << "</th><th class=\"num\">" << w.col_seed
      << "</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < d.scenarios.size(); ++i) {
        const auto& s = d.scenarios[i];
        o << "<tr><th scope=\"row\"><span class=\"swatch\" style=\"border-color: " << scenario_colour(i)
          << "\"></span>" << html_escape(s.name);
        if (i == 0 && d.command == "compare") o << " <span class=\"unit\">" << w.baseline_tag << "</span>";
        if (d.checks[i].unstable) o << "<span class=\"badge\">" << w.unstable_badge << "</span>";
        o << "<br><code class=\"file\" title=\"" << w.col_file << "\">" << html_escape(s.file) << "</code></th><td>"
          << html_escape(s.description);
        if (i > 0 && d.command == "compare")
            o << "<br><span class=\"changes\"><strong>" << (lang == Language::nl ? "Interventies en wijzigingen" : "Interventions and changes")
              << ":</strong> " << html_escape(s.changes(lang)) << "</span>";
        o << "</td><td>" << html_escape(staff_text(s, lang)) << "</td><td>"
          << fmt_duration(s.horizon_days, lang) << "</td><td>" << fmt_duration(s.warmup_days, lang)
          << "</td><td class=\"num\">" << s.replications << "</td><td class=\"num\">" << s.seed << "</td></tr>\n";
    }
    o << "</tbody>\n</table></div>\n<p class=\"note\">" << (d.command == "compare" ? w.paired_note : w.run_note)
      << "</p>\n</section>\n";
}

void key_figures_section(std::ostringstream& o, const ReportData& d, const Words& w, Language lang) {
    o << "<section id=\"key-figures\">\n<h2>" << w.key_figures << "</h2>\n";
    if (!d.comparisons.empty()) {
        for (const auto& c : d.comparisons) {
            o << "<h3>" << html_escape(c.scenario) << " vs " << html_escape(c.baseline) << "</h3>\n";
            o << "<div class=\"scroll\"><table class=\"key-figures\" data-baseline=\"" << html_escape(c.baseline) << "\" data-scenario=\""
              << html_escape(c.scenario) << "\">\n<caption>" << w.ci_header << " — "
              << d.scenarios.front().replications << ' ' << w.col_replications << "</caption>\n";
            o << "<thead><tr><th>" << w.col_measure << "</th><th class=\"num\">" << html_escape(c.baseline)
              << "</th><th class=\"num\">" << html_escape(c.scenario) << "</th><th class=\"num\">" << w.col_difference
              << "</th><th class=\"verdict\">" << w.col_verdict << "</th></tr></thead>\n<tbody>\n";
            for (const auto& r : c.rows) {
                o << "<tr data-metric=\"" << html_escape(r.metric) << "\"><th scope=\"row\">"
                  << measure_cell(r.metric, r.unit, lang) << "</th><td class=\"num\">"
                  << interval_html(r.baseline_mean, r.baseline_low, r.baseline_high, r.unit, lang, false)
                  << "</td><td class=\"num\">"
                  << interval_html(r.scenario_mean, r.scenario_low, r.scenario_high, r.unit, lang, false)
                  << "</td><td class=\"num\">"
                  << interval_html(r.diff_mean, r.diff_low, r.diff_high, r.unit, lang, true)
                  << "</td><td class=\"verdict " << verdict_class(r.verdict) << "\"><span aria-hidden=\"true\">"
                  << verdict_mark(r.verdict) << "</span>" << verdict_word(r.verdict, lang) << "</td></tr>\n";
            }
            o << "</tbody>\n</table></div>\n";
        }
    } else {
        for (std::size_t i = 0; i < d.scenarios.size(); ++i) {
            if (d.scenarios.size() > 1) o << "<h3>" << html_escape(d.scenarios[i].name) << "</h3>\n";
            o << "<div class=\"scroll\"><table class=\"key-figures\" data-scenario=\"" << html_escape(d.scenarios[i].name)
              << "\">\n<thead><tr><th>" << w.col_measure << "</th><th class=\"num\">" << w.col_mean
              << "</th><th class=\"num\">" << w.col_spread << "</th></tr></thead>\n<tbody>\n";
            for (const auto& r : d.summaries[i]) {
                o << "<tr data-metric=\"" << html_escape(r.metric) << "\"><th scope=\"row\">"
                  << measure_cell(r.metric, r.unit, lang) << "</th><td class=\"num\">"
                  << interval_html(r.mean, r.ci_low, r.ci_high, r.unit, lang, false) << "</td><td class=\"num\">"
                  << fmt_value(r.p10, r.unit, lang) << " – " << fmt_value(r.p90, r.unit, lang) << "</td></tr>\n";
            }
            o << "</tbody>\n</table></div>\n";
        }
    }
    o << "</section>\n";
}

// One row of the first screen: when, the measure, baseline, scenario,
// difference and verdict, marked with its period and metric.
void plan_row(std::ostringstream& o, const PeriodRow& r, const ScenarioInfo& base, Language lang) {
    o << "<tr data-period=\"" << (r.period == 0 ? std::string("plan") : std::to_string(r.period))
      << "\" data-period-metric=\"" << html_escape(r.metric) << "\"><th scope=\"row\">"
      << html_escape(period_when(r, base, lang));
    if (r.period != 0 && r.end_date != "NA") o << "<br><span class=\"unit\">" << html_escape(r.end_date) << "</span>";
    std::string measure = html_escape(plan_metric_label(r, base, lang));
    const std::string u = unit_label(r.unit, lang);
    if (!u.empty()) measure += " <span class=\"unit\">(" + html_escape(u) + ")</span>";
    o << "</th><td>" << measure << "</td><td class=\"num\">"
      << interval_html(r.baseline_mean, r.baseline_low, r.baseline_high, r.unit, lang, false)
      << "</td><td class=\"num\">"
      << interval_html(r.scenario_mean, r.scenario_low, r.scenario_high, r.unit, lang, false)
      << "</td><td class=\"num\">" << interval_html(r.diff_mean, r.diff_low, r.diff_high, r.unit, lang, true)
      << "</td><td class=\"verdict " << verdict_class(r.verdict) << "\"><span aria-hidden=\"true\">"
      << verdict_mark(r.verdict) << "</span>" << verdict_word(r.verdict, lang) << "</td></tr>\n";
}

// The first screen of a plan from a start state: the answer, year by year.
void plan_section(std::ostringstream& o, const ReportData& d, const Words& w, Language lang) {
    if (d.period_comparisons.empty()) return;
    const ScenarioInfo& base = d.scenarios.front();
    o << "<section id=\"plan\">\n<h2>" << w.plan_heading << "</h2>\n<p class=\"note\">" << w.plan_intro << "</p>\n";
    for (const auto& t : d.period_comparisons) {
        o << "<h3>" << html_escape(t.scenario) << " vs " << html_escape(t.baseline);
        if (base.start_date) o << " · " << html_escape(scenario::format_date(*base.start_date));
        o << "</h3>\n<p class=\"lead\">" << html_escape(plan_sentence(t, base, lang)) << "</p>\n";
        o << "<div class=\"scroll\"><table class=\"plan\" data-baseline=\"" << html_escape(t.baseline) << "\" data-scenario=\""
          << html_escape(t.scenario) << "\">\n<caption>" << w.ci_header << " — " << base.replications << ' '
          << w.col_replications << "</caption>\n<thead><tr><th>" << w.col_when << "</th><th>" << w.col_measure
          << "</th><th class=\"num\">" << html_escape(t.baseline) << "</th><th class=\"num\">"
          << html_escape(t.scenario) << "</th><th class=\"num\">" << w.col_difference << "</th><th class=\"verdict\">"
          << w.col_verdict << "</th></tr></thead>\n<tbody>\n";
        for (std::size_t k : headline_periods(t.periods()))
            for (std::string_view m : kPlanPeriodMetrics)
                if (const PeriodRow* r = t.find(k, m)) plan_row(o, *r, base, lang);
        for (std::string_view m : kPlanWholeMetrics)
            if (const PeriodRow* r = t.find(0, m)) plan_row(o, *r, base, lang);
        o << "</tbody>\n</table></div>\n";
    }
    o << "</section>\n";
}

void charts_section(std::ostringstream& o, const ReportData& d, const Words& w, Language lang) {
    o << "<section id=\"charts\">\n<h2>" << w.charts << "</h2>\n";
    int k = 0;
    for (const auto& c : chart_list(d, lang)) {
        ChartSpec spec = c.spec;
        spec.id = "chart-" + std::to_string(++k);
        // The title above its chart (a caption below would sit on the next chart's legend).
        o << "<figure id=\"figure-" << html_escape(c.key) << "\">\n<figcaption><strong>" << html_escape(spec.title)
          << ".</strong> " << html_escape(c.caption) << ' ' << w.band_note << "</figcaption>\n<div class=\"scroll\">"
          << svg_chart(spec) << "</div>\n</figure>\n";
    }
    o << "</section>\n";
}

}  // namespace

std::string report_html(const ReportData& d, Language lang) {
    const Words& w = words(lang);
    std::ostringstream o;
    const std::string heading(d.command == "compare" ? w.report_title_compare : w.report_title_run);
    o << "<!DOCTYPE html>\n<html lang=\"" << w.html_lang << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
      << html_escape(d.title.empty() ? heading : d.title + " — " + heading) << "</title>\n<style>" << kCss
      << "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>" << heading << "</h1>\n";
    if (!d.title.empty()) o << "<p class=\"subtitle\">" << html_escape(d.title) << "</p>\n";
    o << "</header>\n";
    plan_section(o, d, w, lang);

    // In short: the headline measures of each comparison, unstable scenarios called out.
    o << "<section id=\"in-short\">\n<h2>" << w.in_short << "</h2>\n";
    for (const auto& c : d.comparisons)
        o << "<p class=\"lead\">" << html_escape(verdict_sentence(c, d.period_table(c), lang)) << "</p>\n";
    if (d.comparisons.empty())
        o << "<p class=\"lead\">" << html_escape(run_sentence(d, lang)) << "</p>\n";
    for (std::size_t i = 0; i < d.scenarios.size(); ++i)
        if (d.checks[i].unstable)
            o << "<p class=\"alert\"><strong>" << w.unstable_badge << ":</strong> "
              << html_escape(unstable_sentence(d.scenarios[i], lang)) << "</p>\n";
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < d.scenarios.size(); ++i)
        for (auto& l : warning_lines(d.scenarios[i], d.checks[i], lang)) lines.push_back(std::move(l));
    if (lines.empty()) o << "<p class=\"ok\">" << w.no_warnings << "</p>\n";
    o << "</section>\n";
    if (!lines.empty()) {
        o << "<section id=\"warnings\">\n<h2>" << w.warnings << "</h2>\n<ul class=\"warnings\">\n";
        for (const auto& l : lines) o << "<li>" << html_escape(l) << "</li>\n";
        o << "</ul>\n</section>\n";
    }

    scenarios_section(o, d, w, lang);
    key_figures_section(o, d, w, lang);
    charts_section(o, d, w, lang);

    o << "<section id=\"how-to-read\">\n<h2>" << w.how_to_read << "</h2>\n";
    for (std::size_t i = 0; i < std::size(w.how_to_read_text); ++i) {
        o << "<p>" << w.how_to_read_text[i];
        if (i == kHowToReadCharts) o << ' ' << start_text(d, lang);
        o << "</p>\n";
    }
    o << "</section>\n<footer>\n<p>" << w.generated_by;
    if (!d.version.empty()) o << ' ' << html_escape(d.version);
    o << " · <code>caseload " << html_escape(d.command) << "</code></p>\n<p>" << html_escape(std::string(w.rebuild_hint))
      << "</p>\n</footer>\n</main>\n</body>\n</html>\n";
    return o.str();
}

}  // namespace caseload::report
