#include "interventions.hpp"

#include "caseload/model/model.hpp"
#include "events.hpp"

#include <cmath>
#include <limits>
#include <variant>

namespace caseload::model::detail {

namespace iv = scenario::interventions;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kYear = scenario::kDaysPerYear;
}  // namespace

Interventions::Interventions(const scenario::Scenario& sc, Context ctx, Workforce& workforce, Care& care)
    : sc_(sc), ctx_(ctx), workforce_(workforce), care_(care) {
    for (const auto& v : sc.interventions) has_[v.type_index()] = true;
    if (has<iv::SpvFirstVisit>()) psychiatry_rng_ = ctx.engine(streams::psychiatry);
    if (has<iv::EarlyUvo>()) dv_rng_ = ctx.engine(streams::domestic_violence);
    if (has<iv::LocalTeamCooperation>()) local_team_rng_ = ctx.engine(streams::local_team);
    if (has<iv::SupportWorkers>()) support_rng_ = ctx.engine(streams::support);
    has_local_team_ = has<iv::LocalTeamCooperation>();
    // Without these, the referral hook would only multiply the work by 1.
    referral_hooks_on_ = has<iv::SpvFirstVisit>() || has<iv::EarlyUvo>() || has_local_team_;
}

bool Interventions::start(std::size_t index) {
    return std::visit([this](const auto& v) { return apply(v); }, sc_.interventions[index].kind);
}

bool Interventions::local_team_drops() { return kernel::uniform01(local_team_rng_) < referral_reduction_; }

void Interventions::referral_hooks(Family& f) {
    if (has<iv::SpvFirstVisit>()) f.psychiatry = kernel::uniform01(psychiatry_rng_) < psychiatry_share_;
    if (has<iv::EarlyUvo>()) {
        f.domestic_violence = kernel::uniform01(dv_rng_) < dv_share_;
        if (f.domestic_violence && uvo_active_) {
            f.dv_early = true;
            f.work += uvo_extra_work_;
        }
    }
    f.work *= local_length_multiplier_;
}

void Interventions::spv_first_visit(Family& f) {
    if (spv_visits_left_ >= 1.0) {
        // A nurse joins the first visit: the family is screened.
        spv_visits_left_ -= 1.0;
        f.work *= spv_length_multiplier_;
        f.weight *= spv_weight_multiplier_;
    }
}

bool Interventions::apply(const iv::CaseloadNorm& v) {
    const auto n = static_cast<std::size_t>(std::ceil(v.share * double(workforce_.size()) - 1e-9));
    for (std::size_t w = 0; w < n && w < workforce_.size(); ++w) workforce_.set_norm(w, v.norm);
    if (v.share >= 1.0) workforce_.set_norm_for_new(v.norm);  // positions added later get it too
    return true;
}

// Funded FTE up; the new positions are filled through hiring. Positions of
// the scenario's FTE, and one part-time position for what remains (0.4 FTE
// is a 0.4 position, not nothing).
bool Interventions::apply(const iv::ExtraWorkers& v) {
    const double per = sc_.workforce.fte;
    const auto whole = static_cast<std::size_t>(std::floor(v.fte / per + 1e-9));
    const double rest = v.fte - double(whole) * per;
    const std::size_t positions = whole + (rest > 1e-9 ? 1 : 0);
    for (std::size_t i = 0; i < positions; ++i) workforce_.schedule_hire(workforce_.add_position(i < whole ? per : rest));
    return false;
}

bool Interventions::apply(const iv::SupportWorkers& v) {
    support_relief_ = v.relief;
    const double leave_rate =
        sc_.workforce.attrition.per_year / kYear * sc_.workforce.attrition.first_year_multiplier * v.attrition_multiplier;
    for (int i = 0; i < v.count; ++i) {
        change_support(1.0);
        const double leaves = leave_rate > 0 ? unit_exp_(support_rng_) / leave_rate : kInf;
        if (leaves < v.learning_days)
            ctx_.schedule_before_horizon(ctx_.now + leaves, kSupportLeaves, 0, kPrioLoss);
        else
            ctx_.schedule_before_horizon(ctx_.now + v.learning_days, kSupportConverts, 0, kPrioRelease);
    }
    return false;
}

bool Interventions::apply(const iv::CareCoordinators& v) {
    care_.add_coordinators(std::int64_t(v.count) * v.searches_each, v.search_multiplier);
    return false;
}

bool Interventions::apply(const iv::PlacementReduction& v) {
    placement_factor_ *= v.factor;
    return false;
}

bool Interventions::apply(const iv::SpvFirstVisit& v) {
    psychiatry_share_ = v.psychiatry_share;
    spv_visits_per_week_ += v.nurses * v.visits_per_week;
    spv_visits_left_ = spv_visits_per_week_;
    spv_length_multiplier_ = v.length_multiplier;
    spv_weight_multiplier_ = v.weight_multiplier;
    return false;
}

bool Interventions::apply(const iv::EarlyUvo& v) {
    uvo_active_ = true;
    dv_share_ = v.dv_share;
    uvo_repeat_multiplier_ = v.repeat_multiplier;
    uvo_extra_work_ = v.extra_work_days;
    return false;
}

bool Interventions::apply(const iv::LocalTeamCooperation& v) {
    referral_reduction_ = v.referral_reduction;
    local_length_multiplier_ = v.length_multiplier;
    return false;
}

std::size_t Interventions::support_converts() {
    change_support(-1.0);
    return workforce_.add_position(sc_.workforce.fte);
}

void Interventions::change_support(double fte) {
    support_fte_ += fte;
    support_avg_.update(ctx_.now, support_fte_);
}

}  // namespace caseload::model::detail
