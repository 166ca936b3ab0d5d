#include "caseload/experiment/runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace caseload::experiment {

unsigned resolve_threads(unsigned requested) {
    if (requested > 0) return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? hw : 1;
}

PeriodTotals period_totals(const std::vector<model::PeriodResult>& periods) {
    PeriodTotals t{};
    for (const auto& p : periods)
        for (std::size_t m = 0; m < t.size(); ++m) t[m] += p.values[m];
    return t;
}

std::vector<ExperimentResult> run_experiments(const std::vector<scenario::Scenario>& scenarios,
                                              const RunOptions& options) {
    const std::size_t n_scenarios = scenarios.size();
    std::vector<ExperimentResult> results(n_scenarios);
    std::size_t most = 0;  // replications of the scenario that has the most
    for (std::size_t s = 0; s < n_scenarios; ++s) {
        results[s].scenario = scenarios[s];
        results[s].replications.resize(static_cast<std::size_t>(scenarios[s].replications));
        results[s].totals.resize(results[s].replications.size());
        results[s].periods_kept = options.keep_periods;
        if (s > 0) results[s].paired_baseline = scenarios[0].name;
        most = std::max(most, results[s].replications.size());
    }
    // Replication by replication, every scenario's r before any r + 1: a
    // replication's paired differences are folded once the baseline's is in,
    // so few wait for their partner.
    struct Task {
        std::size_t scenario;
        std::uint32_t replication;
    };
    std::vector<Task> tasks;
    std::vector<std::vector<char>> finished(n_scenarios);
    std::size_t resumed = 0;
    // Finished by a stopped run: read back when its turn comes to be folded.
    auto was_resumed = [&options](std::size_t s, std::size_t r) {
        return options.resumed && s < options.resumed->done.size() && r < options.resumed->done[s].size() &&
               options.resumed->done[s][r];
    };
    for (std::size_t s = 0; s < n_scenarios; ++s) finished[s].assign(results[s].replications.size(), 0);
    for (std::size_t r = 0; r < most; ++r)
        for (std::size_t s = 0; s < n_scenarios; ++s) {
            if (r >= results[s].replications.size()) continue;
            if (was_resumed(s, r)) {
                finished[s][r] = 1;
                ++resumed;
            } else {
                tasks.push_back({s, static_cast<std::uint32_t>(r)});
            }
        }
    const std::size_t total = resumed + tasks.size();

    // Weekly series and periods are folded in replication order (the means
    // depend on the order); a replication finished ahead of an earlier one
    // waits here, and one of another scenario also for the baseline's.
    std::mutex fold_mutex;
    std::vector<std::size_t> folded(n_scenarios, 0);
    std::size_t released = 0;  // the baseline's replications whose periods are let go
    ExperimentResult* const base = results.empty() ? nullptr : &results[0];
    const std::size_t n_base = base ? base->replications.size() : 0;
    // A replication of another scenario pairs with the baseline's folded one.
    auto ready = [&](std::size_t s, std::size_t r) {
        return finished[s][r] && (s == 0 || r >= n_base || folded[0] > r);
    };
    auto fold_scenario = [&](std::size_t s) {
        auto& res = results[s];
        while (folded[s] < res.replications.size() && ready(s, folded[s])) {
            const std::size_t r = folded[s];
            auto& rep = res.replications[r];
            if (was_resumed(s, r)) {  // each is folded once
                rep = options.resumed->load(s, static_cast<std::uint32_t>(r));
                if (rep.replication != r) throw std::logic_error("a resumed replication read back as another");
            }
            res.weekly.add(rep.weekly);
            std::vector<model::WeeklySample>().swap(rep.weekly);
            res.periods.add(rep.periods);
            res.totals[r] = period_totals(rep.periods);
            if (s > 0 && r < n_base) res.paired_periods.add(base->replications[r].periods, rep.periods);
            if (options.on_folded) options.on_folded(s, rep);
            if (!options.keep_periods && s > 0) std::vector<model::PeriodResult>().swap(rep.periods);
            folded[s] = r + 1;
        }
    };
    // The baseline's periods go once every other scenario has paired them.
    auto paired = [&](std::size_t r) {
        for (std::size_t s = 1; s < n_scenarios; ++s)
            if (folded[s] <= r && r < results[s].replications.size()) return false;
        return true;
    };
    auto fold = [&](std::size_t s) {  // with fold_mutex held
        fold_scenario(s);
        if (s == 0)  // the others' replications may have waited for the baseline's
            for (std::size_t o = 1; o < n_scenarios; ++o) fold_scenario(o);
        if (!options.keep_periods)
            while (released < folded[0] && paired(released))
                std::vector<model::PeriodResult>().swap(base->replications[released++].periods);
    };
    for (std::size_t s = 0; s < n_scenarios; ++s) fold(s);  // the resumed ones at the start

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
