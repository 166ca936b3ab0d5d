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
        if (sequence_ >= kMaxSequence) throw std::length_error("event calendar: sequence exhausted");
        if (priority >= kPriorities) throw std::invalid_argument("event calendar: priority must be below 16");
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
        timers_.push_back(Timer{kInfinity, 0, kind, priority, target});
        return static_cast<TimerId>(timers_.size() - 1);
    }
    // Set (or move) the timer's single pending event to `time`.
    void set_timer(TimerId id, Time time) {
        time = checked_time(time);
        Timer& t = timers_[id];
        if (sequence_ >= kMaxSequence) throw std::length_error("event calendar: sequence exhausted");
        if (t.time == kInfinity) ++live_;
        t.time = time;
        t.key = (std::uint64_t{t.priority} << 60) | (sequence_++ << 24);
    }
    void clear_timer(TimerId id) {
        if (timers_[id].time != kInfinity) --live_;
        timers_[id].time = kInfinity;
    }
    [[nodiscard]] bool timer_pending(TimerId id) const { return timers_[id].time != kInfinity; }

    [[nodiscard]] bool empty() const { return live_ == 0; }
    [[nodiscard]] std::size_t size() const { return live_; }
    [[nodiscard]] Time next_time() const {
        Time t = heap_.empty() ? kInfinity : heap_.front().time;
        for (const Timer& timer : timers_) t = timer.time < t ? timer.time : t;
        return t;
    }

    // Pop the earliest event if it is strictly before `until`.
    bool pop_before(Time until, Event& out) {
        // The earliest timer, if any comes before the heap's top.
        std::size_t best = timers_.size();
        for (std::size_t i = 0; i < timers_.size(); ++i) {
            const Timer& t = timers_[i];
            if (t.time != kInfinity && (best == timers_.size() || before(t.time, t.key, timers_[best].time, timers_[best].key)))
                best = i;
        }
        if (best != timers_.size() &&
            (heap_.empty() || before(timers_[best].time, timers_[best].key, heap_.front().time, heap_.front().key))) {
            Timer& t = timers_[best];
            if (!(t.time < until)) return false;
            out = Event{t.time, t.kind, t.priority, t.target};
            t.time = kInfinity;
            --live_;
            return true;
        }
        if (heap_.empty() || !(heap_.front().time < until)) return false;
        const Entry top = heap_.front();
        const std::uint32_t slot = slot_of(top);
        const Slot& s = slots_[slot];
        out = Event{top.time, s.kind, s.priority, s.target};
        pop_top();
        release(slot);
        --live_;
        drop_stale_top();
        return true;
    }

    void clear() {
        heap_.clear();
        slots_.clear();
        timers_.clear();
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

    struct Timer {
        Time time;          // kInfinity when not set
        std::uint64_t key;  // as an Entry's, without a slot
        std::uint16_t kind;
        std::uint8_t priority;
        std::uint32_t target;
    };

    static bool before(Time ta, std::uint64_t ka, Time tb, std::uint64_t kb) {
        return before(Entry{ta, ka}, Entry{tb, kb});
    }

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
    __extension__ using u128 = unsigned __int128;
    static u128 order(const Entry& e) {
        std::uint64_t bits;
        std::memcpy(&bits, &e.time, sizeof bits);
        return (u128{bits} << 64) | e.key;
    }
    static bool before(const Entry& a, const Entry& b) { return order(a) < order(b); }

    [[nodiscard]] bool stale(const Entry& e) const {
        const Slot& s = slots_[slot_of(e)];
        return !s.live || s.sequence != sequence_of(e);
    }

    void drop_stale_top() {
        while (!heap_.empty() && stale(heap_.front())) pop_top();
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

    // Remove the root: move the last entry into the hole and sift it down.
    void pop_top() {
        const Entry last = heap_.back();
        heap_.pop_back();
        const std::size_t n = heap_.size();
        if (n == 0) return;
        std::size_t pos = 0;
        for (;;) {
            const std::size_t first = kArity * pos + 1;
            if (first >= n) break;
            std::size_t best = first;
            if (first + kArity <= n) {
                // all four children: a branch-free tournament
                const std::size_t a = before(heap_[first + 1], heap_[first]) ? first + 1 : first;
                const std::size_t b = before(heap_[first + 3], heap_[first + 2]) ? first + 3 : first + 2;
                best = before(heap_[b], heap_[a]) ? b : a;
            } else {
                for (std::size_t c = first + 1; c < n; ++c)
                    if (before(heap_[c], heap_[best])) best = c;
            }
            if (!before(heap_[best], last)) break;
            heap_[pos] = heap_[best];
            pos = best;
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
    std::uint32_t free_head_ = kNone;
    std::uint64_t sequence_ = 0;
    std::size_t live_ = 0;
};

}  // namespace caseload::kernel
