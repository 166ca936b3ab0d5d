// Sweeps over MPI ranks: a manager (rank 0) hands points out as ranks ask for
// them. Only the main thread of each rank calls MPI; the ranks' computing
// threads are a PointPool each. Waiting is done by polling with short sleeps,
// so a rank that waits does not take a core from one that computes.

#include "caseload/experiment/mpi.hpp"

#include "caseload/experiment/runner.hpp"

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

namespace caseload::experiment {

namespace {

enum Tag : int { kRequest = 1, kAssign = 2, kResult = 3, kStop = 4 };

constexpr auto kPoll = std::chrono::milliseconds(1);

void check(int rc, const char* what) {
    if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

// [point, replications, then per replication: the metrics and the stopped flag]
std::vector<double> encode(const PointResult& r) {
    std::vector<double> buf;
    buf.reserve(2 + r.metrics.size() * (model::kMetricCount + 1));
    buf.push_back(double(r.point));
    buf.push_back(double(r.metrics.size()));
    for (std::size_t k = 0; k < r.metrics.size(); ++k) {
        buf.insert(buf.end(), r.metrics[k].begin(), r.metrics[k].end());
        buf.push_back(r.stopped_at_bound[k] ? 1.0 : 0.0);
    }
    return buf;
}

PointResult decode(const std::vector<double>& buf) {
    if (buf.size() < 2) throw std::runtime_error("a malformed result message");
    PointResult r;
    r.point = std::size_t(buf[0]);
    const auto reps = std::size_t(buf[1]);
    if (buf.size() != 2 + reps * (model::kMetricCount + 1)) throw std::runtime_error("a malformed result message");
    r.metrics.resize(reps);
    r.stopped_at_bound.resize(reps);
    std::size_t i = 2;
    for (std::size_t k = 0; k < reps; ++k) {
        for (std::size_t m = 0; m < model::kMetricCount; ++m) r.metrics[k][m] = buf[i++];
        r.stopped_at_bound[k] = buf[i++] != 0.0 ? 1 : 0;
    }
    return r;
}

MpiRunStats manage(const MpiContext& ctx, const SweepPlan& plan, const std::vector<std::size_t>& points,
                   const SweepRunOptions& options, const PointSink& sink) {
    const int size = ctx.size();
    MpiRunStats stats;
    stats.points_per_rank.assign(std::size_t(size), 0);
    std::vector<std::size_t> outstanding(std::size_t(size), 0);
    std::vector<bool> stopped(std::size_t(size), false);
    stopped[0] = true;
    std::size_t next = 0, done = 0;
    const std::size_t total = points.size();
    const std::size_t reps = std::size_t(plan.replications());

    // Give worker `w` up to `n` more points, or stop it when there are none
    // and it holds none. After a stop (Ctrl-C on the manager) no point is
    // handed out: every worker finishes what it holds and is then stopped.
    auto stopping = [&] { return options.stop && options.stop->load(); };
    auto give = [&](int w, std::size_t n) {
        std::vector<std::uint64_t> batch;
        while (batch.size() < n && next < total && !stopping()) batch.push_back(points[next++]);
        if (!batch.empty()) {
            check(MPI_Send(batch.data(), int(batch.size()), MPI_UINT64_T, w, kAssign, MPI_COMM_WORLD), "MPI_Send");
            outstanding[std::size_t(w)] += batch.size();
        } else if (outstanding[std::size_t(w)] == 0 && !stopped[std::size_t(w)]) {
            check(MPI_Send(nullptr, 0, MPI_BYTE, w, kStop, MPI_COMM_WORLD), "MPI_Send");
            stopped[std::size_t(w)] = true;
        }
    };
    auto all_stopped = [&] {
        for (bool s : stopped)
            if (!s) return false;
        return true;
    };

    PointPool pool(resolve_threads(options.threads), options.stop);
    const std::size_t window = pool.threads() + 1;
    std::vector<double> buf;
    bool idle = false;  // stopped, and this rank computes nothing more
    while ((done < total && !idle) || !all_stopped()) {
        // Read before running(): when it is 0 after the stop, nothing more can finish here.
        const bool halt = stopping();
        idle = halt && pool.running() == 0;
        int flag = 0;
        MPI_Status st;
        for (;;) {
            check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), "MPI_Iprobe");
            if (!flag) break;
            const int src = st.MPI_SOURCE;
            if (st.MPI_TAG == kRequest) {
                int want = 0;
                check(MPI_Recv(&want, 1, MPI_INT, src, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
                give(src, std::size_t(std::max(want, 1)));
            } else if (st.MPI_TAG == kResult) {
                int count = 0;
                check(MPI_Get_count(&st, MPI_DOUBLE, &count), "MPI_Get_count");
                buf.resize(std::size_t(count));
                check(MPI_Recv(buf.data(), count, MPI_DOUBLE, src, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
                const PointResult r = decode(buf);
                --outstanding[std::size_t(src)];
                ++stats.points_per_rank[std::size_t(src)];
                sink(r);
                ++done;
                give(src, 1);
            } else {
                throw std::runtime_error("unexpected MPI message (tag " + std::to_string(st.MPI_TAG) + ") from rank " +
                                         std::to_string(src));
            }
        }
        while (!halt && next < total && pool.in_flight() < window) {
            pool.add(points[next], plan.scenario(points[next]));
            ++next;
        }
        for (const auto& r : pool.collect(idle ? std::chrono::milliseconds(0) : kPoll)) {
            ++stats.points_per_rank[0];
            sink(r);
            ++done;
        }
        if (options.on_progress) options.on_progress(done * reps, total * reps);
        if (idle && !all_stopped()) std::this_thread::sleep_for(kPoll);
    }
    stats.complete = done == total;
    return stats;
}

void work(const SweepPlan& plan, const SweepRunOptions& options) {
    PointPool pool(resolve_threads(options.threads));
    // Hold enough points that the threads never wait for the next assignment.
    const int want = int(pool.threads()) + 1;
    check(MPI_Send(&want, 1, MPI_INT, 0, kRequest, MPI_COMM_WORLD), "MPI_Send");
    std::vector<std::uint64_t> assigned;
    bool stop = false;
    while (!stop || pool.in_flight() > 0) {
        int flag = 0;
        MPI_Status st;
        for (;;) {
            check(MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), "MPI_Iprobe");
            if (!flag) break;
            if (st.MPI_TAG == kAssign) {
                int count = 0;
                check(MPI_Get_count(&st, MPI_UINT64_T, &count), "MPI_Get_count");
                assigned.resize(std::size_t(count));
                check(MPI_Recv(assigned.data(), count, MPI_UINT64_T, 0, kAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                      "MPI_Recv");
                for (const auto p : assigned) pool.add(std::size_t(p), plan.scenario(std::size_t(p)));
            } else if (st.MPI_TAG == kStop) {
                check(MPI_Recv(nullptr, 0, MPI_BYTE, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
                stop = true;
            } else {
                throw std::runtime_error("unexpected MPI message (tag " + std::to_string(st.MPI_TAG) + ")");
            }
        }
        for (const auto& r : pool.collect(kPoll)) {
            const auto buf = encode(r);
            check(MPI_Send(buf.data(), int(buf.size()), MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD), "MPI_Send");
        }
    }
}

}  // namespace

bool mpi_built() { return true; }

bool mpi_launched(int* size) {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
        if (const char* v = std::getenv(var)) {
            if (size) *size = std::atoi(v);
            return true;
        }
    if (std::getenv("PMIX_RANK")) {
        if (size) *size = 0;
        return true;
    }
    return false;
}

MpiContext::MpiContext() {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        throw std::runtime_error("the MPI library does not support threads (MPI_THREAD_FUNNELED)");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiContext::~MpiContext() { MPI_Finalize(); }

bool MpiContext::all(bool ok) const {
    int mine = ok ? 1 : 0, every = 0;
    check(MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    return every == 1;
}

bool MpiContext::from_manager(bool ok) const {
    int v = ok ? 1 : 0;
    check(MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
    return v == 1;
}

void MpiContext::abort(int code) const {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
}

MpiRunStats run_points_mpi(const MpiContext& ctx, const SweepPlan& plan, const std::vector<std::size_t>& points,
                           const SweepRunOptions& options, const PointSink& sink) {
    if (ctx.manager()) return manage(ctx, plan, points, options, sink);
    work(plan, options);
    return {};
}

}  // namespace caseload::experiment
