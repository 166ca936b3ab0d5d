#include "caseload/model/model.hpp"

#include "caseload/kernel/calendar.hpp"
#include "caseload/kernel/piecewise_rate.hpp"
#include "caseload/kernel/random.hpp"
#include "caseload/stats/accumulators.hpp"
#include "caseload/stats/inference.hpp"
#include "fifo.hpp"

#include <cmath>
#include <limits>

// The caseload model. Formulas (documented in the README too):
//
//   cap of a worker      = caseload_norm x fte x ramp fraction; 0 while sick or vacant
//   intensity of a case  = reference_caseload / the worker's caseload_norm
//   work speed           = intensity ^ length_strength          (loop 1; 0 = off)
//   repeat probability   = probability x intensity ^ -repeat_strength   (loop 2)
//   pressure of a worker = (load / fte + waitlist_pressure_weight x waiting / FTE in post)
//                          / reference_caseload
//   attrition hazard     = per_year x first-year multiplier x exp(e_a (pressure - 1))  (loop 3)
//   sick-leave onset     = episodes_per_year x exp(e_s (pressure - 1))
//
// A case's length is drawn at referral as work at the reference caseload; a
// worker gets through it at `speed`, so it closes work/speed days after
// assignment. Hazards are exact for piecewise-constant rates: each worker
// holds a unit-exponential budget that the integrated hazard uses up; the
// rates are re-evaluated at the weekly tick (pressure between ticks is the
// value at the tick). A clock's work is done at the ticks (see run_segment).

namespace caseload::model {
namespace {

using kernel::Time;
using scenario::Scenario;

constexpr double kEps = 1e-9;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kWeek = 7.0;               // days between ticks and time-series samples
constexpr double kHelpedWithinDays = 28.0;  // "helped within 4 weeks"
constexpr double kYear = scenario::kDaysPerYear;

enum EventKind : std::uint16_t {
    kReferral,
    kRepeatReferral,
    kClosure,
    kWarmupEnd,
    kTick,
    kDeparture,
    kHire,
    kSickOnset,
    kRecovery,
    kLongSick,
    kCareFound,
    kCareEnd,
    kEscalate,
    kReview,
    kIntervention,
    kSupportLeaves,
    kSupportConverts,
};
const char* kind_name(std::uint16_t k) {
    static const char* names[] = {"referral", "repeat_referral", "closure", "warmup_end", "tick",
                                  "departure", "hire", "sick", "recovery", "long_sick",
                                  "care_found", "care_end", "escalate", "review",
                                  "intervention", "support_leaves", "support_converts"};
    return k < sizeof names / sizeof names[0] ? names[k] : "?";
}

// Same-instant order: what frees room or places first, then what takes it
// away, then arrivals, then the warm-up reset and the weekly tick.
constexpr std::uint8_t kPrioRelease = 0;
constexpr std::uint8_t kPrioLoss = 1;
constexpr std::uint8_t kPrioArrival = 2;
constexpr std::uint8_t kPrioWarmup = 3;
constexpr std::uint8_t kPrioTick = 4;

constexpr std::int32_t kNoWorker = -1;
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// Waitlist classes, served in this order.
constexpr std::size_t kClassUrgent = 0;
constexpr std::size_t kClassHandover = 1;
constexpr std::size_t kClassNormal = 2;
constexpr std::size_t kClasses = 3;

struct Family {
    Time referred_at = 0.0;
    double work = 0.0;        // remaining work, in days at the reference caseload (while waiting)
    double speed = 1.0;       // work per day with the current worker
    Time closure_at = 0.0;    // while assigned
    Time unassigned_since = 0.0;
    double days_without_worker = 0.0;
    double weight = 1.0;
    std::uint64_t queue_seq = 0;  // order of joining the waitlist
    std::uint32_t token = 0;      // identifies this case (family slots are reused)
    std::uint32_t queue_token = 0;
    kernel::EventHandle closure;
    kernel::EventHandle care_event;
    kernel::EventHandle escalate_event;
    std::int32_t worker = kNoWorker;
    std::uint32_t prev = kNone;  // the worker's families: a doubly linked list through the records
    std::uint32_t next = kNone;
    std::uint16_t type = 0;
    std::uint16_t worker_changes = 0;
    bool urgent = false;
    bool in_cohort = false;  // referred after warm-up: counts for time-to-help
    bool helped = false;     // has had a first assignment
    bool active = false;
    bool needs_care = false;
    bool care_waiting = false;  // in the queue for a provider place
    bool placed = false;
    bool psychiatry = false;        // parental psychiatric problems (spv_first_visit)
    bool domestic_violence = false; // (early_uvo)
    bool dv_early = false;          // referred after an early_uvo start: fewer repeats
    bool coordinated = false;       // its care search holds a coordinator's slot
    bool coordinator_waiting = false;
};

struct QueueEntry {
    std::uint32_t family;
    std::uint32_t token;  // the family's queue_token when it joined
};

// A hazard clock: fires when the integrated rate uses up a unit-exponential budget.
struct Clock {
    double budget = 0.0;
    double used = 0.0;
    double rate = 0.0;  // per day, in the current segment
    kernel::EventHandle event;
};

struct Worker {
    double fte = 1.0;
    double norm = 14.0;
    Time hired_at = -1e9;  // initial staff are past their first year
    double ramp = 1.0;     // fraction of the full cap
    bool in_post = true;
    bool sick = false;
    std::uint32_t first_family = kNone;  // head of the list of this worker's families
    Clock attrition;
    Clock sickness;
    kernel::EventHandle recovery;
    kernel::EventHandle long_sick;
};

class Run {
public:
    Run(const Scenario& sc, std::uint32_t replication, TraceSink* trace)
        : sc_(sc), trace_(trace), warmup_(sc.warmup_days), horizon_(sc.horizon_days) {
        result_.replication = replication;
        std::vector<kernel::PiecewiseRate::Segment> segs;
        for (const auto& s : sc.referrals.schedule) segs.push_back({s.from_day, s.rate_per_week / scenario::kDaysPerWeek});
        arrivals_ = kernel::PiecewiseRate(std::move(segs));
        auto engine = [&](std::uint64_t stream) { return kernel::make_engine(sc.seed, replication, stream); };
        arrival_rng_ = engine(streams::arrivals);
        attribute_rng_ = engine(streams::attributes);
        flags_rng_ = engine(streams::flags);

        double cum = 0.0;
        for (std::size_t i = 0; i < sc.referrals.types.size(); ++i) {
            const auto& t = sc.referrals.types[i];
            cum += t.share;
            type_cdf_.push_back(cum);
            length_.emplace_back(t.length);
            length_rng_.push_back(engine(streams::case_length_base + i));
            weights_.push_back(t.weight);
        }
        if (!type_cdf_.empty()) type_cdf_.back() = 1.0;  // guard against rounding in the shares
        for (double w : weights_) mixed_weights_ |= w != weights_.front();
        mixed_weights_ |= sc.placement.share > 0 && sc.placement.weight_multiplier != 1.0;

        const auto& wf = sc.workforce;
        sick_on_ = wf.sick_leave.episodes_per_year > 0;
        attrition_on_ = wf.attrition.per_year > 0;
        using T = scenario::InterventionSpec::Type;
        for (const auto& v : sc.interventions) {
            has_[static_cast<std::size_t>(v.type)] = true;
            if (v.type == T::extra_workers || v.type == T::support_workers) hiring_on_ = true;
        }
        hiring_on_ |= attrition_on_;
        care_on_ = sc.care.need_share > 0;
        repeat_on_ = sc.repeat.probability > 0;
        ramp_on_ = wf.hiring.ramp_days > 0 && wf.hiring.start_fraction < 1.0;
        if (sick_on_) {
            sick_rng_ = engine(streams::sickness);
            sick_length_rng_ = engine(streams::sick_length);
            sick_length_ = kernel::Distribution(wf.sick_leave.length);
        }
        if (attrition_on_) attrition_rng_ = engine(streams::attrition);
        if (hiring_on_) {
            hiring_rng_ = engine(streams::hiring);
            hiring_delay_ = kernel::Distribution(wf.hiring.delay);
        }
        if (has(T::spv_first_visit)) psychiatry_rng_ = engine(streams::psychiatry);
        if (has(T::early_uvo)) dv_rng_ = engine(streams::domestic_violence);
        if (has(T::local_team_cooperation)) local_team_rng_ = engine(streams::local_team);
        if (has(T::support_workers)) support_rng_ = engine(streams::support);
        if (care_on_) {
            care_rng_ = engine(streams::care);
            care_search_ = kernel::Distribution(sc.care.search);
            care_stay_ = kernel::Distribution(sc.care.stay);
        }
        if (repeat_on_) {
            repeat_rng_ = engine(streams::repeat);
            repeat_attribute_rng_ = engine(streams::repeat_attributes);
            repeat_delay_ = kernel::Distribution(sc.repeat.delay);
            for (std::size_t i = 0; i < sc.referrals.types.size(); ++i)
                repeat_length_rng_.push_back(engine(streams::repeat_case_length_base + i));
        }
        if (sc.triage.review_every_days) triage_rng_ = engine(streams::triage);

        queues_.resize(kClasses * sc.referrals.types.size());

        const std::size_t n = static_cast<std::size_t>(wf.workers);
        workers_.assign(n, Worker{});
        for (auto& w : workers_) {
            w.fte = wf.fte;
            w.norm = wf.caseload_norm;
        }
        cap_.assign(n, 0.0);
        load_.assign(n, 0.0);
        for (std::size_t w = 0; w < n; ++w) set_cap(w);
        funded_fte_ = wf.workers * wf.fte;
        fte_in_post_ = funded_fte_;
        headcount_ = double(n);
        families_.reserve(static_cast<std::size_t>(sc.total_cap() * 1.5) + 64);
        calendar_.reserve(static_cast<std::size_t>(sc.total_cap()) + 64);
        result_.weekly.reserve(static_cast<std::size_t>(horizon_ / kWeek) + 1);
    }

