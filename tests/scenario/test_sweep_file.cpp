#include "caseload/experiment/sweep.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/sweep_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace caseload::scenario;
namespace fs = std::filesystem;

namespace {

const fs::path kData = CASELOAD_TEST_DATA;

// A sweep file written beside the test data (so `base:` finds the base).
struct SweepText {
    explicit SweepText(const std::string& text)
        : path(kData / ("tmp_sweep_" + std::to_string(::getpid()) + ".yaml")) {
        std::ofstream(path) << text;
    }
    ~SweepText() { fs::remove(path); }
    fs::path path;
};

ScenarioError sweep_error(const std::string& text, bool build_points = false) {
    SweepText f(text);
    try {
        const SweepSpec spec = load_sweep(f.path);
        if (build_points) caseload::experiment::SweepPlan plan(spec);
    } catch (const ScenarioError& e) {
        return e;
    }
    FAIL("expected a ScenarioError");
    return ScenarioError({}, "", "");
}

}  // namespace

TEST_CASE("the shipped example sweep loads: a grid of norms and referral rates") {
    const SweepSpec s = load_sweep(fs::path(CASELOAD_SOURCE_DIR) / "scenarios/sweep_caseload_norm.yaml");
    CHECK(s.design == DesignKind::grid);
    REQUIRE(s.parameters.size() == 2);
    CHECK(s.parameters[0].path == "workforce.caseload_norm");
    CHECK(s.parameters[0].values.size() == 5);
    CHECK(s.parameters[1].path == "referrals.rate_per_week");
    REQUIRE(s.parameters[1].values.size() == 5);  // 7.5 to 9.5 by 0.5
    CHECK(s.parameters[1].values[0].text == "7.5");
    CHECK(s.parameters[1].values[4].text == "9.5");
    CHECK(s.terms == MetamodelTerms::interactions);
    CHECK(is_sweep_file(fs::path(CASELOAD_SOURCE_DIR) / "scenarios/sweep_caseload_norm.yaml"));
    CHECK_FALSE(is_sweep_file(fs::path(CASELOAD_SOURCE_DIR) / "scenarios/baseline.yaml"));
    const caseload::experiment::SweepPlan plan(s);
    CHECK(plan.points() == 25);
}

TEST_CASE("a sweep file's errors are all reported, the base's after them, a misspelt key not also missing") {
    const ScenarioError e = sweep_error(
        "sweep:\n  base: sweep_base.yaml\n  design: grdi\n  replications: 0\n  metamodel: linar\n"
        "  parameters:\n    workforce.caseload_nrom: [1, 2]\n    workforce.workers: []\n    seed: [1, 2]\n");
    REQUIRE(e.errors().size() == 6);
    CHECK(e.errors()[0].key_path() == "sweep.design");
    CHECK(e.errors()[1].key_path() == "sweep.replications");
    CHECK(e.errors()[2].key_path() == "sweep.metamodel");
    CHECK(e.errors()[3].key_path() == "sweep.parameters.workforce.caseload_nrom");
    CHECK(e.errors()[3].suggestion() == "workforce.caseload_norm");
    CHECK(e.errors()[4].key_path() == "sweep.parameters.workforce.workers");
    CHECK(e.errors()[5].key_path() == "sweep.parameters.seed");
    const ScenarioError typo = sweep_error("sweep:\n  bsae: sweep_base.yaml\n  parameters: {workforce.workers: [1, 2]}\n");
    CHECK(typo.errors().empty());  // one error: the typo, not also a missing 'base'
    CHECK(typo.key_path() == "sweep.bsae");
    CHECK(typo.suggestion() == "base");
}

TEST_CASE("ranges: steps and step give tidy values, durations keep their unit and are numbered in days") {
    SweepText f(
        "sweep:\n  base: sweep_base.yaml\n  parameters:\n"
        "    referrals.urgent_share: {from: 0.1, to: 0.3, step: 0.1}\n"
        "    referrals.types.ots.length.mean: {from: 1m, to: 3m, steps: 3}\n"
        "    waitlist.discipline: [fifo, urgent_first]\n");
    const SweepSpec s = load_sweep(f.path);
    REQUIRE(s.parameters.size() == 3);
    const auto& share = s.parameters[0].values;
    REQUIRE(share.size() == 3);
    CHECK(share[1].text == "0.2");
    CHECK(share[2].text == "0.3");  // not 0.30000000000000004
    const auto& mean = s.parameters[1];
    CHECK(mean.duration);
    CHECK(mean.column() == "referrals.types.ots.length.mean_days");
    REQUIRE(mean.values.size() == 3);
    CHECK(mean.values[1].text == "2m");
    CHECK(*mean.values[1].number == doctest::Approx(2 * 365.25 / 12));
    CHECK_FALSE(s.parameters[2].values[0].number.has_value());
    // Every point builds a valid scenario with its values in place.
    const caseload::experiment::SweepPlan plan(s);
    CHECK(plan.points() == 18);
    const Scenario last = plan.scenario(17);
    CHECK(last.referrals.urgent_share == 0.3);
    CHECK(last.referrals.types[0].length.mean == doctest::Approx(3 * 365.25 / 12));
    CHECK(last.referrals.types[0].length.kind == caseload::kernel::DistributionSpec::Kind::exponential);
    CHECK(last.waitlist.discipline == Discipline::urgent_first);
    CHECK(plan.scenario(0).waitlist.discipline == Discipline::fifo);
}

