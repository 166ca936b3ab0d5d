// The resolved scenario as YAML (to_yaml), every default spelled out, written
// by walking the key table: each key with a field is written as its kind
// says; lists and named mappings (the rate schedule, measure types,
// interventions, the start state by type) by the code below.

#include "caseload/scenario/loader.hpp"

#include "scenario/field.hpp"
#include "scenario/yaml_text.hpp"

#include <algorithm>
#include <stdexcept>

namespace caseload::scenario {

namespace {

using detail::format_number;
namespace sc = schema;

std::string days(double d) { return format_number(d) + "d"; }

void emit_distribution(YAML::Emitter& e, const kernel::DistributionSpec& d) {
    using K = kernel::DistributionSpec::Kind;
    e << YAML::Flow << YAML::BeginMap;
    e << YAML::Key << "distribution" << YAML::Value << kernel::to_string(d.kind);
    switch (d.kind) {
        case K::exponential: e << YAML::Key << "mean" << YAML::Value << days(d.mean); break;
        case K::lognormal:
        case K::gamma:
            e << YAML::Key << "mean" << YAML::Value << days(d.mean);
            e << YAML::Key << "cv" << YAML::Value << format_number(d.cv);
            break;
        case K::fixed: e << YAML::Key << "value" << YAML::Value << days(d.mean); break;
        case K::uniform:
            e << YAML::Key << "min" << YAML::Value << days(d.min);
            e << YAML::Key << "max" << YAML::Value << days(d.max);
            break;
        case K::empirical:
            e << YAML::Key << "values" << YAML::Value << YAML::Flow << YAML::BeginSeq;
            for (double v : d.values) e << days(v);
            e << YAML::EndSeq;
            break;
    }
    e << YAML::EndMap;
}

class Writer {
public:
    explicit Writer(const Scenario& s) : s_(s) {}

    std::string text() {
        section("", "scenario", &s_);
        return std::string(e_.c_str()) + "\n";
    }

private:
    // A section as a block mapping: its keys in table order, `emit_last` after.
    void section(const std::string& path, std::string_view name, const void* owner) {
        const sc::Section& sec = sc::section(name);
        e_ << YAML::BeginMap;
        auto last = [&](const sc::Key& k) {
            return std::find(sec.emit_last.begin(), sec.emit_last.end(), k.name) != sec.emit_last.end();
        };
        for (const sc::Key& k : sec.keys)
            if (!last(k)) key(path, k, owner);
        for (std::string_view n : sec.emit_last) key(path, *sc::find_key(name, n), owner);
        e_ << YAML::EndMap;
    }

    void key(const std::string& path, const sc::Key& k, const void* owner) {
        const std::string name(k.name);
        const std::string p = detail::child_path(path, name);
        if (k.field) {
            const sc::Value v = k.field.get(owner);
            if (std::holds_alternative<std::monostate>(v)) return;
            e_ << YAML::Key << name << YAML::Value;
            if (const auto* d = std::get_if<kernel::DistributionSpec>(&v)) emit_distribution(e_, *d);
            else if (k.kind == sc::Kind::text) e_ << YAML::DoubleQuoted << std::get<std::string>(v);
            else e_ << sc::value_text(k, v);
        } else if (k.kind == sc::Kind::section) {
            e_ << YAML::Key << name << YAML::Value;
            section(p, k.ref, owner);
        } else {
            custom(p);
        }
    }

    // The keys the table leaves to code.
    void custom(const std::string& p) {
        if (p == "extends" || p == "referrals.rate_per_week") return;  // resolved: a file, a schedule
        if (p == "referrals.schedule") {
            e_ << YAML::Key << "schedule" << YAML::Value << YAML::BeginSeq;
            for (const auto& seg : s_.referrals.schedule)
                e_ << YAML::Flow << YAML::BeginMap << YAML::Key << "from" << YAML::Value << days(seg.from_day)
                   << YAML::Key << "rate_per_week" << YAML::Value << format_number(seg.rate_per_week) << YAML::EndMap;
            e_ << YAML::EndSeq;
        } else if (p == "referrals.children") {
            if (s_.referrals.children.empty()) return;
            e_ << YAML::Key << "children" << YAML::Value << YAML::Flow << YAML::BeginSeq;
            for (double c : s_.referrals.children) e_ << format_number(c);
            e_ << YAML::EndSeq;
        } else if (p == "referrals.types") {
            e_ << YAML::Key << "types" << YAML::Value << YAML::BeginMap;
            for (const auto& t : s_.referrals.types) {
                e_ << YAML::Key << t.name << YAML::Value;
                section(p + "." + t.name, "referrals.types", &t);
            }
            e_ << YAML::EndMap;
        } else if (p == "initial.in_care_by_type") {
            if (s_.initial.in_care_by_type.empty()) return;
            e_ << YAML::Key << "in_care_by_type" << YAML::Value << YAML::BeginMap;
            for (const auto& t : s_.initial.in_care_by_type) e_ << YAML::Key << t.first << YAML::Value << t.second;
            e_ << YAML::EndMap;
        } else if (p == "workforce.teams") {
            if (s_.teams.list.empty()) return;
            e_ << YAML::Key << "teams" << YAML::Value << YAML::BeginMap;
            for (const auto& t : s_.teams.list) {
                e_ << YAML::Key << t.name << YAML::Value;
                section(p + "." + t.name, "workforce.teams", &t);
            }
            e_ << YAML::EndMap;
        } else if (p == "interventions") {
            interventions();
        } else {
            throw std::logic_error("the key table names " + p + ", which the YAML writer does not write");
        }
    }

    void interventions() {
        e_ << YAML::Key << "interventions" << YAML::Value << YAML::BeginSeq;
        for (const auto& v : s_.interventions) {
            e_ << YAML::BeginMap;
            e_ << YAML::Key << "type" << YAML::Value << std::string(intervention_name(v));
            e_ << YAML::Key << "at" << YAML::Value << days(v.at_days);
            std::visit(
                [&](const auto& spec) {
                    for (const auto& p : std::decay_t<decltype(spec)>::params()) {
                        e_ << YAML::Key << std::string(p.key) << YAML::Value;
                        switch (p.kind) {
                            case ParamKind::number:
                            case ParamKind::share: e_ << format_number(spec.*p.number); break;
                            case ParamKind::integer: e_ << spec.*p.integer; break;
                            case ParamKind::duration: e_ << days(spec.*p.number); break;
                        }
                    }
                },
                v.kind);
            e_ << YAML::EndMap;
        }
        e_ << YAML::EndSeq;
    }

    const Scenario& s_;
    YAML::Emitter e_;
};

}  // namespace

std::string to_yaml(const Scenario& s) { return Writer(s).text(); }

}  // namespace caseload::scenario
