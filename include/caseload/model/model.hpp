#pragma once
// The caseload model on the event kernel: referrals, a waitlist, case workers
// with a caseload cap, assignment and closure.
//
// One Model is one replication: it owns its calendar, random streams and
// state, so replications run on threads without sharing anything.

#include "caseload/model/metrics.hpp"
#include "caseload/model/periods.hpp"
#include "caseload/scenario/scenario.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace caseload::model {

// The version of the model's numbers: within one version the same scenario
// and seed give the same results to the bit, on any machine and thread count.
// Raised by a change that deliberately alters results for a seed (its note
// says which and why). A stopped run or sweep is continued, and sweep parts
// merged, only within one version: replications of two versions never mix.
inline constexpr int kResultsVersion = 1;

// Random stream numbers. A stream's number never changes once released:
// renumbering would change every result for a given seed.
namespace streams {
inline constexpr std::uint64_t arrivals = 1;        // referral inter-arrival draws
inline constexpr std::uint64_t attributes = 2;      // measure type, urgent flag
inline constexpr std::uint64_t sickness = 3;        // sick-leave onsets
inline constexpr std::uint64_t sick_length = 4;     // sick-leave lengths
inline constexpr std::uint64_t attrition = 5;       // departures
inline constexpr std::uint64_t hiring = 6;          // recruitment delays
inline constexpr std::uint64_t care = 7;            // care searches and stays
inline constexpr std::uint64_t repeat = 8;          // repeat decision and delay, at closure
inline constexpr std::uint64_t repeat_attributes = 9;  // type, urgency and flags of repeat referrals
inline constexpr std::uint64_t triage = 10;         // risk reviews
inline constexpr std::uint64_t flags = 12;          // care need and placement of new referrals
inline constexpr std::uint64_t initial = 13;        // the families in care at time 0
inline constexpr std::uint64_t psychiatry = 20;     // parental psychiatry flag (spv_first_visit)
inline constexpr std::uint64_t domestic_violence = 21;  // domestic-violence flag (early_uvo)
inline constexpr std::uint64_t local_team = 22;     // inappropriate referrals (local_team_cooperation)
inline constexpr std::uint64_t support = 23;        // support workers leaving while learning
inline constexpr std::uint64_t initial_waiting = 24;  // the families waiting at time 0 (a start state)
inline constexpr std::uint64_t initial_staff = 25;    // vacancies, sick leave and ramp-up at time 0 (a start state)
inline constexpr std::uint64_t leave_waiting = 26;  // time until a family would leave the waitlist, at referral
inline constexpr std::uint64_t children = 27;       // children per family, at referral and at time 0
inline constexpr std::uint64_t teams = 28;          // the team of a referral (only with teams)
inline constexpr std::uint64_t case_length_base = 100;         // + measure-type index
inline constexpr std::uint64_t repeat_case_length_base = 300;  // + measure-type index
}  // namespace streams

struct WeeklySample {
    double day = 0.0;
    double waitlist = 0.0;
    double load_per_fte = 0.0;   // weighted families per FTE in post
    double fte_in_post = 0.0;
    double vacancies = 0.0;      // funded FTE not in post
    double absent_fte = 0.0;     // FTE on sick leave
    // Case workers who left in the 7 days up to `day` per head in post at
    // their start, annualised: the week's turnover_per_year. NaN when nobody
    // was in post.
    double turnover = 0.0;
    double absenteeism = 0.0;    // absent_fte over fte_in_post; NaN when nobody is in post
};

// Weeks covered by ReplicationResult::helped_within_weeks (0..104: two years).
inline constexpr std::size_t kHelpedWeeks = 105;

struct ReplicationResult {
    std::uint32_t replication = 0;
    std::array<double, kMetricCount> metrics{};
    std::vector<WeeklySample> weekly;  // from day 7 to the horizon, every 7 days
    std::vector<PeriodResult> periods; // from the end of warm-up, every scenario.period_days (the last may be shorter)
    // Share of the families referred after warm-up helped within k weeks
    // (k = 0..104), censored waits counted as not helped: the time-to-help
    // distribution. NaN when no family was referred after warm-up.
    std::array<double, kHelpedWeeks> helped_within_weeks{};
    bool hit_waitlist_bound = false;   // stopped early: waitlist reached waitlist.max_length
    double ended_at_day = 0.0;
    std::uint64_t events = 0;

    [[nodiscard]] double operator[](Metric m) const { return metrics[static_cast<std::size_t>(m)]; }
};

// Optional hook that sees every event as it is executed (for `caseload trace`
// and tests). Not called when null.
struct TraceSink {
    virtual ~TraceSink() = default;
    // After each event: its time and kind, the family and worker it concerns
    // (-1 when none), the waitlist length, the families with a worker, and the
    // cases ended so far (closed, or left the waitlist before a first worker).
    // The family is its case number in this run (1, 2, ... in order of
    // referral; never reused).
    virtual void on_event(double day, const char* kind, std::int64_t family, std::int64_t worker,
                          std::size_t waitlist, std::size_t with_worker, std::uint64_t closed) = 0;
    // During an event, before its on_event: a family gets a case worker, its
    // first (`first` true) or a later one after a handover.
    virtual void on_assign(double /*day*/, std::int64_t /*family*/, std::int64_t /*worker*/, bool /*first*/) {}
    // After each event, before its on_event, when wants_caseloads(): every
    // position's weighted caseload, FTE and caseload norm (for checks that a
    // rule on caseloads holds at every moment; costs a pass over the workers).
    [[nodiscard]] virtual bool wants_caseloads() const { return false; }
    virtual void on_caseload(double /*day*/, std::size_t /*worker*/, double /*load*/, double /*fte*/, double /*norm*/) {}
};

// Run one replication of `scenario` with the streams of (scenario.seed, replication).
[[nodiscard]] ReplicationResult simulate(const scenario::Scenario& scenario, std::uint32_t replication,
                                         TraceSink* trace = nullptr);

}  // namespace caseload::model
