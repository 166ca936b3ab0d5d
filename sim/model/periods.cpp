#include "periods.hpp"

#include <algorithm>
#include <cmath>

#include "caseload/scenario/dates.hpp"

namespace caseload::model::detail {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kYear = scenario::kDaysPerYear;
}  // namespace

PeriodRecorder::PeriodRecorder(const scenario::Scenario& sc, std::vector<PeriodResult>& out)
    : sc_(sc), out_(out), start_(sc.warmup_days) {
    const double window = sc.horizon_days - sc.warmup_days;
    auto n = static_cast<std::size_t>(std::ceil(window / sc.period_days - 1e-9));
    n = std::clamp<std::size_t>(n, 1, kMaxPeriods);
    // With a start date and a period of whole months, periods follow the
    // calendar (a year from 1 March runs to the next 1 March).
    const int months = sc.initial.start_date ? scenario::whole_months(sc.period_days) : 0;
    for (std::size_t k = 1; k < n; ++k) {
        const double end = months > 0 ? start_ + double(scenario::days_in_months(*sc.initial.start_date, months * int(k)))
                                      : start_ + double(k) * sc.period_days;
        if (end >= sc.horizon_days) break;
        ends_.push_back(end);
    }
    ends_.push_back(sc.horizon_days);
    periods_.resize(ends_.size());
}

std::uint16_t PeriodRecorder::formula(Time t) const {
    const double k = std::floor((t - start_) / sc_.period_days);
    return static_cast<std::uint16_t>(std::clamp(k, 0.0, double(periods_.size() - 1)));
}

// The smallest time the formula puts in `period` or later (period >= 1):
// from start + period x period_days, a few steps of one ulp either way.
// NaN if the steps do not find it (then nothing is cached).
Time PeriodRecorder::first_time_at_or_after(std::uint16_t period) const {
    constexpr Time kInf = std::numeric_limits<Time>::infinity();
    Time c = start_ + double(period) * sc_.period_days;
    for (int step = 0; step < 64; ++step) {
        if (formula(c) >= period) {
            const Time below = std::nextafter(c, -kInf);
            if (formula(below) < period) return c;
            c = below;
        } else {
            c = std::nextafter(c, kInf);
        }
    }
    return kNaN;
}

std::uint16_t PeriodRecorder::find_period(Time t) const {
    constexpr Time kInf = std::numeric_limits<Time>::infinity();
    const std::uint16_t k = formula(t);
    if (no_span_) return k;
    const Time from = k == 0 ? -kInf : first_time_at_or_after(k);
    const Time until = std::size_t(k) + 1 >= periods_.size() ? kInf : first_time_at_or_after(std::uint16_t(k + 1));
    if (std::isnan(from) || std::isnan(until) || !(from <= t && t < until)) {
        no_span_ = true;  // never seen; then the formula every time
    } else {
        span_from_ = from;
        span_until_ = until;
        span_period_ = k;
    }
    return k;
}

void PeriodRecorder::wait(std::uint16_t period, double days, bool censored) {
    Period& p = periods_[period];
    p.waits.add(days);
    p.hist.add(days);
    const double target = sc_.targets.time_to_help_days;
    if (censored) {
        if (days >= target) ++p.outcome_known;
    } else {
        ++p.outcome_known;
        if (days <= target) ++p.helped_within;
    }
}

void PeriodRecorder::close(const PeriodReadings& r) {
    periods_[open_].end = r;
    ++open_;
}

void PeriodRecorder::finish() {
    out_.clear();
    PeriodReadings before;  // zero at the start of the window
    for (std::size_t k = 0; k < periods_.size(); ++k) {
        const Period& p = periods_[k];
        PeriodResult r;
        r.start_day = k == 0 ? start_ : ends_[k - 1];
        r.end_day = ends_[k];
        const double days = r.end_day - r.start_day;
        const double years = days / kYear;
        auto set = [&r](PeriodMetric m, double v) { r.values[static_cast<std::size_t>(m)] = v; };
        const bool closed = k < open_;  // a run stopped at the waitlist bound closes no later period
        const PeriodReadings& e = p.end;
        set(PeriodMetric::waitlist_end, closed ? e.waiting : kNaN);
        set(PeriodMetric::waiting_over_target_end, closed ? e.waiting_over_target : kNaN);
        const double waited = e.waitlist_integral - before.waitlist_integral;
        set(PeriodMetric::waitlist_mean, closed && days > 0 ? waited / days : kNaN);
        set(PeriodMetric::family_weeks_waited, closed ? waited / 7.0 : kNaN);
        set(PeriodMetric::time_to_help_mean_days, p.waits.mean());
        set(PeriodMetric::time_to_help_p90_days, p.hist.count() ? p.hist.quantile(0.9) : kNaN);
        set(PeriodMetric::helped_within_target_share,
            p.outcome_known ? double(p.helped_within) / double(p.outcome_known) : kNaN);
        set(PeriodMetric::referrals, double(p.referrals));
        set(PeriodMetric::closures, double(p.closures));
        set(PeriodMetric::departures, double(p.departures));
        const double heads = closed && days > 0 ? (e.headcount_integral - before.headcount_integral) / days : kNaN;
        set(PeriodMetric::turnover_per_year, heads > 0 ? double(p.departures) / years / heads : kNaN);
        const double fte_days = e.fte_integral - before.fte_integral;
        set(PeriodMetric::fte_in_post_mean, closed && days > 0 ? fte_days / days : kNaN);
        const double support_days = e.support_integral - before.support_integral;
        set(PeriodMetric::staff_cost,
            closed ? sc_.workforce.cost_per_fte_year * (fte_days + support_days) / kYear : kNaN);
        set(PeriodMetric::waiting_children_end, closed ? e.waiting_children : kNaN);
        set(PeriodMetric::under_measure_end, closed ? e.under_measure : kNaN);
        set(PeriodMetric::children_under_measure_end, closed ? e.children_under_measure : kNaN);
        out_.push_back(r);
        if (closed) before = e;
    }
}

}  // namespace caseload::model::detail
