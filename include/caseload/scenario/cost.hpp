#pragma once
// What one replication of a scenario costs, estimated before it runs: its
// events and the families it holds at once. The loader refuses scenarios no
// replication of which could finish; the command line adds up the cost of a
// whole run (caseload/experiment/limits.hpp).

#include "caseload/scenario/scenario.hpp"

namespace caseload::scenario {

// Expected events of one replication: referrals (repeats included),
// closures, care starts and ends, sick leave, departures and hires, weekly
// ticks and reviews. An estimate within a factor of two or so (tested).
[[nodiscard]] double expected_events(const Scenario& s);

// The most families one replication holds at once: every place filled, with
// slack, plus a waitlist at its bound (waitlist.max_length).
[[nodiscard]] double peak_families(const Scenario& s);

// One replication of more events than this would run for hours.
inline constexpr double kMaxEventsPerReplication = 2e10;

}  // namespace caseload::scenario
