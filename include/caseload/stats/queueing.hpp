#pragma once
// Analytic results for the M/M/c queue (Erlang C), the anchor the model must
// reproduce when every dynamic is off. c servers, offered load a = lambda/mu
// (in servers), rho = a / c < 1.

#include <cmath>
#include <limits>

namespace caseload::stats {

// Erlang B by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
[[nodiscard]] inline double erlang_b(int c, double a) {
    double b = 1.0;
    for (int k = 1; k <= c; ++k) b = a * b / (double(k) + a * b);
    return b;
}

// Probability that an arrival waits.
[[nodiscard]] inline double erlang_c(int c, double a) {
    const double rho = a / double(c);
    if (!(rho < 1.0)) return 1.0;
    const double b = erlang_b(c, a);
    return b / (1.0 - rho * (1.0 - b));
}

// Mean number waiting (not in service).
[[nodiscard]] inline double mmc_mean_queue(int c, double a) {
    const double rho = a / double(c);
    if (!(rho < 1.0)) return std::numeric_limits<double>::infinity();
    return erlang_c(c, a) * rho / (1.0 - rho);
}

// Mean wait in units of the mean service time.
[[nodiscard]] inline double mmc_mean_wait(int c, double a) {
    const double rho = a / double(c);
    if (!(rho < 1.0)) return std::numeric_limits<double>::infinity();
    return erlang_c(c, a) / (double(c) - a);
}

}  // namespace caseload::stats
