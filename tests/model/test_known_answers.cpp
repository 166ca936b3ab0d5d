// Known answers: the digest of replications.csv for shipped scenarios at a
// fixed seed and 3 replications, checked in (tests/data/known_answers.txt).
// The same-seed tests elsewhere compare two runs of one binary; this one
// compares with the numbers of the last reviewed version, so renumbering a
// random stream, reordering draws or changing a formula fails here.
//
// When a change is meant to alter results: run the tests with
// CASELOAD_UPDATE_KNOWN_ANSWERS=1 (this rewrites the file), and say in the
// commit which scenarios' results changed and why.

#include "caseload/experiment/runner.hpp"
#include "caseload/report/output.hpp"
#include "caseload/scenario/loader.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string kFile = std::string(CASELOAD_TEST_DATA) + "/known_answers.txt";

// The scenarios held: the baseline, a plan, and the plain queue of the benchmark.
const std::vector<std::string> kScenarios = {"scenarios/baseline.yaml", "scenarios/verbeterplan_2021.yaml",
                                             "scenarios/caseload10.yaml", "bench/mmc350.yaml"};

std::map<std::string, std::string> read_answers() {
    std::map<std::string, std::string> out;
    std::ifstream in(kFile);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string file, digest;
        fields >> file >> digest;
        out[file] = digest;
    }
    return out;
}

std::string digest_of(const std::string& file) {
    auto sc = caseload::scenario::load_scenario(std::string(CASELOAD_SOURCE_DIR) + "/" + file);
    sc.replications = 3;
    caseload::experiment::RunOptions options;
    options.threads = 2;
    const auto results = caseload::experiment::run_experiments({sc}, options);
    return caseload::report::content_hash(caseload::report::replications_csv(results));
}

}  // namespace

TEST_CASE("known answers: replications.csv of shipped scenarios at their seed, 3 replications, matches the checked-in digest") {
    const bool update = std::getenv("CASELOAD_UPDATE_KNOWN_ANSWERS") != nullptr;
    const auto answers = read_answers();
    std::ostringstream rewritten;
    rewritten << "# scenario  FNV-1a digest of replications.csv (its seed, 3 replications)\n"
                 "# Rewritten by CASELOAD_UPDATE_KNOWN_ANSWERS=1 ctest -R 'known answers'; a change here is a\n"
                 "# change of results: say in the commit which and why.\n";
    for (const auto& file : kScenarios) {
        const std::string digest = digest_of(file);
        rewritten << file << " " << digest << "\n";
        if (update) continue;
        const auto it = answers.find(file);
        INFO("scenario " << file << ": expected digest in " << kFile);
        REQUIRE(it != answers.end());
        CHECK_MESSAGE(it->second == digest,
                      "results changed for " << file << " (digest " << digest << ", checked in " << it->second
                                             << "); if deliberate, rerun with CASELOAD_UPDATE_KNOWN_ANSWERS=1 and say why in the commit");
    }
    if (update) {
        std::ofstream(kFile) << rewritten.str();
        MESSAGE("rewrote " << kFile);
    }
}

TEST_CASE("known answers: the digest notices a changed result") {
    // The check above can fail: one replication fewer gives another digest.
    auto sc = caseload::scenario::load_scenario(std::string(CASELOAD_SOURCE_DIR) + "/bench/mmc350.yaml");
    sc.replications = 2;
    caseload::experiment::RunOptions options;
    options.threads = 1;
    const auto two = caseload::report::content_hash(
        caseload::report::replications_csv(caseload::experiment::run_experiments({sc}, options)));
    sc.seed += 1;
    const auto other_seed = caseload::report::content_hash(
        caseload::report::replications_csv(caseload::experiment::run_experiments({sc}, options)));
    CHECK(two != other_seed);
    CHECK(two != digest_of("bench/mmc350.yaml"));
}
