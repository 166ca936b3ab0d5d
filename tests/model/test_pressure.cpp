// An organisation under pressure (issue 12): caseloads above the norm,
// families leaving the waitlist, bounded pressure, intensity from the load,
// children per family. Each mechanism off gives today's results bit for bit;
// each on moves its metric the expected way (paired intervals, fixed seeds).

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/model/model.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/stats/accumulators.hpp"
#include "model/waitlist.hpp"
#include "model/workforce.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

using namespace caseload;
using model::Metric;

namespace {

// Overloaded on purpose: 20 workers x norm 10 = 200 places against an
// offered load of ~214 families (rho ~1.07), so families wait and stay.
const std::string kBusy = R"(
name: busy
horizon: 6y
warmup: 1y
replications: 10
seed: 12
referrals:
  rate_per_week: 15
  types:
    ots: {share: 1, length: {distribution: lognormal, mean: 100d, cv: 0.8}, weight: 1)";

const std::string kStaff = "workforce: {workers: 20, fte: 1, caseload_norm: 10";

// The busy organisation with more keys for the workforce, the measure type, and elsewhere.
scenario::Scenario busy(const std::string& workforce_extra, const std::string& extra = "", const std::string& type_extra = "") {
    const std::string waitlist = extra.find("waitlist:") == std::string::npos ? "waitlist: {discipline: fifo, max_length: 5000}\n" : "";
    return scenario::parse_scenario(kBusy + type_extra + "}\n" + kStaff + workforce_extra + "}\n" + waitlist + extra, "busy.yaml");
}

std::vector<experiment::ExperimentResult> run(const std::vector<scenario::Scenario>& s) {
    return experiment::run_experiments(s);
}

const experiment::MetricComparison& pick(const std::vector<experiment::MetricComparison>& c, Metric m) {
    return c[static_cast<std::size_t>(m)];
}

bool identical_runs(const experiment::ExperimentResult& a, const experiment::ExperimentResult& b) {
    for (std::size_t r = 0; r < a.replications.size(); ++r)
        if (!test::identical(a.replications[r].metrics, b.replications[r].metrics) ||
            !test::identical(a.replications[r].helped_within_weeks, b.replications[r].helped_within_weeks))
            return false;
    return true;
}

}  // namespace

TEST_CASE("overload: at zero strength the results are identical to the run without it") {
    const std::string turnover = ", attrition: {per_year: 0.2, pressure_elasticity: 1}, sick_leave: {episodes_per_year: 1.5}";
    const auto res = run({busy(turnover), busy(turnover + ", overload: {max: 0, per_waiting_per_fte: 3}"),
                          busy(turnover + ", overload: {max: 0.4, per_waiting_per_fte: 0}")});
    CHECK(identical_runs(res[0], res[1]));
    CHECK(identical_runs(res[0], res[2]));
}

TEST_CASE("overload: taking families above the norm shortens the waitlist and raises the load per FTE") {
    const auto res = run({busy(""), busy(", overload: {max: 0.3, per_waiting_per_fte: 2}")});
    const auto c = experiment::compare(res[0], res[1]);
    CHECK(pick(c, Metric::waitlist_mean).difference.high < 0);
    CHECK(pick(c, Metric::time_to_help_mean_days).difference.high < 0);
    CHECK(pick(c, Metric::load_per_fte_mean).difference.low > 0);
    CHECK(pick(c, Metric::overload_mean).difference.low > 0);
    // Without the overload the queue is overloaded and grows; with it the
    // caps stretch until the stretch covers the excess (~7%, under the 30% maximum).
    const auto s = experiment::summarize(res[1]);
    CHECK(s[Metric::overload_mean].ci.high < 0.3);
    CHECK(s[Metric::load_per_fte_mean].ci.low > 10.0);
}

TEST_CASE("overload: load above the norm raises the pressure on attrition") {
    const std::string a = ", attrition: {per_year: 0.2, pressure_elasticity: 2}";
    const auto res = run({busy(a), busy(a + ", overload: {max: 0.3, per_waiting_per_fte: 2}")});
    CHECK(pick(experiment::compare(res[0], res[1]), Metric::turnover_per_year).difference.low > 0);
}

