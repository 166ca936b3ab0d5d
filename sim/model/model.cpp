#include "caseload/model/model.hpp"

#include "caseload/kernel/calendar.hpp"
#include "caseload/kernel/piecewise_rate.hpp"
#include "caseload/kernel/random.hpp"
#include "caseload/stats/accumulators.hpp"
#include "caseload/stats/inference.hpp"
#include "fifo.hpp"

#include <cmath>
#include <limits>

namespace caseload::model {
namespace {

using kernel::Time;
using scenario::Scenario;

constexpr double kEps = 1e-9;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kSampleEvery = 7.0;      // days between time-series samples
constexpr double kHelpedWithinDays = 28.0;  // "helped within 4 weeks"

enum EventKind : std::uint16_t { kReferral, kClosure, kWarmupEnd, kSample };
const char* kind_name(std::uint16_t k) {
    switch (k) {
        case kReferral: return "referral";
        case kClosure: return "closure";
        case kWarmupEnd: return "warmup_end";
        case kSample: return "sample";
    }
    return "?";
}

// Same-instant order: a closure frees room before a referral asks for it; the
// warm-up reset and the weekly sample see the state after both.
constexpr std::uint8_t kPrioClosure = 0;
constexpr std::uint8_t kPrioReferral = 1;
constexpr std::uint8_t kPrioWarmup = 2;
constexpr std::uint8_t kPrioSample = 3;

constexpr std::int32_t kNoWorker = -1;

struct Family {
    Time referred_at = 0.0;
    double work_days = 0.0;  // case length at the reference caseload
    double weight = 1.0;
    std::uint64_t queue_seq = 0;  // order of joining the waitlist
    kernel::EventHandle closure;
    std::int32_t worker = kNoWorker;
    std::uint16_t type = 0;
    bool urgent = false;
    bool in_cohort = false;  // referred after warm-up: counts for time-to-help
    bool helped = false;     // has had a first assignment
    bool active = false;
};

class Run {
public:
    Run(const Scenario& sc, std::uint32_t replication, TraceSink* trace)
        : sc_(sc), trace_(trace), warmup_(sc.warmup_days), horizon_(sc.horizon_days) {
        result_.replication = replication;
        std::vector<kernel::PiecewiseRate::Segment> segs;
        for (const auto& s : sc.referrals.schedule) segs.push_back({s.from_day, s.rate_per_week / scenario::kDaysPerWeek});
        arrivals_ = kernel::PiecewiseRate(std::move(segs));
        arrival_rng_ = kernel::make_engine(sc.seed, replication, streams::arrivals);
        attribute_rng_ = kernel::make_engine(sc.seed, replication, streams::attributes);

        double cum = 0.0;
        double first_weight = sc.referrals.types.empty() ? 1.0 : sc.referrals.types.front().weight;
        for (std::size_t i = 0; i < sc.referrals.types.size(); ++i) {
            const auto& t = sc.referrals.types[i];
            cum += t.share;
            type_cdf_.push_back(cum);
            length_.emplace_back(t.length);
            length_rng_.push_back(kernel::make_engine(sc.seed, replication, streams::case_length_base + i));
            weights_.push_back(t.weight);
            if (t.weight != first_weight) mixed_weights_ = true;
        }
        if (!type_cdf_.empty()) type_cdf_.back() = 1.0;  // guard against rounding in the shares

        classes_ = sc.waitlist.discipline == scenario::Discipline::urgent_first ? 2 : 1;
        queues_.resize(classes_ * sc.referrals.types.size());

        const std::size_t n = static_cast<std::size_t>(sc.workforce.workers);
        cap_.assign(n, sc.workforce.caseload_norm * sc.workforce.fte);
        load_.assign(n, 0.0);
        total_fte_ = sc.workforce.workers * sc.workforce.fte;
        families_.reserve(static_cast<std::size_t>(sc.total_cap() * 1.5) + 64);
        calendar_.reserve(static_cast<std::size_t>(sc.total_cap()) + 64);
        result_.weekly.reserve(static_cast<std::size_t>(horizon_ / kSampleEvery) + 1);
    }

