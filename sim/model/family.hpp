#pragma once
// The families of one run: their records, reused slots and case tokens. The
// layer every mechanism of the model shares; it holds data, no rules.

#include "caseload/kernel/calendar.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace caseload::model::detail {

using kernel::Time;

inline constexpr std::int32_t kNoWorker = -1;
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

struct Family {
    Time referred_at = 0.0;
    double work = 0.0;        // remaining work, in days at the reference caseload (while waiting)
    double speed = 1.0;       // work per day with the current worker
    Time closure_at = 0.0;    // while assigned
    Time unassigned_since = 0.0;
    Time contacted_at = 0.0;  // last interim contact, or joining the waitlist
    double days_without_worker = 0.0;
    double weight = 1.0;
    std::uint64_t queue_seq = 0;  // order of joining the waitlist
    std::uint32_t token = 0;      // identifies this case (family slots are reused)
    std::uint32_t queue_token = 0;
    kernel::EventHandle closure;
    kernel::EventHandle care_event;
    kernel::EventHandle escalate_event;
    kernel::EventHandle leave_event;  // leaving the waitlist before a first worker
    double leave_after = 0.0;         // days from referral until it would leave the waitlist (inf = never)
    std::int32_t worker = kNoWorker;
    std::uint32_t prev = kNone;  // the worker's families: a doubly linked list through the records
    std::uint32_t next = kNone;
    std::uint16_t type = 0;
    std::uint16_t worker_changes = 0;
    std::uint16_t period = 0;  // the reporting period of its referral (families referred in the window)
    std::uint16_t children = 1;
    std::uint16_t team = 0;  // the team it waits for (and is helped by)
    bool urgent = false;
    bool in_cohort = false;  // referred after warm-up: counts for time-to-help
    bool helped = false;     // has had a first assignment
    bool active = false;
    bool needs_care = false;
    bool care_waiting = false;  // in the queue for a provider place
    bool placed = false;
    bool psychiatry = false;        // parental psychiatric problems (spv_first_visit)
    bool domestic_violence = false; // (early_uvo)
    bool dv_early = false;          // referred after an early_uvo start: fewer repeats
    bool coordinated = false;       // its care search holds a coordinator's slot
    bool coordinator_waiting = false;
};

// A family in a queue, as it was when it joined (stale once the family's
// token moves on).
struct QueueEntry {
    std::uint32_t family;
    std::uint32_t token;
};

class Families {
public:
    void reserve(std::size_t n) { records_.reserve(n); }

    // A fresh record for a new case.
    std::uint32_t add() {
        std::uint32_t id;
        if (!free_.empty()) {
            id = free_.back();
            free_.pop_back();
            records_[id] = Family{};
        } else {
            id = static_cast<std::uint32_t>(records_.size());
            records_.emplace_back();
        }
        records_[id].active = true;
        records_[id].token = ++token_counter_;
        return id;
    }
    // The case closed: its slot may be reused.
    void release(std::uint32_t id) {
        records_[id].active = false;
        free_.push_back(id);
    }

    Family& operator[](std::uint32_t id) { return records_[id]; }
    const Family& operator[](std::uint32_t id) const { return records_[id]; }
    [[nodiscard]] const std::vector<Family>& all() const { return records_; }

private:
    std::vector<Family> records_;
    std::vector<std::uint32_t> free_;
    std::uint32_t token_counter_ = 0;
};

}  // namespace caseload::model::detail
