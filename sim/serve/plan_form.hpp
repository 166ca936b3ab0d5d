#pragma once
// The plan form, generated from the scenario JSON Schema (`caseload schema`):
// today's state (initial.*), the workforce, the run (horizon, replications,
// ...) and targets as fields with their ranges and descriptions, and one
// group of fields per intervention type (the plan's levers). A key added to
// the schema appears in the form without web code.
//
// The form stands for YAML: the "advanced" text (every other key) with the
// fields laid over it; the levers filled in are added to its interventions.
// With levers, the run compares the YAML without them (the baseline) and
// with them (the plan). Loader errors come back to the field of their key.

#include "caseload/scenario/scenario.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace caseload::serve {

struct Field {
    std::string name;         // the form's name: the key path ("initial.waiting") or "lever.<type>.<key>"
    std::string key;          // the key in its section ("waiting")
    std::string kind;         // integer, number, text, duration, date, choice
    std::string description;  // from the schema
    std::optional<double> min, max;
    std::vector<std::string> choices;
};

struct FormSection {
    std::string id;           // "run", "initial", "workforce", "targets", "lever.extra_workers"
    std::string description;  // from the schema
    std::string lever;        // the intervention type of a lever group, else empty
    std::vector<Field> fields;
};

// The form's sections from the JSON Schema text of scenario files.
[[nodiscard]] std::vector<FormSection> form_sections(const std::string& schema_json);

// The values the fields show for `yaml` (a scenario's YAML): its scalars at
// the fields' key paths. Levers start empty.
[[nodiscard]] std::map<std::string, std::string> field_values(const std::vector<FormSection>& sections,
                                                              const std::string& yaml);

struct PlanInput {
    std::map<std::string, std::string> values;  // field name -> text as typed
    std::string yaml;                           // the advanced editor
};

struct Plan {
    std::string plan_yaml;      // what the form stands for
    std::string baseline_yaml;  // the same without the levers; empty when no lever is filled in
    std::string name, description;
    std::map<std::string, std::string> field_errors;  // field name (or "yaml") -> message
    std::vector<scenario::Scenario> scenarios;        // baseline first; empty when there are errors
    [[nodiscard]] bool ok() const { return field_errors.empty(); }
};

// Builds the YAML of the form and checks it with the loader and the run
// limits (the command line's), `threads` as a run would use.
[[nodiscard]] Plan build_plan(const std::vector<FormSection>& sections, const PlanInput& input, unsigned threads);

// The keys that name files (extends, csv, ...: Kind::file in the key table):
// refused in text from a browser, which may only hold values.
[[nodiscard]] const std::vector<std::string>& file_keys();
// The first key of scenario text that names a file, with its place (or why
// the text is not YAML); empty when the text names none.
[[nodiscard]] std::string file_key_error(const std::string& yaml);

}  // namespace caseload::serve
