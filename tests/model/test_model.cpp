#include "caseload/model/model.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/stats/inference.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace caseload;
using model::Metric;

namespace {

struct Recorder : model::TraceSink {
    struct Row {
        double day;
        std::string kind;
        std::int64_t family, worker;
        std::size_t waitlist, with_worker;
        std::uint64_t closed;
    };
    std::vector<Row> rows;
    void on_event(double day, const char* kind, std::int64_t family, std::int64_t worker, std::size_t waitlist,
                  std::size_t with_worker, std::uint64_t closed) override {
        rows.push_back({day, kind, family, worker, waitlist, with_worker, closed});
    }
};

}  // namespace

TEST_CASE("single worker, fixed case length: waits follow Lindley's recursion exactly") {
    // One worker with room for one family; every case takes 10 days.
    const auto sc = scenario::parse_scenario(R"(
name: lindley
horizon: 3000d
warmup: 0d
replications: 1
seed: 5
referrals:
  rate_per_week: 0.49      # rho = 0.07/day x 10 days = 0.7
  types:
    ots: {share: 1, length: {distribution: fixed, value: 10d}, weight: 1}
workforce: {workers: 1, fte: 1, caseload_norm: 1}
)", "lindley.yaml");
    Recorder rec;
    const auto r = model::simulate(sc, 0, &rec);

    std::vector<double> arrivals;
    for (const auto& row : rec.rows)
        if (row.kind == "referral") arrivals.push_back(row.day);
    REQUIRE(arrivals.size() > 150);

    // W(n+1) = max(0, W(n) + S - (A(n+1) - A(n))); a wait not over by the
    // horizon is censored at the horizon.
    const double S = 10.0, H = 3000.0;
    double w = 0.0, sum = 0.0;
    int waited = 0, within4w = 0, known = 0;
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
        if (i > 0) w = std::max(0.0, w + S - (arrivals[i] - arrivals[i - 1]));
        const bool censored = arrivals[i] + w >= H;
        const double observed = censored ? H - arrivals[i] : w;
        sum += observed;
        waited += observed > 0;
        if (!censored) {
            ++known;
            within4w += w <= 28.0;
        } else if (observed >= 28.0) {
            ++known;
        }
    }
    CHECK(r[Metric::time_to_help_mean_days] == doctest::Approx(sum / double(arrivals.size())).epsilon(1e-9));
    CHECK(r[Metric::waited_share] == doctest::Approx(double(waited) / double(arrivals.size())));
    CHECK(r[Metric::helped_within_4w_share] == doctest::Approx(double(within4w) / double(known)));
    CHECK(r[Metric::referrals_per_year] == doctest::Approx(double(arrivals.size()) / (H / 365.25)));

    // Every closure comes exactly S days after the family's assignment; with
    // one server, closures are at least S apart.
    double last_closure = -1e9;
    for (const auto& row : rec.rows)
        if (row.kind == "closure") {
            CHECK(row.day - last_closure >= S - 1e-9);
            last_closure = row.day;
        }
}

TEST_CASE("same seed and replication, same results, different replications differ") {
    const auto sc = test::mmc(5, 2, 0.8, 30, 2000, 100, 1);
    const auto a = model::simulate(sc, 3);
    const auto b = model::simulate(sc, 3);
    const auto c = model::simulate(sc, 4);
    CHECK(test::identical(a.metrics, b.metrics));
    CHECK(a.events == b.events);
    CHECK_FALSE(test::identical(a.metrics, c.metrics));
}

TEST_CASE("urgent_first serves urgent families first, fifo does not") {
    auto run = [](const std::string& discipline) {
        const auto sc = test::mmc(3, 2, 0.9, 20, 20000, 500, 1, 9, discipline, 0.3);
        return model::simulate(sc, 0);
    };
    const auto fifo = run("fifo");
    const auto urgent = run("urgent_first");
    CHECK(urgent[Metric::time_to_help_urgent_mean_days] < 0.3 * urgent[Metric::time_to_help_mean_days]);
    CHECK(fifo[Metric::time_to_help_urgent_mean_days] == doctest::Approx(fifo[Metric::time_to_help_mean_days]).epsilon(0.15));
}