    ReplicationResult execute() {
        referral_timer_ = calendar_.add_timer(kReferral, kPrioReferral);
        sample_timer_ = calendar_.add_timer(kSample, kPrioSample);
        schedule_next_referral(0.0);
        if (warmup_ > 0.0)
            calendar_.schedule(warmup_, kWarmupEnd, 0, kPrioWarmup);
        else
            reset_statistics(0.0);
        if (kSampleEvery < horizon_) calendar_.set_timer(sample_timer_, kSampleEvery);

        kernel::Event ev;
        while (calendar_.pop_before(horizon_, ev)) {
            now_ = ev.time;
            ++result_.events;
            std::int64_t worker = kNoWorker;
            switch (ev.kind) {
                case kReferral: worker = on_referral(); break;
                case kClosure: worker = on_closure(ev.target); break;
                case kWarmupEnd: reset_statistics(now_); break;
                case kSample: on_sample(); break;
                default: break;
            }
            if (trace_)
                trace_->on_event(now_, kind_name(ev.kind), ev.kind == kClosure ? std::int64_t(ev.target) : last_family_,
                                 worker, waiting_);
            if (waiting_ >= static_cast<std::size_t>(sc_.waitlist.max_length)) {
                result_.hit_waitlist_bound = true;
                break;
            }
        }
        const Time end = result_.hit_waitlist_bound ? now_ : horizon_;
        finish(end);
        return std::move(result_);
    }

private:
    // ---- events -------------------------------------------------------------

    void schedule_next_referral(Time t) {
        const Time next = arrivals_.next_after(t, unit_exp_(arrival_rng_));
        if (next < horizon_) calendar_.set_timer(referral_timer_, next);
    }

    std::int64_t on_referral() {
        schedule_next_referral(now_);
        if (now_ >= warmup_) ++referrals_in_window_;

        const std::uint32_t id = new_family();
        Family& f = families_[id];
        last_family_ = id;
        const double u_type = kernel::uniform01(attribute_rng_);
        const double u_urgent = kernel::uniform01(attribute_rng_);
        std::uint16_t type = 0;
        while (type + 1u < type_cdf_.size() && u_type >= type_cdf_[type]) ++type;
        f.type = type;
        f.urgent = u_urgent < sc_.referrals.urgent_share;
        f.work_days = length_[type](length_rng_[type]);
        f.weight = weights_[type];
        f.referred_at = now_;
        f.in_cohort = now_ >= warmup_;

        std::int64_t assigned = kNoWorker;
        if (waiting_ == 0) {
            const std::size_t w = most_room();
            if (!cap_.empty() && room(w) + kEps >= f.weight) {
                assign(id, w);
                assigned = std::int64_t(w);
            } else {
                enqueue(id);
            }
        } else {
            // Families are waiting, so no worker had room for any of them; a
            // lighter newcomer may still fit somewhere.
            enqueue(id);
            if (mixed_weights_) assign_while_room();
        }
        waitlist_avg_.update(now_, double(waiting_));
        return assigned;
    }

    std::int64_t on_closure(std::uint32_t id) {
        Family& f = families_[id];
        const auto w = static_cast<std::size_t>(f.worker);
        load_[w] -= f.weight;
        total_load_ -= f.weight;
        if (now_ >= warmup_) ++closures_in_window_;
        f.active = false;
        free_.push_back(id);
        last_family_ = id;
        fill_worker(w);
        load_avg_.update(now_, total_load_ / total_fte_);
        waitlist_avg_.update(now_, double(waiting_));
        return std::int64_t(w);
    }

    void on_sample() {
        result_.weekly.push_back({now_, double(waiting_), total_load_ / total_fte_});
        if (now_ + kSampleEvery < horizon_) calendar_.set_timer(sample_timer_, now_ + kSampleEvery);
    }

    void reset_statistics(Time t) {
        waitlist_avg_.reset(t, double(waiting_));
        load_avg_.reset(t, total_load_ / total_fte_);
        referrals_in_window_ = closures_in_window_ = 0;
    }

    // ---- families and workers ----------------------------------------------