    ReplicationResult execute() {
        referral_timer_ = calendar_.add_timer(kReferral, kPrioArrival);
        tick_timer_ = calendar_.add_timer(kTick, kPrioTick);
        schedule_next_referral(0.0);
        // Interventions from day 0 shape the organisation the run starts
        // with: the initial caseloads are filled to the caps they set (a norm
        // of 10 from day 0 is the same as a file with norm 10).
        for (std::size_t i = 0; i < sc_.interventions.size(); ++i)
            if (sc_.interventions[i].at_days <= 0.0) on_intervention(std::uint32_t(i));
        if (sc_.initial.caseload_share > 0) {
            filling_initial_ = true;  // the state at time 0, not events: no trace rows
            fill_initial();
            filling_initial_ = false;
        }
        for (std::size_t w = 0; w < workers_.size(); ++w) start_clocks(w);
        if (sc_.triage.review_every_days) {
            review_timer_ = calendar_.add_timer(kReview, kPrioTick);
            if (*sc_.triage.review_every_days < horizon_) calendar_.set_timer(review_timer_, *sc_.triage.review_every_days);
        }
        for (std::size_t i = 0; i < sc_.interventions.size(); ++i)
            if (sc_.interventions[i].at_days > 0.0 && sc_.interventions[i].at_days < horizon_)
                calendar_.schedule(sc_.interventions[i].at_days, kIntervention, std::uint32_t(i), kPrioLoss);
        if (warmup_ > 0.0)
            calendar_.schedule(warmup_, kWarmupEnd, 0, kPrioWarmup);
        else
            reset_statistics();
        if (kWeek < horizon_) calendar_.set_timer(tick_timer_, kWeek);
        next_tick_ = kWeek;
        week_start_heads_ = headcount_;  // after the interventions of day 0

        kernel::Event ev;
        while (calendar_.pop_before(horizon_, ev)) {
            now_ = ev.time;
            ++result_.events;
            subject_family_ = -1;
            subject_worker_ = -1;
            switch (ev.kind) {
                case kReferral: on_referral(false); break;
                case kRepeatReferral: on_referral(true); break;
                case kClosure: on_closure(ev.target); break;
                case kWarmupEnd: reset_statistics(); break;
                case kTick: on_tick(); break;
                case kDeparture: on_departure(ev.target); break;
                case kHire: on_hire(ev.target); break;
                case kSickOnset: on_sick(ev.target); break;
                case kRecovery: on_recovery(ev.target); break;
                case kLongSick: on_long_sick(ev.target); break;
                case kCareFound: on_care_found(ev.target); break;
                case kCareEnd: on_care_end(); break;
                case kEscalate: on_escalate(ev.target); break;
                case kReview: on_review(); break;
                case kIntervention: on_intervention(ev.target); break;
                case kSupportLeaves: on_support_leaves(); break;
                case kSupportConverts: on_support_converts(); break;
                default: break;
            }
            if (trace_)
                trace_->on_event(now_, kind_name(ev.kind),
                                 subject_family_ >= 0 ? std::int64_t(families_[std::size_t(subject_family_)].token) : -1,
                                 subject_worker_, waiting_, with_worker_, closed_total_);
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
    [[nodiscard]] bool in_window() const { return now_ >= warmup_; }

    // ---- referrals and cases ---------------------------------------------------

    void schedule_next_referral(Time t) {
        const Time next = arrivals_.next_after(t, unit_exp_(arrival_rng_));
        if (next < horizon_) calendar_.set_timer(referral_timer_, next);
    }

    void on_referral(bool repeat) {
        if (!repeat) schedule_next_referral(now_);
        if (has(scenario::InterventionSpec::Type::local_team_cooperation)) {
            // Drawn for every referral, so the stream stays aligned before the start.
            const double u = kernel::uniform01(local_team_rng_);
            if (u < referral_reduction_) return;  // an inappropriate referral that no longer comes
        }
        if (in_window()) {
            ++referrals_in_window_;
            if (repeat) ++repeats_in_window_;
        }
        // Repeat referrals draw from their own streams, so switching repeats
        // on or off leaves every new referral's numbers untouched.
        kernel::Engine& attr = repeat ? repeat_attribute_rng_ : attribute_rng_;
        kernel::Engine& flags = repeat ? repeat_attribute_rng_ : flags_rng_;
        const std::uint32_t id = new_family();
        Family& f = families_[id];
        subject_family_ = id;
        const double u_type = kernel::uniform01(attr);
        const double u_urgent = kernel::uniform01(attr);
        std::uint16_t type = 0;
        while (type + 1u < type_cdf_.size() && u_type >= type_cdf_[type]) ++type;
        f.type = type;
        f.urgent = u_urgent < sc_.referrals.urgent_share;
        f.work = length_[type](repeat ? repeat_length_rng_[type] : length_rng_[type]);
        f.weight = weights_[type];
        if (care_on_ || sc_.placement.share > 0) {
            const double u_care = kernel::uniform01(flags);
            const double u_place = kernel::uniform01(flags);
            f.needs_care = u_care < sc_.care.need_share;
            f.placed = u_place < sc_.placement.share * placement_factor_;
            if (f.placed) {
                f.work *= sc_.placement.length_multiplier;
                f.weight *= sc_.placement.weight_multiplier;
                if (in_window()) ++placed_in_window_;
            }
        }
        if (has(scenario::InterventionSpec::Type::spv_first_visit))
            f.psychiatry = kernel::uniform01(psychiatry_rng_) < psychiatry_share_;
        if (has(scenario::InterventionSpec::Type::early_uvo)) {
            f.domestic_violence = kernel::uniform01(dv_rng_) < dv_share_;
            if (f.domestic_violence && uvo_active_) {
                f.dv_early = true;
                f.work += uvo_extra_work_;
            }
        }
        f.work *= local_length_multiplier_;
        f.referred_at = now_;
        f.unassigned_since = now_;
        f.in_cohort = in_window();
        if (sc_.triage.escalate_after_days && !f.urgent)
            f.escalate_event = calendar_.schedule(now_ + *sc_.triage.escalate_after_days, kEscalate, id, kPrioArrival);

        if (waiting_ == 0) {
            const std::size_t w = most_room();
            if (!cap_.empty() && room(w) + kEps >= f.weight) {
                assign(id, w);
            } else {
                enqueue(id, kClassNormal);
            }
        } else {
            // Families are waiting, so no worker had room for any of them; a
            // lighter newcomer may still fit somewhere.
            enqueue(id, kClassNormal);
            if (mixed_weights_) assign_while_room();
        }
        waitlist_avg_.update(now_, double(waiting_));
    }

    // Families in care at time 0: each worker filled to a share of the cap.
    // Types are drawn length-biased (long cases are over-represented in a
    // caseload), remaining work from the equilibrium residual length, and
    // the time already spent from a second draw (in equilibrium the age has
    // the residual's distribution). They count toward closures
    // but not toward time to help, which needs a referral in the window.
    void fill_initial() {
        kernel::Engine rng = kernel::make_engine(sc_.seed, result_.replication, streams::initial);
        std::vector<double> stock_cdf;
        double total = 0;
        for (const auto& t : sc_.referrals.types) stock_cdf.push_back(total += t.share * t.length.theoretical_mean());
        std::vector<kernel::Distribution> lengths(length_);
        for (std::size_t w = 0; w < workers_.size(); ++w) {
            const double target = sc_.initial.caseload_share * cap_[w];
            for (;;) {
                const double u = kernel::uniform01(rng) * total;
                std::uint16_t type = 0;
                while (type + 1u < stock_cdf.size() && u >= stock_cdf[type]) ++type;
                if (load_[w] + weights_[type] > target + kEps) break;
                const std::uint32_t id = new_family();
                Family& f = families_[id];
                f.type = type;
                f.weight = weights_[type];
                f.helped = true;
                f.work = lengths[type].residual(rng);
                f.referred_at = -lengths[type].residual(rng);  // age: distributed as the residual
                f.unassigned_since = 0.0;
                assign(id, w);
            }
        }
    }

    // Intensity of work under worker w's norm (1 at the reference caseload).
    [[nodiscard]] double intensity(std::size_t w) const { return sc_.effects.reference_caseload / workers_[w].norm; }

    void link(std::uint32_t id, std::size_t w) {
        Family& f = families_[id];
        f.prev = kNone;
        f.next = workers_[w].first_family;
        if (f.next != kNone) families_[f.next].prev = id;
        workers_[w].first_family = id;
    }

    void unlink(std::uint32_t id, std::size_t w) {
        Family& f = families_[id];
        if (f.prev != kNone)
            families_[f.prev].next = f.next;
        else
            workers_[w].first_family = f.next;
        if (f.next != kNone) families_[f.next].prev = f.prev;
        f.prev = f.next = kNone;
    }

    void assign(std::uint32_t id, std::size_t w) {
        Family& f = families_[id];
        if (!f.helped && f.psychiatry && spv_visits_left_ >= 1.0) {
            // A nurse joins the first visit: the family is screened.
            spv_visits_left_ -= 1.0;
            f.work *= spv_length_multiplier_;
            f.weight *= spv_weight_multiplier_;
        }
        f.worker = static_cast<std::int32_t>(w);
        link(id, w);
        change_load(w, f.weight);
        ++with_worker_;
        f.days_without_worker += now_ - f.unassigned_since;
        f.speed = sc_.effects.length_strength > 0 ? std::pow(intensity(w), sc_.effects.length_strength) : 1.0;
        f.closure_at = now_ + f.work / f.speed;
        f.closure = calendar_.schedule(f.closure_at, kClosure, id, kPrioRelease);
        if (trace_ && !filling_initial_) trace_->on_assign(now_, f.token, std::int64_t(w), !f.helped);
        if (!f.helped) {
            f.helped = true;
            calendar_.cancel(f.escalate_event);
            if (f.in_cohort) record_wait(now_ - f.referred_at, f.urgent, false);
            if (f.needs_care) start_search(id);
        }
    }

    void on_closure(std::uint32_t id) {
        Family& f = families_[id];
        subject_family_ = id;
        const auto w = static_cast<std::size_t>(f.worker);
        subject_worker_ = std::int64_t(w);
        unlink(id, w);
        change_load(w, -f.weight);
        --with_worker_;
        ++closed_total_;
        if (in_window()) {
            ++closures_in_window_;
            case_length_.add(now_ - f.referred_at);
            worker_changes_.add(double(f.worker_changes));
            days_without_worker_.add(f.days_without_worker);
        }
        if (f.needs_care) {
            calendar_.cancel(f.care_event);  // a search still going ends with the case
            f.care_waiting = false;          // a queued request goes stale
            f.coordinator_waiting = false;
            if (f.coordinated) {
                f.coordinated = false;
                release_coordinator();
            }
        }
        if (repeat_on_) {
            // Two draws at every closure, whatever the outcome, so the stream
            // stays aligned between scenarios.
            const double u = kernel::uniform01(repeat_rng_);
            const double delay = repeat_delay_(repeat_rng_);
            double p = sc_.effects.repeat_strength > 0
                           ? sc_.repeat.probability * std::pow(intensity(w), -sc_.effects.repeat_strength)
                           : sc_.repeat.probability;
            if (f.dv_early) p *= uvo_repeat_multiplier_;
            if (u < p) {
                if (in_window()) ++repeats_triggered_in_window_;
                if (now_ + delay < horizon_) calendar_.schedule(now_ + delay, kRepeatReferral, 0, kPrioArrival);
            }
        }
        f.active = false;
        free_.push_back(id);
        fill_worker(w);
        waitlist_avg_.update(now_, double(waiting_));
    }

    // ---- the weekly tick: samples, hazards, ramp-up ------------------------------

    void on_tick() {
        // Turnover divides by the headcount at the start of the week: any
        // later count is lowered by the week's own departures (not yet
        // replaced), which biases the ratio up by about (1 + departures a
        // week) / (2 x headcount), 3% for 20 workers.
        result_.weekly.push_back({now_, double(waiting_), total_load_ / std::max(fte_in_post_, kEps), fte_in_post_,
                                  funded_fte_ - fte_in_post_, sick_fte_,
                                  week_start_heads_ > 0
                                      ? double(departures_in_week_) * (kYear / kWeek) / week_start_heads_
                                      : kNaN,
                                  fte_in_post_ > 0 ? sick_fte_ / fte_in_post_ : kNaN});
        departures_in_week_ = 0;
        week_start_heads_ = headcount_;
        next_tick_ = now_ + kWeek;
        if (next_tick_ < horizon_) calendar_.set_timer(tick_timer_, next_tick_);
        spv_visits_left_ = spv_visits_per_week_;
        if (!(attrition_on_ || sick_on_ || ramp_on_)) return;
        bool more_room = false;
        for (std::size_t w = 0; w < workers_.size(); ++w) {
            Worker& k = workers_[w];
            if (!k.in_post) continue;
            const double p = pressure(w);
            if (attrition_on_) run_segment(k.attrition, attrition_rate(w, p), kDeparture, w);
            if (sick_on_ && !k.sick) run_segment(k.sickness, sick_rate(p), kSickOnset, w);
            if (ramp_on_ && k.ramp < 1.0) {
                const auto& h = sc_.workforce.hiring;
                k.ramp = std::min(1.0, h.start_fraction + (1.0 - h.start_fraction) * (now_ - k.hired_at) / h.ramp_days);
                set_cap(w);
                more_room = true;
            }
        }
        if (more_room) assign_while_room();
        waitlist_avg_.update(now_, double(waiting_));
    }

    [[nodiscard]] double pressure(std::size_t w) const {
        const Worker& k = workers_[w];
        double per_fte = load_[w] / k.fte;
        if (support_fte_ > 0 && fte_in_post_ > 0)
            per_fte *= std::max(0.0, 1.0 - support_relief_ * support_fte_ / fte_in_post_);
        if (sc_.effects.waitlist_pressure_weight > 0 && fte_in_post_ > 0)
            per_fte += sc_.effects.waitlist_pressure_weight * double(waiting_) / fte_in_post_;
        return per_fte / sc_.effects.reference_caseload;
    }

    [[nodiscard]] double attrition_rate(std::size_t w, double pressure) const {
        const auto& a = sc_.workforce.attrition;
        double rate = a.per_year / kYear;
        if (now_ - workers_[w].hired_at < kYear) rate *= a.first_year_multiplier;
        if (a.pressure_elasticity != 0) rate *= std::exp(a.pressure_elasticity * (pressure - 1.0));
        return rate;
    }

    [[nodiscard]] double sick_rate(double pressure) const {
        const auto& s = sc_.workforce.sick_leave;
        double rate = s.episodes_per_year / kYear;
        if (s.pressure_elasticity != 0) rate *= std::exp(s.pressure_elasticity * (pressure - 1.0));
        return rate;
    }

    // A clock runs in segments that end at the next weekly tick, with the
    // rate fixed within a segment. If the budget runs out within the segment
    // the event is scheduled at the exact moment; otherwise the segment's
    // hazard is added and nothing is scheduled. So a worker costs one rate
    // evaluation a week, and an event only in the week it happens.
    void start_clock(Clock& c, kernel::Engine& rng, double rate, std::uint16_t kind, std::size_t w) {
        c.budget = unit_exp_(rng);
        c.used = 0.0;
        run_segment(c, rate, kind, w);
    }

    void run_segment(Clock& c, double rate, std::uint16_t kind, std::size_t w) {
        c.rate = rate;
        if (calendar_.pending(c.event)) return;  // fires within this segment already
        const double until = std::min(next_tick_, horizon_);
        const double hazard = rate * (until - now_);
        if (c.used + hazard >= c.budget && rate > 0) {
            c.event = calendar_.schedule(now_ + (c.budget - c.used) / rate, kind, std::uint32_t(w), kPrioLoss);
            c.used = c.budget;
        } else {
            c.used += hazard;
        }
    }

    void start_clocks(std::size_t w) {
        const double p = pressure(w);
        if (attrition_on_) start_clock(workers_[w].attrition, attrition_rng_, attrition_rate(w, p), kDeparture, w);
        if (sick_on_) start_clock(workers_[w].sickness, sick_rng_, sick_rate(p), kSickOnset, w);
    }

    // ---- workforce ---------------------------------------------------------------

    void set_cap(std::size_t w) {
        const Worker& k = workers_[w];
        const double cap = (k.in_post && !k.sick) ? k.norm * k.fte * k.ramp : 0.0;
        total_cap_ += cap - cap_[w];
        cap_[w] = cap;
        capacity_avg_.update(now_, total_cap_);
    }

    void change_load(std::size_t w, double delta) {
        load_[w] += delta;
        total_load_ += delta;
        load_avg_.update(now_, total_load_);
    }

    void on_departure(std::uint32_t w) {
        subject_worker_ = w;
        Worker& k = workers_[w];
        if (in_window()) ++departures_in_window_;
        ++departures_in_week_;
        if (k.sick) {
            calendar_.cancel(k.recovery);
            calendar_.cancel(k.long_sick);
            change_sick(-k.fte);
            k.sick = false;
        }
        calendar_.cancel(k.sickness.event);
        k.in_post = false;
        set_cap(w);
        change_in_post(-k.fte, -1.0);
        hand_back(w);
        const double delay = hiring_delay_(hiring_rng_);
        if (now_ + delay < horizon_) calendar_.schedule(now_ + delay, kHire, w, kPrioRelease);
        waitlist_avg_.update(now_, double(waiting_));
    }

    void on_hire(std::uint32_t w) {
        subject_worker_ = w;
        Worker& k = workers_[w];
        k.in_post = true;
        k.sick = false;
        k.hired_at = now_;
        k.ramp = ramp_on_ ? sc_.workforce.hiring.start_fraction : 1.0;
        change_in_post(k.fte, 1.0);
        set_cap(w);
        start_clocks(w);
        fill_worker(w);
        waitlist_avg_.update(now_, double(waiting_));
    }

    void on_sick(std::uint32_t w) {
        subject_worker_ = w;
        Worker& k = workers_[w];
        k.sick = true;
        set_cap(w);
        change_sick(k.fte);
        const double length = sick_length_(sick_length_rng_);
        k.recovery = calendar_.schedule(now_ + length, kRecovery, w, kPrioRelease);
        const double long_after = sc_.workforce.sick_leave.long_after_days;
        if (length > long_after) k.long_sick = calendar_.schedule(now_ + long_after, kLongSick, w, kPrioLoss);
    }

    void on_long_sick(std::uint32_t w) {
        subject_worker_ = w;
        hand_back(w);
        waitlist_avg_.update(now_, double(waiting_));
    }

    void on_recovery(std::uint32_t w) {
        subject_worker_ = w;
        Worker& k = workers_[w];
        k.sick = false;
        change_sick(-k.fte);
        set_cap(w);
        start_clock(k.sickness, sick_rng_, sick_rate(pressure(w)), kSickOnset, w);
        fill_worker(w);
        waitlist_avg_.update(now_, double(waiting_));
    }

    void change_in_post(double fte, double heads) {
        fte_in_post_ += fte;
        headcount_ += heads;
        fte_avg_.update(now_, fte_in_post_);
        headcount_avg_.update(now_, headcount_);
    }

    void change_sick(double fte) {
        sick_fte_ += fte;
        sick_avg_.update(now_, sick_fte_);
    }

    // Worker w's families go back to the waitlist: each keeps its remaining
    // work, adds the handover penalty and counts a change of worker.
    void hand_back(std::size_t w) {
        for (std::uint32_t id = workers_[w].first_family; id != kNone;) {
            Family& f = families_[id];
            const std::uint32_t next = f.next;
            calendar_.cancel(f.closure);
            f.work = std::max(f.closure_at - now_, 0.0) * f.speed + sc_.handover.penalty_days;
            change_load(w, -f.weight);
            --with_worker_;
            f.worker = kNoWorker;
            f.prev = f.next = kNone;
            f.unassigned_since = now_;
            ++f.worker_changes;
            enqueue(id, sc_.handover.ahead_of_new ? kClassHandover : kClassNormal);
            id = next;
        }
        workers_[w].first_family = kNone;
        assign_while_room();
    }

    // ---- interventions ------------------------------------------------------------

    void on_intervention(std::uint32_t index) {
        using T = scenario::InterventionSpec::Type;
        const auto& v = sc_.interventions[index];
        switch (v.type) {
            case T::caseload_norm: {
                const auto n = static_cast<std::size_t>(std::ceil(v.share * double(workers_.size()) - 1e-9));
                for (std::size_t w = 0; w < n && w < workers_.size(); ++w) {
                    workers_[w].norm = v.norm;
                    set_cap(w);
                }
                if (v.share >= 1.0) norm_for_new_ = v.norm;  // positions added later get it too
                assign_while_room();
                break;
            }
            case T::extra_workers: {
                // Funded FTE up; the new positions are filled through hiring.
                // Positions of the scenario's FTE, and one part-time position
                // for what remains (0.4 FTE is a 0.4 position, not nothing).
                const double per = sc_.workforce.fte;
                const auto whole = static_cast<std::size_t>(std::floor(v.fte / per + 1e-9));
                const double rest = v.fte - double(whole) * per;
                const std::size_t positions = whole + (rest > 1e-9 ? 1 : 0);
                for (std::size_t i = 0; i < positions; ++i) {
                    const std::size_t w = add_position(i < whole ? per : rest);
                    const double delay = hiring_delay_(hiring_rng_);
                    if (now_ + delay < horizon_) calendar_.schedule(now_ + delay, kHire, std::uint32_t(w), kPrioRelease);
                }
                break;
            }
            case T::support_workers: {
                support_relief_ = v.relief;
                const double leave_rate = sc_.workforce.attrition.per_year / kYear *
                                          sc_.workforce.attrition.first_year_multiplier * v.attrition_multiplier;
                for (int i = 0; i < v.count; ++i) {
                    change_support(1.0);
                    const double leaves = leave_rate > 0 ? unit_exp_(support_rng_) / leave_rate : kInf;
                    if (leaves < v.learning_days) {
                        if (now_ + leaves < horizon_) calendar_.schedule(now_ + leaves, kSupportLeaves, 0, kPrioLoss);
                    } else if (now_ + v.learning_days < horizon_) {
                        calendar_.schedule(now_ + v.learning_days, kSupportConverts, 0, kPrioRelease);
                    }
                }
                break;
            }
            case T::care_coordinators:
                coordinator_slots_ += std::int64_t(v.count) * v.searches_each;
                search_multiplier_ = v.search_multiplier;
                break;
            case T::placement_reduction: placement_factor_ *= v.factor; break;
            case T::spv_first_visit:
                psychiatry_share_ = v.psychiatry_share;
                spv_visits_per_week_ += v.count * v.visits_per_week;
                spv_visits_left_ = spv_visits_per_week_;
                spv_length_multiplier_ = v.length_multiplier;
                spv_weight_multiplier_ = v.weight_multiplier;
                break;
            case T::early_uvo:
                uvo_active_ = true;
                dv_share_ = v.dv_share;
                uvo_repeat_multiplier_ = v.repeat_multiplier;
                uvo_extra_work_ = v.extra_work_days;
                break;
            case T::local_team_cooperation:
                referral_reduction_ = v.referral_reduction;
                local_length_multiplier_ = v.length_multiplier;
                break;
        }
        waitlist_avg_.update(now_, double(waiting_));
    }

    // A new funded, vacant position.
    std::size_t add_position(double fte) {
        Worker k;
        k.fte = fte;
        k.norm = norm_for_new_;
        k.in_post = false;
        workers_.push_back(k);
        cap_.push_back(0.0);
        load_.push_back(0.0);
        funded_fte_ += fte;
        return workers_.size() - 1;
    }

    void change_support(double fte) {
        support_fte_ += fte;
        support_avg_.update(now_, support_fte_);
    }

    void on_support_leaves() { change_support(-1.0); }

    // A junior who has learned the job takes a case-carrying position at once.
    void on_support_converts() {
        change_support(-1.0);
        const std::size_t w = add_position(sc_.workforce.fte);
        on_hire(std::uint32_t(w));
    }

    // ---- specialist care -----------------------------------------------------------

    // A care search: with care coordinators in place it needs one of their
    // slots (and queues for one); a covered search is shorter.
    void start_search(std::uint32_t id) {
        Family& f = families_[id];
        double search = care_search_(care_rng_);  // drawn either way: the stream stays aligned
        if (coordinator_slots_ > 0) {
            if (coordinators_busy_ >= coordinator_slots_) {
                f.coordinator_waiting = true;
                coordinator_queue_.push({id, f.token});
                return;
            }
            ++coordinators_busy_;
            f.coordinated = true;
            search *= search_multiplier_;
        }
        f.care_event = calendar_.schedule(now_ + search, kCareFound, id, kPrioArrival);
    }

    void release_coordinator() {
        --coordinators_busy_;
        while (!coordinator_queue_.empty() && coordinators_busy_ < coordinator_slots_) {
            const QueueEntry e = coordinator_queue_.pop();
            Family& f = families_[e.family];
            if (!(f.active && f.token == e.token && f.coordinator_waiting)) continue;
            f.coordinator_waiting = false;
            start_search(e.family);
        }
    }

    void on_care_found(std::uint32_t id) {
        subject_family_ = id;
        Family& f = families_[id];
        if (f.coordinated) {
            f.coordinated = false;
            release_coordinator();
        }
        if (!sc_.care.places || places_in_use_ < *sc_.care.places) {
            start_care(id);
        } else {
            f.care_waiting = true;
            care_queue_.push({id, f.token});
        }
    }

    void start_care(std::uint32_t id) {
        Family& f = families_[id];
        f.care_waiting = false;
        ++places_in_use_;
        calendar_.schedule(now_ + care_stay_(care_rng_), kCareEnd, 0, kPrioRelease);
        const double delay = now_ - f.referred_at;
        if (f.in_cohort) time_to_care_.add(delay);
        const double late = delay - sc_.care.late_after_days;
        if (sc_.care.late_extension > 0 && late > 0) {
            const double extra = sc_.care.late_extension * late;  // days of work
            if (f.worker != kNoWorker) {
                calendar_.cancel(f.closure);
                f.closure_at += extra / f.speed;
                f.closure = calendar_.schedule(f.closure_at, kClosure, id, kPrioRelease);
            } else {
                f.work += extra;
            }
        }
    }

    void on_care_end() {
        --places_in_use_;
        while (!care_queue_.empty() && (!sc_.care.places || places_in_use_ < *sc_.care.places)) {
            const QueueEntry e = care_queue_.pop();
            const Family& f = families_[e.family];
            if (f.active && f.token == e.token && f.care_waiting) start_care(e.family);
        }
    }

    // ---- triage ----------------------------------------------------------------------

    void on_escalate(std::uint32_t id) {
        subject_family_ = id;
        escalate(id);
    }

    void on_review() {
        const double every = *sc_.triage.review_every_days;
        if (now_ + every < horizon_) calendar_.set_timer(review_timer_, now_ + every);
        scratch_.clear();
        for (std::size_t q = 0; q < queues_.size(); ++q)
            queues_[q].for_each([&](const QueueEntry& e) {
                if (valid(e) && !families_[e.family].urgent) scratch_.push_back(e.family);
            });
        for (std::uint32_t id : scratch_)
            if (kernel::uniform01(triage_rng_) < sc_.triage.review_probability) escalate(id);
    }

    void escalate(std::uint32_t id) {
        Family& f = families_[id];
        if (f.urgent || f.worker != kNoWorker || !f.active) return;
        f.urgent = true;
        if (in_window()) ++escalations_in_window_;
        if (sc_.waitlist.discipline == scenario::Discipline::urgent_first) {
            --waiting_;
            enqueue(id, kClassUrgent);  // the old entry goes stale
        }
    }

    // ---- waitlist ---------------------------------------------------------------------

    [[nodiscard]] bool valid(const QueueEntry& e) const {
        const Family& f = families_[e.family];
        return f.active && f.worker == kNoWorker && f.queue_token == e.token;
    }

    void enqueue(std::uint32_t id, std::size_t cls) {
        Family& f = families_[id];
        if (f.urgent && sc_.waitlist.discipline == scenario::Discipline::urgent_first) cls = kClassUrgent;
        f.queue_seq = queue_seq_++;
        ++f.queue_token;
        queues_[cls * length_.size() + f.type].push({id, f.queue_token});
        ++waiting_;
    }

    // The queue whose head comes first (class, then time of joining) among
    // heads that fit in `room`; -1 if none fits. Drops stale heads.
    [[nodiscard]] std::int64_t best_fitting(double room) {
        std::int64_t best_queue = -1;
        std::uint64_t best_seq = std::numeric_limits<std::uint64_t>::max();
        const std::size_t per_class = length_.size();
        for (std::size_t q = 0; q < queues_.size(); ++q) {
            auto& queue = queues_[q];
            while (!queue.empty() && !valid(queue.front())) queue.pop();
            if (queue.empty()) continue;
            if (best_queue >= 0 && q / per_class != std::size_t(best_queue) / per_class) break;  // lower class
            const Family& f = families_[queue.front().family];
            if (f.weight > room + kEps) continue;
            if (f.queue_seq < best_seq) {
                best_seq = f.queue_seq;
                best_queue = std::int64_t(q);
            }
        }
        return best_queue;
    }

    std::uint32_t dequeue(std::int64_t q) {
        --waiting_;
        return queues_[std::size_t(q)].pop().family;
    }

    void fill_worker(std::size_t w) {
        while (waiting_ > 0) {
            const std::int64_t q = best_fitting(room(w));
            if (q < 0) return;
            assign(dequeue(q), w);
        }
    }

    void assign_while_room() {
        while (waiting_ > 0 && !cap_.empty()) {
            const std::size_t w = most_room();
            const std::int64_t q = best_fitting(room(w));
            if (q < 0) return;
            assign(dequeue(q), w);
        }
    }

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
        families_[id].token = ++token_counter_;
        return id;
    }

    [[nodiscard]] double room(std::size_t w) const { return cap_[w] - load_[w]; }

    // The worker with the most room; ties go to the lowest index.
    [[nodiscard]] std::size_t most_room() const {
        std::size_t best = 0;
        double best_room = -kInf;
        for (std::size_t w = 0; w < cap_.size(); ++w) {
            const double r = cap_[w] - load_[w];
            // select, not branch: which worker wins is unpredictable
            const bool more = r > best_room;
            best = more ? w : best;
            best_room = more ? r : best_room;
        }
        return best;
    }

    // ---- statistics -----------------------------------------------------------------------

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

    void reset_statistics() {
        waitlist_avg_.reset(now_, double(waiting_));
        load_avg_.reset(now_, total_load_);
        fte_avg_.reset(now_, fte_in_post_);
        headcount_avg_.reset(now_, headcount_);
        sick_avg_.reset(now_, sick_fte_);
        capacity_avg_.reset(now_, total_cap_);
        support_avg_.reset(now_, support_fte_);
        referrals_in_window_ = closures_in_window_ = repeats_in_window_ = repeats_triggered_in_window_ = 0;
        placed_in_window_ = departures_in_window_ = escalations_in_window_ = 0;
    }

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
        // Families never helped and still waiting: their waits are censored at `end`.
        for (const Family& f : families_)
            if (f.active && f.worker == kNoWorker && f.in_cohort && !f.helped)
                record_wait(end - f.referred_at, f.urgent, true);

        const double years = window / kYear;
        set(Metric::waitlist_mean, waitlist_avg_.mean(end));
        set(Metric::waitlist_end, double(waiting_));
        set(Metric::waitlist_max, waitlist_avg_.max());

        // The trend over the second half of the window: a queue still filling
        // up slows down there, one that does not settle keeps growing.
        std::vector<double> x, y;
        const double trend_from = warmup_ + 0.5 * window;
        for (const auto& s : result_.weekly)
            if (s.day >= trend_from) {
                x.push_back(s.day);
                y.push_back(s.waitlist);
            }
        set(Metric::waitlist_growth_per_year, stats::ols_slope(x, y) * kYear);

        const double n = double(wait_stats_.count());
        set(Metric::time_to_help_mean_days, wait_stats_.mean());
        set(Metric::time_to_help_p50_days, wait_hist_.quantile(0.5));
        set(Metric::time_to_help_p90_days, wait_hist_.quantile(0.9));
        set(Metric::time_to_help_urgent_mean_days, urgent_wait_stats_.mean());
        set(Metric::waited_share, n > 0 ? double(waited_) / n : kNaN);
        set(Metric::helped_within_4w_share, outcome_known_ > 0 ? double(helped_within_) / double(outcome_known_) : kNaN);
        set(Metric::still_waiting_end, double(censored_));
        set(Metric::time_to_help_censored_share, n > 0 ? double(censored_) / n : kNaN);
        const double fte = fte_avg_.mean(end);
        set(Metric::load_per_fte_mean, fte > 0 ? load_avg_.mean(end) / fte : kNaN);
        const double helped = double(helped_hist_.count());
        std::array<double, kHelpedWeeks> days{};
        for (std::size_t k = 0; k < kHelpedWeeks; ++k) days[k] = 7.0 * double(k);
        helped_hist_.cdf_many(days.data(), days.size(), [&](std::size_t k, double share) {
            result_.helped_within_weeks[k] = n > 0 ? (helped > 0 ? share * helped / n : 0.0) : kNaN;
        });
        set(Metric::referrals_per_year, double(referrals_in_window_) / years);
        set(Metric::closures_per_year, double(closures_in_window_) / years);

        set(Metric::case_length_mean_days, case_length_.mean());
        set(Metric::worker_changes_per_case, worker_changes_.mean());
        set(Metric::days_without_worker_mean, days_without_worker_.mean());
        set(Metric::time_to_care_mean_days, time_to_care_.mean());
        set(Metric::repeat_referral_rate,
            closures_in_window_ > 0 ? double(repeats_triggered_in_window_) / double(closures_in_window_) : kNaN);
        set(Metric::placed_share,
            referrals_in_window_ > 0 ? double(placed_in_window_) / double(referrals_in_window_) : kNaN);
        set(Metric::escalations_per_year, double(escalations_in_window_) / years);
        set(Metric::fte_in_post_mean, fte);
        set(Metric::capacity_mean, capacity_avg_.mean(end));
        set(Metric::vacancies_mean, funded_fte_ - fte);
        const double heads = headcount_avg_.mean(end);
        set(Metric::turnover_per_year, heads > 0 ? double(departures_in_window_) / years / heads : kNaN);
        set(Metric::departures_per_year, double(departures_in_window_) / years);
        set(Metric::absenteeism_share, fte > 0 ? sick_avg_.mean(end) / fte : kNaN);
        const double cost = sc_.workforce.cost_per_fte_year * (fte + support_avg_.mean(end));
        set(Metric::staff_cost_per_year, cost);
        set(Metric::cost_per_closed_case, closures_in_window_ > 0 ? cost * years / double(closures_in_window_) : kNaN);
    }

