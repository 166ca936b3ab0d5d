#include "caseload/scenario/scenario.hpp"

namespace caseload::scenario {

const char* to_string(Discipline d) {
    switch (d) {
        case Discipline::fifo: return "fifo";
        case Discipline::urgent_first: return "urgent_first";
    }
    return "?";
}

const char* to_string(IntensityFrom i) {
    switch (i) {
        case IntensityFrom::norm: return "norm";
        case IntensityFrom::load: return "load";
    }
    return "?";
}

double Scenario::offered_load() const {
    if (referrals.schedule.empty()) return 0.0;
    double per_family = 0.0;
    for (const auto& t : referrals.types) per_family += t.share * t.weight * t.length.theoretical_mean();
    return referrals.schedule.front().rate_per_week / kDaysPerWeek * per_family;
}

}  // namespace caseload::scenario