TEST_CASE("overload: no worker ever carries more than norm x fte x (1 + max), at any event") {
    // Turnover, sick leave and ramp-up on, so caps move all the time.
    const auto sc = busy(", attrition: {per_year: 0.4}, sick_leave: {episodes_per_year: 3, long_after: 2w}, "
                         "hiring: {ramp_up: 3m, start_fraction: 0.5}, overload: {max: 0.25, per_waiting_per_fte: 4}");
    struct Check : model::TraceSink {
        double max_share = 0.0;  // largest load over norm x fte seen
        std::uint64_t rows = 0, above_norm = 0, above_max = 0;
        bool wants_caseloads() const override { return true; }
        void on_caseload(double, std::size_t, double load, double fte, double norm) override {
            const double share = load / (norm * fte);
            max_share = std::max(max_share, share);
            if (share > 1.0 + 1e-9) ++above_norm;
            if (load > norm * fte * 1.25 + 1e-9) ++above_max;
        }
        void on_event(double, const char*, std::int64_t, std::int64_t, std::size_t, std::size_t, std::uint64_t) override {
            ++rows;
        }
    } check;
    (void)model::simulate(sc, 0, &check);
    CHECK(check.rows > 5000);
    CHECK(check.above_norm > 1000);  // the overload was used: the check is not vacuous
    CHECK(check.above_max == 0);
    CHECK(check.max_share <= 1.25 + 1e-9);
    CHECK(check.max_share >= 1.2 - 1e-9);  // 12 families of weight 1 under a cap of 12.5
}

TEST_CASE("leaving the waitlist: at zero strength the results are identical to the run without it") {
    const auto res = run({busy(""), busy("", "", ", leave_waiting_per_year: 0")});
    CHECK(identical_runs(res[0], res[1]));
    for (const auto& rep : res[1].replications) CHECK(rep[Metric::left_waiting_per_year] == 0);
}

TEST_CASE("leaving the waitlist: families leave at the hazard, never counted as helped, and the waitlist shortens") {
    const auto with = busy("", "", ", leave_waiting_per_year: 2");
    const auto res = run({busy(""), with});
    const auto c = experiment::compare(res[0], res[1]);
    CHECK(pick(c, Metric::waitlist_mean).difference.high < 0);
    CHECK(pick(c, Metric::left_waiting_per_year).difference.low > 0);
    // Leavers are not closures: closures + leavers = referrals (a stable queue, same referrals).
    const auto s = experiment::summarize(res[1]);
    CHECK(pick(c, Metric::referrals_per_year).difference.high == 0);
    // Little's law for leaving: leavers a year = hazard x time-average waitlist of families never helped
    // (here every waiting family was never helped: no handovers).
    const double expected = 2.0 * s[Metric::waitlist_mean].ci.mean;
    CHECK(s[Metric::left_waiting_per_year].ci.mean == doctest::Approx(expected).epsilon(0.1));
}

TEST_CASE("leaving the waitlist: every family referred is waiting, with a worker, closed or gone, at every event") {
    const auto sc = busy(", attrition: {per_year: 0.3}", "triage: {escalate_after: 3w}\n", ", leave_waiting_per_year: 3");
    struct Check : model::TraceSink {
        std::uint64_t referred = 0, rows = 0, bad = 0, left = 0;
        void on_event(double, const char* kind, std::int64_t, std::int64_t, std::size_t waitlist, std::size_t with_worker,
                      std::uint64_t ended) override {
            const std::string k = kind;
            if (k == "referral" || k == "repeat_referral") ++referred;
            if (k == "leave_waiting") ++left;
            ++rows;
            if (referred != waitlist + with_worker + ended) ++bad;
        }
    } check;
    (void)model::simulate(sc, 0, &check);
    CHECK(check.left > 100);
    CHECK(check.bad == 0);
}

