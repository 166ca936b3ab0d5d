// One replication: the run loop, the dispatch of events to the mechanisms,
// and the assignment step that connects them (the waitlist, the workforce,
// care, the interventions and the recorder know nothing of each other; the
// run decides what follows from what each reports).
//
// Formulas (documented in the README too; the workforce's in workforce.hpp):
//
//   intensity of a case  = reference_caseload / the worker's caseload_norm
//   work speed           = intensity ^ length_strength          (loop 1; 0 = off)
//   repeat probability   = probability x intensity ^ -repeat_strength   (loop 2)
//
// A case's length is drawn at referral as work at the reference caseload; a
// worker gets through it at `speed`, so it closes work/speed days after
// assignment.

#include "caseload/kernel/calendar.hpp"
#include "caseload/kernel/piecewise_rate.hpp"
#include "caseload/kernel/random.hpp"
#include "caseload/model/model.hpp"
#include "care.hpp"
#include "context.hpp"
#include "events.hpp"
#include "family.hpp"
#include "interventions.hpp"
#include "memo.hpp"
#include "periods.hpp"
#include "recorder.hpp"
#include "waitlist.hpp"
#include "workforce.hpp"

#include <boost/random/exponential_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

namespace caseload::model {
namespace {

using namespace detail;
using kernel::Time;
using scenario::Scenario;

constexpr double kEps = 1e-9;
constexpr double kWeek = 7.0;  // days between ticks and time-series samples

class Run {
public:
    Run(const Scenario& sc, std::uint32_t replication, TraceSink* trace)
        : sc_(sc),
          trace_(trace),
          warmup_(sc.warmup_days),
          horizon_(sc.horizon_days),
          ctx_{calendar_, now_, sc.horizon_days, sc.seed, replication},
          waitlist_(sc, families_, ctx_),
          workforce_(sc, families_, ctx_),
          care_(sc, families_, ctx_, [this](std::uint32_t id, double delay) { on_care_started(id, delay); }),
          interventions_(sc, ctx_, workforce_, care_),
          recorder_(sc, result_),
          periods_(sc, result_.periods) {
        result_.replication = replication;
        std::vector<kernel::PiecewiseRate::Segment> segs;
        for (const auto& s : sc.referrals.schedule) segs.push_back({s.from_day, s.rate_per_week / scenario::kDaysPerWeek});
        arrivals_ = kernel::PiecewiseRate(std::move(segs));
        arrival_rng_ = ctx_.engine(streams::arrivals);
        attribute_rng_ = ctx_.engine(streams::attributes);
        flags_rng_ = ctx_.engine(streams::flags);

        double cum = 0.0;
        for (std::size_t i = 0; i < sc.referrals.types.size(); ++i) {
            const auto& t = sc.referrals.types[i];
            cum += t.share;
            type_cdf_.push_back(cum);
            length_.emplace_back(t.length);
            length_rng_.push_back(ctx_.engine(streams::case_length_base + i));
            weights_.push_back(t.weight);
        }
        if (!type_cdf_.empty()) type_cdf_.back() = 1.0;  // guard against rounding in the shares
        for (double w : weights_) mixed_weights_ |= w != weights_.front();
        mixed_weights_ |= sc.placement.share > 0 && sc.placement.weight_multiplier != 1.0;

        repeat_on_ = sc.repeat.probability > 0;
        if (repeat_on_) {
            repeat_rng_ = ctx_.engine(streams::repeat);
            repeat_attribute_rng_ = ctx_.engine(streams::repeat_attributes);
            repeat_delay_ = kernel::Distribution(sc.repeat.delay);
            for (std::size_t i = 0; i < sc.referrals.types.size(); ++i)
                repeat_length_rng_.push_back(ctx_.engine(streams::repeat_case_length_base + i));
        }
        if (sc.triage.review_every_days) triage_rng_ = ctx_.engine(streams::triage);
        if (sc.referrals.children.size() > 1) {
            children_rng_ = ctx_.engine(streams::children);
            double c = 0.0;
            for (double s : sc.referrals.children) children_cdf_.push_back(c += s);
            children_cdf_.back() = 1.0;
        }
        if (sc.teams.split()) {
            team_rng_ = ctx_.engine(streams::teams);
            double c = 0.0;
            for (const auto& t : sc.teams.list) team_cdf_.push_back(c += t.share);
            team_cdf_.back() = 1.0;
        }

        families_.reserve(static_cast<std::size_t>(sc.total_cap() * 1.5) + 64);
        calendar_.reserve(static_cast<std::size_t>(sc.total_cap()) + 64);
    }

