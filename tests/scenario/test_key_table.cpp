// The key table (caseload/scenario/schema.hpp) drives the loader, the YAML
// emitter and the JSON Schema: every value key of a struct-backed section
// names its place in the Scenario, the resolved YAML writes each value the
// loader read at the key's own path, and a form can take labels and
// defaults from it.

#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/schema.hpp"

#include "scenario/field.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace caseload::scenario;
namespace sc = caseload::scenario::schema;

namespace {

const fs::path kScenarios = fs::path(CASELOAD_SOURCE_DIR) / "scenarios";

// Sections whose keys the loader reads by hand (lists of segments,
// distributions, intervention parameters through their own tables).
bool struct_backed(std::string_view section) {
    return section != "referrals.schedule" && section.rfind("distribution.", 0) != 0 &&
           section.rfind("intervention.", 0) != 0;
}

bool holds_value(sc::Kind k) {
    return k != sc::Kind::section && k != sc::Kind::list && k != sc::Kind::named;
}

// A scenario that sets every optional value, on top of the baseline.
const char* kEverything = R"(extends: baseline.yaml
name: everything
warmup: 0d
horizon: 2027-01-01
workforce:
  sick_leave: {pressure_ceiling: 3}
  attrition: {pressure_ceiling: 4}
  hiring: {ramp_up: 90d, start_fraction: 0.5}
  teams: {north: {share: 0.5, workers: 58}, south: {share: 0.5, workers: 58}}
  lend_after: 8w
care: {places: 40}
handover: {priority: ahead}
effects: {intensity_from: load}
waitlist: {discipline: urgent_first, interim_contact: {duty_fte: 2}}
triage: {escalate_after: 20w, review_every: 4w, review_probability: 0.1}
targets: {waitlist: 50}
initial:
  caseload: 0
  start_date: 2025-01-01
  waiting: 30
  waited: {distribution: exponential, mean: 30d}
  in_care: 100
  vacancies: 2
  sick: 1
  ramping: 1
)";

YAML::Node at_path(YAML::Node n, const std::string& path) {
    std::size_t pos = 0;
    while (pos <= path.size()) {
        const std::size_t dot = std::min(path.find('.', pos), path.size());
        const std::string part = path.substr(pos, dot - pos);
        if (!n.IsMap() || !n[part]) return YAML::Node(YAML::NodeType::Undefined);
        n.reset(n[part]);
        pos = dot + 1;
    }
    return n;
}

}  // namespace

TEST_CASE("key table: every value key of a scenario section says where its value lives") {
    std::size_t fields = 0;
    for (const auto& s : sc::scenario_sections()) {
        if (!struct_backed(s.name)) continue;
        for (const auto& k : s.keys) {
            const std::string path = (s.name == "scenario" ? "" : std::string(s.name) + ".") + std::string(k.name);
            INFO(path);
            if (!holds_value(k.kind) || path == "extends" || path == "referrals.rate_per_week") {
                CHECK_FALSE(k.field);
                continue;
            }
            CHECK(bool(k.field));
            fields += bool(k.field);
            // a number out of range and a text are refused in words of their own
            if (k.kind == sc::Kind::number || k.kind == sc::Kind::text) CHECK_FALSE(k.expected.empty());
            if (k.kind == sc::Kind::choice) CHECK_FALSE(k.unknown.empty());
        }
    }
    CHECK(fields >= 55);
}

