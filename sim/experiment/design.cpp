#include "caseload/experiment/design.hpp"

#include "caseload/kernel/random.hpp"
#include "caseload/scenario/sweep_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace caseload::experiment {

namespace {

// Stream numbers of the design's random draws (apart from the model's).
constexpr std::uint64_t kPermutationStream = 0x4c48530000000000ULL;  // + factor
constexpr std::uint64_t kJitterStream = 0x4a49540000000000ULL;       // + factor

std::string shortest(double v) {
    if (v == 0) return "0";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

}  // namespace

Factor Factor::discrete(std::string name, std::vector<Level> levels) {
    if (levels.empty()) throw std::invalid_argument("factor " + name + " has no levels");
    Factor f;
    f.name = std::move(name);
    f.levels = std::move(levels);
    return f;
}

Factor Factor::range(std::string name, double from, double to, char unit, bool integer) {
    if (!(from < to)) throw std::invalid_argument("factor " + name + ": expected from < to");
    Factor f;
    f.name = std::move(name);
    f.continuous = true;
    f.from = from;
    f.to = to;
    f.unit = unit;
    f.integer = integer;
    return f;
}

Design Design::grid(std::vector<Factor> factors) {
    Design d;
    d.kind_ = Kind::grid;
    d.size_ = 1;
    for (const auto& f : factors) {
        if (f.continuous) throw std::invalid_argument("a grid needs levels for factor " + f.name);
        if (d.size_ > std::numeric_limits<std::size_t>::max() / f.levels.size())
            throw std::invalid_argument("the grid is too large");
        d.size_ *= f.levels.size();
    }
    d.factors_ = std::move(factors);
    return d;
}

Design Design::latin_hypercube(std::vector<Factor> factors, std::size_t points, std::uint64_t seed) {
    if (points == 0 || points > std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument("a Latin hypercube needs between 1 and 2^32 - 1 points");
    Design d;
    d.kind_ = Kind::lhs;
    d.size_ = points;
    d.seed_ = seed;
    d.factors_ = std::move(factors);
    d.strata_.resize(d.factors_.size());
    for (std::size_t j = 0; j < d.factors_.size(); ++j) {
        auto& perm = d.strata_[j];
        perm.resize(points);
        for (std::size_t i = 0; i < points; ++i) perm[i] = std::uint32_t(i);
        // Fisher-Yates with Boost.Random: the same permutation on every platform
        // (std::shuffle's algorithm differs between standard libraries).
        kernel::Engine e = kernel::make_engine(seed, 0, kPermutationStream + j);
        for (std::size_t i = points - 1; i > 0; --i) {
            boost::random::uniform_int_distribution<std::size_t> pick(0, i);
            std::swap(perm[i], perm[pick(e)]);
        }
    }
    return d;
}

double Design::unit_position(std::size_t i, std::size_t j) const {
    if (kind_ == Kind::grid) {
        std::size_t rest = i;
        std::size_t level = 0;
        for (std::size_t k = factors_.size(); k-- > 0;) {
            const std::size_t n = factors_[k].levels.size();
            if (k == j) level = rest % n;
            rest /= n;
        }
        return (double(level) + 0.5) / double(factors_[j].levels.size());
    }
    // A counter-based draw: the jitter of (i, j) needs no state.
    const std::uint64_t bits = kernel::mix64(kernel::stream_seed(seed_, i, kJitterStream + j));
    const double jitter = double(bits >> 11) * 0x1.0p-53;  // [0, 1)
    return (double(strata_[j][i]) + jitter) / double(size_);
}

std::vector<Level> Design::point(std::size_t i) const {
    if (i >= size_) throw std::out_of_range("design point " + std::to_string(i) + " of " + std::to_string(size_));
    std::vector<Level> out(factors_.size());
    if (kind_ == Kind::grid) {
        std::size_t rest = i;
        for (std::size_t k = factors_.size(); k-- > 0;) {
            const std::size_t n = factors_[k].levels.size();
            out[k] = factors_[k].levels[rest % n];
            rest /= n;
        }
        return out;
    }
    for (std::size_t j = 0; j < factors_.size(); ++j) {
        const Factor& f = factors_[j];
        const double u = unit_position(i, j);
        if (!f.continuous) {
            const std::size_t n = f.levels.size();
            out[j] = f.levels[std::min(n - 1, std::size_t(u * double(n)))];
            continue;
        }
        double v = f.from + u * (f.to - f.from);
        if (f.integer) v = std::clamp(std::round(v), std::ceil(f.from), std::floor(f.to));
        out[j].text = shortest(v) + (f.unit ? std::string(1, f.unit) : std::string());
        out[j].number = f.unit ? v * scenario::days_per_unit(f.unit) : v;
    }
    return out;
}

}  // namespace caseload::experiment
