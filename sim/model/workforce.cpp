#include "workforce.hpp"

#include "caseload/model/model.hpp"
#include "events.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace caseload::model::detail {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kWeek = 7.0;
constexpr double kYear = scenario::kDaysPerYear;
}  // namespace

Workforce::Workforce(const scenario::Scenario& sc, Families& families, Context ctx)
    : sc_(sc),
      families_(families),
      ctx_(ctx),
      reference_caseload_(sc.effects.reference_caseload),
      segment_end_(kWeek),
      norm_for_new_(sc.workforce.caseload_norm) {
    const auto& wf = sc.workforce;
    const auto& contact = sc.waitlist.interim_contact;
    if (contact.duty_from == scenario::InterimContactSpec::From::case_work && contact.duty_fte > 0)
        case_share_ = std::max(0.0, 1.0 - contact.duty_fte / (double(wf.workers) * wf.fte));
    sick_on_ = wf.sick_leave.episodes_per_year > 0;
    attrition_on_ = wf.attrition.per_year > 0;
    for (const auto& v : sc.interventions)
        if (v.as<scenario::interventions::ExtraWorkers>() || v.as<scenario::interventions::SupportWorkers>())
            hiring_on_ = true;
    hiring_on_ |= attrition_on_;
    ramp_on_ = wf.hiring.ramp_days > 0 && wf.hiring.start_fraction < 1.0;
    overload_on_ = wf.overload.max > 0 && wf.overload.per_waiting_per_fte > 0;
    intensity_from_load_ = sc.effects.intensity_from == scenario::IntensityFrom::load;
    attrition_per_day_ = wf.attrition.per_year / kYear;
    sick_per_day_ = wf.sick_leave.episodes_per_year / kYear;
    if (sick_on_) {
        sick_rng_ = ctx.engine(streams::sickness);
        sick_length_rng_ = ctx.engine(streams::sick_length);
        sick_length_ = kernel::Distribution(wf.sick_leave.length);
    }
    if (attrition_on_) attrition_rng_ = ctx.engine(streams::attrition);
    if (hiring_on_) {
        hiring_rng_ = ctx.engine(streams::hiring);
        hiring_delay_ = kernel::Distribution(wf.hiring.delay);
    }
    const std::size_t n = static_cast<std::size_t>(wf.workers);
    workers_.assign(n, Worker{});
    for (auto& w : workers_) {
        w.fte = wf.fte;
        w.norm = wf.caseload_norm;
    }
    cap_.assign(n, 0.0);
    load_.assign(n, 0.0);
    while ((std::size_t{4} << (2 * block_shift_)) <= n && block_shift_ < 8) ++block_shift_;  // 2^shift ~ sqrt(n)
    block_room_.assign((n + (std::size_t{1} << block_shift_) - 1) >> block_shift_, -kInf);
    block_best_.assign(block_room_.size(), 0);
    set_all_caps();
    if (sc.teams.split()) {
        teams_ = static_cast<std::uint16_t>(sc.teams.list.size());
        members_.resize(teams_);
        // Deal the positions: each goes to the team furthest below its size
        // (positions dealt / positions funded), ties to the first team.
        for (std::size_t w = 0; w < n; ++w) {
            std::uint16_t best = 0;
            double best_share = kInf;
            for (std::uint16_t t = 0; t < teams_; ++t) {
                const double size = double(sc.teams.list[t].workers);
                const double dealt = size > 0 ? double(members_[t].size()) / size : kInf;
                if (dealt < best_share) {
                    best = t;
                    best_share = dealt;
                }
            }
            join_team(w, best);
        }
    }
    funded_fte_ = wf.workers * wf.fte;
    fte_in_post_ = funded_fte_;
    headcount_ = double(n);
}

double bounded_multiplier(double x, const std::optional<double>& ceiling) {
    if (!ceiling) return x;
    const double c = *ceiling;
    return c / (1.0 + (c - 1.0) / x);  // x = inf gives c, x = 0 gives 0
}

double pressure_multiplier(double elasticity, double pressure, const std::optional<double>& ceiling) {
    return bounded_multiplier(std::exp(elasticity * (pressure - 1.0)), ceiling);
}