    ReplicationResult execute() {
        referral_timer_ = calendar_.add_timer(kReferral, kPrioArrival);
        tick_timer_ = calendar_.add_timer(kTick, kPrioTick);
        schedule_next_referral(0.0);
        // Interventions from day 0 shape the organisation the run starts
        // with: the initial caseloads are filled to the caps they set (a norm
        // of 10 from day 0 is the same as a file with norm 10).
        for (std::size_t i = 0; i < sc_.interventions.size(); ++i)
            if (sc_.interventions[i].at_days <= 0.0) start_intervention(i);
        filling_initial_ = true;  // the state at time 0, not events: no trace rows
        if (sc_.initial.given()) start_staff();
        if (sc_.initial.caseload_share > 0) fill_initial();
        if (sc_.initial.in_care_total() > 0) fill_in_care();
        if (sc_.initial.waiting > 0) fill_waiting();
        filling_initial_ = false;
        for (std::size_t w = 0; w < workforce_.size(); ++w) workforce_.start_clocks(w, pressure_inputs());
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
        recorder_.start_week(workforce_.headcount());  // after the interventions of day 0

        // The loop does per event only what every event needs; what a
        // mechanism needs is in its handler, and a mechanism that is off
        // costs at most one predictable branch here.
        const auto max_length = static_cast<std::size_t>(sc_.waitlist.max_length);
        Time period_end = periods_.next_end();
        kernel::Event ev;
        while (calendar_.pop_before(horizon_, ev)) {
            while (ev.time >= period_end) [[unlikely]] {
                close_period(period_end);
                period_end = periods_.next_end();
            }
            now_ = ev.time;
            ++result_.events;
            subject_family_ = -1;
            subject_worker_ = -1;
            always_settle_ = kAlwaysSettle[ev.kind];
            dispatch(ev);
            waitlist_.settle(now_, always_settle_);
            if (target_on_) check_waitlist_target();
            if (trace_) [[unlikely]]
                trace_event(ev);
            if (waitlist_.size() >= max_length) [[unlikely]] {
                result_.hit_waitlist_bound = true;
                break;
            }
        }
        const Time end = result_.hit_waitlist_bound ? now_ : horizon_;
        finish(end);
        return std::move(result_);
    }

private:
    // What a trace sees after an event (caseloads first, when it wants them).
    void trace_event(const kernel::Event& ev) {
        if (trace_->wants_caseloads())
            for (std::size_t w = 0; w < workforce_.size(); ++w)
                trace_->on_caseload(now_, w, workforce_.load(w), workforce_[w].fte, workforce_[w].norm);
        trace_->on_event(now_, kEventInfo[ev.kind].name.data(),
                         subject_family_ >= 0 ? std::int64_t(families_[std::uint32_t(subject_family_)].token) : -1,
                         subject_worker_, waitlist_.size(), with_worker_, closed_total_);
    }

