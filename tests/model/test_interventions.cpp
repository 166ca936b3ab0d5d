// Interventions: each moves its target metric the expected way (paired, common
// random numbers, interval excluding zero); each at zero strength or after
// the horizon changes nothing; none acts before its start time.

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"
#include "caseload/scenario/loader.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace caseload;
using model::Metric;

namespace {

// A small organisation with its dynamics, near full load.
const std::string kBase = R"(
name: small
horizon: 8y
warmup: 2y
replications: 12
seed: 5
referrals:
  rate_per_week: 12.5
  urgent_share: 0.1
  types:
    ots: {share: 1, length: {distribution: lognormal, mean: 100d, cv: 0.8}, weight: 1}
workforce:
  workers: 20
  fte: 1
  caseload_norm: 10
  attrition: {per_year: 0.2, pressure_elasticity: 1.5}
  sick_leave: {episodes_per_year: 1.5}
  hiring: {delay: {distribution: fixed, value: 60d}, ramp_up: 3m, start_fraction: 0.5}
effects: {reference_caseload: 10, waitlist_pressure_weight: 0.5}
care: {need_share: 0.5, search: {distribution: lognormal, mean: 6w, cv: 0.5}}
placement: {share: 0.3, length_multiplier: 1.2}
repeat: {probability: 0.15, delay: {distribution: exponential, mean: 120d}}
)";

scenario::Scenario with(const std::string& interventions) {
    return scenario::parse_scenario(kBase + "interventions:\n" + interventions, "i.yaml");
}

bool identical_runs(const experiment::ExperimentResult& a, const experiment::ExperimentResult& b) {
    for (std::size_t r = 0; r < a.replications.size(); ++r)
        if (!test::identical(a.replications[r].metrics, b.replications[r].metrics)) return false;
    return true;
}

struct Case {
    const char* name;
    const char* yaml;
    Metric metric;
    int direction;  // -1: the intervention lowers it, +1: raises it
};

}  // namespace

TEST_CASE("each intervention moves its target metric the expected way") {
    const std::vector<Case> cases = {
        {"caseload_norm", "  - {type: caseload_norm, at: 0d, norm: 8}\n", Metric::load_per_fte_mean, -1},
        {"extra_workers", "  - {type: extra_workers, at: 0d, fte: 4}\n", Metric::waitlist_mean, -1},
        {"support_workers", "  - {type: support_workers, at: 0d, count: 6, relief: 0.3, learning: 10y}\n",
         Metric::turnover_per_year, -1},
        {"care_coordinators", "  - {type: care_coordinators, at: 0d, count: 4, searches_each: 20, search_multiplier: 0.4}\n",
         Metric::time_to_care_mean_days, -1},
        {"placement_reduction", "  - {type: placement_reduction, at: 0d, factor: 0.5}\n", Metric::placed_share, -1},
        {"spv_first_visit",
         "  - {type: spv_first_visit, at: 0d, nurses: 3, visits_per_week: 5, length_multiplier: 0.8, weight_multiplier: 0.9}\n",
         Metric::case_length_mean_days, -1},
        {"early_uvo", "  - {type: early_uvo, at: 0d, dv_share: 0.4, repeat_multiplier: 0.3, extra_work: 5d}\n",
         Metric::repeat_referral_rate, -1},
        {"local_team_cooperation", "  - {type: local_team_cooperation, at: 0d, referral_reduction: 0.1, length_multiplier: 0.9}\n",
         Metric::referrals_per_year, -1},
    };
    std::vector<scenario::Scenario> all{scenario::parse_scenario(kBase, "base.yaml")};
    for (const auto& c : cases) all.push_back(with(c.yaml));
    const auto res = experiment::run_experiments(all);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto cmp = experiment::compare(res[0], res[i + 1]);
        const auto& d = cmp[static_cast<std::size_t>(cases[i].metric)].difference;
        INFO(cases[i].name << ": " << model::info(cases[i].metric).name << " difference " << d.mean << " [" << d.low
                           << ", " << d.high << "]");
        if (cases[i].direction < 0)
            CHECK(d.high < 0);
        else
            CHECK(d.low > 0);
    }
}

