#include "care.hpp"

#include "caseload/model/model.hpp"
#include "events.hpp"

#include <utility>

namespace caseload::model::detail {

Care::Care(const scenario::Scenario& sc, Families& families, Context ctx, Started started)
    : spec_(sc.care), families_(families), ctx_(ctx), started_(std::move(started)), on_(sc.care.need_share > 0) {
    if (on_) {
        rng_ = ctx.engine(streams::care);
        search_ = kernel::Distribution(spec_.search);
        stay_ = kernel::Distribution(spec_.stay);
    }
}

void Care::start_search(std::uint32_t id) {
    Family& f = families_[id];
    double search = search_(rng_);  // drawn either way: the stream stays aligned
    if (coordinator_slots_ > 0) {
        if (coordinators_busy_ >= coordinator_slots_) {
            f.coordinator_waiting = true;
            coordinator_queue_.push({id, f.token});
            return;
        }
        ++coordinators_busy_;
        f.coordinated = true;
        search *= search_multiplier_;
    }
    f.care_event = ctx_.calendar.schedule(ctx_.now + search, kCareFound, id, kPrioArrival);
}

void Care::release_coordinator() {
    --coordinators_busy_;
    while (!coordinator_queue_.empty() && coordinators_busy_ < coordinator_slots_) {
        const QueueEntry e = coordinator_queue_.pop();
        Family& f = families_[e.family];
        if (!(f.active && f.token == e.token && f.coordinator_waiting)) continue;
        f.coordinator_waiting = false;
        start_search(e.family);
    }
}

void Care::found(std::uint32_t id) {
    Family& f = families_[id];
    if (f.coordinated) {
        f.coordinated = false;
        release_coordinator();
    }
    if (!spec_.places || places_in_use_ < *spec_.places) {
        start_care(id);
    } else {
        f.care_waiting = true;
        place_queue_.push({id, f.token});
    }
}

void Care::start_care(std::uint32_t id) {
    Family& f = families_[id];
    f.care_waiting = false;
    ++places_in_use_;
    ctx_.calendar.schedule(ctx_.now + stay_(rng_), kCareEnd, 0, kPrioRelease);
    started_(id, ctx_.now - f.referred_at);
}

void Care::place_ended() {
    --places_in_use_;
    while (!place_queue_.empty() && (!spec_.places || places_in_use_ < *spec_.places)) {
        const QueueEntry e = place_queue_.pop();
        const Family& f = families_[e.family];
        if (f.active && f.token == e.token && f.care_waiting) start_care(e.family);
    }
}

void Care::closed(Family& f) {
    ctx_.calendar.cancel(f.care_event);  // a search still going ends with the case
    f.care_waiting = false;              // a queued request goes stale
    f.coordinator_waiting = false;
    if (f.coordinated) {
        f.coordinated = false;
        release_coordinator();
    }
}

}  // namespace caseload::model::detail
