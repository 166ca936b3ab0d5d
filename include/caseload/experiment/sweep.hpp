#pragma once
// Parameter sweeps: a design over a base scenario, run point by point.
//
// Every point runs with the same seed, so replication r of every point draws
// from the same random streams (common random numbers). A point's result
// depends only on the point, never on the thread, shard or MPI rank that ran
// it, so a sweep gives the same numbers run whole, in shards or resumed.

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/design.hpp"
#include "caseload/model/metrics.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/sweep_file.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace caseload::experiment {

struct Shard {
    std::size_t index = 1;  // 1-based: shard K of N
    std::size_t count = 1;
    // Point p belongs to shard p mod N + 1: interleaved, so every shard gets
    // a share of every region of the design.
    [[nodiscard]] bool contains(std::size_t point) const { return point % count == index - 1; }
    [[nodiscard]] bool whole() const { return count == 1; }
    [[nodiscard]] std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
    // "K/N" with 1 <= K <= N; throws std::invalid_argument with a message for people.
    [[nodiscard]] static Shard parse(const std::string& text);
};

class SweepPlan {
public:
    // Build the design and the base scenario (with the sweep's seed and
    // replications, or these overrides). With `check_points`, every point's
    // scenario is built and validated now, so a value the scenario rules
    // refuse is a ScenarioError at its line in the sweep file before anything runs.
    // Without it, check_points() does that later (after the limits are checked).
    explicit SweepPlan(scenario::SweepSpec spec, std::optional<int> replications = {},
                       std::optional<std::uint64_t> seed = {}, bool check_points = true);

    [[nodiscard]] const scenario::SweepSpec& spec() const { return spec_; }
    // The base scenario as run: the sweep's seed and replications.
    [[nodiscard]] const scenario::Scenario& base() const { return base_run_; }
    [[nodiscard]] const Design& design() const { return design_; }
    [[nodiscard]] std::size_t points() const { return design_.size(); }
    [[nodiscard]] int replications() const { return replications_; }
    [[nodiscard]] std::uint64_t seed() const { return seed_; }
    // Output column of each parameter (its path; durations get "_days").
    [[nodiscard]] const std::vector<std::string>& columns() const { return columns_; }
    [[nodiscard]] std::vector<Level> levels(std::size_t point) const { return design_.point(point); }
    // The scenario of one point. Not for concurrent use.
    [[nodiscard]] scenario::Scenario scenario(std::size_t point) const;
    // Build and validate every point's scenario: a ScenarioError at its line in the sweep file.
    void check_points() const;
    // The base scenario as run (seed and replications of the sweep), as YAML.
    [[nodiscard]] const std::string& base_yaml() const { return base_yaml_; }
    // Identifies the sweep: base scenario, design, seed, replications, metrics.
    [[nodiscard]] const std::string& hash() const { return hash_; }

private:
    scenario::SweepSpec spec_;
    std::unique_ptr<scenario::BaseScenario> base_;
    scenario::Scenario base_run_;
    std::vector<std::map<std::string, scenario::Location>> where_;  // per factor: value -> its line in the sweep file
    Design design_;
    int replications_ = 1;
    std::uint64_t seed_ = 1;
    std::vector<std::string> columns_;
    std::string base_yaml_;
    std::string hash_;
};

// What one point produced: the metrics of each replication, in replication order.
struct PointResult {
    std::size_t point = 0;
    std::vector<std::array<double, model::kMetricCount>> metrics;
    std::vector<std::uint8_t> stopped_at_bound;  // per replication: the waitlist reached its bound
};

// A pool of threads that runs points' replications, one replication per task,
// so a few points keep every thread busy. Points are started in the order
// they are added; memory holds only the points added and not yet collected.
class PointPool {
public:
    // When `stop` is set and turns true, no new replication starts; those
    // running finish, and points they complete are collected as usual.
    explicit PointPool(unsigned threads, const std::atomic<bool>* stop = nullptr);
    PointPool(const PointPool&) = delete;
    PointPool& operator=(const PointPool&) = delete;
    ~PointPool();

    void add(std::size_t point, scenario::Scenario scenario);
    // Finished points (in the order they finished); waits up to `timeout` for
    // one when none is ready. Rethrows an error raised by a replication.
    [[nodiscard]] std::vector<PointResult> collect(std::chrono::milliseconds timeout);
    // Points added and not yet collected.
    [[nodiscard]] std::size_t in_flight() const;
    [[nodiscard]] std::size_t replications_done() const;
    // Replications being computed now.
    [[nodiscard]] std::size_t running() const;
    [[nodiscard]] unsigned threads() const { return unsigned(workers_.size()); }

private:
    struct Active;
    void work();

    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable result_ready_;
    std::deque<std::unique_ptr<Active>> active_;
    std::vector<PointResult> finished_;
    std::exception_ptr error_;
    std::size_t replications_done_ = 0;
    std::size_t running_ = 0;
    const std::atomic<bool>* stop_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

struct SweepRunOptions {
    unsigned threads = 0;  // 0 = all hardware threads
    // Called on the calling thread a few times a second: (replications done, replications in all).
    std::function<void(std::size_t, std::size_t)> on_progress;
    // When set and it turns true (e.g. on Ctrl-C), no new point or replication
    // starts; those running finish, points they complete go to the sink, and
    // the points not finished are left for a --resume.
    const std::atomic<bool>* stop = nullptr;
};

// Called on the calling thread for each finished point, in the order they finish.
using PointSink = std::function<void(const PointResult&)>;

// Run `points` (indices into the plan's design) on this machine's threads.
// False when it was stopped (SweepRunOptions::stop) before every point ran.
[[nodiscard]] bool run_points(const SweepPlan& plan, const std::vector<std::size_t>& points, const SweepRunOptions& options,
                const PointSink& sink);

// The summary of one point (means with intervals, stability), as for a run.
[[nodiscard]] Summary summarize_point(const scenario::Scenario& scenario, const PointResult& result);

}  // namespace caseload::experiment
