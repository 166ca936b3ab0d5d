#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/solve.hpp"
#include "caseload/stats/queueing.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace caseload;

TEST_CASE("break-even finds the staff Erlang C says a target wait needs") {
    // M/M/c with offered load a = 8 (lambda 8/day, mean case 1 day), one
    // family per worker. Erlang C gives the smallest c with Wq <= target; the
    // target sits between Wq(c*) and Wq(c* - 1) with a wide margin.
    const double a = 8.0;
    const int c_star = 11;
    const double target = std::sqrt(stats::mmc_mean_wait(c_star, a) * stats::mmc_mean_wait(c_star - 1, a));
    REQUIRE(stats::mmc_mean_wait(c_star, a) < target);
    REQUIRE(stats::mmc_mean_wait(c_star - 1, a) > target);

    experiment::SolveSpec spec;
    spec.from = 9;
    spec.to = 40;
    spec.metric = model::Metric::time_to_help_mean_days;
    spec.at_most = true;
    spec.target_value = target;
    spec.scenario_for = [&](long c) {
        auto s = test::mmc(int(c), 1, a / double(c), 1.0, 20000, 200, 10, 3);
        return s;
    };
    const auto r = experiment::solve(spec);
    REQUIRE(r.confidently);
    REQUIRE(r.by_mean);
    CHECK(*r.confidently == c_star);
    CHECK(*r.by_mean == c_star);
    CHECK(r.evaluated.size() < 14);  // a bisection, not a scan
}

TEST_CASE("break-even against a paired target, and out of range") {
    // The target is a scenario with 12 workers; the smallest staff that does
    // no worse (on the mean) is 12 itself: common random numbers make the
    // paired gap exactly 0 there.
    auto make = [](long c) { return test::mmc(int(c), 1, 9.0 / double(c), 1.0, 3000, 100, 6, 4); };
    const auto target = experiment::run_experiments({make(12)});
    experiment::SolveSpec spec;
    spec.from = 10;
    spec.to = 30;
    spec.metric = model::Metric::waitlist_mean;
    spec.target_by_replication = experiment::values(target[0], model::Metric::waitlist_mean);
    spec.scenario_for = make;
    const auto r = experiment::solve(spec);
    REQUIRE(r.by_mean);
    CHECK(*r.by_mean == 12);
    spec.to = 11;
    const auto none = experiment::solve(spec);
    CHECK_FALSE(none.by_mean);
    CHECK_FALSE(none.confidently);
}
