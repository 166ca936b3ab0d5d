#include "recorder.hpp"

#include "caseload/stats/inference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace caseload::model::detail {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kEps = 1e-9;
constexpr double kWeek = 7.0;
constexpr double kHelpedWithinDays = 28.0;  // "helped within 4 weeks"
constexpr double kYear = scenario::kDaysPerYear;
}  // namespace

Recorder::Recorder(const scenario::Scenario& sc, ReplicationResult& result)
    : sc_(sc), result_(result), warmup_(sc.warmup_days) {
    result_.weekly.reserve(static_cast<std::size_t>(sc.horizon_days / kWeek) + 1);
}

void Recorder::reset_window() {
    referrals_in_window_ = closures_in_window_ = repeats_in_window_ = repeats_triggered_in_window_ = 0;
    placed_in_window_ = departures_in_window_ = escalations_in_window_ = left_waiting_in_window_ = 0;
    children_in_window_ = left_waiting_children_in_window_ = 0;
}

void Recorder::closure(Time now, const Family& f) {
    if (!in_window(now)) return;
    ++closures_in_window_;
    case_length_.add(now - f.referred_at);
    worker_changes_.add(double(f.worker_changes));
    days_without_worker_.add(f.days_without_worker);
}

void Recorder::repeat_triggered(Time now) {
    if (in_window(now)) ++repeats_triggered_in_window_;
}

void Recorder::departure(Time now) {
    if (in_window(now)) ++departures_in_window_;
    ++departures_in_week_;
}

void Recorder::escalation(Time now) {
    if (in_window(now)) ++escalations_in_window_;
}

void Recorder::left_waiting(Time now, const Family& f) {
    if (!in_window(now)) return;
    ++left_waiting_in_window_;
    left_waiting_children_in_window_ += f.children;
}

void Recorder::without_contact(Time now, std::size_t families) {
    without_contact_last_ = double(families);
    if (in_window(now)) without_contact_.add(double(families));
}

void Recorder::care_started(const Family& f, double delay) {
    if (f.in_cohort) time_to_care_.add(delay);
}

void Recorder::wait(double days, bool urgent, bool censored) {
    if (!censored) helped_hist_.add(days);
    wait_hist_.add(days);
    wait_stats_.add(days);
    if (urgent) urgent_wait_stats_.add(days);
    if (censored) {
        ++censored_;
        if (days >= kHelpedWithinDays) ++outcome_known_;
    } else {
        ++outcome_known_;
        if (days <= kHelpedWithinDays) ++helped_within_;
    }
    if (days > 0.0) ++waited_;
    const double target = sc_.targets.time_to_help_days;
    if (censored) {
        if (days >= target) ++target_outcome_known_;
    } else {
        ++target_outcome_known_;
        if (days <= target) ++helped_within_target_;
    }
}

// Turnover divides by the headcount at the start of the week: any later
// count is lowered by the week's own departures (not yet replaced), which
// biases the ratio up by about (1 + departures a week) / (2 x headcount), 3%
// for 20 workers.
void Recorder::sample(Time now, double waiting, double total_load, double fte_in_post, double funded_fte,
                      double sick_fte) {
    result_.weekly.push_back({now, waiting, total_load / std::max(fte_in_post, kEps), fte_in_post,
                              funded_fte - fte_in_post, sick_fte,
                              week_start_heads_ > 0
                                  ? double(departures_in_week_) * (kYear / kWeek) / week_start_heads_
                                  : kNaN,
                              fte_in_post > 0 ? sick_fte / fte_in_post : kNaN});
    departures_in_week_ = 0;
}

