// libFuzzer target: arbitrary bytes loaded as a scenario file, as a compare
// file and as a sweep file (and a small sweep's points built and validated).
// Build with -DCASELOAD_FUZZ=ON (clang); the CI runs it for a minute (see
// .ci/run and README, Robustness).
//
// Besides crashes, leaks and hangs it reports as bugs:
// - any exception other than ScenarioError (yaml-cpp's own included);
// - a ScenarioError that names no line and column;
// - a scenario that loads but whose resolved YAML (to_yaml) does not load
//   back to the same scenario (a results folder must reproduce its run).

#include "caseload/experiment/sweep.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/sweep_file.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

using namespace caseload::scenario;

// `extends:`, CSV files and a sweep's base resolve against the shipped scenarios.
const std::filesystem::path kBase = std::filesystem::path(CASELOAD_SOURCE_DIR) / "scenarios";

// A sweep's points are built only for designs this small: each is a whole
// scenario load, and a grid may have ten million.
constexpr std::size_t kMaxPoints = 64;

std::size_t design_points(const SweepSpec& spec) {
    if (spec.design == DesignKind::lhs) return spec.points;
    std::size_t n = 1;
    for (const auto& p : spec.parameters) n *= p.values.size();  // the parser caps the product
    return n;
}

[[noreturn]] void bug(const char* what, const std::string& detail) {
    std::fprintf(stderr, "caseload_fuzz: %s\n%s\n", what, detail.c_str());
    std::abort();
}

void check_located(const ScenarioError& e) {
    if (e.where().line <= 0 || e.where().column <= 0) bug("an error without line and column", e.what());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const Scenario s = parse_scenario(text, "fuzz.yaml", kBase);
        const std::string resolved = to_yaml(s);
        try {
            const Scenario back = parse_scenario(resolved, "fuzz.yaml", kBase);
            if (to_yaml(back) != resolved) bug("the resolved YAML loads to a different scenario", resolved);
        } catch (const ScenarioError& e) {
            bug("the resolved YAML does not load", std::string(e.what()) + "\n" + resolved);
        }
    } catch (const ScenarioError& e) {
        check_located(e);
    }
    try {
        (void)parse_compare(text, "fuzz.yaml", kBase);
    } catch (const ScenarioError& e) {
        check_located(e);
    }
    try {
        const SweepSpec spec = parse_sweep(text, "fuzz.yaml", kBase);
        // The plan builds and validates every point, as `caseload validate` does.
        if (design_points(spec) <= kMaxPoints) caseload::experiment::SweepPlan plan(spec);
    } catch (const ScenarioError& e) {
        check_located(e);
    }
    return 0;
}
