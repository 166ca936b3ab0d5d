// Benchmark: the M/M/c scenario of the backbone (c = 25 workers x norm 14 =
// 350, rho ~ 0.94, 20 years). Prints events per second on one thread and
// replications per second on all threads. Speed is measured here, never in a
// unit test.
//
//   build/release/caseload_bench [replications] [threads]

#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"
#include "caseload/scenario/loader.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

const char* kScenario = R"(
name: bench_mmc_350
horizon: 20y
warmup: 2y
seed: 7
referrals:
  rate_per_week: 7.675   # rho = 7.675/7 * 300 / 350 = 0.94
  types:
    ots: {share: 1.0, length: {distribution: exponential, mean: 300d}, weight: 1}
workforce: {workers: 25, fte: 1.0, caseload_norm: 14}
waitlist: {discipline: fifo}
)";

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace caseload;
    const int reps = argc > 1 ? std::atoi(argv[1]) : 400;
    const unsigned threads = argc > 2 ? unsigned(std::atoi(argv[2])) : experiment::resolve_threads(0);
    auto sc = scenario::parse_scenario(kScenario, "bench");
    std::printf("scenario: M/M/c, c = %.0f, rho = %.3f, horizon 20y, %d replications\n", sc.total_cap(),
                sc.offered_load() / sc.total_cap(), reps);

    // One thread, in this thread: events per second of the kernel + model.
    std::uint64_t events = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r) events += model::simulate(sc, std::uint32_t(r)).events;
    const double t1 = seconds_since(t0);
    std::printf("1 thread : %llu events in %.3f s = %.2f M events/s, %.1f replications/s\n",
                static_cast<unsigned long long>(events), t1, double(events) / t1 / 1e6, reps / t1);

    // All threads through the experiment runner.
    sc.replications = reps;
    t0 = std::chrono::steady_clock::now();
    experiment::RunOptions opts;
    opts.threads = threads;
    const auto res = experiment::run_experiments({sc}, opts);
    const double tn = seconds_since(t0);
    std::uint64_t events_n = 0;
    for (const auto& r : res[0].replications) events_n += r.events;
    std::printf("%u threads: %llu events in %.3f s = %.2f M events/s, %.1f replications/s (speed-up %.2f, efficiency %.0f%%)\n",
                threads, static_cast<unsigned long long>(events_n), tn, double(events_n) / tn / 1e6, reps / tn, t1 / tn,
                100.0 * t1 / tn / threads);
    return events_n == events ? 0 : 1;
}
