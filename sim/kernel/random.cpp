#include "caseload/kernel/random.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

namespace caseload::kernel {

DistributionSpec DistributionSpec::exponential(double mean) {
    DistributionSpec s;
    s.kind = Kind::exponential;
    s.mean = mean;
    s.cv = 1.0;
    return s;
}
DistributionSpec DistributionSpec::lognormal(double mean, double cv) {
    DistributionSpec s;
    s.kind = Kind::lognormal;
    s.mean = mean;
    s.cv = cv;
    return s;
}
DistributionSpec DistributionSpec::gamma(double mean, double cv) {
    DistributionSpec s;
    s.kind = Kind::gamma;
    s.mean = mean;
    s.cv = cv;
    return s;
}
DistributionSpec DistributionSpec::fixed(double value) {
    DistributionSpec s;
    s.kind = Kind::fixed;
    s.mean = value;
    s.cv = 0.0;
    return s;
}
DistributionSpec DistributionSpec::uniform(double min, double max) {
    DistributionSpec s;
    s.kind = Kind::uniform;
    s.min = min;
    s.max = max;
    return s;
}
DistributionSpec DistributionSpec::empirical(std::vector<double> values) {
    DistributionSpec s;
    s.kind = Kind::empirical;
    s.values = std::move(values);
    return s;
}

double DistributionSpec::theoretical_mean() const {
    switch (kind) {
        case Kind::exponential:
        case Kind::lognormal:
        case Kind::gamma:
        case Kind::fixed: return mean;
        case Kind::uniform: return 0.5 * (min + max);
        case Kind::empirical:
            return values.empty() ? 0.0 : std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    }
    return mean;
}

double DistributionSpec::theoretical_cv() const {
    switch (kind) {
        case Kind::exponential: return 1.0;
        case Kind::lognormal:
        case Kind::gamma: return cv;
        case Kind::fixed: return 0.0;
        case Kind::uniform: {
            const double m = theoretical_mean();
            return m == 0.0 ? 0.0 : (max - min) / std::sqrt(12.0) / m;
        }
        case Kind::empirical: {
            const double m = theoretical_mean();
            if (values.empty() || m == 0.0) return 0.0;
            double ss = 0.0;
            for (double v : values) ss += (v - m) * (v - m);
            return std::sqrt(ss / double(values.size())) / m;
        }
    }
    return 0.0;
}

const char* to_string(DistributionSpec::Kind k) {
    switch (k) {
        case DistributionSpec::Kind::exponential: return "exponential";
        case DistributionSpec::Kind::lognormal: return "lognormal";
        case DistributionSpec::Kind::gamma: return "gamma";
        case DistributionSpec::Kind::fixed: return "fixed";
        case DistributionSpec::Kind::uniform: return "uniform";
        case DistributionSpec::Kind::empirical: return "empirical";
    }
    return "?";
}

double Distribution::residual(Engine& e) {
    using K = DistributionSpec::Kind;
    double biased = value_;
    switch (kind_) {
        case K::exponential: return exponential_(e);  // memoryless: the residual is the same exponential
        case K::lognormal: {
            // Length-biasing a lognormal shifts the underlying normal's mean by sigma^2.
            const double sigma = lognormal_.s();
            biased = boost::random::lognormal_distribution<double>(lognormal_.m() + sigma * sigma, sigma)(e);
            break;
        }
        case K::gamma:
            // Length-biasing a gamma adds one to its shape.
            biased = boost::random::gamma_distribution<double>(gamma_.alpha() + 1.0, gamma_.beta())(e);
            break;
        case K::fixed: break;
        case K::uniform: {
            // Density proportional to x on [a, b]: inverse CDF sqrt(a^2 + u (b^2 - a^2)).
            const double a = uniform_.a(), b = uniform_.b();
            biased = std::sqrt(a * a + uniform01(e) * (b * b - a * a));
            break;
        }
        case K::empirical: {
            // Pick a value with probability proportional to it.
            double total = 0;
            for (double v : values_) total += v;
            double u = uniform01(e) * total;
            biased = values_.back();
            for (double v : values_) {
                if (u < v) {
                    biased = v;
                    break;
                }
                u -= v;
            }
            break;
        }
    }
    return uniform01(e) * biased;
}

Distribution::Distribution(const DistributionSpec& spec) : kind_(spec.kind), value_(spec.mean) {
    using K = DistributionSpec::Kind;
    switch (spec.kind) {
        case K::exponential:
            if (!(spec.mean > 0)) throw std::invalid_argument("exponential distribution needs mean > 0");
            exponential_ = decltype(exponential_)(1.0 / spec.mean);
            break;
        case K::lognormal: {
            if (!(spec.mean > 0) || !(spec.cv > 0)) throw std::invalid_argument("lognormal distribution needs mean > 0 and cv > 0");
            // For X = exp(N(mu, sigma^2)): E[X] = exp(mu + sigma^2/2), CV^2 = exp(sigma^2) - 1.
            const double sigma2 = std::log1p(spec.cv * spec.cv);
            const double mu = std::log(spec.mean) - 0.5 * sigma2;
            // Boost's lognormal_distribution takes the underlying normal's (mu, sigma).
            lognormal_ = decltype(lognormal_)(mu, std::sqrt(sigma2));
            break;
        }
        case K::gamma: {
            if (!(spec.mean > 0) || !(spec.cv > 0)) throw std::invalid_argument("gamma distribution needs mean > 0 and cv > 0");
            // shape k = 1/cv^2, scale theta = mean * cv^2: mean k*theta, CV 1/sqrt(k).
            const double shape = 1.0 / (spec.cv * spec.cv);
            gamma_ = decltype(gamma_)(shape, spec.mean / shape);
            break;
        }
        case K::fixed: break;
        case K::uniform:
            if (!(spec.max >= spec.min)) throw std::invalid_argument("uniform distribution needs max >= min");
            if (spec.max == spec.min) {  // Boost's uniform_real needs min < max
                kind_ = K::fixed;
                value_ = spec.min;
                break;
            }
            uniform_ = decltype(uniform_)(spec.min, spec.max);
            break;
        case K::empirical:
            if (spec.values.empty()) throw std::invalid_argument("empirical distribution needs at least one value");
            values_ = spec.values;
            pick_ = decltype(pick_)(0, values_.size() - 1);
            break;
    }
    draw_ = draw_for(kind_);
}

Distribution::Draw Distribution::draw_for(DistributionSpec::Kind kind) {
    using K = DistributionSpec::Kind;
    switch (kind) {
        case K::exponential: return &draw_exponential;
        case K::lognormal: return &draw_lognormal;
        case K::gamma: return &draw_gamma;
        case K::fixed: return &draw_fixed;
        case K::uniform: return &draw_uniform;
        case K::empirical: return &draw_empirical;
    }
    return &draw_fixed;
}

}  // namespace caseload::kernel
