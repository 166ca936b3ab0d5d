#pragma once
// Results per period of a plan (year 1, 2, ... from the end of warm-up, or
// from the start state's date): one table that names each measure, its unit
// and which direction is better, like the whole-window metrics table.

#include "caseload/model/metrics.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace caseload::model {

enum class PeriodMetric : std::size_t {
    waitlist_end,
    waiting_over_target_end,
    waitlist_mean,
    family_weeks_waited,
    time_to_help_mean_days,
    time_to_help_p90_days,
    helped_within_target_share,
    referrals,
    closures,
    departures,
    turnover_per_year,
    fte_in_post_mean,
    staff_cost,
    waiting_children_end,
    under_measure_end,
    children_under_measure_end,
    count_
};
inline constexpr std::size_t kPeriodMetricCount = static_cast<std::size_t>(PeriodMetric::count_);

struct PeriodMetricInfo {
    PeriodMetric metric;
    std::string_view name;
    std::string_view unit;
    Better better;
    std::string_view description;
    // The minimum relevant difference per period, as MetricInfo::relevant.
    double relevant = 0;
};

inline constexpr std::array<PeriodMetricInfo, kPeriodMetricCount> kPeriodMetrics{{
    {PeriodMetric::waitlist_end, "waitlist_end", "families", Better::lower, "families waiting at the period's end", 5},
    {PeriodMetric::waiting_over_target_end, "waiting_over_target_end", "families", Better::lower,
     "families waiting at the period's end who have waited longer than targets.time_to_help", 5},
    {PeriodMetric::waitlist_mean, "waitlist_mean", "families", Better::lower, "time-average waitlist in the period", 5},
    {PeriodMetric::family_weeks_waited, "family_weeks_waited", "family-weeks", Better::lower,
     "weeks waited in the period, summed over families (the integral of the waitlist)", 260},
    {PeriodMetric::time_to_help_mean_days, "time_to_help_mean_days", "days", Better::lower,
     "referral to first assignment of families referred in the period (waits past the horizon counted so far)", 7},
    {PeriodMetric::time_to_help_p90_days, "time_to_help_p90_days", "days", Better::lower,
     "90th percentile of time to help of families referred in the period", 14},
    {PeriodMetric::helped_within_target_share, "helped_within_target_share", "share", Better::higher,
     "share of families referred in the period helped within targets.time_to_help (outcome known by the horizon)", 0.02},
    {PeriodMetric::referrals, "referrals", "families", Better::neither, "referrals in the period", 10},
    {PeriodMetric::closures, "closures", "families", Better::neither, "case closures in the period", 10},
    {PeriodMetric::departures, "departures", "workers", Better::lower, "case workers who left in the period", 1},
    {PeriodMetric::turnover_per_year, "turnover_per_year", "share", Better::lower,
     "departures in the period over its average headcount, per year", 0.01},
    {PeriodMetric::fte_in_post_mean, "fte_in_post_mean", "FTE", Better::neither, "time-average case-carrying FTE in post", 1},
    {PeriodMetric::staff_cost, "staff_cost", "euro", Better::lower,
     "cost of the FTE in post and support workers in the period, at workforce.cost_per_fte_year", 80000},
    {PeriodMetric::waiting_children_end, "waiting_children_end", "children", Better::lower,
     "children in the families waiting at the period's end", 9},
    {PeriodMetric::under_measure_end, "under_measure_end", "families", Better::neither,
     "families with a running measure at the period's end: with a worker or waiting for one", 10},
    {PeriodMetric::children_under_measure_end, "children_under_measure_end", "children", Better::neither,
     "children under a running measure at the period's end (CBS counts measures per child)", 18},
}};

[[nodiscard]] constexpr const PeriodMetricInfo& info(PeriodMetric m) { return kPeriodMetrics[static_cast<std::size_t>(m)]; }

namespace detail {
constexpr bool period_table_in_order() {
    for (std::size_t i = 0; i < kPeriodMetricCount; ++i)
        if (static_cast<std::size_t>(kPeriodMetrics[i].metric) != i) return false;
    return true;
}
}  // namespace detail
static_assert(detail::period_table_in_order(), "kPeriodMetrics follows PeriodMetric");

struct PeriodResult {
    double start_day = 0.0;  // since time 0
    double end_day = 0.0;
    std::array<double, kPeriodMetricCount> values{};
    [[nodiscard]] double operator[](PeriodMetric m) const { return values[static_cast<std::size_t>(m)]; }
};

}  // namespace caseload::model
