// The schema table against the loader and the committed JSON Schema:
// - the committed scenarios/*.schema.json are what `caseload schema` prints;
// - every shipped scenario and compare file validates against them, and the
//   catalogue's unknown keys do not (checked by a small validator of the
//   JSON Schema subset the generator emits: an unknown keyword fails);
// - every key of the table is read by the loader (a wrong value for it is an
//   error at that key), and every range in the table is the loader's range.

// GCC 12 warns falsely (-Wmaybe-uninitialized) inside <regex> when built with
// AddressSanitizer; the warning concerns the library, not this file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "caseload/cli/cli.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/schema.hpp"
#include "caseload/scenario/sweep_file.hpp"

#include "../helpers.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using namespace caseload::scenario;
namespace sc = caseload::scenario::schema;

namespace {

const fs::path kSource = CASELOAD_SOURCE_DIR;

using caseload::test::slurp;

// ---- a validator for the JSON Schema subset the generator emits ---------------

std::string json_type(const YAML::Node& v) {
    if (!v.IsDefined() || v.IsNull()) return "null";
    if (v.IsMap()) return "object";
    if (v.IsSequence()) return "array";
    if (v.Tag() == "!") return "string";  // quoted: a string whatever it holds
    const std::string s = v.Scalar();
    static const std::regex integer("^[-+]?[0-9]+$");
    static const std::regex number("^[-+]?([.][0-9]+|[0-9]+([.][0-9]*)?)([eE][-+]?[0-9]+)?$");
    if (s == "true" || s == "false") return "boolean";
    if (s == "~" || s == "null") return "null";
    if (std::regex_match(s, integer)) return "integer";
    if (std::regex_match(s, number)) return "number";
    return "string";
}

bool type_matches(const std::string& want, const YAML::Node& v) {
    const std::string t = json_type(v);
    if (want == t) return true;
    if (want == "number" && t == "integer") return true;
    if (want == "integer" && t == "number") {
        const double d = std::stod(v.Scalar());
        return d == std::floor(d);
    }
    return false;
}

class Validator {
public:
    explicit Validator(YAML::Node root) : root_(std::move(root)) {}

    // Errors of `v` against the schema's root; empty when valid.
    std::vector<std::string> check(const YAML::Node& v) {
        std::vector<std::string> errors;
        validate(root_, v, "", errors);
        return errors;
    }

private:
    YAML::Node resolve(const std::string& ref) {
        const std::string prefix = "#/definitions/";
        REQUIRE(ref.rfind(prefix, 0) == 0);
        const YAML::Node d = root_["definitions"][ref.substr(prefix.size())];
        REQUIRE(d.IsDefined());
        return d;
    }

    bool valid(const YAML::Node& schema, const YAML::Node& v) {
        std::vector<std::string> e;
        validate(schema, v, "", e);
        return e.empty();
    }

