#include "caseload/scenario/scenario.hpp"

namespace caseload::scenario {

const char* to_string(Discipline d) {
    switch (d) {
        case Discipline::fifo: return "fifo";
        case Discipline::urgent_first: return "urgent_first";
    }
    return "?";
}

const char* to_string(InterventionSpec::Type t) {
    using T = InterventionSpec::Type;
    switch (t) {
        case T::caseload_norm: return "caseload_norm";
        case T::extra_workers: return "extra_workers";
        case T::support_workers: return "support_workers";
        case T::care_coordinators: return "care_coordinators";
        case T::placement_reduction: return "placement_reduction";
        case T::spv_first_visit: return "spv_first_visit";
        case T::early_uvo: return "early_uvo";
        case T::local_team_cooperation: return "local_team_cooperation";
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
