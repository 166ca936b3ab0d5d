#include "caseload/experiment/design.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace caseload::experiment;

namespace {

Factor levels(const std::string& name, std::vector<double> values) {
    std::vector<Level> l;
    for (double v : values) l.push_back({std::to_string(v), v});
    return Factor::discrete(name, std::move(l));
}

}  // namespace

TEST_CASE("grid: every combination once, the first factor slowest") {
    const Design d = Design::grid({levels("a", {1, 2, 3}), levels("b", {10, 20, 30, 40}), levels("c", {-1, 1})});
    REQUIRE(d.size() == 24);
    std::set<std::vector<double>> seen;
    for (std::size_t i = 0; i < d.size(); ++i) {
        const auto p = d.point(i);
        REQUIRE(p.size() == 3);
        seen.insert({p[0].number, p[1].number, p[2].number});
    }
    CHECK(seen.size() == 24);
    CHECK(d.point(0)[0].number == 1);
    CHECK(d.point(0)[2].number == -1);
    CHECK(d.point(1)[2].number == 1);   // the last factor varies fastest
    CHECK(d.point(1)[0].number == 1);
    CHECK(d.point(8)[0].number == 2);   // 8 = 4 x 2 points per level of a
    CHECK(d.point(23)[0].number == 3);
    CHECK(d.point(23)[1].number == 40);
    CHECK_THROWS((void)d.point(24));
    // A grid of one factor is its list.
    const Design one = Design::grid({levels("x", {5, 7})});
    CHECK(one.size() == 2);
    CHECK(one.point(1)[0].number == 7);
    CHECK_THROWS((void)Design::grid({Factor::range("r", 0, 1)}));
}

TEST_CASE("Latin hypercube: count, bounds and one point in every stratum of every factor") {
    const std::size_t n = 97;
    const Design d = Design::latin_hypercube(
        {Factor::range("a", 2.0, 5.0), Factor::range("b", -10.0, 10.0), Factor::range("days", 1.0, 3.0, 'y')}, n, 42);
    REQUIRE(d.size() == n);
    for (std::size_t j = 0; j < 3; ++j) {
        std::vector<int> hits(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const double u = d.unit_position(i, j);
            REQUIRE(u >= 0.0);
            REQUIRE(u < 1.0);
            const auto stratum = std::size_t(u * double(n));
            ++hits[stratum];
        }
        // Stratification: every one of the n strata holds exactly one point.
        CHECK(std::count(hits.begin(), hits.end(), 1) == long(n));
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto p = d.point(i);
        CHECK(p[0].number >= 2.0);
        CHECK(p[0].number <= 5.0);
        CHECK(p[1].number >= -10.0);
        CHECK(p[1].number <= 10.0);
        // A duration: the text carries the unit, the number is in days.
        CHECK(p[2].text.back() == 'y');
        CHECK(p[2].number >= 365.25);
        CHECK(p[2].number <= 3 * 365.25);
        // The value's own stratum, from the value itself.
        const auto stratum = std::size_t((p[0].number - 2.0) / 3.0 * double(n));
        CHECK(stratum == std::size_t(d.unit_position(i, 0) * double(n)));
    }
}

TEST_CASE("Latin hypercube: the same seed gives the same design, another seed another") {
    auto make = [](std::uint64_t seed) {
        return Design::latin_hypercube({Factor::range("a", 0, 1), levels("b", {1, 2, 3, 4})}, 40, seed);
    };
    const Design a = make(7), b = make(7), c = make(8);
    bool any_difference = false;
    for (std::size_t i = 0; i < 40; ++i) {
        CHECK(a.point(i)[0].text == b.point(i)[0].text);
        CHECK(a.point(i)[1].text == b.point(i)[1].text);
        any_difference |= a.point(i)[0].text != c.point(i)[0].text;
    }
    CHECK(any_difference);
    // Reading a point twice gives the same values (points are computed, not drawn in sequence).
    CHECK(a.point(13)[0].text == a.point(13)[0].text);
}

TEST_CASE("Latin hypercube: a discrete factor uses each level equally often, integers stay in range") {
    const std::size_t n = 50;
    const Design d = Design::latin_hypercube({levels("k", {1, 2, 3, 4, 5}), Factor::range("w", 3.2, 9.7, 0, true)}, n, 3);
    std::map<double, int> count;
    for (std::size_t i = 0; i < n; ++i) {
        const auto p = d.point(i);
        ++count[p[0].number];
        CHECK(p[1].number == std::round(p[1].number));
        CHECK(p[1].number >= 4);
        CHECK(p[1].number <= 9);
    }
    REQUIRE(count.size() == 5);
    for (const auto& [level, c] : count) CHECK(c == 10);
}
