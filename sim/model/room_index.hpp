#pragma once
// Which worker has the most room, kept up to date as rooms change, so the
// assignment step walks one path of a tree instead of scanning every worker.
//
// A max tree: the leaves hold each worker's room, every inner node the
// largest room below it. The answer walks down from the root, to the left
// child unless the right one holds strictly more, so it is the worker a scan
// from index 0 would pick with "strictly more room replaces the best so
// far": the most room, ties to the lowest index. A change of one room
// updates its path to the root and stops where a maximum did not change.
// The rooms compared are the same doubles a scan would compute, so the
// answer is the same to the bit.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace caseload::model::detail {

class RoomIndex {
public:
    // `n` workers, all with room `room`.
    void assign(std::size_t n, double room) {
        leaves_ = 1;
        while (leaves_ < n) leaves_ *= 2;
        max_.assign(2 * leaves_, kNoRoom);
        for (std::size_t w = 0; w < n; ++w) max_[leaves_ + w] = room;
        for (std::size_t i = leaves_ - 1; i >= 1; --i) max_[i] = std::max(max_[2 * i], max_[2 * i + 1]);
    }
    // Worker w's room is now `room`.
    void set(std::size_t w, double room) {
        std::size_t i = leaves_ + w;
        max_[i] = room;
        for (i /= 2; i >= 1; i /= 2) {
            const double m = std::max(max_[2 * i], max_[2 * i + 1]);
            if (m == max_[i]) return;  // nothing above changes
            max_[i] = m;
        }
    }
    // One more worker (index n_before) with room `room`.
    void push_back(std::size_t n_before, double room) {
        if (n_before >= leaves_) {
            const std::vector<double> rooms(max_.begin() + std::ptrdiff_t(leaves_), max_.end());
            assign(2 * leaves_, kNoRoom);
            std::copy(rooms.begin(), rooms.end(), max_.begin() + std::ptrdiff_t(leaves_));
            for (std::size_t i = leaves_ - 1; i >= 1; --i) max_[i] = std::max(max_[2 * i], max_[2 * i + 1]);
        }
        set(n_before, room);
    }
    // The worker with the most room (ties: the lowest index); 0 when there is none.
    [[nodiscard]] std::size_t best() const {
        std::size_t i = 1;
        while (i < leaves_) i = 2 * i + (max_[2 * i + 1] > max_[2 * i] ? 1 : 0);
        return i - leaves_;
    }

private:
    static constexpr double kNoRoom = -std::numeric_limits<double>::infinity();  // padding leaves

    std::size_t leaves_ = 1;
    std::vector<double> max_ = std::vector<double>(2, kNoRoom);  // [1] is the root; leaves from leaves_
};

}  // namespace caseload::model::detail
