#include "caseload/experiment/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace caseload::experiment {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using stats::quantile;
// Cut an interval to the range the metric's mean can take.
stats::Interval clamp(stats::Interval ci, const model::MetricInfo& mi) {
    if (!std::isnan(ci.low)) ci.low = std::clamp(ci.low, mi.min(), mi.max());
    if (!std::isnan(ci.high)) ci.high = std::clamp(ci.high, mi.min(), mi.max());
    return ci;
}
}  // namespace

double caseload_places(const scenario::Scenario& s) {
    return s.workforce.caseload_norm * s.workforce.fte * double(s.workforce.workers);
}

std::vector<double> values(const ExperimentResult& r, model::Metric m) {
    std::vector<double> out;
    out.reserve(r.replications.size());
    for (const auto& rep : r.replications) out.push_back(rep[m]);
    return out;
}

namespace {
stats::Interval clamp_period(stats::Interval ci, const model::PeriodMetricInfo& mi) {
    const double hi = mi.unit == "share" && mi.metric != model::PeriodMetric::turnover_per_year ? 1.0 : 1e300;
    if (!std::isnan(ci.low)) ci.low = std::clamp(ci.low, 0.0, hi);
    if (!std::isnan(ci.high)) ci.high = std::clamp(ci.high, 0.0, hi);
    return ci;
}

bool period_total(model::PeriodMetric m) {
    using model::PeriodMetric;
    return m == PeriodMetric::family_weeks_waited || m == PeriodMetric::referrals || m == PeriodMetric::closures ||
           m == PeriodMetric::departures || m == PeriodMetric::staff_cost;
}
// Cost, throughput and staffing of an UNSTABLE scenario are not rated: staff
// leave, posts stay empty and cases pile up, so a lower cost is no gain.
bool rated_when_unstable(model::PeriodMetric m) {
    using model::PeriodMetric;
    return !(m == PeriodMetric::staff_cost || m == PeriodMetric::departures || m == PeriodMetric::turnover_per_year ||
             m == PeriodMetric::fte_in_post_mean || m == PeriodMetric::referrals || m == PeriodMetric::closures);
}
}  // namespace

namespace {
// The aggregate run_experiments folded, or one folded here from the
// replications' periods (a result built by hand, or where it was not folded).
PeriodAggregate period_aggregate(const ExperimentResult& r) {
    if (r.periods.replications() == r.replications.size()) return r.periods;
    if (!r.periods_kept) throw std::logic_error("periods were let go before they were all folded");
    PeriodAggregate a;
    for (const auto& rep : r.replications) a.add(rep.periods);
    return a;
}

PairedPeriodAggregate paired_aggregate(const ExperimentResult& baseline, const ExperimentResult& scenario) {
    const std::size_t n = std::min(baseline.replications.size(), scenario.replications.size());
    if (scenario.paired_periods.replications() == n && !scenario.paired_baseline.empty() &&
        scenario.paired_baseline == baseline.scenario.name)
        return scenario.paired_periods;
    if (!baseline.periods_kept || !scenario.periods_kept)
        throw std::logic_error("periods were let go without their differences from this baseline");
    PairedPeriodAggregate a;
    for (std::size_t r = 0; r < n; ++r) a.add(baseline.replications[r].periods, scenario.replications[r].periods);
    return a;
}
}  // namespace

std::vector<PeriodComparison> compare_periods(const ExperimentResult& baseline, const ExperimentResult& scenario,
                                              const VerdictRules& rules) {
    std::vector<PeriodComparison> out;
    const PeriodAggregate a = period_aggregate(baseline);
    const PeriodAggregate b = period_aggregate(scenario);
    const PairedPeriodAggregate d = paired_aggregate(baseline, scenario);
    const std::size_t n = std::min(a.periods(), b.periods());
    for (std::size_t k = 0; k < n; ++k) {
        const double years = (a.end_day(k) - a.start_day(k)) / scenario::kDaysPerYear;
        for (const auto& mi : model::kPeriodMetrics) {
            PeriodComparison c;
            c.metric = mi.metric;
            c.period = k;
            c.baseline = clamp_period(stats::mean_interval(a.stats(k, mi.metric)), mi);
            c.scenario = clamp_period(stats::mean_interval(b.stats(k, mi.metric)), mi);
            c.difference = stats::mean_interval(d.stats(k, mi.metric));
            c.relevant = relevant_difference(mi.name, mi.relevant, period_total(mi.metric), years, rules);
            c.verdict = rules.unstable && !rated_when_unstable(mi.metric)
                            ? Verdict::not_rated
                            : decide(mi.better, c.difference, c.relevant);
            out.push_back(c);
        }
    }
    return out;
}

