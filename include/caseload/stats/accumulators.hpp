#pragma once
// Streaming statistics: memory is constant in the number of observations.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace caseload::stats {

// Mean and variance by Welford's update (numerically stable).
class RunningStats {
public:
    void add(double x) {
        ++n_;
        const double d = x - mean_;
        mean_ += d / double(n_);
        m2_ += d * (x - mean_);
        if (x < min_) min_ = x;
        if (x > max_) max_ = x;
    }
    [[nodiscard]] std::uint64_t count() const { return n_; }
    [[nodiscard]] double mean() const { return n_ ? mean_ : std::numeric_limits<double>::quiet_NaN(); }
    // Sample variance (n - 1 in the denominator).
    [[nodiscard]] double variance() const { return n_ > 1 ? m2_ / double(n_ - 1) : std::numeric_limits<double>::quiet_NaN(); }
    [[nodiscard]] double sd() const { return std::sqrt(variance()); }
    [[nodiscard]] double min() const { return min_; }
    [[nodiscard]] double max() const { return max_; }

private:
    std::uint64_t n_ = 0;
    double mean_ = 0.0;
    double m2_ = 0.0;
    double min_ = std::numeric_limits<double>::infinity();
    double max_ = -std::numeric_limits<double>::infinity();
};

// A plain mean (sum and count): the cheap accumulator for per-replication
// means on the hot path, where RunningStats' division per value would cost.
class Mean {
public:
    void add(double x) {
        sum_ += x;
        ++n_;
    }
    [[nodiscard]] std::uint64_t count() const { return n_; }
    [[nodiscard]] double mean() const { return n_ ? sum_ / double(n_) : std::numeric_limits<double>::quiet_NaN(); }

private:
    double sum_ = 0.0;
    std::uint64_t n_ = 0;
};

// Time average of a piecewise-constant quantity (a queue length, a load).
class TimeAverage {
public:
    // Start integrating at time t with the current value.
    void reset(double t, double value) {
        start_ = last_ = t;
        value_ = value;
        area_ = 0.0;
        max_ = value;
    }
    // The quantity changes to `value` at time t (t never decreases).
    void update(double t, double value) {
        area_ += value_ * (t - last_);
        last_ = t;
        value_ = value;
        if (value > max_) max_ = value;
    }
    [[nodiscard]] double mean(double t_end) const {
        const double span = t_end - start_;
        if (!(span > 0)) return value_;
        return (area_ + value_ * (t_end - last_)) / span;
    }
    [[nodiscard]] double max() const { return max_; }
    [[nodiscard]] double current() const { return value_; }
    // The integral from the reset to t (t at or after the last update).
    [[nodiscard]] double integral(double t) const { return area_ + value_ * (t - last_); }

private:
    double start_ = 0.0, last_ = 0.0, value_ = 0.0, area_ = 0.0, max_ = 0.0;
};

// Histogram of waiting times for percentiles in constant memory.
//
// Exact zeros (no wait) are counted apart, since they are typically a large
// point mass. Positive values go into fine bins (`fine_width` days) up to
// `fine_limit`, then coarse bins (`coarse_width`) up to `coarse_limit`;
// beyond that an overflow count is kept. A quantile is interpolated linearly
// within its bin, so its error is at most one bin width: 0.5 day for waits up
// to two years and 7 days (under 1%) up to 50 years by default. A quantile in
// the overflow is reported as the upper edge, a lower bound, and
// `quantile_is_exact` says so.
class WaitHistogram {
public:
    explicit WaitHistogram(double fine_width = 0.5, double fine_limit = 730.0, double coarse_width = 7.0,
                           double coarse_limit = 50 * 365.25)
        : fine_width_(fine_width),
          fine_limit_(fine_limit),
          coarse_width_(coarse_width),
          fine_bins_(static_cast<std::size_t>(std::ceil(fine_limit / fine_width))),
          counts_(fine_bins_ + static_cast<std::size_t>(std::ceil((coarse_limit - fine_limit) / coarse_width)), 0) {}

    void add(double days) {
        ++total_;
        if (days <= 0.0) {
            ++zeros_;
            return;
        }
        const std::size_t bin = days < fine_limit_
                                    ? static_cast<std::size_t>(days / fine_width_)
                                    : fine_bins_ + static_cast<std::size_t>((days - fine_limit_) / coarse_width_);
        if (bin >= counts_.size())
            ++overflow_;
        else
            ++counts_[bin];
    }
    void clear() {
        std::fill(counts_.begin(), counts_.end(), 0);
        zeros_ = overflow_ = total_ = 0;
    }

    [[nodiscard]] std::uint64_t count() const { return total_; }
    [[nodiscard]] double upper_edge() const { return edge(counts_.size()); }

    // The p-quantile (0 < p < 1): the smallest x with F(x) >= p, linearly
    // interpolated within its bin. NaN when empty.
    [[nodiscard]] double quantile(double p) const {
        if (total_ == 0) return std::numeric_limits<double>::quiet_NaN();
        const double target = p * double(total_);
        double cum = double(zeros_);
        if (cum >= target) return 0.0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            const double c = double(counts_[i]);
            if (c > 0 && cum + c >= target) {
                const double frac = (target - cum) / c;
                return edge(i) + frac * (edge(i + 1) - edge(i));
            }
            cum += c;
        }
        return upper_edge();
    }
    // Share of observations <= x (interpolated within a bin). NaN when empty.
    [[nodiscard]] double cdf(double x) const {
        if (total_ == 0) return std::numeric_limits<double>::quiet_NaN();
        if (x < 0.0) return 0.0;
        double cum = double(zeros_);
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            const double lo = edge(i), hi = edge(i + 1);
            if (x >= hi) {
                cum += double(counts_[i]);
                continue;
            }
            if (x > lo) cum += double(counts_[i]) * (x - lo) / (hi - lo);
            return cum / double(total_);
        }
        return cum / double(total_);  // x beyond the last bin: overflow not counted
    }
    // cdf(x) at each of `xs` (ascending), in one pass over the bins.
    template <class Out>
    void cdf_many(const double* xs, std::size_t n, Out&& out) const {
        std::size_t i = 0;
        double cum = double(zeros_);
        std::size_t bin = 0;
        for (; i < n; ++i) {
            const double x = xs[i];
            if (total_ == 0) {
                out(i, std::numeric_limits<double>::quiet_NaN());
                continue;
            }
            if (x < 0.0) {
                out(i, 0.0);
                continue;
            }
            while (bin < counts_.size() && x >= edge(bin + 1)) cum += double(counts_[bin++]);
            double c = cum;
            if (bin < counts_.size() && x > edge(bin))
                c += double(counts_[bin]) * (x - edge(bin)) / (edge(bin + 1) - edge(bin));
            out(i, c / double(total_));
        }
    }
    [[nodiscard]] bool quantile_is_exact(double p) const {
        return double(total_ - overflow_) >= p * double(total_);
    }

private:
    [[nodiscard]] double edge(std::size_t bin) const {
        return bin <= fine_bins_ ? double(bin) * fine_width_ : fine_limit_ + double(bin - fine_bins_) * coarse_width_;
    }

    double fine_width_, fine_limit_, coarse_width_;
    std::size_t fine_bins_;
    std::vector<std::uint64_t> counts_;
    std::uint64_t zeros_ = 0, overflow_ = 0, total_ = 0;
};

}  // namespace caseload::stats
