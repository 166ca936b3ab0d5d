// The structures that make the model faster answer exactly what the plain
// computation they replace would: the memos of exp and pow against the
// functions, the cached period lookup against its formula. (Whole runs are
// checked to the bit by the known answers; these look at the edges:
// collisions, signed zeros, period boundaries to the ulp.)

#include "caseload/scenario/loader.hpp"
#include "model/memo.hpp"
#include "model/periods.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <random>
#include <vector>

using namespace caseload;

TEST_CASE("memos of exp and pow give the function's own bits, for repeated and colliding arguments") {
    std::mt19937_64 rng(5);
    model::detail::ExpMemo memo_exp;
    model::detail::PowMemo memo_pow(0.3), memo_neg(-0.5);
    std::vector<double> args;
    for (int i = 0; i < 2000; ++i) args.push_back(std::ldexp(double(rng() % 4096) - 2048.0, -9));  // many repeats
    for (int i = 0; i < 2000; ++i) args.push_back(double(rng() % 1000000) * 1e-5);                    // many slots shared
    args.push_back(0.0);
    args.push_back(-0.0);
    args.push_back(1.0);
    for (const double x : args) {
        REQUIRE(std::bit_cast<std::uint64_t>(memo_exp(x)) == std::bit_cast<std::uint64_t>(std::exp(x)));
        const double base = std::fabs(x) + 0.5;
        REQUIRE(std::bit_cast<std::uint64_t>(memo_pow(base)) == std::bit_cast<std::uint64_t>(std::pow(base, 0.3)));
        REQUIRE(std::bit_cast<std::uint64_t>(memo_neg(base)) == std::bit_cast<std::uint64_t>(std::pow(base, -0.5)));
    }
    // pow at +0 and -0 differ for a negative exponent; the memo keeps them apart.
    model::detail::PowMemo odd(-1.0);
    CHECK(odd(0.0) == std::pow(0.0, -1.0));
    CHECK(odd(-0.0) == std::pow(-0.0, -1.0));
}

TEST_CASE("period lookup: the cached span answers the formula's period at every time, boundaries to the ulp") {
    for (const char* period : {"1y", "90d", "7d"}) {
        const auto sc = scenario::parse_scenario(std::string("name: p\nhorizon: 6y\nwarmup: 1.3y\nperiod: ") + period +
                                                     "\nreferrals: {rate_per_week: 1, types: {a: {share: 1, length: "
                                                     "{distribution: exponential, mean: 100d}}}}\nworkforce: {workers: 2, caseload_norm: 14}\n",
                                                 "p.yaml");
        std::vector<model::PeriodResult> out;
        const double n_periods = std::min(100.0, std::ceil((sc.horizon_days - sc.warmup_days) / sc.period_days - 1e-9));
        auto formula = [&](double t) {
            const double k = std::floor((t - sc.warmup_days) / sc.period_days);
            return static_cast<std::uint16_t>(std::clamp(k, 0.0, n_periods - 1));
        };
        std::vector<double> times;
        for (int k = 0; k <= 250; ++k) {
            double t = sc.warmup_days + double(k) * sc.period_days;
            for (int u = 0; u < 3; ++u) t = std::nextafter(t, -1e300);
            for (int u = 0; u < 7; ++u, t = std::nextafter(t, 1e300))
                if (t >= sc.warmup_days && t < sc.horizon_days) times.push_back(t);
        }
        std::mt19937_64 rng(3);
        for (int i = 0; i < 3000; ++i) times.push_back(sc.warmup_days + double(rng() % 1000000) * 1e-6 * (sc.horizon_days - sc.warmup_days));
        std::vector<double> shuffled = times;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        std::sort(times.begin(), times.end());
        for (const auto* order : {&times, &shuffled}) {  // in time order (as a run asks) and out of order
            model::detail::PeriodRecorder fresh(sc, out);
            for (const double t : *order) REQUIRE(fresh.period_of(t) == formula(t));
        }
    }
}
