#include "waitlist.hpp"

#include "caseload/model/model.hpp"
#include "events.hpp"

#include <boost/random/exponential_distribution.hpp>

#include <algorithm>
#include <limits>

namespace caseload::model::detail {

namespace {
constexpr double kEps = 1e-9;
}

Waitlist::Waitlist(const scenario::Scenario& sc, Families& families, Context ctx)
    : families_(families),
      ctx_(ctx),
      types_(sc.referrals.types.size()),
      urgent_first_(sc.waitlist.discipline == scenario::Discipline::urgent_first),
      queues_(kClasses * types_ * std::max<std::size_t>(1, sc.teams.list.size())) {
    if (sc.teams.split()) {
        teams_ = static_cast<std::uint16_t>(sc.teams.list.size());
        by_team_.assign(teams_, 0);
        if (sc.teams.lend_after_days) lend_after_ = *sc.teams.lend_after_days;
    }
    for (const auto& t : sc.referrals.types) {
        leave_rate_.push_back(t.leave_waiting_per_year / scenario::kDaysPerYear);
        leaving_on_ |= t.leave_waiting_per_year > 0;
    }
    if (leaving_on_) leave_rng_ = ctx.engine(streams::leave_waiting);
    children_on_ = sc.referrals.children.size() > 1;
    contact_ = sc.waitlist.interim_contact;
}

void Waitlist::draw_leave_after(Family& f) {
    const double budget = boost::random::exponential_distribution<double>(1.0)(leave_rng_);
    const double rate = leave_rate_[f.type];
    f.leave_after = rate > 0 ? budget / rate : std::numeric_limits<double>::infinity();
}

void Waitlist::leave(std::uint32_t id) {
    Family& f = families_[id];
    ++f.queue_token;  // its entry goes stale
    --waiting_;
    if (teams_ > 1) --by_team_[f.team];
    children_ -= f.children;
}

bool Waitlist::valid(const QueueEntry& e) const {
    const Family& f = families_[e.family];
    return f.active && f.worker == kNoWorker && f.queue_token == e.token;
}

void Waitlist::enqueue(std::uint32_t id, std::size_t cls) {
    Family& f = families_[id];
    if (f.urgent && urgent_first_) cls = kClassUrgent;
    f.queue_seq = queue_seq_++;
    ++f.queue_token;
    queues_[f.team * block() + cls * types_ + f.type].push({id, f.queue_token});
    ++waiting_;
    if (teams_ > 1) ++by_team_[f.team];
    children_ += f.children;
    f.contacted_at = ctx_.now;
    if (leaving_on_ && !f.helped && !ctx_.calendar.pending(f.leave_event)) {
        const Time at = f.referred_at + f.leave_after;  // infinite: never
        if (at < ctx_.horizon) f.leave_event = ctx_.calendar.schedule(at, kLeaveWaiting, id, kPrioLoss);
    }
    // Lending: once it has waited lend_after, other teams may take it.
    if (lend_after_ >= 0)
        ctx_.schedule_before_horizon(std::max(ctx_.now, f.unassigned_since + lend_after_), kLend, id, kPrioArrival);
}

void Waitlist::to_urgent(std::uint32_t id) {
    if (!urgent_first_) return;
    --waiting_;
    if (teams_ > 1) --by_team_[families_[id].team];
    children_ -= families_[id].children;
    enqueue(id, kClassUrgent);  // the old entry goes stale
}

std::size_t Waitlist::interim_contact(Time now) {
    std::size_t without = 0;
    if (contact_.duty_fte <= 0) {  // no duty team: only count, in place
        for (const auto& queue : queues_)
            queue.for_each([&](const QueueEntry& e) {
                if (valid(e) && now - families_[e.family].contacted_at > contact_.interval_days) ++without;
            });
        return without;
    }
    scratch_.clear();
    for (const auto& queue : queues_)
        queue.for_each([&](const QueueEntry& e) {
            if (valid(e)) scratch_.push_back(e.family);
        });
    contact_budget_ += contact_.duty_fte * contact_.contacts_per_fte_week;
    // Longest since the last contact first; ties by order of joining.
    std::sort(scratch_.begin(), scratch_.end(), [&](std::uint32_t a, std::uint32_t b) {
        const Family& x = families_[a];
        const Family& y = families_[b];
        return x.contacted_at != y.contacted_at ? x.contacted_at < y.contacted_at : x.queue_seq < y.queue_seq;
    });
    for (std::uint32_t id : scratch_) {
        if (contact_budget_ < 1.0) break;
        families_[id].contacted_at = now;
        contact_budget_ -= 1.0;
    }
    // Unused checks do not pile up beyond one week's worth.
    contact_budget_ = std::min(contact_budget_, contact_.duty_fte * contact_.contacts_per_fte_week);
    for (std::uint32_t id : scratch_)
        if (now - families_[id].contacted_at > contact_.interval_days) ++without;
    return without;
}

// The best head among queues [first, last): the first class with a head
// that weighs at most `room` (and, for lending, joined before `lend_before`),
// the earliest joiner within it.
template <bool Lending>
std::int64_t Waitlist::best_in(std::size_t first, std::size_t last, double room, double lend_before) {
    std::int64_t best_queue = -1;
    std::uint64_t best_seq = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t q = first; q < last; ++q) {
        auto& queue = queues_[q];
        while (!queue.empty() && !valid(queue.front())) queue.pop();
        if (queue.empty()) continue;
        if (best_queue >= 0 && (q - first) / types_ != (std::size_t(best_queue) - first) / types_) break;  // lower class
        const Family& f = families_[queue.front().family];
        if (f.weight > room + kEps) continue;
        if constexpr (Lending)
            if (f.unassigned_since >= lend_before) continue;
        if (f.queue_seq < best_seq) {
            best_seq = f.queue_seq;
            best_queue = std::int64_t(q);
        }
    }
    return best_queue;
}

std::int64_t Waitlist::best_fitting(double room, std::uint16_t team) {
    const std::size_t first = std::size_t(team) * block();
    const std::int64_t own = best_in<false>(first, first + block(), room, 0.0);
    if (own >= 0 || lend_after_ < 0) return own;
    // Lending: the other teams' families that have waited long enough, by
    // class, then by time of joining.
    const double lend_before = ctx_.now - lend_after_ + kEps;
    std::int64_t best = -1;
    for (std::uint16_t t = 0; t < teams_; ++t) {
        if (t == team) continue;
        const std::int64_t q = best_in<true>(std::size_t(t) * block(), std::size_t(t + 1) * block(), room, lend_before);
        if (q < 0) continue;
        if (best < 0) {
            best = q;
            continue;
        }
        const std::size_t cls_q = std::size_t(q) % block() / types_, cls_best = std::size_t(best) % block() / types_;
        const Family& a = families_[queues_[std::size_t(q)].front().family];
        const Family& b = families_[queues_[std::size_t(best)].front().family];
        if (cls_q < cls_best || (cls_q == cls_best && a.queue_seq < b.queue_seq)) best = q;
    }
    return best;
}

std::uint32_t Waitlist::dequeue(std::int64_t q) {
    --waiting_;
    if (teams_ > 1) --by_team_[std::size_t(q) / block()];
    const std::uint32_t id = queues_[std::size_t(q)].pop().family;
    children_ -= families_[id].children;
    return id;
}

}  // namespace caseload::model::detail