TEST_CASE("each intervention at zero strength, or after the horizon, changes nothing") {
    const std::vector<std::string> neutral = {
        "  - {type: caseload_norm, at: 1y, norm: 10}\n",
        "  - {type: extra_workers, at: 1y, fte: 0}\n",
        "  - {type: support_workers, at: 1y, count: 0}\n",
        "  - {type: care_coordinators, at: 1y, count: 0}\n",
        "  - {type: placement_reduction, at: 1y, factor: 1}\n",
        "  - {type: spv_first_visit, at: 1y, nurses: 3, length_multiplier: 1, weight_multiplier: 1}\n",
        "  - {type: early_uvo, at: 1y, repeat_multiplier: 1, extra_work: 0d}\n",
        "  - {type: local_team_cooperation, at: 1y, referral_reduction: 0, length_multiplier: 1}\n",
        // after the horizon (the loader refuses these; the model must still
        // ignore them): moved past the 8-year horizon after loading
        "  - {type: extra_workers, at: 7y, fte: 10}\n",
        "  - {type: caseload_norm, at: 7y, norm: 5}\n",
        "  - {type: local_team_cooperation, at: 7y, referral_reduction: 0.5}\n",
    };
    std::vector<scenario::Scenario> all{scenario::parse_scenario(kBase, "base.yaml")};
    for (const auto& n : neutral) {
        all.push_back(with(n));
        if (n.find("at: 7y") != std::string::npos) all.back().interventions.back().at_days = 20 * 365.25;
    }
    const auto res = experiment::run_experiments(all);
    for (std::size_t i = 0; i < neutral.size(); ++i) {
        INFO(neutral[i]);
        CHECK(identical_runs(res[0], res[i + 1]));
    }
}

TEST_CASE("an intervention does nothing before its start") {
    // Every type at once, from year 5: the weekly series are identical up to then.
    const auto sc = with(
        "  - {type: caseload_norm, at: 5y, norm: 8, share: 0.5}\n"
        "  - {type: extra_workers, at: 5y, fte: 4}\n"
        "  - {type: support_workers, at: 5y, count: 4}\n"
        "  - {type: care_coordinators, at: 5y, count: 2}\n"
        "  - {type: placement_reduction, at: 5y, factor: 0.5}\n"
        "  - {type: spv_first_visit, at: 5y, nurses: 2, length_multiplier: 0.8}\n"
        "  - {type: early_uvo, at: 5y, repeat_multiplier: 0.5}\n"
        "  - {type: local_team_cooperation, at: 5y, referral_reduction: 0.1}\n");
    const auto base = scenario::parse_scenario(kBase, "base.yaml");
    for (std::uint32_t r = 0; r < 3; ++r) {
        const auto a = model::simulate(base, r);
        const auto b = model::simulate(sc, r);
        const double start = 5 * 365.25;
        std::size_t before = 0, differ_after = 0;
        for (std::size_t k = 0; k < a.weekly.size(); ++k) {
            const auto& x = a.weekly[k];
            const auto& y = b.weekly[k];
            const bool same = x.waitlist == y.waitlist && x.load_per_fte == y.load_per_fte &&
                              x.fte_in_post == y.fte_in_post && x.absent_fte == y.absent_fte;
            if (x.day < start) {
                ++before;
                CHECK(same);
            } else if (!same) {
                ++differ_after;
            }
        }
        CHECK(before > 200);
        CHECK(differ_after > 0);
    }
}

TEST_CASE("extra workers are hired through the hiring process") {
    const auto sc = with("  - {type: extra_workers, at: 3y, fte: 6}\n");
    const auto base = scenario::parse_scenario(kBase, "base.yaml");
    const auto a = model::simulate(base, 0);
    const auto b = model::simulate(sc, 0);
    // Six posts open at year 3 and fill after the 60-day hiring delay.
    for (std::size_t k = 0; k < b.weekly.size(); ++k) {
        const double day = b.weekly[k].day;
        if (day > 3 * 365.25 && day < 3 * 365.25 + 59) CHECK(b.weekly[k].vacancies >= a.weekly[k].vacancies + 6 - 1e-9);
    }
    CHECK(b[Metric::fte_in_post_mean] > a[Metric::fte_in_post_mean] + 4);
}

TEST_CASE("an intervention from day 0 shapes the start: norm 10 from day 0 is a file with norm 10") {
    // The initial caseloads are filled to the caps the day-0 interventions
    // set, so the two spellings give the same runs, bit for bit.
    auto a = scenario::parse_scenario(kBase + "initial: {caseload: 0.9}\n", "a.yaml");
    auto b = with("  - {type: caseload_norm, at: 0d, norm: 7}\n");
    b.initial = a.initial;
    a.workforce.caseload_norm = 7;
    a.replications = b.replications = 4;
    const auto res = experiment::run_experiments({a, b});
    CHECK(identical_runs(res[0], res[1]));
}