TEST_CASE("bounded pressure: the multiplier is 1 at pressure 1, rises, and never passes its ceiling") {
    using model::detail::pressure_multiplier;
    const std::optional<double> none;
    for (double c : {1.5, 2.0, 4.0, 100.0}) {
        INFO("ceiling " << c);
        CHECK(pressure_multiplier(2.0, 1.0, c) == doctest::Approx(1.0));
        double last = 0.0;
        for (double p = 0.0; p <= 20.0; p += 0.25) {
            const double m = pressure_multiplier(2.0, p, c);
            CHECK(m <= c);  // equal only once rounding reaches it (x ~ 1e16 c)
            if (p <= 4.0) {
                CHECK(m < c);
                CHECK(m > last);  // rising
            } else {
                CHECK(m >= last);
            }
            if (p >= 1.0) CHECK(m <= pressure_multiplier(2.0, p, none));  // below the exponential above pressure 1
            last = m;
        }
        CHECK(pressure_multiplier(3.0, 1e6, c) == doctest::Approx(c));  // exp overflows: the limit
    }
    // Without a ceiling: the exponential, bit for bit.
    CHECK(pressure_multiplier(1.3, 1.7, none) == std::exp(1.3 * 0.7));
}

TEST_CASE("bounded pressure: under extreme pressure turnover stays at base x ceiling") {
    // Reference caseload 2 against a full norm of 10: pressure ~5, exp(3 x 4) ~ 160,000.
    auto with = [&](const std::string& ceiling) {
        return busy(", attrition: {per_year: 0.2, pressure_elasticity: 3" + ceiling +
                        "}, hiring: {delay: {distribution: fixed, value: 30d}}",
                    "effects: {reference_caseload: 2}\n");
    };
    std::vector<scenario::Scenario> all{with(""), with(", pressure_ceiling: 1.5"),
                                        busy(", attrition: {per_year: 0.2}, hiring: {delay: {distribution: fixed, value: 30d}}")};
    for (auto& sc : all) {
        sc.replications = 40;
        sc.horizon_days = 20 * scenario::kDaysPerYear;
    }
    const auto res = run(all);
    const auto unbounded = experiment::summarize(res[0]);
    const auto bounded = experiment::summarize(res[1]);
    const auto base = experiment::summarize(res[2]);
    // Every worker's hazard is at most 1.5 x the base: turnover at most 1.5
    // times the run without pressure (the same measure, so its small bias
    // from weekly headcounts cancels); the ceiling binds, so well above 1.3.
    const double ratio = bounded[Metric::turnover_per_year].ci.mean / base[Metric::turnover_per_year].ci.mean;
    INFO("turnover ratio " << ratio);
    CHECK(ratio <= 1.5);
    CHECK(ratio > 1.3);
    CHECK(unbounded[Metric::turnover_per_year].ci.low > 3.0);
}

TEST_CASE("bounded pressure and intensity from the norm: at their off values the results are identical") {
    const std::string a = ", attrition: {per_year: 0.2, pressure_elasticity: 1}, sick_leave: {episodes_per_year: 2, pressure_elasticity: 1}";
    const auto res = run({busy(a, "effects: {length_strength: 0.3, repeat_strength: 0.5}\nrepeat: {probability: 0.2}\n"),
                          busy(a.substr(0, a.size() - 1) + ", pressure_ceiling: none}",
                               "effects: {length_strength: 0.3, repeat_strength: 0.5, intensity_from: norm}\nrepeat: {probability: 0.2}\n")});
    CHECK(identical_runs(res[0], res[1]));
}

