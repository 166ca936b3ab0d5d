// The structures that make the model faster answer exactly what the plain
// computation they replace would: the memos of exp and pow against the
// functions, the cached period lookup against its formula, the workforce's
// blocks of rooms against a scan of every worker. (Whole runs are
// checked to the bit by the known answers; these look at the edges:
// collisions, signed zeros, period boundaries to the ulp.)

#include "caseload/scenario/loader.hpp"
#include "model/memo.hpp"
#include "model/periods.hpp"
#include "model/workforce.hpp"

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

namespace {
// The plain answer: the first worker with the largest room.
std::size_t scan_most_room(const model::detail::Workforce& wf) {
    std::size_t best = 0;
    double best_room = -std::numeric_limits<double>::infinity();
    for (std::size_t w = 0; w < wf.size(); ++w)
        if (wf.room(w) > best_room) {
            best = w;
            best_room = wf.room(w);
        }
    return best;
}
}  // namespace

TEST_CASE("the worker with the most room: the blocks answer what a scan of every worker would, ties to the first") {
    for (const int workers : {1, 3, 4, 5, 25, 64, 116}) {
        CAPTURE(workers);
        const auto sc = scenario::parse_scenario(
            "name: w\nhorizon: 3y\nreferrals: {rate_per_week: 1, types: {a: {share: 1, length: {distribution: "
            "exponential, mean: 100d}}}}\nworkforce: {workers: " + std::to_string(workers) + ", caseload_norm: 14}\n",
            "w.yaml");
        kernel::Calendar calendar;
        const kernel::Time now = 0.0;
        model::detail::Families families;
        model::detail::Workforce wf(sc, families, model::detail::Context{calendar, now, sc.horizon_days, 1, 0});
        REQUIRE(wf.most_room() == 0);  // all equal: the first
        std::mt19937_64 rng(11);
        std::vector<std::vector<std::pair<std::uint32_t, double>>> held(wf.size());
        int tied = 0;  // steps where a later worker had the same largest room
        for (int step = 0; step < 4000; ++step) {
            const std::size_t w = rng() % wf.size();
            const auto what = rng() % 10;
            if (what < 5 || held[w].empty()) {  // weights in halves: many equal rooms
                const double weight = double(1 + rng() % 3) * 0.5;
                const std::uint32_t id = families.add();
                wf.take(id, w, weight);
                held[w].emplace_back(id, weight);
            } else if (what < 9) {
                const std::size_t i = rng() % held[w].size();
                wf.release(held[w][i].first, w, held[w][i].second);
                families.release(held[w][i].first);
                held[w].erase(held[w].begin() + std::ptrdiff_t(i));
            } else if (what == 9 && step % 40 == 9) {
                if (rng() % 2) {
                    wf.set_norm(w, double(8 + rng() % 8));
                } else {
                    wf.add_position(1.0);  // vacant: a room of 0, maybe in a new block
                    held.emplace_back();
                }
            }
            const std::size_t expect = scan_most_room(wf);
            REQUIRE(wf.most_room() == expect);
            for (std::size_t v = expect + 1; v < wf.size(); ++v)
                if (wf.room(v) == wf.room(expect)) {
                    ++tied;
                    break;
                }
        }
        if (workers > 1) CHECK(tied > 20);  // the rule for ties was exercised
    }
}
