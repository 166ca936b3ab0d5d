#include "caseload/experiment/break_even.hpp"

#include "caseload/experiment/analysis.hpp"
#include "caseload/experiment/run_checks.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/scenario/input_error.hpp"
#include "caseload/scenario/loader.hpp"

#include <algorithm>
#include <charconv>
#include <memory>

namespace caseload::experiment {

namespace {

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string sug = scenario::nearest(word, candidates);
    return sug.empty() ? "" : " (did you mean '" + sug + "'?)";
}

const model::MetricInfo& metric_named(const std::string& name) {
    std::vector<std::string> names;
    for (const auto& mi : model::kMetrics) {
        if (mi.name == name) return mi;
        names.emplace_back(mi.name);
    }
    throw UsageError("unknown metric '" + name + "'" + did_you_mean(name, names));
}

}  // namespace

BreakEvenSearch prepare_break_even(const BreakEvenQuestion& q) {
    if (q.from > q.to || q.from < 0) throw UsageError("--from must be at least 0 and not above --to");
    BreakEvenSearch b;
    b.question = q;
    b.metric = &metric_named(q.metric);

    // The file loaded once; each value tried is an override of its YAML tree,
    // checked like a value typed into the file.
    auto file = std::make_shared<const scenario::BaseScenario>(q.file);
    if (q.vary != "extra_fte") {
        const auto& paths = file->override_paths();
        if (!std::binary_search(paths.begin(), paths.end(), q.vary)) {
            std::vector<std::string> choices = paths;
            choices.emplace_back("extra_fte");
            throw UsageError("--vary: '" + q.vary + "' is not a value of " + q.file + "; expected extra_fte or a dotted "
                             "path such as workforce.workers" + did_you_mean(q.vary, choices));
        }
    }
    auto base = file->scenario();
    apply_overrides(base, q.replications, q.seed);
    b.scenario = base.name;
    b.replications = base.replications;
    b.seed = base.seed;

    SolveSpec& spec = b.spec;
    spec.from = q.from;
    spec.to = q.to;
    spec.metric = b.metric->metric;
    spec.at_most = q.at_most;
    spec.run.threads = q.threads;
    spec.run.stop = q.stop;
    // Each value is a run of its own: refused as `run` refuses it, at either end of the range.
    auto within_limits = [&q](const scenario::Scenario& s) {
        if (!q.allow_large) refuse_over_limits({s}, resolve_threads(q.threads), q.replications);
    };
    spec.scenario_for = [file, vary = q.vary, replications = q.replications, seed = q.seed](long v) {
        scenario::Scenario s;
        if (vary == "extra_fte") {
            s = file->scenario();
            if (v > 0) {
                s.interventions.push_back(
                    {.at_days = 0.0, .kind = scenario::interventions::ExtraWorkers{.fte = double(v)}});
            }
        } else {
            s = file->with({scenario::Override{vary, std::to_string(v), scenario::Location{"--vary " + vary, 0, 0}}});
        }
        apply_overrides(s, replications, seed);
        return s;
    };
    within_limits(spec.scenario_for(q.from));
    within_limits(spec.scenario_for(q.to));
    double number_target = 0;
    const auto parsed = std::from_chars(q.target.data(), q.target.data() + q.target.size(), number_target);
    if (parsed.ec == std::errc{} && parsed.ptr == q.target.data() + q.target.size()) {
        spec.target_value = number_target;
        b.target_text = q.target;
    } else {
        auto t = scenario::load_scenario(q.target);
        t.seed = base.seed;
        t.replications = base.replications;
        within_limits(t);
        auto run = spec.run;
        run.keep_periods = false;  // only whole-window values are read
        const auto res = run_experiments({t}, run);
        spec.target_by_replication = values(res[0], b.metric->metric);
        b.target_text = t.name + "'s, paired by replication";
    }
    return b;
}

}  // namespace caseload::experiment
