// Periods folded as replications finish (experiment/period_fold.hpp): the
// summaries, comparisons and periods.csv they give are those of every
// replication's periods kept whole, to the last bit and byte.

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/report/output.hpp"
#include "caseload/scenario/loader.hpp"
#include "report/periods_output.hpp"
#include "../helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

using namespace caseload;
namespace fs = std::filesystem;

namespace {

// Tight enough that some replications stop at the waitlist bound (their
// later periods are NaN); periods of 60 days, the last one shorter.
scenario::Scenario tight(const std::string& name, int workers) {
    const std::string text = "name: " + name +
                             "\nhorizon: 400d\nwarmup: 50d\nperiod: 60d\nreplications: 30\nseed: 3\n"
                             "referrals:\n  rate_per_week: 3.6\n  types:\n"
                             "    ots: {share: 1.0, length: {distribution: exponential, mean: 60d}, weight: 1}\n"
                             "workforce: {workers: " +
                             std::to_string(workers) +
                             ", fte: 1.0, caseload_norm: 10}\n"
                             "waitlist: {discipline: fifo, max_length: 25}\n";
    return scenario::parse_scenario(text, name + ".yaml");
}

std::vector<scenario::Scenario> three() { return {tight("tight", 3), tight("wider", 4), tight("tighter", 3)}; }

// The same results as a caller would build them by hand: nothing folded.
std::vector<experiment::ExperimentResult> unfolded(std::vector<experiment::ExperimentResult> results) {
    for (auto& r : results) {
        r.periods = {};
        r.paired_periods = {};
        r.paired_baseline.clear();
        r.totals.clear();
    }
    return results;
}

bool same(const stats::Interval& a, const stats::Interval& b) {
    auto bits = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
    return bits(a.mean, b.mean) && bits(a.low, b.low) && bits(a.high, b.high) && bits(a.sd, b.sd) && a.n == b.n;
}

void check_same_summaries(const std::vector<experiment::ExperimentResult>& a,
                          const std::vector<experiment::ExperimentResult>& b) {
    for (std::size_t s = 0; s < a.size(); ++s) {
        const auto sa = experiment::summarize(a[s]);
        const auto sb = experiment::summarize(b[s]);
        REQUIRE(sa.periods.size() == sb.periods.size());
        for (std::size_t k = 0; k < sa.periods.size(); ++k) {
            CHECK(sa.periods[k].start_day == sb.periods[k].start_day);
            CHECK(sa.periods[k].end_day == sb.periods[k].end_day);
            for (std::size_t m = 0; m < model::kPeriodMetricCount; ++m) CHECK(same(sa.periods[k].metrics[m], sb.periods[k].metrics[m]));
        }
    }
    for (std::size_t s = 1; s < a.size(); ++s) {
        const auto ca = experiment::compare_periods(a[0], a[s]);
        const auto cb = experiment::compare_periods(b[0], b[s]);
        REQUIRE(ca.size() == cb.size());
        for (std::size_t i = 0; i < ca.size(); ++i) {
            CHECK(same(ca[i].baseline, cb[i].baseline));
            CHECK(same(ca[i].scenario, cb[i].scenario));
            CHECK(same(ca[i].difference, cb[i].difference));
            CHECK(ca[i].verdict == cb[i].verdict);
        }
        for (const auto& mi : model::kPeriodMetrics) {
            const auto da = report::detail::plan_total_difference(a[0], a[s], mi.metric);
            const auto db = report::detail::plan_total_difference(b[0], b[s], mi.metric);
            CHECK(same(da, db));
        }
    }
}


// One period metric's values over replications, NaN where a replication has no such period.
std::vector<double> values(const experiment::ExperimentResult& r, std::size_t k, model::PeriodMetric m) {
    std::vector<double> v;
    for (const auto& rep : r.replications) v.push_back(k < rep.periods.size() ? rep.periods[k][m] : std::nan(""));
    return v;
}

// `a` against the definition, from the periods kept whole in `kept`: each
// interval from all values at once (stats::mean_interval, paired_difference).
// Summaries are cut to a metric's range (0 at least), so their mean, sd and
// count are compared.
void check_against_values(const std::vector<experiment::ExperimentResult>& a,
                          const std::vector<experiment::ExperimentResult>& kept) {
    auto bits = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
    for (std::size_t s = 0; s < a.size(); ++s) {
        const auto sa = experiment::summarize(a[s]);
        REQUIRE(sa.periods.size() == 6);
        for (std::size_t k = 0; k < 6; ++k)
            for (const auto& mi : model::kPeriodMetrics) {
                const auto want = stats::mean_interval(values(kept[s], k, mi.metric));
                const auto& got = sa.periods[k][mi.metric];
                CHECK((bits(got.mean, want.mean) && bits(got.sd, want.sd) && got.n == want.n));
            }
    }
    for (std::size_t s = 1; s < a.size(); ++s) {
        const auto c = experiment::compare_periods(a[0], a[s]);
        REQUIRE(c.size() == 6 * model::kPeriodMetricCount);
        for (const auto& x : c)
            CHECK(same(x.difference, stats::paired_difference(values(kept[0], x.period, x.metric),
                                                              values(kept[s], x.period, x.metric))));
    }
}

}  // namespace

