// The key table (caseload/scenario/schema.hpp): every key of a scenario and
// a compare file, its range, its message words and where its value lives.

#include "caseload/scenario/schema.hpp"

#include "scenario/field.hpp"
#include "scenario/yaml_text.hpp"

#include "caseload/scenario/dates.hpp"
#include "caseload/scenario/loader.hpp"

#include <cctype>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <variant>

namespace caseload::scenario::schema {

namespace {

using K = Kind;

// Ranges the loader checks, named once.
constexpr double kMaxHorizonDays = kMaxHorizonYears * kDaysPerYear;
constexpr double kElasticity = 10.0;
constexpr std::string_view kCeiling =
    "a ceiling on the hazard multiplier above 1 and at most 100, or none (unbounded)";

// handover.priority: ahead (index 0 of its choices) or behind.
const Field kPriority{
    +[](const void* o) -> Value { return std::int64_t(static_cast<const Scenario*>(o)->handover.ahead_of_new ? 0 : 1); },
    +[](void* o, const Value& v) { static_cast<Scenario*>(o)->handover.ahead_of_new = std::get<std::int64_t>(v) == 0; }};

// care.places: a number, or unlimited (written out as the word).
const Field kPlaces{
    +[](const void* o) -> Value {
        const auto& places = static_cast<const Scenario*>(o)->care.places;
        return places ? Value(*places) : Value(std::string("unlimited"));
    },
    +[](void* o, const Value& v) {
        auto& places = static_cast<Scenario*>(o)->care.places;
        if (std::holds_alternative<std::int64_t>(v)) places = std::get<std::int64_t>(v);
        else places.reset();
    }};

// A count of the start state, written out only when a start state is given.
template <std::int64_t InitialSpec::*M>
Field given_only() {
    return Field{+[](const void* o) -> Value {
                     const InitialSpec& in = static_cast<const Scenario*>(o)->initial;
                     return in.given() ? Value(in.*M) : Value{};
                 },
                 field<&Scenario::initial, M>().set};
}

// One default-valued instance of every intervention type, to walk them all.
template <std::size_t... I>
auto all_interventions(std::index_sequence<I...>) {
    return std::tuple<std::variant_alternative_t<I, InterventionKind>...>{};
}
auto all_interventions() { return all_interventions(std::make_index_sequence<kInterventionTypes>{}); }

Kind kind_of(ParamKind k) {
    switch (k) {
        case ParamKind::number: return K::number;
        case ParamKind::share: return K::share;
        case ParamKind::integer: return K::integer;
        case ParamKind::duration: return K::duration;
    }
    return K::number;
}

// The section "intervention.<type>" from the type's parameter table.
template <class T, class TypeKey>
void add_intervention_section(std::vector<Section>& s, const T&, const Key& at, const TypeKey& type_key) {
    std::vector<Key> keys{type_key(T::name), at};
    for (const auto& p : T::params()) {
        Key k{.name = p.key, .kind = kind_of(p.kind), .description = p.description, .required = p.required,
              .expected = p.expected};
        if (p.kind == ParamKind::number || p.kind == ParamKind::integer) {
            k.min = p.min;
            k.max = p.max;
        } else if (p.kind == ParamKind::duration) {
            k.min = p.min;
            k.min_exclusive = p.min_exclusive;
        }
        keys.push_back(std::move(k));
    }
    static const std::string section = "intervention." + std::string(T::name);
    s.push_back({section, T::summary, std::move(keys)});
}

std::vector<Section> make_scenario_sections() {
    std::vector<Section> s;
    s.push_back({"scenario", "A caseload-sim scenario: one organisation, its referrals and its workforce.",
                 {
                     {.name = "name", .kind = K::text, .description = "Name used in tables and file names; defaults to the file's name.", .expected = "a name", .field = field<&Scenario::name>()},
                     {.name = "description", .kind = K::text, .description = "What this scenario represents (not inherited through extends).", .expected = "a text", .field = field<&Scenario::description>()},
                     {.name = "extends", .kind = K::file, .description = "Another scenario file to start from; this file overrides only what it names. Relative to this file."},
                     {.name = "horizon", .kind = K::duration, .description = "Simulated time per replication.", .min = 0, .max = kMaxHorizonDays, .min_exclusive = true, .expected = "a horizon of at most 1000 years", .limit_note = "; a run that long takes days. Shorten it, or split the study into runs (the limit is kMaxHorizonYears in include/caseload/scenario/loader.hpp)", .date_ok = true, .field = field<&Scenario::horizon_days>()},
                     {.name = "warmup", .kind = K::duration, .description = "Time discarded before statistics start; shorter than the horizon.", .min = 0, .field = field<&Scenario::warmup_days>()},
                     {.name = "replications", .kind = K::integer, .description = "Independent replications; every figure is a mean over them with a 95% interval.", .min = 1, .max = kMaxReplications, .limit_note = "; the limit (kMaxReplications in include/caseload/scenario/loader.hpp) keeps one run within a day, use a sweep with --shard for more", .field = field<&Scenario::replications>()},
                     {.name = "seed", .kind = K::integer, .description = "Random seed; the same seed gives the same results on any number of threads.", .min = 0, .field = field<&Scenario::seed>()},
                     {.name = "referrals", .kind = K::section, .description = "New families: the referral rate and the measure types.", .ref = "referrals"},
                     {.name = "workforce", .kind = K::section, .description = "Case workers: positions, FTE, caseload norm, sick leave, attrition and hiring.", .ref = "workforce"},
                     {.name = "waitlist", .kind = K::section, .description = "How the waitlist is served, and its bound.", .ref = "waitlist"},
                     {.name = "handover", .kind = K::section, .description = "Families whose worker left or is away long.", .ref = "handover"},
                     {.name = "effects", .kind = K::section, .description = "Strengths of the workload loops (0 = off).", .ref = "effects"},
                     {.name = "care", .kind = K::section, .description = "Specialist care with a limited pool of provider places.", .ref = "care"},
                     {.name = "placement", .kind = K::section, .description = "Out-of-home placements: longer and heavier cases.", .ref = "placement"},
                     {.name = "repeat", .kind = K::section, .description = "Repeat referrals after a case closes.", .ref = "repeat"},
                     {.name = "triage", .kind = K::section, .description = "Escalation of waiting families to urgent.", .ref = "triage"},
                     {.name = "initial", .kind = K::section, .description = "The state at time 0, or the organisation's state today.", .ref = "initial"},
                     {.name = "targets", .kind = K::section, .description = "The wait and the waitlist a plan aims for.", .ref = "targets"},
                     {.name = "period", .kind = K::duration, .description = "Length of a reporting period in periods.csv (default 1y).", .min = 0, .min_exclusive = true, .field = field<&Scenario::period_days>()},
                     {.name = "interventions", .kind = K::list, .description = "Interventions from the reports, each with a type and a start time; a file that extends another adds to its list.", .ref = "intervention", .item = K::section},
                 },
                 {},
                 {},
                 {"interventions", "initial", "targets", "period", "triage"}});
    // One section per intervention type ("intervention.<type>"), as for
    // distributions: the keys a type takes and their ranges. Effects whose
    // default is "no change" are optional, but the loader wants at least one
    // of them written (README, "Interventions").
    const Key at{.name = "at", .kind = K::duration, .description = "Start time; no effect before it, and before the horizon.", .min = 0, .date_ok = true};
    auto type_key = [](std::string_view type) {
        return Key{.name = "type", .kind = K::choice, .description = "The intervention.", .choices = {type}, .required = true};
    };
    std::apply([&](const auto&... none) { (add_intervention_section(s, none, at, type_key), ...); },
               all_interventions());
    s.push_back({"referrals", "New families: a rate (or a schedule of rates) and the measure types they need.",
                 {
                     {.name = "rate_per_week", .kind = K::number, .description = "New families a week (a Poisson process).", .min = 0, .min_exclusive = true},
                     {.name = "schedule", .kind = K::list, .description = "A piecewise-constant referral rate; the first segment starts at 0d.", .ref = "referrals.schedule", .item = K::section, .min_items = 1},
                     {.name = "urgent_share", .kind = K::share, .description = "Share of referrals that are urgent (served first under urgent_first).", .field = field<&Scenario::referrals, &ReferralSpec::urgent_share>()},
                     {.name = "children", .kind = K::list, .description = "Shares of families with 1, 2, 3, ... children, drawn at referral; they sum to 1. Absent = one child each.", .item = K::share, .min_items = 1},
                     {.name = "types", .kind = K::named, .description = "Measure types by name (ots, voogdij, ...); their shares sum to 1.", .ref = "referrals.types", .min_items = 1},
                 },
                 {"rate_per_week", "schedule"}});
    s.push_back({"referrals.schedule", "One segment of the referral rate.",
                 {
                     {.name = "from", .kind = K::duration, .description = "Start of the segment; segments in increasing order.", .min = 0, .required = true, .date_ok = true},
                     {.name = "rate_per_week", .kind = K::number, .description = "New families a week from then on.", .min = 0, .required = true},
                 }});
    s.push_back({"referrals.types", "A measure type (OTS, voogdij, jeugdreclassering, ...).",
                 {
                     {.name = "share", .kind = K::share, .description = "Share of referrals of this type; required for a type the file introduces.", .field = field<&MeasureTypeSpec::share>()},
                     {.name = "length", .kind = K::distribution, .description = "Case length at the reference caseload; required for a type the file introduces.", .field = field<&MeasureTypeSpec::length>()},
                     {.name = "weight", .kind = K::number, .description = "Caseload weight: how many families one such case counts for.", .min = 0, .min_exclusive = true, .expected = "a number greater than 0", .field = field<&MeasureTypeSpec::weight>()},
                     {.name = "leave_waiting_per_year", .kind = K::number, .description = "Hazard per year that a family waiting for its first worker leaves the waitlist (measure ended, lapsed or taken over); 0 = off.", .min = 0, .max = 52, .expected = "a hazard per year between 0 (off) and 52 (1 = on average a year)", .unit = "per year", .field = field<&MeasureTypeSpec::leave_waiting_per_year>()},
                 }});
    s.push_back({"workforce", "Case workers. Each worker's cap is caseload_norm x fte.",
                 {
                     {.name = "workers", .kind = K::integer, .description = "Funded case-carrying positions, all filled at the start.", .min = 1, .max = kMaxWorkers, .limit_note = "; the limit (kMaxWorkers in include/caseload/scenario/loader.hpp) is a national organisation many times over", .unit = "positions", .field = field<&Scenario::workforce, &WorkforceSpec::workers>()},
                     {.name = "fte", .kind = K::number, .description = "FTE per worker (1.0 = 36 hours a week).", .min = 0.05, .max = 1.5, .expected = "an FTE between 0.05 and 1.5 (1.0 = 36 hours a week)", .unit = "FTE", .field = field<&Scenario::workforce, &WorkforceSpec::fte>()},
                     {.name = "caseload_norm", .kind = K::number, .description = "Weighted families per FTE (14 or 10).", .min = 0.1, .max = 1000, .expected = "a caseload norm greater than 0 (families per FTE)", .unit = "families per FTE", .field = field<&Scenario::workforce, &WorkforceSpec::caseload_norm>()},
                     {.name = "cost_per_fte_year", .kind = K::number, .description = "Euro per FTE-year in post; 0 = no cost figures.", .min = 0, .max = 1e7, .expected = "euro per FTE-year, at least 0", .unit = "euro per FTE-year", .field = field<&Scenario::workforce, &WorkforceSpec::cost_per_fte_year>()},
                     {.name = "sick_leave", .kind = K::section, .description = "Sick leave episodes.", .ref = "workforce.sick_leave"},
                     {.name = "attrition", .kind = K::section, .description = "Workers leaving.", .ref = "workforce.attrition"},
                     {.name = "hiring", .kind = K::section, .description = "Filling vacancies.", .ref = "workforce.hiring"},
                     {.name = "overload", .kind = K::section, .description = "Caseloads above the norm while families wait.", .ref = "workforce.overload"},
                     {.name = "teams", .kind = K::named, .description = "Teams by name, each with its share of referrals and its funded positions (the positions sum to workers); a family waits for its own team. Absent = one pooled team.", .ref = "workforce.teams", .min_items = 1},
                     {.name = "lend_after", .kind = K::duration, .description = "With teams: a family that has waited this long may also go to another team's worker with room (after that team's own families). Absent = no lending.", .min = 0, .field = field<&Scenario::teams, &TeamsSpec::lend_after_days>()},
                 }});
    s.push_back({"workforce.teams", "A team: its own intake and its own funded positions.",
                 {
                     {.name = "share", .kind = K::share, .description = "Share of referrals of this team; the teams' shares sum to 1.", .required = true, .field = field<&TeamSpec::share>()},
                     {.name = "workers", .kind = K::integer, .description = "Funded positions of this team.", .min = 1, .max = kMaxWorkers, .required = true, .unit = "positions", .field = field<&TeamSpec::workers>()},
                 }});
    s.push_back({"workforce.sick_leave", "Sick leave: episodes start at a rate per worker-year while a worker is present.",
                 {
                     {.name = "episodes_per_year", .kind = K::number, .description = "Episodes per worker-year; 0 = no sick leave.", .min = 0, .max = 52, .expected = "episodes per worker-year between 0 and 52", .unit = "per worker-year", .field = field<&Scenario::workforce, &WorkforceSpec::sick_leave, &SickLeaveSpec::episodes_per_year>()},
                     {.name = "length", .kind = K::distribution, .description = "Length of an episode.", .field = field<&Scenario::workforce, &WorkforceSpec::sick_leave, &SickLeaveSpec::length>()},
                     {.name = "long_after", .kind = K::duration, .description = "An absence longer than this hands the worker's families back to the waitlist.", .min = 0, .min_exclusive = true, .field = field<&Scenario::workforce, &WorkforceSpec::sick_leave, &SickLeaveSpec::long_after_days>()},
                     {.name = "pressure_elasticity", .kind = K::number, .description = "Loop pressure -> sick leave; 0 = no effect.", .min = -kElasticity, .max = kElasticity, .expected = "an elasticity between -10 and 10", .field = field<&Scenario::workforce, &WorkforceSpec::sick_leave, &SickLeaveSpec::pressure_elasticity>()},
                     {.name = "pressure_ceiling", .kind = K::number, .description = "Ceiling C on the pressure multiplier x = exp(e (pressure - 1)), which becomes C / (1 + (C - 1) / x); none = unbounded.", .min = 1, .max = 100, .min_exclusive = true, .or_word = "none", .expected = kCeiling, .field = field<&Scenario::workforce, &WorkforceSpec::sick_leave, &SickLeaveSpec::pressure_ceiling>()},
                 }});
    s.push_back({"workforce.attrition", "Attrition: each worker leaves at a hazard per year.",
                 {
                     {.name = "per_year", .kind = K::number, .description = "Hazard per worker-year (0.15 = 15% a year); 0 = nobody leaves.", .min = 0, .max = 10, .expected = "a hazard per worker-year between 0 and 10 (0.15 = 15% a year)", .unit = "per worker-year", .field = field<&Scenario::workforce, &WorkforceSpec::attrition, &AttritionSpec::per_year>()},
                     {.name = "pressure_elasticity", .kind = K::number, .description = "Loop pressure -> attrition; 0 = no effect.", .min = -kElasticity, .max = kElasticity, .expected = "an elasticity between -10 and 10", .field = field<&Scenario::workforce, &WorkforceSpec::attrition, &AttritionSpec::pressure_elasticity>()},
                     {.name = "first_year_multiplier", .kind = K::number, .description = "Hazard multiplier in a worker's first year.", .min = 0, .max = 100, .expected = "a multiplier between 0 and 100", .field = field<&Scenario::workforce, &WorkforceSpec::attrition, &AttritionSpec::first_year_multiplier>()},
                     {.name = "pressure_ceiling", .kind = K::number, .description = "Ceiling C on the pressure multiplier x = exp(e (pressure - 1)), which becomes C / (1 + (C - 1) / x); none = unbounded.", .min = 1, .max = 100, .min_exclusive = true, .or_word = "none", .expected = kCeiling, .field = field<&Scenario::workforce, &WorkforceSpec::attrition, &AttritionSpec::pressure_ceiling>()},
                 }});
    s.push_back({"workforce.hiring", "Hiring: a vacancy fills after a delay; a new worker's cap ramps up.",
                 {
                     {.name = "delay", .kind = K::distribution, .description = "Time to fill a vacancy.", .field = field<&Scenario::workforce, &WorkforceSpec::hiring, &HiringSpec::delay>()},
                     {.name = "ramp_up", .kind = K::duration, .description = "Time for a new worker to reach a full caseload.", .min = 0, .field = field<&Scenario::workforce, &WorkforceSpec::hiring, &HiringSpec::ramp_days>()},
                     {.name = "start_fraction", .kind = K::share, .description = "A new worker's cap at the start, as a share of the full cap.", .field = field<&Scenario::workforce, &WorkforceSpec::hiring, &HiringSpec::start_fraction>()},
                 }});
    s.push_back({"workforce.overload", "Caseloads above the norm: overload = min(max, per_waiting_per_fte x families waiting / FTE in post), set weekly; cap = norm x fte x (1 + overload).",
                 {
                     {.name = "max", .kind = K::number, .description = "Largest share above the norm a worker may carry (0.3: 14 -> 18.2); 0 = off.", .min = 0, .max = 2, .expected = "a share above the norm between 0 (off) and 2", .field = field<&Scenario::workforce, &WorkforceSpec::overload, &OverloadSpec::max>()},
                     {.name = "per_waiting_per_fte", .kind = K::number, .description = "Share above the norm per family waiting per FTE in post.", .min = 0, .max = 100, .expected = "a share per family waiting per FTE, between 0 and 100", .field = field<&Scenario::workforce, &WorkforceSpec::overload, &OverloadSpec::per_waiting_per_fte>()},
                 }});
    s.push_back({"waitlist", "The waitlist.",
                 {
                     {.name = "discipline", .kind = K::choice, .description = "fifo, or urgent_first (urgent families go first).", .choices = {"fifo", "urgent_first"}, .unknown = "unknown discipline '{value}'; expected fifo or urgent_first", .field = field<&Scenario::waitlist, &WaitlistSpec::discipline>()},
                     {.name = "max_length", .kind = K::integer, .description = "A replication stops (and is reported unstable) when the waitlist reaches this length.", .min = 1, .max = kMaxWaitlistLength, .limit_note = "; each waiting family takes memory, and a waitlist this long means the scenario is unstable anyway (the limit is kMaxWaitlistLength in include/caseload/scenario/loader.hpp)", .unit = "families", .field = field<&Scenario::waitlist, &WaitlistSpec::max_length>()},
                     {.name = "interim_contact", .kind = K::section, .description = "A duty team that checks on waiting families.", .ref = "waitlist.interim_contact"},
                 }});
    s.push_back({"waitlist.interim_contact", "Interim contact: each week duty_fte x contacts_per_fte_week checks, to the waiting families whose last contact is longest ago.",
                 {
                     {.name = "duty_fte", .kind = K::number, .description = "Duty FTE (their own staff, not case FTE); 0 = off.", .min = 0, .max = 1000, .expected = "duty FTE between 0 (off) and 1000", .unit = "FTE", .field = field<&Scenario::waitlist, &WaitlistSpec::interim_contact, &InterimContactSpec::duty_fte>()},
                     {.name = "contacts_per_fte_week", .kind = K::number, .description = "Checks one duty FTE makes a week.", .min = 0.1, .max = 500, .expected = "contacts per duty FTE a week, between 0.1 and 500", .unit = "contacts per FTE a week", .field = field<&Scenario::waitlist, &WaitlistSpec::interim_contact, &InterimContactSpec::contacts_per_fte_week>()},
                     {.name = "interval", .kind = K::duration, .description = "A waiting family should be checked at least this often.", .min = 0, .min_exclusive = true, .field = field<&Scenario::waitlist, &WaitlistSpec::interim_contact, &InterimContactSpec::interval_days>()},
                     {.name = "duty_from", .kind = K::choice, .description = "Where the duty FTE come from: own_staff (default; not in the case FTE, caps or cost), or case_work (out of the case workers' time: every cap shrinks by duty_fte / (workers x fte)).", .choices = {"own_staff", "case_work"}, .unknown = "unknown source of the duty FTE '{value}'; expected own_staff (a duty team of its own) or case_work (taken from the case workers' time)", .field = field<&Scenario::waitlist, &WaitlistSpec::interim_contact, &InterimContactSpec::duty_from>()},
                 }});
    s.push_back({"handover", "Re-assignment of families whose worker left or is away long.",
                 {
                     {.name = "penalty", .kind = K::duration, .description = "Extra work a new worker needs to take a case over.", .min = 0, .field = field<&Scenario::handover, &HandoverSpec::penalty_days>()},
                     {.name = "priority", .kind = K::choice, .description = "ahead of or behind new referrals on the waitlist.", .choices = {"ahead", "behind"}, .unknown = "expected 'ahead' (before new referrals) or 'behind', found {found}", .field = kPriority},
                 }});
    s.push_back({"effects", "The workload loops.",
                 {
                     {.name = "reference_caseload", .kind = K::number, .description = "Norm at which the case-length distributions hold.", .min = 0.1, .max = 1000, .expected = "a caseload greater than 0", .unit = "families per FTE", .field = field<&Scenario::effects, &EffectsSpec::reference_caseload>()},
                     {.name = "length_strength", .kind = K::number, .description = "Loop intensity -> case length; 0 = off.", .min = 0, .max = 5, .expected = "a strength between 0 (off) and 5", .field = field<&Scenario::effects, &EffectsSpec::length_strength>()},
                     {.name = "repeat_strength", .kind = K::number, .description = "Loop intensity -> repeat referrals; 0 = off.", .min = 0, .max = 5, .expected = "a strength between 0 (off) and 5", .field = field<&Scenario::effects, &EffectsSpec::repeat_strength>()},
                     {.name = "waitlist_pressure_weight", .kind = K::number, .description = "How much waiting families weigh on the workers' pressure; 0 = off.", .min = 0, .max = 10, .expected = "a weight between 0 (off) and 10", .field = field<&Scenario::effects, &EffectsSpec::waitlist_pressure_weight>()},
                     {.name = "intensity_from", .kind = K::choice, .description = "Intensity of a case from the worker's norm (reference / norm), or from the actual load per FTE in post (reference / max(1, load per FTE)).", .choices = {"norm", "load"}, .unknown = "unknown intensity source '{value}'; expected norm (the worker's caseload norm) or load (the actual load per FTE)", .field = field<&Scenario::effects, &EffectsSpec::intensity_from>()},
                 }});
    s.push_back({"care", "Specialist care: a search at first assignment, then a place from a limited pool.",
                 {
                     {.name = "need_share", .kind = K::share, .description = "Share of families who need specialist care; 0 = none.", .field = field<&Scenario::care, &CareSpec::need_share>()},
                     {.name = "search", .kind = K::distribution, .description = "Time to find suitable care.", .field = field<&Scenario::care, &CareSpec::search>()},
                     {.name = "places", .kind = K::integer, .description = "Provider places, or unlimited.", .min = 0, .max = kMaxCarePlaces, .or_word = "unlimited", .unit = "places", .field = kPlaces},
                     {.name = "stay", .kind = K::distribution, .description = "Time in care.", .field = field<&Scenario::care, &CareSpec::stay>()},
                     {.name = "late_after", .kind = K::duration, .description = "A care start later than this after referral extends the case.", .min = 0, .field = field<&Scenario::care, &CareSpec::late_after_days>()},
                     {.name = "late_extension", .kind = K::number, .description = "Days of extra work per day of delay beyond late_after.", .min = 0, .max = 10, .expected = "days of extra work per day of delay, between 0 and 10", .field = field<&Scenario::care, &CareSpec::late_extension>()},
                 }});
    s.push_back({"placement", "Out-of-home placement: a longer case and a heavier caseload weight.",
                 {
                     {.name = "share", .kind = K::share, .description = "Share of referrals placed out of home.", .field = field<&Scenario::placement, &PlacementSpec::share>()},
                     {.name = "length_multiplier", .kind = K::number, .description = "Case length multiplier for a placed family.", .min = 0.01, .max = 100, .expected = "a multiplier greater than 0", .field = field<&Scenario::placement, &PlacementSpec::length_multiplier>()},
                     {.name = "weight_multiplier", .kind = K::number, .description = "Caseload weight multiplier for a placed family.", .min = 0.01, .max = 100, .expected = "a multiplier greater than 0", .field = field<&Scenario::placement, &PlacementSpec::weight_multiplier>()},
                 }});
    s.push_back({"repeat", "Repeat referral after closure.",
                 {
                     {.name = "probability", .kind = K::number, .description = "Probability that a closed case is referred again (at most 0.95).", .min = 0, .max = 0.95, .expected = "a probability between 0 and 0.95 (1 would refer every family forever)", .field = field<&Scenario::repeat, &RepeatSpec::probability>()},
                     {.name = "delay", .kind = K::distribution, .description = "Time from closure to the repeat referral.", .field = field<&Scenario::repeat, &RepeatSpec::delay>()},
                 }});
    s.push_back({"triage", "Waitlist triage: escalation to urgent after a threshold or at periodic reviews.",
                 {
                     {.name = "escalate_after", .kind = K::duration, .description = "A family waiting this long becomes urgent.", .min = 0, .min_exclusive = true, .field = field<&Scenario::triage, &TriageSpec::escalate_after_days>()},
                     {.name = "review_every", .kind = K::duration, .description = "Interval between risk reviews of the waitlist.", .min = 0, .min_exclusive = true, .field = field<&Scenario::triage, &TriageSpec::review_every_days>()},
                     {.name = "review_probability", .kind = K::share, .description = "Probability that a review escalates a waiting family (needs review_every).", .field = field<&Scenario::triage, &TriageSpec::review_probability>()},
                 }});
    s.push_back({"initial", "The state at time 0: a share of each cap, or the organisation's state today (a start state: then no warm-up).",
                 {
                     {.name = "caseload", .kind = K::share, .description = "Share of each worker's cap filled at time 0 (0 = empty start).", .field = field<&Scenario::initial, &InitialSpec::caseload_share>()},
                     {.name = "start_date", .kind = K::date, .description = "The date of time 0 (YYYY-MM-DD); times elsewhere (at, from, horizon) may then be dates.", .field = field<&Scenario::initial, &InitialSpec::start_date>()},
                     {.name = "waiting", .kind = K::integer, .description = "Families waiting for a worker at time 0.", .min = 0, .max = double(kMaxWaitlistLength), .unit = "families", .field = given_only<&InitialSpec::waiting>()},
                     {.name = "waited", .kind = K::distribution, .description = "How long the families waiting at time 0 have waited so far (default 0d).", .field = field<&Scenario::initial, &InitialSpec::waited>()},
                     {.name = "in_care", .kind = K::integer, .description = "Families with a worker at time 0 (types drawn as in a caseload; instead of caseload).", .min = 0, .max = double(kMaxWaitlistLength), .unit = "families", .field = field<&Scenario::initial, &InitialSpec::in_care>()},
                     {.name = "in_care_by_type", .kind = K::named, .description = "Families with a worker at time 0, by measure type.", .min = 0, .max = double(kMaxWaitlistLength), .item = K::integer},
                     {.name = "vacancies", .kind = K::integer, .description = "Funded positions vacant at time 0 (recruitment under way).", .min = 0, .max = kMaxWorkers, .unit = "positions", .field = given_only<&InitialSpec::vacancies>()},
                     {.name = "sick", .kind = K::integer, .description = "Workers on sick leave at time 0.", .min = 0, .max = kMaxWorkers, .unit = "workers", .field = given_only<&InitialSpec::sick>()},
                     {.name = "ramping", .kind = K::integer, .description = "Workers hired within the ramp-up period before time 0.", .min = 0, .max = kMaxWorkers, .unit = "workers", .field = given_only<&InitialSpec::ramping>()},
                 }});
    s.push_back({"targets", "What a plan aims for.",
                 {
                     {.name = "time_to_help", .kind = K::duration, .description = "The wait within which a family should have a worker (helped_within_target_share).", .min = 0, .field = field<&Scenario::targets, &TargetSpec::time_to_help_days>()},
                     {.name = "waitlist", .kind = K::integer, .description = "A waitlist length to get under (time_to_waitlist_target_days).", .min = 0, .max = double(kMaxWaitlistLength), .unit = "families", .field = field<&Scenario::targets, &TargetSpec::waitlist>()},
                 }});
    // Distributions, by the parameters people think in.
    s.push_back({"distribution.exponential", "Exponential, by its mean.",
                 {
                     {.name = "distribution", .kind = K::choice, .description = "The kind.", .choices = {"exponential"}, .required = true},
                     {.name = "mean", .kind = K::duration, .description = "Mean.", .min = 0, .min_exclusive = true, .required = true},
                 }});
    s.push_back({"distribution.lognormal", "Lognormal, by its mean and coefficient of variation.",
                 {
                     {.name = "distribution", .kind = K::choice, .description = "The kind.", .choices = {"lognormal"}, .required = true},
                     {.name = "mean", .kind = K::duration, .description = "Mean.", .min = 0, .min_exclusive = true, .required = true},
                     {.name = "cv", .kind = K::number, .description = "Coefficient of variation (sd / mean).", .min = 0, .min_exclusive = true, .required = true},
                 }});
    s.push_back({"distribution.gamma", "Gamma, by its mean and coefficient of variation.",
                 {
                     {.name = "distribution", .kind = K::choice, .description = "The kind.", .choices = {"gamma"}, .required = true},
                     {.name = "mean", .kind = K::duration, .description = "Mean.", .min = 0, .min_exclusive = true, .required = true},
                     {.name = "cv", .kind = K::number, .description = "Coefficient of variation (sd / mean).", .min = 0, .min_exclusive = true, .required = true},
                 }});
    s.push_back({"distribution.fixed", "Always the same value.",
                 {
                     {.name = "distribution", .kind = K::choice, .description = "The kind.", .choices = {"fixed"}, .required = true},
                     {.name = "value", .kind = K::duration, .description = "The value.", .min = 0, .required = true},
                 }});
    s.push_back({"distribution.uniform", "Uniform between min and max.",
                 {
                     {.name = "distribution", .kind = K::choice, .description = "The kind.", .choices = {"uniform"}, .required = true},
                     {.name = "min", .kind = K::duration, .description = "Lower end.", .min = 0, .required = true},
                     {.name = "max", .kind = K::duration, .description = "Upper end, at least min.", .min = 0, .min_exclusive = true, .required = true},
                 }});
    s.push_back({"distribution.empirical", "Drawn from observed values: a list, or a column of a CSV file.",
                 {
                     {.name = "distribution", .kind = K::choice, .description = "The kind.", .choices = {"empirical"}, .required = true},
                     {.name = "values", .kind = K::list, .description = "The observed values.", .min = 0, .item = K::duration, .min_items = 1},
                     {.name = "csv", .kind = K::file, .description = "A CSV file with a header row, relative to the scenario file."},
                     {.name = "column", .kind = K::text, .description = "The CSV column holding the values."},
                     {.name = "unit", .kind = K::choice, .description = "Unit of the CSV values (default d).", .choices = {"d", "w", "m", "y"}},
                 },
                 {},
                 {{"values"}, {"csv", "column"}}});
    return s;
}

std::vector<Section> make_compare_sections() {
    std::vector<Section> s;
    s.push_back({"compare_file", "A caseload-sim compare file: a baseline and the scenarios set against it.",
                 {
                     {.name = "compare", .kind = K::section, .description = "The comparison.", .ref = "compare", .required = true},
                 }});
    s.push_back({"compare", "A baseline and the scenarios set against it, paired replication by replication.",
                 {
                     {.name = "name", .kind = K::text, .description = "Name of the comparison; defaults to the file's name."},
                     {.name = "description", .kind = K::text, .description = "What the comparison shows."},
                     {.name = "baseline", .kind = K::file, .description = "The baseline scenario file, relative to this file.", .required = true},
                     {.name = "scenarios", .kind = K::list, .description = "The scenario files set against the baseline.", .item = K::file, .required = true, .min_items = 1},
                     {.name = "from", .kind = K::file, .description = "A start state laid over every scenario (the baseline's too): keys such as initial, horizon and warmup, so plans written from day 0 start from the organisation's state today."},
                     {.name = "replications", .kind = K::integer, .description = "Overrides the baseline's replications.", .min = 1, .max = kMaxReplications},
                     {.name = "seed", .kind = K::integer, .description = "Overrides the baseline's seed.", .min = 0},
                     {.name = "relevant", .kind = K::named, .description = "Minimum relevant differences by metric name, in the metric's unit (shares as fractions), replacing the defaults of the metrics table: a verdict is better or worse only when the paired 95% interval lies beyond it, negligible when it lies inside it.", .min = 0, .item = K::number},
                 }});
    return s;
}

}  // namespace

const std::vector<Section>& scenario_sections() {
    static const std::vector<Section> s = make_scenario_sections();
    return s;
}

const std::vector<Section>& compare_sections() {
    static const std::vector<Section> s = make_compare_sections();
    return s;
}

const Section& section(std::string_view name) {
    for (const auto* table : {&scenario_sections(), &compare_sections()})
        for (const auto& s : *table)
            if (s.name == name) return s;
    throw std::logic_error("no schema section '" + std::string(name) + "'");
}

const std::vector<std::string>& keys(std::string_view section_name) {
    static const std::map<std::string, std::vector<std::string>, std::less<>> all = [] {
        std::map<std::string, std::vector<std::string>, std::less<>> m;
        for (const auto* table : {&scenario_sections(), &compare_sections()})
            for (const auto& s : *table) {
                auto& names = m[std::string(s.name)];
                for (const auto& k : s.keys) names.emplace_back(k.name);
            }
        return m;
    }();
    const auto it = all.find(section_name);
    if (it == all.end()) throw std::logic_error("no schema section '" + std::string(section_name) + "'");
    return it->second;
}

namespace {

// The names after "<prefix>." of the scenario sections that have them, in order.
std::vector<std::string> kinds_of(std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& s : scenario_sections())
        if (s.name.size() > prefix.size() && s.name.substr(0, prefix.size()) == prefix && s.name[prefix.size()] == '.')
            out.emplace_back(s.name.substr(prefix.size() + 1));
    return out;
}

}  // namespace

