#pragma once
// The plain, validated description of a scenario: what the YAML file says,
// with every default filled in. No yaml-cpp types here; the model is built
// from this value alone. Times are in days, rates in their unit's name.

#include "caseload/kernel/random.hpp"
#include "caseload/scenario/interventions.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace caseload::scenario {

inline constexpr double kDaysPerWeek = 7.0;
inline constexpr double kDaysPerYear = 365.25;
inline constexpr double kDaysPerMonth = kDaysPerYear / 12.0;

// A measure type (OTS, voogdij, jeugdreclassering, ...).
struct MeasureTypeSpec {
    std::string name;
    double share = 1.0;                 // of referrals, 0..1; shares sum to 1
    kernel::DistributionSpec length;    // case length in days, at the reference caseload
    double weight = 1.0;                // caseload weight (families count `weight` against the cap)
    // Leaving the waitlist: a family waiting for its first worker leaves at
    // this hazard per year (its measure ends, lapses at the court's review or
    // is taken over elsewhere); it is counted in left_waiting_per_year, never
    // as helped. 0 = nobody leaves (off).
    double leave_waiting_per_year = 0.0;
};

// The referral rate from `from_day` on (piecewise constant).
struct RateSegment {
    double from_day = 0.0;
    double rate_per_week = 0.0;
};

struct ReferralSpec {
    std::vector<RateSegment> schedule;  // first segment starts at day 0
    double urgent_share = 0.0;          // 0..1
    std::vector<MeasureTypeSpec> types;
    // Children per family: shares of families with 1, 2, 3, ... children,
    // drawn at referral; they sum to 1. Empty = one child each (off): the
    // children metrics then equal the families'.
    std::vector<double> children;
};

// Sick leave: episodes start at a rate per worker-year while a worker is
// present; a short absence stops new assignments, a long one (past
// `long_after_days`) hands the worker's families back to the waitlist.
struct SickLeaveSpec {
    double episodes_per_year = 0.0;  // 0 = no sick leave
    kernel::DistributionSpec length = kernel::DistributionSpec::lognormal(14.0, 2.0);  // days
    double long_after_days = 42.0;
    // Loop "pressure -> sick leave": the onset rate is multiplied by
    // exp(pressure_elasticity x (pressure - 1)); 0 = no effect.
    double pressure_elasticity = 0.0;
    // A ceiling C on that multiplier: x = exp(e (pressure - 1)) becomes
    // C / (1 + (C - 1) / x), which is 1 at pressure 1 and below C always.
    // None = unbounded (the exponential).
    std::optional<double> pressure_ceiling;
};

// Attrition: each worker in post leaves at a hazard per year, multiplied by
// first_year_multiplier in the first year after hiring and by
// exp(pressure_elasticity x (pressure - 1)) (loop "pressure -> attrition").
struct AttritionSpec {
    double per_year = 0.0;  // 0 = nobody leaves
    double pressure_elasticity = 0.0;
    double first_year_multiplier = 1.0;
    std::optional<double> pressure_ceiling;  // as for sick leave; none = unbounded
};

// Hiring: a vacancy opens on each departure and fills after `delay`; the new
// worker's cap starts at `start_fraction` and ramps linearly to full over
// `ramp_days` (applied in weekly steps).
struct HiringSpec {
    kernel::DistributionSpec delay = kernel::DistributionSpec::lognormal(120.0, 0.5);  // days
    double ramp_days = 0.0;
    double start_fraction = 1.0;
};

// Caseloads above the norm: while families wait, workers take families above
// their cap. The share above the norm a worker may carry is
//   overload = min(max, per_waiting_per_fte x families waiting / FTE in post),
// set at each weekly tick; every cap is norm x fte x ramp x (1 + overload),
// so no worker ever carries more than norm x fte x (1 + max). When the
// waitlist shrinks the caps shrink back; families above a cap stay with
// their worker, who takes no new ones until below it again.
struct OverloadSpec {
    double max = 0.0;                  // largest share above the norm (0.3 = 14 -> 18.2); 0 = off
    double per_waiting_per_fte = 1.0;  // share above the norm per family waiting per FTE in post
};

