#pragma once
// The per-replication outcome measures: one table that names them, says their
// unit and which direction is better. Every output (summary, comparison,
// replications.csv) iterates this table, so a metric is added in one place.

#include <array>
#include <cstddef>
#include <string_view>

namespace caseload::model {

enum class Metric : std::size_t {
    waitlist_mean,
    waitlist_end,
    waitlist_max,
    waitlist_growth_per_year,
    time_to_help_mean_days,
    time_to_help_p50_days,
    time_to_help_p90_days,
    time_to_help_urgent_mean_days,
    waited_share,
    helped_within_4w_share,
    still_waiting_end,
    time_to_help_censored_share,
    load_per_fte_mean,
    referrals_per_year,
    closures_per_year,
    count_
};
inline constexpr std::size_t kMetricCount = static_cast<std::size_t>(Metric::count_);

enum class Better { lower, higher, neither };

struct MetricInfo {
    Metric metric;
    std::string_view name;
    std::string_view unit;
    Better better;
    std::string_view description;
    // The range the true mean must lie in: intervals are cut to it, which
    // keeps their coverage (a waitlist cannot be negative).
    [[nodiscard]] constexpr double min() const { return metric == Metric::waitlist_growth_per_year ? -1e300 : 0.0; }
    [[nodiscard]] constexpr double max() const { return unit == "share" ? 1.0 : 1e300; }
};

inline constexpr std::array<MetricInfo, kMetricCount> kMetrics{{
    {Metric::waitlist_mean, "waitlist_mean", "families", Better::lower,
     "time-average number of families without a case worker, after warm-up"},
    {Metric::waitlist_end, "waitlist_end", "families", Better::lower, "families waiting at the horizon"},
    {Metric::waitlist_max, "waitlist_max", "families", Better::lower, "largest waitlist after warm-up"},
    {Metric::waitlist_growth_per_year, "waitlist_growth_per_year", "families/year", Better::lower,
     "least-squares trend of the weekly waitlist after warm-up"},
    {Metric::time_to_help_mean_days, "time_to_help_mean_days", "days", Better::lower,
     "referral to first assignment, families referred after warm-up; still waiting at the horizon counted "
     "with their wait so far (a lower bound)"},
    {Metric::time_to_help_p50_days, "time_to_help_p50_days", "days", Better::lower,
     "median time to help (same families and censoring as the mean)"},
    {Metric::time_to_help_p90_days, "time_to_help_p90_days", "days", Better::lower,
     "90th percentile of time to help (same families and censoring as the mean)"},
    {Metric::time_to_help_urgent_mean_days, "time_to_help_urgent_mean_days", "days", Better::lower,
     "mean time to help of urgent families (same censoring as the mean)"},
    {Metric::waited_share, "waited_share", "share", Better::lower, "share of families who waited at all"},
    {Metric::helped_within_4w_share, "helped_within_4w_share", "share", Better::higher,
     "share helped within 28 days, of families whose outcome is known by the horizon"},
    {Metric::still_waiting_end, "still_waiting_end", "families", Better::lower,
     "families referred after warm-up and still waiting at the horizon (censored waits)"},
    {Metric::time_to_help_censored_share, "time_to_help_censored_share", "share", Better::lower,
     "share of time-to-help observations that are censored at the horizon"},
    {Metric::load_per_fte_mean, "load_per_fte_mean", "families/FTE", Better::neither,
     "time-average weighted caseload per FTE in post"},
    {Metric::referrals_per_year, "referrals_per_year", "families/year", Better::neither, "referrals after warm-up"},
    {Metric::closures_per_year, "closures_per_year", "families/year", Better::neither, "case closures after warm-up"},
}};

[[nodiscard]] constexpr const MetricInfo& info(Metric m) { return kMetrics[static_cast<std::size_t>(m)]; }

}  // namespace caseload::model