    void dispatch(const kernel::Event& ev) {
        switch (ev.kind) {
            case kReferral: on_referral(false); break;
            case kRepeatReferral: on_referral(true); break;
            case kClosure: on_closure(ev.target); break;
            case kWarmupEnd: reset_statistics(); break;
            case kTick: on_tick(); break;
            case kDeparture: on_departure(ev.target); break;
            case kHire: on_hire(ev.target); break;
            case kSickOnset:
                subject_worker_ = ev.target;
                workforce_.fall_sick(ev.target);
                break;
            case kRecovery:
                subject_worker_ = ev.target;
                workforce_.recover(ev.target, pressure_inputs());
                fill_worker(ev.target);
                break;
            case kLongSick:
                subject_worker_ = ev.target;
                hand_back(ev.target);
                break;
            case kCareFound:
                subject_family_ = ev.target;
                care_.found(ev.target);
                break;
            case kCareEnd: care_.place_ended(); break;
            case kEscalate:
                subject_family_ = ev.target;
                escalate(ev.target);
                break;
            case kReview: on_review(); break;
            case kIntervention: start_intervention(ev.target); break;
            case kSupportLeaves: interventions_.support_leaves(); break;
            case kSupportConverts: on_hire(std::uint32_t(interventions_.support_converts())); break;
            case kLeaveWaiting: on_leave_waiting(ev.target); break;
            case kLend: assign_while_room(); break;
            default: break;
        }
    }

    [[nodiscard]] PressureInputs pressure_inputs() const {
        return {double(waitlist_.size()), interventions_.support_fte(), interventions_.support_relief()};
    }

    // ---- referrals and cases ---------------------------------------------------

    void schedule_next_referral(Time t) {
        const Time next = arrivals_.next_after(t, unit_exp_(arrival_rng_));
        if (next < horizon_) calendar_.set_timer(referral_timer_, next);
    }

    void on_referral(bool repeat) {
        if (!repeat) schedule_next_referral(now_);
        if (interventions_.referral_dropped()) {  // an inappropriate referral that no longer comes
            always_settle_ = false;
            return;
        }
        recorder_.referral(now_, repeat);
        // Repeat referrals draw from their own streams, so switching repeats
        // on or off leaves every new referral's numbers untouched.
        kernel::Engine& attr = repeat ? repeat_attribute_rng_ : attribute_rng_;
        kernel::Engine& flags = repeat ? repeat_attribute_rng_ : flags_rng_;
        const std::uint32_t id = families_.add();
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
        if (care_.on() || sc_.placement.share > 0) {
            const double u_care = kernel::uniform01(flags);
            const double u_place = kernel::uniform01(flags);
            f.needs_care = u_care < sc_.care.need_share;
            f.placed = u_place < sc_.placement.share * interventions_.placement_factor();
            if (f.placed) {
                f.work *= sc_.placement.length_multiplier;
                f.weight *= sc_.placement.weight_multiplier;
                recorder_.placed(now_);
            }
        }
        interventions_.at_referral(f);
        waitlist_.referred(f);
        if (!children_cdf_.empty()) f.children = draw_children();
        if (!team_cdf_.empty()) f.team = pick(team_cdf_, kernel::uniform01(team_rng_));
        recorder_.children_referred(now_, f.children);
        f.referred_at = now_;
        f.unassigned_since = now_;
        f.in_cohort = recorder_.in_window(now_);
        if (f.in_cohort) {
            f.period = periods_.period_of(now_);
            periods_.referral(now_);
        }
        if (sc_.triage.escalate_after_days && !f.urgent)
            f.escalate_event = calendar_.schedule(now_ + *sc_.triage.escalate_after_days, kEscalate, id, kPrioArrival);

        if (waitlist_.size(f.team) == 0) {
            const std::size_t w = workforce_.most_room(f.team);
            if (!workforce_.empty() && workforce_.room(w) + kEps >= f.weight) {
                assign(id, w);
            } else {
                waitlist_.enqueue(id, kClassNormal);
            }
        } else {
            // Families of its team are waiting, so none of its workers had
            // room for any of them; a lighter newcomer may still fit somewhere.
            waitlist_.enqueue(id, kClassNormal);
            if (mixed_weights_) assign_while_room();
        }
    }

    // Families in care at time 0: each worker filled to a share of the cap.
    // Types are drawn length-biased (long cases are over-represented in a
    // caseload), remaining work from the equilibrium residual length, and
    // the time already spent from a second draw (in equilibrium the age has
    // the residual's distribution). They count toward closures
    // but not toward time to help, which needs a referral in the window.
    void fill_initial() {
        kernel::Engine rng = ctx_.engine(streams::initial);
        const std::vector<double> stock_cdf = stock_type_cdf();
        std::vector<kernel::Distribution> lengths(length_);
        for (std::size_t w = 0; w < workforce_.size(); ++w) {
            const double target = sc_.initial.caseload_share * workforce_.cap(w);
            for (;;) {
                const std::uint16_t type = pick(stock_cdf, kernel::uniform01(rng) * stock_cdf.back());
                if (workforce_.load(w) + weights_[type] > target + kEps) break;
                add_in_care(type, lengths, rng, w);
            }
        }
    }

