#pragma once
// Sweep files: a base scenario and the parameters to vary over it, by dotted
// path. YAML in, a validated plain value out; errors name the sweep file's
// file:line:column like scenario errors do.
//
//   sweep:
//     name: caseload norm x referral rate
//     base: baseline.yaml            # relative to this file
//     design: grid                   # grid (every combination) | lhs (Latin hypercube)
//     points: 40                     # lhs only: number of points
//     design_seed: 1                 # lhs only: seed of the sampling
//     replications: 20               # per point (default: the base's)
//     seed: 7                        # the same at every point: common random numbers (default: the base's)
//     metamodel: linear              # linear | interactions | quadratic | full
//     parameters:
//       workforce.caseload_norm: [12, 13, 14]
//       referrals.rate_per_week: {from: 7.5, to: 9.5, step: 0.5}
//       referrals.types.ots.length.mean: {from: 2y, to: 3y, steps: 3}

#include "caseload/scenario/loader.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace caseload::scenario {

// One value a parameter takes.
struct SweepValue {
    std::string text;               // as it goes into the scenario: 14, 2.5y, urgent_first
    Location where;                 // where the sweep file gives it
    std::optional<double> number;   // the value as a number (durations in days); none for words
};

// A continuous range (Latin hypercube designs only): values drawn in [from, to].
struct SweepRange {
    double from = 0.0;
    double to = 0.0;
    char unit = 0;          // 0 for a plain number, else the duration unit d, w, m or y
    bool integer = false;   // round drawn values to whole numbers (in `unit`)
};

struct SweepParameter {
    std::string path;                       // dotted path into the base scenario
    Location where;                         // of the parameter's key in the sweep file
    bool duration = false;                  // values are durations (columns hold days)
    std::vector<SweepValue> values;         // a list, or a range with steps/step
    std::optional<SweepRange> continuous;   // a range without steps (lhs only)
    // Column name in the outputs: the path, with "_days" for durations.
    [[nodiscard]] std::string column() const { return duration ? path + "_days" : path; }
};

enum class DesignKind { grid, lhs };
enum class MetamodelTerms { linear, interactions, quadratic, full };
[[nodiscard]] const char* to_string(DesignKind d);
[[nodiscard]] const char* to_string(MetamodelTerms t);

struct SweepSpec {
    std::string name;
    std::string description;
    std::string source_file;
    std::string text;                    // the file as read (kept with the results)
    std::filesystem::path base;          // resolved relative to the sweep file
    Location base_where;
    DesignKind design = DesignKind::grid;
    std::size_t points = 0;              // lhs
    std::uint64_t design_seed = 1;       // lhs
    std::optional<int> replications;     // overrides the base's
    std::optional<std::uint64_t> seed;   // overrides the base's
    MetamodelTerms terms = MetamodelTerms::linear;
    std::vector<SweepParameter> parameters;
};

// Limits that keep a sweep description sane.
inline constexpr std::size_t kMaxSweepPoints = 10000000;
inline constexpr std::size_t kMaxLevels = 100000;

// Days in one duration unit (d, w, m, y).
[[nodiscard]] double days_per_unit(char unit);

// True when the file's top level is a `sweep:` block.
[[nodiscard]] bool is_sweep_file(const std::filesystem::path& file);

// Read and check a sweep file: its keys, values and ranges, and that every
// parameter path exists in the base scenario (an unknown path is an error
// that suggests the nearest valid one). Values are checked against the
// scenario rules when the design points are built (see experiment/sweep.hpp).
[[nodiscard]] SweepSpec load_sweep(const std::filesystem::path& file);
[[nodiscard]] SweepSpec parse_sweep(const std::string& text, const std::string& label,
                                    const std::filesystem::path& base_dir);

}  // namespace caseload::scenario
