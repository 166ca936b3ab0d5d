#pragma once
// Event calendar: a binary heap of small event records ordered by
// (time, priority, insertion sequence). Knows nothing of the model: an event
// is a kind and a target index that the model interprets in a switch.
//
// - Equal times: lower priority value first, then insertion order, so a run
//   is fully deterministic.
// - No allocation per event: records live in a slot pool with a free list;
//   the pool and the heap grow geometrically and are reused.
// - schedule() returns a handle that cancel() accepts; a handle whose event
//   already fired or was cancelled is detected (generation counter) and
//   cancel() returns false instead of touching another event. Cancellation is
//   lazy: the heap entry stays until it reaches the top and is skipped.
// - pop_before(until) stops before events at exactly `until`.
// - Timers: a process that never has more than one event pending (an arrival
//   stream, a periodic sample) can hold a timer instead of heap entries.
//   A timer is set, fires once, and is set again; it is ordered with the heap
//   events by the same (time, priority, sequence) rule, so using one changes
//   no result, only the cost (half the events of a queueing model skip the
//   heap).
// - Costs: an entry is one 128-bit key (time bits, then priority, sequence
//   and slot), compared in one subtraction. pop_before removes the root
//   bottom-up (the hole sinks along the smaller children to a leaf, then the
//   last entry rises into it: one comparison a level fewer than a classic
//   sift-down), checks for cancelled entries only while some are in the heap,
//   and compares the heap's top with the earliest timer, which is kept up to
//   date when timers change rather than searched for at every pop.

#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace caseload::kernel {

using Time = double;  // days since the start of the run

// A scheduled event's name: its insertion sequence (36 bits) and slot (24
// bits) in one word, so model records that keep handles stay small.
struct EventHandle {
    std::uint64_t id = std::numeric_limits<std::uint64_t>::max();
    [[nodiscard]] bool valid() const { return id != std::numeric_limits<std::uint64_t>::max(); }
    [[nodiscard]] std::uint32_t slot() const { return static_cast<std::uint32_t>(id & 0xFFFFFFu); }
    [[nodiscard]] std::uint64_t sequence() const { return id >> 24; }
};

struct Event {
    Time time = 0.0;
    std::uint16_t kind = 0;
    std::uint8_t priority = 0;
    std::uint32_t target = 0;
};

using TimerId = std::uint32_t;

class Calendar {
public:
    static constexpr unsigned kPriorities = 16;  // priority values 0..15
    static constexpr std::size_t kMaxPending = std::size_t{1} << 24;

    Calendar() = default;
    explicit Calendar(std::size_t expected_events) { reserve(expected_events); }

    void reserve(std::size_t n) {
        heap_.reserve(n);
        slots_.reserve(n);
    }

    // Schedule an event; `priority` (0..15) orders events at the same time,
    // lower first. Throws std::length_error beyond 2^24 pending events or
    // 2^36 events in one calendar's life.
    EventHandle schedule(Time time, std::uint16_t kind, std::uint32_t target, std::uint8_t priority = 0) {
        time = checked_time(time);
        std::uint32_t slot;
        if (free_head_ != kNone) {
            slot = free_head_;
            free_head_ = slots_[slot].next_free;
        } else {
            if (slots_.size() >= kMaxPending) throw std::length_error("event calendar: too many pending events");
            slot = static_cast<std::uint32_t>(slots_.size());
            slots_.push_back(Slot{});
        }
        if (sequence_ >= kMaxSequence || priority >= kPriorities) [[unlikely]] {
            release(slot);
            if (priority >= kPriorities) throw std::invalid_argument("event calendar: priority must be below 16");
            throw std::length_error("event calendar: sequence exhausted");
        }
        const std::uint64_t seq = sequence_++;
        Slot& s = slots_[slot];
        s.kind = kind;
        s.target = target;
        s.priority = priority;
        s.sequence = seq;
        s.live = true;
        const std::uint64_t key = (std::uint64_t{priority} << 60) | (seq << 24) | slot;
        heap_.push_back(Entry{time, key});
        sift_up(heap_.size() - 1);
        ++live_;
        return EventHandle{(seq << 24) | slot};
    }

    // Remove a pending event. Returns false when the handle is stale (the event
    // already fired or was cancelled). The heap entry stays behind and is
    // dropped when it reaches the top (lazy deletion).
    bool cancel(EventHandle h) {
        if (!pending(h)) return false;
        release(h.slot());
        --live_;
        ++stale_;
        drop_stale_top();
        return true;
    }

