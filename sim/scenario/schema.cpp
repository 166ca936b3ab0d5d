// `caseload schema`: the key table (key_table.cpp) as JSON Schema documents.

#include "caseload/scenario/schema.hpp"

#include "caseload/scenario/loader.hpp"

#include <charconv>
#include <cmath>
#include <memory>
#include <sstream>
#include <utility>
#include <variant>

namespace caseload::scenario::schema {

namespace {

using K = Kind;

// ---- JSON --------------------------------------------------------------------

// A JSON value that keeps the order of object members, so output is stable.
struct Json {
    using Object = std::vector<std::pair<std::string, Json>>;
    using Array = std::vector<Json>;
    std::variant<std::nullptr_t, bool, double, std::string, std::shared_ptr<Array>, std::shared_ptr<Object>> v;

    Json() : v(nullptr) {}
    Json(bool b) : v(b) {}
    Json(double d) : v(d) {}
    Json(const char* s) : v(std::string(s)) {}
    Json(std::string s) : v(std::move(s)) {}
    Json(std::string_view s) : v(std::string(s)) {}
    static Json object() {
        Json j;
        j.v = std::make_shared<Object>();
        return j;
    }
    static Json array() {
        Json j;
        j.v = std::make_shared<Array>();
        return j;
    }
    Json& set(std::string key, Json value) {
        std::get<std::shared_ptr<Object>>(v)->emplace_back(std::move(key), std::move(value));
        return *this;
    }
    Json& push(Json value) {
        std::get<std::shared_ptr<Array>>(v)->push_back(std::move(value));
        return *this;
    }
};

void write_string(std::ostream& o, const std::string& s) {
    o << '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': o << "\\\""; break;
            case '\\': o << "\\\\"; break;
            case '\n': o << "\\n"; break;
            case '\t': o << "\\t"; break;
            default:
                if (c < 0x20) {
                    char b[8];
                    std::snprintf(b, sizeof b, "\\u%04x", c);
                    o << b;
                } else {
                    o << char(c);
                }
        }
    }
    o << '"';
}

