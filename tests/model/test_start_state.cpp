// Runs from a start state (the organisation today) and per-period results.

#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"
#include "caseload/report/output.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/stats/inference.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace caseload;

namespace {

// The plain queue from a start state: c = 10 places (2 workers x norm 5),
// exponential case lengths of 50 days, every place taken and `waiting`
// families waiting at time 0.
scenario::Scenario plain_from(double rate_per_week, int waiting, int replications) {
    const std::string text = "name: transient\nhorizon: 200d\nwarmup: 0d\nperiod: 25d\nreplications: " +
                             std::to_string(replications) +
                             "\nseed: 11\n"
                             "referrals:\n  rate_per_week: " +
                             std::to_string(rate_per_week) +
                             "\n  types:\n    a: {share: 1, length: {distribution: exponential, mean: 50d}, weight: 1}\n"
                             "workforce: {workers: 2, fte: 1, caseload_norm: 5}\n"
                             "waitlist: {discipline: fifo}\n"
                             "initial: {in_care: 10, waiting: " +
                             std::to_string(waiting) + "}\n";
    return scenario::parse_scenario(text, "transient.yaml");
}

// E[waitlist at t] of the birth-death chain (birth lambda, death min(n, c) /
// mean) started at n0, by uniformisation: p(t) = sum_k Poisson(k; L t) p0 P^k
// with P = I + Q / L, on states 0..n_max (the mass beyond is below 1e-12
// for the cases here).
double expected_waitlist(double lambda, double mean, int c, int n0, double t) {
    const int n_max = 400;
    const double mu = 1.0 / mean;
    const double L = lambda + c * mu;
    std::vector<double> p(n_max + 1, 0.0), next(n_max + 1);
    p[std::size_t(n0)] = 1.0;
    double weight = std::exp(-L * t);  // Poisson(0; L t)
    std::vector<double> acc(n_max + 1, 0.0);
    for (int k = 0;; ++k) {
        for (int n = 0; n <= n_max; ++n) acc[std::size_t(n)] += weight * p[std::size_t(n)];
        if (k > L * t + 20 * std::sqrt(L * t + 1) + 20) break;
        std::fill(next.begin(), next.end(), 0.0);
        for (int n = 0; n <= n_max; ++n) {
            const double up = n < n_max ? lambda / L : 0.0;
            const double down = std::min(n, c) * mu / L;
            next[std::size_t(n)] += p[std::size_t(n)] * (1.0 - up - down);
            if (n < n_max) next[std::size_t(n + 1)] += p[std::size_t(n)] * up;
            if (n > 0) next[std::size_t(n - 1)] += p[std::size_t(n)] * down;
        }
        p.swap(next);
        weight *= L * t / double(k + 1);
    }
    double e = 0;
    for (int n = c + 1; n <= n_max; ++n) e += double(n - c) * acc[std::size_t(n)];
    return e;
}

void check_transient(double rate_per_week, int waiting) {
    const auto sc = plain_from(rate_per_week, waiting, 1000);
    experiment::RunOptions options;
    options.threads = 2;
    const auto results = experiment::run_experiments({sc}, options);
    const auto& r = results[0];
    for (const std::size_t period : {0u, 2u, 7u}) {  // ends at 25, 75 and 200 days
        std::vector<double> v;
        for (const auto& rep : r.replications) v.push_back(rep.periods.at(period)[model::PeriodMetric::waitlist_end]);
        // Six checks in all (two cases, three times): each at 1 - 0.05/6, so
        // that together they hold at 95% (Bonferroni).
        const auto ci = stats::mean_interval(v, 1.0 - 0.05 / 6.0);
        const double t = 25.0 * double(period + 1);
        const double exact = expected_waitlist(rate_per_week / 7.0, 50.0, 10, 10 + waiting, t);
        INFO("rate " << rate_per_week << "/week, " << waiting << " waiting at 0, t = " << t << ": exact " << exact
                     << ", simulated " << ci.mean << " [" << ci.low << ", " << ci.high << "]");
        CHECK(ci.contains(exact));
    }
}

std::vector<experiment::ExperimentResult> run(const scenario::Scenario& sc) {
    experiment::RunOptions options;
    options.threads = 2;
    return experiment::run_experiments({sc}, options);
}

}  // namespace