    // Cumulative weights of the measure types in a caseload: share x mean
    // length (long cases are over-represented among the families in care).
    [[nodiscard]] std::vector<double> stock_type_cdf() const {
        std::vector<double> cdf;
        double total = 0;
        for (const auto& t : sc_.referrals.types) cdf.push_back(total += t.share * t.length.theoretical_mean());
        return cdf;
    }

    // The type whose cumulative weight first exceeds u.
    [[nodiscard]] static std::uint16_t pick(const std::vector<double>& cdf, double u) {
        std::uint16_t type = 0;
        while (type + 1u < cdf.size() && u >= cdf[type]) ++type;
        return type;
    }

    // ---- a start state: the organisation today ---------------------------------

    // Positions at time 0: the last `vacancies` are vacant with recruitment
    // under way (the hire comes after the residual of the hiring delay: a
    // recruitment seen at a random moment), the first `sick` are on sick
    // leave (for the residual of an episode), the next `ramping` were hired
    // within the ramp-up period (a uniform time ago).
    void start_staff() {
        const auto& in = sc_.initial;
        kernel::Engine rng = ctx_.engine(streams::initial_staff);
        kernel::Distribution delay(sc_.workforce.hiring.delay);
        kernel::Distribution sick_length(sc_.workforce.sick_leave.length);
        const auto n = workforce_.size();
        const auto vacancies = static_cast<std::size_t>(in.vacancies);
        const auto sick = static_cast<std::size_t>(in.sick);
        const auto ramping = static_cast<std::size_t>(in.ramping);
        for (std::size_t w = n - vacancies; w < n; ++w) workforce_.vacant_at_start(w, delay.residual(rng));
        for (std::size_t w = 0; w < sick; ++w) workforce_.sick_at_start(w, sick_length.residual(rng));
        for (std::size_t w = sick; w < sick + ramping; ++w)
            workforce_.hired_before_start(w, kernel::uniform01(rng) * sc_.workforce.hiring.ramp_days);
    }

    // A family in care at time 0 of measure type `type`: remaining work from
    // the equilibrium residual length, time already spent from a second draw
    // (in equilibrium the age has the residual's distribution).
    void add_in_care(std::uint16_t type, std::vector<kernel::Distribution>& lengths, kernel::Engine& rng,
                     std::size_t w) {
        const std::uint32_t id = families_.add();
        Family& f = families_[id];
        f.type = type;
        f.weight = weights_[type];
        f.helped = true;
        if (!children_cdf_.empty()) f.children = draw_children();
        f.work = lengths[type].residual(rng);
        f.referred_at = -lengths[type].residual(rng);
        f.unassigned_since = 0.0;
        assign(id, w);
    }

