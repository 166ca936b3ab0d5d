// The shipped baseline against the sourced targets in scenarios/baseline.yaml
// (CALIBRATION.md): turnover ~19%/year (press 2021: "nearly 1/5 left in
// 2019"), absenteeism ~7% (press 2021: 6.9-7%), mean measure length ~2.65
// years (0.87 x 2.3y OTS + 0.13 x 5y voogdij, EST), a waitlist of dozens that
// settles (IGJ 2024: organisations range from none to over 100 waiting).
// Tolerances: turnover +-3 points, absenteeism +-1.5 points, length +-10%,
// waitlist mean between 5 and 150 families and not unstable. Each check is on
// the 95% interval, not only the mean.

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/scenario/loader.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace caseload;
using model::Metric;

TEST_CASE("the calibrated baseline meets its sourced targets") {
    auto sc = scenario::load_scenario(std::string(CASELOAD_SOURCE_DIR) + "/scenarios/baseline.yaml");
    sc.replications = 20;
    const auto s = experiment::summarize(experiment::run_experiments({sc})[0]);
    auto within = [&](Metric m, double lo, double hi) {
        const auto& ci = s[m].ci;
        INFO(model::info(m).name << ": " << ci.mean << " [" << ci.low << ", " << ci.high << "], target [" << lo
                                 << ", " << hi << "]");
        CHECK(ci.low >= lo);
        CHECK(ci.high <= hi);
    };
    within(Metric::turnover_per_year, 0.16, 0.22);
    within(Metric::absenteeism_share, 0.055, 0.085);
    const double target_days = (0.87 * 2.3 + 0.13 * 5.0) * 365.25;
    within(Metric::case_length_mean_days, 0.9 * target_days, 1.1 * target_days);
    within(Metric::waitlist_mean, 0.0, 150.0);
    CHECK(s[Metric::waitlist_mean].ci.mean >= 5.0);
    CHECK_FALSE(s.stability.unstable);
}

TEST_CASE("the baseline bends: its waitlist changes smoothly with +-5% staffing") {
    auto sc = scenario::load_scenario(std::string(CASELOAD_SOURCE_DIR) + "/scenarios/baseline.yaml");
    sc.replications = 10;
    std::vector<scenario::Scenario> all;
    for (int workers : {110, 116, 122}) {
        all.push_back(sc);
        all.back().workforce.workers = workers;
    }
    const auto res = experiment::run_experiments(all);
    std::vector<experiment::Summary> s;
    for (const auto& r : res) s.push_back(experiment::summarize(r));
    // At the file's 116 positions: turnover and absenteeism as the baseline's
    // targets, a waitlist of dozens of families.
    CHECK(s[1][Metric::turnover_per_year].ci.low >= 0.16);
    CHECK(s[1][Metric::turnover_per_year].ci.high <= 0.22);
    CHECK(s[1][Metric::absenteeism_share].ci.low >= 0.055);
    CHECK(s[1][Metric::absenteeism_share].ci.high <= 0.085);
    CHECK(s[1][Metric::waitlist_mean].ci.low >= 20.0);
    CHECK(s[1][Metric::waitlist_mean].ci.high <= 100.0);
    // 5% fewer or more positions: no knife-edge. Every level settles, and the
    // waitlist moves by a factor of a few, not from none to unbounded.
    for (const auto& x : s) CHECK_FALSE(x.stability.unstable);
    CHECK(s[0][Metric::waitlist_mean].ci.mean > s[1][Metric::waitlist_mean].ci.mean);
    CHECK(s[1][Metric::waitlist_mean].ci.mean > s[2][Metric::waitlist_mean].ci.mean);
    CHECK(s[0][Metric::waitlist_mean].ci.high < 200.0);
    CHECK(s[2][Metric::waitlist_mean].ci.mean > 2.0);
}
