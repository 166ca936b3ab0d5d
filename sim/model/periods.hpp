#pragma once
// Results per period (year 1, 2, ... of a plan, from the end of warm-up):
// counts, waits of the families referred in each period, and readings of
// the other mechanisms at each period's end, which the run hands over.
// Periods close in the run loop before the first event past their end, so
// they add no events and change nothing else.

#include "caseload/model/periods.hpp"
#include "caseload/scenario/scenario.hpp"
#include "caseload/stats/accumulators.hpp"
#include "family.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace caseload::model::detail {

// Cumulative readings since the end of warm-up, at a period's end.
struct PeriodReadings {
    double waiting = 0.0;
    double waiting_over_target = 0.0;
    double waitlist_integral = 0.0;   // family-days
    double fte_integral = 0.0;        // FTE-days in post
    double headcount_integral = 0.0;  // worker-days in post
    double support_integral = 0.0;   // support FTE-days
    double waiting_children = 0.0;
    double under_measure = 0.0;           // families with an open case
    double children_under_measure = 0.0;  // their children
};

class PeriodRecorder {
public:
    // At most this many periods; the last runs to the horizon.
    static constexpr std::size_t kMaxPeriods = 100;

    PeriodRecorder(const scenario::Scenario& sc, std::vector<PeriodResult>& out);

    // The end of the period still open (infinity once all are closed).
    [[nodiscard]] Time next_end() const {
        return open_ < ends_.size() ? ends_[open_] : std::numeric_limits<double>::infinity();
    }
    // The period of a time in the window: floor((t - start) / period_days),
    // clamped to the periods there are. Answered from the span of times
    // known to give the last answer (the formula is monotone in t, so the
    // span is exact); the formula runs once per period.
    [[nodiscard]] std::uint16_t period_of(Time t) const {
        if (t >= span_from_ && t < span_until_) return span_period_;
        return find_period(t);
    }

    void referral(Time now) { ++at(now).referrals; }
    void closure(Time now) { ++at(now).closures; }
    void departure(Time now) { ++at(now).departures; }
    // The wait of a family referred in `period`; censored: still waiting at the end.
    void wait(std::uint16_t period, double days, bool censored);
    // Close the open period at its end with the readings there.
    void close(const PeriodReadings& r);
    // Fill the results (after every period is closed and waits censored).
    void finish();

private:
    struct Period {
        std::uint64_t referrals = 0, closures = 0, departures = 0;
        stats::Mean waits;
        stats::WaitHistogram hist{1.0, 730.0, 7.0, 3652.5};
        std::uint64_t helped_within = 0, outcome_known = 0;
        PeriodReadings end;
    };
    Period& at(Time now) { return periods_[period_of(now)]; }
    [[nodiscard]] std::uint16_t formula(Time t) const;
    [[nodiscard]] Time first_time_at_or_after(std::uint16_t period) const;
    std::uint16_t find_period(Time t) const;

    const scenario::Scenario& sc_;
    std::vector<PeriodResult>& out_;
    Time start_;
    std::vector<Time> ends_;
    std::vector<Period> periods_;
    std::size_t open_ = 0;
    // period_of's cache: every t in [span_from_, span_until_) is in span_period_.
    mutable Time span_from_ = 0.0, span_until_ = 0.0;
    mutable std::uint16_t span_period_ = 0;
    mutable bool no_span_ = false;
};

}  // namespace caseload::model::detail