    void validate(const YAML::Node& schema, const YAML::Node& v, const std::string& at, std::vector<std::string>& errors) {
        for (auto it = schema.begin(); it != schema.end(); ++it) {
            const std::string kw = it->first.Scalar();
            const YAML::Node arg = it->second;
            auto fail = [&](const std::string& what) { errors.push_back((at.empty() ? "(top)" : at) + ": " + what); };
            if (kw == "$schema" || kw == "title" || kw == "description" || kw == "definitions") {
                continue;
            } else if (kw == "$ref") {
                validate(resolve(arg.Scalar()), v, at, errors);
            } else if (kw == "type") {
                bool ok = false;
                if (arg.IsSequence()) {
                    for (const auto& t : arg) ok = ok || type_matches(t.Scalar(), v);
                } else {
                    ok = type_matches(arg.Scalar(), v);
                }
                if (!ok) fail("wrong type " + json_type(v));
            } else if (kw == "properties" || kw == "additionalProperties") {
                if (!v.IsMap()) continue;
                if (kw == "additionalProperties") {
                    const YAML::Node props = schema["properties"];
                    for (auto p = v.begin(); p != v.end(); ++p) {
                        const std::string key = p->first.Scalar();
                        if (props.IsDefined() && props[key].IsDefined()) continue;
                        if (arg.IsScalar()) {
                            if (arg.Scalar() == "false") fail("unknown key " + key);
                        } else {
                            validate(arg, p->second, at + "." + key, errors);
                        }
                    }
                } else {
                    for (auto p = v.begin(); p != v.end(); ++p) {
                        const std::string key = p->first.Scalar();
                        if (arg[key].IsDefined()) validate(arg[key], p->second, at + "." + key, errors);
                    }
                }
            } else if (kw == "required") {
                if (!v.IsMap()) continue;
                for (const auto& r : arg)
                    if (!v[r.Scalar()].IsDefined()) fail("missing " + r.Scalar());
            } else if (kw == "enum") {
                bool ok = false;
                for (const auto& e : arg) ok = ok || (v.IsScalar() && v.Scalar() == e.Scalar());
                if (!ok) fail("not one of the allowed words");
            } else if (kw == "pattern") {
                if (json_type(v) == "string" && !std::regex_search(v.Scalar(), std::regex(arg.Scalar())))
                    fail("does not match " + arg.Scalar());
            } else if (kw == "minimum" || kw == "maximum" || kw == "exclusiveMinimum") {
                const std::string t = json_type(v);
                if (t != "number" && t != "integer") continue;
                const double x = std::stod(v.Scalar()), b = std::stod(arg.Scalar());
                if ((kw == "minimum" && x < b) || (kw == "maximum" && x > b) || (kw == "exclusiveMinimum" && x <= b))
                    fail(kw + " " + arg.Scalar());
            } else if (kw == "items") {
                if (!v.IsSequence()) continue;
                for (std::size_t i = 0; i < v.size(); ++i) validate(arg, v[i], at + "[" + std::to_string(i) + "]", errors);
            } else if (kw == "minItems") {
                if (v.IsSequence() && v.size() < std::stoul(arg.Scalar())) fail("too few items");
            } else if (kw == "minProperties") {
                if (v.IsMap() && v.size() < std::stoul(arg.Scalar())) fail("too few keys");
            } else if (kw == "oneOf" || kw == "anyOf" || kw == "allOf") {
                std::size_t n = 0;
                std::vector<std::string> inner;
                for (const auto& s : arg) {
                    std::vector<std::string> e;
                    validate(s, v, at, e);
                    n += e.empty();
                    inner.insert(inner.end(), e.begin(), e.end());
                }
                if (kw == "oneOf" && n != 1) fail("matches " + std::to_string(n) + " of oneOf");
                if (kw == "anyOf" && n == 0) fail("matches none of anyOf");
                if (kw == "allOf") errors.insert(errors.end(), inner.begin(), inner.end());
            } else if (kw == "not") {
                if (valid(arg, v)) fail("matches what 'not' excludes");
            } else {
                FAIL("the validator does not know the keyword '" << kw << "': teach it, or emit a simpler schema");
            }
        }
    }

    YAML::Node root_;
};

Validator scenario_validator() { return Validator(YAML::LoadFile((kSource / "scenarios" / "scenario.schema.json").string())); }
Validator compare_validator() { return Validator(YAML::LoadFile((kSource / "scenarios" / "compare.schema.json").string())); }

std::vector<fs::path> files_in(const fs::path& dir, const std::string& ext) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// ---- probing the loader with one key set to a given value ---------------------

// A scenario with every section, valid as it stands.
const char* const kFull = R"(name: full
description: every section
horizon: 10y
warmup: 1y
replications: 2
seed: 3
referrals:
  rate_per_week: 3
  urgent_share: 0.1
  types:
    ots: {share: 0.8, length: {distribution: lognormal, mean: 1y, cv: 0.8}, weight: 1}
    voogdij: {share: 0.2, length: {distribution: exponential, mean: 2y}, weight: 1}
workforce:
  workers: 10
  fte: 1.0
  caseload_norm: 14
  cost_per_fte_year: 80000
  sick_leave: {episodes_per_year: 1, length: {distribution: lognormal, mean: 14d, cv: 2}, long_after: 6w, pressure_elasticity: 0.5}
  attrition: {per_year: 0.1, pressure_elasticity: 1, first_year_multiplier: 1.5}
  hiring: {delay: {distribution: lognormal, mean: 4m, cv: 0.5}, ramp_up: 6m, start_fraction: 0.3}
  teams: {north: {share: 0.6, workers: 6}, south: {share: 0.4, workers: 4}}
  lend_after: 8w
waitlist: {discipline: urgent_first, max_length: 100000}
handover: {penalty: 2w, priority: ahead}
effects: {reference_caseload: 14, length_strength: 0.3, repeat_strength: 0.5, waitlist_pressure_weight: 0.5}
care: {need_share: 0.5, search: {distribution: fixed, value: 6w}, places: 50, stay: {distribution: uniform, min: 6m, max: 2y}, late_after: 3m, late_extension: 0.5}
placement: {share: 0.3, length_multiplier: 1.3, weight_multiplier: 1.2}
repeat: {probability: 0.15, delay: {distribution: lognormal, mean: 1y, cv: 0.8}}
triage: {escalate_after: 12w, review_every: 4w, review_probability: 0.03}
initial: {caseload: 0.5}
interventions: [{type: caseload_norm, at: 1y, norm: 12}]
)";