TEST_CASE("extra workers: a fraction of a position is a part-time position") {
    auto at = [](const model::ReplicationResult& r, double day) {
        for (const auto& w : r.weekly)
            if (w.day >= day) return w;
        return r.weekly.back();
    };
    const auto base = scenario::parse_scenario(kBase, "base.yaml");
    for (const double fte : {0.4, 2.5}) {
        CAPTURE(fte);
        const auto sc = with("  - {type: extra_workers, at: 3y, fte: " + std::to_string(fte) + "}\n");
        const auto a = model::simulate(base, 0);
        const auto b = model::simulate(sc, 0);
        // Just after the posts open (before the 60-day hiring delay ends),
        // the vacancies are up by exactly the FTE asked for.
        const double day = 3 * 365.25 + 7;
        CHECK(at(b, day).vacancies - at(a, day).vacancies == doctest::Approx(fte).epsilon(1e-9));
    }
}

TEST_CASE("interventions the loader refuses: no effect written, or a start after the horizon") {
    auto error = [](const std::string& item) {
        try {
            (void)with(item);
        } catch (const scenario::ScenarioError& e) {
            return std::string(e.what());
        }
        return std::string("loaded");
    };
    CHECK(error("  - {type: spv_first_visit, at: 0d, nurses: 2}\n").find("has no effect") != std::string::npos);
    CHECK(error("  - {type: early_uvo, at: 0d, dv_share: 0.3}\n").find("'repeat_multiplier' or 'extra_work'") !=
          std::string::npos);
    CHECK(error("  - {type: local_team_cooperation, at: 0d}\n").find("has no effect") != std::string::npos);
    CHECK(error("  - {type: extra_workers, at: 100y, fte: 5}\n").find("not before the horizon") != std::string::npos);
    CHECK(error("  - {type: early_uvo, at: 0d, extra_work: 1w}\n") == "loaded");
}

TEST_CASE("care coordinators are a capacity: too few make care searches queue") {
    // Both with the same shorter covered search; only the number of slots
    // differs: 2 (one coordinator) against 100 for ~20 searches at a time.
    const auto res = experiment::run_experiments(
        {with("  - {type: care_coordinators, at: 0d, count: 10, searches_each: 10, search_multiplier: 0.5}\n"),
         with("  - {type: care_coordinators, at: 0d, count: 1, searches_each: 2, search_multiplier: 0.5}\n")});
    const auto cmp = experiment::compare(res[0], res[1]);
    const auto& m = cmp[static_cast<std::size_t>(Metric::time_to_care_mean_days)];
    INFO("time to care: enough " << m.baseline.mean << " [" << m.baseline.low << ", " << m.baseline.high << "], one "
                                 << m.scenario.mean << " [" << m.scenario.low << ", " << m.scenario.high << "]");
    CHECK(m.difference.low > 0);
    CHECK(m.scenario.low > 1.5 * m.baseline.high);
}

TEST_CASE("spv_first_visit: a lighter first visit lowers the load on the workers") {
    // Room for everyone (30 workers), so a lighter family does not just make
    // room for another; every referral gets a nurse (50 visits a week).
    std::string text = kBase;
    text.replace(text.find("workers: 20"), 11, "workers: 30");
    const auto spv = [&text](const char* weight) {
        return scenario::parse_scenario(text + "interventions:\n  - {type: spv_first_visit, at: 0d, nurses: 5, "
                                                   "visits_per_week: 10, psychiatry_share: 1, length_multiplier: 1, "
                                                   "weight_multiplier: " + std::string(weight) + "}\n",
                                        "spv.yaml");
    };
    const auto res = experiment::run_experiments({spv("1"), spv("0.6")});
    const auto cmp = experiment::compare(res[0], res[1]);
    const auto& m = cmp[static_cast<std::size_t>(Metric::load_per_fte_mean)];
    INFO("load per FTE: weight 1 " << m.baseline.mean << ", weight 0.6 " << m.scenario.mean << ", difference "
                                   << m.difference.mean << " [" << m.difference.low << ", " << m.difference.high << "]");
    REQUIRE(res[0].replications[0][Metric::waited_share] < 0.05);
    CHECK(m.difference.high < 0);
    CHECK(m.scenario.mean < 0.75 * m.baseline.mean);
}