// The same answer as a scan of every worker in order keeping the first
// strictly larger room: each block's answer is that scan over the block, and
// the blocks are scanned in order with the same strict comparison.
std::size_t Workforce::most_room() const {
    std::size_t best = 0;
    double best_room = -kInf;
    for (std::size_t b = 0; b < block_room_.size(); ++b) {
        // select, not branch: which block wins is unpredictable
        const bool more = block_room_[b] > best_room;
        best = more ? block_best_[b] : best;
        best_room = more ? block_room_[b] : best_room;
    }
    return best;
}

void Workforce::refresh_block(std::size_t b) {
    const std::size_t from = b << block_shift_, to = std::min(from + (std::size_t{1} << block_shift_), cap_.size());
    std::size_t best = from;
    double best_room = -kInf;
    for (std::size_t w = from; w < to; ++w) {
        const double r = cap_[w] - load_[w];
        const bool more = r > best_room;
        best = more ? w : best;
        best_room = more ? r : best_room;
    }
    block_room_[b] = best_room;
    block_best_[b] = static_cast<std::uint32_t>(best);
}

std::size_t Workforce::most_room_in(std::uint16_t team) const {
    const auto& members = members_[team];
    std::size_t best = members.empty() ? 0 : members.front();
    double best_room = -kInf;
    for (std::size_t w : members) {
        const double r = cap_[w] - load_[w];
        if (r > best_room) {
            best = w;
            best_room = r;
        }
    }
    return best;
}

void Workforce::join_team(std::size_t w, std::uint16_t team) {
    if (team_.size() <= w) team_.resize(w + 1, 0);
    team_[w] = team;
    members_[team].push_back(w);
}

std::uint16_t Workforce::next_team() const {
    std::uint16_t best = 0;
    double best_per_share = kInf;
    for (std::uint16_t t = 0; t < teams_; ++t) {
        const double share = sc_.teams.list[t].share;
        const double per_share = share > 0 ? double(members_[t].size()) / share : kInf;
        if (per_share < best_per_share) {
            best = t;
            best_per_share = per_share;
        }
    }
    return best;
}

void Workforce::take(std::uint32_t id, std::size_t w, double weight) {
    Family& f = families_[id];
    f.prev = kNone;
    f.next = workers_[w].first_family;
    if (f.next != kNone) families_[f.next].prev = id;
    workers_[w].first_family = id;
    change_load(w, weight);
}

void Workforce::release(std::uint32_t id, std::size_t w, double weight) {
    Family& f = families_[id];
    if (f.prev != kNone)
        families_[f.prev].next = f.next;
    else
        workers_[w].first_family = f.next;
    if (f.next != kNone) families_[f.next].prev = f.prev;
    f.prev = f.next = kNone;
    change_load(w, -weight);
}

std::uint32_t Workforce::take_families(std::size_t w) {
    const std::uint32_t first = workers_[w].first_family;
    workers_[w].first_family = kNone;
    return first;
}

// The terms of the pressure formula shared by every worker at one moment,
// computed once (the weekly tick evaluates every worker with them).
Workforce::PressureTerms Workforce::pressure_terms(const PressureInputs& in) const {
    PressureTerms t;
    t.relieved = in.support_fte > 0 && fte_in_post_ > 0;
    if (t.relieved) t.relief = std::max(0.0, 1.0 - in.support_relief * in.support_fte / fte_in_post_);
    t.waits = sc_.effects.waitlist_pressure_weight > 0 && fte_in_post_ > 0;
    if (t.waits) t.waiting = sc_.effects.waitlist_pressure_weight * in.waiting / fte_in_post_;
    return t;
}

double Workforce::pressure(std::size_t w, const PressureTerms& t) const {
    double per_fte = load_[w] / workers_[w].fte;
    if (t.relieved) per_fte *= t.relief;
    if (t.waits) per_fte += t.waiting;
    return per_fte / reference_caseload_;
}

double Workforce::attrition_rate(std::size_t w, double pressure) {
    const auto& a = sc_.workforce.attrition;
    double rate = attrition_per_day_;
    if (ctx_.now - workers_[w].hired_at < kYear) rate *= a.first_year_multiplier;
    if (a.pressure_elasticity != 0)  // pressure_multiplier, with exp remembered
        rate *= bounded_multiplier(exp_(a.pressure_elasticity * (pressure - 1.0)), a.pressure_ceiling);
    return rate;
}

double Workforce::sick_rate(double pressure) {
    const auto& s = sc_.workforce.sick_leave;
    double rate = sick_per_day_;
    if (s.pressure_elasticity != 0)
        rate *= bounded_multiplier(exp_(s.pressure_elasticity * (pressure - 1.0)), s.pressure_ceiling);
    return rate;
}

