#include "caseload/kernel/random.hpp"
#include "caseload/stats/accumulators.hpp"
#include "caseload/stats/inference.hpp"
#include "caseload/stats/queueing.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

using namespace caseload::stats;

TEST_CASE("running stats match two-pass mean and variance") {
    const std::vector<double> x{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
    RunningStats s;
    for (double v : x) s.add(v);
    CHECK(s.mean() == doctest::Approx(1e9 + 10));
    CHECK(s.variance() == doctest::Approx(30.0));  // (36 + 9 + 9 + 36) / 3
    CHECK(s.min() == 1e9 + 4);
    CHECK(s.max() == 1e9 + 16);
}

TEST_CASE("time average of a step function") {
    TimeAverage a;
    a.reset(10.0, 2.0);
    a.update(12.0, 4.0);  // 2 for 2 days
    a.update(13.0, 0.0);  // 4 for 1 day
    CHECK(a.mean(17.0) == doctest::Approx((2 * 2 + 4 * 1 + 0 * 4) / 7.0));
    CHECK(a.max() == 4.0);
}

TEST_CASE("wait histogram: quantiles within one bin of the exact quantile") {
    caseload::kernel::Engine e(5);
    boost::random::exponential_distribution<double> ex(1.0 / 60.0);
    std::vector<double> xs;
    WaitHistogram h;
    for (int i = 0; i < 50000; ++i) {
        // A point mass at zero (40%) plus a long tail, as waits are.
        const double x = caseload::kernel::uniform01(e) < 0.4 ? 0.0 : ex(e);
        xs.push_back(x);
        h.add(x);
    }
    std::sort(xs.begin(), xs.end());
    for (double p : {0.3, 0.5, 0.9, 0.99}) {
        const double exact = xs[std::size_t(std::ceil(p * xs.size())) - 1];
        const double tol = exact < 730 ? 0.5 : 7.0;
        CHECK(std::fabs(h.quantile(p) - exact) <= tol);
        CHECK(h.quantile_is_exact(p));
    }
    CHECK(h.quantile(0.3) == 0.0);
}

TEST_CASE("wait histogram: coarse bins and overflow") {
    WaitHistogram h;
    for (int i = 0; i < 10; ++i) h.add(1000.0 + i * 100);  // coarse region
    CHECK(std::fabs(h.quantile(0.5) - 1400.0) <= 7.0);
    WaitHistogram o;
    o.add(1.0);
    o.add(1e6);
    o.add(1e6);
    CHECK(o.quantile(0.9) == o.upper_edge());
    CHECK_FALSE(o.quantile_is_exact(0.9));
}

TEST_CASE("t quantiles") {
    CHECK(t_quantile(0.95, 9) == doctest::Approx(2.262157).epsilon(1e-5));
    CHECK(t_quantile(0.95, 29) == doctest::Approx(2.045230).epsilon(1e-5));
    CHECK(t_quantile(0.95, 1e6) == doctest::Approx(1.959966).epsilon(1e-4));
}

TEST_CASE("95% intervals cover the true mean about 95% of the time") {
    caseload::kernel::Engine e(11);
    boost::random::normal_distribution<double> normal(3.0, 2.0);
    int covered = 0;
    const int trials = 4000;
    std::vector<double> v(10);
    for (int t = 0; t < trials; ++t) {
        for (auto& x : v) x = normal(e);
        covered += mean_interval(v).contains(3.0);
    }
    // Binomial(4000, 0.95): sd 13.8; 4 sd bounds.
    CHECK(covered > 0.95 * trials - 55);
    CHECK(covered < 0.95 * trials + 55);
}

TEST_CASE("paired interval is narrower than unpaired for positively correlated pairs") {
    caseload::kernel::Engine e(2);
    boost::random::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> a, b;
    for (int i = 0; i < 30; ++i) {
        const double common = 10 * normal(e);
        a.push_back(common + normal(e));
        b.push_back(common + 0.5 + normal(e));
    }
    const auto paired = paired_difference(a, b);
    const auto unpaired = unpaired_difference(a, b);
    CHECK(paired.mean == doctest::Approx(unpaired.mean));
    CHECK(paired.half_width() < 0.5 * unpaired.half_width());
    CHECK(paired.contains(0.5));
}

TEST_CASE("NaN replications are skipped") {
    const std::vector<double> v{1.0, std::nan(""), 3.0};
    const auto ci = mean_interval(v);
    CHECK(ci.n == 2);
    CHECK(ci.mean == 2.0);
}

TEST_CASE("one replication has no interval: low, high and sd are NaN, not the mean") {
    const std::vector<double> one{4.0};
    const auto ci = mean_interval(one);
    CHECK(ci.n == 1);
    CHECK(ci.mean == 4.0);
    CHECK(std::isnan(ci.low));
    CHECK(std::isnan(ci.high));
    CHECK(std::isnan(ci.sd));
    const std::vector<double> two{1.0, 3.0};
    CHECK(std::isnan(unpaired_difference(one, two).low));
    CHECK(std::isnan(paired_difference(one, two).high));
}

TEST_CASE("OLS slope and MSER-5") {
    std::vector<double> x, y;
    for (int i = 0; i < 100; ++i) {
        x.push_back(i);
        y.push_back(3.0 * i - 7);
    }
    CHECK(ols_slope(x, y) == doctest::Approx(3.0));

    caseload::kernel::Engine e(4);
    boost::random::normal_distribution<double> noise(0.0, 1.0);
    std::vector<double> stationary, transient;
    for (int i = 0; i < 1000; ++i) {
        stationary.push_back(10 + noise(e));
        transient.push_back(10 + 30 * std::exp(-i / 40.0) + noise(e));
    }
    CHECK(mser5_truncation(stationary) < 50);
    CHECK(mser5_truncation(transient) >= 100);
}

TEST_CASE("Erlang C against known values") {
    // M/M/1: P(wait) = rho, Lq = rho^2 / (1 - rho).
    CHECK(erlang_c(1, 0.5) == doctest::Approx(0.5));
    CHECK(mmc_mean_queue(1, 0.5) == doctest::Approx(0.5));
    // M/M/2 with a = 1: P(wait) = 1/3, Lq = 1/3.
    CHECK(erlang_c(2, 1.0) == doctest::Approx(1.0 / 3.0));
    CHECK(mmc_mean_queue(2, 1.0) == doctest::Approx(1.0 / 3.0));
    CHECK(mmc_mean_wait(2, 1.0) == doctest::Approx(1.0 / 3.0));  // Wq = Lq / lambda, lambda = 1
    CHECK(std::isinf(mmc_mean_queue(3, 3.0)));
}

TEST_CASE("wait histogram: cdf in one pass equals cdf point by point") {
    WaitHistogram h;
    caseload::kernel::Engine e(8);
    boost::random::exponential_distribution<double> ex(1.0 / 200.0);
    for (int i = 0; i < 20000; ++i) h.add(caseload::kernel::uniform01(e) < 0.3 ? 0.0 : ex(e));
    const std::vector<double> xs{-1.0, 0.0, 0.2, 7.0, 100.0, 729.9, 730.0, 731.0, 5000.0, 1e6};
    h.cdf_many(xs.data(), xs.size(), [&](std::size_t i, double c) { CHECK(c == doctest::Approx(h.cdf(xs[i])).epsilon(1e-12)); });
    CHECK(h.cdf(0.0) == doctest::Approx(0.3).epsilon(0.03));
    CHECK(h.cdf(200.0 * std::log(2.0)) == doctest::Approx(0.3 + 0.7 * 0.5).epsilon(0.03));
}

TEST_CASE("mean accumulator") {
    Mean m;
    CHECK(std::isnan(m.mean()));
    for (double x : {1.0, 2.0, 6.0}) m.add(x);
    CHECK(m.mean() == 3.0);
    CHECK(m.count() == 3);
}

// quantile() selects the two order statistics it needs; the definition is a
// full sort and linear interpolation between positions floor(p (n - 1)) and
// the next. Both must give the same value, bit for bit, on any input: ties,
// NaNs (left out), zeros of both signs, infinities, one value, none.
TEST_CASE("quantile by selection equals quantile by sorting, bit for bit") {
    const auto by_sort = [](std::vector<double> v, double p) {
        v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
        if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
        std::sort(v.begin(), v.end());
        const double pos = p * double(v.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min(lo + 1, v.size() - 1);
        return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
    };
    // The same bits (NaN: both NaN): a zero keeps its sign.
    const auto same = [](double a, double b) {
        return (std::isnan(a) && std::isnan(b)) || std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
    };
    constexpr double kInf = std::numeric_limits<double>::infinity();
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    const std::vector<std::vector<double>> edges{
        {}, {kNaN}, {kNaN, kNaN, kNaN}, {-0.0}, {0.0, -0.0, -0.0, 0.0, -0.0}, {-0.0, 1.0, -0.0, 2.0},
        {1.0, kInf}, {-kInf, 3.0, kInf, kNaN}, {kInf, kInf}, {-kInf, -kInf, 2.0}, {5.0, 5.0, 5.0, 5.0}};
    for (const auto& v : edges)
        for (double p : {0.0, 0.1, 0.5, 0.9, 1.0}) {
            CAPTURE(p);
            CHECK(same(quantile(v, p), by_sort(v, p)));
        }
    CHECK(std::bit_cast<std::uint64_t>(quantile({-0.0, -0.0}, 0.5)) == std::bit_cast<std::uint64_t>(0.0));
    caseload::kernel::Engine rng(11);
    for (std::size_t n = 0; n <= 40; ++n)
        for (int round = 0; round < 20; ++round) {
            std::vector<double> v;
            for (std::size_t i = 0; i < n; ++i) {
                const double u = caseload::kernel::uniform01(rng);
                // a third of the values from a few levels (ties), some NaN
                v.push_back(u < 0.05 ? std::numeric_limits<double>::quiet_NaN()
                            : u < 0.35 ? std::floor(u * 10.0)
                                       : 1000.0 * caseload::kernel::uniform01(rng) - 300.0);
            }
            for (double p : {0.0, 0.1, 0.25, 0.5, 0.9, 0.97, 1.0}) CHECK(same(quantile(v, p), by_sort(v, p)));
            const auto q = quantiles(v, 0.1, 0.9);
            CHECK(same(q[0], by_sort(v, 0.1)));
            CHECK(same(q[1], by_sort(v, 0.9)));
        }
}
