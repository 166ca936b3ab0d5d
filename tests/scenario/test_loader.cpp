#include "caseload/scenario/loader.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace caseload::scenario;
namespace fs = std::filesystem;

namespace {

const std::string kExample = R"(name: example
horizon: 20y
warmup: 2y
replications: 30
seed: 7
referrals:
  rate_per_week: 7.7
  types:
    ots: {share: 1.0, length: {distribution: exponential, mean: 300d}, weight: 1}
workforce: {workers: 25, fte: 1.0, caseload_norm: 14}
waitlist: {discipline: fifo}
)";

const fs::path kData = CASELOAD_TEST_DATA;

// Replace the first occurrence of `from` in the example.
std::string edit(const std::string& from, const std::string& to) {
    std::string s = kExample;
    const auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    return s.replace(pos, from.size(), to);
}

ScenarioError error_of(const std::string& text) {
    try {
        (void)parse_scenario(text, "t.yaml", kData);
    } catch (const ScenarioError& e) {
        return e;
    }
    FAIL("expected a ScenarioError");
    return ScenarioError({}, "", "");
}

}  // namespace

TEST_CASE("the issue's example loads as written") {
    const Scenario s = parse_scenario(kExample, "example.yaml");
    CHECK(s.name == "example");
    CHECK(s.horizon_days == doctest::Approx(20 * 365.25));
    CHECK(s.warmup_days == doctest::Approx(2 * 365.25));
    CHECK(s.replications == 30);
    CHECK(s.seed == 7);
    REQUIRE(s.referrals.schedule.size() == 1);
    CHECK(s.referrals.schedule[0].rate_per_week == 7.7);
    REQUIRE(s.referrals.types.size() == 1);
    CHECK(s.referrals.types[0].name == "ots");
    CHECK(s.referrals.types[0].length.kind == caseload::kernel::DistributionSpec::Kind::exponential);
    CHECK(s.referrals.types[0].length.mean == 300.0);
    CHECK(s.workforce.workers == 25);
    CHECK(s.total_cap() == 350.0);
    CHECK(s.waitlist.discipline == Discipline::fifo);
}

TEST_CASE("durations carry units") {
    CHECK(parse_scenario(edit("warmup: 2y", "warmup: 6w"), "t").warmup_days == 42.0);
    CHECK(parse_scenario(edit("warmup: 2y", "warmup: 18m"), "t").warmup_days == doctest::Approx(18 * 365.25 / 12));
    CHECK(parse_scenario(edit("warmup: 2y", "warmup: 90d"), "t").warmup_days == 90.0);
    CHECK(parse_scenario(edit("warmup: 2y", "warmup: 0d"), "t").warmup_days == 0.0);
}

TEST_CASE("extends: the child overrides only what it names") {
    const Scenario s = load_scenario(kData / "child.yaml");
    CHECK(s.name == "child");  // named after its own file, not the parent
    CHECK(s.description.empty());
    CHECK(s.workforce.caseload_norm == 10);
    CHECK(s.workforce.workers == 25);
    CHECK(s.horizon_days == doctest::Approx(3652.5));
    REQUIRE(s.referrals.types.size() == 3);
    CHECK(s.referrals.types[0].share == doctest::Approx(0.7));
    CHECK(s.referrals.types[0].length.mean == 300.0);  // kept from the parent
    CHECK(s.referrals.types[1].weight == 1.5);
    CHECK(s.referrals.types[2].name == "jr");
    CHECK(s.referrals.types[2].length.mean == doctest::Approx(365.25));
}

TEST_CASE("extends: a cycle and a missing parent are errors") {
    auto e = error_of("extends: cycle_a.yaml\n");
    CHECK(std::string(e.what()).find("circular") != std::string::npos);
    e = error_of("name: x\nextends: nowhere.yaml\n");
    CHECK(e.where().line == 2);
    CHECK(e.where().column == 10);
    CHECK(e.message().find("nowhere.yaml") != std::string::npos);
}

TEST_CASE("resolved YAML loads back to the same scenario") {
    const Scenario a = load_scenario(kData / "child.yaml");
    const Scenario b = parse_scenario(to_yaml(a), "child.yaml");
    CHECK(to_yaml(b) == to_yaml(a));
    CHECK(b.referrals.types[1].length.cv == a.referrals.types[1].length.cv);
    CHECK(b.horizon_days == a.horizon_days);
}

