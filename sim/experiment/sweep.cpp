#include "caseload/experiment/sweep.hpp"

#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace caseload::experiment {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// 64-bit FNV-1a, fed piece by piece.
class Fnv {
public:
    void add(std::string_view s) {
        for (unsigned char c : s) {
            h_ ^= c;
            h_ *= 0x100000001b3ULL;
        }
        h_ ^= 0xff;  // a separator, so ("ab","c") and ("a","bc") differ
        h_ *= 0x100000001b3ULL;
    }
    [[nodiscard]] std::string hex() const {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
        return buf;
    }

private:
    std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace

Shard Shard::parse(const std::string& text) {
    const auto slash = text.find('/');
    auto whole = [](std::string_view s, std::size_t& v) {
        auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size();
    };
    Shard s;
    if (slash == std::string::npos || !whole(std::string_view(text).substr(0, slash), s.index) ||
        !whole(std::string_view(text).substr(slash + 1), s.count))
        throw std::invalid_argument("--shard expects K/N, e.g. 2/8 (shard 2 of 8), found '" + text + "'");
    if (s.count < 1 || s.count > 1000000 || s.index < 1 || s.index > s.count)
        throw std::invalid_argument("--shard K/N needs 1 <= K <= N <= 1000000, found '" + text + "'");
    return s;
}

SweepPlan::SweepPlan(scenario::SweepSpec spec, std::optional<int> replications, std::optional<std::uint64_t> seed,
                     bool check_points)
    : spec_(std::move(spec)) {
    base_ = std::make_unique<scenario::BaseScenario>(spec_.base);
    base_run_ = base_->scenario();
    replications_ = replications ? *replications : spec_.replications ? *spec_.replications : base_run_.replications;
    seed_ = seed ? *seed : spec_.seed ? *spec_.seed : base_run_.seed;
    if (replications_ < 1 || replications_ > scenario::kMaxReplications)
        throw std::invalid_argument("replications must be between 1 and " + std::to_string(scenario::kMaxReplications));
    base_run_.replications = replications_;
    base_run_.seed = seed_;

    std::vector<Factor> factors;
    for (const auto& p : spec_.parameters) {
        columns_.push_back(p.column());
        std::map<std::string, scenario::Location> where;
        if (p.continuous) {
            factors.push_back(Factor::range(p.column(), p.continuous->from, p.continuous->to, p.continuous->unit,
                                            p.continuous->integer));
        } else {
            std::vector<Level> levels;
            for (const auto& v : p.values) {
                levels.push_back({v.text, v.number ? *v.number : kNaN});
                where.emplace(v.text, v.where);
            }
            factors.push_back(Factor::discrete(p.column(), std::move(levels)));
        }
        where_.push_back(std::move(where));
    }
    design_ = spec_.design == scenario::DesignKind::grid
                  ? Design::grid(std::move(factors))
                  : Design::latin_hypercube(std::move(factors), spec_.points, spec_.design_seed);
    base_yaml_ = scenario::to_yaml(base_run_);

    Fnv h;
    h.add("caseload sweep 1");
    h.add(base_yaml_);
    h.add(scenario::to_string(spec_.design));
    h.add(scenario::to_string(spec_.terms));
    h.add(std::to_string(replications_));
    h.add(std::to_string(seed_));
    for (const auto& m : model::kMetrics) h.add(m.name);
    for (const auto& c : columns_) h.add(c);
    h.add(std::to_string(design_.size()));
    for (std::size_t i = 0; i < design_.size(); ++i)
        for (const auto& l : design_.point(i)) h.add(l.text);
    hash_ = h.hex();

    if (check_points) this->check_points();
}

void SweepPlan::check_points() const {
    for (std::size_t i = 0; i < design_.size(); ++i) (void)scenario(i);
}

scenario::Scenario SweepPlan::scenario(std::size_t point) const {
    const auto levels = design_.point(point);
    std::vector<scenario::Override> overrides;
    overrides.reserve(levels.size());
    for (std::size_t j = 0; j < levels.size(); ++j) {
        const auto it = where_[j].find(levels[j].text);
        overrides.push_back(
            {spec_.parameters[j].path, levels[j].text, it != where_[j].end() ? it->second : spec_.parameters[j].where});
    }
    scenario::Scenario s = base_->with(overrides);
    s.replications = replications_;
    s.seed = seed_;
    return s;
}

// ---------------------------------------------------------------------------

struct PointPool::Active {
    scenario::Scenario scenario;
    int next = 0;  // next replication to hand out
    int done = 0;
    PointResult result;
};

PointPool::PointPool(unsigned threads, const std::atomic<bool>* stop) : stop_(stop) {
    const unsigned n = std::max(1u, threads);
    workers_.reserve(n);
    for (unsigned i = 0; i < n; ++i) workers_.emplace_back([this] { work(); });
}

PointPool::~PointPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& t : workers_) t.join();
}