    const Scenario& sc_;
    TraceSink* trace_;
    const Time warmup_;
    const Time horizon_;
    Time now_ = 0.0;
    ReplicationResult result_;
    kernel::Calendar calendar_;
    kernel::TimerId referral_timer_ = 0;
    kernel::TimerId tick_timer_ = 0;
    Time next_tick_ = kWeek;  // end of the current hazard segment
    kernel::TimerId review_timer_ = 0;
    std::int64_t subject_family_ = -1;
    bool filling_initial_ = false;
    std::int64_t subject_worker_ = -1;

    bool sick_on_ = false, attrition_on_ = false, care_on_ = false, repeat_on_ = false, ramp_on_ = false,
         hiring_on_ = false;
    std::array<bool, 8> has_{};  // which intervention types the scenario holds
    [[nodiscard]] bool has(scenario::InterventionSpec::Type t) const { return has_[static_cast<std::size_t>(t)]; }

    // Intervention state: neutral values until an intervention starts.
    double referral_reduction_ = 0.0, local_length_multiplier_ = 1.0, placement_factor_ = 1.0;
    double psychiatry_share_ = 0.0, spv_visits_per_week_ = 0.0, spv_visits_left_ = 0.0;
    double spv_length_multiplier_ = 1.0, spv_weight_multiplier_ = 1.0;
    double dv_share_ = 0.0, uvo_repeat_multiplier_ = 1.0, uvo_extra_work_ = 0.0;
    bool uvo_active_ = false;
    std::int64_t coordinator_slots_ = 0, coordinators_busy_ = 0;
    double search_multiplier_ = 1.0;
    detail::Fifo<QueueEntry> coordinator_queue_;
    double support_fte_ = 0.0, support_relief_ = 0.0;
    double norm_for_new_ = sc_.workforce.caseload_norm;
    kernel::Engine psychiatry_rng_, dv_rng_, local_team_rng_, support_rng_;

