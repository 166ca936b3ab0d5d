#pragma once
// Scenario and compare files: YAML in, validated plain values out. This is
// the only part of the program that touches yaml-cpp.
//
// Every error names file:line:column (1-based), the key path, what was found,
// what was expected and, for an unknown key, the nearest valid one.

#include "caseload/scenario/input_error.hpp"
#include "caseload/scenario/scenario.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace caseload::scenario {

struct Location {
    std::string file;
    int line = 0;    // 1-based; 0 = unknown
    int column = 0;  // 1-based; 0 = unknown
};

class ScenarioError : public InputError {
public:
    ScenarioError(Location where, std::string key_path, std::string message, std::string suggestion = {});
    // Several errors of one file, reported together: what() lists each on a
    // line of its own ("\nerror: " between them, as the command line starts
    // the first), and says how many more were found when `not_listed` > 0.
    // where(), key_path(), message() and suggestion() are the first's.
    ScenarioError(std::vector<ScenarioError> errors, std::size_t not_listed);
    // The errors reported together (empty for a single error).
    [[nodiscard]] const std::vector<ScenarioError>& errors() const { return errors_; }
    [[nodiscard]] const Location& where() const { return where_; }
    [[nodiscard]] const std::string& key_path() const { return key_path_; }
    [[nodiscard]] const std::string& message() const { return message_; }
    [[nodiscard]] const std::string& suggestion() const { return suggestion_; }

private:
    Location where_;
    std::string key_path_;
    std::string message_;
    std::string suggestion_;
    std::vector<ScenarioError> errors_;
};

// A file's errors are all reported, up to this many (the rest are counted).
inline constexpr std::size_t kMaxErrorsPerFile = 20;

// Load a scenario file (following `extends:`), fill defaults, validate.
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& file);

// Parse scenario text; `label` names it in messages; `extends:` resolves
// relative to `base_dir`.
[[nodiscard]] Scenario parse_scenario(const std::string& text, const std::string& label,
                                      const std::filesystem::path& base_dir = ".");

// One value set by dotted path on top of a scenario file, as if that line had
// been written in the file: `workforce.caseload_norm`, `referrals.rate_per_week`,
// `referrals.types.ots.length.mean`, `referrals.schedule[1].rate_per_week`.
// Sweeps use it to build each design point from its base scenario, so every
// value passes the same checks as a value typed into the file.
struct Override {
    std::string path;   // dotted key path; [i] selects a list element
    std::string value;  // YAML scalar text, as a person would write it: 14, 2.5y, urgent_first
    Location where;     // where the value comes from (e.g. a sweep file's line), for messages
};

// A scenario file loaded and validated once, from which variants are built by
// overrides (one per sweep design point). Not for concurrent use: give each
// thread its own.
class BaseScenario {
public:
    explicit BaseScenario(const std::filesystem::path& file);
    BaseScenario(const BaseScenario&) = delete;
    BaseScenario& operator=(const BaseScenario&) = delete;
    BaseScenario(BaseScenario&&) noexcept;
    BaseScenario& operator=(BaseScenario&&) noexcept;
    ~BaseScenario();

    // The file as loaded, without overrides.
    [[nodiscard]] const Scenario& scenario() const;
    // The dotted paths an override may set: every value of the resolved
    // scenario and every key written in the file or the files it extends,
    // except name, description, extends, seed and replications. Sorted.
    [[nodiscard]] const std::vector<std::string>& override_paths() const;
    // The file with `overrides` applied to its own YAML tree, then filled
    // with defaults and validated as usual. An error caused by an override is
    // reported at the override's location, naming the values applied.
    [[nodiscard]] Scenario with(const std::vector<Override>& overrides) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Shorthand for BaseScenario(file).with(overrides).
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& file, const std::vector<Override>& overrides);

// A compare file: a baseline and the scenarios set against it.
struct CompareSpec {
    std::string name;
    std::string source_file;
    std::filesystem::path baseline;
    std::vector<std::filesystem::path> scenarios;
    std::optional<int> replications;       // overrides the scenarios' own
    std::optional<std::uint64_t> seed;     // overrides the scenarios' own
    // A start state laid over every scenario (baseline included): the plans
    // are compared from the organisation's state today.
    std::optional<std::filesystem::path> from;
    // `relevant: {metric: value}`: minimum relevant differences that replace
    // the metrics table's, with where each name is written (the command line
    // checks the names against the metrics).
    std::vector<std::pair<std::string, double>> relevant;
    std::vector<Location> relevant_at;
};

// The baseline and the scenarios of a compare file, each loaded (and laid
// under the `from` file when there is one).
[[nodiscard]] std::vector<Scenario> load_compare_scenarios(const CompareSpec& spec);
// A scenario file with another file's keys laid over it (as if a child
// extended it): a start state and horizon for a plan written from day 0.
[[nodiscard]] Scenario load_scenario_from(const std::filesystem::path& file, const std::filesystem::path& state);

// True when the file's top level is a `compare:` block.
[[nodiscard]] bool is_compare_file(const std::filesystem::path& file);
// Load a compare file. The files it names must exist (they are loaded and
// checked by load_scenario).
[[nodiscard]] CompareSpec load_compare(const std::filesystem::path& file);
// Parse compare text; `label` names it in messages; file names resolve
// relative to `base_dir`.
[[nodiscard]] CompareSpec parse_compare(const std::string& text, const std::string& label,
                                        const std::filesystem::path& base_dir = ".");

// Where `key_path` (dotted, as in messages: "workforce.workers") is written in
// a scenario file or, failing that, in the files it extends. Line and column
// are 0 when it is written nowhere. Never throws.
[[nodiscard]] Location locate(const std::filesystem::path& file, const std::string& key_path);

// The resolved scenario as YAML, every default spelled out; loading it gives
// back an equal scenario.
[[nodiscard]] std::string to_yaml(const Scenario& s);

// Levenshtein distance, for "did you mean" suggestions.
[[nodiscard]] std::size_t edit_distance(const std::string& a, const std::string& b);
// The candidate nearest to `word`, or empty when none is plausibly meant.
[[nodiscard]] std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// Limits that keep a run within a laptop's means. They catch typos (a
// billion workers) and runs that could never finish; raising one needs a
// rebuild. What a run may cost in total (replications x events, memory) is
// checked before it starts (caseload/scenario/limits.hpp) and can be raised
// on the command line.
inline constexpr int kMaxWorkers = 100000;
inline constexpr int kMaxReplications = 1000000;
inline constexpr double kMaxHorizonYears = 1000.0;
inline constexpr std::int64_t kMaxWaitlistLength = 100000000;
inline constexpr std::int64_t kMaxCarePlaces = 10000000;
// Larger files are refused unread. A scenario or compare file is written by
// hand (the baseline is 6 KB); the YAML parser takes about 600 bytes of memory
// per value, so a megabyte-sized list would take hundreds of megabytes.
inline constexpr std::size_t kMaxYamlBytes = 256u << 10;
// A CSV file of case lengths may be long (it is read line by line).
inline constexpr std::size_t kMaxCsvBytes = 64u << 20;

}  // namespace caseload::scenario
