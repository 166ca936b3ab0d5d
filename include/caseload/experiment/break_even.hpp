#pragma once
// A break-even question as `caseload solve` asks it, turned into a search
// (solve.hpp): a scenario file, the whole-number parameter to vary (extra
// FTE from day 0, or any dotted path of the file), a metric by name and a
// target that is a number or another scenario file (then compared
// replication by replication, with common random numbers).

#include "caseload/experiment/solve.hpp"
#include "caseload/model/metrics.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace caseload::experiment {

struct BreakEvenQuestion {
    std::string file;                // the scenario searched
    std::string vary = "extra_fte";  // or a dotted path of `file`, as in sweep files
    long from = 0, to = 0;           // search range, inclusive
    std::string metric = "waitlist_mean";
    bool at_most = true;             // metric <= target (else >=)
    std::string target;              // a number, or a scenario file
    std::optional<int> replications;  // command-line overrides of the file's
    std::optional<std::uint64_t> seed;
    unsigned threads = 0;
    bool allow_large = false;              // skip the limits of events and memory of each run
    std::atomic<bool>* stop = nullptr;     // set (Ctrl-C, SIGTERM): the search ends with Interrupted
};

struct BreakEvenSearch {
    BreakEvenQuestion question;
    SolveSpec spec;                            // ready for solve()
    const model::MetricInfo* metric = nullptr;
    std::string scenario;                      // the name of the scenario searched
    int replications = 0;                      // per value tried
    std::uint64_t seed = 0;
    std::string target_text;                   // the number, or "<name>'s, paired by replication"
};

// Checks the question (a UsageError names what is wrong, a ScenarioError a
// bad file, or a run over the limits at either end of the range or of the
// target, unless allow_large) and prepares the search; a target scenario is
// run now.
[[nodiscard]] BreakEvenSearch prepare_break_even(const BreakEvenQuestion& question);

}  // namespace caseload::experiment
