#pragma once
// Sweeps across machines with MPI (an optional build: CMake option
// CASELOAD_MPI). Under `mpirun -n N caseload sweep FILE`, rank 0 is the
// manager: it hands design points out to every rank, itself included, as they
// ask for more (a few ahead, so no rank waits), receives each finished point
// and writes it, exactly as a single process would. Results are identical to
// a single-process run whatever the number of ranks.
//
// Messages (MPI only, nothing of our own on the network):
//   worker -> manager  request  (how many points it can hold)
//   manager -> worker  assign   (point indices)      | stop (no more points)
//   worker -> manager  result   (the point's metrics per replication, as doubles)

#include "caseload/experiment/sweep.hpp"

#include <cstddef>
#include <vector>

namespace caseload::experiment {

// True when this program was built with MPI.
[[nodiscard]] bool mpi_built();
// True when an MPI launcher (mpirun, srun) started this process, judged by
// the environment it sets; `size` gets the number of processes when known.
[[nodiscard]] bool mpi_launched(int* size = nullptr);

class MpiContext {
public:
    MpiContext();   // initialises MPI; throws std::runtime_error when built without it
    MpiContext(const MpiContext&) = delete;
    MpiContext& operator=(const MpiContext&) = delete;
    ~MpiContext();  // finalises MPI

    [[nodiscard]] int rank() const { return rank_; }
    [[nodiscard]] int size() const { return size_; }
    [[nodiscard]] bool manager() const { return rank_ == 0; }
    // Collective: true when every rank passes true.
    [[nodiscard]] bool all(bool ok) const;
    // Collective: the manager's `ok`, on every rank.
    [[nodiscard]] bool from_manager(bool ok) const;
    // End every rank at once (after an error that leaves the others waiting).
    [[noreturn]] void abort(int code) const;

private:
    int rank_ = 0;
    int size_ = 1;
};

struct MpiRunStats {
    std::vector<std::size_t> points_per_rank;  // manager only
    bool complete = true;                      // manager only: false when stopped before every point ran
};

// Collective. On the manager, runs `points` over all ranks and calls `sink`
// (on the calling thread) for every finished point; other ranks ignore
// `points` and `sink` and compute what the manager sends them. `options.threads`
// is the number of threads per rank. `options.stop` counts on the manager
// only: once it turns true, no point is handed out, the points the workers
// hold are finished and received, and every rank returns.
MpiRunStats run_points_mpi(const MpiContext& ctx, const SweepPlan& plan, const std::vector<std::size_t>& points,
                           const SweepRunOptions& options, const PointSink& sink);

}  // namespace caseload::experiment