    std::uint32_t new_family() {
        std::uint32_t id;
        if (!free_.empty()) {
            id = free_.back();
            free_.pop_back();
            families_[id] = Family{};
        } else {
            id = static_cast<std::uint32_t>(families_.size());
            families_.emplace_back();
        }
        families_[id].active = true;
        return id;
    }

    [[nodiscard]] double room(std::size_t w) const { return cap_[w] - load_[w]; }

    // The worker with the most room; ties go to the lowest index.
    [[nodiscard]] std::size_t most_room() const {
        std::size_t best = 0;
        double best_room = -std::numeric_limits<double>::infinity();
        for (std::size_t w = 0; w < cap_.size(); ++w) {
            const double r = cap_[w] - load_[w];
            // select, not branch: which worker wins is unpredictable
            const bool more = r > best_room;
            best = more ? w : best;
            best_room = more ? r : best_room;
        }
        return best;
    }

    void assign(std::uint32_t id, std::size_t w) {
        Family& f = families_[id];
        f.worker = static_cast<std::int32_t>(w);
        load_[w] += f.weight;
        total_load_ += f.weight;
        if (!f.helped) {
            f.helped = true;
            if (f.in_cohort) record_wait(now_ - f.referred_at, f.urgent, false);
        }
        f.closure = calendar_.schedule(now_ + f.work_days, kClosure, id, kPrioClosure);
        load_avg_.update(now_, total_load_ / total_fte_);
    }

    void record_wait(double days, bool urgent, bool censored) {
        if (!censored) helped_hist_.add(days);
        wait_hist_.add(days);
        wait_stats_.add(days);
        if (urgent) urgent_wait_stats_.add(days);
        if (censored) {
            ++censored_;
            if (days >= kHelpedWithinDays) ++outcome_known_;
        } else {
            ++outcome_known_;
            if (days <= kHelpedWithinDays) ++helped_within_;
        }
        if (days > 0.0) ++waited_;
    }

    // ---- waitlist -------------------------------------------------------------

    [[nodiscard]] std::size_t queue_of(const Family& f) const {
        const std::size_t cls = (classes_ == 2 && !f.urgent) ? 1 : 0;
        return cls * length_.size() + f.type;
    }

    void enqueue(std::uint32_t id) {
        Family& f = families_[id];
        f.queue_seq = queue_seq_++;
        queues_[queue_of(f)].push(id);
        ++waiting_;
    }

    // The waiting family that comes first (class, then time of joining) among
    // those that fit in `room`; -1 if none fits.
    [[nodiscard]] std::int64_t best_fitting(double room) const {
        std::int64_t best_queue = -1;
        std::uint64_t best_seq = std::numeric_limits<std::uint64_t>::max();
        const std::size_t per_class = length_.size();
        for (std::size_t q = 0; q < queues_.size(); ++q) {
            if (queues_[q].empty()) continue;
            if (best_queue >= 0 && q / per_class != std::size_t(best_queue) / per_class) break;  // lower class
            const Family& f = families_[queues_[q].front()];
            if (f.weight > room + kEps) continue;
            if (f.queue_seq < best_seq) {
                best_seq = f.queue_seq;
                best_queue = std::int64_t(q);
            }
        }
        return best_queue;
    }

    void fill_worker(std::size_t w) {
        while (waiting_ > 0) {
            const std::int64_t q = best_fitting(room(w));
            if (q < 0) return;
            const std::uint32_t id = queues_[std::size_t(q)].pop();
            --waiting_;
            assign(id, w);
        }
    }

    void assign_while_room() {
        while (waiting_ > 0 && !cap_.empty()) {
            const std::size_t w = most_room();
            const std::int64_t q = best_fitting(room(w));
            if (q < 0) return;
            const std::uint32_t id = queues_[std::size_t(q)].pop();
            --waiting_;
            assign(id, w);
        }
    }

    // ---- results --------------------------------------------------------------

