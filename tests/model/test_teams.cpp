// Teams: each with its own intake and positions; a family waits for its
// team. With every dynamic off, two teams of c places that each take half of
// the referrals are two M/M/c queues (Erlang C), and one pooled team of 2c
// places is an M/M/2c queue: splitting a pool lengthens the wait (queueing
// pooling). Lending every waiting family at once (lend_after 0) makes the
// teams one work-conserving pool again: the number waiting, and so the mean
// wait, is the M/M/2c queue's.

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/stats/inference.hpp"
#include "caseload/stats/queueing.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

using namespace caseload;
using model::Metric;

namespace {

constexpr double kRho = 0.9;
constexpr int kPlaces = 10;  // per team: one worker at norm 10

// Intervals over replications at 1 - 0.05 / 7: the seven interval checks
// of this file hold together at 95% (Bonferroni).
stats::Interval interval(const experiment::ExperimentResult& r, Metric m) {
    std::vector<double> v;
    for (const auto& rep : r.replications) v.push_back(rep[m]);
    return stats::mean_interval(v, 1.0 - 0.05 / 7.0);
}

scenario::Scenario pool(int reps) { return test::mmc(2, kPlaces, kRho, 1.0, 20000, 500, reps, 77); }

scenario::Scenario split(int reps, std::optional<double> lend_after = std::nullopt) {
    auto sc = pool(reps);
    sc.teams.list = {{"north", 0.5, 1}, {"south", 0.5, 1}};
    sc.teams.lend_after_days = lend_after;
    return sc;
}

}  // namespace

TEST_CASE("teams: two teams wait as two Erlang C queues, longer than one pooled team (paired interval)") {
    const auto res = experiment::run_experiments({pool(10), split(10)});
    const double a = kRho * 2 * kPlaces;
    const double wq_pool = stats::mmc_mean_wait(2 * kPlaces, a);
    const double wq_team = stats::mmc_mean_wait(kPlaces, a / 2);
    const auto w_pool = interval(res[0], Metric::time_to_help_mean_days);
    const auto w_team = interval(res[1], Metric::time_to_help_mean_days);
    INFO("Erlang C: pooled " << wq_pool << ", per team " << wq_team << "; simulated pooled " << w_pool.mean << " ["
                             << w_pool.low << ", " << w_pool.high << "], teams " << w_team.mean << " [" << w_team.low
                             << ", " << w_team.high << "]");
    CHECK(w_pool.contains(wq_pool));
    CHECK(w_team.contains(wq_team));
    CHECK(w_team.half_width() < 0.1 * wq_team);
    CHECK(interval(res[1], Metric::waitlist_mean).contains(stats::mmc_mean_queue(kPlaces, a / 2) * 2));
    // The same referrals (common random numbers), waits paired by replication.
    std::vector<double> diff;
    for (std::size_t r = 0; r < res[0].replications.size(); ++r)
        diff.push_back(res[1].replications[r][Metric::time_to_help_mean_days] -
                       res[0].replications[r][Metric::time_to_help_mean_days]);
    const auto d = stats::mean_interval(diff, 1.0 - 0.05 / 7.0);
    INFO("teams - pooled: " << d.mean << " [" << d.low << ", " << d.high << "]");
    CHECK(d.low > 0.0);
}

TEST_CASE("teams: lending at once makes two teams one pool again (mean wait of the pooled Erlang C queue)") {
    const auto res = experiment::run_experiments({split(10, 0.0)});
    const double a = kRho * 2 * kPlaces;
    const auto w = interval(res[0], Metric::time_to_help_mean_days);
    const auto l = interval(res[0], Metric::waitlist_mean);
    INFO("Erlang C pooled Wq " << stats::mmc_mean_wait(2 * kPlaces, a) << ", Lq " << stats::mmc_mean_queue(2 * kPlaces, a)
                               << "; simulated Wq " << w.mean << " [" << w.low << ", " << w.high << "], Lq " << l.mean
                               << " [" << l.low << ", " << l.high << "]");
    CHECK(w.contains(stats::mmc_mean_wait(2 * kPlaces, a)));
    CHECK(l.contains(stats::mmc_mean_queue(2 * kPlaces, a)));
}

TEST_CASE("teams: lending after a while lies between split and pooled teams") {
    const auto res = experiment::run_experiments({split(6), split(6, 0.5)});
    std::vector<double> diff;
    for (std::size_t r = 0; r < res[0].replications.size(); ++r)
        diff.push_back(res[1].replications[r][Metric::time_to_help_mean_days] -
                       res[0].replications[r][Metric::time_to_help_mean_days]);
    const auto d = stats::mean_interval(diff, 1.0 - 0.05 / 7.0);
    INFO("lending after half a day - no lending: " << d.mean << " [" << d.low << ", " << d.high << "]");
    CHECK(d.high < 0.0);
    const double a = kRho * 2 * kPlaces;
    CHECK(interval(res[1], Metric::time_to_help_mean_days).low > stats::mmc_mean_wait(2 * kPlaces, a));
}

TEST_CASE("teams: one team listed is the pooled organisation, bit for bit") {
    auto one = pool(2);
    one.teams.list = {{"all", 1.0, 2}};
    const auto a = experiment::run_experiments({pool(2), one});
    for (std::size_t r = 0; r < 2; ++r) CHECK(test::identical(a[0].replications[r].metrics, a[1].replications[r].metrics));
}

TEST_CASE("teams: read from workforce.teams and lend_after, written back by the resolved YAML") {
    const std::string text = std::string(
        "name: t\nhorizon: 2y\nwarmup: 0d\nreplications: 2\nseed: 1\n"
        "referrals:\n  rate_per_week: 3\n  types:\n    ots: {share: 1, length: {distribution: exponential, mean: 100d}, weight: 1}\n"
        "workforce:\n  workers: 5\n  caseload_norm: 10\n"
        "  teams:\n    north: {share: 0.7, workers: 3}\n    south: {share: 0.3, workers: 2}\n  lend_after: 6w\n");
    const auto sc = scenario::parse_scenario(text, "t.yaml");
    REQUIRE(sc.teams.list.size() == 2);
    CHECK(sc.teams.list[0].name == "north");
    CHECK(sc.teams.list[0].share == 0.7);
    CHECK(sc.teams.list[1].workers == 2);
    REQUIRE(sc.teams.lend_after_days);
    CHECK(*sc.teams.lend_after_days == 42.0);
    const auto back = scenario::parse_scenario(scenario::to_yaml(sc), "t2.yaml");
    REQUIRE(back.teams.list.size() == 2);
    CHECK(back.teams.list[1].name == "south");
    CHECK(back.teams.list[1].share == 0.3);
    CHECK(*back.teams.lend_after_days == 42.0);
}
