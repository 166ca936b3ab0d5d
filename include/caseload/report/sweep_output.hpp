#pragma once
// Sweep results on disk, streamed so memory stays flat in the number of points.
//
// While a sweep runs, its folder is built under a hidden name beside the
// final one (.<name>.sweep-partial) and every finished point is written there
// as its own small file (atomically: temporary name, fsync, rename). A sweep
// that is stopped or killed loses only the points in flight; run again with
// --resume it skips the points already written. When all points are in, the
// point files are assembled, in point order, into the outputs and the folder
// is renamed into place. Merging shard folders assembles the same way, so a
// sweep gives the same bytes run whole, sharded and merged, or resumed.
//
// Files of a sweep folder (columns are documented in the README):
//   sweep.csv        point,replication,<parameters>,metric,value
//   summary.csv      point,<parameters>,metric,mean,ci_low,ci_high,sd,p10,p90,replications,unit,unstable
//   sensitivity.csv  metric,rank,parameter,r2_drop,std_coefficient,coefficient,std_error,r_squared,points
//   metamodel.csv    metric,term,coefficient,std_coefficient,std_error,r_squared,adj_r_squared,points,note
//   design.csv       point,<parameters>     (every point of the design)
//   manifest.csv     key,value              (what identifies the sweep and the shard)
//   scenario.yaml    the base scenario as run; sweep.yaml the sweep file as given
//   metadata.json    version, command, threads, ranks, wall time
// The sensitivity files are written when the folder holds every point (a
// whole sweep, or a merge), not for a single shard.

#include "caseload/experiment/sweep.hpp"
#include "caseload/report/output.hpp"
#include "caseload/stats/metamodel.hpp"
#include "caseload/scenario/input_error.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace caseload::report {

// A sweep folder or set of shard folders that cannot be used as asked (bad input).
class SweepInputError : public InputError {
public:
    explicit SweepInputError(const std::string& message) : std::runtime_error(message) {}
};

// One point's text: its long rows, an empty line, its summary rows.
[[nodiscard]] std::string point_fragment(const experiment::SweepPlan& plan, const scenario::Scenario& point_scenario,
                                         const experiment::PointResult& result);

[[nodiscard]] std::string sweep_csv_header(const std::vector<std::string>& columns);
[[nodiscard]] std::string sweep_summary_header(const std::vector<std::string>& columns);
[[nodiscard]] std::string manifest_csv(const experiment::SweepPlan& plan, const experiment::Shard& shard);

[[nodiscard]] stats::Terms to_terms(scenario::MetamodelTerms t);

struct MetricSensitivity {
    std::string metric;
    stats::MetamodelFit fit;
};

struct Assembled {
    std::size_t points = 0;
    bool sensitivity = false;  // computed (the folder holds every point)
    std::vector<MetricSensitivity> metrics;
    // Points whose waitlist keeps growing: their means depend on the
    // horizon, so the metamodel is fitted on the stable points only.
    std::size_t unstable_points = 0;
    std::vector<std::string> text_parameters;  // swept words (fifo, ...): not in the metamodel
};

// The ranked sensitivity table for the terminal.
[[nodiscard]] std::string sensitivity_text(const Assembled& a, const std::string& terms);
[[nodiscard]] std::string sensitivity_csv(const Assembled& a);
[[nodiscard]] std::string metamodel_csv(const Assembled& a);

class SweepFolder {
public:
    enum class Mode {
        fresh,   // the folder must not exist (nor an interrupted run of it)
        force,   // replace the folder or an interrupted run of it
        resume,  // continue an interrupted run; start one when there is none
    };
    SweepFolder(std::filesystem::path dir, const experiment::SweepPlan& plan, experiment::Shard shard, Mode mode);
    SweepFolder(const SweepFolder&) = delete;
    SweepFolder& operator=(const SweepFolder&) = delete;
    ~SweepFolder();

    // --resume of a sweep that had finished: nothing to run or write.
    [[nodiscard]] bool already_complete() const { return already_complete_; }
    // The shard's points still to run, in order.
    [[nodiscard]] const std::vector<std::size_t>& todo() const { return todo_; }
    [[nodiscard]] std::size_t resumed_points() const { return resumed_; }
    [[nodiscard]] std::size_t shard_points() const { return shard_points_; }

    // Record one finished point (atomically, in its own file).
    void write_point(std::size_t point, const std::string& fragment);
    // Assemble the outputs from the point files, write metadata.json and move
    // the folder into place. Returns the sensitivity when the folder holds
    // every point of the design.
    Assembled finish(const std::string& metadata_json);

    [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
    [[nodiscard]] const std::filesystem::path& staging() const { return staging_; }

private:
    void open();
    std::filesystem::path dir_, staging_;
    const experiment::SweepPlan& plan_;
    experiment::Shard shard_;
    Mode mode_;
    int lock_fd_ = -1;
    bool already_complete_ = false;
    bool replace_ = false;    // replace an existing `dir` when done
    bool assembled_ = false;  // an earlier run assembled everything but did not move the folder
    std::vector<std::size_t> todo_;
    std::size_t resumed_ = 0, shard_points_ = 0;
};

// The hidden folder an unfinished sweep into `dir` is built in.
[[nodiscard]] std::filesystem::path sweep_staging(const std::filesystem::path& dir);

// The sweep's name, from a results folder's manifest.csv.
[[nodiscard]] std::string sweep_folder_name(const std::filesystem::path& dir);

struct MergeOutcome {
    std::filesystem::path dir;
    Assembled assembled;
    std::string name;
    std::string terms;
};

// Combine shard folders of one sweep into `out`. Refuses (SweepInputError)
// folders of different sweeps, an unfinished shard, and a set with missing or
// duplicate points, naming them.
[[nodiscard]] MergeOutcome merge_sweeps(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& out,
                                        bool force, const std::string& metadata_json);

}  // namespace caseload::report