TEST_CASE("overrides apply to a file's own tree, also for keys it inherits through extends") {
    const BaseScenario child(kData / "sweep_child.yaml");
    const auto& paths = child.override_paths();
    CHECK(std::binary_search(paths.begin(), paths.end(), std::string("workforce.caseload_norm")));
    CHECK(std::binary_search(paths.begin(), paths.end(), std::string("referrals.rate_per_week")));
    CHECK(std::binary_search(paths.begin(), paths.end(), std::string("referrals.types.voogdij.length.cv")));
    CHECK_FALSE(std::binary_search(paths.begin(), paths.end(), std::string("seed")));
    const Scenario s = child.with({{"workforce.caseload_norm", "12", {}},
                                   {"referrals.types.voogdij.length.cv", "0.7", {}},
                                   {"referrals.rate_per_week", "2.5", {}}});
    CHECK(s.workforce.caseload_norm == 12);
    CHECK(s.workforce.workers == 4);  // inherited, untouched
    CHECK(s.horizon_days == doctest::Approx(2 * 365.25));
    REQUIRE(s.referrals.types.size() == 2);
    // The distribution block is inherited whole: only its cv changes.
    CHECK(s.referrals.types[1].length.kind == caseload::kernel::DistributionSpec::Kind::gamma);
    CHECK(s.referrals.types[1].length.mean == 120.0);
    CHECK(s.referrals.types[1].length.cv == 0.7);
    REQUIRE(s.referrals.schedule.size() == 1);
    CHECK(s.referrals.schedule[0].rate_per_week == 2.5);
    // Without overrides: the file as it is.
    CHECK(child.with({}).workforce.caseload_norm == 10);
}