    void finish(Time end) {
        auto& m = result_.metrics;
        auto set = [&m](Metric k, double v) { m[static_cast<std::size_t>(k)] = v; };
        result_.ended_at_day = end;
        const double window = end - warmup_;
        if (!(window > 0.0)) {
            m.fill(kNaN);
            result_.helped_within_weeks.fill(kNaN);
            return;
        }
        // Families still waiting: their waits are censored at `end`.
        for (const Family& f : families_)
            if (f.active && f.worker == kNoWorker && f.in_cohort) record_wait(end - f.referred_at, f.urgent, true);

        const double years = window / scenario::kDaysPerYear;
        set(Metric::waitlist_mean, waitlist_avg_.mean(end));
        set(Metric::waitlist_end, double(waiting_));
        set(Metric::waitlist_max, waitlist_avg_.max());

        std::vector<double> x, y;
        for (const auto& s : result_.weekly)
            if (s.day >= warmup_) {
                x.push_back(s.day);
                y.push_back(s.waitlist);
            }
        set(Metric::waitlist_growth_per_year, stats::ols_slope(x, y) * scenario::kDaysPerYear);

        const double n = double(wait_stats_.count());
        set(Metric::time_to_help_mean_days, wait_stats_.mean());
        set(Metric::time_to_help_p50_days, wait_hist_.quantile(0.5));
        set(Metric::time_to_help_p90_days, wait_hist_.quantile(0.9));
        set(Metric::time_to_help_urgent_mean_days, urgent_wait_stats_.mean());
        set(Metric::waited_share, n > 0 ? double(waited_) / n : kNaN);
        set(Metric::helped_within_4w_share, outcome_known_ > 0 ? double(helped_within_) / double(outcome_known_) : kNaN);
        set(Metric::still_waiting_end, double(censored_));
        set(Metric::time_to_help_censored_share, n > 0 ? double(censored_) / n : kNaN);
        set(Metric::load_per_fte_mean, load_avg_.mean(end));
        // Helped within k weeks, over all families of the cohort (a censored
        // wait has not been helped).
        const double helped = double(helped_hist_.count());
        for (std::size_t k = 0; k < kHelpedWeeks; ++k)
            result_.helped_within_weeks[k] = n > 0 ? helped_hist_.cdf(7.0 * double(k)) * helped / n : kNaN;
        set(Metric::referrals_per_year, double(referrals_in_window_) / years);
        set(Metric::closures_per_year, double(closures_in_window_) / years);
    }

    const Scenario& sc_;
    TraceSink* trace_;
    const Time warmup_;
    const Time horizon_;
    Time now_ = 0.0;
    ReplicationResult result_;
    kernel::Calendar calendar_;
    kernel::TimerId referral_timer_ = 0;
    kernel::TimerId sample_timer_ = 0;

    kernel::PiecewiseRate arrivals_;
    kernel::Engine arrival_rng_;
    kernel::Engine attribute_rng_;
    boost::random::exponential_distribution<double> unit_exp_{1.0};
    std::vector<double> type_cdf_;
    std::vector<kernel::Distribution> length_;
    std::vector<kernel::Engine> length_rng_;
    std::vector<double> weights_;
    bool mixed_weights_ = false;

    std::vector<Family> families_;
    std::vector<std::uint32_t> free_;
    std::int64_t last_family_ = -1;

    std::size_t classes_ = 1;
    std::vector<detail::Fifo<std::uint32_t>> queues_;  // [class][type]
    std::size_t waiting_ = 0;
    std::uint64_t queue_seq_ = 0;

    std::vector<double> cap_;
    std::vector<double> load_;
    double total_load_ = 0.0;
    double total_fte_ = 1.0;

    stats::TimeAverage waitlist_avg_;
    stats::TimeAverage load_avg_;
    stats::WaitHistogram wait_hist_;     // all waits, censored ones at their length so far
    stats::WaitHistogram helped_hist_;   // completed waits only
    stats::RunningStats wait_stats_;
    stats::RunningStats urgent_wait_stats_;
    std::uint64_t waited_ = 0, censored_ = 0, helped_within_ = 0, outcome_known_ = 0;
    std::uint64_t referrals_in_window_ = 0, closures_in_window_ = 0;
};

}  // namespace

ReplicationResult simulate(const Scenario& scenario, std::uint32_t replication, TraceSink* trace) {
    Run run(scenario, replication, trace);
    return run.execute();
}

}  // namespace caseload::model
