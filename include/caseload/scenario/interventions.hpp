#pragma once
// Intervention types: one plain struct per type, with its own parameters and
// defaults, and one table of its keys (name in the file, kind, range, what a
// bad value should have been). The loader, the YAML emitter, the JSON Schema
// and the report all walk that table, and the type names and "has" tables
// derive from the variant, so nothing is kept in parallel by hand.
//
// To add a type: a struct here (name, summary, members, params(), and
// one_of() when every effect defaults to "no change"), its place in
// `InterventionKind`, and its effect in sim/model/interventions.cpp.

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace caseload::scenario {

// A parameter of an intervention type, by member pointer into the type.
enum class ParamKind {
    number,    // a decimal number within [min, max]
    share,     // a number between 0 and 1
    integer,   // a whole number within [min, max]
    duration,  // a number with a unit (d, w, m, y), in days; above 0 when min_exclusive
};

template <class T>
struct Param {
    std::string_view key;
    ParamKind kind = ParamKind::number;
    double T::*number = nullptr;  // number, share and duration
    int T::*integer = nullptr;    // integer
    double min = 0.0;
    double max = 1.0;
    bool required = false;
    bool min_exclusive = false;
    std::string_view description = {};
    std::string_view expected = {};  // the message's "expected ..." for a value out of range
};

namespace interventions {

// From `at`, the first ceil(share x positions) positions (pilot teams) get a
// new norm; with share 1, positions added later get it too.
struct CaseloadNorm {
    static constexpr std::string_view name = "caseload_norm";
    static constexpr std::string_view summary =
        "From `at`, the first share of positions (pilot teams) get a new caseload norm.";
    double norm = 14.0;  // weighted families per FTE
    double share = 1.0;  // of positions
    static constexpr auto params() {
        using P = Param<CaseloadNorm>;
        return std::array{
            P{.key = "norm", .kind = ParamKind::number, .number = &CaseloadNorm::norm, .min = 0.1, .max = 1000,
              .required = true, .description = "The new norm (weighted families per FTE).",
              .expected = "a caseload norm greater than 0 (families per FTE)"},
            P{.key = "share", .kind = ParamKind::share, .number = &CaseloadNorm::share,
              .description = "Share of positions that get it (1 = all)."},
        };
    }
    static constexpr std::array<std::string_view, 0> one_of() { return {}; }
};

// Funded FTE up; the new positions are filled through hiring.
struct ExtraWorkers {
    static constexpr std::string_view name = "extra_workers";
    static constexpr std::string_view summary = "Funded FTE up; the new posts are filled through hiring.";
    double fte = 0.0;
    static constexpr auto params() {
        using P = Param<ExtraWorkers>;
        return std::array{
            P{.key = "fte", .kind = ParamKind::number, .number = &ExtraWorkers::fte, .min = 0, .max = 10000,
              .required = true,
              .description = "Extra funded FTE (a remainder below a post's FTE is a part-time post).",
              .expected = "extra funded FTE, at least 0"},
        };
    }
    static constexpr std::array<std::string_view, 0> one_of() { return {}; }
};

// Juniors without a caseload: each takes `relief` of a case worker's load
// off the pressure (per support FTE per case FTE), leaves at the new-hire
// attrition hazard x attrition_multiplier, and after `learning_days` takes a
// case-carrying position.
struct SupportWorkers {
    static constexpr std::string_view name = "support_workers";
    static constexpr std::string_view summary =
        "Juniors without a caseload who relieve case workers, then take a case-carrying post.";
    int count = 0;
    double relief = 0.05;
    double learning_days = 365.25;
    double attrition_multiplier = 0.5;
    static constexpr auto params() {
        using P = Param<SupportWorkers>;
        return std::array{
            P{.key = "count", .kind = ParamKind::integer, .integer = &SupportWorkers::count, .min = 0, .max = 10000,
              .required = true, .description = "Support workers (1 FTE each)."},
            P{.key = "relief", .kind = ParamKind::number, .number = &SupportWorkers::relief, .min = 0, .max = 1,
              .description = "Share of a case worker's load one support FTE takes off.",
              .expected = "the share of a case worker's load one support FTE takes off, 0 to 1"},
            P{.key = "learning", .kind = ParamKind::duration, .number = &SupportWorkers::learning_days, .min = 0,
              .max = 1e300, .min_exclusive = true, .description = "Learning period before a caseload."},
            P{.key = "attrition_multiplier", .kind = ParamKind::number, .number = &SupportWorkers::attrition_multiplier,
              .min = 0, .max = 10, .description = "Their hazard of leaving, times the new-hire hazard.",
              .expected = "a multiplier between 0 and 10"},
        };
    }
    static constexpr std::array<std::string_view, 0> one_of() { return {}; }
};

// Coordinators with a number of concurrent searches each: searches queue for
// a slot; a covered search takes search x search_multiplier.
struct CareCoordinators {
    static constexpr std::string_view name = "care_coordinators";
    static constexpr std::string_view summary =
        "Coordinators whose slots care searches queue for; a covered search is shorter.";
    int count = 0;
    int searches_each = 10;
    double search_multiplier = 0.5;
    static constexpr auto params() {
        using P = Param<CareCoordinators>;
        return std::array{
            P{.key = "count", .kind = ParamKind::integer, .integer = &CareCoordinators::count, .min = 0, .max = 10000,
              .required = true, .description = "Coordinators."},
            P{.key = "searches_each", .kind = ParamKind::integer, .integer = &CareCoordinators::searches_each, .min = 1,
              .max = 10000, .description = "Concurrent searches each."},
            P{.key = "search_multiplier", .kind = ParamKind::number, .number = &CareCoordinators::search_multiplier,
              .min = 0.01, .max = 1, .description = "Length of a covered search, as a factor.",
              .expected = "a multiplier between 0.01 and 1 (1 = no faster)"},
        };
    }
    static constexpr std::array<std::string_view, 0> one_of() { return {}; }
};

// Placement share x factor for referrals after `at`.
struct PlacementReduction {
    static constexpr std::string_view name = "placement_reduction";
    static constexpr std::string_view summary = "Fewer out-of-home placements for referrals after `at`.";
    double factor = 1.0;
    static constexpr auto params() {
        using P = Param<PlacementReduction>;
        return std::array{
            P{.key = "factor", .kind = ParamKind::number, .number = &PlacementReduction::factor, .min = 0, .max = 1,
              .required = true, .description = "Factor on the placement share.",
              .expected = "a factor between 0 and 1 on the placement share"},
        };
    }
    static constexpr std::array<std::string_view, 0> one_of() { return {}; }
};

// Screened families (parental psychiatry, a nurse's visit free this week)
// get shorter cases and weigh less on the worker.
struct SpvFirstVisit {
    static constexpr std::string_view name = "spv_first_visit";
    static constexpr std::string_view summary =
        "A psychiatric nurse on the first visit of families with parental psychiatry.";
    int nurses = 0;
    double visits_per_week = 3.0;  // per nurse
    double psychiatry_share = 0.7;
    double length_multiplier = 1.0;
    double weight_multiplier = 1.0;
    static constexpr auto params() {
        using P = Param<SpvFirstVisit>;
        return std::array{
            P{.key = "nurses", .kind = ParamKind::integer, .integer = &SpvFirstVisit::nurses, .min = 0, .max = 10000,
              .required = true, .description = "Psychiatric nurses."},
            P{.key = "visits_per_week", .kind = ParamKind::number, .number = &SpvFirstVisit::visits_per_week, .min = 0,
              .max = 1000, .description = "First visits per nurse per week.",
              .expected = "visits per nurse per week, at least 0"},
            P{.key = "psychiatry_share", .kind = ParamKind::share, .number = &SpvFirstVisit::psychiatry_share,
              .description = "Families with parental psychiatry."},
            P{.key = "length_multiplier", .kind = ParamKind::number, .number = &SpvFirstVisit::length_multiplier,
              .min = 0.01, .max = 1, .description = "Case length factor for a screened family.",
              .expected = "a multiplier between 0.01 and 1"},
            P{.key = "weight_multiplier", .kind = ParamKind::number, .number = &SpvFirstVisit::weight_multiplier,
              .min = 0.01, .max = 1, .description = "Caseload weight factor for a screened family.",
              .expected = "a multiplier between 0.01 and 1"},
        };
    }
    static constexpr std::array<std::string_view, 2> one_of() { return {"length_multiplier", "weight_multiplier"}; }
};

// Domestic-violence families referred after `at`: fewer repeat referrals, a
// little more work up front.
struct EarlyUvo {
    static constexpr std::string_view name = "early_uvo";
    static constexpr std::string_view summary = "Domestic-violence meetings held earlier for families referred after `at`.";
    double dv_share = 0.3;
    double repeat_multiplier = 1.0;
    double extra_work_days = 0.0;
    static constexpr auto params() {
        using P = Param<EarlyUvo>;
        return std::array{
            P{.key = "dv_share", .kind = ParamKind::share, .number = &EarlyUvo::dv_share,
              .description = "Families with domestic violence."},
            P{.key = "repeat_multiplier", .kind = ParamKind::number, .number = &EarlyUvo::repeat_multiplier, .min = 0,
              .max = 1, .description = "Factor on their repeat probability.",
              .expected = "a multiplier between 0 and 1"},
            P{.key = "extra_work", .kind = ParamKind::duration, .number = &EarlyUvo::extra_work_days, .min = 0,
              .max = 1e300, .description = "Extra work up front."},
        };
    }
    static constexpr std::array<std::string_view, 2> one_of() { return {"repeat_multiplier", "extra_work"}; }
};

// Fewer inappropriate referrals, faster hand-back at closure.
struct LocalTeamCooperation {
    static constexpr std::string_view name = "local_team_cooperation";
    static constexpr std::string_view summary =
        "Cooperation with local teams: fewer inappropriate referrals, faster hand-back.";
    double referral_reduction = 0.0;
    double length_multiplier = 1.0;
    static constexpr auto params() {
        using P = Param<LocalTeamCooperation>;
        return std::array{
            P{.key = "referral_reduction", .kind = ParamKind::share, .number = &LocalTeamCooperation::referral_reduction,
              .description = "Share of referrals that no longer come."},
            P{.key = "length_multiplier", .kind = ParamKind::number, .number = &LocalTeamCooperation::length_multiplier,
              .min = 0.01, .max = 1, .description = "Case length factor.", .expected = "a multiplier between 0.01 and 1"},
        };
    }
    static constexpr std::array<std::string_view, 2> one_of() { return {"referral_reduction", "length_multiplier"}; }
};

}  // namespace interventions

// Every intervention type; the order is the order of the names in messages
// and of the JSON Schema's sections.
using InterventionKind =
    std::variant<interventions::CaseloadNorm, interventions::ExtraWorkers, interventions::SupportWorkers,
                 interventions::CareCoordinators, interventions::PlacementReduction, interventions::SpvFirstVisit,
                 interventions::EarlyUvo, interventions::LocalTeamCooperation>;

inline constexpr std::size_t kInterventionTypes = std::variant_size_v<InterventionKind>;

// An intervention in a scenario: when it starts and what it is.
struct InterventionSpec {
    double at_days = 0.0;  // no effect before it
    InterventionKind kind;

    template <class T>
    [[nodiscard]] const T* as() const {
        return std::get_if<T>(&kind);
    }
    [[nodiscard]] std::size_t type_index() const { return kind.index(); }
};

namespace detail {
template <std::size_t... I>
constexpr std::array<std::string_view, kInterventionTypes> intervention_names(std::index_sequence<I...>) {
    return {std::variant_alternative_t<I, InterventionKind>::name...};
}
template <std::size_t... I>
InterventionKind make_intervention(std::size_t index, std::index_sequence<I...>) {
    static constexpr InterventionKind (*make[])() = {
        +[]() { return InterventionKind(std::in_place_index<I>); }...};
    return make[index]();
}
}  // namespace detail

// The type names, in variant order.
inline constexpr std::array<std::string_view, kInterventionTypes> kInterventionNames =
    detail::intervention_names(std::make_index_sequence<kInterventionTypes>{});

[[nodiscard]] inline std::string_view intervention_name(std::size_t index) { return kInterventionNames.at(index); }
[[nodiscard]] inline std::string_view intervention_name(const InterventionSpec& v) { return kInterventionNames[v.type_index()]; }

// A default-valued intervention of the type at `index` (variant order).
[[nodiscard]] inline InterventionKind make_intervention(std::size_t index) {
    return detail::make_intervention(index, std::make_index_sequence<kInterventionTypes>{});
}

// Index of a type in the variant, for "has" tables.
template <class T, std::size_t I = 0>
constexpr std::size_t intervention_index() {
    static_assert(I < kInterventionTypes, "not an intervention type");
    if constexpr (std::is_same_v<T, std::variant_alternative_t<I, InterventionKind>>) return I;
    else return intervention_index<T, I + 1>();
}

}  // namespace caseload::scenario