TEST_CASE("intensity from the load: extra staff shorten cases, which a fixed norm does not see") {
    // 26 instead of 20 workers at the same norm: the load per FTE falls; with
    // intensity from the norm case length is unchanged, from the load it falls.
    auto with = [&](const std::string& workers, const std::string& from) {
        return scenario::parse_scenario(kBusy + "}\nwaitlist: {discipline: fifo, max_length: 5000}\nworkforce: {workers: " + workers + ", fte: 1, caseload_norm: 10}\n" +
                                            "effects: {reference_caseload: 10, length_strength: 0.5, intensity_from: " + from + "}\n",
                                        "i.yaml");
    };
    const auto norm = run({with("20", "norm"), with("26", "norm")});
    const auto load = run({with("20", "load"), with("26", "load")});
    const auto service = [](const experiment::ExperimentResult& r) {
        return experiment::summarize(r)[Metric::case_length_mean_days].ci.mean -
               experiment::summarize(r)[Metric::days_without_worker_mean].ci.mean;
    };
    // From the load: more staff, shorter service.
    CHECK(pick(experiment::compare(load[0], load[1]), Metric::load_per_fte_mean).difference.high < 0);
    CHECK(service(load[1]) < 0.97 * service(load[0]));
    // From the norm: the service part stays at the drawn length (within noise).
    CHECK(service(norm[1]) == doctest::Approx(service(norm[0])).epsilon(0.03));
}

TEST_CASE("children: the waitlist's count of children is the sum over the families in it, after every change") {
    const auto sc = busy("", "", ", leave_waiting_per_year: 1");
    kernel::Calendar calendar;
    kernel::Time now = 0.0;
    model::detail::Context ctx{calendar, now, 1000.0, 1, 0};
    model::detail::Families families;
    model::detail::Waitlist waitlist(sc, families, ctx);
    kernel::Engine rng = kernel::make_engine(5, 0, 1);
    std::vector<std::uint32_t> ids;
    std::uint64_t checks = 0, bad = 0;
    for (int step = 0; step < 2000; ++step) {
        const double u = kernel::uniform01(rng);
        if (u < 0.5 || waitlist.size() == 0) {
            const std::uint32_t id = families.add();
            families[id].children = std::uint16_t(1 + int(kernel::uniform01(rng) * 5));
            families[id].urgent = kernel::uniform01(rng) < 0.2;
            waitlist.referred(families[id]);
            waitlist.enqueue(id, model::detail::kClassNormal);
            ids.push_back(id);
        } else if (u < 0.75) {
            const std::int64_t q = waitlist.best_fitting(1e9);
            REQUIRE(q >= 0);
            const std::uint32_t id = waitlist.dequeue(q);
            families[id].worker = 0;  // assigned
        } else if (u < 0.85) {
            for (std::uint32_t id : ids)  // the first still waiting leaves
                if (families[id].active && families[id].worker == model::detail::kNoWorker) {
                    waitlist.leave(id);
                    families.release(id);
                    break;
                }
        } else {
            for (std::uint32_t id : ids)  // the last still waiting becomes urgent
                if (families[id].active && families[id].worker == model::detail::kNoWorker && !families[id].urgent) {
                    families[id].urgent = true;
                    waitlist.to_urgent(id);
                    break;
                }
        }
        std::uint64_t sum = 0, n = 0;
        for (const auto& f : families.all())
            if (f.active && f.worker == model::detail::kNoWorker) {
                sum += f.children;
                ++n;
            }
        ++checks;
        if (sum != waitlist.children() || n != waitlist.size()) ++bad;
    }
    CHECK(checks == 2000);
    CHECK(bad == 0);
}

