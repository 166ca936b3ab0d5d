#pragma once
// The model's event kinds, their names (for traces) and same-instant
// priorities: one table, so a new kind cannot miss its name.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace caseload::model::detail {

enum EventKind : std::uint16_t {
    kReferral,
    kRepeatReferral,
    kClosure,
    kWarmupEnd,
    kTick,
    kDeparture,
    kHire,
    kSickOnset,
    kRecovery,
    kLongSick,
    kCareFound,
    kCareEnd,
    kEscalate,
    kReview,
    kIntervention,
    kSupportLeaves,
    kSupportConverts,
    kLeaveWaiting,
    kLend,
    kEventKinds  // the count; keep last
};

struct EventInfo {
    std::string_view name;  // in `caseload trace`
    // The waitlist's time-average is settled after every event that changed
    // the waitlist's length. Kinds marked here settle it even when the length
    // is unchanged: that splits the integral at the same instants as earlier
    // versions did, so results stay identical to the last bit.
    bool always_settle;
};

inline constexpr std::array<EventInfo, kEventKinds> kEventInfo{{
    {"referral", true},
    {"repeat_referral", true},
    {"closure", true},
    {"warmup_end", false},
    {"tick", true},
    {"departure", true},
    {"hire", true},
    {"sick", false},
    {"recovery", true},
    {"long_sick", true},
    {"care_found", false},
    {"care_end", false},
    {"escalate", false},
    {"review", false},
    {"intervention", true},
    {"support_leaves", false},
    {"support_converts", true},
    {"leave_waiting", false},
    {"lend", false},
}};
static_assert(kEventInfo.back().name == "lend", "kEventInfo follows EventKind");

// The always_settle column on its own, for the run loop (one byte an event kind).
inline constexpr std::array<bool, kEventKinds> kAlwaysSettle = [] {
    std::array<bool, kEventKinds> a{};
    for (std::size_t k = 0; k < kEventKinds; ++k) a[k] = kEventInfo[k].always_settle;
    return a;
}();

// Same-instant order: what frees room or places first, then what takes it
// away, then arrivals, then the warm-up reset and the weekly tick.
inline constexpr std::uint8_t kPrioRelease = 0;
inline constexpr std::uint8_t kPrioLoss = 1;
inline constexpr std::uint8_t kPrioArrival = 2;
inline constexpr std::uint8_t kPrioWarmup = 3;
inline constexpr std::uint8_t kPrioTick = 4;

}  // namespace caseload::model::detail