const Key* find_key(std::string_view section_name, std::string_view key) {
    for (const auto* table : {&scenario_sections(), &compare_sections()})
        for (const auto& s : *table)
            if (s.name == section_name)
                for (const auto& k : s.keys)
                    if (k.name == key) return &k;
    return nullptr;
}

std::string label(const Key& k) {
    std::string l(k.name);
    for (char& c : l)
        if (c == '_') c = ' ';
    if (!l.empty()) l[0] = char(std::toupper(static_cast<unsigned char>(l[0])));
    return l;
}

std::string value_text(const Key& k, const Value& v) {
    using detail::format_number;
    if (const auto* d = std::get_if<double>(&v)) {
        if (k.kind == Kind::integer) return std::to_string(std::int64_t(*d));
        return format_number(*d) + (k.kind == Kind::duration ? "d" : "");
    }
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
        if (k.kind == Kind::choice) return std::string(k.choices.at(std::size_t(*i)));
        if (k.kind == Kind::date) return format_date(*i);
        return std::to_string(*i);
    }
    if (const auto* t = std::get_if<std::string>(&v)) return *t;
    if (const auto* d = std::get_if<kernel::DistributionSpec>(&v)) {
        std::string out = std::string("{distribution: ") + kernel::to_string(d->kind);
        using DK = kernel::DistributionSpec::Kind;
        if (d->kind == DK::uniform) out += ", min: " + format_number(d->min) + "d, max: " + format_number(d->max) + "d";
        else if (d->kind == DK::fixed) out += ", value: " + format_number(d->mean) + "d";
        else if (d->kind != DK::empirical) out += ", mean: " + format_number(d->mean) + "d";
        if (d->kind == DK::lognormal || d->kind == DK::gamma) out += ", cv: " + format_number(d->cv);
        return out + "}";
    }
    return {};
}

std::string default_text(const Section& s, const Key& k) {
    if (!k.field) return {};
    if (s.name == "referrals.types") {
        const MeasureTypeSpec type;
        return value_text(k, k.field.get(&type));
    }
    if (s.name == "workforce.teams") {
        const TeamSpec team;
        return value_text(k, k.field.get(&team));
    }
    const Scenario defaults;
    return value_text(k, k.field.get(&defaults));
}

const std::vector<std::string>& distribution_kinds() {
    static const std::vector<std::string> kinds = kinds_of("distribution");
    return kinds;
}

const std::vector<std::string>& intervention_types() {
    static const std::vector<std::string> types = kinds_of("intervention");
    return types;
}


}  // namespace caseload::scenario::schema
