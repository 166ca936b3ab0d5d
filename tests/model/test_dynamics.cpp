// The caseload model's mechanisms: each switched off is exact, each checked
// against an analytic expectation where one exists, each loop moving its
// metric in the expected direction (paired, common random numbers).

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/stats/accumulators.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace caseload;
using model::Metric;

namespace {

// A small organisation: 20 workers x norm 10, cases of ~100 days, rho ~ 0.8.
const std::string kBase = R"(
name: small
horizon: 12y
warmup: 2y
replications: 12
seed: 11
referrals:
  rate_per_week: 11
  urgent_share: 0.1
  types:
    ots: {share: 1, length: {distribution: lognormal, mean: 100d, cv: 0.8}, weight: 1}
workforce: {workers: 20, fte: 1, caseload_norm: 10}
waitlist: {discipline: urgent_first}
)";

scenario::Scenario scen(const std::string& extra) { return scenario::parse_scenario(kBase + extra, "small.yaml"); }

std::vector<experiment::ExperimentResult> run(const std::vector<scenario::Scenario>& s) {
    return experiment::run_experiments(s);
}

const experiment::MetricComparison& pick(const std::vector<experiment::MetricComparison>& c, Metric m) {
    return c[static_cast<std::size_t>(m)];
}

// Every metric of every replication identical, bit for bit.
bool identical_runs(const experiment::ExperimentResult& a, const experiment::ExperimentResult& b) {
    for (std::size_t r = 0; r < a.replications.size(); ++r)
        if (!test::identical(a.replications[r].metrics, b.replications[r].metrics) ||
            !test::identical(a.replications[r].helped_within_weeks, b.replications[r].helped_within_weeks))
            return false;
    return true;
}

}  // namespace

TEST_CASE("each mechanism at zero strength gives results identical to the run without it") {
    const auto base = scen("");
    const std::vector<std::string> zeros = {
        "workforce: {workers: 20, fte: 1, caseload_norm: 10, sick_leave: {episodes_per_year: 0, pressure_elasticity: 2}}\n",
        "workforce: {workers: 20, fte: 1, caseload_norm: 10, attrition: {per_year: 0, pressure_elasticity: 3}}\n",
        "workforce: {workers: 20, fte: 1, caseload_norm: 10, hiring: {ramp_up: 6m, start_fraction: 0.3}}\n",
        "effects: {reference_caseload: 14, length_strength: 0, repeat_strength: 0, waitlist_pressure_weight: 0}\n",
        "care: {need_share: 0, places: 3}\n",
        "placement: {share: 0, length_multiplier: 2, weight_multiplier: 1.5}\n",
        "repeat: {probability: 0}\n",
        "triage: {review_every: 4w, review_probability: 0}\n",
    };
    std::vector<scenario::Scenario> all{base};
    for (const auto& z : zeros) {
        INFO(z);
        std::string text = kBase + z;
        if (z.rfind("workforce", 0) == 0) text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52, "");
        all.push_back(scenario::parse_scenario(text, "z.yaml"));
    }
    const auto res = run(all);
    for (std::size_t i = 1; i < res.size(); ++i) {
        INFO(zeros[i - 1]);
        CHECK(identical_runs(res[0], res[i]));
    }
}

TEST_CASE("handover at zero strength gives identical results while families are handed over") {
    // Attrition and long sick leave on in every run, so workers leave or are
    // away long and their families go back to the waitlist.
    std::string text = kBase;
    text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                 "workforce: {workers: 20, fte: 1, caseload_norm: 10, attrition: {per_year: 0.3}, "
                 "sick_leave: {episodes_per_year: 2, length: {distribution: lognormal, mean: 30d, cv: 1}, "
                 "long_after: 2w}, hiring: {delay: {distribution: fixed, value: 60d}}}\n");
    const auto res = run({scenario::parse_scenario(text, "h.yaml"),
                          scenario::parse_scenario(text + "handover: {penalty: 0d, priority: behind}\n", "zero.yaml"),
                          scenario::parse_scenario(text + "handover: {penalty: 30d, priority: ahead}\n", "on.yaml")});
    // Handovers happened in every replication: the test is not vacuous.
    for (const auto& rep : res[0].replications) CHECK(rep[Metric::worker_changes_per_case] > 0.05);
    CHECK(identical_runs(res[0], res[1]));
    // ... and a handover that costs something does show.
    CHECK_FALSE(identical_runs(res[0], res[2]));
}

