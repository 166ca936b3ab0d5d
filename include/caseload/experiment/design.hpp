#pragma once
// Experimental designs over sweep parameters: the full grid (every
// combination) and the Latin hypercube (n points; each parameter's range cut
// into n equal strata, one point in each). A point is computed from its index
// on demand, so a grid of millions of points costs no memory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace caseload::experiment {

// The value a parameter takes at one point.
struct Level {
    std::string text;   // as it goes into the scenario: 14, 2.5y, urgent_first
    double number = 0;  // as a number (durations in days); NaN for words
};

// One swept parameter: a list of levels, or a continuous range.
struct Factor {
    std::string name;
    std::vector<Level> levels;  // discrete: these values
    bool continuous = false;    // continuous (Latin hypercube only): a value in [from, to]
    double from = 0, to = 0;    // in `unit`
    char unit = 0;              // 0 = plain number; d, w, m, y: a duration
    bool integer = false;       // round to whole numbers of `unit`

    [[nodiscard]] static Factor discrete(std::string name, std::vector<Level> levels);
    [[nodiscard]] static Factor range(std::string name, double from, double to, char unit = 0, bool integer = false);
};

class Design {
public:
    // Every combination; the first factor varies slowest (point 0 takes every
    // factor's first level, point 1 the last factor's second level, ...).
    [[nodiscard]] static Design grid(std::vector<Factor> factors);
    // A Latin hypercube of `points` points, reproducible from `seed`. For each
    // factor, the unit interval is cut into `points` strata and every stratum
    // holds exactly one point; the point's place in its stratum is drawn at
    // random. A discrete factor takes level floor(u * levels), so each level is
    // used equally often (to within one).
    [[nodiscard]] static Design latin_hypercube(std::vector<Factor> factors, std::size_t points, std::uint64_t seed);

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] const std::vector<Factor>& factors() const { return factors_; }
    // The levels of point `i` (0 <= i < size()), one per factor.
    [[nodiscard]] std::vector<Level> point(std::size_t i) const;
    // For a Latin hypercube: the position of point i for factor j in [0, 1)
    // (its stratum is floor(u * size())). For a grid: (level + 0.5) / levels.
    [[nodiscard]] double unit_position(std::size_t i, std::size_t j) const;

private:
    enum class Kind { grid, lhs };
    Kind kind_ = Kind::grid;
    std::vector<Factor> factors_;
    std::size_t size_ = 0;
    std::uint64_t seed_ = 0;
    std::vector<std::vector<std::uint32_t>> strata_;  // lhs: stratum of point i for factor j
};

}  // namespace caseload::experiment