TEST_CASE("sweep errors name the sweep file's line and column") {
    SUBCASE("an unknown parameter path, with the nearest valid path") {
        const auto e = sweep_error(
            "sweep:\n  base: sweep_base.yaml\n  parameters:\n    workforce.caseload_norm: [9, 10]\n"
            "    workforce.caseload_nrom: [1, 2]\n");
        CHECK(e.where().line == 5);
        CHECK(e.where().column == 5);
        CHECK(e.suggestion() == "workforce.caseload_norm");
        CHECK(std::string(e.what()).find("did you mean 'workforce.caseload_norm'") != std::string::npos);
    }
    SUBCASE("a misspelt measure type") {
        const auto e = sweep_error("sweep:\n  base: sweep_base.yaml\n  parameters:\n    referrals.types.otss.share: [0.5]\n");
        CHECK(e.where().line == 4);
        CHECK(e.suggestion() == "referrals.types.ots.share");
    }
    SUBCASE("an unknown key of the sweep block") {
        const auto e = sweep_error("sweep:\n  base: sweep_base.yaml\n  replicatons: 3\n  parameters:\n    seed: [1]\n");
        CHECK(e.where().line == 3);
        CHECK(e.where().column == 3);
        CHECK(e.suggestion() == "replications");
    }
    SUBCASE("a second document is not dropped silently") {
        const auto e = sweep_error("sweep:\n  base: sweep_base.yaml\n  parameters:\n    seed: [1]\n---\nmore: 1\n");
        CHECK(e.where().line == 6);
        CHECK(e.message().find("a second YAML document") != std::string::npos);
    }
    SUBCASE("a stray ',' at the top level stops at once (yaml-cpp alone loops there)") {
        const auto e = sweep_error("# a sweep\n, sweep:\n");
        CHECK(e.where().line == 2);
        CHECK(e.where().column == 1);
        CHECK(e.message().find("a ',' where a value should start") != std::string::npos);
    }
    SUBCASE("text that is not UTF-8") {
        const auto e = sweep_error("sweep:\n  base: caf\xe9.yaml\n");
        CHECK(e.where().line == 2);
        CHECK(e.message().find("UTF-8") != std::string::npos);
    }
    SUBCASE("the seed is the sweep's own") {
        const auto e = sweep_error("sweep:\n  base: sweep_base.yaml\n  parameters:\n    seed: [1, 2]\n");
        CHECK(e.where().line == 4);
        CHECK(e.message().find("sweep.seed") != std::string::npos);
    }
    SUBCASE("a value the scenario rules refuse is reported at that value") {
        const auto e = sweep_error(
            "sweep:\n  base: sweep_base.yaml\n  parameters:\n    referrals.rate_per_week: [3]\n"
            "    workforce.caseload_norm: [9,\n      10, 0]\n",
            true);
        CHECK(e.where().line == 6);
        CHECK(e.where().column == 11);
        CHECK(e.key_path() == "workforce.caseload_norm");
        CHECK(e.message().find("caseload norm greater than 0") != std::string::npos);
        CHECK(e.message().find("workforce.caseload_norm = 0") != std::string::npos);
    }
    SUBCASE("a rule over several keys is blamed on the swept key below it") {
        // Sweeping one share alone breaks the sum of shares.
        const auto e = sweep_error(
            "sweep:\n  base: sweep_base.yaml\n  parameters:\n    workforce.workers: [4, 5]\n"
            "    referrals.types.ots.share: [0.8, 0.7]\n",
            true);
        CHECK(e.where().line == 5);
        CHECK(e.where().column == 38);
        CHECK(e.message().find("sum to 1") != std::string::npos);
    }
    SUBCASE("a whole number swept by a Latin hypercube needs integer: true") {
        const auto e = sweep_error(
            "sweep:\n  base: sweep_base.yaml\n  design: lhs\n  points: 5\n  parameters:\n"
            "    workforce.workers: {from: 3, to: 6}\n",
            true);
        CHECK(e.where().line == 6);
        CHECK(e.message().find("whole number") != std::string::npos);
    }
    SUBCASE("a range the wrong way round") {
        const auto e = sweep_error("sweep:\n  base: sweep_base.yaml\n  parameters:\n    workforce.fte: {from: 1, to: 0.5, steps: 3}\n");
        CHECK(e.where().line == 4);
        CHECK(e.message().find("greater than 'from'") != std::string::npos);
    }
    SUBCASE("a grid range needs steps or step") {
        const auto e = sweep_error("sweep:\n  base: sweep_base.yaml\n  parameters:\n    workforce.fte: {from: 0.5, to: 1}\n");
        CHECK(e.where().line == 4);
        CHECK(e.message().find("'steps'") != std::string::npos);
    }
    SUBCASE("a missing base names the sweep's line") {
        const auto e = sweep_error("sweep:\n  base: nowhere.yaml\n  parameters:\n    workforce.fte: [1]\n");
        CHECK(e.where().line == 2);
        CHECK(e.where().column == 9);
    }
    SUBCASE("list elements by index, and one that does not exist") {
        const fs::path base = kData / ("tmp_schedule_" + std::to_string(::getpid()) + ".yaml");
        std::ofstream(base) << "name: sched\nhorizon: 2y\nwarmup: 30d\nreferrals:\n"
                               "  schedule: [{from: 0d, rate_per_week: 3}, {from: 1y, rate_per_week: 3.5}]\n"
                               "  types: {ots: {share: 1, length: {distribution: exponential, mean: 60d}}}\n"
                               "workforce: {workers: 4, caseload_norm: 10}\n";
        const std::string head = "sweep:\n  base: " + base.filename().string() + "\n  parameters:\n";
        SweepText ok(head + "    referrals.schedule[1].rate_per_week: [2, 4]\n");
        const caseload::experiment::SweepPlan plan(load_sweep(ok.path));
        CHECK(plan.scenario(1).referrals.schedule.at(1).rate_per_week == 4);
        CHECK(plan.scenario(1).referrals.schedule.at(0).rate_per_week == 3);
        const auto e = sweep_error(head + "    referrals.schedule[2].rate_per_week: [1]\n");
        fs::remove(base);
        CHECK(e.where().line == 4);
        CHECK(e.suggestion().rfind("referrals.schedule[", 0) == 0);  // [0] or [1]: equally near
    }
}

TEST_CASE("a sweep file is not a scenario, and says so") {
    try {
        (void)load_scenario(kData / "sweep_small.yaml");
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        CHECK(e.message().find("caseload sweep") != std::string::npos);
    }
}