void write_number(std::ostream& o, double d) {
    if (std::fabs(d) < 9e15 && d == std::floor(d)) {
        o << static_cast<long long>(d);
        return;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    o << std::string(buf, r.ptr);
}

bool is_scalar(const Json& j) {
    return !std::holds_alternative<std::shared_ptr<Json::Array>>(j.v) &&
           !std::holds_alternative<std::shared_ptr<Json::Object>>(j.v);
}

void write(std::ostream& o, const Json& j, int indent) {
    const std::string pad(std::size_t(indent) * 2, ' ');
    const std::string inner(std::size_t(indent + 1) * 2, ' ');
    if (std::holds_alternative<std::nullptr_t>(j.v)) {
        o << "null";
    } else if (auto b = std::get_if<bool>(&j.v)) {
        o << (*b ? "true" : "false");
    } else if (auto d = std::get_if<double>(&j.v)) {
        write_number(o, *d);
    } else if (auto s = std::get_if<std::string>(&j.v)) {
        write_string(o, *s);
    } else if (auto a = std::get_if<std::shared_ptr<Json::Array>>(&j.v)) {
        const auto& arr = **a;
        bool flat = true;
        for (const auto& e : arr) flat = flat && is_scalar(e);
        if (arr.empty()) {
            o << "[]";
        } else if (flat) {  // a list of words on one line
            o << '[';
            for (std::size_t i = 0; i < arr.size(); ++i) {
                if (i) o << ", ";
                write(o, arr[i], indent + 1);
            }
            o << ']';
        } else {
            o << "[\n";
            for (std::size_t i = 0; i < arr.size(); ++i) {
                o << inner;
                write(o, arr[i], indent + 1);
                o << (i + 1 < arr.size() ? ",\n" : "\n");
            }
            o << pad << ']';
        }
    } else {
        const auto& obj = *std::get<std::shared_ptr<Json::Object>>(j.v);
        if (obj.empty()) {
            o << "{}";
            return;
        }
        o << "{\n";
        for (std::size_t i = 0; i < obj.size(); ++i) {
            o << inner;
            write_string(o, obj[i].first);
            o << ": ";
            write(o, obj[i].second, indent + 1);
            o << (i + 1 < obj.size() ? ",\n" : "\n");
        }
        o << pad << '}';
    }
}

Json schema_ref(std::string_view definition) { return Json::object().set("$ref", "#/definitions/" + std::string(definition)); }

// A reference with a description beside it: draft-07 ignores keywords next
// to "$ref", so the reference goes inside "allOf".
Json described_ref(std::string_view definition) { return Json::object().set("allOf", Json::array().push(schema_ref(definition))); }

Json words(const std::vector<std::string_view>& ws) {
    Json a = Json::array();
    for (auto w : ws) a.push(w);
    return a;
}

std::string days_text(double days) {
    // Limits read best in years when they are whole years.
    const double years = days / kDaysPerYear;
    char buf[64];
    if (years >= 1 && years == std::floor(years)) {
        auto r = std::to_chars(buf, buf + sizeof buf, years);
        return std::string(buf, r.ptr) + "y";
    }
    auto r = std::to_chars(buf, buf + sizeof buf, days);
    return std::string(buf, r.ptr) + "d";
}

// The schema of one value of kind `kind`.
Json value_schema(const Key& k, Kind kind) {
    Json j = Json::object();
    switch (kind) {
        case K::text:
        case K::file:
            j.set("type", Json::array().push("string").push("number").push("boolean"));
            break;
        case K::number:
        case K::share:
        case K::integer: {
            Json num = Json::object();
            num.set("type", kind == K::integer ? "integer" : "number");
            const double lo = kind == K::share ? 0.0 : k.min;
            const double hi = kind == K::share ? 1.0 : k.max;
            if (std::isfinite(lo)) num.set(k.min_exclusive ? "exclusiveMinimum" : "minimum", lo);
            if (std::isfinite(hi)) num.set("maximum", hi);
            if (k.or_word.empty()) return num;
            j.set("anyOf", Json::array().push(num).push(Json::object().set("enum", words({k.or_word}))));
            break;
        }
        case K::duration:
            j = described_ref("duration");
            break;
        case K::choice:
            j.set("type", "string").set("enum", words(k.choices));
            break;
        case K::date:
            j.set("type", "string").set("pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
            break;
        case K::distribution:
            j = described_ref("distribution");
            break;
        case K::section:
            j = described_ref(k.ref);
            break;
        case K::list: {
            j.set("type", "array");
            if (k.min_items > 0) j.set("minItems", double(k.min_items));
            j.set("items", k.item == K::section ? schema_ref(k.ref) : value_schema(k, k.item));
            break;
        }
        case K::named:
            j.set("type", "object");
            if (k.min_items > 0) j.set("minProperties", double(k.min_items));
            j.set("additionalProperties", k.ref.empty() ? value_schema(k, k.item) : schema_ref(k.ref));
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
    Json j = Json::object().set("description", text);
    const Json v = value_schema(k, k.kind);
    for (const auto& [name, value] : *std::get<std::shared_ptr<Json::Object>>(v.v)) j.set(name, value);
    return j;
}

Json section_schema(const Section& s) {
    Json j = Json::object();
    j.set("description", s.description);
    j.set("type", "object");
    Json props = Json::object();
    Json required = Json::array();
    for (const auto& k : s.keys) {
        props.set(std::string(k.name), key_schema(k));
        if (k.required) required.push(k.name);
    }
    j.set("properties", props);
    j.set("additionalProperties", false);
    if (!std::get<std::shared_ptr<Json::Array>>(required.v)->empty()) j.set("required", required);
    if (!s.at_most_one.empty()) j.set("not", Json::object().set("required", words(s.at_most_one)));
    if (!s.exactly_one_of.empty()) {
        Json alts = Json::array();
        for (const auto& alt : s.exactly_one_of) alts.push(Json::object().set("required", words(alt)));
        j.set("oneOf", alts);
    }
    return j;
}

Json duration_schema() {
    return Json::object()
        .set("description", "A duration with a unit: d (days), w (weeks), m (months, a twelfth of a year) or y (years of 365.25 days), e.g. 300d, 6w, 18m, 2y. A start time (at, from) or the horizon may be a date YYYY-MM-DD when initial.start_date is set.")
        .set("type", "string")
        .set("pattern", "^(([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)? *[dwmy]|[0-9]{4}-[0-9]{2}-[0-9]{2})$");
}

// One of the sections "<prefix>.<kind>", told apart by the key `tag`.
Json one_of_kinds(const std::vector<std::string>& kinds, const std::string& prefix, const char* tag,
                  const char* description) {
    Json names = Json::array();
    Json alts = Json::array();
    for (const auto& kind : kinds) {
        names.push(kind);
        alts.push(schema_ref(prefix + "." + kind));
    }
    return Json::object()
        .set("description", description)
        .set("type", "object")
        .set("required", Json::array().push(tag))
        .set("properties", Json::object().set(tag, Json::object().set("enum", names)))
        .set("oneOf", alts);
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
    root.set("$schema", "http://json-schema.org/draft-07/schema#");
    root.set("title", title);
    const Json body = section_schema(top);
    for (const auto& [name, value] : *std::get<std::shared_ptr<Json::Object>>(body.v)) root.set(name, value);
    Json defs = Json::object();
    if (with_values) {
        defs.set("duration", duration_schema());
        defs.set("distribution", distribution_schema());
        defs.set("intervention", intervention_schema());
    }
    for (std::size_t i = 1; i < sections.size(); ++i) defs.set(std::string(sections[i].name), section_schema(sections[i]));
    root.set("definitions", defs);
    std::ostringstream o;
    write(o, root, 0);
    o << '\n';
    return o.str();
}

}  // namespace

std::string scenario_json_schema() { return document(scenario_sections(), "caseload-sim scenario", true); }

std::string compare_json_schema() { return document(compare_sections(), "caseload-sim compare file", false); }

}  // namespace caseload::scenario::schema
