#include "caseload/experiment/runner.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace caseload::experiment {

unsigned resolve_threads(unsigned requested) {
    if (requested > 0) return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? hw : 1;
}

std::vector<ExperimentResult> run_experiments(const std::vector<scenario::Scenario>& scenarios,
                                              const RunOptions& options) {
    std::vector<ExperimentResult> results(scenarios.size());
    struct Task {
        std::size_t scenario;
        std::uint32_t replication;
    };
    std::vector<Task> tasks;
    std::size_t resumed = 0;
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
        results[s].scenario = scenarios[s];
        results[s].replications.resize(static_cast<std::size_t>(scenarios[s].replications));
        for (int r = 0; r < scenarios[s].replications; ++r) {
            const auto ri = static_cast<std::size_t>(r);
            if (options.resumed && s < options.resumed->size() && ri < (*options.resumed)[s].size() &&
                (*options.resumed)[s][ri]) {
                results[s].replications[ri] = *(*options.resumed)[s][ri];
                ++resumed;
            } else {
                tasks.push_back({s, static_cast<std::uint32_t>(r)});
            }
        }
    }
    const std::size_t total = resumed + tasks.size();

    // Weekly series are folded in replication order (the means depend on the
    // order); a replication finished ahead of an earlier one waits here.
    std::mutex fold_mutex;
    std::vector<std::vector<char>> finished(scenarios.size());
    std::vector<std::size_t> folded(scenarios.size(), 0);
    for (std::size_t s = 0; s < scenarios.size(); ++s) finished[s].assign(results[s].replications.size(), 1);
    for (const Task& t : tasks) finished[t.scenario][t.replication] = 0;
    auto fold = [&](std::size_t s) {  // with fold_mutex held
        auto& reps = results[s].replications;
        while (folded[s] < reps.size() && finished[s][folded[s]]) {
            auto& rep = reps[folded[s]++];
            results[s].weekly.add(rep.weekly);
            std::vector<model::WeeklySample>().swap(rep.weekly);
        }
    };
    for (std::size_t s = 0; s < scenarios.size(); ++s) fold(s);  // the resumed ones at the start

    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{resumed};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;

    // The progress loop sleeps on this; the last worker to leave wakes it.
    std::mutex idle_mutex;
    std::condition_variable idle;
    std::atomic<unsigned> working{0};
    auto worker_loop = [&] {
        for (;;) {
            if (failed.load(std::memory_order_relaxed)) return;
            if (options.stop && options.stop->load(std::memory_order_relaxed)) return;
            const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
            if (i >= tasks.size()) return;
            const Task t = tasks[i];
            try {
                auto& r = results[t.scenario].replications[t.replication];
                r = model::simulate(scenarios[t.scenario], t.replication);
                if (options.on_replication) options.on_replication(t.scenario, r);
                std::lock_guard<std::mutex> lock(fold_mutex);
                finished[t.scenario][t.replication] = 1;
                fold(t.scenario);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
                failed = true;
                return;
            }
            done.fetch_add(1, std::memory_order_release);
        }
    };
    auto worker = [&] {
        worker_loop();
        if (working.fetch_sub(1) == 1) {
            std::lock_guard<std::mutex> lock(idle_mutex);
            idle.notify_all();
        }
    };

    const unsigned n_threads = std::min<std::size_t>(resolve_threads(options.threads), std::max<std::size_t>(tasks.size(), 1));
    std::vector<std::thread> pool;
    pool.reserve(n_threads);
    working = n_threads;
    for (unsigned i = 0; i < n_threads; ++i) pool.emplace_back(worker);

    if (options.on_progress) {
        while (done.load(std::memory_order_acquire) < total && !failed.load() &&
               !(options.stop && options.stop->load())) {
            options.on_progress(done.load(std::memory_order_acquire), total);
            std::unique_lock<std::mutex> lock(idle_mutex);
            idle.wait_for(lock, std::chrono::milliseconds(50), [&] { return working.load() == 0; });
        }
    }
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    if (done.load() < total) throw Interrupted(done.load(), total);
    if (options.on_progress) options.on_progress(total, total);
    return results;
}

}  // namespace caseload::experiment