// A clock runs in segments that end at the next weekly tick, with the rate
// fixed within a segment. If the budget runs out within the segment the
// event is scheduled at the exact moment; otherwise the segment's hazard is
// added and nothing is scheduled. So a worker costs one rate evaluation a
// week, and an event only in the week it happens.
void Workforce::start_clock(Clock& c, kernel::Engine& rng, double rate, std::uint16_t kind, std::size_t w) {
    c.budget = unit_exp_(rng);
    c.used = 0.0;
    run_segment(c, rate, kind, w);
}

void Workforce::run_segment(Clock& c, double rate, std::uint16_t kind, std::size_t w) {
    c.rate = rate;
    if (ctx_.calendar.pending(c.event)) return;  // fires within this segment already
    const double until = std::min(segment_end_, ctx_.horizon);
    const double hazard = rate * (until - ctx_.now);
    if (c.used + hazard >= c.budget && rate > 0) {
        c.event = ctx_.calendar.schedule(ctx_.now + (c.budget - c.used) / rate, kind, std::uint32_t(w), kPrioLoss);
        c.used = c.budget;
    } else {
        c.used += hazard;
    }
}

void Workforce::start_clocks(std::size_t w, const PressureInputs& in) {
    const double p = pressure(w, pressure_terms(in));
    if (attrition_on_) start_clock(workers_[w].attrition, attrition_rng_, attrition_rate(w, p), kDeparture, w);
    if (sick_on_ && !workers_[w].sick) start_clock(workers_[w].sickness, sick_rng_, sick_rate(p), kSickOnset, w);
}

void Workforce::vacant_at_start(std::size_t w, double hire_in) {
    Worker& k = workers_[w];
    k.in_post = false;
    set_cap(w);
    change_in_post(-k.fte, -1.0);
    ctx_.schedule_before_horizon(ctx_.now + hire_in, kHire, std::uint32_t(w), kPrioRelease);
}

// A worker away at the start holds no families (they were handed over or
// covered), so the absence needs no long-absence handover.
void Workforce::sick_at_start(std::size_t w, double remaining) {
    Worker& k = workers_[w];
    k.sick = true;
    set_cap(w);
    change_sick(k.fte);
    k.recovery = ctx_.calendar.schedule(ctx_.now + remaining, kRecovery, std::uint32_t(w), kPrioRelease);
}

void Workforce::hired_before_start(std::size_t w, double ago) {
    Worker& k = workers_[w];
    const auto& h = sc_.workforce.hiring;
    k.hired_at = ctx_.now - ago;
    k.ramp = std::min(1.0, h.start_fraction + (1.0 - h.start_fraction) * ago / h.ramp_days);
    set_cap(w);
}

bool Workforce::tick(Time segment_end, const PressureInputs& in) {
    segment_end_ = segment_end;
    if (!clocks_on()) return false;
    bool more_room = false;
    if (overload_on_) {
        const auto& o = sc_.workforce.overload;
        const double next = fte_in_post_ > 0 ? std::min(o.max, o.per_waiting_per_fte * in.waiting / fte_in_post_) : 0.0;
        if (next != overload_) {
            more_room = next > overload_;
            overload_ = next;
            overload_avg_.update(ctx_.now, overload_);
            set_all_caps();
        }
    }
    const PressureTerms terms = pressure_terms(in);
    for (std::size_t w = 0; w < workers_.size(); ++w) {
        Worker& k = workers_[w];
        if (!k.in_post) continue;
        const double p = pressure(w, terms);
        if (attrition_on_) run_segment(k.attrition, attrition_rate(w, p), kDeparture, w);
        if (sick_on_ && !k.sick) run_segment(k.sickness, sick_rate(p), kSickOnset, w);
        if (ramp_on_ && k.ramp < 1.0) {
            const auto& h = sc_.workforce.hiring;
            k.ramp = std::min(1.0, h.start_fraction + (1.0 - h.start_fraction) * (ctx_.now - k.hired_at) / h.ramp_days);
            set_cap(w);
            more_room = true;
        }
    }
    return more_room;
}

