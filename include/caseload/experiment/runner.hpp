#pragma once
// Replications on all cores. Each replication is one independent task seeded
// from (seed, replication, stream); results are stored by replication index,
// so they are identical whatever the thread count or scheduling.

#include "caseload/experiment/period_fold.hpp"
#include "caseload/experiment/weekly.hpp"
#include "caseload/model/model.hpp"
#include "caseload/scenario/scenario.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace caseload::experiment {

struct RunOptions {
    unsigned threads = 0;  // 0 = all hardware threads
    // Called on the calling thread about twenty times a second while work runs,
    // and once at the end: (replications done, replications in all).
    std::function<void(std::size_t, std::size_t)> on_progress;
    // When set and it turns true (e.g. on Ctrl-C), no new replication starts;
    // those running finish, then run_experiments throws Interrupted.
    std::atomic<bool>* stop = nullptr;
    // Called on the worker thread, possibly on several at once, as each
    // replication finishes: (scenario index, its result). So that a stopped
    // run keeps what it finished; an exception fails the run.
    std::function<void(std::size_t, const model::ReplicationResult&)> on_replication;
    // Replications an earlier, stopped run finished: not run again. Results
    // are the same as a run that was never stopped, since a replication
    // depends only on (seed, replication index).
    struct Resumed {
        // Per scenario, by replication index: 1 for those finished.
        std::vector<std::vector<char>> done;
        // Reads one back, called (under a lock, once each) when it is its turn
        // to be folded in: those kept are never all held at once.
        std::function<model::ReplicationResult(std::size_t scenario, std::uint32_t replication)> load;
    };
    const Resumed* resumed = nullptr;
    // Called under a lock, in replication order for each scenario (and a
    // scenario's replication r after the first scenario's r; scenarios are not
    // otherwise in step), as each replication is folded into its
    // ExperimentResult's aggregates: for writing its rows in order.
    std::function<void(std::size_t, const model::ReplicationResult&)> on_folded;
    // false: each replication's periods are let go once folded (and seen by
    // on_folded), so memory does not grow with them; summaries and
    // comparisons use the aggregates, which give the same numbers.
    bool keep_periods = true;
};

// The run was stopped through RunOptions::stop before all replications ran
// (done counts the resumed ones too).
class Interrupted : public std::runtime_error {
public:
    Interrupted(std::size_t done, std::size_t total)
        : std::runtime_error("interrupted after " + std::to_string(done) + " of " + std::to_string(total) +
                             " replications"),
          done_(done),
          total_(total) {}
    [[nodiscard]] std::size_t done() const { return done_; }
    [[nodiscard]] std::size_t total() const { return total_; }

private:
    std::size_t done_;
    std::size_t total_;
};

// A period metric summed over a replication's periods (NaN when one is NaN).
using PeriodTotals = std::array<double, model::kPeriodMetricCount>;
[[nodiscard]] PeriodTotals period_totals(const std::vector<model::PeriodResult>& periods);

struct ExperimentResult {
    scenario::Scenario scenario;
    // Index = replication number. run_experiments folds each replication's
    // weekly series into `weekly` and leaves it empty here, so memory does
    // not grow with the series (on_replication still sees them); so too its
    // periods, into `periods` and `totals`, unless RunOptions::keep_periods.
    std::vector<model::ReplicationResult> replications;
    WeeklyAggregate weekly;
    PeriodAggregate periods;
    std::vector<PeriodTotals> totals;  // by replication
    // Against the first scenario of the same run_experiments call, for the
    // others: `paired_baseline` names it (empty for the first, and for a
    // result built by hand).
    PairedPeriodAggregate paired_periods;
    std::string paired_baseline;
    // false: the replications' periods were let go (RunOptions::keep_periods).
    bool periods_kept = true;
};

// Run `scenario.replications` replications of each scenario. All scenarios
// use their own seeds; compare gives them the same seed, so replication r of
// every scenario shares its random streams (common random numbers).
[[nodiscard]] std::vector<ExperimentResult> run_experiments(const std::vector<scenario::Scenario>& scenarios,
                                                            const RunOptions& options = {});

[[nodiscard]] unsigned resolve_threads(unsigned requested);

}  // namespace caseload::experiment