TEST_CASE("a process added on its own stream leaves the referrals untouched") {
    // Run the base and a scenario with every process on; count only new referrals.
    std::string text = kBase + "care: {need_share: 0.5}\ntriage: {escalate_after: 2w}\n";
    text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                 "workforce: {workers: 20, fte: 1, caseload_norm: 10, attrition: {per_year: 0.3}, sick_leave: "
                 "{episodes_per_year: 2}}\n");
    const auto both = run({scen(""), scenario::parse_scenario(text, "busy.yaml")});
    for (std::size_t r = 0; r < both[0].replications.size(); ++r)
        CHECK(both[0].replications[r][Metric::referrals_per_year] == both[1].replications[r][Metric::referrals_per_year]);
}

TEST_CASE("attrition: departures = hazard x worker-years") {
    std::string text = kBase;
    text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                 "workforce:\n  workers: 20\n  fte: 1\n  caseload_norm: 10\n  attrition: {per_year: 0.2}\n"
                 "  hiring: {delay: {distribution: fixed, value: 60d}}\n");
    const auto sc = scenario::parse_scenario(text, "a.yaml");
    const auto s = experiment::summarize(run({sc})[0]);
    const auto& turnover = s[Metric::turnover_per_year].ci;
    INFO("turnover " << turnover.mean << " [" << turnover.low << ", " << turnover.high << "]");
    CHECK(turnover.contains(0.2));
    CHECK(turnover.half_width() < 0.05);
    // Each departure leaves a post vacant for 60 days: vacancies = departures/year x 60/365.25.
    const double expected_vacant = s[Metric::departures_per_year].ci.mean * 60.0 / 365.25;
    CHECK(s[Metric::vacancies_mean].ci.mean == doctest::Approx(expected_vacant).epsilon(0.05));
    CHECK(s[Metric::worker_changes_per_case].ci.mean > 0.0);
}

TEST_CASE("days without a worker: none with room for all, more when workers leave, more the longer posts stay vacant") {
    // 22 workers: 220 places for ~157 families in care, so nobody waits
    // unless workers leave; each departure leaves its post vacant for the
    // hiring delay and hands its families back to the waitlist.
    const auto staff = [](const std::string& workforce) {
        std::string text = kBase;
        text.replace(text.find("replications: 12"), 16, "replications: 30");
        text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                     "workforce: {workers: 22, fte: 1, caseload_norm: 10" + workforce + "}\n");
        return scenario::parse_scenario(text, "w.yaml");
    };
    const std::string leave = ", attrition: {per_year: 0.2}, hiring: {delay: {distribution: fixed, value: ";
    const auto res = run({staff(""), staff(leave + "6m}}"), staff(leave + "1y}}")});
    for (const auto& rep : res[0].replications) {
        CHECK(rep[Metric::days_without_worker_mean] == 0.0);
        CHECK(rep[Metric::waited_share] == 0.0);
    }
    const auto from_none = experiment::compare(res[0], res[2]), from_6m = experiment::compare(res[1], res[2]);
    const auto& leaving = pick(from_none, Metric::days_without_worker_mean);
    const auto& slower = pick(from_6m, Metric::days_without_worker_mean);
    INFO("days without a worker, hiring in 6 months: " << slower.baseline.mean << " [" << slower.baseline.low << ", "
                                                      << slower.baseline.high << "]");
    INFO("hiring in 1 year: " << leaving.scenario.mean << " [" << leaving.scenario.low << ", " << leaving.scenario.high
                              << "]; 1 year - 6 months: " << slower.difference.mean << " [" << slower.difference.low
                              << ", " << slower.difference.high << "]");
    CHECK(slower.baseline.low > 0.0);
    CHECK(leaving.difference.low > 0.0);
    CHECK(slower.difference.low > 0.0);
}

