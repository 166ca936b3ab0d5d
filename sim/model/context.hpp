#pragma once
// What every mechanism of a run shares: the calendar it schedules on, the
// clock it reads, the horizon, and its random streams' origin.

#include "caseload/kernel/calendar.hpp"
#include "caseload/kernel/random.hpp"

#include <cstdint>

namespace caseload::model::detail {

struct Context {
    kernel::Calendar& calendar;
    const kernel::Time& now;
    kernel::Time horizon;
    std::uint64_t seed;
    std::uint32_t replication;

    [[nodiscard]] kernel::Engine engine(std::uint64_t stream) const {
        return kernel::make_engine(seed, replication, stream);
    }
    // Schedule only what happens before the horizon.
    void schedule_before_horizon(kernel::Time at, std::uint16_t kind, std::uint32_t target, std::uint8_t priority) const {
        if (at < horizon) calendar.schedule(at, kind, target, priority);
    }
};

}  // namespace caseload::model::detail
