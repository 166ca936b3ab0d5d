#pragma once
// A growable ring buffer of trivially copyable values: FIFO order, O(1) push
// and pop, storage reused (grows geometrically, never shrinks).

#include <cstddef>
#include <vector>

namespace caseload::model::detail {

template <class T>
class Fifo {
public:
    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] const T& front() const { return buf_[head_]; }

    void push(const T& v) {
        if (size_ == buf_.size()) grow();
        buf_[(head_ + size_) & (buf_.size() - 1)] = v;
        ++size_;
    }
    T pop() {
        T v = buf_[head_];
        head_ = (head_ + 1) & (buf_.size() - 1);
        --size_;
        return v;
    }
    // Visit every element in order.
    template <class F>
    void for_each(F&& f) const {
        for (std::size_t i = 0; i < size_; ++i) f(buf_[(head_ + i) & (buf_.size() - 1)]);
    }

private:
    void grow() {
        std::vector<T> next(buf_.empty() ? 16 : buf_.size() * 2);
        for (std::size_t i = 0; i < size_; ++i) next[i] = buf_[(head_ + i) & (buf_.size() - 1)];
        buf_.swap(next);
        head_ = 0;
    }

    std::vector<T> buf_;  // capacity is a power of two
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

}  // namespace caseload::model::detail
