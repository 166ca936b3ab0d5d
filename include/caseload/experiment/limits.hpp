#pragma once
// What a whole run costs (all replications of all scenarios), estimated
// before it starts, and the limits a run stays within unless the user allows
// a large one (`--allow-large`): a run that would take days, or more memory
// than a laptop has, is refused up front with a message naming the key that
// drives the cost, rather than found out hours later.

#include "caseload/experiment/sweep.hpp"
#include "caseload/scenario/scenario.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace caseload::experiment {

// About a day of computing on a laptop (a million events a second per thread).
inline constexpr double kMaxRunEvents = 5e10;
// Memory a run may take: results kept until the end plus the replications in progress.
inline constexpr double kMaxRunBytes = 4.0 * 1024 * 1024 * 1024;
// Memory per family held by a replication (its record, waitlist entry and events), with slack.
inline constexpr double kBytesPerFamily = 256.0;

struct RunCost {
    double events = 0.0;         // all replications of all scenarios
    double bytes_kept = 0.0;     // results held until the run ends
    double bytes_running = 0.0;  // `threads` replications in progress at once, the largest ones
    [[nodiscard]] double bytes() const { return bytes_kept + bytes_running; }
};

[[nodiscard]] RunCost estimate_run(const std::vector<scenario::Scenario>& scenarios, unsigned threads);

struct LimitBreach {
    std::size_t scenario = 0;  // the scenario to change
    std::string key_path;      // the key driving the cost: replications, horizon, workforce.workers, waitlist.max_length
    std::string message;       // the estimate, the limit, what to lower, and how to run it anyway
};

// Empty when the run is within the limits. `threads` as resolved (not 0).
[[nodiscard]] std::optional<LimitBreach> check_run(const std::vector<scenario::Scenario>& scenarios, unsigned threads);

// Points whose scenarios are built to estimate a sweep (all of a smaller one):
// a few milliseconds, where building every point of a large grid takes minutes.
inline constexpr std::size_t kSweepSamplePoints = 1000;

// The same limits for a sweep, before its points are built: events are the
// points x replications x the mean events per replication, memory the points
// in flight (`threads` + 2, their replications' results held until written)
// plus `threads` replications running, the largest. Both are judged from
// kSweepSamplePoints points spread evenly over the design, the first and last
// (a grid's lowest and highest corners) included. `key_path` is
// "replications", "points" (the size of the design), or a scenario key
// (horizon, waitlist.max_length, workforce.workers); `scenario` is not used.
[[nodiscard]] std::optional<LimitBreach> check_sweep(const SweepPlan& plan, unsigned threads);

}  // namespace caseload::experiment
