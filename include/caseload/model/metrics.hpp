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
    case_length_mean_days,
    worker_changes_per_case,
    days_without_worker_mean,
    time_to_care_mean_days,
    repeat_referral_rate,
    placed_share,
    escalations_per_year,
    fte_in_post_mean,
    capacity_mean,
    vacancies_mean,
    turnover_per_year,
    departures_per_year,
    absenteeism_share,
    staff_cost_per_year,
    cost_per_closed_case,
    helped_within_target_share,
    waiting_over_target_end,
    family_weeks_waited,
    time_to_waitlist_target_days,
    waitlist_target_reached,
    overload_mean,
    left_waiting_per_year,
    waiting_children_mean,
    waiting_children_end,
    children_referred_per_year,
    left_waiting_children_per_year,
    without_contact_mean,
    without_contact_end,
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
    // The minimum relevant difference, in the metric's unit (shares as
    // fractions: 0.02 is 2 percentage points): a difference whose paired 95%
    // interval lies beyond it is better or worse, one inside it negligible.
    // A compare file may override it (`relevant: {metric: value}`).
    double relevant = 0;
    // The range the true mean must lie in: intervals are cut to it, which
    // keeps their coverage (a waitlist cannot be negative).
    [[nodiscard]] constexpr double min() const { return metric == Metric::waitlist_growth_per_year ? -1e300 : 0.0; }
    // Shares of something are at most 1; turnover is a rate (departures per
    // FTE-year, shown as a percentage) and can exceed 100% a year.
    [[nodiscard]] constexpr double max() const {
        return unit == "share" && metric != Metric::turnover_per_year ? 1.0 : 1e300;
    }
};

