#pragma once
// The report a manager reads: one self-contained HTML page (inline SVG charts
// and CSS, no scripts) and its Markdown twin, in English or Dutch.
//
// A report is always built from the files of a results folder, never from
// the run in memory: `caseload compare` writes the data files, reads them
// back and renders them, exactly as `caseload report DIR` does later. So
// everything the report shows is saved in the folder, and rebuilding a
// report gives the same bytes.

#include "caseload/experiment/analysis.hpp"
#include "caseload/report/language.hpp"
#include "caseload/scenario/input_error.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace caseload::report {


// A results folder is missing a file, or a file does not read as expected
// (bad input, exit code 2). The message names the file and line.
class ReportInputError : public InputError {
public:
    explicit ReportInputError(const std::string& message) : std::runtime_error(message) {}
};

// ---- files the report needs beyond the CSV files of output.hpp --------------

// `time_to_help_distribution.csv`: scenario,week,mean,p10,p90 — the share of
// the families referred after warm-up helped within `week` weeks (0..104),
// mean and 10-90% spread over replications.
[[nodiscard]] std::string time_to_help_distribution_csv(const std::vector<experiment::ExperimentResult>& results);

// `checks.csv`: scenario,unstable,reason,stopped_at_bound,growth_per_year,
// warmup_looks_short,warmup_extra_days — the stability and warm-up checks
// behind the report's warnings.
[[nodiscard]] std::string checks_csv(const std::vector<experiment::ExperimentResult>& results,
                                     const std::vector<experiment::Summary>& summaries);

// ---- what a report shows -----------------------------------------------------

struct ScenarioInfo {
    std::string name;
    std::string description;
    std::string file;  // the scenario file it was loaded from
    int replications = 0;
    double horizon_days = 0;
    double warmup_days = 0;
    std::uint64_t seed = 0;
    int workers = 0;
    double fte = 0;
    double caseload_norm = 0;
    std::int64_t waitlist_max_length = 0;
    bool start_state = false;                // starts from a given state (initial: ...)
    std::optional<std::int64_t> start_date;  // days since 1970-01-01 of time 0
    double period_days = 0;                  // the reporting period
    std::optional<double> waitlist_target;   // families (targets.waitlist)
    std::string start_state_file;            // the start state laid over it (compare: from:), when known
    std::string changes_en, changes_nl;      // its interventions and changes against the baseline (not the baseline's)
    [[nodiscard]] const std::string& changes(Language lang) const { return lang == Language::nl ? changes_nl : changes_en; }
};

// One row of summary.csv.
struct SummaryRow {
    std::string metric, unit;
    double mean = 0, ci_low = 0, ci_high = 0, p10 = 0, p90 = 0;
    std::size_t replications = 0;
};

// One row of comparison.csv.
struct ComparisonRow {
    std::string metric, unit, better;
    double baseline_mean = 0, baseline_low = 0, baseline_high = 0;
    double scenario_mean = 0, scenario_low = 0, scenario_high = 0;
    double diff_mean = 0, diff_low = 0, diff_high = 0;
    experiment::Verdict verdict = experiment::Verdict::not_rated;
};

struct ComparisonTable {  // one scenario against the baseline
    std::string baseline, scenario;
    std::vector<ComparisonRow> rows;  // in the order of comparison.csv
};

// One row of period_comparison.csv: a measure after one period of the plan
// (period 1, 2, ...), or over the whole plan (period 0, `plan` in the file).
struct PeriodRow {
    std::size_t period = 0;
    double start_day = 0, end_day = 0;
    std::string start_date, end_date;  // "NA" without a start date
    std::string metric, unit, better;
    double baseline_mean = 0, baseline_low = 0, baseline_high = 0;
    double scenario_mean = 0, scenario_low = 0, scenario_high = 0;
    double diff_mean = 0, diff_low = 0, diff_high = 0;
    experiment::Verdict verdict = experiment::Verdict::not_rated;
};

struct PeriodTable {  // one scenario against the baseline, year by year
    std::string baseline, scenario;
    std::vector<PeriodRow> rows;  // in the order of period_comparison.csv
    // The row of `metric` after `period` (0: over the plan), or nullptr.
    [[nodiscard]] const PeriodRow* find(std::size_t period, std::string_view metric) const;
    [[nodiscard]] std::size_t periods() const;  // the number of periods
};

struct BandPoint {
    double x = 0;  // day (time series) or week (time-to-help distribution)
    double mean = 0, p10 = 0, p90 = 0;
};

// One named series (a `metric` of timeseries.csv, or the time-to-help
// distribution), one band per scenario, scenarios in report order.
struct Series {
    std::string name;
    std::vector<std::vector<BandPoint>> by_scenario;
};

struct Checks {
    bool unstable = false;
    std::string reason;  // in English, as the analysis gave it
    int stopped_at_bound = 0;
    int tipped = 0;        // replications whose waitlist ended above all caseload places
    int replications = 0;
    double growth_per_year = 0;
    bool warmup_looks_short = false;
    double warmup_extra_days = 0;
    double censored_share = 0;  // time_to_help_censored_share, mean over replications
};

struct ReportData {
    std::string command;  // "run" or "compare"
    std::string title;
    std::string version;
    std::vector<ScenarioInfo> scenarios;             // the baseline first
    std::vector<std::vector<SummaryRow>> summaries;  // per scenario, in summary.csv order
    std::vector<Checks> checks;                      // per scenario
    std::vector<ComparisonTable> comparisons;            // empty for a single run
    // period_comparison.csv: the comparisons that answer year by year (a plan
    // from a start state, or an UNSTABLE scenario); empty for a steady-state
    // comparison, a single run, or a folder written before the file existed.
    std::vector<PeriodTable> period_comparisons;
    // The year-by-year table of a comparison, or nullptr.
    [[nodiscard]] const PeriodTable* period_table(const ComparisonTable& c) const {
        for (const auto& t : period_comparisons)
            if (t.baseline == c.baseline && t.scenario == c.scenario) return &t;
        return nullptr;
    }
    std::vector<Series> series;                      // timeseries.csv, metrics in file order
    Series time_to_help;                             // time_to_help_distribution.csv
};

// Read a results folder (metadata.json, the resolved scenario files,
// summary.csv, checks.csv, timeseries.csv, time_to_help_distribution.csv and,
// for a comparison, comparison.csv and period_comparison.csv). Throws
// ReportInputError.
[[nodiscard]] ReportData read_results(const std::filesystem::path& dir);

[[nodiscard]] std::string report_html(const ReportData& data, Language lang);
[[nodiscard]] std::string report_markdown(const ReportData& data, Language lang);

// The warnings of one scenario in words (unstable, warm-up, censoring), the
// same lines as report::warnings gives for English.
[[nodiscard]] std::vector<std::string> warning_lines(const ScenarioInfo& scenario, const Checks& checks,
                                                     Language lang);

// Text escaping for the two formats: every text that comes from a scenario
// file goes through one of these.
[[nodiscard]] std::string html_escape(std::string_view text);
[[nodiscard]] std::string markdown_escape(std::string_view text);

}  // namespace caseload::report
