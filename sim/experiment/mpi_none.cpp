// The MPI layer of a build without MPI: sweeps run in one process (use
// --shard and `caseload merge` to spread them over machines).

#include "caseload/experiment/mpi.hpp"

#include <cstdlib>
#include <stdexcept>

namespace caseload::experiment {

bool mpi_built() { return false; }

bool mpi_launched(int* size) {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
        if (const char* v = std::getenv(var)) {
            if (size) *size = std::atoi(v);
            return true;
        }
    return false;
}

MpiContext::MpiContext() {
    throw std::runtime_error("this caseload was built without MPI; rebuild with -DCASELOAD_MPI=ON, or run shards "
                             "with --shard K/N and combine them with 'caseload merge'");
}

MpiContext::~MpiContext() = default;
bool MpiContext::all(bool ok) const { return ok; }
bool MpiContext::from_manager(bool ok) const { return ok; }
void MpiContext::abort(int code) const { std::exit(code); }

MpiRunStats run_points_mpi(const MpiContext&, const SweepPlan&, const std::vector<std::size_t>&, const SweepRunOptions&,
                           const PointSink&) {
    throw std::runtime_error("this caseload was built without MPI");
}

}  // namespace caseload::experiment