Summary summarize(const ExperimentResult& r) {
    using model::Metric;
    Summary s;
    const PeriodAggregate periods = period_aggregate(r);
    for (std::size_t k = 0; k < periods.periods(); ++k) {
        PeriodSummary p;
        p.start_day = periods.start_day(k);
        p.end_day = periods.end_day(k);
        for (const auto& mi : model::kPeriodMetrics)
            p.metrics[static_cast<std::size_t>(mi.metric)] = clamp_period(stats::mean_interval(periods.stats(k, mi.metric)), mi);
        s.periods.push_back(p);
    }
    for (const auto& mi : model::kMetrics) {
        const auto v = values(r, mi.metric);
        auto& out = s.metrics[static_cast<std::size_t>(mi.metric)];
        out.ci = clamp(stats::mean_interval(v), mi);
        const auto [p10, p90] = stats::quantiles(v, 0.10, 0.90);
        out.p10 = p10;
        out.p90 = p90;
    }

    // Weekly series across replications (replications stopped early have
    // shorter series; each week uses the replications that reached it). A
    // result built by hand, not by run_experiments, still holds its series.
    WeeklyAggregate built;
    if (r.weekly.replications() == 0)
        for (const auto& rep : r.replications) built.add(rep.weekly);
    const WeeklyAggregate& agg = r.weekly.replications() == 0 ? built : r.weekly;
    s.weekly.resize(agg.weeks());
    auto band = [&agg](std::size_t k, WeeklySeries series, double& mean, double& p10, double& p90) {
        mean = agg.mean(k, series);
        const auto q = stats::quantiles(agg.sample(k, series), 0.1, 0.9);
        p10 = q[0];
        p90 = q[1];
    };
    for (std::size_t k = 0; k < agg.weeks(); ++k) {
        auto& w = s.weekly[k];
        w.day = agg.day(k);
        band(k, WeeklySeries::waitlist, w.waitlist_mean, w.waitlist_p10, w.waitlist_p90);
        band(k, WeeklySeries::load_per_fte, w.load_mean, w.load_p10, w.load_p90);
        band(k, WeeklySeries::fte_in_post, w.fte_mean, w.fte_p10, w.fte_p90);
        band(k, WeeklySeries::vacancies, w.vacancies_mean, w.vacancies_p10, w.vacancies_p90);
        band(k, WeeklySeries::absent_fte, w.absent_mean, w.absent_p10, w.absent_p90);
        band(k, WeeklySeries::turnover, w.turnover_mean, w.turnover_p10, w.turnover_p90);
        band(k, WeeklySeries::absenteeism, w.absenteeism_mean, w.absenteeism_p10, w.absenteeism_p90);
    }
    const auto& wf = r.scenario.workforce;
    s.workforce_dynamics = wf.sick_leave.episodes_per_year > 0 || wf.attrition.per_year > 0;

    // Stability: a waitlist that keeps growing has no steady-state mean.
    auto& st = s.stability;
    st.growth_per_year = stats::mean_interval(values(r, Metric::waitlist_growth_per_year));
    for (const auto& rep : r.replications) st.stopped_at_bound += rep.hit_waitlist_bound ? 1 : 0;
    const double window_years = (r.scenario.horizon_days - r.scenario.warmup_days) / scenario::kDaysPerYear;
    const double level = std::max(s[Metric::waitlist_mean].ci.mean, 0.0);
    const double growth_over_window = st.growth_per_year.mean * window_years;
    // A replication tipped when its waitlist ended above all caseload places
    // and ten times the median level: far beyond the tail of a settled queue
    // (for a geometric queue length, P(Q > 10 x mean) is about e^-10). Only
    // with the workforce loops on: without them the system cannot tip, and a
    // small queue under heavy load exceeds its few places by chance.
    const double places = caseload_places(r.scenario);
    const double tip_level = std::max(places, 10.0 * quantile(values(r, Metric::waitlist_mean), 0.5));
    st.replications = int(r.replications.size());
    if (s.workforce_dynamics)
        for (const auto& rep : r.replications) st.tipped += rep[Metric::waitlist_end] > tip_level ? 1 : 0;
    if (st.stopped_at_bound > 0) {
        st.unstable = true;
        st.reason = std::to_string(st.stopped_at_bound) + " replication(s) stopped when the waitlist reached " +
                    std::to_string(r.scenario.waitlist.max_length) + " families";
    } else if (st.growth_per_year.n >= 2 && st.growth_per_year.low > 0 && growth_over_window > 5.0 &&
               growth_over_window > 0.5 * level && growth_over_window > 0.02 * places) {
        // Significant upward trend, and over the window it adds at least half
        // the average level and 2% of all caseload places: the queue is not
        // settling around a mean (a drift of a family a year on a short
        // waitlist is not instability).
        st.unstable = true;
        st.reason = "the waitlist keeps growing after warm-up";
    } else if (st.tipped > 0) {
        // A spiral in some replications only: the others settle, so the mean
        // trend need not be significant, yet the mean mixes two regimes.
        st.unstable = true;
        st.reason = std::to_string(st.tipped) + " of " + std::to_string(st.replications) +
                    " replications ended with more families waiting than all caseloads hold together (" +
                    std::to_string(std::llround(places)) + " places) and ten times the median level: the workload "
                    "spiral";
    }

    // Warm-up check: MSER-5 on the mean weekly waitlist and load after the
    // warm-up; either still drifting means the warm-up looks too short.
    std::vector<double> wl_after, load_after;
    for (const auto& w : s.weekly)
        if (w.day >= r.scenario.warmup_days) {
            wl_after.push_back(w.waitlist_mean);
            load_after.push_back(w.load_mean);
        }
    // A drift counts when MSER would drop more than 5% of the window and the
    // dropped part differs materially from the rest (5% of its level, plus
    // `floor`): averaged over many replications, MSER alone notices drifts
    // too small to change any figure.
    auto drifting = [](const std::vector<double>& x, double floor) -> std::size_t {
        const std::size_t d = stats::mser5_truncation(x);
        if (d <= x.size() / 20) return 0;
        double head = 0, tail = 0;
        for (std::size_t i = 0; i < x.size(); ++i) (i < d ? head : tail) += x[i];
        head /= double(d);
        tail /= double(x.size() - d);
        return std::fabs(head - tail) > 0.05 * std::fabs(tail) + floor ? d : 0;
    };
    // A run from a start state answers "from today": its drift is the answer,
    // not a warm-up too short.
    if (!st.unstable && wl_after.size() >= 20 && !r.scenario.initial.given()) {
        const std::size_t d = std::max(drifting(wl_after, 1.0), drifting(load_after, 0.0));
        if (d > 0) {
            s.warmup.looks_short = true;
            s.warmup.suggested_extra_days = double(d) * 7.0;
        }
    }
    return s;
}

