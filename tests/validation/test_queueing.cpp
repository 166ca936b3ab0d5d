// The model with every dynamic off is an M/M/c queue: its waiting
// probability, mean wait and mean waitlist must match Erlang C within the
// simulation's 95% interval. Warm-ups are long enough (several relaxation
// times D/(sqrt(c)-sqrt(a))^2) that the steady-state formula is the target.
// Each check also requires the interval to be tight, so it cannot pass by
// being vague.

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/stats/queueing.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

using namespace caseload;
using model::Metric;

namespace {

void check_erlang_c(int workers, double norm, double rho, double horizon, double warmup, int reps,
                    double max_rel_half_width) {
    const double D = 1.0;  // mean case length in days; time scales out
    const auto sc = test::mmc(workers, norm, rho, D, horizon, warmup, reps, 2024);
    const auto res = experiment::run_experiments({sc});
    const auto s = experiment::summarize(res[0]);
    const int c = int(workers * norm);
    const double a = rho * c;
    const double pw = stats::erlang_c(c, a);
    const double lq = stats::mmc_mean_queue(c, a);
    const double wq = stats::mmc_mean_wait(c, a) * D;
    INFO("c = " << c << ", rho = " << rho << ": P(wait) " << pw << ", Lq " << lq << ", Wq " << wq);

    const auto& p = s[Metric::waited_share].ci;
    const auto& l = s[Metric::waitlist_mean].ci;
    const auto& w = s[Metric::time_to_help_mean_days].ci;
    INFO("simulated P(wait) " << p.mean << " [" << p.low << ", " << p.high << "], Lq " << l.mean << " [" << l.low
                              << ", " << l.high << "], Wq " << w.mean << " [" << w.low << ", " << w.high << "]");
    CHECK(p.contains(pw));
    CHECK(l.contains(lq));
    CHECK(w.contains(wq));
    CHECK(p.half_width() < max_rel_half_width * pw);
    CHECK(l.half_width() < max_rel_half_width * lq);
    CHECK(w.half_width() < max_rel_half_width * wq);
    CHECK_FALSE(s.stability.unstable);

    // Little's law on the waitlist: Lq = lambda Wq, replication by replication.
    std::vector<double> gap;
    for (const auto& r : res[0].replications)
        gap.push_back(r[Metric::waitlist_mean] - r[Metric::referrals_per_year] / 365.25 * r[Metric::time_to_help_mean_days]);
    const auto little = stats::mean_interval(gap);
    INFO("L - lambda W: " << little.mean << " [" << little.low << ", " << little.high << "]");
    CHECK(little.contains(0.0));
    CHECK(little.half_width() < 0.02 * lq);
}

}  // namespace

TEST_CASE("Erlang C, light load: c = 10, rho = 0.7") { check_erlang_c(10, 1, 0.7, 20000, 100, 10, 0.05); }

TEST_CASE("Erlang C, heavy load: c = 20, rho = 0.95") { check_erlang_c(2, 10, 0.95, 40000, 1000, 12, 0.08); }

TEST_CASE("Erlang C, large: c = 350, rho = 0.95") { check_erlang_c(25, 14, 0.95, 5000, 100, 8, 0.10); }