TEST_CASE("sick leave: absenteeism = r L / (1 + r L)") {
    std::string text = kBase;
    text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                 "workforce:\n  workers: 20\n  fte: 1\n  caseload_norm: 10\n"
                 "  sick_leave: {episodes_per_year: 2, length: {distribution: lognormal, mean: 20d, cv: 2}}\n");
    const auto s = experiment::summarize(run({scenario::parse_scenario(text, "s.yaml")})[0]);
    // Onsets only while present: an alternating renewal process.
    const double rl = 2.0 / 365.25 * 20.0;
    const auto& abs = s[Metric::absenteeism_share].ci;
    INFO("absenteeism " << abs.mean << " [" << abs.low << ", " << abs.high << "], expected " << rl / (1 + rl));
    CHECK(abs.contains(rl / (1 + rl)));
    CHECK(abs.half_width() < 0.01);
}

TEST_CASE("weekly turnover and absenteeism: their means after warm-up are the window's metrics") {
    // 0.8 FTE a worker: turnover is per head (as turnover_per_year), absenteeism per FTE.
    std::string text = kBase;
    text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                 "workforce:\n  workers: 20\n  fte: 0.8\n  caseload_norm: 10\n"
                 "  attrition: {per_year: 0.2, first_year_multiplier: 2}\n"
                 "  hiring: {delay: {distribution: fixed, value: 90d}}\n"
                 "  sick_leave: {episodes_per_year: 2, length: {distribution: lognormal, mean: 20d, cv: 2}}\n");
    const auto sc = scenario::parse_scenario(text, "w.yaml");
    // Replication by replication: a run keeps only the aggregate of the weekly series.
    experiment::ExperimentResult res;
    for (int r = 0; r < sc.replications; ++r) res.replications.push_back(model::simulate(sc, std::uint32_t(r)));
    stats::RunningStats turnover_diff, absent_diff;
    double turnover = 0, absent = 0;
    for (const auto& rep : res.replications) {
        double t = 0, a = 0;
        std::size_t n = 0;
        for (const auto& w : rep.weekly)
            if (w.day - 7.0 >= sc.warmup_days) {  // weeks wholly after the warm-up
                t += w.turnover;
                a += w.absenteeism;
                ++n;
            }
        REQUIRE(n > 500);
        turnover_diff.add(t / double(n) - rep[Metric::turnover_per_year]);
        absent_diff.add(a / double(n) - rep[Metric::absenteeism_share]);
        turnover += rep[Metric::turnover_per_year] / double(res.replications.size());
        absent += rep[Metric::absenteeism_share] / double(res.replications.size());
    }
    // Per replication both count the same departures (but for the few days
    // at the window's edges) over headcounts that differ only by chance, and
    // sample the same sick leave weekly or continuously: the differences are
    // noise around zero, so their mean lies within 3 standard errors of 0.
    // Those errors are small (below 2% of the level), so a bias of a few
    // percent, such as dividing by the headcount after the week's departures
    // (+3% here), fails.
    const double n = double(res.replications.size());
    const double turnover_se = turnover_diff.sd() / std::sqrt(n), absent_se = absent_diff.sd() / std::sqrt(n);
    INFO("turnover " << turnover << ", weekly - metric " << turnover_diff.mean() << " (se " << turnover_se << ")");
    INFO("absenteeism " << absent << ", weekly - metric " << absent_diff.mean() << " (se " << absent_se << ")");
    CHECK(std::fabs(turnover_diff.mean()) <= 3 * turnover_se);
    CHECK(3 * turnover_se < 0.02 * turnover);
    CHECK(std::fabs(absent_diff.mean()) <= 3 * absent_se);
    CHECK(3 * absent_se < 0.02 * absent);
}

TEST_CASE("repeat referrals: total referrals = lambda / (1 - p)") {
    // 30 workers: room for the extra 43% of referrals (rho ~ 0.76 with repeats).
    std::string text = kBase + "repeat: {probability: 0.3, delay: {distribution: exponential, mean: 60d}}\n";
    text.replace(text.find("workers: 20"), 11, "workers: 30");
    text.replace(text.find("replications: 12"), 16, "replications: 30");
    const auto s = experiment::summarize(run({scenario::parse_scenario(text, "r.yaml")})[0]);
    CHECK_FALSE(s.stability.unstable);
    const double lambda = 11.0 * 365.25 / 7.0;
    const auto& refs = s[Metric::referrals_per_year].ci;
    INFO("referrals " << refs.mean << " [" << refs.low << ", " << refs.high << "], expected " << lambda / 0.7);
    CHECK(refs.contains(lambda / 0.7));
    const auto& rate = s[Metric::repeat_referral_rate].ci;
    INFO("repeat rate " << rate.mean << " [" << rate.low << ", " << rate.high << "]");
    CHECK(rate.contains(0.3));
}