// The node holding the keys of `section` in `doc` (created or reshaped so
// that it is valid before the probe), and its key path in messages.
std::pair<YAML::Node, std::string> holder(YAML::Node doc, const std::string& section) {
    const std::string dist = "distribution.";
    if (section == "scenario") return {doc, ""};
    if (section == "referrals.types") return {doc["referrals"]["types"]["ots"], "referrals.types.ots"};
    if (section == "workforce.teams") return {doc["workforce"]["teams"]["north"], "workforce.teams.north"};
    const std::string intervention = "intervention.";
    if (section.rfind(intervention, 0) == 0) {
        // A valid intervention of the type: its required keys and one effect.
        const std::string type = section.substr(intervention.size());
        const std::map<std::string, std::string> minimal = {
            {"caseload_norm", "{norm: 12}"},
            {"extra_workers", "{fte: 2}"},
            {"support_workers", "{count: 2}"},
            {"care_coordinators", "{count: 2}"},
            {"placement_reduction", "{factor: 0.5}"},
            {"spv_first_visit", "{nurses: 2, length_multiplier: 0.9}"},
            {"early_uvo", "{repeat_multiplier: 0.5}"},
            {"local_team_cooperation", "{referral_reduction: 0.1}"}};
        YAML::Node v = YAML::Load(minimal.at(type));
        v["type"] = type;
        v["at"] = "1y";
        doc["interventions"][0] = v;
        return {doc["interventions"][0], "interventions[0]"};
    }
    if (section == "referrals.schedule") {
        doc["referrals"].remove("rate_per_week");
        doc["referrals"]["schedule"] = YAML::Load("[{from: 0d, rate_per_week: 3}]");
        return {doc["referrals"]["schedule"][0], "referrals.schedule[0]"};
    }
    if (section.rfind(dist, 0) == 0) {
        const std::string kind = section.substr(dist.size());
        YAML::Node d = YAML::Load("{distribution: " + kind + "}");
        if (kind == "exponential") d["mean"] = "1y";
        if (kind == "lognormal" || kind == "gamma") {
            d["mean"] = "1y";
            d["cv"] = "0.5";
        }
        if (kind == "fixed") d["value"] = "1y";
        if (kind == "uniform") {
            d["min"] = "0d";
            d["max"] = "1y";
        }
        if (kind == "empirical") d["values"] = YAML::Load("[10d, 1y]");
        doc["referrals"]["types"]["ots"]["length"] = d;
        return {doc["referrals"]["types"]["ots"]["length"], "referrals.types.ots.length"};
    }
    YAML::Node n = doc;
    std::string part;
    std::stringstream ss(section);
    while (std::getline(ss, part, '.')) n.reset(n[part]);
    return {n, section};
}

