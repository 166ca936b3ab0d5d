#include "caseload/kernel/random.hpp"
#include "caseload/stats/metamodel.hpp"

#include <boost/random/normal_distribution.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace caseload::stats;

namespace {

const TermFit& term(const MetamodelFit& f, const std::string& name) {
    for (const auto& t : f.terms)
        if (t.name == name) return t;
    FAIL("no term " << name);
    return f.terms.front();
}

double sd(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m += x;
    m /= double(v.size());
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size() - 1));
}

// A 2-factor grid: a in {0..4}, b in {10, 20, 30}.
struct Grid {
    std::vector<double> a, b;
    Grid() {
        for (int i = 0; i < 5; ++i)
            for (int j = 1; j <= 3; ++j) {
                a.push_back(i);
                b.push_back(10.0 * j);
            }
    }
};

}  // namespace

TEST_CASE("metamodel: a linear response is recovered exactly, with standardized coefficients and ranking") {
    const Grid g;
    // Design moments: a has mean 2, b mean 20.
    Metamodel mm({"a", "b"}, {2, 20}, {sd(g.a), sd(g.b)}, Terms::linear);
    std::vector<double> y;
    for (std::size_t i = 0; i < g.a.size(); ++i) {
        y.push_back(5.0 + 2.0 * g.a[i] - 0.3 * g.b[i]);
        mm.add(std::vector<double>{g.a[i], g.b[i]}, y.back());
    }
    const MetamodelFit f = mm.fit();
    REQUIRE(f.ok);
    CHECK(f.observations == 15);
    CHECK(f.r_squared == doctest::Approx(1.0));
    CHECK(term(f, "a").coefficient == doctest::Approx(2.0));
    CHECK(term(f, "b").coefficient == doctest::Approx(-0.3));
    CHECK(f.intercept == doctest::Approx(5.0 + 2.0 * 2 - 0.3 * 20));  // the response at the centre
    // Standardized: coefficient x sd(x) / sd(y).
    CHECK(term(f, "a").std_coefficient == doctest::Approx(2.0 * sd(g.a) / sd(y)));
    CHECK(term(f, "b").std_coefficient == doctest::Approx(-0.3 * sd(g.b) / sd(y)));
    // b moves y by 0.3 x 8.2 = 2.4 per sd, a by 2 x 1.46 = 2.9: a ranks first.
    REQUIRE(f.ranking.size() == 2);
    CHECK(f.ranking[0].parameter == "a");
    CHECK(f.ranking[0].rank == 1);
    CHECK(f.ranking[1].parameter == "b");
    // An orthogonal design: each drop is that parameter's share of the variance.
    CHECK(f.ranking[0].r2_drop + f.ranking[1].r2_drop == doctest::Approx(1.0));
}

TEST_CASE("metamodel: interactions and squares, centred on the design") {
    const Grid g;
    Metamodel mm({"a", "b"}, {2, 20}, {sd(g.a), sd(g.b)}, Terms::full);
    for (std::size_t i = 0; i < g.a.size(); ++i) {
        const double a = g.a[i], b = g.b[i];
        mm.add(std::vector<double>{a, b}, 1.0 + 0.5 * a + 2.0 * b + 1.5 * a * b + 0.25 * (a - 1) * (a - 1));
    }
    const MetamodelFit f = mm.fit();
    REQUIRE(f.ok);
    CHECK(f.r_squared == doctest::Approx(1.0));
    // Around the centre (2, 20): y = c + (0.5 + 1.5*20 + 0.25*2*(2-1)) (a-2) + (2 + 1.5*2) (b-20)
    //                               + 1.5 (a-2)(b-20) + 0.25 (a-2)^2
    CHECK(term(f, "a").coefficient == doctest::Approx(0.5 + 30 + 0.5));
    CHECK(term(f, "b").coefficient == doctest::Approx(5.0));
    CHECK(term(f, "a:b").coefficient == doctest::Approx(1.5));
    CHECK(term(f, "a^2").coefficient == doctest::Approx(0.25));
    CHECK(std::fabs(term(f, "b^2").coefficient) < 1e-9);
    CHECK(f.intercept == doctest::Approx(1.0 + 1.0 + 40.0 + 60.0 + 0.25));
}

TEST_CASE("metamodel: with noise, the coefficients fall within their standard errors of the truth") {
    caseload::kernel::Engine e(99);
    boost::random::normal_distribution<double> noise(0.0, 0.5);
    boost::random::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> xs[3];
    for (int i = 0; i < 400; ++i)
        for (auto& x : xs) x.push_back(u(e));
    Metamodel mm({"x1", "x2", "x3"}, {0.5, 0.5, 0.5}, {sd(xs[0]), sd(xs[1]), sd(xs[2])}, Terms::linear);
    for (int i = 0; i < 400; ++i) {
        const double y = 3.0 * xs[0][std::size_t(i)] - 1.0 * xs[1][std::size_t(i)] + noise(e);  // x3: no effect
        mm.add(std::vector<double>{xs[0][std::size_t(i)], xs[1][std::size_t(i)], xs[2][std::size_t(i)]}, y);
    }
    const MetamodelFit f = mm.fit();
    REQUIRE(f.ok);
    CHECK(f.r_squared < 0.9);
    CHECK(f.r_squared > 0.5);
    // SE of a slope = sigma / (sd(x) sqrt(n - 1)) = 0.5 / (0.289 * 20) ~ 0.087.
    CHECK(term(f, "x1").std_error == doctest::Approx(0.087).epsilon(0.15));
    CHECK(std::fabs(term(f, "x1").coefficient - 3.0) < 4 * term(f, "x1").std_error);
    CHECK(std::fabs(term(f, "x2").coefficient + 1.0) < 4 * term(f, "x2").std_error);
    CHECK(std::fabs(term(f, "x3").coefficient) < 4 * term(f, "x3").std_error);
    CHECK(f.ranking[0].parameter == "x1");
    CHECK(f.ranking[1].parameter == "x2");
    CHECK(f.ranking[2].parameter == "x3");
    CHECK(f.ranking[2].r2_drop < 0.01);
}

TEST_CASE("metamodel: what cannot be fitted says why") {
    const Grid g;
    Metamodel flat({"a", "b"}, {2, 20}, {sd(g.a), sd(g.b)}, Terms::linear);
    for (std::size_t i = 0; i < g.a.size(); ++i) flat.add(std::vector<double>{g.a[i], g.b[i]}, 7.0);
    const auto f = flat.fit();
    CHECK_FALSE(f.ok);
    CHECK(f.note.find("does not vary") != std::string::npos);

    // A parameter the design holds fixed is left out; NaN responses are skipped.
    Metamodel held({"a", "fixed"}, {2, 3}, {sd(g.a), 0.0}, Terms::interactions);
    for (std::size_t i = 0; i < g.a.size(); ++i) held.add(std::vector<double>{g.a[i], 3.0}, 4.0 * g.a[i]);
    held.add(std::vector<double>{1.0, 3.0}, std::nan(""));
    const auto h = held.fit();
    REQUIRE(h.ok);
    CHECK(h.observations == 15);
    REQUIRE(h.terms.size() == 1);
    CHECK(h.terms[0].coefficient == doctest::Approx(4.0));
    REQUIRE(h.ranking.size() == 1);
    CHECK(h.ranking[0].parameter == "a");

    Metamodel few({"a"}, {0}, {1}, Terms::quadratic);
    few.add(std::vector<double>{1.0}, 1.0);
    few.add(std::vector<double>{2.0}, 3.0);
    CHECK_FALSE(few.fit().ok);
}