TEST_CASE("start state: the waitlist after t days matches the exact transient of the birth-death chain") {
    SUBCASE("a waitlist that drains (rho 0.8, 30 waiting)") { check_transient(1.12, 30); }
    SUBCASE("a waitlist that grows (rho 1.2, 5 waiting)") { check_transient(1.68, 5); }
}

TEST_CASE("start state: the reference chain itself (a check of the test's own arithmetic)") {
    // At t = 0 the expectation is the start; far out, a stable chain forgets it.
    CHECK(expected_waitlist(0.16, 50, 10, 40, 0.0) == doctest::Approx(30.0));
    CHECK(expected_waitlist(0.16, 50, 10, 40, 3000.0) == doctest::Approx(expected_waitlist(0.16, 50, 10, 10, 3000.0)).epsilon(1e-6));
    CHECK(expected_waitlist(0.16, 50, 10, 40, 25.0) < 30.0);  // draining
    CHECK(expected_waitlist(0.24, 50, 10, 15, 200.0) > 5.0);  // growing
}

TEST_CASE("start state: a start date alone leaves 'empty, 90% full' as it was, bit for bit") {
    const std::string base = R"(name: same
horizon: 5y
warmup: 0d
replications: 3
seed: 5
referrals:
  rate_per_week: 8
  types:
    ots: {share: 0.8, length: {distribution: lognormal, mean: 2y, cv: 0.8}, weight: 1}
    voogdij: {share: 0.2, length: {distribution: lognormal, mean: 4y, cv: 0.5}, weight: 1}
workforce:
  workers: 60
  caseload_norm: 14
  sick_leave: {episodes_per_year: 1.5, length: {distribution: lognormal, mean: 18d, cv: 3}}
  attrition: {per_year: 0.18, pressure_elasticity: 1}
  hiring: {delay: {distribution: lognormal, mean: 4m, cv: 0.5}, ramp_up: 6m, start_fraction: 0.3}
waitlist: {discipline: fifo}
)";
    const auto today = scenario::parse_scenario(base + "initial: {caseload: 0.9}\n", "a.yaml");
    const auto dated = scenario::parse_scenario(base + "initial: {caseload: 0.9, start_date: 2027-03-01}\n", "b.yaml");
    REQUIRE_FALSE(today.initial.given());
    REQUIRE(dated.initial.given());
    const auto a = run(today), b = run(dated);
    CHECK(report::replications_csv(a) == report::replications_csv(b));
    // ... and a start state that changes something changes the results.
    const auto busy = run(scenario::parse_scenario(base + "initial: {caseload: 0.9, waiting: 50}\n", "c.yaml"));
    CHECK(report::replications_csv(a) != report::replications_csv(busy));
}

TEST_CASE("periods: per-period counts add up to the window's, family-weeks to the integral of the waitlist") {
    auto sc = scenario::load_scenario(std::string(CASELOAD_SOURCE_DIR) + "/scenarios/baseline.yaml");
    sc.replications = 3;
    sc.horizon_days = 6 * scenario::kDaysPerYear;
    sc.warmup_days = 1 * scenario::kDaysPerYear;
    sc.period_days = scenario::kDaysPerYear;
    const auto results = run(sc);
    for (const auto& rep : results[0].replications) {
        CAPTURE(rep.replication);
        REQUIRE(rep.periods.size() == 5);
        const double years = (sc.horizon_days - sc.warmup_days) / scenario::kDaysPerYear;
        double referrals = 0, closures = 0, departures = 0, weeks = 0, cost = 0;
        for (const auto& p : rep.periods) {
            referrals += p[model::PeriodMetric::referrals];
            closures += p[model::PeriodMetric::closures];
            departures += p[model::PeriodMetric::departures];
            weeks += p[model::PeriodMetric::family_weeks_waited];
            cost += p[model::PeriodMetric::staff_cost];
        }
        CHECK(referrals == doctest::Approx(rep[model::Metric::referrals_per_year] * years).epsilon(1e-12));
        CHECK(closures == doctest::Approx(rep[model::Metric::closures_per_year] * years).epsilon(1e-12));
        CHECK(departures == doctest::Approx(rep[model::Metric::departures_per_year] * years).epsilon(1e-12));
        CHECK(weeks == doctest::Approx(rep[model::Metric::family_weeks_waited]).epsilon(1e-9));
        CHECK(weeks == doctest::Approx(rep[model::Metric::waitlist_mean] * years * scenario::kDaysPerYear / 7.0).epsilon(1e-9));
        CHECK(cost == doctest::Approx(rep[model::Metric::staff_cost_per_year] * years).epsilon(1e-9));
        // The last period's waitlist is the waitlist at the horizon.
        CHECK(rep.periods.back()[model::PeriodMetric::waitlist_end] == rep[model::Metric::waitlist_end]);
    }
}