    kernel::PiecewiseRate arrivals_;
    kernel::Engine arrival_rng_, attribute_rng_, flags_rng_;
    kernel::Engine sick_rng_, sick_length_rng_, attrition_rng_, hiring_rng_, care_rng_, repeat_rng_,
        repeat_attribute_rng_, triage_rng_;
    boost::random::exponential_distribution<double> unit_exp_{1.0};
    std::vector<double> type_cdf_;
    std::vector<kernel::Distribution> length_;
    std::vector<kernel::Engine> length_rng_, repeat_length_rng_;
    std::vector<double> weights_;
    bool mixed_weights_ = false;
    kernel::Distribution sick_length_, hiring_delay_, care_search_, care_stay_, repeat_delay_;

    std::vector<Family> families_;
    std::vector<std::uint32_t> free_;
    std::uint32_t token_counter_ = 0;
    std::size_t with_worker_ = 0;
    std::uint64_t closed_total_ = 0;

    std::vector<detail::Fifo<QueueEntry>> queues_;  // [class][type]
    std::size_t waiting_ = 0;
    std::uint64_t queue_seq_ = 0;
    std::vector<std::uint32_t> scratch_;

    detail::Fifo<QueueEntry> care_queue_;
    std::int64_t places_in_use_ = 0;

    std::vector<Worker> workers_;
    std::vector<double> cap_;   // what each worker may carry now
    std::vector<double> load_;  // what each worker carries
    double total_load_ = 0.0;
    double total_cap_ = 0.0;
    double funded_fte_ = 0.0;
    double fte_in_post_ = 0.0;
    double headcount_ = 0.0;
    double sick_fte_ = 0.0;

    stats::TimeAverage waitlist_avg_, load_avg_, fte_avg_, headcount_avg_, sick_avg_, capacity_avg_, support_avg_;
    stats::WaitHistogram wait_hist_;    // all waits, censored ones at their length so far
    stats::WaitHistogram helped_hist_;  // completed waits only
    stats::Mean wait_stats_, urgent_wait_stats_;
    stats::Mean case_length_, worker_changes_, days_without_worker_, time_to_care_;
    std::uint64_t waited_ = 0, censored_ = 0, helped_within_ = 0, outcome_known_ = 0;
    std::uint64_t referrals_in_window_ = 0, closures_in_window_ = 0, repeats_in_window_ = 0,
                  repeats_triggered_in_window_ = 0, placed_in_window_ = 0, departures_in_window_ = 0,
                  escalations_in_window_ = 0;
    std::uint64_t departures_in_week_ = 0;  // since the last weekly sample, warm-up included
    double week_start_heads_ = 0.0;         // headcount at the last weekly sample (or day 0)
};

}  // namespace

ReplicationResult simulate(const Scenario& scenario, std::uint32_t replication, TraceSink* trace) {
    Run run(scenario, replication, trace);
    return run.execute();
}

}  // namespace caseload::model