inline constexpr std::array<MetricInfo, kMetricCount> kMetrics{{
    {Metric::waitlist_mean, "waitlist_mean", "families", Better::lower,
     "time-average number of families without a case worker, after warm-up", 5},
    {Metric::waitlist_end, "waitlist_end", "families", Better::lower, "families waiting at the horizon", 5},
    {Metric::waitlist_max, "waitlist_max", "families", Better::lower, "largest waitlist after warm-up", 10},
    {Metric::waitlist_growth_per_year, "waitlist_growth_per_year", "families/year", Better::lower,
     "least-squares trend of the weekly waitlist over the second half of the window after warm-up", 5},
    {Metric::time_to_help_mean_days, "time_to_help_mean_days", "days", Better::lower,
     "referral to first assignment, families referred after warm-up; still waiting at the horizon counted "
     "with their wait so far (a lower bound)", 7},
    {Metric::time_to_help_p50_days, "time_to_help_p50_days", "days", Better::lower,
     "median time to help (same families and censoring as the mean)", 7},
    {Metric::time_to_help_p90_days, "time_to_help_p90_days", "days", Better::lower,
     "90th percentile of time to help (same families and censoring as the mean)", 14},
    {Metric::time_to_help_urgent_mean_days, "time_to_help_urgent_mean_days", "days", Better::lower,
     "mean time to help of urgent families (same censoring as the mean)", 3},
    {Metric::waited_share, "waited_share", "share", Better::lower, "share of families who waited at all", 0.02},
    {Metric::helped_within_4w_share, "helped_within_4w_share", "share", Better::higher,
     "share helped within 28 days, of families whose outcome is known by the horizon", 0.02},
    {Metric::still_waiting_end, "still_waiting_end", "families", Better::lower,
     "families referred after warm-up and still waiting at the horizon (censored waits)", 5},
    {Metric::time_to_help_censored_share, "time_to_help_censored_share", "share", Better::lower,
     "share of time-to-help observations that are censored at the horizon", 0.02},
    {Metric::load_per_fte_mean, "load_per_fte_mean", "families/FTE", Better::neither,
     "time-average weighted caseload per FTE in post", 0.5},
    {Metric::referrals_per_year, "referrals_per_year", "families/year", Better::neither, "referrals after warm-up", 10},
    {Metric::closures_per_year, "closures_per_year", "families/year", Better::neither, "case closures after warm-up", 10},
    {Metric::case_length_mean_days, "case_length_mean_days", "days", Better::neither,
     "referral to closure, cases closed after warm-up (waiting included)", 14},
    {Metric::worker_changes_per_case, "worker_changes_per_case", "changes", Better::lower,
     "re-assignments to another worker per closed case (continuity of care)", 0.05},
    {Metric::days_without_worker_mean, "days_without_worker_mean", "days", Better::lower,
     "days without a permanent worker per closed case, in total (first wait and every wait after a handover)", 7},
    {Metric::time_to_care_mean_days, "time_to_care_mean_days", "days", Better::lower,
     "referral to the start of specialist care, families referred after warm-up whose care started", 7},
    {Metric::repeat_referral_rate, "repeat_referral_rate", "share", Better::lower,
     "share of closed cases referred again (the repeat is counted at closure)", 0.01},
    {Metric::placed_share, "placed_share", "share", Better::lower, "share of referrals placed out of home", 0.01},
    {Metric::escalations_per_year, "escalations_per_year", "families/year", Better::neither,
     "waiting families escalated to urgent by triage", 5},
    {Metric::fte_in_post_mean, "fte_in_post_mean", "FTE", Better::neither, "time-average case-carrying FTE in post (sick included)", 1},
    {Metric::capacity_mean, "capacity_mean", "families", Better::neither,
     "time-average places workers may fill: caps of the workers present, ramp-up included", 14},
    {Metric::vacancies_mean, "vacancies_mean", "FTE", Better::lower, "time-average funded FTE not in post", 1},
    {Metric::turnover_per_year, "turnover_per_year", "share", Better::lower,
     "departures per year over the average headcount in post", 0.01},
    {Metric::departures_per_year, "departures_per_year", "workers/year", Better::lower, "workers leaving per year", 1},
    {Metric::absenteeism_share, "absenteeism_share", "share", Better::lower, "sick FTE over FTE in post, time-average", 0.005},
    {Metric::staff_cost_per_year, "staff_cost_per_year", "euro/year", Better::lower,
     "cost of the FTE in post (sick included) at workforce.cost_per_fte_year", 80000},
    {Metric::cost_per_closed_case, "cost_per_closed_case", "euro", Better::lower, "staff cost over closed cases", 500},
    {Metric::helped_within_target_share, "helped_within_target_share", "share", Better::higher,
     "share helped within targets.time_to_help, of families whose outcome is known by the horizon", 0.02},
    {Metric::waiting_over_target_end, "waiting_over_target_end", "families", Better::lower,
     "families waiting at the horizon who have waited longer than targets.time_to_help (families of a start state included)", 5},
    {Metric::family_weeks_waited, "family_weeks_waited", "family-weeks", Better::lower,
     "weeks waited after warm-up, summed over families: the integral of the waitlist over the window", 260},
    {Metric::time_to_waitlist_target_days, "time_to_waitlist_target_days", "days", Better::lower,
     "from the end of warm-up until the waitlist is first at or under targets.waitlist; NA when it never gets there "
     "(see waitlist_target_reached)", 30},
    {Metric::waitlist_target_reached, "waitlist_target_reached", "share", Better::higher,
     "1 when the waitlist got to targets.waitlist within the horizon, else 0: its mean is the share of replications", 0.1},
    {Metric::overload_mean, "overload_mean", "share", Better::lower,
     "time-average share above the norm workers may carry while families wait (workforce.overload)", 0.02},
    {Metric::left_waiting_per_year, "left_waiting_per_year", "families/year", Better::neither,
     "families who left the waitlist before a first worker (measure ended, lapsed or taken over); never counted as helped", 5},
    {Metric::waiting_children_mean, "waiting_children_mean", "children", Better::lower,
     "time-average number of children in the families without a case worker (referrals.children)", 10},
    {Metric::waiting_children_end, "waiting_children_end", "children", Better::lower,
     "children in the families waiting at the horizon", 10},
    {Metric::children_referred_per_year, "children_referred_per_year", "children/year", Better::neither,
     "children in the families referred after warm-up", 10},
    {Metric::left_waiting_children_per_year, "left_waiting_children_per_year", "children/year", Better::neither,
     "children in the families who left the waitlist before a first worker", 10},
    {Metric::without_contact_mean, "without_contact_mean", "families", Better::lower,
     "waiting families without interim contact for longer than waitlist.interim_contact.interval, mean of the weekly counts", 5},
    {Metric::without_contact_end, "without_contact_end", "families", Better::lower,
     "the same at the last weekly tick", 5},
}};

namespace detail {
constexpr bool metric_table_in_order() {
    for (std::size_t i = 0; i < kMetricCount; ++i)
        if (static_cast<std::size_t>(kMetrics[i].metric) != i) return false;
    return true;
}
}  // namespace detail
static_assert(detail::metric_table_in_order(), "kMetrics follows Metric");

[[nodiscard]] constexpr const MetricInfo& info(Metric m) { return kMetrics[static_cast<std::size_t>(m)]; }

}  // namespace caseload::model
