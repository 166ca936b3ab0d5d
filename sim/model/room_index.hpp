#pragma once
// Which worker has the most room, kept up to date as rooms change, so the
// assignment step asks in O(1) instead of scanning every worker.
//
// A tournament tree: the leaves hold each worker's room, every inner node the
// winner of its two children (more room wins; on a tie the left child, which
// holds the lower indices). The root is therefore the worker a scan from
// index 0 would pick with "strictly more room replaces the best so far":
// the most room, ties to the lowest index. A change of one room replays the
// matches on its path to the root, and stops where a match's result did not
// change. The rooms compared are the same doubles a scan would compute, so
// the winner is the same to the bit.

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
        nodes_.assign(2 * leaves_, Node{kNoRoom, 0});
        for (std::size_t w = 0; w < leaves_; ++w) nodes_[leaves_ + w] = Node{w < n ? room : kNoRoom, std::uint32_t(w)};
        for (std::size_t i = leaves_ - 1; i >= 1; --i) nodes_[i] = match(nodes_[2 * i], nodes_[2 * i + 1]);
    }
    // Worker w's room is now `room`.
    void set(std::size_t w, double room) {
        std::size_t i = leaves_ + w;
        nodes_[i].room = room;
        for (i /= 2; i >= 1; i /= 2) {
            const Node next = match(nodes_[2 * i], nodes_[2 * i + 1]);
            if (next.worker == nodes_[i].worker && next.room == nodes_[i].room) return;  // nothing above changes
            nodes_[i] = next;
        }
    }
    // One more worker (index = the count so far) with room `room`.
    void push_back(std::size_t n_before, double room) {
        if (n_before < leaves_) {
            set(n_before, room);
            return;
        }
        std::vector<double> rooms(n_before + 1);
        for (std::size_t w = 0; w < n_before; ++w) rooms[w] = nodes_[leaves_ + w].room;
        rooms[n_before] = room;
        assign(rooms.size(), 0.0);
        for (std::size_t w = 0; w < rooms.size(); ++w) set(w, rooms[w]);
    }
    // The worker with the most room (ties: the lowest index); 0 when there is none.
    [[nodiscard]] std::size_t best() const { return nodes_.size() > 1 ? nodes_[1].worker : 0; }

private:
    static constexpr double kNoRoom = -std::numeric_limits<double>::infinity();  // padding leaves
    struct Node {
        double room;
        std::uint32_t worker;
    };
    static Node match(const Node& left, const Node& right) { return right.room > left.room ? right : left; }

    std::size_t leaves_ = 1;
    std::vector<Node> nodes_ = std::vector<Node>(2, Node{kNoRoom, 0});
};

}  // namespace caseload::model::detail
