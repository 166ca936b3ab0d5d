#pragma once
// What a replication measures: counters and waits after warm-up, weekly
// samples, and `finish`, which turns them into the metrics. It sees the
// other mechanisms only through the readings the run hands it.

#include "caseload/model/model.hpp"
#include "caseload/scenario/scenario.hpp"
#include "caseload/stats/accumulators.hpp"
#include "family.hpp"

#include <cstdint>
#include <vector>

namespace caseload::model::detail {

// Whole-window readings of the other mechanisms, at the end of the run.
struct Readings {
    double waitlist_mean = 0.0;
    double waitlist_max = 0.0;
    double waiting = 0.0;      // at the end
    double load_mean = 0.0;    // weighted families with a worker
    double fte_mean = 0.0;     // case-carrying FTE in post
    double headcount_mean = 0.0;
    double sick_fte_mean = 0.0;
    double capacity_mean = 0.0;
    double support_fte_mean = 0.0;
    double funded_fte = 0.0;   // at the end
    double waitlist_integral = 0.0;     // family-days over the window
    double waiting_over_target = 0.0;   // at the end
    double target_reached_after = 0.0;  // days from the window's start; NaN when never (or no target)
    double overload_mean = 0.0;  // share above the norm workers may carry
    double waiting_children_mean = 0.0;
    double waiting_children = 0.0;  // at the end
};

class Recorder {
public:
    Recorder(const scenario::Scenario& sc, ReplicationResult& result);

    [[nodiscard]] bool in_window(Time now) const { return now >= warmup_; }
    // Counters since the window started (at warm-up's end).
    void reset_window();

    void referral(Time now, bool repeat) {
        if (!in_window(now)) return;
        ++referrals_in_window_;
        if (repeat) ++repeats_in_window_;
    }
    void placed(Time now) {
        if (in_window(now)) ++placed_in_window_;
    }
    void closure(Time now, const Family& f);
    void repeat_triggered(Time now);
    void departure(Time now);
    void escalation(Time now);
    void left_waiting(Time now, const Family& f);
    void children_referred(Time now, std::uint16_t children) {
        if (in_window(now)) children_in_window_ += children;
    }
    // Waiting families without contact for longer than the interval, at a weekly tick.
    void without_contact(Time now, std::size_t families);
    void care_started(const Family& f, double delay);
    // A family's first assignment after `days` of waiting (or still waiting
    // at the end: censored).
    void wait(double days, bool urgent, bool censored);

    // The weekly sample; departures of the week are counted by departure().
    void sample(Time now, double waiting, double total_load, double fte_in_post, double funded_fte, double sick_fte);
    void start_week(double headcount) { week_start_heads_ = headcount; }

    // The metrics over [warm-up, end]; censors the waits of families still waiting.
    void finish(Time end, const Readings& r, const std::vector<Family>& families);

private:
    const scenario::Scenario& sc_;
    ReplicationResult& result_;
    const Time warmup_;

    stats::WaitHistogram wait_hist_;    // all waits, censored ones at their length so far
    stats::WaitHistogram helped_hist_;  // completed waits only
    stats::Mean wait_stats_, urgent_wait_stats_;
    stats::Mean without_contact_;  // weekly counts after warm-up
    double without_contact_last_ = 0.0;
    stats::Mean case_length_, worker_changes_, days_without_worker_, time_to_care_;
    std::uint64_t waited_ = 0, censored_ = 0, helped_within_ = 0, outcome_known_ = 0;
    std::uint64_t helped_within_target_ = 0, target_outcome_known_ = 0;
    std::uint64_t referrals_in_window_ = 0, closures_in_window_ = 0, repeats_in_window_ = 0,
                  repeats_triggered_in_window_ = 0, placed_in_window_ = 0, departures_in_window_ = 0,
                  escalations_in_window_ = 0, left_waiting_in_window_ = 0, children_in_window_ = 0,
                  left_waiting_children_in_window_ = 0;
    std::uint64_t departures_in_week_ = 0;  // since the last weekly sample, warm-up included
    double week_start_heads_ = 0.0;         // headcount at the last weekly sample (or day 0)
};

}  // namespace caseload::model::detail
