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
