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
      queues_(kClasses * types_) {
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
    queues_[cls * types_ + f.type].push({id, f.queue_token});
    ++waiting_;
    children_ += f.children;
    f.contacted_at = ctx_.now;
    if (leaving_on_ && !f.helped && !ctx_.calendar.pending(f.leave_event)) {
        const Time at = f.referred_at + f.leave_after;  // infinite: never
        if (at < ctx_.horizon) f.leave_event = ctx_.calendar.schedule(at, kLeaveWaiting, id, kPrioLoss);
    }
}

void Waitlist::to_urgent(std::uint32_t id) {
    if (!urgent_first_) return;
    --waiting_;
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

std::int64_t Waitlist::best_fitting(double room) {
    std::int64_t best_queue = -1;
    std::uint64_t best_seq = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t q = 0; q < queues_.size(); ++q) {
        auto& queue = queues_[q];
        while (!queue.empty() && !valid(queue.front())) queue.pop();
        if (queue.empty()) continue;
        if (best_queue >= 0 && q / types_ != std::size_t(best_queue) / types_) break;  // lower class
        const Family& f = families_[queue.front().family];
        if (f.weight > room + kEps) continue;
        if (f.queue_seq < best_seq) {
            best_seq = f.queue_seq;
            best_queue = std::int64_t(q);
        }
    }
    return best_queue;
}

std::uint32_t Waitlist::dequeue(std::int64_t q) {
    --waiting_;
    const std::uint32_t id = queues_[std::size_t(q)].pop().family;
    children_ -= families_[id].children;
    return id;
}

}  // namespace caseload::model::detail