TEST_CASE("heavier families take more room") {
    // Two workers with room for 2 each; all families weigh 2: at most 2 in care.
    const auto sc = scenario::parse_scenario(R"(
name: weights
horizon: 2000d
warmup: 100d
replications: 1
referrals:
  rate_per_week: 3
  types:
    heavy: {share: 1, length: {distribution: exponential, mean: 20d}, weight: 2}
workforce: {workers: 2, fte: 1, caseload_norm: 2}
)", "w.yaml");
    Recorder rec;
    const auto r = model::simulate(sc, 0, &rec);
    CHECK(r[Metric::load_per_fte_mean] <= 2.0 + 1e-9);
    // Offered load 3/7*20*2 = 17 weighted families vs. a cap of 4: saturated.
    CHECK(r[Metric::load_per_fte_mean] > 1.9);
    CHECK(r[Metric::waitlist_end] > 100);
}

TEST_CASE("a mix of weights fills the room a heavy family cannot use") {
    const auto sc = scenario::parse_scenario(R"(
name: mixed
horizon: 3000d
warmup: 100d
replications: 1
referrals:
  rate_per_week: 5
  types:
    heavy: {share: 0.5, length: {distribution: exponential, mean: 20d}, weight: 3}
    light: {share: 0.5, length: {distribution: exponential, mean: 20d}, weight: 1}
workforce: {workers: 1, fte: 1, caseload_norm: 4}
)", "m.yaml");
    const auto r = model::simulate(sc, 0);
    // Saturated: the load stays within the cap, and light families keep the
    // worker near full even while a heavy one waits at the head.
    CHECK(r[Metric::load_per_fte_mean] <= 4.0 + 1e-9);
    CHECK(r[Metric::load_per_fte_mean] > 3.5);
}

TEST_CASE("an exploding waitlist stops at its bound and is reported") {
    auto sc = test::mmc(2, 1, 3.0, 10, 100000, 0, 1);
    sc.waitlist.max_length = 100;
    const auto r = model::simulate(sc, 0);
    CHECK(r.hit_waitlist_bound);
    CHECK(r.ended_at_day < 1000);
    CHECK(r[Metric::waitlist_end] == 100);
}

TEST_CASE("families still waiting at the horizon are counted, not dropped") {
    const auto sc = test::mmc(2, 1, 1.5, 10, 2000, 0, 1);
    const auto r = model::simulate(sc, 0);
    CHECK(r[Metric::still_waiting_end] == r[Metric::waitlist_end]);
    CHECK(r[Metric::still_waiting_end] > 50);
    CHECK(r[Metric::time_to_help_censored_share] > 0.0);
    CHECK(r[Metric::waitlist_growth_per_year] > 0.0);
}

TEST_CASE("a piecewise referral rate is followed") {
    const auto sc = scenario::parse_scenario(R"(
name: schedule
horizon: 4y
warmup: 2y
replications: 1
referrals:
  schedule: [{from: 0d, rate_per_week: 1}, {from: 2y, rate_per_week: 10}]
  types:
    ots: {share: 1, length: {distribution: exponential, mean: 10d}, weight: 1}
workforce: {workers: 10, fte: 1, caseload_norm: 10}
)", "s.yaml");
    const auto r = model::simulate(sc, 0);
    // After warm-up the rate is 10/week = 521.8/year; Poisson sd ~ sqrt(1043)/2.
    CHECK(std::fabs(r[Metric::referrals_per_year] - 521.8) < 4 * std::sqrt(1043.6) / 2);
}

