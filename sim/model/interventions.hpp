#pragma once
// The interventions' effects, through a few named hooks the run calls:
// at referral, at first assignment, at closure (repeat probability) and
// weekly; and at each intervention's start, where the organisation changes
// (norms, positions, coordinators, support workers). Intervention state is
// neutral until its start.
//
// A new intervention type: its spec in caseload/scenario/interventions.hpp,
// its effect here (a `start` overload and whichever hooks it needs).

#include "caseload/scenario/interventions.hpp"
#include "caseload/scenario/scenario.hpp"
#include "caseload/stats/accumulators.hpp"
#include "care.hpp"
#include "context.hpp"
#include "family.hpp"
#include "workforce.hpp"

#include <boost/random/exponential_distribution.hpp>

#include <array>
#include <cstdint>

namespace caseload::model::detail {

class Interventions {
public:
    Interventions(const scenario::Scenario& sc, Context ctx, Workforce& workforce, Care& care);

    template <class T>
    [[nodiscard]] bool has() const {
        return has_[scenario::intervention_index<T>()];
    }

    // Start intervention `index` of the scenario. Returns whether room may
    // have opened for waiting families.
    bool start(std::size_t index);

    // ---- hooks ----
    // A referral arrives: whether it no longer comes (drawn for every
    // referral, so the stream stays aligned before the start).
    [[nodiscard]] bool referral_dropped() { return has_local_team_ && local_team_drops(); }
    // Factor on the placement share of a new referral.
    [[nodiscard]] double placement_factor() const { return placement_factor_; }
    // A referral's flags and work, after its measure type and placement
    // (nothing to do, and no call, unless an intervention here touches referrals).
    void at_referral(Family& f) {
        if (referral_hooks_on_) referral_hooks(f);
    }
    // A family's first assignment, before its worker takes it (only a
    // family flagged for spv_first_visit is touched).
    void at_first_assignment(Family& f) {
        if (f.psychiatry) spv_first_visit(f);
    }
    // Factor on a closing family's repeat probability.
    [[nodiscard]] double repeat_multiplier(const Family& f) const { return f.dv_early ? uvo_repeat_multiplier_ : 1.0; }
    // The weekly tick.
    void weekly() { spv_visits_left_ = spv_visits_per_week_; }

    // Support workers (not case-carrying).
    void support_leaves() { change_support(-1.0); }
    // A support worker takes a case-carrying position: returns it (vacant; the run hires into it).
    std::size_t support_converts();
    [[nodiscard]] double support_fte() const { return support_fte_; }
    [[nodiscard]] double support_relief() const { return support_relief_; }
    void reset_averages(Time now) { support_avg_.reset(now, support_fte_); }
    [[nodiscard]] double support_mean(Time end) const { return support_avg_.mean(end); }
    [[nodiscard]] double support_integral(Time t) const { return support_avg_.integral(t); }

private:
    bool apply(const scenario::interventions::CaseloadNorm& v);
    bool apply(const scenario::interventions::ExtraWorkers& v);
    bool apply(const scenario::interventions::SupportWorkers& v);
    bool apply(const scenario::interventions::CareCoordinators& v);
    bool apply(const scenario::interventions::PlacementReduction& v);
    bool apply(const scenario::interventions::SpvFirstVisit& v);
    bool apply(const scenario::interventions::EarlyUvo& v);
    bool apply(const scenario::interventions::LocalTeamCooperation& v);
    void change_support(double fte);
    bool local_team_drops();
    void referral_hooks(Family& f);
    void spv_first_visit(Family& f);

    const scenario::Scenario& sc_;
    Context ctx_;
    Workforce& workforce_;
    Care& care_;
    std::array<bool, scenario::kInterventionTypes> has_{};
    bool has_local_team_ = false;     // has<LocalTeamCooperation>(), for the hook at every referral
    bool referral_hooks_on_ = false;  // an intervention that draws or changes work at referral

    double referral_reduction_ = 0.0, local_length_multiplier_ = 1.0, placement_factor_ = 1.0;
    double psychiatry_share_ = 0.0, spv_visits_per_week_ = 0.0, spv_visits_left_ = 0.0;
    double spv_length_multiplier_ = 1.0, spv_weight_multiplier_ = 1.0;
    double dv_share_ = 0.0, uvo_repeat_multiplier_ = 1.0, uvo_extra_work_ = 0.0;
    bool uvo_active_ = false;
    double support_fte_ = 0.0, support_relief_ = 0.0;
    kernel::Engine psychiatry_rng_, dv_rng_, local_team_rng_, support_rng_;
    boost::random::exponential_distribution<double> unit_exp_{1.0};
    stats::TimeAverage support_avg_;
};

}  // namespace caseload::model::detail