TEST_CASE("ramp-up reduces capacity exactly as its (weekly-step) integral says") {
    // Departures with an instant hire; no other change to capacity. A hire at
    // time h works at start_fraction until the next weekly tick, then at
    // f0 + (1 - f0)(t - h)/R from each tick t on, until 1.
    std::string text = kBase;
    text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                 "workforce:\n  workers: 20\n  fte: 1\n  caseload_norm: 10\n  attrition: {per_year: 0.5}\n"
                 "  hiring: {delay: {distribution: fixed, value: 0d}, ramp_up: 91d, start_fraction: 0.25}\n");
    text.replace(text.find("horizon: 12y"), 12, "horizon: 4y");
    const auto sc = scenario::parse_scenario(text, "ramp.yaml");

    struct Hires : model::TraceSink {
        std::vector<std::pair<double, std::int64_t>> hires, departures;  // (day, worker)
        void on_event(double day, const char* kind, std::int64_t, std::int64_t worker, std::size_t, std::size_t,
                      std::uint64_t) override {
            if (std::string(kind) == "hire") hires.emplace_back(day, worker);
            if (std::string(kind) == "departure") departures.emplace_back(day, worker);
        }
    } trace;
    const auto r = model::simulate(sc, 0, &trace);
    REQUIRE(trace.hires.size() > 20);
    const double W = sc.warmup_days, H = sc.horizon_days, R = 91.0, f0 = 0.25, cap = 10.0;
    double lost = 0.0;  // place-days lost to ramp-up within [W, H)
    for (const auto& [h, worker] : trace.hires) {
        double leaves = H;  // the hire ramps until full, or until this worker leaves again
        for (const auto& [d, w] : trace.departures)
            if (w == worker && d > h) {
                leaves = std::min(leaves, d);
            }
        double t = h, f = f0;
        while (f < 1.0 && t < leaves) {
            const double next_tick = std::floor(t / 7.0 + 1e-12) * 7.0 + 7.0;
            const double end = std::min(next_tick, leaves);
            const double a = std::max(t, W), b = end;
            if (b > a) lost += cap * (1.0 - f) * (b - a);
            t = next_tick;
            f = std::min(1.0, f0 + (1.0 - f0) * (t - h) / R);
        }
    }
    // All posts are refilled at once, so capacity = 20 x 10 minus the ramp loss.
    const double expected = 200.0 - lost / (H - W);
    CHECK(r[Metric::fte_in_post_mean] == doctest::Approx(20.0));
    CHECK(r[Metric::load_per_fte_mean] <= 10.0);
    CHECK(r[Metric::capacity_mean] == doctest::Approx(expected).epsilon(1e-9));
}

TEST_CASE("conservation: every family referred is waiting, with a worker or closed, at every moment") {
    std::string text = kBase + "repeat: {probability: 0.2}\ncare: {need_share: 0.3, places: 5}\n"
                               "triage: {escalate_after: 3w}\nhandover: {penalty: 10d, priority: ahead}\n";
    text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                 "workforce:\n  workers: 20\n  fte: 1\n  caseload_norm: 10\n  attrition: {per_year: 0.4}\n"
                 "  sick_leave: {episodes_per_year: 3, long_after: 2w}\n  hiring: {ramp_up: 3m, start_fraction: 0.5}\n");
    text.replace(text.find("horizon: 12y"), 12, "horizon: 3y");
    const auto sc = scenario::parse_scenario(text, "c.yaml");
    struct Check : model::TraceSink {
        std::uint64_t referred = 0, rows = 0, bad = 0;
        void on_event(double, const char* kind, std::int64_t, std::int64_t, std::size_t waitlist, std::size_t with_worker,
                      std::uint64_t closed) override {
            const std::string k = kind;
            if (k == "referral" || k == "repeat_referral") ++referred;
            ++rows;
            if (referred != waitlist + with_worker + closed) ++bad;
        }
    } check;
    (void)model::simulate(sc, 0, &check);
    CHECK(check.rows > 3000);
    CHECK(check.bad == 0);
}

