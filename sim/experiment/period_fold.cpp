#include "caseload/experiment/period_fold.hpp"

#include <algorithm>
#include <cmath>

namespace caseload::experiment {

void PeriodAggregate::add(const std::vector<model::PeriodResult>& periods) {
    ++replications_;
    for (std::size_t k = 0; k < periods.size(); ++k) {
        const model::PeriodResult& p = periods[k];
        if (k == stats_.size()) {
            span_.push_back({p.start_day, p.end_day});
            stats_.emplace_back();
        }
        for (std::size_t m = 0; m < model::kPeriodMetricCount; ++m)
            if (!std::isnan(p.values[m])) stats_[k][m].add(p.values[m]);
    }
}

void PairedPeriodAggregate::add(const std::vector<model::PeriodResult>& baseline,
                                const std::vector<model::PeriodResult>& scenario) {
    ++replications_;
    const std::size_t n = std::min(baseline.size(), scenario.size());
    if (stats_.size() < n) stats_.resize(n);
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t m = 0; m < model::kPeriodMetricCount; ++m) {
            const double d = scenario[k].values[m] - baseline[k].values[m];
            if (!std::isnan(d)) stats_[k][m].add(d);
        }
}

const stats::RunningStats& PairedPeriodAggregate::stats(std::size_t k, model::PeriodMetric m) const {
    static const stats::RunningStats none;
    return k < stats_.size() ? stats_[k][static_cast<std::size_t>(m)] : none;
}

}  // namespace caseload::experiment