TEST_CASE("periods: with a start date and a period of whole months, periods follow the calendar") {
    auto sc = plain_from(1.12, 0, 1);
    sc.initial.start_date = 20513;  // 2026-03-01
    sc.horizon_days = 800;
    sc.period_days = scenario::kDaysPerYear;
    const auto r = model::simulate(sc, 0);
    REQUIRE(r.periods.size() == 3);
    CHECK(r.periods[0].end_day == 365.0);  // 2026-03-01 to 2027-03-01
    CHECK(r.periods[1].end_day == 731.0);  // to 2028-03-01 (2028 is a leap year)
    CHECK(r.periods[2].end_day == 800.0);  // the horizon
}

TEST_CASE("start state: staff vacant, sick and ramping at time 0 show in the first weeks") {
    auto sc = plain_from(1.12, 0, 1);
    sc.workforce.workers = 10;
    sc.workforce.hiring.ramp_days = 180;
    sc.workforce.hiring.start_fraction = 0.3;
    sc.initial.in_care = 10;
    sc.initial.vacancies = 3;
    sc.initial.sick = 2;
    sc.initial.ramping = 2;
    const auto r = model::simulate(sc, 0);
    REQUIRE(!r.weekly.empty());
    CHECK(r.weekly.front().fte_in_post <= 7.0 + 1e-9);  // vacancies fill after a recruitment delay (months)
    CHECK(r.weekly.front().vacancies >= 3.0 - 1e-9);
}

TEST_CASE("start state: families waiting at time 0 leave the waitlist at its hazard from then on, however long they waited") {
    // Every place taken by cases that do not close in the horizon, almost no
    // referrals: the families waiting at 0 only leave. With a constant hazard
    // r, the number still waiting at t is Binomial(n0, exp(-r t)) whatever
    // they waited before 0 (here exponential with a mean of 3 months, so many
    // would have left before 0 had they been counted from referral).
    const int n0 = 100;
    const double per_year = 1.826;
    const std::string text =
        "name: leaving\nhorizon: 200d\nwarmup: 0d\nperiod: 25d\nreplications: 400\nseed: 5\n"
        "referrals:\n  rate_per_week: 0.0001\n"
        "  types:\n    a: {share: 1, length: {distribution: exponential, mean: 100000d}, weight: 1, "
        "leave_waiting_per_year: " + std::to_string(per_year) + "}\n"
        "workforce: {workers: 2, fte: 1, caseload_norm: 5}\n"
        "waitlist: {discipline: fifo}\n"
        "initial: {in_care: 10, waiting: " + std::to_string(n0) + ", waited: {distribution: exponential, mean: 3m}}\n";
    const auto sc = scenario::parse_scenario(text, "leaving.yaml");
    const auto results = run(sc);
    for (const std::size_t period : {0u, 3u, 7u}) {  // ends at 25, 100 and 200 days
        std::vector<double> v;
        for (const auto& rep : results[0].replications) v.push_back(rep.periods.at(period)[model::PeriodMetric::waitlist_end]);
        const auto ci = stats::mean_interval(v, 1.0 - 0.05 / 3.0);
        const double t = 25.0 * double(period + 1);
        const double exact = n0 * std::exp(-per_year / 365.25 * t);
        INFO("t = " << t << ": exact " << exact << ", simulated " << ci.mean << " [" << ci.low << ", " << ci.high << "]");
        CHECK(ci.contains(exact));
    }
}
