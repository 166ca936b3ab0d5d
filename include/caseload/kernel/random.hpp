#pragma once
// Random streams and distributions.
//
// Every stochastic process of a model draws from its own engine, seeded from
// (seed, replication, stream) through a fixed mixing function. Adding a new
// process (a new stream number) never shifts the numbers another process sees,
// and two scenarios run with the same seed share their randomness stream by
// stream (common random numbers).
//
// Distributions are Boost.Random's, which produce the same numbers on every
// platform and standard library (std:: distributions do not).

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace caseload::kernel {

using Engine = boost::random::mt19937_64;

// SplitMix64 finaliser: a bijective mixer with good avalanche.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Seed of the engine for one (seed, replication, stream).
[[nodiscard]] constexpr std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t replication, std::uint64_t stream) {
    return mix64(mix64(mix64(seed) ^ replication) ^ (stream * 0xd6e8feb86659fd93ULL));
}

[[nodiscard]] inline Engine make_engine(std::uint64_t seed, std::uint64_t replication, std::uint64_t stream) {
    return Engine(stream_seed(seed, replication, stream));
}

// A uniform draw in [0, 1).
[[nodiscard]] inline double uniform01(Engine& e) { return boost::random::uniform_01<double>{}(e); }

// A distribution described by the parameters people think in.
struct DistributionSpec {
    enum class Kind { exponential, lognormal, gamma, fixed, uniform, empirical };
    Kind kind = Kind::exponential;
    double mean = 1.0;  // exponential, lognormal, gamma; the value for fixed
    double cv = 1.0;    // lognormal, gamma: standard deviation / mean
    double min = 0.0;   // uniform
    double max = 1.0;   // uniform
    std::vector<double> values;  // empirical: drawn with equal probability
    std::string source;          // empirical: where the values came from (for output)

    [[nodiscard]] static DistributionSpec exponential(double mean);
    [[nodiscard]] static DistributionSpec lognormal(double mean, double cv);
    [[nodiscard]] static DistributionSpec gamma(double mean, double cv);
    [[nodiscard]] static DistributionSpec fixed(double value);
    [[nodiscard]] static DistributionSpec uniform(double min, double max);
    [[nodiscard]] static DistributionSpec empirical(std::vector<double> values);

    // The theoretical mean and coefficient of variation.
    [[nodiscard]] double theoretical_mean() const;
    [[nodiscard]] double theoretical_cv() const;
};

[[nodiscard]] const char* to_string(DistributionSpec::Kind k);

// A sampler built from a spec. Cheap to copy; sampling does not allocate.
class Distribution {
public:
    Distribution() = default;
    explicit Distribution(const DistributionSpec& spec);

    // The sampler for the kind is picked once, at construction: a draw is
    // one call, with no branch on the kind.
    double operator()(Engine& e) { return draw_(*this, e); }

    // A draw of the equilibrium residual life (forward recurrence time): the
    // remaining length of an item found in progress at a random moment. Its
    // mean is E[X^2] / (2 E[X]) = mean (1 + cv^2) / 2. Drawn as U x (a
    // length-biased draw).
    double residual(Engine& e);

private:
    using Draw = double (*)(Distribution&, Engine&);
    static double draw_exponential(Distribution& d, Engine& e) { return d.exponential_(e); }
    static double draw_lognormal(Distribution& d, Engine& e) { return d.lognormal_(e); }
    static double draw_gamma(Distribution& d, Engine& e) { return d.gamma_(e); }
    static double draw_fixed(Distribution& d, Engine&) { return d.value_; }
    static double draw_uniform(Distribution& d, Engine& e) { return d.uniform_(e); }
    static double draw_empirical(Distribution& d, Engine& e) { return d.values_[d.pick_(e)]; }
    [[nodiscard]] static Draw draw_for(DistributionSpec::Kind kind);

    DistributionSpec::Kind kind_ = DistributionSpec::Kind::fixed;
    Draw draw_ = &draw_fixed;
    double value_ = 0.0;
    boost::random::exponential_distribution<double> exponential_;
    boost::random::lognormal_distribution<double> lognormal_;
    boost::random::gamma_distribution<double> gamma_;
    boost::random::uniform_real_distribution<double> uniform_;
    boost::random::uniform_int_distribution<std::size_t> pick_;
    std::vector<double> values_;
};

}  // namespace caseload::kernel
