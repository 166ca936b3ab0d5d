#pragma once
// The workforce: positions with their FTE, norm, cap and load; sick leave,
// attrition and hiring on hazard clocks; ramp-up of new hires. It owns each
// worker's list of families (linked through the family records) but never
// moves a family: a departure or a long absence is reported to the run,
// which hands the families back.
//
//   cap of a worker      = caseload_norm x fte x ramp fraction x (1 + overload) x case share;
//                          0 while sick or vacant; case share = 1 - duty FTE / (workers x fte) when
//                          the interim contact's duty team comes from case work, else 1
//   overload             = min(overload.max, overload.per_waiting_per_fte x waiting / FTE in post),
//                          set at the weekly tick (0 when overload.max is 0)
//   pressure of a worker = (load / fte x support relief + waitlist_pressure_weight x waiting / FTE in post)
//                          / reference_caseload
//   attrition hazard     = per_year x first-year multiplier x M(e_a, pressure, C_a)
//   sick-leave onset     = episodes_per_year x M(e_s, pressure, C_s)
//   M(e, p, C)           = x = exp(e (p - 1)) without a ceiling; with one,
//                          C / (1 + (C - 1) / x): 1 at p = 1, rising with p
//                          like x at first, never above C
//   intensity            = reference / norm, or (intensity_from: load)
//                          reference / max(1, total load / FTE in post)
//
// Hazards are exact for piecewise-constant rates: each worker holds a
// unit-exponential budget that the integrated hazard uses up; the rates are
// re-evaluated at the weekly tick (pressure between ticks is the value at the
// tick).

#include "caseload/scenario/scenario.hpp"
#include "caseload/stats/accumulators.hpp"
#include "context.hpp"
#include "family.hpp"
#include "memo.hpp"

#include <boost/random/exponential_distribution.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace caseload::model::detail {

// A hazard clock: fires when the integrated rate uses up a unit-exponential budget.
struct Clock {
    double budget = 0.0;
    double used = 0.0;
    double rate = 0.0;  // per day, in the current segment
    kernel::EventHandle event;
};

struct Worker {
    double fte = 1.0;
    double norm = 14.0;
    Time hired_at = -1e9;  // initial staff are past their first year
    double ramp = 1.0;     // fraction of the full cap
    bool in_post = true;
    bool sick = false;
    std::uint32_t first_family = kNone;  // head of the list of this worker's families
    Clock attrition;
    Clock sickness;
    kernel::EventHandle recovery;
    kernel::EventHandle long_sick;
};

// The pressure multiplier of a hazard (formula above); bounded_multiplier
// applies the ceiling to x = exp(e (p - 1)).
[[nodiscard]] double pressure_multiplier(double elasticity, double pressure, const std::optional<double>& ceiling);
[[nodiscard]] double bounded_multiplier(double x, const std::optional<double>& ceiling);

// What weighs on a worker besides their own load.
struct PressureInputs {
    double waiting = 0.0;        // families on the waitlist
    double support_fte = 0.0;    // support workers in post
    double support_relief = 0.0; // share of a case FTE's load one support FTE takes off
};

class Workforce {
public:
    Workforce(const scenario::Scenario& sc, Families& families, Context ctx);