TEST_CASE("warm-up: statistics cover only the time after it") {
    const auto sc = test::mmc(4, 1, 0.5, 10, 1000, 900, 1);
    const auto r = model::simulate(sc, 0);
    const auto full = model::simulate(test::mmc(4, 1, 0.5, 10, 1000, 0, 1), 0);
    // Same randomness, different windows: closures counted over 100 vs 1000 days.
    CHECK(r[Metric::closures_per_year] != full[Metric::closures_per_year]);
    CHECK(r.events == full.events + 1);  // the warm-up reset is an event too
}

TEST_CASE("weekly series: one sample a week, from day 7") {
    const auto sc = test::mmc(4, 1, 0.5, 10, 700, 0, 1);
    const auto r = model::simulate(sc, 0);
    REQUIRE(r.weekly.size() == 99);  // days 7, 14, ..., 693
    CHECK(r.weekly.front().day == 7.0);
    CHECK(r.weekly.back().day == 693.0);
}

TEST_CASE("the time-to-help distribution: helped within k weeks") {
    const auto sc = test::mmc(3, 2, 0.9, 20, 20000, 500, 1, 9);
    const auto r = model::simulate(sc, 0);
    const auto& h = r.helped_within_weeks;
    CHECK(h[0] == doctest::Approx(1.0 - r[Metric::waited_share]).epsilon(1e-9));
    CHECK(h[4] == doctest::Approx(r[Metric::helped_within_4w_share]).epsilon(0.01));
    for (std::size_t k = 1; k < model::kHelpedWeeks; ++k) CHECK(h[k] >= h[k - 1]);
    CHECK(h.back() <= 1.0);
    CHECK(h.back() > 0.99);
}

TEST_CASE("a trace is an audit: each case has its own number, and its assignments rebuild the time to help") {
    // Workers leave and fall ill, so families are handed over; no warm-up,
    // so every referral counts in the time-to-help metric.
    const auto sc = scenario::parse_scenario(R"(
name: audit
horizon: 1500d
warmup: 0d
replications: 1
seed: 11
referrals:
  rate_per_week: 9
  types:
    ots: {share: 1, length: {distribution: lognormal, mean: 120d, cv: 0.7}, weight: 1}
workforce:
  workers: 12
  fte: 1
  caseload_norm: 14
  attrition: {per_year: 0.4}
  sick_leave: {episodes_per_year: 2, long_after: 2w}
  hiring: {delay: {distribution: fixed, value: 90d}}
initial: {caseload: 0}
)", "audit.yaml");
    struct Audit : model::TraceSink {
        std::map<std::int64_t, double> referred, first_help;
        std::set<std::int64_t> reassigned;
        int events = 0, duplicate_referrals = 0, assign_without_referral = 0, second_first = 0;
        void on_event(double day, const char* kind, std::int64_t family, std::int64_t, std::size_t, std::size_t,
                      std::uint64_t) override {
            ++events;
            const std::string k = kind;
            if (k == "referral" || k == "repeat_referral") duplicate_referrals += !referred.emplace(family, day).second;
        }
        void on_assign(double day, std::int64_t family, std::int64_t, bool first) override {
            // Called during the event, before its row: the referral itself may be this event.
            if (first) second_first += !first_help.emplace(family, day).second;
            else reassigned.insert(family);
        }
    } audit;
    const auto r = model::simulate(sc, 0, &audit);
    // Assignments are checked after the run: a referral's row comes after
    // the assignment the referral itself made.
    for (const auto& [family, day] : audit.first_help) audit.assign_without_referral += !audit.referred.count(family);
    CHECK(audit.duplicate_referrals == 0);
    CHECK(audit.second_first == 0);
    CHECK(audit.assign_without_referral == 0);
    CHECK(audit.reassigned.size() > 10);  // handovers happened
    double total = 0;
    for (const auto& [family, day] : audit.referred) {
        const auto it = audit.first_help.find(family);
        total += (it != audit.first_help.end() ? it->second : sc.horizon_days) - day;
    }
    REQUIRE(audit.referred.size() > 500);
    CHECK(total / double(audit.referred.size()) == doctest::Approx(r[Metric::time_to_help_mean_days]).epsilon(1e-9));
}
