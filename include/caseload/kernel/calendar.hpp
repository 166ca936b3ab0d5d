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
// - run_until(t) style loops stop before events at exactly t: next_time() <
//   until is the caller's test (see Calendar::pop_before).

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace caseload::kernel {

using Time = double;  // days since the start of the run

struct EventHandle {
    std::uint32_t slot = std::numeric_limits<std::uint32_t>::max();
    std::uint64_t sequence = 0;
    [[nodiscard]] bool valid() const { return slot != std::numeric_limits<std::uint32_t>::max(); }
};

struct Event {
    Time time = 0.0;
    std::uint16_t kind = 0;
    std::uint8_t priority = 0;
    std::uint32_t target = 0;
};

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
        return EventHandle{slot, seq};
    }

    // Remove a pending event. Returns false when the handle is stale (the event
    // already fired or was cancelled). The heap entry stays behind and is
    // dropped when it reaches the top (lazy deletion).
    bool cancel(EventHandle h) {
        if (!pending(h)) return false;
        release(h.slot);
        --live_;
        drop_stale_top();
        return true;
    }

    [[nodiscard]] bool pending(EventHandle h) const {
        return h.valid() && h.slot < slots_.size() && slots_[h.slot].live && slots_[h.slot].sequence == h.sequence;
    }

    [[nodiscard]] bool empty() const { return live_ == 0; }
    [[nodiscard]] std::size_t size() const { return live_; }
    [[nodiscard]] Time next_time() const {
        return heap_.empty() ? std::numeric_limits<Time>::infinity() : heap_.front().time;
    }

    // Pop the earliest event if it is strictly before `until`.
    bool pop_before(Time until, Event& out) {
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
        free_head_ = kNone;
        sequence_ = 0;
        live_ = 0;
    }

private:
    static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::uint64_t kMaxSequence = std::uint64_t{1} << 36;
    static constexpr std::size_t kArity = 4;  // a 4-ary heap: half the depth of a binary one

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

    static std::uint32_t slot_of(const Entry& e) { return static_cast<std::uint32_t>(e.key & 0xFFFFFFu); }
    static std::uint64_t sequence_of(const Entry& e) { return (e.key >> 24) & (kMaxSequence - 1); }

    static bool before(const Entry& a, const Entry& b) {
        return a.time < b.time || (a.time == b.time && a.key < b.key);
    }

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
            const std::size_t end = first + kArity < n ? first + kArity : n;
            for (std::size_t c = first + 1; c < end; ++c)
                if (before(heap_[c], heap_[best])) best = c;
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
    std::uint32_t free_head_ = kNone;
    std::uint64_t sequence_ = 0;
    std::size_t live_ = 0;
};

}  // namespace caseload::kernel