    // Families in care at time 0 (initial.in_care): types length-biased as in
    // a caseload (or as given by type), each to the worker at work with the
    // most room; when every cap is full (ramp-up, sick colleagues), a family
    // still goes to the one with the most room: a caseload above the norm
    // until cases close.
    void fill_in_care() {
        const auto& in = sc_.initial;
        kernel::Engine rng = ctx_.engine(streams::initial);
        std::vector<kernel::Distribution> lengths(length_);
        std::vector<std::uint16_t> types;
        if (in.in_care) {
            const std::vector<double> stock_cdf = stock_type_cdf();
            for (std::int64_t i = 0; i < *in.in_care; ++i)
                types.push_back(pick(stock_cdf, kernel::uniform01(rng) * stock_cdf.back()));
        }
        for (const auto& [name, count] : in.in_care_by_type) {
            std::uint16_t type = 0;
            while (sc_.referrals.types[type].name != name) ++type;
            types.insert(types.end(), std::size_t(count), type);
        }
        // Each family goes to the worker at work (in post, not sick) with the
        // most room, ties to the lowest index: a heap of the workers at work
        // by room; only the chosen worker's room changes, so it goes back
        // with its new room.
        struct Room {
            double room;
            std::size_t w;
        };
        const auto fewer = [](const Room& a, const Room& b) { return a.room < b.room || (a.room == b.room && a.w > b.w); };
        std::vector<Room> at_work;
        for (std::size_t w = 0; w < workforce_.size(); ++w)
            if (workforce_[w].in_post && !workforce_[w].sick) at_work.push_back({workforce_.room(w), w});
        std::make_heap(at_work.begin(), at_work.end(), fewer);
        for (std::uint16_t type : types) {
            if (at_work.empty()) break;  // nobody at work: the loader refuses such a state
            std::pop_heap(at_work.begin(), at_work.end(), fewer);
            const std::size_t w = at_work.back().w;
            add_in_care(type, lengths, rng, w);
            at_work.back().room = workforce_.room(w);
            std::push_heap(at_work.begin(), at_work.end(), fewer);
        }
    }

    // Families waiting at time 0: measure type, urgency, care need and
    // placement drawn as for a referral (from their own stream, so the
    // referrals' streams stay aligned), a full case length, and the time
    // waited so far from initial.waited. They join the waitlist longest
    // waiting first. They were referred before time 0: their waits count in
    // the waitlist, family-weeks and waits over the target, not in time to
    // help (families referred in the window).
    void fill_waiting() {
        const auto& in = sc_.initial;
        kernel::Engine rng = ctx_.engine(streams::initial_waiting);
        std::optional<kernel::Distribution> waited;
        if (in.waited) waited.emplace(*in.waited);
        std::vector<std::pair<double, std::uint32_t>> order;
        for (std::int64_t i = 0; i < in.waiting; ++i) {
            const std::uint32_t id = families_.add();
            Family& f = families_[id];
            const std::uint16_t type = pick(type_cdf_, kernel::uniform01(rng));
            f.type = type;
            f.urgent = kernel::uniform01(rng) < sc_.referrals.urgent_share;
            f.work = length_[type](rng);
            f.weight = weights_[type];
            waitlist_.referred(f);  // when it would leave the waitlist (its own stream)
            if (!children_cdf_.empty()) f.children = draw_children();
            if (!team_cdf_.empty()) f.team = pick(team_cdf_, kernel::uniform01(rng));
            const double u_care = kernel::uniform01(rng);
            const double u_place = kernel::uniform01(rng);
            f.needs_care = care_.on() && u_care < sc_.care.need_share;
            f.placed = u_place < sc_.placement.share;
            if (f.placed) {
                f.work *= sc_.placement.length_multiplier;
                f.weight *= sc_.placement.weight_multiplier;
            }
            f.referred_at = -(waited ? (*waited)(rng) : 0.0);
            f.unassigned_since = f.referred_at;
            // It is still waiting now: its time to leave the waitlist counts
            // from now (the hazard is constant, so that is its distribution).
            f.leave_after -= f.referred_at;
            if (sc_.triage.escalate_after_days && !f.urgent)
                f.escalate_event = calendar_.schedule(std::max(0.0, f.referred_at + *sc_.triage.escalate_after_days),
                                                      kEscalate, id, kPrioArrival);
            order.emplace_back(f.referred_at, id);
        }
        std::sort(order.begin(), order.end());  // earliest referral first (ids are unique: no ties)
        for (const auto& entry : order) waitlist_.enqueue(entry.second, kClassNormal);
        assign_while_room();
    }

    // Children per family: 1 + the index of the share a uniform draw falls in.
    std::uint16_t draw_children() {
        const double u = kernel::uniform01(children_rng_);
        std::uint16_t k = 0;
        while (k + 1u < children_cdf_.size() && u >= children_cdf_[k]) ++k;
        return std::uint16_t(k + 1);
    }

