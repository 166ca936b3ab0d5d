#pragma once
// The waitlist: families without a worker, in queues by class (urgent,
// handed over, normal) and measure type. It owns its length and the
// time-average of that length; nothing outside changes either.
//
// Leaving the waitlist: a family waiting for its first worker leaves after
// an exponential time with its type's leave_waiting_per_year (drawn at
// referral for every family while any type has a hazard, so the stream
// stays aligned between scenarios); a family handed back after a worker left
// is under a running measure and does not leave.

#include "caseload/scenario/scenario.hpp"
#include "caseload/stats/accumulators.hpp"
#include "context.hpp"
#include "family.hpp"
#include "fifo.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace caseload::model::detail {

// Waitlist classes, served in this order.
inline constexpr std::size_t kClassUrgent = 0;
inline constexpr std::size_t kClassHandover = 1;
inline constexpr std::size_t kClassNormal = 2;
inline constexpr std::size_t kClasses = 3;

class Waitlist {
public:
    // `urgent_first`: urgent families join the urgent class whatever class they are given.
    Waitlist(const scenario::Scenario& sc, Families& families, Context ctx);

    [[nodiscard]] std::size_t size() const { return waiting_; }
    // Families waiting for one team (with one team: size()).
    [[nodiscard]] std::size_t size(std::uint16_t team) const { return teams_ > 1 ? by_team_[team] : waiting_; }
    // Children of the waiting families (the sum over them).
    [[nodiscard]] std::uint64_t children() const { return children_; }

    void enqueue(std::uint32_t id, std::size_t cls);
    // The queue whose head comes first (class, then time of joining) among
    // heads that weigh at most `room`; -1 if none fits. Drops stale heads.
    // With teams: among the queues of `team`; when none of them fits and
    // lending is on, among the other teams' heads that have waited at least
    // lend_after (a queue's head has waited longest in it).
    [[nodiscard]] std::int64_t best_fitting(double room, std::uint16_t team = 0);
    // Takes the head of queue q (from best_fitting).
    std::uint32_t dequeue(std::int64_t q);
    // A waiting family became urgent: under urgent_first it moves to the urgent class.
    void to_urgent(std::uint32_t id);
    // A waiting family (not yet assigned, still active) is in the list.
    [[nodiscard]] bool valid(const QueueEntry& e) const;

    // Leaving the waitlist. `referred` draws when a new family would leave;
    // enqueue schedules it for a family never helped; `leave` takes the
    // family out (the caller releases it).
    [[nodiscard]] bool leaving_on() const { return leaving_on_; }
    void referred(Family& f) {
        if (leaving_on_) draw_leave_after(f);
    }
    void leave(std::uint32_t id);

    // Interim contact, at the weekly tick: the duty team's checks, then the
    // number of waiting families without contact for longer than the interval.
    [[nodiscard]] std::size_t interim_contact(Time now);

    // Every waiting family that is not urgent, in queue order.
    template <class F>
    void for_each_not_urgent(F&& f) const {
        for (const auto& queue : queues_)
            queue.for_each([&](const QueueEntry& e) {
                if (valid(e) && !families_[e.family].urgent) f(e.family);
            });
    }

    // Time-average of the length. settle() records the length at `now`,
    // after an event, when it changed (or always when `always`).
    void settle(Time now, bool always) {
        if (always || double(waiting_) != average_.current()) average_.update(now, double(waiting_));
        if (children_on_ && (always || double(children_) != children_average_.current()))
            children_average_.update(now, double(children_));
    }
    void reset_average(Time now) {
        average_.reset(now, double(waiting_));
        children_average_.reset(now, double(children_));
    }
    [[nodiscard]] double mean(Time end) const { return average_.mean(end); }
    [[nodiscard]] double max() const { return average_.max(); }
    [[nodiscard]] double integral(Time t) const { return average_.integral(t); }
    // The same for children (families' when every family has one child).
    [[nodiscard]] double children_mean(Time end) const { return children_on_ ? children_average_.mean(end) : mean(end); }

private:
    void draw_leave_after(Family& f);

    Families& families_;
    Context ctx_;
    std::size_t types_;
    bool urgent_first_;
    bool leaving_on_ = false;
    std::vector<double> leave_rate_;  // per day, by type
    scenario::InterimContactSpec contact_;
    double contact_budget_ = 0.0;          // contacts available, fractions carried over
    std::vector<std::uint32_t> scratch_;
    kernel::Engine leave_rng_;
    template <bool Lending>
    [[nodiscard]] std::int64_t best_in(std::size_t first, std::size_t last, double room, double lend_before);
    [[nodiscard]] std::size_t block() const { return kClasses * types_; }

    std::uint16_t teams_ = 1;
    double lend_after_ = -1.0;            // days; < 0: no lending
    std::vector<std::size_t> by_team_;    // families waiting, by team (teams > 1)
    std::vector<Fifo<QueueEntry>> queues_;  // [team][class][type]
    std::size_t waiting_ = 0;
    std::uint64_t children_ = 0;
    bool children_on_ = false;
    std::uint64_t queue_seq_ = 0;
    stats::TimeAverage average_, children_average_;
};

}  // namespace caseload::model::detail
