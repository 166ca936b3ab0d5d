#pragma once
// The key table: every key a scenario or compare file may hold, section by
// section, with its kind, range, unit, description, the words of its error
// message and where its value lives in the Scenario struct. The loader reads
// and range-checks values by it, the YAML emitter (to_yaml) writes them by
// it, `caseload schema` turns it into a JSON Schema, and a form can build its
// fields from it (key, label, kind, range, default, description).
//
// The table itself is in sim/scenario/key_table.cpp. A new scenario value is
// one row there (with `field` naming its member) plus the member in
// scenario.hpp; a new section is one more Section and a `section` key in the
// section that holds it. Intervention types keep their keys in their own
// parameter tables (interventions.hpp); their sections here are built from them.

#include "caseload/kernel/random.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace caseload::scenario::schema {

enum class Kind {
    text,          // free text: a name, a description
    file,          // a file name, relative to the file that names it
    number,        // a decimal number within [min, max]
    integer,       // a whole number within [min, max]
    share,         // a number between 0 and 1
    duration,      // a number with a unit: 300d, 6w, 18m, 2y; min and max in days (a time may be a date)
    date,          // a calendar date YYYY-MM-DD
    choice,        // one of `choices`
    distribution,  // {distribution: lognormal, mean: 2y, cv: 0.8} and the other kinds
    section,       // a mapping whose keys are the section `ref`
    list,          // a list of `item` values, or of `ref` sections when item is Kind::section
    named,         // a mapping from names the user chooses to `ref` sections (or to `item` values without a ref)
};

inline constexpr double kNoLimit = std::numeric_limits<double>::infinity();

// A value as the table moves it between a file and a struct: absent (an
// optional value not set), a number, a whole number (also a date in days
// since 1970-01-01, and the index of a choice), a text (a name, or the
// `or_word` of an optional value), a distribution.
using Value = std::variant<std::monostate, double, std::int64_t, std::string, kernel::DistributionSpec>;

// Where a key's value lives: two functions on the struct its section fills
// (Scenario for most sections; MeasureTypeSpec for referrals.types). Built
// by `field<&Scenario::workforce, &WorkforceSpec::fte>()` (field.hpp), which
// checks the types; null for keys the loader reads by hand (lists, named
// mappings, sections, distributions' own keys).
struct Field {
    Value (*get)(const void* owner) = nullptr;
    void (*set)(void* owner, const Value& value) = nullptr;
    [[nodiscard]] explicit operator bool() const { return get != nullptr; }
};

struct Key {
    std::string_view name;
    Kind kind = Kind::text;
    std::string_view description;
    double min = -kNoLimit;
    double max = kNoLimit;
    bool min_exclusive = false;                 // min itself is not allowed (a duration or rate above 0)
    std::string_view ref = {};                  // the section of a section, list or named key
    Kind item = Kind::text;                     // what a list holds
    std::vector<std::string_view> choices = {}; // for Kind::choice
    std::string_view or_word = {};              // a word accepted instead of the number ("unlimited")
    bool required = false;                      // always required (not only when nothing is extended)
    std::size_t min_items = 0;                  // for lists
    // What an error says a value out of range should have been ("expected
    // <expected>, found ..."); for a text, what it should be ("a name").
    std::string_view expected = {};
    // Said after "found ..." when a limit is hit (where the limit is set).
    std::string_view limit_note = {};
    // For a choice: the message for a word not among the choices; {value} is
    // the word, {found} the word as messages quote it.
    std::string_view unknown = {};
    bool date_ok = false;      // a time: a duration, or a date once initial.start_date is set
    std::string_view unit = {};  // for a form: "families per FTE", "euro"; durations are in days
    Field field = {};
};

struct Section {
    std::string_view name;         // "scenario", "workforce.sick_leave", "distribution.lognormal", ...
    std::string_view description;
    std::vector<Key> keys;         // in the order messages list them
    // Keys of which at most one may be given.
    std::vector<std::string_view> at_most_one = {};
    // Alternatives of which exactly one must be given (each a set of keys).
    std::vector<std::vector<std::string_view>> exactly_one_of = {};
    // Keys the resolved YAML writes after all others, in this order (the
    // order it has always had); the rest in table order.
    std::vector<std::string_view> emit_last = {};
};

// The sections of a scenario file; the first is the file's top level.
[[nodiscard]] const std::vector<Section>& scenario_sections();
// The sections of a compare file; the first is the file's top level.
[[nodiscard]] const std::vector<Section>& compare_sections();

// A section by name, from either table. Throws std::logic_error when there
// is none (a mistake in the program, not in a file).
[[nodiscard]] const Section& section(std::string_view name);
// The key names of a section, in order: what the loader accepts there.
[[nodiscard]] const std::vector<std::string>& keys(std::string_view section_name);

// The distribution kinds, in order; each has a section "distribution.<kind>".
[[nodiscard]] const std::vector<std::string>& distribution_kinds();
// The intervention types, in order; each has a section "intervention.<type>".
[[nodiscard]] const std::vector<std::string>& intervention_types();

// A key by section and name; null when there is none.
[[nodiscard]] const Key* find_key(std::string_view section_name, std::string_view key);

// For a form: a key's label ("caseload_norm" -> "Caseload norm"), and its
// default as YAML text ("14", "2y", "fifo"; empty when the key has no single
// default: a section, a list, a value that is off unless given).
[[nodiscard]] std::string label(const Key& k);
[[nodiscard]] std::string default_text(const Section& s, const Key& k);

// The key reference as Markdown: a table per section (key, value, default,
// what it sets), as the README's "Key reference" holds it.
[[nodiscard]] std::string scenario_key_reference();
[[nodiscard]] std::string compare_key_reference();

// JSON Schema (draft-07) documents, pretty-printed, ending in a newline.
[[nodiscard]] std::string scenario_json_schema();
[[nodiscard]] std::string compare_json_schema();

}  // namespace caseload::scenario::schema