const char* to_string(Verdict v) {
    switch (v) {
        case Verdict::better: return "better";
        case Verdict::worse: return "worse";
        case Verdict::negligible: return "negligible";
        case Verdict::unclear: return "unclear";
        case Verdict::not_rated: return "-";
    }
    return "?";
}

Verdict decide(model::Better better, const stats::Interval& d, double relevant) {
    if (better == model::Better::neither || d.n < 2 || std::isnan(d.low) || std::isnan(d.high) || std::isnan(relevant))
        return Verdict::not_rated;
    relevant = std::fabs(relevant);
    if (d.low > relevant || d.high < -relevant) {
        const bool higher = d.low > relevant;
        return (higher == (better == model::Better::higher)) ? Verdict::better : Verdict::worse;
    }
    if (d.low >= -relevant && d.high <= relevant) return Verdict::negligible;
    return Verdict::unclear;
}

double relevant_difference(std::string_view name, double table_value, bool total, double years,
                           const VerdictRules& rules) {
    if (const auto it = rules.relevant.find(name); it != rules.relevant.end()) return it->second;
    return total ? table_value * years : table_value;
}

std::vector<MetricComparison> compare(const ExperimentResult& baseline, const ExperimentResult& scenario,
                                      const VerdictRules& rules) {
    using model::Metric;
    std::vector<MetricComparison> out;
    const double years = (baseline.scenario.horizon_days - baseline.scenario.warmup_days) / scenario::kDaysPerYear;
    for (const auto& mi : model::kMetrics) {
        const auto a = values(baseline, mi.metric);
        const auto b = values(scenario, mi.metric);
        MetricComparison c;
        c.metric = mi.metric;
        c.baseline = clamp(stats::mean_interval(a), mi);
        c.scenario = clamp(stats::mean_interval(b), mi);
        c.difference = stats::paired_difference(a, b);
        c.unpaired_difference = stats::unpaired_difference(a, b);
        c.difference_pct = c.baseline.mean != 0 ? 100.0 * c.difference.mean / c.baseline.mean : kNaN;
        c.relevant = relevant_difference(mi.name, mi.relevant, mi.metric == Metric::family_weeks_waited, years, rules);
        // An UNSTABLE side: window means depend on the horizon; only the growth rate is rated.
        c.verdict = rules.unstable && mi.metric != Metric::waitlist_growth_per_year
                        ? Verdict::not_rated
                        : decide(mi.better, c.difference, c.relevant);
        out.push_back(c);
    }
    return out;
}

}  // namespace caseload::experiment
