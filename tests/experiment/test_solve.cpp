#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/solve.hpp"
#include "caseload/stats/queueing.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

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

TEST_CASE("solve from the command line varies any dotted path of the file") {
    // One worker whose caseload norm is the number of servers: the same
    // M/M/c as above, searched through `--vary workforce.caseload_norm`.
    const double a = 8.0;
    const int c_star = 11;
    const double target = std::sqrt(stats::mmc_mean_wait(c_star, a) * stats::mmc_mean_wait(c_star - 1, a));
    const auto dir = std::filesystem::temp_directory_path() / ("caseload_solve_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "mmc.yaml";
    std::ofstream(file) << "name: mmc\nhorizon: 20000d\nwarmup: 200d\nreplications: 10\nseed: 3\n"
                           "referrals:\n  rate_per_week: 56\n  types:\n"
                           "    ots: {share: 1.0, length: {distribution: exponential, mean: 1d}, weight: 1}\n"
                           "workforce: {workers: 1, fte: 1.0, caseload_norm: 40}\n";
    char target_text[64];
    std::snprintf(target_text, sizeof target_text, "%.17g", target);
    const auto r = test::run_cli({"solve", file.string(), "--vary", "workforce.caseload_norm", "--from", "9", "--to",
                                  "40", "--metric", "time_to_help_mean_days", "--at-most", target_text, "-q"});
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("Answer: workforce.caseload_norm = " + std::to_string(c_star) + " meets the target") !=
          std::string::npos);

    SUBCASE("a path the file does not have, with the nearest one") {
        const auto bad = test::run_cli({"solve", file.string(), "--vary", "workforce.caseload_nrom", "--from", "9",
                                        "--to", "40", "--at-most", "1"});
        CHECK(bad.code == 2);
        CHECK(bad.err.find("did you mean 'workforce.caseload_norm'") != std::string::npos);
    }
    SUBCASE("a value the scenario rules refuse names the option") {
        const auto bad = test::run_cli({"solve", file.string(), "--vary", "workforce.workers", "--from", "0", "--to",
                                        "0", "--at-most", "1"});
        CHECK(bad.code == 2);
        CHECK(bad.err.find("--vary workforce.workers") != std::string::npos);
    }
    std::filesystem::remove_all(dir);
}
