#pragma once
// The words and number formats of the report, in English and Dutch. The HTML
// and Markdown renderers share them, so both say the same thing.

#include "caseload/report/report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace caseload::report::detail {

// Fixed phrases. `{}`-free: sentences with numbers are built in report_text.cpp.
struct Words {
    std::string_view html_lang;
    std::string_view report_title_compare, report_title_run;
    std::string_view in_short, what_was_compared, key_figures, warnings, charts, how_to_read;
    std::string_view col_scenario, col_description, col_file, col_staff, col_horizon, col_warmup, col_replications,
        col_seed;
    std::string_view col_measure, col_difference, col_verdict, col_mean, col_spread;
    std::string_view baseline_tag;  // "(baseline)"
    std::string_view paired_note;
    std::string_view run_note;
    std::string_view no_warnings;
    std::string_view axis_years, axis_weeks_after_referral;
    std::string_view warmup_label;
    std::string_view band_note;  // legend line under a chart
    std::string_view ci_header;  // "mean [95% interval]"
    std::string_view dist_title, dist_caption, dist_axis;
    std::string_view generated_by, rebuild_hint;
    std::string_view unstable_badge;
    std::string_view how_to_read_text[7];  // the paragraph on charts is followed by start_text()
    std::string_view md_series_note, md_year, md_week;
    // The first screen of a plan from a start state (period_comparison.csv).
    std::string_view plan_heading, plan_intro, col_when, plan_whole;
    std::string_view axis_date, md_date;
    // How a run starts, for "how to read this": from a start state, from the
    // default state with a warm-up, from the default state without one.
    std::string_view start_given, start_default_warmup, start_default_no_warmup;
};

[[nodiscard]] const Words& words(Language lang);
// The paragraph of how_to_read_text about the charts.
inline constexpr std::size_t kHowToReadCharts = 3;

// A narrow no-break space (U+202F): groups the digits of large numbers in
// both languages, where a comma or point would be ambiguous.
inline constexpr const char* kThinSpace = "\xE2\x80\xAF";
// "1234567" -> "1 234 567" (with kThinSpace) from five digits on.
[[nodiscard]] std::string group_digits(std::string s);

// Numbers as people read them: output.hpp's human(), with a decimal comma in
// Dutch and digits grouped from 10 000 on. Shares are percentages;
// differences of shares are percentage points.
[[nodiscard]] std::string fmt_value(double v, std::string_view unit, Language lang);
// `with_unit` adds " pp" (Dutch " procentpunt") to a difference of shares; the
// bounds of an interval leave it out, so it is said once.
[[nodiscard]] std::string fmt_diff(double v, std::string_view unit, Language lang, bool with_unit = true);
// "mean [low, high]" ("mean [low; high]" in Dutch); just the mean when the
// interval is missing or has no width.
[[nodiscard]] std::string fmt_interval(double mean, double low, double high, std::string_view unit, Language lang,
                                       bool difference = false);
// A duration in years (or weeks when shorter than a year): "30 years", "26 weken".
[[nodiscard]] std::string fmt_duration(double days, Language lang);
// A plain number (no unit), decimal comma in Dutch.
[[nodiscard]] std::string fmt_plain(double v, Language lang);
// A number in its shortest exact form (output.hpp's number()), decimal comma in Dutch.
[[nodiscard]] std::string fmt_exact(double v, Language lang);

[[nodiscard]] std::string metric_label(std::string_view metric, Language lang);
[[nodiscard]] std::string unit_label(std::string_view unit, Language lang);
[[nodiscard]] std::string verdict_word(experiment::Verdict v, Language lang);
[[nodiscard]] const char* verdict_class(experiment::Verdict v);

// A time series of timeseries.csv: its chart title and the unit of its axis.
// Known names get a proper title; any other gets a generic one with its name.
struct SeriesText {
    std::string title;
    std::string unit;     // for axis labels and numbers: "families", "share", ...
    std::string caption;  // what the chart shows, in a sentence
};
[[nodiscard]] SeriesText series_text(std::string_view name, Language lang);

// "In short" for one comparison: its two or three headline measures with the
// difference, its interval and the verdict ("B against A: average waitlist
// −19.4 families [−30.2, −8.6] (better); ..."). Year by year (`p` given): the
// last period's waitlist and time to help and the staff cost over the plan.
[[nodiscard]] std::string verdict_sentence(const ComparisonTable& c, const PeriodTable* p, Language lang);
// Money as people write it: "€9,185,932" ("€ 9.185.932" in Dutch), signed
// ("+€960,165") when `sign`.
[[nodiscard]] std::string fmt_money(double v, Language lang, bool sign);
// The first screen of a plan: the periods a manager asks about (1, 2, 5 and
// the last, those that exist), when each ends in words ("after 2 years",
// "na 2 jaar"), the measures shown per period and over the whole plan, and
// their labels.
[[nodiscard]] std::vector<std::size_t> headline_periods(std::size_t periods);
[[nodiscard]] std::string period_when(const PeriodRow& r, const ScenarioInfo& baseline, Language lang);
inline constexpr std::string_view kPlanPeriodMetrics[] = {"waitlist_end", "time_to_help_mean_days"};
inline constexpr std::string_view kPlanWholeMetrics[] = {"time_to_waitlist_target_days", "waitlist_target_reached",
                                                         "staff_cost", "family_weeks_waited"};
[[nodiscard]] std::string plan_metric_label(const PeriodRow& r, const ScenarioInfo& baseline, Language lang);
// "After 5 years (2032-01-01) ... waiting with X against ... with the
// baseline ...; staff cost over the plan ...": the answer in one paragraph.
[[nodiscard]] std::string plan_sentence(const PeriodTable& t, const ScenarioInfo& baseline, Language lang);
// How the runs start, for "how to read this".
[[nodiscard]] std::string_view start_text(const ReportData& d, Language lang);

// "100 workers × 1 FTE, caseload norm 14"
[[nodiscard]] std::string staff_text(const ScenarioInfo& s, Language lang);
// The x-th scenario's unstable line for the "in short" section.
[[nodiscard]] std::string unstable_sentence(const ScenarioInfo& s, Language lang);

}  // namespace caseload::report::detail