TEST_CASE("periods folded as replications finish: the summaries and comparisons of all values at once, to the last bit") {
    experiment::RunOptions options;
    options.threads = 3;
    const auto folded = experiment::run_experiments(three(), options);
    // The scenario is tight enough to test what it should: NaN periods.
    std::size_t nan = 0;
    for (const auto& rep : folded[0].replications)
        for (const auto& p : rep.periods) nan += std::isnan(p[model::PeriodMetric::waitlist_end]);
    REQUIRE(nan > 0);
    REQUIRE(folded[1].paired_baseline == "tight");
    REQUIRE(folded[0].periods.replications() == 30);
    check_against_values(folded, folded);
    check_same_summaries(folded, unfolded(folded));
}

TEST_CASE("periods let go once folded: the same numbers, each replication seen once and in order, resumed ones too") {
    experiment::RunOptions keep;
    keep.threads = 2;
    const auto kept = experiment::run_experiments(three(), keep);

    // Some replications done already, as a stopped run leaves them; each is
    // read back once, when every replication before it has been folded in.
    const std::pair<std::size_t, std::uint32_t> done[] = {{0, 0}, {0, 7}, {1, 3}, {2, 29}, {1, 0}};
    experiment::RunOptions::Resumed resumed;
    resumed.done.assign(3, std::vector<char>(30, 0));
    for (const auto& [s, r] : done) resumed.done[s][r] = 1;
    std::vector<std::vector<std::uint32_t>> seen(3);
    std::vector<std::pair<std::size_t, std::uint32_t>> loaded;
    resumed.load = [&](std::size_t s, std::uint32_t r) {
        CHECK(seen[s].size() == r);
        loaded.emplace_back(s, r);
        return model::simulate(three()[s], r);
    };

    experiment::RunOptions go;
    go.threads = 3;
    go.keep_periods = false;
    go.resumed = &resumed;
    bool all_periods = true;
    go.on_folded = [&](std::size_t s, const model::ReplicationResult& rep) {
        seen[s].push_back(rep.replication);
        all_periods = all_periods && rep.periods.size() == 6;
    };
    const auto let_go = experiment::run_experiments(three(), go);
    std::sort(loaded.begin(), loaded.end());
    CHECK(loaded == std::vector<std::pair<std::size_t, std::uint32_t>>{{0, 0}, {0, 7}, {1, 0}, {1, 3}, {2, 29}});
    CHECK(all_periods);
    for (std::size_t s = 0; s < 3; ++s) {
        REQUIRE(seen[s].size() == 30);
        for (std::uint32_t r = 0; r < 30; ++r) CHECK(seen[s][r] == r);
        for (const auto& rep : let_go[s].replications) CHECK(rep.periods.empty());
    }
    check_against_values(let_go, kept);
    check_same_summaries(let_go, kept);
    check_same_summaries(let_go, unfolded(kept));
}

TEST_CASE("periods let go: a comparison against another baseline than the one they were paired with is refused") {
    experiment::RunOptions go;
    go.keep_periods = false;
    const auto r = experiment::run_experiments(three(), go);
    CHECK_NOTHROW((void)experiment::compare_periods(r[0], r[2]));
    CHECK_THROWS_AS((void)experiment::compare_periods(r[1], r[2]), std::logic_error);
    CHECK_THROWS_AS((void)experiment::compare_periods(r[0], unfolded(r)[1]), std::logic_error);
}

