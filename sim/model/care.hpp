#pragma once
// Specialist care: a search at first assignment (with care coordinators, a
// search needs one of their slots and queues for one; a covered search is
// shorter), then a place from a limited pool (a FIFO wait when full). It
// reports each care start to the run, which records it and applies a late
// start's extra work to the case.

#include "caseload/scenario/scenario.hpp"
#include "context.hpp"
#include "family.hpp"
#include "fifo.hpp"

#include <cstdint>
#include <functional>

namespace caseload::model::detail {

class Care {
public:
    // Called when a family's care starts, with its delay since referral.
    using Started = std::function<void(std::uint32_t family, double delay)>;

    Care(const scenario::Scenario& sc, Families& families, Context ctx, Started started);

    [[nodiscard]] bool on() const { return on_; }
    // Coordinators from now: `slots` more concurrent searches; a covered search takes search x multiplier.
    void add_coordinators(std::int64_t slots, double search_multiplier) {
        coordinator_slots_ += slots;
        search_multiplier_ = search_multiplier;
    }

    void start_search(std::uint32_t id);  // at a family's first assignment
    void found(std::uint32_t id);         // a search ended
    void place_ended();                   // a place came free
    void closed(Family& f);               // the case closed: its search or wait ends

private:
    void release_coordinator();
    void start_care(std::uint32_t id);

    const scenario::CareSpec& spec_;
    Families& families_;
    Context ctx_;
    Started started_;
    bool on_;
    kernel::Engine rng_;
    kernel::Distribution search_, stay_;
    std::int64_t coordinator_slots_ = 0, coordinators_busy_ = 0;
    double search_multiplier_ = 1.0;
    Fifo<QueueEntry> coordinator_queue_;
    Fifo<QueueEntry> place_queue_;
    std::int64_t places_in_use_ = 0;
};

}  // namespace caseload::model::detail