    // The assignment step: family `id` gets worker w.
    void assign(std::uint32_t id, std::size_t w) {
        Family& f = families_[id];
        if (!f.helped) interventions_.at_first_assignment(f);
        f.worker = static_cast<std::int32_t>(w);
        f.team = workforce_.team(w);  // a family lent to another team now belongs to it
        workforce_.take(id, w, f.weight);
        ++with_worker_;
        f.days_without_worker += now_ - f.unassigned_since;
        f.speed = sc_.effects.length_strength > 0 ? speed_of_(workforce_.intensity(w)) : 1.0;
        f.closure_at = now_ + f.work / f.speed;
        f.closure = calendar_.schedule(f.closure_at, kClosure, id, kPrioRelease);
        if (trace_ && !filling_initial_) trace_->on_assign(now_, f.token, std::int64_t(w), !f.helped);
        if (!f.helped) {
            f.helped = true;
            calendar_.cancel(f.escalate_event);
            if (waitlist_.leaving_on()) calendar_.cancel(f.leave_event);
            if (f.in_cohort) {
                recorder_.wait(now_ - f.referred_at, f.urgent, false);
                periods_.wait(f.period, now_ - f.referred_at, false);
            }
            if (f.needs_care) care_.start_search(id);
        }
    }

    void on_closure(std::uint32_t id) {
        Family& f = families_[id];
        subject_family_ = id;
        const auto w = static_cast<std::size_t>(f.worker);
        subject_worker_ = std::int64_t(w);
        workforce_.release(id, w, f.weight);
        --with_worker_;
        ++closed_total_;
        recorder_.closure(now_, f);
        if (recorder_.in_window(now_)) periods_.closure(now_);
        if (f.needs_care) care_.closed(f);
        if (repeat_on_) {
            // Two draws at every closure, whatever the outcome, so the stream
            // stays aligned between scenarios.
            const double u = kernel::uniform01(repeat_rng_);
            const double delay = repeat_delay_(repeat_rng_);
            double p = sc_.effects.repeat_strength > 0
                           ? sc_.repeat.probability * repeat_factor_(workforce_.intensity(w))
                           : sc_.repeat.probability;
            if (f.dv_early) p *= interventions_.repeat_multiplier(f);
            if (u < p) {
                recorder_.repeat_triggered(now_);
                if (now_ + delay < horizon_) calendar_.schedule(now_ + delay, kRepeatReferral, 0, kPrioArrival);
            }
        }
        families_.release(id);
        fill_worker(w);
    }

