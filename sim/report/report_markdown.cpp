// report.md: the HTML report's twin in Markdown. Charts become small tables
// of the same series (Markdown has no portable way to draw).

#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "caseload/scenario/dates.hpp"
#include "caseload/scenario/scenario.hpp"
#include "report/chart.hpp"
#include "report/report_sections.hpp"
#include "report/report_text.hpp"

#include <cctype>
#include <cmath>
#include <iterator>
#include <sstream>

namespace caseload::report {

using namespace detail;

std::string markdown_escape(std::string_view raw) {
    const std::string clean = printable(raw);  // no control characters from a scenario file
    const std::string_view text = clean;
    std::string out;
    out.reserve(text.size());
    // A list or heading marker at the very start would change the line.
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    const bool ordered = digits > 0 && digits < text.size() && (text[digits] == '.' || text[digits] == ')');
    if (!text.empty() && (text[0] == '-' || text[0] == '+' || text[0] == '=')) out += '\\';
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (ordered && i == digits) out += '\\';
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\n':
            case '\r': out += ' '; break;
            case '\\':
            case '`':
            case '*':
            case '_':
            case '[':
            case ']':
            case '|':
            case '#':
            case '~':
                out += '\\';
                out += c;
                break;
            default: out += c;
        }
    }
    return out;
}

namespace {

std::string cell_band(const BandPoint& p, const std::string& unit, Language lang) {
    return fmt_value(p.mean, unit, lang) + " (" + fmt_value(p.p10, unit, lang) + "–" + fmt_value(p.p90, unit, lang) +
           ")";
}

// The last point at or before x (or nullptr).
const BandPoint* at_or_before(const std::vector<BandPoint>& band, double x) {
    const BandPoint* best = nullptr;
    for (const auto& p : band)
        if (p.x <= x) best = &p;
    return best;
}

void series_table(std::ostringstream& o, const ReportData& d, const ChartPlan& c, Language lang) {
    const Words& w = words(lang);
    const auto& bands = c.series->by_scenario;
    std::vector<double> xs;  // in the series' own unit (days or weeks)
    if (c.weeks) {
        for (double k : {0.0, 1.0, 2.0, 4.0, 8.0, 13.0, 26.0, 52.0, 104.0}) xs.push_back(k);
    } else {
        double end = 0;
        for (const auto& b : bands)
            if (!b.empty()) end = std::max(end, b.back().x);
        if (c.spec.start_date) {
            for (double day : date_ticks(*c.spec.start_date, end, 8))
                if (day > 0) xs.push_back(day);
        } else {
            for (double t : nice_ticks(0, end / scenario::kDaysPerYear, 8))
                if (t > 0) xs.push_back(t * scenario::kDaysPerYear);
        }
    }
    const bool dates = !c.weeks && c.spec.start_date;
    o << "| " << (c.weeks ? w.md_week : dates ? w.md_date : w.md_year);
    for (const auto& s : d.scenarios) o << " | " << markdown_escape(s.name);
    o << " |\n|---:";
    for (std::size_t i = 0; i < d.scenarios.size(); ++i) o << "|---:";
    o << "|\n";
    for (double x : xs) {
        std::string row = "| " + (dates ? scenario::date_after(*c.spec.start_date, x)
                                        : fmt_exact(c.weeks ? x : std::round(x / scenario::kDaysPerYear * 100) / 100,
                                                    lang));
        bool any = false;
        for (std::size_t i = 0; i < d.scenarios.size(); ++i) {
            const BandPoint* p = i < bands.size() ? at_or_before(bands[i], c.weeks ? x : x + 3.5) : nullptr;
            if (p && c.weeks && p->x != x) p = nullptr;
            row += " | " + (p ? cell_band(*p, c.unit, lang) : std::string("–"));
            any = any || p;
        }
        if (any) o << row << " |\n";
    }
}

// The first screen of a plan from a start state, as in report.html.
void plan_section(std::ostringstream& o, const ReportData& d, const Words& w, Language lang) {
    if (d.period_comparisons.empty()) return;
    const ScenarioInfo& base = d.scenarios.front();
    o << "## " << w.plan_heading << "\n\n" << w.plan_intro << "\n\n";
    for (const auto& t : d.period_comparisons) {
        o << "### " << markdown_escape(t.scenario) << " vs " << markdown_escape(t.baseline);
        if (base.start_date) o << " · " << scenario::format_date(*base.start_date);
        o << "\n\n" << markdown_escape(plan_sentence(t, base, lang)) << "\n\n" << w.ci_header << " — "
          << base.replications << ' ' << w.col_replications << "\n\n| " << w.col_when << " | " << w.col_measure
          << " | " << markdown_escape(t.baseline) << " | " << markdown_escape(t.scenario) << " | " << w.col_difference
          << " | " << w.col_verdict << " |\n|---|---|---:|---:|---:|---|\n";
        auto row = [&](const PeriodRow& r) {
            std::string when = period_when(r, base, lang);
            if (r.period != 0 && r.end_date != "NA") when += " (" + r.end_date + ")";
            std::string measure = markdown_escape(plan_metric_label(r, base, lang));
            const std::string u = unit_label(r.unit, lang);
            if (!u.empty()) measure += " (" + markdown_escape(u) + ")";
            const std::string verdict = verdict_word(r.verdict, lang);
            o << "| " << markdown_escape(when) << " | " << measure << " | "
              << fmt_interval(r.baseline_mean, r.baseline_low, r.baseline_high, r.unit, lang) << " | "
              << fmt_interval(r.scenario_mean, r.scenario_low, r.scenario_high, r.unit, lang) << " | "
              << fmt_interval(r.diff_mean, r.diff_low, r.diff_high, r.unit, lang, true) << " | "
              << (r.verdict == experiment::Verdict::not_rated ? verdict : "**" + verdict + "**") << " |\n";
        };
        for (std::size_t k : headline_periods(t.periods()))
            for (std::string_view m : kPlanPeriodMetrics)
                if (const PeriodRow* r = t.find(k, m)) row(*r);
        for (std::string_view m : kPlanWholeMetrics)
            if (const PeriodRow* r = t.find(0, m)) row(*r);
        o << "\n";
    }
}

}  // namespace

