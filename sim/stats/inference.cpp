#include "caseload/stats/inference.hpp"

#include "caseload/stats/accumulators.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace caseload::stats {

double t_quantile(double confidence, double df) {
    if (!(df >= 1.0)) return std::numeric_limits<double>::quiet_NaN();
    const boost::math::students_t dist(df);
    return boost::math::quantile(dist, 0.5 + 0.5 * confidence);
}

Interval mean_interval(std::span<const double> values, double confidence) {
    RunningStats s;
    for (double v : values)
        if (!std::isnan(v)) s.add(v);
    return mean_interval(s, confidence);
}

Interval mean_interval(const RunningStats& s, double confidence) {
    Interval out;
    out.n = s.count();
    if (out.n == 0) {
        out.mean = out.low = out.high = out.sd = std::numeric_limits<double>::quiet_NaN();
        return out;
    }
    out.mean = s.mean();
    if (out.n < 2) {  // one value: no interval (NaN, written NA), not a zero-width one
        out.low = out.high = out.sd = std::numeric_limits<double>::quiet_NaN();
        return out;
    }
    out.sd = s.sd();
    const double h = t_quantile(confidence, double(out.n - 1)) * out.sd / std::sqrt(double(out.n));
    out.low = out.mean - h;
    out.high = out.mean + h;
    return out;
}

Interval paired_difference(std::span<const double> a, std::span<const double> b, double confidence) {
    const std::size_t n = std::min(a.size(), b.size());
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) d[i] = b[i] - a[i];  // NaN in either side drops the pair
    return mean_interval(d, confidence);
}

Interval unpaired_difference(std::span<const double> a, std::span<const double> b, double confidence) {
    RunningStats sa, sb;
    for (double v : a)
        if (!std::isnan(v)) sa.add(v);
    for (double v : b)
        if (!std::isnan(v)) sb.add(v);
    Interval out;
    out.n = std::min(sa.count(), sb.count());
    out.mean = sb.mean() - sa.mean();
    if (sa.count() < 2 || sb.count() < 2) {
        out.low = out.high = out.sd = std::numeric_limits<double>::quiet_NaN();
        return out;
    }
    const double va = sa.variance() / double(sa.count());
    const double vb = sb.variance() / double(sb.count());
    const double se = std::sqrt(va + vb);
    // Welch-Satterthwaite degrees of freedom.
    const double df = se > 0 ? (va + vb) * (va + vb) /
                                   (va * va / double(sa.count() - 1) + vb * vb / double(sb.count() - 1))
                             : double(sa.count() + sb.count() - 2);
    const double h = t_quantile(confidence, df) * se;
    out.sd = se;
    out.low = out.mean - h;
    out.high = out.mean + h;
    return out;
}

namespace {
// NaNs dropped.
void drop_nan(std::vector<double>& v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
}

// The p-quantile by linear interpolation between the order statistics at
// floor(p (n - 1)) and the next: selected (nth_element, then the smallest of
// those above), the same two values a full sort would put there, in O(n).
// Reorders v.
double select_quantile(std::vector<double>& v, double p) {
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    const double pos = p * double(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto at = v.begin() + static_cast<std::ptrdiff_t>(lo);
    std::nth_element(v.begin(), at, v.end());
    const double a = *at;
    const double b = lo + 1 < v.size() ? *std::min_element(at + 1, v.end()) : a;
    return a + (pos - double(lo)) * (b - a);
}
}  // namespace

double quantile(std::vector<double> v, double p) {
    drop_nan(v);
    return select_quantile(v, p);
}

std::array<double, 2> quantiles(std::vector<double> v, double p, double q) {
    drop_nan(v);
    const double first = select_quantile(v, p);
    return {first, select_quantile(v, q)};
}

double ols_slope(std::span<const double> x, std::span<const double> y) {
    const std::size_t n = std::min(x.size(), y.size());
    if (n < 2) return 0.0;
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= double(n);
    my /= double(n);
    double sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx > 0 ? sxy / sxx : 0.0;
}

std::size_t mser5_truncation(std::span<const double> series) {
    // Batch means of 5.
    const std::size_t batches = series.size() / 5;
    if (batches < 4) return 0;
    std::vector<double> z(batches);
    for (std::size_t j = 0; j < batches; ++j) {
        double s = 0;
        for (std::size_t k = 0; k < 5; ++k) s += series[5 * j + k];
        z[j] = s / 5.0;
    }
    // Suffix sums for O(n) evaluation of the MSER statistic.
    std::vector<double> suf(batches + 1, 0.0), suf2(batches + 1, 0.0);
    for (std::size_t j = batches; j-- > 0;) {
        suf[j] = suf[j + 1] + z[j];
        suf2[j] = suf2[j + 1] + z[j] * z[j];
    }
    std::size_t best = 0;
    double best_value = std::numeric_limits<double>::infinity();
    for (std::size_t d = 0; d <= batches / 2; ++d) {
        const double m = double(batches - d);
        const double mean = suf[d] / m;
        const double ss = suf2[d] - m * mean * mean;
        const double value = std::max(ss, 0.0) / (m * m);
        if (value < best_value) {
            best_value = value;
            best = d;
        }
    }
    return best * 5;
}

}  // namespace caseload::stats
