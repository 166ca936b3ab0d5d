#pragma once
// Exact memos of the pure maths functions the model calls with the same
// arguments over and over (exp at every worker's weekly hazard update, pow at
// every assignment with the same intensity). An argument is matched by its
// bits, so a remembered answer is the answer the function gave for exactly
// that argument: results are the same to the bit, only cheaper.

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace caseload::model::detail {

// pow(x, exponent) for a fixed exponent, remembering the last x.
class PowMemo {
public:
    explicit PowMemo(double exponent = 1.0) : exponent_(exponent), y_(std::pow(1.0, exponent)) {}
    double operator()(double x) {
        const auto bits = std::bit_cast<std::uint64_t>(x);
        if (bits != x_) {
            x_ = bits;
            y_ = std::pow(x, exponent_);
        }
        return y_;
    }

private:
    double exponent_;
    std::uint64_t x_ = std::bit_cast<std::uint64_t>(1.0);
    double y_;  // pow(x_, exponent_)
};

// exp(x), remembering the last answers in a small table indexed by a hash of x.
class ExpMemo {
public:
    ExpMemo() { entries_.fill(Entry{std::bit_cast<std::uint64_t>(0.0), std::exp(0.0)}); }
    double operator()(double x) {
        const auto bits = std::bit_cast<std::uint64_t>(x);
        Entry& e = entries_[(bits * 0x9E3779B97F4A7C15ull) >> (64 - kBits)];
        if (e.x != bits) e = Entry{bits, std::exp(x)};
        return e.y;
    }

private:
    static constexpr unsigned kBits = 8;
    struct Entry {
        std::uint64_t x;  // the argument's bits
        double y;         // exp of it
    };
    std::array<Entry, std::size_t{1} << kBits> entries_;
};

}  // namespace caseload::model::detail