    [[nodiscard]] bool pending(EventHandle h) const {
        return h.valid() && h.slot() < slots_.size() && slots_[h.slot()].live &&
               slots_[h.slot()].sequence == h.sequence();
    }

    // A timer for events of `kind` and `priority` (unset until set_timer).
    TimerId add_timer(std::uint16_t kind, std::uint8_t priority = 0, std::uint32_t target = 0) {
        if (priority >= kPriorities) throw std::invalid_argument("event calendar: priority must be below 16");
        timers_.push_back(Timer{kUnset, kind, priority, target});
        return static_cast<TimerId>(timers_.size() - 1);
    }
    // Set (or move) the timer's single pending event to `time`.
    void set_timer(TimerId id, Time time) {
        time = checked_time(time);
        if (sequence_ >= kMaxSequence) throw std::length_error("event calendar: sequence exhausted");
        Timer& t = timers_[id];
        const bool was_set = t.order != kUnset;
        if (time == kInfinity) {  // never fires: the same as not set
            if (was_set) clear_timer(id);
            return;
        }
        if (!was_set) ++live_;
        t.order = order(Entry{time, (std::uint64_t{t.priority} << 60) | (sequence_++ << 24)});
        if (t.order < next_timer_order_) {
            next_timer_ = id;
            next_timer_order_ = t.order;
        } else if (id == next_timer_) {
            find_next_timer();  // the earliest timer moved later
        }
    }
    void clear_timer(TimerId id) {
        if (timers_[id].order == kUnset) return;
        --live_;
        timers_[id].order = kUnset;
        if (id == next_timer_) find_next_timer();
    }
    [[nodiscard]] bool timer_pending(TimerId id) const { return timers_[id].order != kUnset; }

    [[nodiscard]] bool empty() const { return live_ == 0; }
    [[nodiscard]] std::size_t size() const { return live_; }
    [[nodiscard]] Time next_time() const {
        const Time t = heap_.empty() ? kInfinity : heap_.front().time;
        const Time timer = time_of(next_timer_order_);
        return timer < t ? timer : t;
    }

    // Pop the earliest event if it is strictly before `until`.
    bool pop_before(Time until, Event& out) {
        if (next_timer_order_ != kUnset && (heap_.empty() || next_timer_order_ < order(heap_.front()))) {
            const Time time = time_of(next_timer_order_);
            if (!(time < until)) return false;
            Timer& t = timers_[next_timer_];
            out = Event{time, t.kind, t.priority, t.target};
            t.order = kUnset;
            --live_;
            find_next_timer();
            return true;
        }
        if (heap_.empty() || !(heap_.front().time < until)) return false;
        const Entry top = heap_.front();
        const std::uint32_t slot = slot_of(top);
        const Slot& s = slots_[slot];
        out = Event{top.time, s.kind, s.priority, s.target};
        release(slot);
        --live_;
        pop_top();
        drop_stale_top();
        return true;
    }

    void clear() {
        heap_.clear();
        slots_.clear();
        timers_.clear();
        next_timer_ = 0;
        next_timer_order_ = kUnset;
        stale_ = 0;
        free_head_ = kNone;
        sequence_ = 0;
        live_ = 0;
    }

private:
    static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::uint64_t kMaxSequence = std::uint64_t{1} << 36;
    static constexpr std::size_t kArity = 4;  // a 4-ary heap: half the depth of a binary one
    static constexpr Time kInfinity = std::numeric_limits<Time>::infinity();

    // 16 bytes: the time, then one integer that orders ties and names the slot:
    // priority (4 bits) | insertion sequence (36 bits) | slot (24 bits).
    struct Entry {
        Time time;
        std::uint64_t key;
    };
    struct Slot {
        std::uint64_t sequence = 0;  // of the event that holds the slot
        std::uint32_t target = 0;
        std::uint32_t next_free = kNone;
        std::uint16_t kind = 0;
        std::uint8_t priority = 0;
        bool live = false;
    };

    __extension__ using u128 = unsigned __int128;
    static constexpr u128 kUnset = ~u128{0};  // above the order of any event

    struct Timer {
        u128 order;  // as an Entry's (with slot 0), or kUnset
        std::uint16_t kind;
        std::uint8_t priority;
        std::uint32_t target;
    };