TEST_CASE("loop 1, intensity -> case length: a lower norm closes cases sooner") {
    const auto off = scen("effects: {reference_caseload: 14}\n");
    const auto on = scen("effects: {reference_caseload: 14, length_strength: 0.5}\n");
    const auto res = run({off, on});
    const auto c = experiment::compare(res[0], res[1]);
    const auto& len = pick(c, Metric::case_length_mean_days);
    CHECK(len.difference.high < 0);
    // (10/14)^0.5 = 0.845: work goes 18% faster; the service part shrinks by 15.5%.
    CHECK(res[1].replications[0][Metric::case_length_mean_days] < res[0].replications[0][Metric::case_length_mean_days]);
}

TEST_CASE("loop 2, intensity -> repeat referrals: a lower norm means fewer returns") {
    const auto off = scen("effects: {reference_caseload: 14}\nrepeat: {probability: 0.3}\n");
    const auto on = scen("effects: {reference_caseload: 14, repeat_strength: 1}\nrepeat: {probability: 0.3}\n");
    const auto res = run({off, on});
    const auto c = experiment::compare(res[0], res[1]);
    const auto& rate = pick(c, Metric::repeat_referral_rate);
    CHECK(rate.difference.high < 0);
    CHECK(rate.scenario.contains(0.3 * 10.0 / 14.0));
}

TEST_CASE("loop 3, pressure -> attrition and sick leave: overload drives people out and sick") {
    // Reference caseload 7 against a norm of 10: full workers are under pressure ~1.4.
    auto with = [&](const std::string& attr, const std::string& sick) {
        std::string text = kBase + "effects: {reference_caseload: 7}\n";
        text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                     "workforce:\n  workers: 20\n  fte: 1\n  caseload_norm: 10\n  attrition: {per_year: 0.2" + attr +
                         "}\n  sick_leave: {episodes_per_year: 2" + sick + "}\n");
        return scenario::parse_scenario(text, "p.yaml");
    };
    const auto res = run({with("", ""), with(", pressure_elasticity: 2", ", pressure_elasticity: 2")});
    const auto c = experiment::compare(res[0], res[1]);
    CHECK(pick(c, Metric::turnover_per_year).difference.low > 0);
    CHECK(pick(c, Metric::absenteeism_share).difference.low > 0);
}

TEST_CASE("waiting families add pressure when weighted") {
    auto with = [&](const std::string& w) {
        std::string text = kBase + "effects: {waitlist_pressure_weight: " + w + "}\n";
        text.replace(text.find("rate_per_week: 11"), 17, "rate_per_week: 14.5");  // overloaded: a waitlist
        text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                     "workforce: {workers: 20, fte: 1, caseload_norm: 10, attrition: {per_year: 0.2, "
                     "pressure_elasticity: 1}}\n");
        text.replace(text.find("horizon: 12y"), 12, "horizon: 5y");
        return scenario::parse_scenario(text, "w.yaml");
    };
    const auto res = run({with("0"), with("2")});
    CHECK(pick(experiment::compare(res[0], res[1]), Metric::turnover_per_year).difference.low > 0);
}

TEST_CASE("specialist care: time to care covers the search and the wait for a place") {
    const auto unlimited = scen("care: {need_share: 0.4, search: {distribution: fixed, value: 30d}}\n");
    const auto limited = scen("care: {need_share: 0.4, search: {distribution: fixed, value: 30d}, places: 8, "
                              "stay: {distribution: exponential, mean: 200d}, late_after: 45d, late_extension: 1}\n");
    const auto res = run({unlimited, limited});
    const auto s0 = experiment::summarize(res[0]);
    // Unlimited places: time to care = wait for a worker + the 30-day search.
    CHECK(s0[Metric::time_to_care_mean_days].ci.mean ==
          doctest::Approx(30.0 + s0[Metric::time_to_help_mean_days].ci.mean).epsilon(0.02));
    const auto c = experiment::compare(res[0], res[1]);
    CHECK(pick(c, Metric::time_to_care_mean_days).difference.low > 0);
    CHECK(pick(c, Metric::case_length_mean_days).difference.low > 0);  // late starts lengthen cases
}