TEST_CASE("key table: the resolved YAML writes every value the loader read, at the key's own path") {
    const Scenario s = parse_scenario(kEverything, "everything.yaml", kScenarios);
    const YAML::Node resolved = YAML::Load(to_yaml(s));
    std::size_t written = 0;
    for (const auto& sec : sc::scenario_sections()) {
        if (!struct_backed(sec.name) || sec.name == "referrals.types" || sec.name == "workforce.teams") continue;
        const std::string prefix = sec.name == "scenario" ? "" : std::string(sec.name) + ".";
        for (const auto& k : sec.keys) {
            if (!k.field) continue;
            const std::string path = prefix + std::string(k.name);
            INFO(path);
            const sc::Value v = k.field.get(&s);
            REQUIRE_FALSE(std::holds_alternative<std::monostate>(v));  // the scenario sets every value
            const YAML::Node n = at_path(resolved, path);
            REQUIRE(n.IsDefined());
            if (n.IsScalar()) CHECK(n.Scalar() == sc::value_text(k, v));
            ++written;
        }
    }
    CHECK(written >= 50);
    // and through the table back: setting a value by its field changes what is written
    Scenario t = s;
    const sc::Key* norm = sc::find_key("workforce", "caseload_norm");
    REQUIRE(norm);
    norm->field.set(&t, 11.5);
    CHECK(t.workforce.caseload_norm == 11.5);
    CHECK(YAML::Load(to_yaml(t))["workforce"]["caseload_norm"].Scalar() == "11.5");
}

TEST_CASE("key table: labels, units and defaults for a form") {
    const auto key = [](const char* section, const char* name) {
        const sc::Key* k = sc::find_key(section, name);
        REQUIRE(k != nullptr);
        return std::pair{&sc::section(section), k};
    };
    auto [wf, norm] = key("workforce", "caseload_norm");
    CHECK(sc::label(*norm) == "Caseload norm");
    CHECK(norm->unit == "families per FTE");
    CHECK(sc::default_text(*wf, *norm) == "14");
    auto [wl, disc] = key("waitlist", "discipline");
    CHECK(sc::default_text(*wl, *disc) == "fifo");
    auto [sl, long_after] = key("workforce.sick_leave", "long_after");
    CHECK(sc::default_text(*sl, *long_after) == "42d");
    auto [care, places] = key("care", "places");
    CHECK(sc::default_text(*care, *places) == "unlimited");
    auto [tr, esc] = key("triage", "escalate_after");
    CHECK(sc::default_text(*tr, *esc).empty());  // off unless given
    auto [ty, weight] = key("referrals.types", "weight");
    CHECK(sc::default_text(*ty, *weight) == "1");
    auto [top, horizon] = key("scenario", "horizon");
    CHECK(horizon->date_ok);
    CHECK(sc::default_text(*top, *horizon) == "7305d");
    CHECK(sc::find_key("workforce", "no_such_key") == nullptr);
}

namespace {

// The text between the README's markers for `which` (scenario or compare).
std::string readme_block(const std::string& readme, const std::string& which) {
    const std::string begin = "<!-- key reference: " + which + " ";
    const std::string end = "<!-- end of key reference: " + which + " -->";
    const auto b = readme.find(begin);
    const auto e = readme.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b) return "(markers missing)";
    const auto first = readme.find('\n', b) + 1;
    return readme.substr(first, e - first);
}

}  // namespace

TEST_CASE("the README's key reference is the key table's (renew it with tests/renew_key_reference.sh)") {
    std::ifstream in(fs::path(CASELOAD_SOURCE_DIR) / "README.md", std::ios::binary);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    const std::string readme = text.str();
    CHECK_MESSAGE(readme_block(readme, "scenario") == sc::scenario_key_reference(),
                  "README.md's key reference differs from the key table: run tests/renew_key_reference.sh");
    CHECK_MESSAGE(readme_block(readme, "compare") == sc::compare_key_reference(),
                  "README.md's key reference differs from the key table: run tests/renew_key_reference.sh");
    // Every key of every section appears in its section's table.
    for (const auto& s : sc::scenario_sections()) {
        const auto at = readme.find("#### `" + std::string(s.name) + "`");
        REQUIRE_MESSAGE(at != std::string::npos, s.name);
        const auto next = readme.find("#### ", at + 5);
        const std::string table = readme.substr(at, next == std::string::npos ? std::string::npos : next - at);
        for (const auto& k : s.keys)
            CHECK_MESSAGE(table.find("| `" + std::string(k.name) + "`") != std::string::npos, s.name, ".", k.name);
    }
}
