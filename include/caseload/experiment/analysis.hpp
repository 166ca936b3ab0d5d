#pragma once
// From replications to what people read: means with intervals, the
// stability verdict, paired comparisons with a verdict in words.

#include "caseload/experiment/runner.hpp"
#include "caseload/stats/inference.hpp"

#include <array>
#include <functional>
#include <map>
#include <string_view>
#include <string>
#include <vector>

namespace caseload::experiment {

struct MetricSummary {
    stats::Interval ci;       // mean over replications with its 95% interval
    double p10 = 0, p90 = 0;  // spread of the replication values
};

struct Stability {
    bool unstable = false;
    stats::Interval growth_per_year;  // waitlist trend after warm-up, families/year
    int stopped_at_bound = 0;         // replications stopped when the waitlist hit waitlist.max_length
    // Replications that ended with more families waiting than all caseloads
    // hold together (norm x funded FTE): the workload spiral, in some
    // replications only, which the mean over replications can hide.
    int tipped = 0;
    int replications = 0;
    std::string reason;               // why it is flagged, in words
};

// All caseload places at the start: norm x FTE x funded positions.
[[nodiscard]] double caseload_places(const scenario::Scenario& s);

struct WarmupCheck {
    bool looks_short = false;
    double suggested_extra_days = 0;  // MSER-5 truncation beyond the warm-up
};

struct WeekSummary {
    double day = 0;
    double waitlist_mean = 0, waitlist_p10 = 0, waitlist_p90 = 0;
    double load_mean = 0, load_p10 = 0, load_p90 = 0;
    // Workforce series (mean, 10th and 90th percentile over replications).
    double fte_mean = 0, fte_p10 = 0, fte_p90 = 0;
    double vacancies_mean = 0, vacancies_p10 = 0, vacancies_p90 = 0;
    double absent_mean = 0, absent_p10 = 0, absent_p90 = 0;
    double turnover_mean = 0, turnover_p10 = 0, turnover_p90 = 0;
    double absenteeism_mean = 0, absenteeism_p10 = 0, absenteeism_p90 = 0;
};

// One reporting period over replications (those that reached it).
struct PeriodSummary {
    double start_day = 0, end_day = 0;
    std::array<stats::Interval, model::kPeriodMetricCount> metrics;
    [[nodiscard]] const stats::Interval& operator[](model::PeriodMetric m) const {
        return metrics[static_cast<std::size_t>(m)];
    }
};

struct Summary {
    std::array<MetricSummary, model::kMetricCount> metrics;
    std::vector<PeriodSummary> periods;
    bool workforce_dynamics = false;  // sick leave or attrition on: the workforce series vary
    Stability stability;
    WarmupCheck warmup;
    std::vector<WeekSummary> weekly;

    [[nodiscard]] const MetricSummary& operator[](model::Metric m) const {
        return metrics[static_cast<std::size_t>(m)];
    }
};

[[nodiscard]] Summary summarize(const ExperimentResult& r);

// One metric's values over replications, in replication order.
[[nodiscard]] std::vector<double> values(const ExperimentResult& r, model::Metric m);

// The verdict on a difference, with a practical size: every metric has a
// minimum relevant difference (MetricInfo::relevant, overridable per compare).
//   better / worse  the paired 95% interval lies wholly beyond it (strictly),
//                   on the better or the worse side;
//   negligible      the interval lies wholly inside [-relevant, +relevant]
//                   (an equivalence test at the 95% level: the two one-sided
//                   tests at 2.5% each);
//   unclear         anything else: these runs cannot tell;
//   not_rated       no better direction, fewer than 2 replications, or a
//                   measure that means nothing for an UNSTABLE scenario.
enum class Verdict { better, worse, negligible, unclear, not_rated };
// The CSV word: "better", "worse", "negligible", "unclear", "-".
[[nodiscard]] const char* to_string(Verdict v);
// Every verdict of every output is decided here.
[[nodiscard]] Verdict decide(model::Better better, const stats::Interval& difference, double relevant);

// How a comparison is judged: overrides of the minimum relevant differences
// (by metric name; a period metric of the same name takes the same value),
// and whether either side is UNSTABLE.
struct VerdictRules {
    std::map<std::string, double, std::less<>> relevant;
    bool unstable = false;
};
// The minimum relevant difference of a metric: the override, else the
// table's. Totals (family-weeks, referrals, closures, departures, staff cost)
// scale with the years they cover: `years` of the window or of the period.
[[nodiscard]] double relevant_difference(std::string_view name, double table_value, bool total, double years,
                                         const VerdictRules& rules);

struct MetricComparison {
    model::Metric metric;
    stats::Interval baseline, scenario;
    stats::Interval difference;           // paired, scenario - baseline
    stats::Interval unpaired_difference;  // Welch, for reference
    double difference_pct = 0;            // difference / baseline mean x 100 (NaN when the baseline is 0)
    double relevant = 0;                  // the minimum relevant difference used
    Verdict verdict = Verdict::not_rated;
};

// Compare `scenario` with `baseline` replication by replication; both must
// have been run with the same seed for the pairing to mean anything. When
// either side is UNSTABLE (rules.unstable) its window means depend on the
// horizon: only the waitlist's growth rate is rated.
[[nodiscard]] std::vector<MetricComparison> compare(const ExperimentResult& baseline, const ExperimentResult& scenario,
                                                    const VerdictRules& rules = {});

// The same, per reporting period: [period][metric]. For an UNSTABLE side the
// values at fixed times are rated, except cost, throughput and staffing
// (staff leave and posts stay empty: a lower cost is no gain).
struct PeriodComparison {
    model::PeriodMetric metric;
    std::size_t period = 0;  // 0 = the first
    stats::Interval baseline, scenario, difference;
    double relevant = 0;
    Verdict verdict = Verdict::not_rated;
};
[[nodiscard]] std::vector<PeriodComparison> compare_periods(const ExperimentResult& baseline,
                                                            const ExperimentResult& scenario,
                                                            const VerdictRules& rules = {});

}  // namespace caseload::experiment