std::string report_markdown(const ReportData& d, Language lang) {
    const Words& w = words(lang);
    std::ostringstream o;
    o << "# " << (d.command == "compare" ? w.report_title_compare : w.report_title_run) << "\n\n";
    if (!d.title.empty()) o << markdown_escape(d.title) << "\n\n";

    plan_section(o, d, w, lang);
    o << "## " << w.in_short << "\n\n";
    for (const auto& c : d.comparisons) {
        // The sentence holds scenario names: escape it as a whole.
        o << markdown_escape(verdict_sentence(c, d.period_table(c), lang)) << "\n\n";
    }
    if (d.comparisons.empty()) o << markdown_escape(run_sentence(d, lang)) << "\n\n";
    for (std::size_t i = 0; i < d.scenarios.size(); ++i)
        if (d.checks[i].unstable)
            o << "> **" << w.unstable_badge << ":** " << markdown_escape(unstable_sentence(d.scenarios[i], lang))
              << "\n\n";
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < d.scenarios.size(); ++i)
        for (auto& l : warning_lines(d.scenarios[i], d.checks[i], lang)) lines.push_back(std::move(l));
    if (lines.empty()) {
        o << w.no_warnings << "\n\n";
    } else {
        o << "## " << w.warnings << "\n\n";
        for (const auto& l : lines) o << "- " << markdown_escape(l) << "\n";
        o << "\n";
    }

    o << "## " << w.what_was_compared << "\n\n| " << w.col_scenario << " | " << w.col_description << " | "
      << w.col_staff << " | " << w.col_horizon << " | " << w.col_warmup << " | " << w.col_replications << " | "
      << w.col_seed << " | " << w.col_file << " |\n|---|---|---|---|---|---:|---:|---|\n";
    for (std::size_t i = 0; i < d.scenarios.size(); ++i) {
        const auto& s = d.scenarios[i];
        o << "| **" << markdown_escape(s.name) << "**";
        if (i == 0 && d.command == "compare") o << ' ' << w.baseline_tag;
        if (d.checks[i].unstable) o << ' ' << w.unstable_badge;
        o << " | " << markdown_escape(s.description);
        if (i > 0 && d.command == "compare")
            o << "<br>**" << (lang == Language::nl ? "Interventies en wijzigingen" : "Interventions and changes") << ":** "
              << markdown_escape(s.changes(lang));
        o << " | " << markdown_escape(staff_text(s, lang)) << " | "
          << fmt_duration(s.horizon_days, lang) << " | " << fmt_duration(s.warmup_days, lang) << " | "
          << s.replications << " | " << s.seed << " | " << markdown_escape(s.file) << " |\n";
    }
    o << "\n" << (d.command == "compare" ? w.paired_note : w.run_note) << "\n\n";

    o << "## " << w.key_figures << "\n\n";
    auto measure = [&](const std::string& metric, const std::string& unit) {
        std::string s = markdown_escape(metric_label(metric, lang));
        const std::string u = unit_label(unit, lang);
        if (!u.empty()) s += " (" + markdown_escape(u) + ")";
        return s;
    };
    if (!d.comparisons.empty()) {
        for (const auto& c : d.comparisons) {
            o << "### " << markdown_escape(c.scenario) << " vs " << markdown_escape(c.baseline) << "\n\n"
              << w.ci_header << " — " << d.scenarios.front().replications << ' ' << w.col_replications << "\n\n| "
              << w.col_measure << " | " << markdown_escape(c.baseline) << " | " << markdown_escape(c.scenario) << " | "
              << w.col_difference << " | " << w.col_verdict << " |\n|---|---:|---:|---:|---|\n";
            for (const auto& r : c.rows) {
                const std::string verdict = verdict_word(r.verdict, lang);
                o << "| " << measure(r.metric, r.unit) << " | "
                  << fmt_interval(r.baseline_mean, r.baseline_low, r.baseline_high, r.unit, lang) << " | "
                  << fmt_interval(r.scenario_mean, r.scenario_low, r.scenario_high, r.unit, lang) << " | "
                  << fmt_interval(r.diff_mean, r.diff_low, r.diff_high, r.unit, lang, true) << " | "
                  << (r.verdict == experiment::Verdict::not_rated ? verdict : "**" + verdict + "**") << " |\n";
            }
            o << "\n";
        }
    } else {
        for (std::size_t i = 0; i < d.scenarios.size(); ++i) {
            if (d.scenarios.size() > 1) o << "### " << markdown_escape(d.scenarios[i].name) << "\n\n";
            o << "| " << w.col_measure << " | " << w.col_mean << " | " << w.col_spread << " |\n|---|---:|---:|\n";
            for (const auto& r : d.summaries[i])
                o << "| " << measure(r.metric, r.unit) << " | "
                  << fmt_interval(r.mean, r.ci_low, r.ci_high, r.unit, lang) << " | " << fmt_value(r.p10, r.unit, lang)
                  << " – " << fmt_value(r.p90, r.unit, lang) << " |\n";
            o << "\n";
        }
    }

    o << "## " << w.charts << "\n\n";
    for (const auto& c : chart_list(d, lang)) {
        o << "### " << markdown_escape(c.spec.title) << "\n\n" << markdown_escape(c.caption) << ' ' << w.md_series_note
          << "\n\n";
        series_table(o, d, c, lang);
        o << "\n";
    }

    o << "## " << w.how_to_read << "\n\n";
    for (std::size_t i = 0; i < std::size(w.how_to_read_text); ++i) {
        o << w.how_to_read_text[i];
        if (i == kHowToReadCharts) o << ' ' << start_text(d, lang);
        o << "\n\n";
    }
    o << "---\n\n" << w.generated_by;
    if (!d.version.empty()) o << ' ' << markdown_escape(d.version);
    o << " · caseload " << markdown_escape(d.command) << " · " << markdown_escape(w.rebuild_hint) << "\n";
    return o.str();
}

}  // namespace caseload::report
