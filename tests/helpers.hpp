#pragma once
// Small scenarios for tests, written as the YAML a user would write.

#include "caseload/scenario/loader.hpp"

#include <cstdio>
#include <cstring>
#include <string>

namespace caseload::test {

// An M/M/c queue: c = workers x norm servers, exponential case lengths with
// mean `mean_days`, utilisation `rho`.
inline scenario::Scenario mmc(int workers, double norm, double rho, double mean_days, double horizon_days,
                              double warmup_days, int replications, std::uint64_t seed = 1,
                              const std::string& discipline = "fifo", double urgent_share = 0.0) {
    const double c = workers * norm;
    const double rate_per_week = rho * c / mean_days * 7.0;
    char buf[1024];
    std::snprintf(buf, sizeof buf,
                  "name: mmc\nhorizon: %.17gd\nwarmup: %.17gd\nreplications: %d\nseed: %llu\n"
                  "referrals:\n  rate_per_week: %.17g\n  urgent_share: %.17g\n  types:\n"
                  "    ots: {share: 1.0, length: {distribution: exponential, mean: %.17gd}, weight: 1}\n"
                  "workforce: {workers: %d, fte: 1.0, caseload_norm: %.17g}\n"
                  "waitlist: {discipline: %s}\n",
                  horizon_days, warmup_days, replications, static_cast<unsigned long long>(seed), rate_per_week,
                  urgent_share, mean_days, workers, norm, discipline.c_str());
    return scenario::parse_scenario(buf, "mmc.yaml");
}

// Bit-for-bit equality of metric arrays (NaN equals NaN: "identical").
template <class A>
bool identical(const A& a, const A& b) {
    return std::memcmp(a.data(), b.data(), sizeof(a[0]) * a.size()) == 0;
}

}  // namespace caseload::test
