// `caseload schema`: the key table (key_table.cpp) as JSON Schema documents.

#include "caseload/scenario/schema.hpp"

#include "caseload/scenario/loader.hpp"
#include "scenario/yaml_text.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace caseload::scenario::schema {

namespace {

using K = Kind;
using detail::days_text;

// ---- JSON --------------------------------------------------------------------

// Objects keep the order of their members, so output is stable.
using Json = nlohmann::ordered_json;

// A number as JSON Schema reads it best: whole numbers as integers (0, not 0.0).
Json number(double d) {
    if (std::fabs(d) < 9e15 && d == std::floor(d)) return static_cast<std::int64_t>(d);
    return d;
}

Json schema_ref(std::string_view definition) { return {{"$ref", "#/definitions/" + std::string(definition)}}; }

// A reference with a description beside it: draft-07 ignores keywords next
// to "$ref", so the reference goes inside "allOf".
Json described_ref(std::string_view definition) { return {{"allOf", Json::array({schema_ref(definition)})}}; }

Json words(const std::vector<std::string_view>& ws) {
    Json a = Json::array();
    for (auto w : ws) a.push_back(std::string(w));
    return a;
}


// The schema of one value of kind `kind`.
Json value_schema(const Key& k, Kind kind) {
    Json j = Json::object();
    switch (kind) {
        case K::text:
        case K::file:
            j["type"] = {"string", "number", "boolean"};
            break;
        case K::number:
        case K::share:
        case K::integer: {
            Json num = Json::object();
            num["type"] = kind == K::integer ? "integer" : "number";
            const double lo = kind == K::share ? 0.0 : k.min;
            const double hi = kind == K::share ? 1.0 : k.max;
            if (std::isfinite(lo)) num[k.min_exclusive ? "exclusiveMinimum" : "minimum"] = number(lo);
            if (std::isfinite(hi)) num["maximum"] = number(hi);
            if (k.or_word.empty()) return num;
            j["anyOf"] = Json::array({num, {{"enum", words({k.or_word})}}});
            break;
        }
        case K::duration:
            j = described_ref("duration");
            break;
        case K::choice:
            j["type"] = "string";
            j["enum"] = words(k.choices);
            break;
        case K::date:
            j["type"] = "string";
            j["pattern"] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
            break;
        case K::distribution:
            j = described_ref("distribution");
            break;
        case K::section:
            j = described_ref(k.ref);
            break;
        case K::list: {
            j["type"] = "array";
            if (k.min_items > 0) j["minItems"] = k.min_items;
            j["items"] = k.item == K::section ? schema_ref(k.ref) : value_schema(k, k.item);
            break;
        }
        case K::named:
            j["type"] = "object";
            if (k.min_items > 0) j["minProperties"] = k.min_items;
            j["additionalProperties"] = k.ref.empty() ? value_schema(k, k.item) : schema_ref(k.ref);
            break;
    }
    return j;
}

// A key: its value's schema with the description in front.
Json key_schema(const Key& k) {
    std::string text(k.description);
    if (k.kind == K::duration) {
        text += k.min_exclusive ? " A duration above 0d" : " A duration of 0d or more";
        if (std::isfinite(k.max)) text += ", at most " + days_text(k.max);
        text += ".";
    }
    Json j = {{"description", text}};
    j.update(value_schema(k, k.kind));
    return j;
}

Json section_schema(const Section& s) {
    Json j = Json::object();
    j["description"] = s.description;
    j["type"] = "object";
    Json props = Json::object();
    Json required = Json::array();
    for (const auto& k : s.keys) {
        props[std::string(k.name)] = key_schema(k);
        if (k.required) required.push_back(std::string(k.name));
    }
    j["properties"] = std::move(props);
    j["additionalProperties"] = false;
    if (!required.empty()) j["required"] = std::move(required);
    if (!s.at_most_one.empty()) j["not"] = {{"required", words(s.at_most_one)}};
    if (!s.exactly_one_of.empty()) {
        Json alts = Json::array();
        for (const auto& alt : s.exactly_one_of) alts.push_back({{"required", words(alt)}});
        j["oneOf"] = std::move(alts);
    }
    return j;
}

Json duration_schema() {
    return {{"description", "A duration with a unit: d (days), w (weeks), m (months, a twelfth of a year) or y (years of 365.25 days), e.g. 300d, 6w, 18m, 2y. A start time (at, from) or the horizon may be a date YYYY-MM-DD when initial.start_date is set."},
            {"type", "string"},
            {"pattern", "^(([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)? *[dwmy]|[0-9]{4}-[0-9]{2}-[0-9]{2})$"}};
}

// One of the sections "<prefix>.<kind>", told apart by the key `tag`.
Json one_of_kinds(const std::vector<std::string>& kinds, const std::string& prefix, const char* tag,
                  const char* description) {
    Json names = Json::array();
    Json alts = Json::array();
    for (const auto& kind : kinds) {
        names.push_back(kind);
        alts.push_back(schema_ref(prefix + "." + kind));
    }
    Json j = Json::object();
    j["description"] = description;
    j["type"] = "object";
    j["required"] = Json::array({tag});
    j["properties"] = {{tag, {{"enum", std::move(names)}}}};
    j["oneOf"] = std::move(alts);
    return j;
}

Json distribution_schema() {
    return one_of_kinds(distribution_kinds(), "distribution", "distribution",
                        "A distribution by the parameters people think in, e.g. {distribution: lognormal, mean: 2y, cv: 0.8}.");
}

Json intervention_schema() {
    return one_of_kinds(intervention_types(), "intervention", "type",
                        "An intervention: a type, a start time `at` and the type's parameters.");
}

std::string document(const std::vector<Section>& sections, const char* title, bool with_values) {
    const Section& top = sections.front();
    Json root = Json::object();
    root["$schema"] = "http://json-schema.org/draft-07/schema#";
    root["title"] = title;
    root.update(section_schema(top));
    Json defs = Json::object();
    if (with_values) {
        defs["duration"] = duration_schema();
        defs["distribution"] = distribution_schema();
        defs["intervention"] = intervention_schema();
    }
    for (std::size_t i = 1; i < sections.size(); ++i) defs[std::string(sections[i].name)] = section_schema(sections[i]);
    root["definitions"] = std::move(defs);
    return root.dump(2) + '\n';
}

}  // namespace

std::string scenario_json_schema() { return document(scenario_sections(), "caseload-sim scenario", true); }

std::string compare_json_schema() { return document(compare_sections(), "caseload-sim compare file", false); }

}  // namespace caseload::scenario::schema
