// Benchmark. Speed is measured here, never in a unit test.
//  1. The backbone's M/M/c scenario (c = 25 workers x norm 14 = 350,
//     rho ~ 0.94, 20 years): events per second on one thread, replications
//     per second on all threads.
//  2. The calibrated baseline (scenarios/baseline.yaml, full model) over 10
//     years: events per replication, events per second on one thread, and the
//     wall time of 1,000 replications on all threads.
//  3. A plan from today, the shape of the main job: the baseline laid over
//     scenarios/states/region_under_pressure.yaml, 5 years, no warm-up —
//     events per replication and events and replications per second on one
//     thread (the start state's families are placed in every replication,
//     so a fixed cost per replication weighs more than in (2)).
//  4. Memory against the horizon: one M/M/c replication of 20 and of 200
//     years, the peak resident memory after each and the bytes its result
//     keeps (the weekly series, the only part that grows with the horizon).
//
//   build/release/caseload_bench [replications] [threads] [trials] [baseline replications]

#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"
#include "caseload/scenario/loader.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>
#include <algorithm>
#include <string>

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

struct Trial {
    double seconds;
    std::uint64_t events;
};

// Run `reps` replications on `threads` threads through the experiment runner.
Trial trial(const caseload::scenario::Scenario& sc, int reps, unsigned threads) {
    auto s = sc;
    s.replications = reps;
    caseload::experiment::RunOptions opts;
    opts.threads = threads;
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = caseload::experiment::run_experiments({s}, opts);
    const double t = seconds_since(t0);
    std::uint64_t events = 0;
    for (const auto& r : res[0].replications) events += r.events;
    return {t, events};
}

// Best and median of `n` trials: the best is the code's speed, the median
// shows how much the machine interfered.
void report(const char* label, const caseload::scenario::Scenario& sc, int reps, unsigned threads, int n,
            double* best_out) {
    std::vector<double> times;
    std::uint64_t events = 0;
    for (int i = 0; i < n; ++i) {
        const Trial t = trial(sc, reps, threads);
        times.push_back(t.seconds);
        events = t.events;
    }
    std::sort(times.begin(), times.end());
    const double best = times.front(), median = times[times.size() / 2];
    std::printf("%-10s %u thread(s): %.2f M events/s best, %.2f median; %.0f replications/s best, %.0f median "
                "(%d trials of %d replications, %llu events each)\n",
                label, threads, double(events) / best / 1e6, double(events) / median / 1e6, reps / best, reps / median,
                n, reps, static_cast<unsigned long long>(events));
    *best_out = best;
}

// Peak resident memory of this process so far, in MiB.
double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

void report_memory(const caseload::scenario::Scenario& sc) {
    std::printf("\nmemory against the horizon (M/M/c above, one replication, one thread):\n");
    for (const double years : {20.0, 200.0}) {
        auto s = sc;
        s.horizon_days = years * caseload::scenario::kDaysPerYear;
        const auto r = caseload::model::simulate(s, 0);
        std::printf("  %5.0f years: %llu events, peak RSS %.1f MiB, result keeps %zu weekly samples (%.2f MiB)\n",
                    years, static_cast<unsigned long long>(r.events), peak_rss_mib(), r.weekly.size(),
                    double(r.weekly.size() * sizeof(r.weekly[0])) / (1024.0 * 1024.0));
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace caseload;
    const int reps = argc > 1 ? std::atoi(argv[1]) : 400;
    const unsigned threads = argc > 2 ? unsigned(std::atoi(argv[2])) : experiment::resolve_threads(0);
    const int trials = argc > 3 ? std::atoi(argv[3]) : 5;
    const int many = argc > 4 ? std::atoi(argv[4]) : 1000;  // baseline replications for the all-threads timing
    const auto sc = scenario::parse_scenario(kScenario, "bench");
    std::printf("scenario: M/M/c, c = %.0f, rho = %.3f, horizon 20y\n", sc.total_cap(), sc.offered_load() / sc.total_cap());
    (void)trial(sc, std::max(reps / 4, 1), 1);  // warm-up: caches, page faults, clock ramp
    double t1 = 0, tn = 0;
    report("serial", sc, reps, 1, trials, &t1);
    if (threads > 1) {
        report("parallel", sc, reps, threads, trials, &tn);
        std::printf("speed-up %.2f on %u threads, parallel efficiency %.0f%% (best times)\n", t1 / tn, threads,
                    100.0 * t1 / tn / threads);
    }

    auto base = scenario::load_scenario(std::string(CASELOAD_SOURCE_DIR) + "/scenarios/baseline.yaml");
    base.horizon_days = 10 * scenario::kDaysPerYear;
    base.warmup_days = 2 * scenario::kDaysPerYear;
    const int base_reps = std::max(reps / 4, 10);
    std::printf("\nscenario: calibrated baseline (full model), %d workers, horizon 10y\n", base.workforce.workers);
    const Trial warm = trial(base, base_reps, 1);
    std::printf("events per replication: %.0f\n", double(warm.events) / base_reps);
    double b1 = 0, bn = 0;
    report("serial", base, base_reps, 1, trials, &b1);
    report("parallel", base, many, threads, std::max(1, trials / 2), &bn);
    std::printf("%d replications on %u threads: %.2f s (best)\n", many, threads, bn);

    const std::string dir = std::string(CASELOAD_SOURCE_DIR) + "/scenarios/";
    auto today = scenario::load_scenario_from(dir + "baseline.yaml", dir + "states/region_under_pressure.yaml");
    today.horizon_days = 5 * scenario::kDaysPerYear;
    today.warmup_days = 0;
    std::printf("\nscenario: a plan from today (baseline from states/region_under_pressure.yaml), horizon 5y\n");
    const Trial warm_today = trial(today, base_reps, 1);
    std::printf("events per replication: %.0f\n", double(warm_today.events) / base_reps);
    double d1 = 0;
    report("serial", today, base_reps, 1, trials, &d1);
    report_memory(sc);
    return 0;
}