void Recorder::finish(Time end, const Readings& r, const std::vector<Family>& families) {
    auto& m = result_.metrics;
    auto set = [&m](Metric k, double v) { m[static_cast<std::size_t>(k)] = v; };
    result_.ended_at_day = end;
    const double window = end - warmup_;
    if (!(window > 0.0)) {
        m.fill(kNaN);
        result_.helped_within_weeks.fill(kNaN);
        return;
    }
    // Families never helped and still waiting: their waits are censored at `end`.
    for (const Family& f : families)
        if (f.active && f.worker == kNoWorker && f.in_cohort && !f.helped) wait(end - f.referred_at, f.urgent, true);

    const double years = window / kYear;
    set(Metric::waitlist_mean, r.waitlist_mean);
    set(Metric::waitlist_end, r.waiting);
    set(Metric::waitlist_max, r.waitlist_max);

    // The trend over the second half of the window: a queue still filling
    // up slows down there, one that does not settle keeps growing.
    std::vector<double> x, y;
    const double trend_from = warmup_ + 0.5 * window;
    for (const auto& s : result_.weekly)
        if (s.day >= trend_from) {
            x.push_back(s.day);
            y.push_back(s.waitlist);
        }
    set(Metric::waitlist_growth_per_year, stats::ols_slope(x, y) * kYear);

    const double n = double(wait_stats_.count());
    set(Metric::time_to_help_mean_days, wait_stats_.mean());
    set(Metric::time_to_help_p50_days, wait_hist_.quantile(0.5));
    set(Metric::time_to_help_p90_days, wait_hist_.quantile(0.9));
    set(Metric::time_to_help_urgent_mean_days, urgent_wait_stats_.mean());
    set(Metric::waited_share, n > 0 ? double(waited_) / n : kNaN);
    set(Metric::helped_within_4w_share, outcome_known_ > 0 ? double(helped_within_) / double(outcome_known_) : kNaN);
    set(Metric::still_waiting_end, double(censored_));
    set(Metric::time_to_help_censored_share, n > 0 ? double(censored_) / n : kNaN);
    const double fte = r.fte_mean;
    set(Metric::load_per_fte_mean, fte > 0 ? r.load_mean / fte : kNaN);
    const double helped = double(helped_hist_.count());
    std::array<double, kHelpedWeeks> days{};
    for (std::size_t k = 0; k < kHelpedWeeks; ++k) days[k] = 7.0 * double(k);
    helped_hist_.cdf_many(days.data(), days.size(), [&](std::size_t k, double share) {
        result_.helped_within_weeks[k] = n > 0 ? (helped > 0 ? share * helped / n : 0.0) : kNaN;
    });
    set(Metric::referrals_per_year, double(referrals_in_window_) / years);
    set(Metric::closures_per_year, double(closures_in_window_) / years);

    set(Metric::case_length_mean_days, case_length_.mean());
    set(Metric::worker_changes_per_case, worker_changes_.mean());
    set(Metric::days_without_worker_mean, days_without_worker_.mean());
    set(Metric::time_to_care_mean_days, time_to_care_.mean());
    set(Metric::repeat_referral_rate,
        closures_in_window_ > 0 ? double(repeats_triggered_in_window_) / double(closures_in_window_) : kNaN);
    set(Metric::placed_share, referrals_in_window_ > 0 ? double(placed_in_window_) / double(referrals_in_window_) : kNaN);
    set(Metric::escalations_per_year, double(escalations_in_window_) / years);
    set(Metric::fte_in_post_mean, fte);
    set(Metric::capacity_mean, r.capacity_mean);
    set(Metric::vacancies_mean, r.funded_fte - fte);
    const double heads = r.headcount_mean;
    set(Metric::turnover_per_year, heads > 0 ? double(departures_in_window_) / years / heads : kNaN);
    set(Metric::departures_per_year, double(departures_in_window_) / years);
    set(Metric::absenteeism_share, fte > 0 ? r.sick_fte_mean / fte : kNaN);
    const double cost = sc_.workforce.cost_per_fte_year * (fte + r.support_fte_mean);
    set(Metric::staff_cost_per_year, cost);
    set(Metric::cost_per_closed_case, closures_in_window_ > 0 ? cost * years / double(closures_in_window_) : kNaN);
    set(Metric::helped_within_target_share,
        target_outcome_known_ > 0 ? double(helped_within_target_) / double(target_outcome_known_) : kNaN);
    set(Metric::waiting_over_target_end, r.waiting_over_target);
    set(Metric::family_weeks_waited, r.waitlist_integral / 7.0);
    set(Metric::time_to_waitlist_target_days, r.target_reached_after);
    set(Metric::waitlist_target_reached, sc_.targets.waitlist ? (std::isnan(r.target_reached_after) ? 0.0 : 1.0) : kNaN);
    set(Metric::overload_mean, r.overload_mean);
    set(Metric::left_waiting_per_year, double(left_waiting_in_window_) / years);
    set(Metric::waiting_children_mean, r.waiting_children_mean);
    set(Metric::waiting_children_end, r.waiting_children);
    set(Metric::children_referred_per_year, double(children_in_window_) / years);
    set(Metric::left_waiting_children_per_year, double(left_waiting_children_in_window_) / years);
    set(Metric::without_contact_mean, without_contact_.count() > 0 ? without_contact_.mean() : kNaN);
    set(Metric::without_contact_end, without_contact_last_);
}

}  // namespace caseload::model::detail