TEST_CASE("placements: share, longer cases, heavier weight") {
    const auto res = run({scen(""), scen("placement: {share: 0.3, length_multiplier: 1.5, weight_multiplier: 1.5}\n")});
    const auto s1 = experiment::summarize(res[1]);
    CHECK(s1[Metric::placed_share].ci.contains(0.3));
    const auto c = experiment::compare(res[0], res[1]);
    CHECK(pick(c, Metric::case_length_mean_days).difference.low > 0);
    CHECK(pick(c, Metric::waitlist_mean).difference.low > 0);
}

TEST_CASE("handovers: a penalty lengthens the cases that change hands") {
    auto with = [&](const std::string& h) {
        std::string text = kBase + h;
        text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                     "workforce: {workers: 20, fte: 1, caseload_norm: 10, attrition: {per_year: 0.4}}\n");
        return scenario::parse_scenario(text, "h.yaml");
    };
    const auto res = run({with(""), with("handover: {penalty: 60d}\n")});
    const auto c = experiment::compare(res[0], res[1]);
    CHECK(pick(c, Metric::case_length_mean_days).difference.low > 0);
    CHECK(experiment::summarize(res[0])[Metric::worker_changes_per_case].ci.low > 0);
}

TEST_CASE("triage: waiting families escalate after the threshold or at reviews") {
    std::string busy = kBase;
    busy.replace(busy.find("rate_per_week: 11"), 17, "rate_per_week: 13.5");
    busy.replace(busy.find("urgent_share: 0.1"), 17, "urgent_share: 0.0");
    const auto none = scenario::parse_scenario(busy, "t.yaml");
    const auto after = scenario::parse_scenario(busy + "triage: {escalate_after: 2w}\n", "t.yaml");
    const auto review = scenario::parse_scenario(busy + "triage: {review_every: 1w, review_probability: 0.5}\n", "t.yaml");
    const auto res = run({none, after, review});
    const auto s0 = experiment::summarize(res[0]);
    const auto s1 = experiment::summarize(res[1]);
    const auto s2 = experiment::summarize(res[2]);
    CHECK(s0[Metric::escalations_per_year].ci.mean == 0.0);
    // Every family that waits longer than two weeks escalates once: the share
    // of referrals escalated equals the share not helped within two weeks.
    double share_late = 0;
    for (const auto& r : res[1].replications) share_late += 1.0 - r.helped_within_weeks[2];
    share_late /= double(res[1].replications.size());
    const double escalated = s1[Metric::escalations_per_year].ci.mean / s1[Metric::referrals_per_year].ci.mean;
    CHECK(escalated == doctest::Approx(share_late).epsilon(0.05));
    CHECK(s2[Metric::escalations_per_year].ci.mean > 0);
    // Escalated families go first, so the urgent wait exceeds zero but the longest waits shrink.
    CHECK(s1[Metric::time_to_help_urgent_mean_days].ci.mean > 0);
}

TEST_CASE("cost: FTE in post x cost per FTE-year, and per closed case") {
    std::string text = kBase;
    text.replace(text.find("workforce: {workers: 20, fte: 1, caseload_norm: 10}\n"), 52,
                 "workforce: {workers: 20, fte: 0.9, caseload_norm: 10, cost_per_fte_year: 80000, attrition: {per_year: 0.2}}\n");
    const auto r = model::simulate(scenario::parse_scenario(text, "cost.yaml"), 0);
    CHECK(r[Metric::staff_cost_per_year] == doctest::Approx(80000 * r[Metric::fte_in_post_mean]));
    CHECK(r[Metric::cost_per_closed_case] ==
          doctest::Approx(r[Metric::staff_cost_per_year] / r[Metric::closures_per_year]));
    CHECK(r[Metric::fte_in_post_mean] < 18.0);
}
