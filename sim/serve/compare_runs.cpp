#include "compare_runs.hpp"

#include "caseload/experiment/limits.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/scenario/loader.hpp"
#include "plan_form.hpp"
#include "results_files.hpp"

#include <yaml-cpp/yaml.h>

namespace caseload::serve {

namespace fs = std::filesystem;

namespace {

CompareRefusal refusal(int status, std::string error, Lang lang, std::string en, std::string nl) {
    CompareRefusal r;
    r.status = status;
    r.error = std::move(error);
    r.message = lang == Lang::nl ? nl : en;
    r.message_en = std::move(en);
    return r;
}

std::string quoted(const Job& j) { return "\xE2\x80\x9C" + (j.title.empty() ? j.id : j.title) + "\xE2\x80\x9D"; }

// A file name a job lists as its own: a plain name in its folder.
bool plain_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && fs::path(name).filename().string() == name;
}

std::string with_name(const std::string& yaml, const std::string& name) {
    YAML::Node root = YAML::Load(yaml);
    root["name"] = name;
    YAML::Emitter e;
    e << root;
    return std::string(e.c_str()) + "\n";
}

}  // namespace

std::variant<CompareRun, CompareRefusal> compare_runs(const JobQueue& queue, const std::string& baseline_id,
                                                      const std::string& plan_id, unsigned threads, Lang lang) {
    if (baseline_id.empty() || plan_id.empty())
        return refusal(400, "missing", lang, "Choose two finished runs to compare: a baseline and a plan.",
                       "Kies twee afgeronde runs om te vergelijken: een basis en een plan.");
    if (baseline_id == plan_id)
        return refusal(400, "same", lang,
                       "Choose two different runs: the baseline and the plan are the same run.",
                       "Kies twee verschillende runs: de basis en het plan zijn dezelfde run.");
    Job runs[2];
    const std::string ids[2] = {baseline_id, plan_id};
    for (int i = 0; i < 2; ++i) {
        // An id is the server's own (never a path): looked up among its runs.
        const auto job = is_job_id(ids[i]) ? queue.get(ids[i]) : std::nullopt;
        if (!job) {
            const std::string shown = is_job_id(ids[i]) ? " " + ids[i] : "";
            return refusal(404, "unknown", lang, "There is no run" + shown + " in this workspace.",
                           "Run" + shown + " bestaat niet in deze werkmap.");
        }
        if (job->state != JobState::done)
            return refusal(409, "not_done", lang,
                           "Run " + quoted(*job) + " is not finished (" + state_text(job->state, Lang::en) +
                               "); only finished runs can be compared.",
                           "Run " + quoted(*job) + " is niet klaar (" + state_text(job->state, Lang::nl) +
                               "); alleen afgeronde runs kunnen worden vergeleken.");
        if (job->files.empty() || !plain_name(job->files.back()))
            return refusal(422, "scenario", lang, "Run " + quoted(*job) + " has no scenario file.",
                           "Run " + quoted(*job) + " heeft geen scenariobestand.");
        runs[i] = *job;
    }

    // Each run's scenario: its only file, or, for a run that was itself a compare of several files
    // (baseline first), its last file, "its plan". The text is copied as it is: the server stores
    // only self-contained files (a plan may not name files; the library's are written resolved),
    // and each is checked to load on its own, so it needs nothing outside the new run's folder.
    std::string texts[2];
    std::vector<scenario::Scenario> scenarios;
    for (int i = 0; i < 2; ++i) {
        texts[i] = read_text(queue.job_dir(runs[i].id) / runs[i].files.back());
        std::string problem = file_key_error(texts[i]);
        if (problem.empty()) {
            try {
                scenarios.push_back(scenario::parse_scenario(texts[i], runs[i].files.back(), "."));
            } catch (const std::exception& e) {
                problem = e.what();
            }
        }
        if (!problem.empty())
            return refusal(422, "scenario", lang,
                           "The scenario of run " + quoted(runs[i]) + " cannot be compared: " + problem,
                           "Het scenario van run " + quoted(runs[i]) + " kan niet worden vergeleken: " + problem);
    }
    // The rows of a comparison are told apart by the scenarios' names: the plan of the same name
    // as the baseline is named after its run as well.
    if (scenarios[1].name == scenarios[0].name) {
        scenarios[1].name += " (" + runs[1].id + ")";
        texts[1] = with_name(texts[1], scenarios[1].name);
    }
    // A compare runs every scenario with the baseline's seed and replications.
    scenarios[1].seed = scenarios[0].seed;
    scenarios[1].replications = scenarios[0].replications;
    if (const auto breach = experiment::check_run(scenarios, experiment::resolve_threads(threads)))
        return refusal(422, "limits", lang, breach->message, breach->message);

    CompareRun run;
    run.files = {{"baseline.yaml", texts[0]}, {"plan.yaml", texts[1]}};
    run.title = scenarios[0].name + " vs " + scenarios[1].name;
    run.description = lang == Lang::nl ? "Vergelijking van twee eerdere runs: " + runs[0].id + " (basis) en " +
                                             runs[1].id + " (plan)."
                                       : "Comparison of two earlier runs: " + runs[0].id + " (baseline) and " +
                                             runs[1].id + " (plan).";
    run.total = 2 * std::size_t(scenarios[0].replications);
    return run;
}

}  // namespace caseload::serve