    // A late care start adds work: `late_extension` days per day beyond `late_after`.
    void on_care_started(std::uint32_t id, double delay) {
        Family& f = families_[id];
        recorder_.care_started(f, delay);
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

    void fill_worker(std::size_t w) {
        const std::uint16_t team = workforce_.team(w);
        while (waitlist_.size() > 0) {
            const std::int64_t q = waitlist_.best_fitting(workforce_.room(w), team);
            if (q < 0) return;
            assign(waitlist_.dequeue(q), w);
        }
    }

    // Each team's worker with the most room takes the best fitting family
    // (its team's, or one lent), until none fits.
    void assign_while_room() {
        for (std::uint16_t team = 0; team < workforce_.teams(); ++team)
            while (waitlist_.size() > 0 && !workforce_.empty()) {
                const std::size_t w = workforce_.most_room(team);
                const std::int64_t q = waitlist_.best_fitting(workforce_.room(w), team);
                if (q < 0) break;
                assign(waitlist_.dequeue(q), w);
            }
    }

    // Worker w's families go back to the waitlist: each keeps its remaining
    // work, adds the handover penalty and counts a change of worker.
    void hand_back(std::size_t w) {
        for (std::uint32_t id = workforce_.take_families(w); id != kNone;) {
            Family& f = families_[id];
            const std::uint32_t next = f.next;
            calendar_.cancel(f.closure);
            f.work = std::max(f.closure_at - now_, 0.0) * f.speed + sc_.handover.penalty_days;
            workforce_.unload(w, f.weight);
            --with_worker_;
            f.worker = kNoWorker;
            f.prev = f.next = kNone;
            f.unassigned_since = now_;
            ++f.worker_changes;
            waitlist_.enqueue(id, sc_.handover.ahead_of_new ? kClassHandover : kClassNormal);
            id = next;
        }
        assign_while_room();
    }

    // ---- the workforce's events ---------------------------------------------------

    void on_tick() {
        recorder_.without_contact(now_, waitlist_.interim_contact(now_));
        recorder_.sample(now_, double(waitlist_.size()), workforce_.total_load(), workforce_.fte_in_post(),
                         workforce_.funded_fte(), workforce_.sick_fte());
        recorder_.start_week(workforce_.headcount());
        const Time next_tick = now_ + kWeek;
        if (next_tick < horizon_) calendar_.set_timer(tick_timer_, next_tick);
        interventions_.weekly();
        if (!workforce_.clocks_on()) always_settle_ = false;
        if (workforce_.tick(next_tick, pressure_inputs())) assign_while_room();
    }

    void on_departure(std::uint32_t w) {
        subject_worker_ = w;
        recorder_.departure(now_);
        if (recorder_.in_window(now_)) periods_.departure(now_);
        workforce_.depart(w);
        hand_back(w);
        workforce_.schedule_hire(w);
    }

    void on_hire(std::uint32_t w) {
        subject_worker_ = w;
        workforce_.hire(w, pressure_inputs());
        fill_worker(w);
    }

    void start_intervention(std::size_t index) {
        if (interventions_.start(index)) assign_while_room();
    }

    // A family waiting for its first worker leaves the waitlist: its measure
    // ended, lapsed or was taken over. It ends here, counted apart from
    // closures and never as helped (the trace counts it with the cases closed).
    void on_leave_waiting(std::uint32_t id) {
        Family& f = families_[id];
        subject_family_ = id;
        waitlist_.leave(id);
        calendar_.cancel(f.escalate_event);
        recorder_.left_waiting(now_, f);
        ++closed_total_;
        families_.release(id);
    }

    // ---- triage ----------------------------------------------------------------------

    void on_review() {
        const double every = *sc_.triage.review_every_days;
        if (now_ + every < horizon_) calendar_.set_timer(review_timer_, now_ + every);
        scratch_.clear();
        waitlist_.for_each_not_urgent([&](std::uint32_t id) { scratch_.push_back(id); });
        for (std::uint32_t id : scratch_)
            if (kernel::uniform01(triage_rng_) < sc_.triage.review_probability) escalate(id);
    }

    void escalate(std::uint32_t id) {
        Family& f = families_[id];
        if (f.urgent || f.worker != kNoWorker || !f.active) return;
        f.urgent = true;
        recorder_.escalation(now_);
        waitlist_.to_urgent(id);
    }

    // ---- statistics -------------------------------------------------------------------

    void reset_statistics() {
        waitlist_.reset_average(now_);
        workforce_.reset_averages(now_);
        interventions_.reset_averages(now_);
        recorder_.reset_window();
        check_waitlist_target();
    }

    // The first time after warm-up that the waitlist is at or under targets.waitlist.
    void check_waitlist_target() {
        if (target_on_ && std::isnan(target_reached_after_) && recorder_.in_window(now_) &&
            double(waitlist_.size()) <= *sc_.targets.waitlist)
            target_reached_after_ = now_ - warmup_;
    }

    // Families waiting at time t who have waited longer than the target.
    [[nodiscard]] double waiting_over_target(Time t) const {
        double n = 0;
        for (const Family& f : families_.all())
            if (f.active && f.worker == kNoWorker && t - f.referred_at > sc_.targets.time_to_help_days) ++n;
        return n;
    }

    // Close the open reporting period at its end `t` (no event lies between
    // the last one and t, so the state now is the state at t).
    void close_period(Time t) {
        PeriodReadings r;
        r.waiting = double(waitlist_.size());
        r.waiting_over_target = waiting_over_target(t);
        r.waitlist_integral = waitlist_.integral(t);
        r.fte_integral = workforce_.fte_integral(t);
        r.headcount_integral = workforce_.headcount_integral(t);
        r.support_integral = interventions_.support_integral(t);
        r.waiting_children = double(waitlist_.children());
        for (const Family& f : families_.all())
            if (f.active) {
                r.under_measure += 1.0;
                r.children_under_measure += f.children;
            }
        periods_.close(r);
    }

    void finish(Time end) {
        while (periods_.next_end() <= end) close_period(periods_.next_end());
        // Families never helped and still waiting: their waits are censored at `end`.
        for (const Family& f : families_.all())
            if (f.active && f.worker == kNoWorker && f.in_cohort && !f.helped)
                periods_.wait(f.period, end - f.referred_at, true);
        periods_.finish();
        Readings r;
        r.waitlist_mean = waitlist_.mean(end);
        r.waitlist_max = waitlist_.max();
        r.waiting = double(waitlist_.size());
        r.load_mean = workforce_.load_mean(end);
        r.fte_mean = workforce_.fte_mean(end);
        r.headcount_mean = workforce_.headcount_mean(end);
        r.sick_fte_mean = workforce_.sick_mean(end);
        r.capacity_mean = workforce_.capacity_mean(end);
        r.support_fte_mean = interventions_.support_mean(end);
        r.funded_fte = workforce_.funded_fte();
        r.waitlist_integral = waitlist_.integral(end);
        r.waiting_over_target = waiting_over_target(end);
        r.target_reached_after = target_reached_after_;
        r.overload_mean = workforce_.overload_mean(end);
        r.waiting_children_mean = waitlist_.children_mean(end);
        r.waiting_children = double(waitlist_.children());
        recorder_.finish(end, r, families_.all());
    }

    const Scenario& sc_;
    TraceSink* trace_;
    const Time warmup_;
    const Time horizon_;
    Time now_ = 0.0;
    ReplicationResult result_;
    kernel::Calendar calendar_;
    Context ctx_;
    Families families_;
    Waitlist waitlist_;
    Workforce workforce_;
    Care care_;
    Interventions interventions_;
    Recorder recorder_;
    PeriodRecorder periods_;
    double target_reached_after_ = std::numeric_limits<double>::quiet_NaN();
    const bool target_on_ = sc_.targets.waitlist.has_value();  // targets.waitlist is set

    kernel::TimerId referral_timer_ = 0;
    kernel::TimerId tick_timer_ = 0;
    kernel::TimerId review_timer_ = 0;
    std::int64_t subject_family_ = -1;
    std::int64_t subject_worker_ = -1;
    bool filling_initial_ = false;
    // Whether this event settles the waitlist's average even when its length
    // did not change (see EventInfo::always_settle; a handler may clear it
    // where earlier versions returned before settling).
    bool always_settle_ = false;

    kernel::PiecewiseRate arrivals_;
    kernel::Engine arrival_rng_, attribute_rng_, flags_rng_, repeat_rng_, repeat_attribute_rng_, triage_rng_, children_rng_;
    std::vector<double> children_cdf_;  // empty: one child per family
    kernel::Engine team_rng_;
    std::vector<double> team_cdf_;      // empty: one pooled team
    boost::random::exponential_distribution<double> unit_exp_{1.0};
    std::vector<double> type_cdf_;
    std::vector<kernel::Distribution> length_;
    std::vector<kernel::Engine> length_rng_, repeat_length_rng_;
    std::vector<double> weights_;
    bool mixed_weights_ = false;
    // intensity ^ length_strength and intensity ^ -repeat_strength, remembered
    // (the intensity seldom changes: it follows the norm).
    PowMemo speed_of_{sc_.effects.length_strength};
    PowMemo repeat_factor_{-sc_.effects.repeat_strength};
    bool repeat_on_ = false;
    kernel::Distribution repeat_delay_;

    std::size_t with_worker_ = 0;
    std::uint64_t closed_total_ = 0;
    std::vector<std::uint32_t> scratch_;
};

}  // namespace

ReplicationResult simulate(const Scenario& scenario, std::uint32_t replication, TraceSink* trace) {
    Run run(scenario, replication, trace);
    return run.execute();
}

}  // namespace caseload::model