struct WorkforceSpec {
    int workers = 1;               // funded case-carrying positions, all filled at the start
    double fte = 1.0;              // FTE per worker (1.0 = 36 hours a week)
    double caseload_norm = 14.0;   // weighted families per FTE; cap = norm x FTE
    double cost_per_fte_year = 0.0;  // euro per FTE-year in post (sick included); 0 = no cost figures
    SickLeaveSpec sick_leave;
    AttritionSpec attrition;
    HiringSpec hiring;
    OverloadSpec overload;
};

// Re-assignment of families whose worker left or is away long.
struct HandoverSpec {
    double penalty_days = 0.0;  // extra work a new worker needs to take a case over
    bool ahead_of_new = false;  // re-assigned families go before new referrals
};

// The workload loops. Intensity of a case = reference_caseload / the worker's
// norm (more hours per family under a lower norm); pressure of a worker =
// (load per FTE + waitlist_pressure_weight x families waiting per FTE in post)
// / reference_caseload.
// Where a case's intensity comes from: the worker's norm (reference /
// norm), or the organisation's actual weighted load per FTE in post at that
// moment (reference / max(1, load per FTE)), so extra staff who lower the
// load also shorten cases and cut repeats.
enum class IntensityFrom { norm, load };
[[nodiscard]] const char* to_string(IntensityFrom i);

struct EffectsSpec {
    double reference_caseload = 14.0;  // norm at which the case-length distributions hold
    // Loop 1, intensity -> case length: work goes at speed intensity^length_strength.
    double length_strength = 0.0;
    // Loop 2, intensity -> repeat referrals: probability x intensity^(-repeat_strength).
    double repeat_strength = 0.0;
    // Waiting families weigh on the workers' pressure (loop 3's input).
    double waitlist_pressure_weight = 0.0;
    IntensityFrom intensity_from = IntensityFrom::norm;
};

// Specialist care: found after a search at first assignment, then a place
// from a limited pool (FIFO wait when full). A start later than
// `late_after_days` after referral adds `late_extension` days of work per
// day of delay beyond it.
struct CareSpec {
    double need_share = 0.0;  // 0 = no family needs care
    kernel::DistributionSpec search = kernel::DistributionSpec::fixed(42.0);
    std::optional<std::int64_t> places;  // provider places; none = unlimited
    kernel::DistributionSpec stay = kernel::DistributionSpec::lognormal(365.25, 0.5);
    double late_after_days = 91.3125;
    double late_extension = 0.0;
};

// Out-of-home placement: a longer case and a heavier caseload weight.
struct PlacementSpec {
    double share = 0.0;
    double length_multiplier = 1.0;
    double weight_multiplier = 1.0;
};

// Repeat referral after closure.
struct RepeatSpec {
    double probability = 0.0;
    kernel::DistributionSpec delay = kernel::DistributionSpec::exponential(365.25);
};

// Waitlist triage: a waiting family escalates to urgent after a threshold,
// or at periodic risk reviews with a probability per review.
struct TriageSpec {
    std::optional<double> escalate_after_days;
    std::optional<double> review_every_days;
    double review_probability = 0.0;
};

enum class Discipline { fifo, urgent_first };
[[nodiscard]] const char* to_string(Discipline d);

// Interim contact: a duty team checks on waiting families. Each weekly tick
// it makes duty_fte x contacts_per_fte_week contacts (fractions carried over
// to the next week), to the families whose last contact (or joining the
// waitlist) is longest ago. A family waiting longer than `interval_days`
// since its last contact is "without contact". The duty team is its own
// staff: not counted in the case FTE, their caps or the cost.
struct InterimContactSpec {
    double duty_fte = 0.0;                // 0 = no duty team (off): nobody is contacted
    double contacts_per_fte_week = 10.0;  // checks one duty FTE makes a week
    double interval_days = 28.0;          // the check every waiting family should have
    // Where the duty FTE come from: their own staff (off), or the case
    // workers' time: every cap shrinks by duty_fte / (workers x fte).
    enum class From { own_staff, case_work } duty_from = From::own_staff;
};

