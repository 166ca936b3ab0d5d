// Every shipped scenario, compare and sweep file validates; every scenario runs (a smoke test at
// two replications), and every scenario file opens with a comment saying what
// it represents.

#include "caseload/experiment/runner.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/sweep_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace caseload;
namespace fs = std::filesystem;

namespace {

// The first comment line of a file's opening comment block, the
// `# yaml-language-server: $schema=...` line skipped; empty when there is none.
std::string opening_comment(const std::string& file) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line) && line.rfind("#", 0) == 0) {
        if (line.rfind("# yaml-language-server:", 0) == 0) continue;
        return line.substr(1);
    }
    return "";
}

std::size_t words(const std::string& text) {
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string w; in >> w;) ++n;
    return n;
}

}  // namespace

TEST_CASE("every shipped scenario validates and runs") {
    const fs::path dir = fs::path(CASELOAD_SOURCE_DIR) / "scenarios";
    int scenarios = 0, compares = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml") continue;
        const std::string file = entry.path().string();
        INFO(file);
        // Opens with what it represents: a comment of a few words, the editors'
        // schema line aside.
        const std::string opening = opening_comment(file);
        INFO("opening comment: " << opening);
        CHECK(words(opening) >= 4);
        if (scenario::is_sweep_file(file)) {
            CHECK_NOTHROW((void)scenario::load_sweep(file));  // runs in the sweep tests
            continue;
        }
        if (scenario::is_compare_file(file)) {
            const auto spec = scenario::load_compare(file);
            CHECK_NOTHROW((void)scenario::load_scenario(spec.baseline));
            for (const auto& s : spec.scenarios) CHECK_NOTHROW((void)scenario::load_scenario(s));
            ++compares;
            continue;
        }
        auto sc = scenario::load_scenario(file);
        sc.replications = 2;
        const auto res = experiment::run_experiments({sc});
        REQUIRE(res[0].replications.size() == 2);
        CHECK(res[0].replications[0].events > 1000);
        ++scenarios;
    }
    CHECK(scenarios >= 12);
    CHECK(compares >= 2);
}
