#include "caseload/experiment/limits.hpp"

#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"
#include "caseload/scenario/cost.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace caseload::experiment {

namespace {

// What one finished replication keeps until the run ends: its result (a row
// of metrics, the time-to-help distribution) and its period totals, with the
// allocator's share. Its weekly series and periods are folded in as it
// finishes and its rows written out (run_experiments, caseload run/compare);
// a resumed run reads each kept one back when its turn comes to be folded.
double bytes_kept_per_replication() {
    return double(sizeof(model::ReplicationResult) + sizeof(PeriodTotals)) + 64.0;
}

// One replication in progress: its families, its workers, its weekly series
// and periods.
double bytes_running(const scenario::Scenario& s) {
    const double weeks = s.horizon_days / scenario::kDaysPerWeek + 1.0;
    const double periods = s.horizon_days / std::max(s.period_days, 1.0) + 1.0;
    return scenario::peak_families(s) * kBytesPerFamily + double(s.workforce.workers) * 512.0 +
           bytes_kept_per_replication() + weeks * double(sizeof(model::WeeklySample)) +
           periods * double(sizeof(model::PeriodResult));
}

std::string amount(double v) {
    char buf[64];
    if (v >= 1e12)
        std::snprintf(buf, sizeof buf, "%.3g trillion", v / 1e12);
    else if (v >= 1e9)
        std::snprintf(buf, sizeof buf, "%.3g billion", v / 1e9);
    else if (v >= 1e6)
        std::snprintf(buf, sizeof buf, "%.3g million", v / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
}

std::string gigabytes(double bytes) {
    char buf[64];
    if (bytes >= 0.1 * 1024 * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.3g GB", bytes / (1024.0 * 1024 * 1024));
    else
        std::snprintf(buf, sizeof buf, "%.3g MB", bytes / (1024.0 * 1024));
    return buf;
}

std::string hours(double events, unsigned threads) {
    const double h = events / (1e6 * threads) / 3600.0;
    char buf[64];
    if (h >= 48)
        std::snprintf(buf, sizeof buf, "%.0f days", h / 24);
    else
        std::snprintf(buf, sizeof buf, "%.2g hours", h);
    return buf;
}

constexpr const char* kHowToRun = "; or add --allow-large to run it anyway";

}  // namespace

RunCost estimate_run(const std::vector<scenario::Scenario>& scenarios, unsigned threads) {
    RunCost c;
    double largest = 0.0;
    std::size_t total_reps = 0;
    for (const auto& s : scenarios) {
        c.events += double(s.replications) * scenario::expected_events(s);
        c.bytes_kept += double(s.replications) * bytes_kept_per_replication();
        largest = std::max(largest, bytes_running(s));
        total_reps += std::size_t(std::max(s.replications, 0));
    }
    c.bytes_running = largest * double(std::min<std::size_t>(std::max(threads, 1u), std::max<std::size_t>(total_reps, 1)));
    return c;
}

std::optional<LimitBreach> check_run(const std::vector<scenario::Scenario>& scenarios, unsigned threads) {
    if (scenarios.empty()) return std::nullopt;
    threads = std::max(threads, 1u);
    const RunCost c = estimate_run(scenarios, threads);
    // The scenario that costs most is the one to change.
    std::size_t worst = 0;
    double worst_events = -1.0;
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        const double e = double(scenarios[i].replications) * scenario::expected_events(scenarios[i]);
        if (e > worst_events) {
            worst_events = e;
            worst = i;
        }
    }
    const auto& w = scenarios[worst];
    const double per_rep = scenario::expected_events(w);
    const std::string runs = scenarios.size() == 1 ? "" : " (the largest of " + std::to_string(scenarios.size()) + " scenarios)";

    if (c.events > kMaxRunEvents) {
        LimitBreach b;
        b.scenario = worst;
        // Many replications of a modest scenario: fewer replications. Few of a huge one: a shorter horizon.
        const bool many = double(w.replications) * std::min(per_rep, kMaxRunEvents / 100) > kMaxRunEvents;
        b.key_path = many ? "replications" : "horizon";
        b.message = "this run would process about " + amount(c.events) + " events (" + std::to_string(w.replications) +
                    " replications x about " + amount(per_rep) + " events each" + runs + "), over the limit of " +
                    amount(kMaxRunEvents) + " (about " + hours(c.events, threads) + " on " + std::to_string(threads) +
                    " threads at a million events a second each); lower " +
                    (many ? "the replications" : "the horizon or the referral rate") + kHowToRun;
        return b;
    }
    if (c.bytes() > kMaxRunBytes) {
        LimitBreach b;
        // The biggest share of the memory says what to change.
        std::size_t big = 0;
        double big_running = -1.0;
        for (std::size_t i = 0; i < scenarios.size(); ++i)
            if (bytes_running(scenarios[i]) > big_running) {
                big_running = bytes_running(scenarios[i]);
                big = i;
            }
        const auto& s = scenarios[big];
        if (c.bytes_kept >= c.bytes_running) {
            b.scenario = worst;
            b.key_path = "replications";
        } else {
            b.scenario = big;
            const double waitlist = double(s.waitlist.max_length);
            b.key_path = waitlist >= s.total_cap() * 1.5 ? "waitlist.max_length" : "workforce.workers";
        }
        const unsigned running = unsigned(std::min<double>(threads, c.bytes_running / std::max(big_running, 1.0) + 0.5));
        b.message = "this run would need about " + gigabytes(c.bytes()) + " of memory (" + gigabytes(c.bytes_kept) +
                    " for the results kept until the end, " + gigabytes(c.bytes_running) + " for " +
                    std::to_string(std::max(running, 1u)) + " replication(s) running at once, each holding up to " +
                    amount(scenario::peak_families(s)) +
                    " families: every place filled plus a waitlist at waitlist.max_length), over the limit of " +
                    gigabytes(kMaxRunBytes) + "; lower " +
                    (b.key_path == "replications"          ? std::string("the replications or the horizon")
                     : b.key_path == "waitlist.max_length" ? std::string("waitlist.max_length or --threads")
                                                           : std::string("the workers or the caseload norm, or --threads")) +
                    kHowToRun;
        return b;
    }
    return std::nullopt;
}

std::optional<LimitBreach> check_sweep(const SweepPlan& plan, unsigned threads) {
    threads = std::max(threads, 1u);
    const std::size_t points = plan.points();
    const double reps = plan.replications();
    const std::size_t n = std::min(points, kSweepSamplePoints);
    double events_sum = 0.0, running_max = 0.0;
    scenario::Scenario largest;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t p = n == 1 ? 0 : std::size_t(double(k) * double(points - 1) / double(n - 1) + 0.5);
        scenario::Scenario s = plan.scenario(p);
        events_sum += scenario::expected_events(s);
        if (bytes_running(s) > running_max) {
            running_max = bytes_running(s);
            largest = std::move(s);
        }
    }
    const double per_rep = events_sum / double(std::max<std::size_t>(n, 1));
    const double events = double(points) * reps * per_rep;
    const std::string size = std::to_string(points) + " points x " + std::to_string(plan.replications()) +
                             " replications x about " + amount(per_rep) + " events each";
    if (events > kMaxRunEvents) {
        LimitBreach b;
        // Replications of a huge scenario: a shorter horizon. Otherwise the
        // larger of the replications and the points.
        b.key_path = per_rep > kMaxRunEvents / 1000 ? "horizon" : reps > double(points) ? "replications" : "points";
        b.message = "this sweep would process about " + amount(events) + " events (" + size + "), over the limit of " +
                    amount(kMaxRunEvents) + " (about " + hours(events, threads) + " on " + std::to_string(threads) +
                    " threads at a million events a second each); lower " +
                    (b.key_path == "horizon"        ? "the horizon or the referral rate"
                     : b.key_path == "replications" ? "the replications"
                                                    : "the points (fewer values)") +
                    ", or run it in shards (--shard K/N)" + kHowToRun;
        return b;
    }
    // Each point in flight holds its replications' metrics until it is written;
    // the design keeps a few bytes a point of bookkeeping.
    const double in_flight = double(std::min<std::size_t>(points, threads + 2));
    const double kept = in_flight * reps * double(sizeof(std::array<double, model::kMetricCount>) + 1) + double(points) * 16.0;
    const double running = double(threads) * running_max;
    if (kept + running > kMaxRunBytes) {
        LimitBreach b;
        if (kept >= running)
            b.key_path = "replications";
        else
            b.key_path = double(largest.waitlist.max_length) >= largest.total_cap() * 1.5 ? "waitlist.max_length"
                                                                                         : "workforce.workers";
        b.message = "this sweep would need about " + gigabytes(kept + running) + " of memory (" + gigabytes(kept) +
                    " for the results of the points in progress, " + gigabytes(running) + " for " +
                    std::to_string(threads) + " replication(s) running at once, each holding up to " +
                    amount(scenario::peak_families(largest)) +
                    " families: every place filled plus a waitlist at waitlist.max_length), over the limit of " +
                    gigabytes(kMaxRunBytes) + "; lower " +
                    (b.key_path == "replications"          ? std::string("the replications")
                     : b.key_path == "waitlist.max_length" ? std::string("waitlist.max_length or --threads")
                                                           : std::string("the workers or the caseload norm, or --threads")) +
                    kHowToRun;
        return b;
    }
    return std::nullopt;
}

}  // namespace caseload::experiment