void Workforce::depart(std::size_t w) {
    Worker& k = workers_[w];
    if (k.sick) {
        ctx_.calendar.cancel(k.recovery);
        ctx_.calendar.cancel(k.long_sick);
        change_sick(-k.fte);
        k.sick = false;
    }
    ctx_.calendar.cancel(k.sickness.event);
    k.in_post = false;
    set_cap(w);
    change_in_post(-k.fte, -1.0);
}

void Workforce::schedule_hire(std::size_t w) {
    const double delay = hiring_delay_(hiring_rng_);
    ctx_.schedule_before_horizon(ctx_.now + delay, kHire, std::uint32_t(w), kPrioRelease);
}

void Workforce::hire(std::size_t w, const PressureInputs& in) {
    Worker& k = workers_[w];
    k.in_post = true;
    k.sick = false;
    k.hired_at = ctx_.now;
    k.ramp = ramp_on_ ? sc_.workforce.hiring.start_fraction : 1.0;
    change_in_post(k.fte, 1.0);
    set_cap(w);
    start_clocks(w, in);
}

void Workforce::fall_sick(std::size_t w) {
    Worker& k = workers_[w];
    k.sick = true;
    set_cap(w);
    change_sick(k.fte);
    const double length = sick_length_(sick_length_rng_);
    k.recovery = ctx_.calendar.schedule(ctx_.now + length, kRecovery, std::uint32_t(w), kPrioRelease);
    const double long_after = sc_.workforce.sick_leave.long_after_days;
    if (length > long_after)
        k.long_sick = ctx_.calendar.schedule(ctx_.now + long_after, kLongSick, std::uint32_t(w), kPrioLoss);
}

void Workforce::recover(std::size_t w, const PressureInputs& in) {
    Worker& k = workers_[w];
    k.sick = false;
    change_sick(-k.fte);
    set_cap(w);
    start_clock(k.sickness, sick_rng_, sick_rate(pressure(w, pressure_terms(in))), kSickOnset, w);
}

std::size_t Workforce::add_position(double fte) {
    Worker k;
    k.fte = fte;
    k.norm = norm_for_new_;
    k.in_post = false;
    workers_.push_back(k);
    cap_.push_back(0.0);
    load_.push_back(0.0);
    if (((cap_.size() - 1) >> block_shift_) == block_room_.size()) {
        block_room_.push_back(-kInf);
        block_best_.push_back(0);
    }
    refresh_block((cap_.size() - 1) >> block_shift_);
    funded_fte_ += fte;
    if (teams_ > 1) join_team(workers_.size() - 1, next_team());
    return workers_.size() - 1;
}

void Workforce::set_cap(std::size_t w) {
    new_cap(w);
    capacity_avg_.update(ctx_.now, total_cap_);
    refresh_block(w >> block_shift_);
}

// The capacity's average is updated once: updates at one instant add
// nothing to its integral, and only the last value counts from here.
void Workforce::set_all_caps() {
    for (std::size_t w = 0; w < workers_.size(); ++w) new_cap(w);
    capacity_avg_.update(ctx_.now, total_cap_);
    for (std::size_t b = 0; b < block_room_.size(); ++b) refresh_block(b);
}

void Workforce::new_cap(std::size_t w) {
    const Worker& k = workers_[w];
    double cap = (k.in_post && !k.sick) ? k.norm * k.fte * k.ramp : 0.0;
    if (overload_ > 0) cap *= 1.0 + overload_;
    if (case_share_ < 1.0) cap *= case_share_;
    total_cap_ += cap - cap_[w];
    cap_[w] = cap;
}

void Workforce::change_load(std::size_t w, double delta) {
    load_[w] += delta;
    refresh_block(w >> block_shift_);
    total_load_ += delta;
    load_avg_.update(ctx_.now, total_load_);
}

void Workforce::change_in_post(double fte, double heads) {
    fte_in_post_ += fte;
    headcount_ += heads;
    fte_avg_.update(ctx_.now, fte_in_post_);
    headcount_avg_.update(ctx_.now, headcount_);
}

void Workforce::change_sick(double fte) {
    sick_fte_ += fte;
    sick_avg_.update(ctx_.now, sick_fte_);
}

void Workforce::reset_averages(Time now) {
    load_avg_.reset(now, total_load_);
    fte_avg_.reset(now, fte_in_post_);
    headcount_avg_.reset(now, headcount_);
    sick_avg_.reset(now, sick_fte_);
    capacity_avg_.reset(now, total_cap_);
    overload_avg_.reset(now, overload_);
}

}  // namespace caseload::model::detail
