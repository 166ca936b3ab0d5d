#pragma once
// What a command checks and changes before it runs anything: the
// command-line overrides of a scenario's replications and seed, and the
// limits of a run (see limits.hpp), refused as a ScenarioError at the key
// that drives the cost: the flag that set it, the file and line, or the
// design of a sweep.

#include "caseload/experiment/sweep.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/scenario.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace caseload::experiment {

// --replications and --seed over the file's values. Replications outside
// 1..kMaxReplications are a UsageError.
void apply_overrides(scenario::Scenario& s, std::optional<int> replications, std::optional<std::uint64_t> seed);

// Refuses a run over the limits. `replications_flag` is --replications when
// given; `replications_at` is where the replications were set when not in
// the scenario file (a compare file). `threads` as resolved (not 0).
void refuse_over_limits(const std::vector<scenario::Scenario>& scenarios, unsigned threads,
                        std::optional<int> replications_flag,
                        const std::optional<scenario::Location>& replications_at = std::nullopt);

// The plan of a sweep file, its limits checked (unless `allow_large`) before
// its points are built and validated.
[[nodiscard]] SweepPlan checked_sweep_plan(const std::string& file, std::optional<int> replications,
                                           std::optional<std::uint64_t> seed, unsigned threads, bool allow_large);
// The same, of a sweep file already read (validate reads a pipe once).
[[nodiscard]] SweepPlan checked_sweep_plan(scenario::SweepSpec spec, std::optional<int> replications,
                                           std::optional<std::uint64_t> seed, unsigned threads, bool allow_large);

}  // namespace caseload::experiment
