#pragma once
// Break-even search: the smallest value of one whole-number parameter (e.g.
// the number of workers, or extra FTE) for which a metric meets a target,
// under common random numbers. The target is a number or another scenario's
// value replication by replication (e.g. "waitlist no longer than the
// baseline's"). The metric is assumed to improve monotonically with the
// parameter. Two answers bracket the uncertainty: the smallest value whose
// mean meets the target, and the smallest whose 95% interval does.

#include "caseload/experiment/runner.hpp"
#include "caseload/stats/inference.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace caseload::experiment {

struct SolveSpec {
    std::function<scenario::Scenario(long)> scenario_for;  // the scenario at a parameter value
    long from = 0, to = 0;                                  // search range, inclusive
    model::Metric metric = model::Metric::waitlist_mean;
    bool at_most = true;                  // metric <= target (else >=)
    std::optional<double> target_value;   // a number ...
    std::vector<double> target_by_replication;  // ... or a paired target (one per replication)
    RunOptions run;
};

struct SolvePoint {
    long value = 0;
    stats::Interval gap;  // metric - target (paired when the target is a scenario); meets when <= 0 (at_most)
    bool meets_mean = false;
    bool meets_confidently = false;
};

struct SolveResult {
    std::optional<long> by_mean;        // smallest value whose mean meets the target
    std::optional<long> confidently;    // smallest value whose 95% interval meets it
    std::vector<SolvePoint> evaluated;  // in the order evaluated
};

[[nodiscard]] SolveResult solve(const SolveSpec& spec);

}  // namespace caseload::experiment
