#include "caseload/experiment/solve.hpp"

#include "caseload/experiment/analysis.hpp"

#include <map>
#include <stdexcept>

namespace caseload::experiment {

SolveResult solve(const SolveSpec& spec) {
    if (spec.from > spec.to) throw std::invalid_argument("solve: the range is empty");
    SolveResult out;
    std::map<long, SolvePoint> cache;
    auto run = spec.run;
    run.keep_periods = false;  // only whole-window values are read
    auto eval = [&](long v) -> const SolvePoint& {
        auto it = cache.find(v);
        if (it != cache.end()) return it->second;
        const auto res = run_experiments({spec.scenario_for(v)}, run);
        const auto got = values(res[0], spec.metric);
        std::vector<double> gap(got.size());
        for (std::size_t r = 0; r < got.size(); ++r) {
            const double target = spec.target_value ? *spec.target_value
                                                    : (r < spec.target_by_replication.size() ? spec.target_by_replication[r]
                                                                                             : std::nan(""));
            // Oriented so that "meets" is always gap <= 0.
            gap[r] = spec.at_most ? got[r] - target : target - got[r];
        }
        SolvePoint p;
        p.value = v;
        p.gap = stats::mean_interval(gap);
        p.meets_mean = p.gap.mean <= 0;
        p.meets_confidently = p.gap.n >= 2 && p.gap.high <= 0;
        out.evaluated.push_back(p);
        return cache.emplace(v, p).first->second;
    };
    // Smallest v in [from, to] with pred(v), assuming pred is monotone.
    auto smallest = [&](auto pred) -> std::optional<long> {
        if (!pred(eval(spec.to))) return std::nullopt;
        long lo = spec.from, hi = spec.to;
        while (lo < hi) {
            const long mid = lo + (hi - lo) / 2;
            if (pred(eval(mid)))
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    };
    out.confidently = smallest([](const SolvePoint& p) { return p.meets_confidently; });
    out.by_mean = smallest([](const SolvePoint& p) { return p.meets_mean; });
    return out;
}

}  // namespace caseload::experiment
