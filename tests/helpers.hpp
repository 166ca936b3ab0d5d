#pragma once
// Small scenarios for tests, written as the YAML a user would write, and the
// few helpers many test files share.

#include "caseload/cli/cli.hpp"
#include "caseload/scenario/loader.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// A file's bytes ("" when it cannot be read: the caller's checks then fail).
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct CliResult {
    int code;
    std::string out, err;
};

// The command line `caseload args...`, run in this process.
inline CliResult run_cli(std::vector<std::string> args) {
    args.insert(args.begin(), "caseload");
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = cli::run(int(argv.size()), argv.data(), {out, err, false});
    return {code, out.str(), err.str()};
}

}  // namespace caseload::test