TEST_CASE("empirical distributions from a list and from a CSV column") {
    auto s = parse_scenario(edit("{distribution: exponential, mean: 300d}", "{distribution: empirical, values: [10d, 2w]}"), "t");
    CHECK(s.referrals.types[0].length.values == std::vector<double>{10.0, 14.0});
    s = parse_scenario(edit("{distribution: exponential, mean: 300d}",
                            "{distribution: empirical, csv: lengths.csv, column: days, unit: d}"),
                       "t", kData);
    CHECK(s.referrals.types[0].length.values == std::vector<double>{100, 200, 300, 400});
    auto e = error_of(edit("{distribution: exponential, mean: 300d}", "{distribution: empirical, csv: bad_csv.csv, column: days}"));
    CHECK(e.where().line == 3);  // the CSV's own line
    CHECK(e.where().file.find("bad_csv.csv") != std::string::npos);
    e = error_of(edit("{distribution: exponential, mean: 300d}", "{distribution: empirical, csv: lengths.csv, column: dayz}"));
    CHECK(e.suggestion() == "days");
}

TEST_CASE("a rate schedule") {
    const auto s = parse_scenario(edit("rate_per_week: 7.7", "schedule: [{from: 0d, rate_per_week: 5}, {from: 2y, rate_per_week: 9}]"), "t");
    REQUIRE(s.referrals.schedule.size() == 2);
    CHECK(s.referrals.schedule[1].from_day == doctest::Approx(730.5));
    auto e = error_of(edit("rate_per_week: 7.7", "schedule: [{from: 1y, rate_per_week: 5}]"));
    CHECK(e.message().find("start at 0d") != std::string::npos);
}

TEST_CASE("errors name file:line:column, what was expected, and the nearest key") {
    SUBCASE("unknown key with a suggestion") {
        const auto e = error_of(edit("workforce: {workers", "workforce: {wrokers"));
        CHECK(e.where().file == "t.yaml");
        CHECK(e.where().line == 10);
        CHECK(e.where().column == 13);
        CHECK(e.suggestion() == "workers");
        CHECK(e.key_path() == "workforce.wrokers");
        CHECK(std::string(e.what()) ==
              "t.yaml:10:13: workforce.wrokers: unknown key 'wrokers'; expected one of: workers, fte, caseload_norm, cost_per_fte_year, sick_leave, attrition, hiring, overload, teams, lend_after "
              "(did you mean 'workers'?)");
    }
    SUBCASE("unknown top-level key") {
        const auto e = error_of(edit("horizon: 20y", "horizn: 20y"));
        CHECK(e.where().line == 2);
        CHECK(e.where().column == 1);
        CHECK(e.suggestion() == "horizon");
    }
    SUBCASE("wrong type") {
        const auto e = error_of(edit("replications: 30", "replications: many"));
        CHECK(e.where().line == 4);
        CHECK(e.where().column == 15);
        CHECK(e.message() == "expected a whole number, found 'many'");
    }
    SUBCASE("a mapping where a number belongs") {
        const auto e = error_of(edit("rate_per_week: 7.7", "rate_per_week: {a: 1}"));
        CHECK(e.where().line == 7);
        CHECK(e.message().find("found a mapping") != std::string::npos);
    }
    SUBCASE("share outside 0..1") {
        const auto e = error_of(edit("share: 1.0", "share: 1.5"));
        CHECK(e.where().line == 9);
        CHECK(e.message().find("between 0 and 1") != std::string::npos);
    }
    SUBCASE("shares not summing to 1") {
        const auto e = error_of(edit("share: 1.0", "share: 0.9"));
        CHECK(e.where().line == 9);
        CHECK(e.message().find("sum to 1") != std::string::npos);
    }
    SUBCASE("negative duration") {
        const auto e = error_of(edit("mean: 300d", "mean: -300d"));
        CHECK(e.where().line == 9);
        CHECK(e.message().find("greater than 0") != std::string::npos);
    }
    SUBCASE("duration without a unit") {
        const auto e = error_of(edit("mean: 300d", "mean: 300"));
        CHECK(e.message().find("with a unit") != std::string::npos);
    }
    SUBCASE("unknown unit") {
        const auto e = error_of(edit("horizon: 20y", "horizon: 20h"));
        CHECK(e.where().line == 2);
        CHECK(e.message().find("found '20h'; a duration is a number and one letter") != std::string::npos);
    }
    SUBCASE("unknown distribution with a suggestion") {
        const auto e = error_of(edit("distribution: exponential", "distribution: lognormel"));
        CHECK(e.suggestion() == "lognormal");
        CHECK(e.where().line == 9);
    }
    SUBCASE("distribution keys are checked per kind") {
        const auto e = error_of(edit("mean: 300d}", "mean: 300d, cv: 0.5}"));
        CHECK(e.key_path() == "referrals.types.ots.length.cv");
    }
    SUBCASE("norm of zero") {
        const auto e = error_of(edit("caseload_norm: 14", "caseload_norm: 0"));
        CHECK(e.where().line == 10);
        CHECK(e.key_path() == "workforce.caseload_norm");
    }
    SUBCASE("absurd sizes are refused with the limit") {
        auto e = error_of(edit("workers: 25", "workers: 1000000000"));
        CHECK(e.message().find("100000") != std::string::npos);
        e = error_of(edit("horizon: 20y", "horizon: 1000000y"));
        CHECK(e.message().find("limit") != std::string::npos);
    }
    SUBCASE("warm-up not shorter than the horizon") {
        const auto e = error_of(edit("warmup: 2y", "warmup: 20y"));
        CHECK(e.where().line == 3);
    }
    SUBCASE("unknown discipline") {
        const auto e = error_of(edit("discipline: fifo", "discipline: fiffo"));
        CHECK(e.suggestion() == "fifo");
        CHECK(e.where().line == 11);
    }
    SUBCASE("duplicate key") {
        const auto e = error_of(kExample + "seed: 8\n");
        CHECK(e.where().line == 12);
        CHECK(e.message() == "duplicate key");
    }
    SUBCASE("missing required section") {
        const auto e = error_of("name: x\n");
        CHECK(e.key_path() == "referrals.rate");
    }
    SUBCASE("YAML syntax error") {
        const auto e = error_of("name: x\nreferrals: {rate_per_week: 7\n  types: [\n");
        CHECK(e.where().line >= 2);
        CHECK(e.message().find("YAML syntax error") != std::string::npos);
    }
    SUBCASE("empty file") {
        const auto e = error_of("");
        CHECK(e.message().find("empty") != std::string::npos);
    }
    SUBCASE("not UTF-8") {
        const auto e = error_of("name: caf\xe9\n");
        CHECK(e.where().line == 1);
        CHECK(e.where().column == 10);
        CHECK(e.message().find("UTF-8") != std::string::npos);
    }
    SUBCASE("a weight no worker can carry") {
        const auto e = error_of(edit("weight: 1}", "weight: 20}"));
        CHECK(e.where().line == 9);
        CHECK(e.message().find("never be assigned") != std::string::npos);
    }
}

