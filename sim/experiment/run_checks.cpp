#include "caseload/experiment/run_checks.hpp"

#include "caseload/experiment/limits.hpp"
#include "caseload/scenario/input_error.hpp"

namespace caseload::experiment {

void apply_overrides(scenario::Scenario& s, std::optional<int> replications, std::optional<std::uint64_t> seed) {
    if (replications) {
        if (*replications < 1 || *replications > scenario::kMaxReplications)
            throw UsageError("--replications must be between 1 and " + std::to_string(scenario::kMaxReplications));
        s.replications = *replications;
    }
    if (seed) s.seed = *seed;
}

void refuse_over_limits(const std::vector<scenario::Scenario>& scenarios, unsigned threads,
                        std::optional<int> replications_flag,
                        const std::optional<scenario::Location>& replications_at) {
    const auto breach = check_run(scenarios, threads);
    if (!breach) return;
    const auto& s = scenarios[breach->scenario];
    if (breach->key_path == "replications" && replications_flag)
        throw scenario::ScenarioError(scenario::Location{s.source_file, 0, 0},
                                      "--replications " + std::to_string(*replications_flag), breach->message);
    if (breach->key_path == "replications" && replications_at)
        throw scenario::ScenarioError(*replications_at, "compare.replications", breach->message);
    throw scenario::ScenarioError(scenario::locate(s.source_file, breach->key_path), breach->key_path, breach->message);
}

namespace {

// A sweep over the limits, refused at what drives its cost: the replications
// (where they were set), the size of the design, or a key of a scenario (in
// the sweep file when swept, else in the base file).
void refuse_sweep_over_limits(const SweepPlan& plan, unsigned threads, std::optional<int> replications_flag) {
    const auto breach = check_sweep(plan, threads);
    if (!breach) return;
    const auto& spec = plan.spec();
    const std::string& file = spec.source_file;
    const std::string& key = breach->key_path;
    if (key == "replications" && replications_flag)
        throw scenario::ScenarioError(scenario::Location{file, 0, 0}, "--replications " + std::to_string(*replications_flag),
                                      breach->message);
    if (key == "replications" && spec.replications)
        throw scenario::ScenarioError(scenario::locate(file, "sweep.replications"), "sweep.replications", breach->message);
    for (const auto& p : spec.parameters)
        if (p.path == key) throw scenario::ScenarioError(p.where, "sweep.parameters." + p.path, breach->message);
    if (key != "points") {
        const auto in_base = scenario::locate(spec.base, key);
        if (in_base.line > 0) throw scenario::ScenarioError(in_base, key, breach->message);
    }
    const std::string design_key = spec.design == scenario::DesignKind::lhs ? "sweep.points" : "sweep.parameters";
    throw scenario::ScenarioError(scenario::locate(file, design_key), design_key, breach->message);
}

}  // namespace

SweepPlan checked_sweep_plan(const std::string& file, std::optional<int> replications, std::optional<std::uint64_t> seed,
                             unsigned threads, bool allow_large) {
    return checked_sweep_plan(scenario::load_sweep(file), replications, seed, threads, allow_large);
}

SweepPlan checked_sweep_plan(scenario::SweepSpec spec, std::optional<int> replications,
                             std::optional<std::uint64_t> seed, unsigned threads, bool allow_large) {
    SweepPlan plan(std::move(spec), replications, seed, /*check_points=*/false);
    if (!allow_large) refuse_sweep_over_limits(plan, threads, replications);
    plan.check_points();
    return plan;
}

}  // namespace caseload::experiment
