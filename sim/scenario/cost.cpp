#include "caseload/scenario/cost.hpp"

#include <algorithm>

namespace caseload::scenario {

double expected_events(const Scenario& s) {
    const double horizon = s.horizon_days;
    const double years = horizon / kDaysPerYear;
    // New referrals over the horizon, segment by segment.
    double referrals = 0.0;
    const auto& seg = s.referrals.schedule;
    for (std::size_t i = 0; i < seg.size(); ++i) {
        const double from = std::min(seg[i].from_day, horizon);
        const double to = i + 1 < seg.size() ? std::min(seg[i + 1].from_day, horizon) : horizon;
        if (to > from) referrals += seg[i].rate_per_week / kDaysPerWeek * (to - from);
    }
    referrals /= 1.0 - std::min(s.repeat.probability, 0.95);  // each case comes back with this probability
    const double per_family = 2.0                                // referral, closure
                              + 2.0 * s.care.need_share          // care found, care ends
                              + (s.triage.escalate_after_days ? 1.0 : 0.0);
    const double initial = s.total_cap() * s.initial.caseload_share * (1.0 + 2.0 * s.care.need_share);
    const double workers = s.workforce.workers;
    const double sick = 3.0 * s.workforce.sick_leave.episodes_per_year * workers * years;  // onset, recovery, long absence
    const double turnover = 2.0 * s.workforce.attrition.per_year * s.workforce.attrition.first_year_multiplier *
                            workers * years;  // departure, hire
    const double ticks = horizon / kDaysPerWeek;
    const double reviews = s.triage.review_every_days ? horizon / *s.triage.review_every_days : 0.0;
    return referrals * per_family + initial + sick + turnover + ticks + reviews + 1.0;
}

double peak_families(const Scenario& s) {
    return s.total_cap() * 1.5 + double(s.waitlist.max_length) + 64.0;
}

}  // namespace caseload::scenario