TEST_CASE("a missing file is an error naming it") {
    try {
        (void)load_scenario(kData / "does_not_exist.yaml");
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        CHECK(e.where().file.find("does_not_exist.yaml") != std::string::npos);
    }
}

TEST_CASE("nearest key") {
    CHECK(nearest("caseload_nrom", {"workers", "fte", "caseload_norm"}) == "caseload_norm");
    CHECK(nearest("zzzzzz", {"workers", "fte"}).empty());
    CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("compare files") {
    const fs::path dir = fs::temp_directory_path() / "caseload_test_compare";
    fs::create_directories(dir);
    {
        std::ofstream(dir / "cmp.yaml") << "compare:\n  baseline: a.yaml\n  scenarios: [b.yaml, c.yaml]\n  seed: 5\n";
        std::ofstream(dir / "bad.yaml") << "compare:\n  baseline: a.yaml\n  scenario: [b.yaml]\n";
        std::ofstream(dir / "typo.yaml") << "compare:\n  baseline: a.yaml\n  scenarios: [b.yaml, cc.yaml]\n";
        for (const char* f : {"a.yaml", "b.yaml", "c.yaml"}) std::ofstream(dir / f) << "name: x\n";
    }
    CHECK(is_compare_file(dir / "cmp.yaml"));
    const auto c = load_compare(dir / "cmp.yaml");
    CHECK(c.baseline == dir / "a.yaml");
    CHECK(c.scenarios.size() == 2);
    CHECK(c.seed == std::optional<std::uint64_t>(5));
    try {
        (void)load_compare(dir / "bad.yaml");
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        CHECK(e.where().line == 3);
        CHECK(e.suggestion() == "scenarios");
    }
    try {  // a file it names that is not there: located, with the nearest file beside it
        (void)load_compare(dir / "typo.yaml");
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        CHECK(e.where().line == 3);
        CHECK(e.where().column == 23);
        CHECK(e.key_path() == "compare.scenarios[1]");
        CHECK(e.suggestion() == "c.yaml");
    }
    fs::remove_all(dir);
}

TEST_CASE("a compare file's errors are all reported, and a misspelt key is not also reported missing") {
    const fs::path dir = fs::temp_directory_path() / ("caseload_test_compare_errors_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "a.yaml") << "name: x\n";
    std::ofstream(dir / "several.yaml") << "compare:\n  baseline: a.yaml\n  scenarios: [a.yaml, nope.yaml]\n"
                                           "  replications: 0\n  seed: -3\n  relevant: {waitlist_end: -1}\n"
                                           "  extra: 1\n";
    std::ofstream(dir / "misspelt.yaml") << "compare:\n  baseline: a.yaml\n  scenario: [a.yaml]\n  seed: x\n";
    try {
        (void)load_compare(dir / "several.yaml");
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        REQUIRE(e.errors().size() == 5);  // in file order
        CHECK(e.errors()[0].key_path() == "compare.scenarios[1]");
        CHECK(e.errors()[1].key_path() == "compare.replications");
        CHECK(e.errors()[2].key_path() == "compare.seed");
        CHECK(e.errors()[3].key_path() == "compare.relevant.waitlist_end");
        CHECK(e.errors()[4].key_path() == "compare.extra");
        CHECK(e.errors()[4].where().line == 7);
    }
    try {
        (void)load_compare(dir / "misspelt.yaml");
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        REQUIRE(e.errors().size() == 2);  // the typo and the seed; 'scenarios' is not also missing
        CHECK(e.errors()[0].key_path() == "compare.scenario");
        CHECK(e.errors()[0].suggestion() == "scenarios");
        CHECK(e.errors()[1].key_path() == "compare.seed");
    }
    fs::remove_all(dir);
}

TEST_CASE("errors quote the value and say the fix: durations in words, percentages, decimal commas") {
    auto message = [](const std::string& from, const std::string& to) { return error_of(edit(from, to)).message(); };
    auto share = [&](const std::string& value) { return message("rate_per_week: 7.7", "rate_per_week: 7.7\n  urgent_share: " + value); };
    CHECK(message("horizon: 20y", "horizon: 20 years") ==
          "expected a duration such as 6m, 26w or 180d, found '20 years'; write it as 20y (d days, w weeks, m months, y years)");
    CHECK(message("horizon: 20y", "horizon: 20 jaar").find("write it as 20y") != std::string::npos);
    CHECK(message("horizon: 20y", "horizon: 1,5 jaar").find("write it as 1.5y") != std::string::npos);
    CHECK(message("horizon: 20y", "horizon: 2,5y") ==
          "expected a duration such as 6m, 26w or 180d, found '2,5y'; write decimals with a point: 2.5y");
    CHECK(message("warmup: 2y", "warmup: 2025-01-01").find("found the date '2025-01-01'") != std::string::npos);
    CHECK(message("rate_per_week: 7.7", "rate_per_week: 7,7") ==
          "expected a number, found '7,7'; write decimals with a point: 7.7");
    CHECK(message("rate_per_week: 7.7", "rate_per_week: 1,000,5") == "expected a number, found '1,000,5'");
    CHECK(share("12.5%") == "expected a number, found '12.5%'; write a percentage as a fraction: 12.5% is 0.125");
    CHECK(share("40") == "expected a share between 0 and 1, found '40'; 40% is 0.4");
    CHECK(share("400") == "expected a share between 0 and 1, found '400'");
}

TEST_CASE("a file's errors are all reported, in file order, up to a limit") {
    std::string text = kExample;
    text.replace(text.find("rate_per_week: 7.7"), 18, "rate_per_week: 7,7");
    text.replace(text.find("horizon: 20y"), 12, "horizon: 20 years");
    text += "bogus_key: 1\n";
    try {
        (void)parse_scenario(text, "several.yaml", kData);
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        REQUIRE(e.errors().size() == 3);
        CHECK(e.errors()[0].key_path() == "horizon");  // file order: the horizon comes first
        CHECK(e.key_path() == "horizon");
        CHECK(e.errors()[1].key_path() == "referrals.rate_per_week");
        CHECK(e.errors()[2].key_path() == "bogus_key");
        const std::string what = e.what();
        CHECK(std::count(what.begin(), what.end(), '\n') == 2);
        CHECK(what.find("\nerror: several.yaml:7:18: referrals.rate_per_week: ") != std::string::npos);
    }
    std::string many = kExample + "interventions:\n";
    for (int i = 0; i < 30; ++i) many += "  - {type: extra_workers, fte: x}\n";
    try {
        (void)parse_scenario(many, "many.yaml", kData);
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        CHECK(e.errors().size() == kMaxErrorsPerFile);
        CHECK(std::string(e.what()).find("\nnote: 10 more errors in many.yaml not listed (the first 20 are)") !=
              std::string::npos);
    }
}
