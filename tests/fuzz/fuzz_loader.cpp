// libFuzzer target: arbitrary bytes loaded as a scenario file and as a
// compare file, with validation. Build with -DCASELOAD_FUZZ=ON (clang); the
// CI runs it for a minute (see .ci/run and README, Robustness).
//
// Besides crashes, leaks and hangs it reports as bugs:
// - any exception other than ScenarioError (yaml-cpp's own included);
// - a ScenarioError that names no line and column;
// - a scenario that loads but whose resolved YAML (to_yaml) does not load
//   back to the same scenario (a results folder must reproduce its run).

#include "caseload/scenario/loader.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

using namespace caseload::scenario;

// `extends:` and CSV files resolve against the shipped scenarios.
const std::filesystem::path kBase = std::filesystem::path(CASELOAD_SOURCE_DIR) / "scenarios";

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
    return 0;
}
