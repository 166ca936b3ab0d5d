#pragma once
// The plain, validated description of a scenario: what the YAML file says,
// with every default filled in. No yaml-cpp types here; the model is built
// from this value alone. Times are in days, rates in their unit's name.

#include "caseload/kernel/random.hpp"

#include <cstdint>
#include <optional>
#include <string>
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
};

struct WorkforceSpec {
    int workers = 1;               // case-carrying headcount
    double fte = 1.0;              // FTE per worker (1.0 = 36 hours a week)
    double caseload_norm = 14.0;   // weighted families per FTE; cap = norm x FTE
};

enum class Discipline { fifo, urgent_first };
[[nodiscard]] const char* to_string(Discipline d);

struct WaitlistSpec {
    Discipline discipline = Discipline::fifo;
    // A replication stops (and is reported unstable) when the waitlist reaches
    // this length, so an exploding queue cannot exhaust memory.
    std::int64_t max_length = 200000;
};

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

    [[nodiscard]] double total_cap() const { return workforce.workers * workforce.fte * workforce.caseload_norm; }
    // Offered load in weighted families (referral rate x mean length x weight),
    // using the first rate segment.
    [[nodiscard]] double offered_load() const;
};

}  // namespace caseload::scenario