struct WaitlistSpec {
    Discipline discipline = Discipline::fifo;
    InterimContactSpec interim_contact;
    // A replication stops (and is reported unstable) when the waitlist reaches
    // this length, so an exploding queue cannot exhaust memory.
    std::int64_t max_length = 200000;
};

// The state at time 0. An empty start makes a large organisation take years
// to fill; starting each worker at a share of the cap, with families whose
// remaining work is drawn from the equilibrium residual-length distribution,
// shortens the warm-up needed.
//
// Or the organisation's state today (a start state): families waiting and
// how long they have waited, families in care, vacancies, staff on sick
// leave and recent hires still ramping up, on a start date. A run from a
// start state has no warm-up: it answers "what happens from today".
struct InitialSpec {
    double caseload_share = 0.0;  // share of each worker's cap filled at time 0
    std::optional<std::int64_t> start_date;  // days since 1970-01-01 of time 0
    std::int64_t waiting = 0;                // families waiting at time 0
    // How long each of them has waited so far, in days (none: 0).
    std::optional<kernel::DistributionSpec> waited;
    // Families in care at time 0 (instead of caseload_share), in all or by
    // measure type (names as in referrals.types).
    std::optional<std::int64_t> in_care;
    std::vector<std::pair<std::string, std::int64_t>> in_care_by_type;
    std::int64_t vacancies = 0;  // funded positions vacant at time 0, recruitment under way
    std::int64_t sick = 0;       // workers on sick leave at time 0
    std::int64_t ramping = 0;    // workers hired within the ramp-up period before time 0

    // A start state was given (anything beyond caseload_share).
    [[nodiscard]] bool given() const {
        return start_date || waiting > 0 || waited || in_care || !in_care_by_type.empty() || vacancies > 0 ||
               sick > 0 || ramping > 0;
    }
    [[nodiscard]] std::int64_t in_care_total() const {
        std::int64_t n = in_care.value_or(0);
        for (const auto& t : in_care_by_type) n += t.second;
        return n;
    }
};

// What a plan aims for: the wait within which a family should get a worker,
// and a waitlist length to get under.
struct TargetSpec {
    double time_to_help_days = 28.0;     // helped_within_target_share, waiting_over_target_end
    std::optional<double> waitlist;      // families; time_to_waitlist_target_days
};

// Teams, each with its own intake (a share of referrals) and its own funded
// positions; a family waits for its team and is helped by its workers. No
// teams (the default) is one pooled team. With `lend_after_days`, a family
// that has waited that long may also go to another team's worker with room
// (after that team's own families; the family then belongs to that team).
struct TeamSpec {
    std::string name;
    double share = 0.0;        // of referrals, 0..1; the teams' shares sum to 1
    std::int64_t workers = 0;  // funded positions; the teams' positions sum to workforce.workers
};
struct TeamsSpec {
    std::vector<TeamSpec> list;             // empty or one: pooled
    std::optional<double> lend_after_days;  // none: no lending
    [[nodiscard]] bool split() const { return list.size() > 1; }
};

// Interventions (their types and parameters): caseload/scenario/interventions.hpp.

struct Scenario {
    std::string name;
    std::string description;
    std::string source_file;      // the file it was loaded from (for messages and outputs)
    double horizon_days = 20 * kDaysPerYear;
    double warmup_days = 2 * kDaysPerYear;
    int replications = 30;
    std::uint64_t seed = 1;
    ReferralSpec referrals;
    WorkforceSpec workforce;
    WaitlistSpec waitlist;
    HandoverSpec handover;
    EffectsSpec effects;
    CareSpec care;
    PlacementSpec placement;
    RepeatSpec repeat;
    TriageSpec triage;
    InitialSpec initial;
    TargetSpec targets;
    TeamsSpec teams;
    double period_days = kDaysPerYear;  // length of a reporting period (periods.csv), from the end of warm-up
    std::vector<InterventionSpec> interventions;

    [[nodiscard]] double total_cap() const { return workforce.workers * workforce.fte * workforce.caseload_norm; }
    // Offered load in weighted families (referral rate x mean length x weight),
    // using the first rate segment.
    [[nodiscard]] double offered_load() const;
};

}  // namespace caseload::scenario
