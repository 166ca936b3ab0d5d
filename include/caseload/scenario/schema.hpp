#pragma once
// The keys a scenario or compare file may hold, section by section: one table
// that the loader checks keys against and that `caseload schema` turns into
// a JSON Schema for editors, so the two cannot drift apart.
//
// A new section is one more entry in the table (sim/scenario/schema.cpp) and
// one more key in the section that holds it.

#include <limits>
#include <string>
#include <string_view>
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
};

struct Section {
    std::string_view name;         // "scenario", "workforce.sick_leave", "distribution.lognormal", ...
    std::string_view description;
    std::vector<Key> keys;         // in the order messages list them
    // Keys of which at most one may be given.
    std::vector<std::string_view> at_most_one = {};
    // Alternatives of which exactly one must be given (each a set of keys).
    std::vector<std::vector<std::string_view>> exactly_one_of = {};
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

// JSON Schema (draft-07) documents, pretty-printed, ending in a newline.
[[nodiscard]] std::string scenario_json_schema();
[[nodiscard]] std::string compare_json_schema();

}  // namespace caseload::scenario::schema