// Load kFull with `section`.`key` set to `value` (YAML text); the error, if any.
std::optional<ScenarioError> probe(const std::string& section, const sc::Key& key, const std::string& value) {
    YAML::Node doc = YAML::Load(kFull);
    auto [node, path] = holder(doc, section);
    const auto& s = sc::section(section);
    if (std::find(s.at_most_one.begin(), s.at_most_one.end(), key.name) != s.at_most_one.end())
        for (auto other : s.at_most_one)
            if (other != key.name) node.remove(std::string(other));
    for (const auto& alt : s.exactly_one_of) {  // keep only the alternative the key belongs to
        const bool mine = std::find(alt.begin(), alt.end(), key.name) != alt.end();
        for (auto k : alt)
            if (!mine) node.remove(std::string(k));
        if (mine)
            for (auto k : alt)
                if (k != key.name && !node[std::string(k)]) node[std::string(k)] = k == "column" ? "days" : "lengths.csv";
    }
    if (key.name == "unit" || key.name == "column") node["csv"] = "lengths.csv";
    if (key.name == "unit") node["column"] = "days";
    if (key.name == "csv" || key.name == "column" || key.name == "unit") node.remove("values");
    node[std::string(key.name)] = YAML::Load(value);
    YAML::Emitter e;
    e << doc;
    try {
        (void)parse_scenario(e.c_str(), "probe.yaml", CASELOAD_TEST_DATA);
    } catch (const ScenarioError& err) {
        return err;
    }
    return std::nullopt;
}

std::string key_path(const std::string& holder_path, std::string_view key) {
    return holder_path.empty() ? std::string(key) : holder_path + "." + std::string(key);
}

std::string holder_path(const std::string& section) {
    YAML::Node doc = YAML::Load(kFull);
    return holder(doc, section).second;
}

std::string text_of(double v, sc::Kind kind) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string(buf) + (kind == sc::Kind::duration ? "d" : "");
}

}  // namespace

TEST_CASE("schema: the committed JSON Schemas are what 'caseload schema' prints") {
    for (const std::string kind : {"scenario", "compare"}) {
        INFO(kind);
        std::ostringstream out, err;
        const char* argv[] = {"caseload", "schema", kind.c_str()};
        REQUIRE(caseload::cli::run(3, argv, {out, err, false}) == caseload::cli::kExitOk);
        const fs::path committed = kSource / "scenarios" / (kind + ".schema.json");
        INFO("regenerate with: build/release/caseload schema " << kind << " > " << committed.string());
        CHECK(slurp(committed) == out.str());
        CHECK(out.str() == (kind == "scenario" ? sc::scenario_json_schema() : sc::compare_json_schema()));
    }
}

TEST_CASE("schema: every shipped scenario and compare file validates against it") {
    auto scen = scenario_validator();
    auto cmp = compare_validator();
    std::vector<fs::path> files = files_in(kSource / "scenarios", ".yaml");
    for (const char* good : {"baseline.yaml", "century.yaml"})  // the catalogue's good files
        files.push_back(kSource / "tests" / "bad_inputs" / "support" / good);
    files.push_back(fs::path(CASELOAD_TEST_DATA) / "parent.yaml");
    files.push_back(fs::path(CASELOAD_TEST_DATA) / "child.yaml");
    REQUIRE(files.size() >= 6);
    for (const auto& f : files) {
        INFO(f.string());
        if (caseload::scenario::is_sweep_file(f)) continue;  // sweep files have their own checks
        const auto errors = (is_compare_file(f) ? cmp : scen).check(YAML::LoadFile(f.string()));
        for (const auto& e : errors) INFO(e);
        CHECK(errors.empty());
        // and the loader agrees
        if (is_compare_file(f))
            CHECK_NOTHROW((void)load_compare(f));
        else
            CHECK_NOTHROW((void)load_scenario(f));
    }
    // The resolved scenario, every default spelled out, validates too.
    const auto resolved = to_yaml(load_scenario(kSource / "scenarios" / "baseline.yaml"));
    CHECK(scen.check(YAML::Load(resolved)).empty());
    CHECK(scen.check(YAML::Load(kFull)).empty());
}

