#pragma once
// The weekly series of a run's replications, folded in as they finish so that
// memory does not grow with the number of replications.
//
// Per week and series: the mean over replications, exact (the same running
// mean, over the same values in the same replication order, as a mean over
// all of them at once), and the values of a fixed sample for the 10% and 90%
// bands: the first kBandSample replications (numbers 0, 1, ...). With at most
// kBandSample replications the sample is all of them and the bands are
// exact; beyond, they are the sample's quantiles. Replications are
// independent and identically distributed, so the first ones are a simple
// random sample: the band's true level (10% or 90%) has a standard error of
// sqrt(0.1 x 0.9 / kBandSample), 3 percentage points for 100.
//
// Replications must be added in replication order.

#include "caseload/model/model.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace caseload::experiment {

enum class WeeklySeries : std::size_t {
    waitlist,
    load_per_fte,
    fte_in_post,
    vacancies,
    absent_fte,
    turnover,
    absenteeism,
    count_
};
inline constexpr std::size_t kWeeklySeries = static_cast<std::size_t>(WeeklySeries::count_);

class WeeklyAggregate {
public:
    static constexpr std::size_t kBandSample = 100;

    // Fold in the next replication's weekly series.
    void add(const std::vector<model::WeeklySample>& weekly);

    [[nodiscard]] std::size_t replications() const { return replications_; }
    [[nodiscard]] std::size_t weeks() const { return days_.size(); }
    // The day of week k (as the replications that reached it report it).
    [[nodiscard]] double day(std::size_t week) const { return days_[week]; }
    // Mean over the replications that reached week k (NaN values skipped;
    // NaN when none is left).
    [[nodiscard]] double mean(std::size_t week, WeeklySeries s) const;
    // The sample's values of week k (replications that reached it, NaN included).
    [[nodiscard]] std::vector<double> sample(std::size_t week, WeeklySeries s) const;

private:
    struct Mean {
        std::uint64_t n = 0;
        double mean = 0.0;
    };
    std::size_t replications_ = 0;
    std::vector<double> days_;
    std::vector<std::array<Mean, kWeeklySeries>> means_;              // by week
    std::vector<std::vector<std::array<double, kWeeklySeries>>> sample_;  // by sampled replication, by week
};

}  // namespace caseload::experiment
