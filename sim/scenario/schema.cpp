#include "caseload/scenario/schema.hpp"

#include "caseload/scenario/loader.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
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
        Key k{.name = p.key, .kind = kind_of(p.kind), .description = p.description, .required = p.required};
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
                     {.name = "name", .kind = K::text, .description = "Name used in tables and file names; defaults to the file's name."},
                     {.name = "description", .kind = K::text, .description = "What this scenario represents (not inherited through extends)."},
                     {.name = "extends", .kind = K::file, .description = "Another scenario file to start from; this file overrides only what it names. Relative to this file."},
                     {.name = "horizon", .kind = K::duration, .description = "Simulated time per replication.", .min = 0, .max = kMaxHorizonDays, .min_exclusive = true},
                     {.name = "warmup", .kind = K::duration, .description = "Time discarded before statistics start; shorter than the horizon.", .min = 0},
                     {.name = "replications", .kind = K::integer, .description = "Independent replications; every figure is a mean over them with a 95% interval.", .min = 1, .max = kMaxReplications},
                     {.name = "seed", .kind = K::integer, .description = "Random seed; the same seed gives the same results on any number of threads.", .min = 0},
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
                     {.name = "period", .kind = K::duration, .description = "Length of a reporting period in periods.csv (default 1y).", .min = 0, .min_exclusive = true},
                     {.name = "interventions", .kind = K::list, .description = "Interventions from the reports, each with a type and a start time; a file that extends another adds to its list.", .ref = "intervention", .item = K::section},
                 }});
    // One section per intervention type ("intervention.<type>"), as for
    // distributions: the keys a type takes and their ranges. Effects whose
    // default is "no change" are optional, but the loader wants at least one
    // of them written (README, "Interventions").
    const Key at{.name = "at", .kind = K::duration, .description = "Start time; no effect before it, and before the horizon.", .min = 0};
    auto type_key = [](std::string_view type) {
        return Key{.name = "type", .kind = K::choice, .description = "The intervention.", .choices = {type}, .required = true};
    };
    std::apply([&](const auto&... none) { (add_intervention_section(s, none, at, type_key), ...); },
               all_interventions());
    s.push_back({"referrals", "New families: a rate (or a schedule of rates) and the measure types they need.",
                 {
                     {.name = "rate_per_week", .kind = K::number, .description = "New families a week (a Poisson process).", .min = 0, .min_exclusive = true},
                     {.name = "schedule", .kind = K::list, .description = "A piecewise-constant referral rate; the first segment starts at 0d.", .ref = "referrals.schedule", .item = K::section, .min_items = 1},
                     {.name = "urgent_share", .kind = K::share, .description = "Share of referrals that are urgent (served first under urgent_first)."},
                     {.name = "children", .kind = K::list, .description = "Shares of families with 1, 2, 3, ... children, drawn at referral; they sum to 1. Absent = one child each.", .item = K::share, .min_items = 1},
                     {.name = "types", .kind = K::named, .description = "Measure types by name (ots, voogdij, ...); their shares sum to 1.", .ref = "referrals.types", .min_items = 1},
                 },
                 {"rate_per_week", "schedule"}});
    s.push_back({"referrals.schedule", "One segment of the referral rate.",
                 {
                     {.name = "from", .kind = K::duration, .description = "Start of the segment; segments in increasing order.", .min = 0, .required = true},
                     {.name = "rate_per_week", .kind = K::number, .description = "New families a week from then on.", .min = 0, .required = true},
                 }});
    s.push_back({"referrals.types", "A measure type (OTS, voogdij, jeugdreclassering, ...).",
                 {
                     {.name = "share", .kind = K::share, .description = "Share of referrals of this type; required for a type the file introduces."},
                     {.name = "length", .kind = K::distribution, .description = "Case length at the reference caseload; required for a type the file introduces."},
                     {.name = "weight", .kind = K::number, .description = "Caseload weight: how many families one such case counts for.", .min = 0, .min_exclusive = true},
                     {.name = "leave_waiting_per_year", .kind = K::number, .description = "Hazard per year that a family waiting for its first worker leaves the waitlist (measure ended, lapsed or taken over); 0 = off.", .min = 0, .max = 52},
                 }});
    s.push_back({"workforce", "Case workers. Each worker's cap is caseload_norm x fte.",
                 {
                     {.name = "workers", .kind = K::integer, .description = "Funded case-carrying positions, all filled at the start.", .min = 1, .max = kMaxWorkers},
                     {.name = "fte", .kind = K::number, .description = "FTE per worker (1.0 = 36 hours a week).", .min = 0.05, .max = 1.5},
                     {.name = "caseload_norm", .kind = K::number, .description = "Weighted families per FTE (14 or 10).", .min = 0.1, .max = 1000},
                     {.name = "cost_per_fte_year", .kind = K::number, .description = "Euro per FTE-year in post; 0 = no cost figures.", .min = 0, .max = 1e7},
                     {.name = "sick_leave", .kind = K::section, .description = "Sick leave episodes.", .ref = "workforce.sick_leave"},
                     {.name = "attrition", .kind = K::section, .description = "Workers leaving.", .ref = "workforce.attrition"},
                     {.name = "hiring", .kind = K::section, .description = "Filling vacancies.", .ref = "workforce.hiring"},
                     {.name = "overload", .kind = K::section, .description = "Caseloads above the norm while families wait.", .ref = "workforce.overload"},
                 }});
    s.push_back({"workforce.sick_leave", "Sick leave: episodes start at a rate per worker-year while a worker is present.",
                 {
                     {.name = "episodes_per_year", .kind = K::number, .description = "Episodes per worker-year; 0 = no sick leave.", .min = 0, .max = 52},
                     {.name = "length", .kind = K::distribution, .description = "Length of an episode."},
                     {.name = "long_after", .kind = K::duration, .description = "An absence longer than this hands the worker's families back to the waitlist.", .min = 0, .min_exclusive = true},
                     {.name = "pressure_elasticity", .kind = K::number, .description = "Loop pressure -> sick leave; 0 = no effect.", .min = -kElasticity, .max = kElasticity},
                     {.name = "pressure_ceiling", .kind = K::number, .description = "Ceiling C on the pressure multiplier x = exp(e (pressure - 1)), which becomes C / (1 + (C - 1) / x); none = unbounded.", .min = 1, .max = 100, .min_exclusive = true, .or_word = "none"},
                 }});
    s.push_back({"workforce.attrition", "Attrition: each worker leaves at a hazard per year.",
                 {
                     {.name = "per_year", .kind = K::number, .description = "Hazard per worker-year (0.15 = 15% a year); 0 = nobody leaves.", .min = 0, .max = 10},
                     {.name = "pressure_elasticity", .kind = K::number, .description = "Loop pressure -> attrition; 0 = no effect.", .min = -kElasticity, .max = kElasticity},
                     {.name = "first_year_multiplier", .kind = K::number, .description = "Hazard multiplier in a worker's first year.", .min = 0, .max = 100},
                     {.name = "pressure_ceiling", .kind = K::number, .description = "Ceiling C on the pressure multiplier x = exp(e (pressure - 1)), which becomes C / (1 + (C - 1) / x); none = unbounded.", .min = 1, .max = 100, .min_exclusive = true, .or_word = "none"},
                 }});
    s.push_back({"workforce.hiring", "Hiring: a vacancy fills after a delay; a new worker's cap ramps up.",
                 {
                     {.name = "delay", .kind = K::distribution, .description = "Time to fill a vacancy."},
                     {.name = "ramp_up", .kind = K::duration, .description = "Time for a new worker to reach a full caseload.", .min = 0},
                     {.name = "start_fraction", .kind = K::share, .description = "A new worker's cap at the start, as a share of the full cap."},
                 }});
    s.push_back({"workforce.overload", "Caseloads above the norm: overload = min(max, per_waiting_per_fte x families waiting / FTE in post), set weekly; cap = norm x fte x (1 + overload).",
                 {
                     {.name = "max", .kind = K::number, .description = "Largest share above the norm a worker may carry (0.3: 14 -> 18.2); 0 = off.", .min = 0, .max = 2},
                     {.name = "per_waiting_per_fte", .kind = K::number, .description = "Share above the norm per family waiting per FTE in post.", .min = 0, .max = 100},
                 }});
    s.push_back({"waitlist", "The waitlist.",
                 {
                     {.name = "discipline", .kind = K::choice, .description = "fifo, or urgent_first (urgent families go first).", .choices = {"fifo", "urgent_first"}},
                     {.name = "max_length", .kind = K::integer, .description = "A replication stops (and is reported unstable) when the waitlist reaches this length.", .min = 1, .max = kMaxWaitlistLength},
                     {.name = "interim_contact", .kind = K::section, .description = "A duty team that checks on waiting families.", .ref = "waitlist.interim_contact"},
                 }});
    s.push_back({"waitlist.interim_contact", "Interim contact: each week duty_fte x contacts_per_fte_week checks, to the waiting families whose last contact is longest ago.",
                 {
                     {.name = "duty_fte", .kind = K::number, .description = "Duty FTE (their own staff, not case FTE); 0 = off.", .min = 0, .max = 1000},
                     {.name = "contacts_per_fte_week", .kind = K::number, .description = "Checks one duty FTE makes a week.", .min = 0.1, .max = 500},
                     {.name = "interval", .kind = K::duration, .description = "A waiting family should be checked at least this often.", .min = 0, .min_exclusive = true},
                 }});
    s.push_back({"handover", "Re-assignment of families whose worker left or is away long.",
                 {
                     {.name = "penalty", .kind = K::duration, .description = "Extra work a new worker needs to take a case over.", .min = 0},
                     {.name = "priority", .kind = K::choice, .description = "ahead of or behind new referrals on the waitlist.", .choices = {"ahead", "behind"}},
                 }});
    s.push_back({"effects", "The workload loops.",
                 {
                     {.name = "reference_caseload", .kind = K::number, .description = "Norm at which the case-length distributions hold.", .min = 0.1, .max = 1000},
                     {.name = "length_strength", .kind = K::number, .description = "Loop intensity -> case length; 0 = off.", .min = 0, .max = 5},
                     {.name = "repeat_strength", .kind = K::number, .description = "Loop intensity -> repeat referrals; 0 = off.", .min = 0, .max = 5},
                     {.name = "waitlist_pressure_weight", .kind = K::number, .description = "How much waiting families weigh on the workers' pressure; 0 = off.", .min = 0, .max = 10},
                     {.name = "intensity_from", .kind = K::choice, .description = "Intensity of a case from the worker's norm (reference / norm), or from the actual load per FTE in post (reference / max(1, load per FTE)).", .choices = {"norm", "load"}},
                 }});
    s.push_back({"care", "Specialist care: a search at first assignment, then a place from a limited pool.",
                 {
                     {.name = "need_share", .kind = K::share, .description = "Share of families who need specialist care; 0 = none."},
                     {.name = "search", .kind = K::distribution, .description = "Time to find suitable care."},
                     {.name = "places", .kind = K::integer, .description = "Provider places, or unlimited.", .min = 0, .max = kMaxCarePlaces, .or_word = "unlimited"},
                     {.name = "stay", .kind = K::distribution, .description = "Time in care."},
                     {.name = "late_after", .kind = K::duration, .description = "A care start later than this after referral extends the case.", .min = 0},
                     {.name = "late_extension", .kind = K::number, .description = "Days of extra work per day of delay beyond late_after.", .min = 0, .max = 10},
                 }});
    s.push_back({"placement", "Out-of-home placement: a longer case and a heavier caseload weight.",
                 {
                     {.name = "share", .kind = K::share, .description = "Share of referrals placed out of home."},
                     {.name = "length_multiplier", .kind = K::number, .description = "Case length multiplier for a placed family.", .min = 0.01, .max = 100},
                     {.name = "weight_multiplier", .kind = K::number, .description = "Caseload weight multiplier for a placed family.", .min = 0.01, .max = 100},
                 }});
    s.push_back({"repeat", "Repeat referral after closure.",
                 {
                     {.name = "probability", .kind = K::number, .description = "Probability that a closed case is referred again (at most 0.95).", .min = 0, .max = 0.95},
                     {.name = "delay", .kind = K::distribution, .description = "Time from closure to the repeat referral."},
                 }});
    s.push_back({"triage", "Waitlist triage: escalation to urgent after a threshold or at periodic reviews.",
                 {
                     {.name = "escalate_after", .kind = K::duration, .description = "A family waiting this long becomes urgent.", .min = 0, .min_exclusive = true},
                     {.name = "review_every", .kind = K::duration, .description = "Interval between risk reviews of the waitlist.", .min = 0, .min_exclusive = true},
                     {.name = "review_probability", .kind = K::share, .description = "Probability that a review escalates a waiting family (needs review_every)."},
                 }});
    s.push_back({"initial", "The state at time 0: a share of each cap, or the organisation's state today (a start state: then no warm-up).",
                 {
                     {.name = "caseload", .kind = K::share, .description = "Share of each worker's cap filled at time 0 (0 = empty start)."},
                     {.name = "start_date", .kind = K::date, .description = "The date of time 0 (YYYY-MM-DD); times elsewhere (at, from, horizon) may then be dates."},
                     {.name = "waiting", .kind = K::integer, .description = "Families waiting for a worker at time 0.", .min = 0, .max = double(kMaxWaitlistLength)},
                     {.name = "waited", .kind = K::distribution, .description = "How long the families waiting at time 0 have waited so far (default 0d)."},
                     {.name = "in_care", .kind = K::integer, .description = "Families with a worker at time 0 (types drawn as in a caseload; instead of caseload).", .min = 0, .max = double(kMaxWaitlistLength)},
                     {.name = "in_care_by_type", .kind = K::named, .description = "Families with a worker at time 0, by measure type.", .min = 0, .max = double(kMaxWaitlistLength), .item = K::integer},
                     {.name = "vacancies", .kind = K::integer, .description = "Funded positions vacant at time 0 (recruitment under way).", .min = 0, .max = kMaxWorkers},
                     {.name = "sick", .kind = K::integer, .description = "Workers on sick leave at time 0.", .min = 0, .max = kMaxWorkers},
                     {.name = "ramping", .kind = K::integer, .description = "Workers hired within the ramp-up period before time 0.", .min = 0, .max = kMaxWorkers},
                 }});
    s.push_back({"targets", "What a plan aims for.",
                 {
                     {.name = "time_to_help", .kind = K::duration, .description = "The wait within which a family should have a worker (helped_within_target_share).", .min = 0},
                     {.name = "waitlist", .kind = K::integer, .description = "A waitlist length to get under (time_to_waitlist_target_days).", .min = 0, .max = double(kMaxWaitlistLength)},
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

// ---- JSON --------------------------------------------------------------------

// A JSON value that keeps the order of object members, so output is stable.
struct Json {
    using Object = std::vector<std::pair<std::string, Json>>;
    using Array = std::vector<Json>;
    std::variant<std::nullptr_t, bool, double, std::string, std::shared_ptr<Array>, std::shared_ptr<Object>> v;

    Json() : v(nullptr) {}
    Json(bool b) : v(b) {}
    Json(double d) : v(d) {}
    Json(const char* s) : v(std::string(s)) {}
    Json(std::string s) : v(std::move(s)) {}
    Json(std::string_view s) : v(std::string(s)) {}
    static Json object() {
        Json j;
        j.v = std::make_shared<Object>();
        return j;
    }
    static Json array() {
        Json j;
        j.v = std::make_shared<Array>();
        return j;
    }
    Json& set(std::string key, Json value) {
        std::get<std::shared_ptr<Object>>(v)->emplace_back(std::move(key), std::move(value));
        return *this;
    }
    Json& push(Json value) {
        std::get<std::shared_ptr<Array>>(v)->push_back(std::move(value));
        return *this;
    }
};

void write_string(std::ostream& o, const std::string& s) {
    o << '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': o << "\\\""; break;
            case '\\': o << "\\\\"; break;
            case '\n': o << "\\n"; break;
            case '\t': o << "\\t"; break;
            default:
                if (c < 0x20) {
                    char b[8];
                    std::snprintf(b, sizeof b, "\\u%04x", c);
                    o << b;
                } else {
                    o << char(c);
                }
        }
    }
    o << '"';
}

void write_number(std::ostream& o, double d) {
    if (std::fabs(d) < 9e15 && d == std::floor(d)) {
        o << static_cast<long long>(d);
        return;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    o << std::string(buf, r.ptr);
}

bool is_scalar(const Json& j) {
    return !std::holds_alternative<std::shared_ptr<Json::Array>>(j.v) &&
           !std::holds_alternative<std::shared_ptr<Json::Object>>(j.v);
}

void write(std::ostream& o, const Json& j, int indent) {
    const std::string pad(std::size_t(indent) * 2, ' ');
    const std::string inner(std::size_t(indent + 1) * 2, ' ');
    if (std::holds_alternative<std::nullptr_t>(j.v)) {
        o << "null";
    } else if (auto b = std::get_if<bool>(&j.v)) {
        o << (*b ? "true" : "false");
    } else if (auto d = std::get_if<double>(&j.v)) {
        write_number(o, *d);
    } else if (auto s = std::get_if<std::string>(&j.v)) {
        write_string(o, *s);
    } else if (auto a = std::get_if<std::shared_ptr<Json::Array>>(&j.v)) {
        const auto& arr = **a;
        bool flat = true;
        for (const auto& e : arr) flat = flat && is_scalar(e);
        if (arr.empty()) {
            o << "[]";
        } else if (flat) {  // a list of words on one line
            o << '[';
            for (std::size_t i = 0; i < arr.size(); ++i) {
                if (i) o << ", ";
                write(o, arr[i], indent + 1);
            }
            o << ']';
        } else {
            o << "[\n";
            for (std::size_t i = 0; i < arr.size(); ++i) {
                o << inner;
                write(o, arr[i], indent + 1);
                o << (i + 1 < arr.size() ? ",\n" : "\n");
            }
            o << pad << ']';
        }
    } else {
        const auto& obj = *std::get<std::shared_ptr<Json::Object>>(j.v);
        if (obj.empty()) {
            o << "{}";
            return;
        }
        o << "{\n";
        for (std::size_t i = 0; i < obj.size(); ++i) {
            o << inner;
            write_string(o, obj[i].first);
            o << ": ";
            write(o, obj[i].second, indent + 1);
            o << (i + 1 < obj.size() ? ",\n" : "\n");
        }
        o << pad << '}';
    }
}

Json schema_ref(std::string_view definition) { return Json::object().set("$ref", "#/definitions/" + std::string(definition)); }

// A reference with a description beside it: draft-07 ignores keywords next
// to "$ref", so the reference goes inside "allOf".
Json described_ref(std::string_view definition) { return Json::object().set("allOf", Json::array().push(schema_ref(definition))); }

Json words(const std::vector<std::string_view>& ws) {
    Json a = Json::array();
    for (auto w : ws) a.push(w);
    return a;
}

std::string days_text(double days) {
    // Limits read best in years when they are whole years.
    const double years = days / kDaysPerYear;
    char buf[64];
    if (years >= 1 && years == std::floor(years)) {
        auto r = std::to_chars(buf, buf + sizeof buf, years);
        return std::string(buf, r.ptr) + "y";
    }
    auto r = std::to_chars(buf, buf + sizeof buf, days);
    return std::string(buf, r.ptr) + "d";
}

// The schema of one value of kind `kind`.
Json value_schema(const Key& k, Kind kind) {
    Json j = Json::object();
    switch (kind) {
        case K::text:
        case K::file:
            j.set("type", Json::array().push("string").push("number").push("boolean"));
            break;
        case K::number:
        case K::share:
        case K::integer: {
            Json num = Json::object();
            num.set("type", kind == K::integer ? "integer" : "number");
            const double lo = kind == K::share ? 0.0 : k.min;
            const double hi = kind == K::share ? 1.0 : k.max;
            if (std::isfinite(lo)) num.set(k.min_exclusive ? "exclusiveMinimum" : "minimum", lo);
            if (std::isfinite(hi)) num.set("maximum", hi);
            if (k.or_word.empty()) return num;
            j.set("anyOf", Json::array().push(num).push(Json::object().set("enum", words({k.or_word}))));
            break;
        }
        case K::duration:
            j = described_ref("duration");
            break;
        case K::choice:
            j.set("type", "string").set("enum", words(k.choices));
            break;
        case K::date:
            j.set("type", "string").set("pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
            break;
        case K::distribution:
            j = described_ref("distribution");
            break;
        case K::section:
            j = described_ref(k.ref);
            break;
        case K::list: {
            j.set("type", "array");
            if (k.min_items > 0) j.set("minItems", double(k.min_items));
            j.set("items", k.item == K::section ? schema_ref(k.ref) : value_schema(k, k.item));
            break;
        }
        case K::named:
            j.set("type", "object");
            if (k.min_items > 0) j.set("minProperties", double(k.min_items));
            j.set("additionalProperties", k.ref.empty() ? value_schema(k, k.item) : schema_ref(k.ref));
            break;
    }
    return j;
}

// A key: its value's schema with the description in front.
Json key_schema(const Key& k) {
    std::string text(k.description);
    if (k.kind == K::duration) {
        text += k.min_exclusive ? " A duration above 0d" : " A duration of 0d or more";
        if (std::isfinite(k.max)) text += ", at most " + days_text(k.max);
        text += ".";
    }
    Json j = Json::object().set("description", text);
    const Json v = value_schema(k, k.kind);
    for (const auto& [name, value] : *std::get<std::shared_ptr<Json::Object>>(v.v)) j.set(name, value);
    return j;
}

Json section_schema(const Section& s) {
    Json j = Json::object();
    j.set("description", s.description);
    j.set("type", "object");
    Json props = Json::object();
    Json required = Json::array();
    for (const auto& k : s.keys) {
        props.set(std::string(k.name), key_schema(k));
        if (k.required) required.push(k.name);
    }
    j.set("properties", props);
    j.set("additionalProperties", false);
    if (!std::get<std::shared_ptr<Json::Array>>(required.v)->empty()) j.set("required", required);
    if (!s.at_most_one.empty()) j.set("not", Json::object().set("required", words(s.at_most_one)));
    if (!s.exactly_one_of.empty()) {
        Json alts = Json::array();
        for (const auto& alt : s.exactly_one_of) alts.push(Json::object().set("required", words(alt)));
        j.set("oneOf", alts);
    }
    return j;
}

Json duration_schema() {
    return Json::object()
        .set("description", "A duration with a unit: d (days), w (weeks), m (months, a twelfth of a year) or y (years of 365.25 days), e.g. 300d, 6w, 18m, 2y. A start time (at, from) or the horizon may be a date YYYY-MM-DD when initial.start_date is set.")
        .set("type", "string")
        .set("pattern", "^(([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)? *[dwmy]|[0-9]{4}-[0-9]{2}-[0-9]{2})$");
}

// One of the sections "<prefix>.<kind>", told apart by the key `tag`.
Json one_of_kinds(const std::vector<std::string>& kinds, const std::string& prefix, const char* tag,
                  const char* description) {
    Json names = Json::array();
    Json alts = Json::array();
    for (const auto& kind : kinds) {
        names.push(kind);
        alts.push(schema_ref(prefix + "." + kind));
    }
    return Json::object()
        .set("description", description)
        .set("type", "object")
        .set("required", Json::array().push(tag))
        .set("properties", Json::object().set(tag, Json::object().set("enum", names)))
        .set("oneOf", alts);
}

Json distribution_schema() {
    return one_of_kinds(distribution_kinds(), "distribution", "distribution",
                        "A distribution by the parameters people think in, e.g. {distribution: lognormal, mean: 2y, cv: 0.8}.");
}

Json intervention_schema() {
    return one_of_kinds(intervention_types(), "intervention", "type",
                        "An intervention: a type, a start time `at` and the type's parameters.");
}

std::string document(const std::vector<Section>& sections, const char* title, bool with_values) {
    const Section& top = sections.front();
    Json root = Json::object();
    root.set("$schema", "http://json-schema.org/draft-07/schema#");
    root.set("title", title);
    const Json body = section_schema(top);
    for (const auto& [name, value] : *std::get<std::shared_ptr<Json::Object>>(body.v)) root.set(name, value);
    Json defs = Json::object();
    if (with_values) {
        defs.set("duration", duration_schema());
        defs.set("distribution", distribution_schema());
        defs.set("intervention", intervention_schema());
    }
    for (std::size_t i = 1; i < sections.size(); ++i) defs.set(std::string(sections[i].name), section_schema(sections[i]));
    root.set("definitions", defs);
    std::ostringstream o;
    write(o, root, 0);
    o << '\n';
    return o.str();
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

const std::vector<std::string>& distribution_kinds() {
    static const std::vector<std::string> kinds = kinds_of("distribution");
    return kinds;
}

const std::vector<std::string>& intervention_types() {
    static const std::vector<std::string> types = kinds_of("intervention");
    return types;
}

std::string scenario_json_schema() { return document(scenario_sections(), "caseload-sim scenario", true); }

std::string compare_json_schema() { return document(compare_sections(), "caseload-sim compare file", false); }

}  // namespace caseload::scenario::schema