    [[nodiscard]] std::size_t size() const { return workers_.size(); }
    [[nodiscard]] bool empty() const { return cap_.empty(); }
    [[nodiscard]] const Worker& operator[](std::size_t w) const { return workers_[w]; }
    [[nodiscard]] double room(std::size_t w) const { return cap_[w] - load_[w]; }
    [[nodiscard]] double cap(std::size_t w) const { return cap_[w]; }
    [[nodiscard]] double load(std::size_t w) const { return load_[w]; }
    // The worker with the most room; ties go to the lowest index. Workers
    // are grouped in blocks; each block remembers its own answer, renewed
    // when a room in it changes (a scan of the block), so a query scans
    // the blocks' answers instead of every worker (116 workers: 15 blocks).
    [[nodiscard]] std::size_t most_room() const;
    // The same within one team (with one team: most_room()).
    [[nodiscard]] std::size_t most_room(std::uint16_t team) const { return teams_ <= 1 ? most_room() : most_room_in(team); }
    // Teams: how many, and worker w's.
    [[nodiscard]] std::uint16_t teams() const { return teams_; }
    [[nodiscard]] std::uint16_t team(std::size_t w) const { return teams_ > 1 ? team_[w] : 0; }
    // Intensity of work for worker w's cases (1 at the reference caseload):
    // from the worker's norm, or from the organisation's load per FTE.
    [[nodiscard]] double intensity(std::size_t w) const {
        if (intensity_from_load_)
            return reference_caseload_ / std::max(1.0, fte_in_post_ > 0 ? total_load_ / fte_in_post_ : workers_[w].norm);
        return reference_caseload_ / workers_[w].norm;
    }

    // A family joins or leaves worker w's caseload.
    void take(std::uint32_t family, std::size_t w, double weight);
    void release(std::uint32_t family, std::size_t w, double weight);
    // Worker w's families, emptied: the caller hands them back (their load
    // is released by the caller through `unload`).
    [[nodiscard]] std::uint32_t take_families(std::size_t w);
    void unload(std::size_t w, double weight) { change_load(w, -weight); }

    // Hazard clocks of worker w, started afresh.
    void start_clocks(std::size_t w, const PressureInputs& in);
    // The weekly tick: a new hazard segment up to `segment_end`, ramp-up in
    // steps. Returns whether any cap grew.
    bool tick(Time segment_end, const PressureInputs& in);

    // Events of a worker (the run counts and hands back families around them).
    void depart(std::size_t w);
    void schedule_hire(std::size_t w);
    void hire(std::size_t w, const PressureInputs& in);
    void fall_sick(std::size_t w);
    void recover(std::size_t w, const PressureInputs& in);

    // A start state: worker w's position is vacant, recruitment under way
    // (the hire comes after `hire_in` days); w is on sick leave for
    // `remaining` more days; w was hired `ago` days before time 0.
    void vacant_at_start(std::size_t w, double hire_in);
    void sick_at_start(std::size_t w, double remaining);
    void hired_before_start(std::size_t w, double ago);

    // A new funded, vacant position (of `fte`, at the norm for new positions).
    std::size_t add_position(double fte);
    // A norm for worker w from now; `for_new` also for positions added later.
    void set_norm(std::size_t w, double norm) {
        workers_[w].norm = norm;
        set_cap(w);
    }
    void set_norm_for_new(double norm) { norm_for_new_ = norm; }

    [[nodiscard]] double total_load() const { return total_load_; }
    [[nodiscard]] double funded_fte() const { return funded_fte_; }
    [[nodiscard]] double fte_in_post() const { return fte_in_post_; }
    [[nodiscard]] double headcount() const { return headcount_; }
    [[nodiscard]] double sick_fte() const { return sick_fte_; }
    // Whether anything changes at the weekly tick (hazards, ramp-up, overload).
    [[nodiscard]] bool clocks_on() const { return attrition_on_ || sick_on_ || ramp_on_ || overload_on_; }
    // The share above the norm workers may carry now.
    [[nodiscard]] double overload() const { return overload_; }

