#include "waitlist.hpp"

#include <limits>

namespace caseload::model::detail {

namespace {
constexpr double kEps = 1e-9;
}

Waitlist::Waitlist(Families& families, std::size_t types, bool urgent_first)
    : families_(families), types_(types), urgent_first_(urgent_first), queues_(kClasses * types) {}

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
}

void Waitlist::to_urgent(std::uint32_t id) {
    if (!urgent_first_) return;
    --waiting_;
    enqueue(id, kClassUrgent);  // the old entry goes stale
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
    return queues_[std::size_t(q)].pop().family;
}

}  // namespace caseload::model::detail