    // Times are non-negative and not NaN (the bit-pattern ordering relies on
    // it); -0.0 becomes +0.0.
    static Time checked_time(Time t) {
        if (!(t >= 0.0)) throw std::invalid_argument("event calendar: event time must be >= 0");
        return t + 0.0;
    }

    static std::uint32_t slot_of(const Entry& e) { return static_cast<std::uint32_t>(e.key & 0xFFFFFFu); }
    static std::uint64_t sequence_of(const Entry& e) { return (e.key >> 24) & (kMaxSequence - 1); }

    // One 128-bit comparison: the bits of a non-negative double order as the
    // double does, so (time bits, key) compares lexicographically without a
    // branch, which matters because comparisons of random times are
    // unpredictable.
    static u128 order(const Entry& e) {
        std::uint64_t bits;
        std::memcpy(&bits, &e.time, sizeof bits);
        return (u128{bits} << 64) | e.key;
    }
    static bool before(const Entry& a, const Entry& b) { return order(a) < order(b); }
    static Time time_of(u128 o) {
        if (o == kUnset) return kInfinity;
        const auto bits = static_cast<std::uint64_t>(o >> 64);
        Time t;
        std::memcpy(&t, &bits, sizeof t);
        return t;
    }

    // The earliest set timer (ties cannot happen: sequences are unique).
    void find_next_timer() {
        TimerId best = 0;
        u128 best_order = kUnset;
        const Timer* t = timers_.data();
        const auto n = static_cast<TimerId>(timers_.size());
        for (TimerId i = 0; i < n; ++i) {
            const bool earlier = t[i].order < best_order;
            best = earlier ? i : best;
            best_order = earlier ? t[i].order : best_order;
        }
        next_timer_ = best;
        next_timer_order_ = best_order;
    }

    [[nodiscard]] bool stale(const Entry& e) const {
        const Slot& s = slots_[slot_of(e)];
        return !s.live || s.sequence != sequence_of(e);
    }

    // Cancelled entries that reach the top leave; `stale_` counts those
    // still in the heap, so a run that never cancels never looks.
    void drop_stale_top() {
        while (stale_ != 0 && !heap_.empty() && stale(heap_.front())) {
            pop_top();
            --stale_;
        }
    }

    void sift_up(std::size_t pos) {
        const Entry e = heap_[pos];
        while (pos > 0) {
            const std::size_t parent = (pos - 1) / kArity;
            if (!before(e, heap_[parent])) break;
            heap_[pos] = heap_[parent];
            pos = parent;
        }
        heap_[pos] = e;
    }

    // Remove the root. The hole sinks to a leaf along the smaller child (no
    // comparison with the entry that will fill it), then the last entry
    // rises from there: it came from the bottom, so it seldom rises far.
    void pop_top() {
        const Entry last = heap_.back();
        heap_.pop_back();
        const std::size_t n = heap_.size();
        if (n == 0) return;
        std::size_t pos = 0;
        for (;;) {
            const std::size_t first = kArity * pos + 1;
            std::size_t best = first;
            if (first + kArity <= n) {
                // all four children: a branch-free tournament
                const std::size_t a = before(heap_[first + 1], heap_[first]) ? first + 1 : first;
                const std::size_t b = before(heap_[first + 3], heap_[first + 2]) ? first + 3 : first + 2;
                best = before(heap_[b], heap_[a]) ? b : a;
            } else {
                if (first >= n) break;
                for (std::size_t c = first + 1; c < n; ++c)
                    if (before(heap_[c], heap_[best])) best = c;
            }
            heap_[pos] = heap_[best];
            pos = best;
        }
        while (pos > 0) {
            const std::size_t parent = (pos - 1) / kArity;
            if (!before(last, heap_[parent])) break;
            heap_[pos] = heap_[parent];
            pos = parent;
        }
        heap_[pos] = last;
    }

    void release(std::uint32_t slot) {
        Slot& s = slots_[slot];
        s.live = false;
        s.next_free = free_head_;
        free_head_ = slot;
    }

    std::vector<Entry> heap_;
    std::vector<Slot> slots_;
    std::vector<Timer> timers_;
    TimerId next_timer_ = 0;           // the earliest set timer, when next_timer_order_ != kUnset
    u128 next_timer_order_ = kUnset;   // its order
    std::size_t stale_ = 0;            // cancelled entries still in the heap
    std::uint32_t free_head_ = kNone;
    std::uint64_t sequence_ = 0;
    std::size_t live_ = 0;
};

}  // namespace caseload::kernel