void PointPool::add(std::size_t point, scenario::Scenario scenario) {
    auto a = std::make_unique<Active>();
    const auto reps = std::size_t(scenario.replications);
    a->scenario = std::move(scenario);
    a->result.point = point;
    a->result.metrics.resize(reps);
    a->result.stopped_at_bound.resize(reps);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        active_.push_back(std::move(a));
    }
    work_ready_.notify_all();
}

void PointPool::work() {
    for (;;) {
        Active* a = nullptr;
        int rep = 0;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            // Read under the lock: once running() is 0 after a stop, no replication can start.
            auto startable = [&] { return !(stop_ && stop_->load()); };
            work_ready_.wait(lock, [&] {
                if (stopping_ || error_) return true;
                if (!startable()) return false;
                for (const auto& x : active_)
                    if (x->next < x->scenario.replications) return true;
                return false;
            });
            if (stopping_ || error_) return;
            for (const auto& x : active_)
                if (x->next < x->scenario.replications) {
                    a = x.get();
                    rep = a->next++;
                    ++running_;
                    break;
                }
        }
        try {
            const model::ReplicationResult r = model::simulate(a->scenario, std::uint32_t(rep));
            std::lock_guard<std::mutex> lock(mutex_);
            a->result.metrics[std::size_t(rep)] = r.metrics;
            a->result.stopped_at_bound[std::size_t(rep)] = r.hit_waitlist_bound ? 1 : 0;
            ++replications_done_;
            --running_;
            if (++a->done == a->scenario.replications) {
                finished_.push_back(std::move(a->result));
                active_.erase(std::find_if(active_.begin(), active_.end(), [&](const auto& x) { return x.get() == a; }));
                result_ready_.notify_all();
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
            result_ready_.notify_all();
            work_ready_.notify_all();
            return;
        }
    }
}

std::vector<PointResult> PointPool::collect(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (finished_.empty() && !error_)
        result_ready_.wait_for(lock, timeout, [&] { return !finished_.empty() || error_; });
    if (error_) std::rethrow_exception(error_);
    std::vector<PointResult> out;
    out.swap(finished_);
    return out;
}

std::size_t PointPool::in_flight() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return active_.size() + finished_.size();
}

std::size_t PointPool::replications_done() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return replications_done_;
}

std::size_t PointPool::running() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_;
}

bool run_points(const SweepPlan& plan, const std::vector<std::size_t>& points, const SweepRunOptions& options,
                const PointSink& sink) {
    PointPool pool(resolve_threads(options.threads), options.stop);
    // Enough points queued that no thread waits while the caller writes results.
    const std::size_t window = pool.threads() + 2;
    const std::size_t total = points.size() * std::size_t(plan.replications());
    std::size_t next = 0, finished = 0;
    while (finished < points.size()) {
        // Read before running(): when it is 0 after the stop, nothing more can finish.
        const bool stopped = options.stop && options.stop->load();
        const bool idle = stopped && pool.running() == 0;
        while (!stopped && next < points.size() && pool.in_flight() < window) {
            pool.add(points[next], plan.scenario(points[next]));
            ++next;
        }
        for (const auto& r : pool.collect(idle ? std::chrono::milliseconds(0) : std::chrono::milliseconds(100))) {
            sink(r);
            ++finished;
        }
        if (options.on_progress) options.on_progress(pool.replications_done(), total);
        if (idle) return finished == points.size();
    }
    return true;
}

Summary summarize_point(const scenario::Scenario& scenario, const PointResult& result) {
    ExperimentResult er;
    er.scenario = scenario;
    er.replications.resize(result.metrics.size());
    for (std::size_t r = 0; r < result.metrics.size(); ++r) {
        er.replications[r].replication = std::uint32_t(r);
        er.replications[r].metrics = result.metrics[r];
        er.replications[r].hit_waitlist_bound = result.stopped_at_bound[r] != 0;
    }
    return summarize(er);
}

}  // namespace caseload::experiment
