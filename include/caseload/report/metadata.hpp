#pragma once
// What a results folder holds besides the report: the CSV files of a run or
// comparison, the resolved scenarios (every default spelled out) and
// metadata.json (tool, version, command, seed, scenario hash, how it ran), so
// a result can be traced and reproduced. metadata.json is indented JSON, a
// member per line at the top ("ranks": 2,), numbers that read back exactly.

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/sweep.hpp"
#include "caseload/report/output.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace caseload::report {

// The program's version, as metadata.json and `caseload --version` give it.
[[nodiscard]] const char* version();

// A name made safe for a folder or file: letters, digits, '-' and '_'; at
// most 60 characters; "scenario" when empty.
[[nodiscard]] std::string slug(const std::string& name);

// Where the i-th resolved scenario of n is saved in a results folder.
[[nodiscard]] std::string resolved_name(std::size_t i, std::size_t n, const scenario::Scenario& s);

// summary.csv, replications.csv, timeseries.csv, periods.csv and its
// summary, the time-to-help distribution, checks.csv and the resolved
// scenarios (`yamls`, one per result). `periods`, when given, holds
// periods.csv written during the run (in dir.staging()): it is committed.
void write_results(ResultsDir& dir, const std::vector<experiment::ExperimentResult>& results,
                   const std::vector<experiment::Summary>& summaries, const std::vector<std::string>& yamls,
                   PeriodsCsv* periods = nullptr);

// metadata.json of `caseload run` and `caseload compare`.
[[nodiscard]] std::string run_metadata_json(const std::string& command, const std::string& title,
                                            const std::vector<experiment::ExperimentResult>& results,
                                            const std::vector<std::string>& yamls, unsigned threads,
                                            double wall_seconds, const std::string& start_state = {});

// How a sweep (or a shard of it) ran, for its metadata.json.
struct SweepRun {
    std::size_t points_run = 0;      // by this run
    std::size_t points_resumed = 0;  // done by an earlier, stopped run
    unsigned threads_per_rank = 0;
    int ranks = 1;
    std::vector<std::size_t> points_per_rank;
    double wall_seconds = 0;
};
[[nodiscard]] std::string sweep_metadata_json(const experiment::SweepPlan& plan, const experiment::Shard& shard,
                                              const SweepRun& run);

// metadata.json of `caseload merge`: the shard folders as given.
[[nodiscard]] std::string merge_metadata_json(const std::vector<std::string>& shard_dirs);

}  // namespace caseload::report