TEST_CASE("children: off, the children metrics are the families', on, the results in families are unchanged") {
    auto with = [](std::vector<double> children) {
        auto sc = busy("", "", ", leave_waiting_per_year: 1");
        sc.referrals.children = std::move(children);
        return sc;
    };
    const auto res = run({with({}), with({0.45, 0.35, 0.12, 0.08}), with({0, 0, 1})});
    for (const auto& rep : res[0].replications) {
        CHECK(rep[Metric::waiting_children_mean] == rep[Metric::waitlist_mean]);
        CHECK(rep[Metric::waiting_children_end] == rep[Metric::waitlist_end]);
        CHECK(rep[Metric::children_referred_per_year] == rep[Metric::referrals_per_year]);
        CHECK(rep[Metric::left_waiting_children_per_year] == rep[Metric::left_waiting_per_year]);
    }
    // Children are drawn on their own stream: every family metric is unchanged.
    for (std::size_t r = 0; r < res[0].replications.size(); ++r)
        for (Metric m : {Metric::waitlist_mean, Metric::waitlist_end, Metric::time_to_help_mean_days,
                         Metric::left_waiting_per_year, Metric::closures_per_year}) {
            CHECK(res[1].replications[r][m] == res[0].replications[r][m]);
            CHECK(res[2].replications[r][m] == res[0].replications[r][m]);
        }
    // Three children each: every count in children is three times the families'.
    for (const auto& rep : res[2].replications) {
        CHECK(rep[Metric::waiting_children_end] == 3 * rep[Metric::waitlist_end]);
        CHECK(rep[Metric::waiting_children_mean] == doctest::Approx(3 * rep[Metric::waitlist_mean]));
        CHECK(rep[Metric::children_referred_per_year] == doctest::Approx(3 * rep[Metric::referrals_per_year]));
    }
    // The mix: 1.83 children per family referred, within the interval of the ratio.
    const auto s = experiment::summarize(res[1]);
    stats::Mean ratio;
    for (const auto& rep : res[1].replications) ratio.add(rep[Metric::children_referred_per_year] / rep[Metric::referrals_per_year]);
    CHECK(ratio.mean() == doctest::Approx(1.83).epsilon(0.02));
    CHECK(s[Metric::waiting_children_mean].ci.mean > 1.6 * s[Metric::waitlist_mean].ci.mean);
}

TEST_CASE("interim contact: a duty team changes no other result, and fewer waiting families go without contact") {
    // The busy organisation's waitlist grows to hundreds: 1 duty FTE at 20
    // checks a week reaches 80 families every 4 weeks, 4 FTE reach 320.
    const auto res = run({busy(""), busy("", "waitlist: {discipline: fifo, max_length: 5000, interim_contact: {duty_fte: 0}}\n"),
                          busy("", "waitlist: {discipline: fifo, max_length: 5000, interim_contact: {duty_fte: 1, contacts_per_fte_week: 20}}\n"),
                          busy("", "waitlist: {discipline: fifo, max_length: 5000, interim_contact: {duty_fte: 4, contacts_per_fte_week: 20}}\n")});
    CHECK(identical_runs(res[0], res[1]));
    for (std::size_t r = 0; r < res[0].replications.size(); ++r)
        for (std::size_t m = 0; m < model::kMetricCount; ++m) {
            if (m == std::size_t(Metric::without_contact_mean) || m == std::size_t(Metric::without_contact_end)) continue;
            CHECK(test::identical(std::array<double, 1>{res[0].replications[r].metrics[m]},
                                  std::array<double, 1>{res[2].replications[r].metrics[m]}));
        }
    const auto c1 = experiment::compare(res[0], res[2]);
    const auto c4 = experiment::compare(res[2], res[3]);
    CHECK(pick(c1, Metric::without_contact_mean).difference.high < 0);
    CHECK(pick(c4, Metric::without_contact_mean).difference.high < 0);
    // Off, every family waiting longer than the interval counts: not vacuous.
    CHECK(experiment::summarize(res[0])[Metric::without_contact_mean].ci.low > 50);
}

TEST_CASE("interim contact from case work: the caps shrink by duty FTE / case FTE, and the waitlist grows") {
    // 2 duty FTE out of 20 case FTE: every cap is 10% smaller. With no
    // sick leave or attrition the time-average capacity is exactly 90% of
    // the duty team's own-staff run, and fewer places mean a longer waitlist.
    const std::string own = "waitlist: {discipline: fifo, max_length: 5000, interim_contact: {duty_fte: 2, contacts_per_fte_week: 20}}\n";
    const std::string from_cases =
        "waitlist: {discipline: fifo, max_length: 5000, interim_contact: {duty_fte: 2, contacts_per_fte_week: 20, duty_from: case_work}}\n";
    const auto res = run({busy("", own), busy("", from_cases)});
    for (std::size_t r = 0; r < res[0].replications.size(); ++r)
        CHECK(res[1].replications[r][Metric::capacity_mean] ==
              doctest::Approx(0.9 * res[0].replications[r][Metric::capacity_mean]).epsilon(1e-9));
    const auto c = experiment::compare(res[0], res[1]);
    CHECK(pick(c, Metric::waitlist_mean).difference.low > 0);
}