    // Time-averages over the statistics window.
    void reset_averages(Time now);
    [[nodiscard]] double load_mean(Time end) const { return load_avg_.mean(end); }
    [[nodiscard]] double fte_mean(Time end) const { return fte_avg_.mean(end); }
    [[nodiscard]] double headcount_mean(Time end) const { return headcount_avg_.mean(end); }
    [[nodiscard]] double sick_mean(Time end) const { return sick_avg_.mean(end); }
    [[nodiscard]] double capacity_mean(Time end) const { return capacity_avg_.mean(end); }
    [[nodiscard]] double fte_integral(Time t) const { return fte_avg_.integral(t); }
    [[nodiscard]] double headcount_integral(Time t) const { return headcount_avg_.integral(t); }
    [[nodiscard]] double overload_mean(Time end) const { return overload_avg_.mean(end); }

private:
    struct PressureTerms {
        bool relieved = false, waits = false;
        double relief = 1.0;   // factor on load per FTE from support workers
        double waiting = 0.0;  // the waitlist's term
    };
    [[nodiscard]] PressureTerms pressure_terms(const PressureInputs& in) const;
    [[nodiscard]] double pressure(std::size_t w, const PressureTerms& t) const;
    [[nodiscard]] double attrition_rate(std::size_t w, double pressure);
    [[nodiscard]] double sick_rate(double pressure);
    void start_clock(Clock& c, kernel::Engine& rng, double rate, std::uint16_t kind, std::size_t w);
    void run_segment(Clock& c, double rate, std::uint16_t kind, std::size_t w);
    void set_cap(std::size_t w);
    void set_all_caps();  // every worker's, in index order
    void new_cap(std::size_t w);  // cap_[w] and total_cap_ only
    void change_load(std::size_t w, double delta);
    // Block b's worker with the most room (ties to the lowest index), renewed.
    void refresh_block(std::size_t b);
    void change_in_post(double fte, double heads);
    void change_sick(double fte);

    // Teams: positions are dealt to teams in proportion to their size
    // (interleaved, so that "the last positions" of a start state spread
    // over the teams); a position added later goes to the team with the
    // fewest funded positions for its share of referrals.
    std::uint16_t next_team() const;
    [[nodiscard]] std::size_t most_room_in(std::uint16_t team) const;
    void join_team(std::size_t w, std::uint16_t team);

    const scenario::Scenario& sc_;
    Families& families_;
    Context ctx_;
    double reference_caseload_;
    std::uint16_t teams_ = 1;
    std::vector<std::uint16_t> team_;                // by worker (teams > 1)
    std::vector<std::vector<std::size_t>> members_;  // by team: its workers (teams > 1)
    double attrition_per_day_ = 0.0, sick_per_day_ = 0.0;  // the hazards' base rates
    bool sick_on_ = false, attrition_on_ = false, hiring_on_ = false, ramp_on_ = false, overload_on_ = false;
    double overload_ = 0.0;  // share above the norm, from the last tick
    double case_share_ = 1.0;  // share of case workers' time left for cases (interim contact from case work)
    bool intensity_from_load_ = false;
    Time segment_end_;  // end of the current hazard segment (the next tick)

    std::vector<Worker> workers_;
    std::vector<double> cap_;   // what each worker may carry now
    std::vector<double> load_;  // what each worker carries
    // Blocks of 2^block_shift_ workers, about the square root of the
    // workers at the start (a query scans the blocks, a change its block).
    unsigned block_shift_ = 0;
    std::vector<double> block_room_;         // by block: its most room (-inf when none is above)
    std::vector<std::uint32_t> block_best_;  // by block: the worker with it
    double total_load_ = 0.0;
    double total_cap_ = 0.0;
    double funded_fte_ = 0.0;
    double fte_in_post_ = 0.0;
    double headcount_ = 0.0;
    double sick_fte_ = 0.0;
    double norm_for_new_;

    kernel::Engine sick_rng_, sick_length_rng_, attrition_rng_, hiring_rng_;
    kernel::Distribution sick_length_, hiring_delay_;
    boost::random::exponential_distribution<double> unit_exp_{1.0};
    ExpMemo exp_;  // of the hazards' pressure multipliers: workers with the same load share one

    stats::TimeAverage load_avg_, fte_avg_, headcount_avg_, sick_avg_, capacity_avg_, overload_avg_;
};

}  // namespace caseload::model::detail
