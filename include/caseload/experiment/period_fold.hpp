#pragma once
// The per-period results of a run's replications, folded in as they finish so
// that memory does not grow with the number of replications.
//
// What the summaries and comparisons need of the periods is means and
// intervals over replications: a running mean and variance per period and
// metric (Welford's, stats::RunningStats). Folded in replication order, they
// are the same to the last bit as an interval over all values at once
// (stats::mean_interval adds them in that order too). NaN values are left
// out, as there; a replication that has no period k (it stopped early) adds
// nothing to it.
//
// Replications must be added in replication order.

#include "caseload/model/model.hpp"
#include "caseload/stats/accumulators.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace caseload::experiment {

using PeriodStats = std::array<stats::RunningStats, model::kPeriodMetricCount>;

class PeriodAggregate {
public:
    // Fold in the next replication's periods.
    void add(const std::vector<model::PeriodResult>& periods);

    [[nodiscard]] std::size_t replications() const { return replications_; }
    // Periods of the longest replication.
    [[nodiscard]] std::size_t periods() const { return stats_.size(); }
    // Where period k starts and ends (as the first replication that reached it reports it).
    [[nodiscard]] double start_day(std::size_t k) const { return span_[k][0]; }
    [[nodiscard]] double end_day(std::size_t k) const { return span_[k][1]; }
    [[nodiscard]] const stats::RunningStats& stats(std::size_t k, model::PeriodMetric m) const {
        return stats_[k][static_cast<std::size_t>(m)];
    }

private:
    std::size_t replications_ = 0;
    std::vector<std::array<double, 2>> span_;
    std::vector<PeriodStats> stats_;
};

// Differences scenario - baseline, replication by replication (common random
// numbers), per period and metric: a pair with a NaN side is left out, as
// stats::paired_difference does.
class PairedPeriodAggregate {
public:
    // Fold in the next replication of both.
    void add(const std::vector<model::PeriodResult>& baseline, const std::vector<model::PeriodResult>& scenario);

    [[nodiscard]] std::size_t replications() const { return replications_; }
    // The differences in period k (none when no replication had it on both sides).
    [[nodiscard]] const stats::RunningStats& stats(std::size_t k, model::PeriodMetric m) const;

private:
    std::size_t replications_ = 0;
    std::vector<PeriodStats> stats_;
};

}  // namespace caseload::experiment
