#pragma once
// Confidence intervals over replications, paired comparisons and the checks
// that say when a run has not settled.

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace caseload::stats {

class RunningStats;

struct Interval {
    double mean = 0.0;
    double low = 0.0;
    double high = 0.0;
    double sd = 0.0;        // sample standard deviation of the replications
    std::size_t n = 0;      // replications that had a value (NaN ones are skipped)
    [[nodiscard]] double half_width() const { return 0.5 * (high - low); }
    [[nodiscard]] bool contains(double x) const { return low <= x && x <= high; }
};

// Two-sided Student-t quantile t_{1-alpha/2, df}.
[[nodiscard]] double t_quantile(double confidence, double df);

// Mean with its two-sided `confidence` interval (Student t over replications).
// NaN values are skipped; with fewer than two values there is no interval:
// low, high and sd are NaN (the CSVs write NA).
[[nodiscard]] Interval mean_interval(std::span<const double> values, double confidence = 0.95);
// The same from values already folded into `s` (NaN ones left out): equal to
// the above, to the last bit, when they were added in the same order.
[[nodiscard]] Interval mean_interval(const RunningStats& s, double confidence = 0.95);

// Paired difference b - a, replication by replication (common random numbers).
[[nodiscard]] Interval paired_difference(std::span<const double> a, std::span<const double> b, double confidence = 0.95);

// Welch's unpaired interval for mean(b) - mean(a), for comparison.
[[nodiscard]] Interval unpaired_difference(std::span<const double> a, std::span<const double> b, double confidence = 0.95);

// The p-quantile of `values` by linear interpolation between order
// statistics; NaNs are skipped; NaN when nothing is left.
[[nodiscard]] double quantile(std::vector<double> values, double p);
// The p- and q-quantiles: the same as quantile(values, p) and quantile(values, q).
[[nodiscard]] std::array<double, 2> quantiles(std::vector<double> values, double p, double q);

// Least-squares slope of y against x.
[[nodiscard]] double ols_slope(std::span<const double> x, std::span<const double> y);

// MSER-5 truncation point: the number of leading observations (a multiple of
// 5) whose deletion minimises the standard error of the remaining mean.
// Searched over the first half of the series, as is customary.
[[nodiscard]] std::size_t mser5_truncation(std::span<const double> series);

}  // namespace caseload::stats
