#include "caseload/experiment/weekly.hpp"

#include <cmath>
#include <limits>

namespace caseload::experiment {

namespace {
std::array<double, kWeeklySeries> values_of(const model::WeeklySample& w) {
    return {w.waitlist, w.load_per_fte, w.fte_in_post, w.vacancies, w.absent_fte, w.turnover, w.absenteeism};
}
}  // namespace

void WeeklyAggregate::add(const std::vector<model::WeeklySample>& weekly) {
    if (weekly.size() > days_.size()) {
        days_.resize(weekly.size());
        means_.resize(weekly.size());
    }
    const bool sampled = replications_ < kBandSample;
    if (sampled) sample_.emplace_back().reserve(weekly.size());
    for (std::size_t k = 0; k < weekly.size(); ++k) {
        const auto v = values_of(weekly[k]);
        days_[k] = weekly[k].day;
        for (std::size_t s = 0; s < kWeeklySeries; ++s) {
            if (std::isnan(v[s])) continue;
            // As stats::RunningStats does it, so the mean is the same bits.
            Mean& m = means_[k][s];
            ++m.n;
            const double d = v[s] - m.mean;
            m.mean += d / double(m.n);
        }
        if (sampled) sample_.back().push_back(v);
    }
    ++replications_;
}

double WeeklyAggregate::mean(std::size_t week, WeeklySeries s) const {
    const Mean& m = means_[week][static_cast<std::size_t>(s)];
    return m.n ? m.mean : std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> WeeklyAggregate::sample(std::size_t week, WeeklySeries s) const {
    std::vector<double> out;
    out.reserve(sample_.size());
    for (const auto& rep : sample_)
        if (week < rep.size()) out.push_back(rep[week][static_cast<std::size_t>(s)]);
    return out;
}

}  // namespace caseload::experiment
