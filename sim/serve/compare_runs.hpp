#pragma once
// Two earlier runs compared (the History page's "Compare"): a new run of
// `caseload compare` with the first run's scenario as the baseline and the
// second's as the plan. The runs are named by the server's ids, never by
// paths; their scenario files are copied into the new run's own folder.

#include "jobs.hpp"
#include "pages.hpp"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace caseload::serve {

// What a new compare run is made of.
struct CompareRun {
    std::vector<std::pair<std::string, std::string>> files;  // baseline.yaml, plan.yaml (name -> YAML text)
    std::string title, description;
    std::size_t total = 0;  // replications of both scenarios
};

// Why two runs cannot be compared.
struct CompareRefusal {
    int status = 400;      // HTTP status: 400 nothing chosen or the same run twice, 404 unknown, 409 not done, 422 its files
    std::string error;     // a short code for the JSON API: missing, same, unknown, not_done, scenario, limits
    std::string message;   // for people, in the language asked for
    std::string message_en;
};

// The files of a compare of run `baseline_id` (the baseline) with run
// `plan_id` (the plan), both done, or why not. `threads` as runs use it (for
// the run limits).
[[nodiscard]] std::variant<CompareRun, CompareRefusal> compare_runs(const JobQueue& queue, const std::string& baseline_id,
                                                                    const std::string& plan_id, unsigned threads,
                                                                    Lang lang);

}  // namespace caseload::serve