TEST_CASE("periods.csv written while replications run is the file written from kept periods, byte for byte") {
    const fs::path dir = fs::temp_directory_path() / ("caseload_period_fold_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    experiment::RunOptions keep;
    keep.threads = 2;
    report::write_periods_csv(dir / "kept.csv", experiment::run_experiments(three(), keep));
    {
        report::PeriodsCsv streamed(dir / "streamed.csv", three());
        experiment::RunOptions go;
        go.threads = 3;
        go.keep_periods = false;
        go.on_folded = [&streamed](std::size_t s, const model::ReplicationResult& rep) { streamed.add(s, rep); };
        const auto r = experiment::run_experiments(three(), go);
        CHECK_THROWS_AS(report::write_periods_csv(dir / "nothing.csv", r), std::logic_error);
        streamed.commit();
    }
    const std::string kept = test::slurp(dir / "kept.csv");
    CHECK(kept.size() > 30 * 3 * 6 * model::kPeriodMetricCount * 20);
    CHECK(test::slurp(dir / "streamed.csv") == kept);
    // Nothing else is left in the folder: the parts went with the stream.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
    CHECK(files == 2);
    fs::remove_all(dir);
}

// A disk that fills while replications run: add() goes on without throwing
// (the runner is not torn down mid-run), commit() says why, nothing is left.
TEST_CASE("periods.csv on a full disk: the failed write is said at commit, no file or part is left") {
    const fs::path dir = fs::temp_directory_path() / ("caseload_period_full_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    experiment::RunOptions keep;
    const auto r = experiment::run_experiments(three(), keep);
    // Writes past 256 KiB fail with EFBIG, as on a full disk, until the guard goes.
    struct FileSizeLimit {
        rlimit before{};
        void (*handler)(int) = SIG_DFL;
        FileSizeLimit() {
            REQUIRE(::getrlimit(RLIMIT_FSIZE, &before) == 0);
            handler = ::signal(SIGXFSZ, SIG_IGN);
            const rlimit lim{rlim_t{256} << 10, before.rlim_max};
            REQUIRE(::setrlimit(RLIMIT_FSIZE, &lim) == 0);
        }
        ~FileSizeLimit() {
            ::setrlimit(RLIMIT_FSIZE, &before);
            ::signal(SIGXFSZ, handler);
        }
    };
    std::optional<std::string> error;
    {
        report::PeriodsCsv streamed(dir / "periods.csv", three());
        const FileSizeLimit limit;
        // Far past the writer's 1 MiB buffer: the write fails inside add().
        std::size_t added = 0;
        for (int round = 0; round < 20; ++round)
            for (std::size_t s = 0; s < r.size(); ++s)
                for (const auto& rep : r[s].replications) {
                    CHECK_NOTHROW(streamed.add(s, rep));
                    ++added;
                }
        REQUIRE(added == 20 * 90);
        CHECK(fs::is_empty(dir));  // the file and the parts went at the failed write, not at the end
        try {
            streamed.commit();
        } catch (const report::OutputError& e) {
            error = e.what();
        }
        CHECK_THROWS_AS(streamed.commit(), std::logic_error);  // once only
    }
    REQUIRE(error);
    CHECK(error->find("File too large") != std::string::npos);
    CHECK(fs::is_empty(dir));  // neither periods.csv nor a part nor a temporary file
    fs::remove_all(dir);
}

TEST_CASE("period aggregate: replications with fewer periods add nothing to the later ones, NaN values are left out") {
    auto rep = [](std::size_t n, double v) {
        std::vector<model::PeriodResult> p(n);
        for (std::size_t k = 0; k < n; ++k) {
            p[k].start_day = 10.0 * double(k);
            p[k].end_day = 10.0 * double(k + 1);
            p[k].values.fill(v + double(k));
        }
        return p;
    };
    const std::vector<std::vector<model::PeriodResult>> reps{rep(3, 1.0), rep(1, 2.5), rep(2, std::nan("")), rep(3, 4.0)};
    experiment::PeriodAggregate a;
    for (const auto& r : reps) a.add(r);
    REQUIRE(a.periods() == 3);
    CHECK(a.end_day(2) == 30.0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<std::vector<double>> values{{1.0, 2.5, nan, 4.0}, {2.0, nan, nan, 5.0}, {3.0, nan, nan, 6.0}};
    for (std::size_t k = 0; k < 3; ++k)
        CHECK(same(stats::mean_interval(a.stats(k, model::PeriodMetric::referrals)), stats::mean_interval(values[k])));
    experiment::PairedPeriodAggregate d;
    d.add(reps[0], reps[3]);
    d.add(reps[1], reps[0]);
    CHECK(d.stats(0, model::PeriodMetric::referrals).count() == 2);
    CHECK(d.stats(1, model::PeriodMetric::referrals).count() == 1);
    CHECK(d.stats(2, model::PeriodMetric::referrals).mean() == 3.0);
    CHECK(d.stats(7, model::PeriodMetric::referrals).count() == 0);
}