TEST_CASE("schema: the catalogue's unknown keys and wrong values fail it too") {
    auto scen = scenario_validator();
    auto cmp = compare_validator();
    const fs::path dir = kSource / "tests" / "bad_inputs";
    std::size_t checked = 0;
    for (const auto& f : files_in(dir, ".yaml")) {
        const std::string text = slurp(f);
        // files whose error is one a schema can see: unknown keys, wrong types, out of range
        const bool schema_error = text.find("# says: unknown key") != std::string::npos ||
                                  text.find("# says: expected a whole number") != std::string::npos ||
                                  text.find("expected a share between 0 and 1") != std::string::npos ||
                                  text.find("# says: unknown distribution") != std::string::npos;
        const bool elsewhere = text.find("# expect: support/") != std::string::npos;  // the error is in another file
        if (!schema_error || elsewhere) continue;
        INFO(f.filename().string());
        YAML::Node doc;
        try {
            doc = YAML::Load(text);
        } catch (const YAML::Exception&) {
            continue;
        }
        const bool compare = f.filename().string().rfind("compare_", 0) == 0;
        CHECK_FALSE((compare ? cmp : scen).check(doc).empty());
        ++checked;
    }
    CHECK(checked >= 15);
}

TEST_CASE("schema: every key of the table is read by the loader, at its own path") {
    std::size_t probed = 0;
    for (const auto& s : sc::scenario_sections()) {
        const std::string base = holder_path(std::string(s.name));
        for (const auto& k : s.keys) {
            const std::string path = key_path(base, k.name);
            INFO("key " << path);
            // a mapping is wrong for every key but a section; a section must know its keys
            const std::string wrong = k.kind == sc::Kind::section  ? "{zz_not_a_key: 1}"
                                      : k.kind == sc::Kind::choice ? "zz_not_a_choice"
                                      : k.kind == sc::Kind::named  ? "[1, 2]"
                                                                   : "{zz: 1}";
            const auto e = probe(std::string(s.name), k, wrong);
            REQUIRE(e.has_value());
            INFO(e->what());
            CHECK(e->key_path().rfind(path, 0) == 0);
            ++probed;
        }
    }
    CHECK(probed > 60);
}

TEST_CASE("schema: the table's ranges are the loader's ranges") {
    std::size_t bounds = 0;
    for (const auto& s : sc::scenario_sections()) {
        const std::string base = holder_path(std::string(s.name));
        for (const auto& k : s.keys) {
            const bool ranged = k.kind == sc::Kind::number || k.kind == sc::Kind::integer ||
                                k.kind == sc::Kind::share || k.kind == sc::Kind::duration;
            if (!ranged) continue;
            const double lo = k.kind == sc::Kind::share ? 0.0 : k.min;
            const double hi = k.kind == sc::Kind::share ? 1.0 : k.max;
            const std::string path = key_path(base, k.name);
            auto refused = [&](double v) {
                const auto e = probe(std::string(s.name), k, text_of(v, k.kind));
                return e && e->key_path() == path;
            };
            const double step = k.kind == sc::Kind::integer ? 1.0 : 1e-6;
            if (std::isfinite(lo)) {
                INFO(path << " at its lower end " << lo);
                CHECK(refused(k.min_exclusive ? lo : lo - std::max(step, std::fabs(lo) * 1e-9)));
                CHECK_FALSE(refused(k.min_exclusive ? lo + std::max(step, std::fabs(lo) * 1e-9) : lo));
                ++bounds;
            }
            if (std::isfinite(hi)) {
                INFO(path << " at its upper end " << hi);
                CHECK(refused(hi + std::max(step, std::fabs(hi) * 1e-9)));
                CHECK_FALSE(refused(hi));
                ++bounds;
            }
        }
    }
    CHECK(bounds > 40);
}

TEST_CASE("schema: the compare file's keys are read by the loader") {
    const fs::path dir = fs::temp_directory_path() / "caseload_schema_compare";
    fs::create_directories(dir);
    std::ofstream(dir / "a.yaml") << "name: a\n";
    for (const auto& k : sc::section("compare").keys) {
        INFO(k.name);
        YAML::Node doc = YAML::Load("compare: {baseline: a.yaml, scenarios: [a.yaml]}");
        // A map is wrong for every key but `relevant` (whose metric names the command checks): a list is wrong there.
        doc["compare"][std::string(k.name)] = YAML::Load(k.name == "relevant" ? "[1]" : "{zz: 1}");
        YAML::Emitter e;
        e << doc;
        std::ofstream(dir / "c.yaml") << e.c_str();
        try {
            (void)load_compare(dir / "c.yaml");
            FAIL("expected an error");
        } catch (const ScenarioError& err) {
            CHECK(err.key_path().rfind("compare." + std::string(k.name), 0) == 0);
        }
    }
    fs::remove_all(dir);
}
