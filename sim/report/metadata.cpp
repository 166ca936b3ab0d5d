#include "caseload/report/metadata.hpp"

#include "caseload/report/report.hpp"

#include <nlohmann/json.hpp>

#ifndef CASELOAD_VERSION
#define CASELOAD_VERSION "0.0.0"
#endif

namespace caseload::report {

namespace {

// Objects keep the order of their members: metadata.json reads top down.
using Json = nlohmann::ordered_json;

// The members every metadata.json starts with, up to the command.
Json head(const std::string& command) {
    Json o = Json::object();
    o["tool"] = "caseload-sim";
    o["version"] = CASELOAD_VERSION;
    o["command"] = command;
    return o;
}

// The file's text. A file name that is not UTF-8 gets U+FFFD for its bad
// bytes: JSON text is UTF-8.
std::string text(const Json& o) { return o.dump(2, ' ', false, Json::error_handler_t::replace) + '\n'; }

}  // namespace

const char* version() { return CASELOAD_VERSION; }

std::string slug(const std::string& name) {
    std::string out;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        out += ok ? c : '_';
    }
    return out.empty() ? "scenario" : out.substr(0, 60);
}

std::string resolved_name(std::size_t i, std::size_t n, const scenario::Scenario& s) {
    return n == 1 ? "scenario.yaml" : "scenarios/" + std::to_string(i) + "-" + slug(s.name) + ".yaml";
}

void write_results(ResultsDir& dir, const std::vector<experiment::ExperimentResult>& results,
                   const std::vector<experiment::Summary>& summaries, const std::vector<std::string>& yamls,
                   PeriodsCsv* periods) {
    dir.write("summary.csv", summary_csv(results, summaries));
    // The per-replication files are written as they are made (a long run's
    // are hundreds of MB): memory holds the replications, not their text too.
    write_replications_csv(dir.staging() / "replications.csv", results);
    dir.write("timeseries.csv", timeseries_csv(results, summaries));
    if (periods) periods->commit();
    else write_periods_csv(dir.staging() / "periods.csv", results);
    dir.write("periods_summary.csv", periods_summary_csv(results, summaries));
    dir.write("time_to_help_distribution.csv", time_to_help_distribution_csv(results));
    dir.write("checks.csv", checks_csv(results, summaries));
    for (std::size_t i = 0; i < results.size(); ++i)
        dir.write(resolved_name(i, results.size(), results[i].scenario), yamls[i]);
}

std::string run_metadata_json(const std::string& command, const std::string& title,
                              const std::vector<experiment::ExperimentResult>& results,
                              const std::vector<std::string>& yamls, unsigned threads, double wall_seconds,
                              const std::string& start_state) {
    Json o = head(command);
    o["title"] = title;
    if (!start_state.empty()) o["start_state"] = start_state;
    o["threads"] = threads;
    o["wall_seconds"] = wall_seconds;
    Json scenarios = Json::array();
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& sc = results[i].scenario;
        Json s = Json::object();
        s["name"] = sc.name;
        s["file"] = sc.source_file;
        s["seed"] = sc.seed;
        s["replications"] = sc.replications;
        s["scenario_hash"] = content_hash(yamls[i]);
        s["resolved"] = resolved_name(i, results.size(), sc);
        scenarios.push_back(std::move(s));
    }
    o["scenarios"] = std::move(scenarios);
    return text(o);
}

std::string sweep_metadata_json(const experiment::SweepPlan& plan, const experiment::Shard& shard, const SweepRun& run) {
    Json o = head("sweep");
    o["sweep"] = plan.spec().name;
    o["file"] = plan.spec().source_file;
    o["base"] = plan.spec().base.string();
    o["sweep_hash"] = plan.hash();
    o["scenario_hash"] = content_hash(plan.base_yaml());
    o["design"] = scenario::to_string(plan.spec().design);
    o["points"] = plan.points();
    o["replications"] = plan.replications();
    o["seed"] = plan.seed();
    o["shard"] = shard.text();
    o["points_run"] = run.points_run;
    o["points_resumed"] = run.points_resumed;
    o["threads_per_rank"] = run.threads_per_rank;
    o["ranks"] = run.ranks;
    o["points_per_rank"] = run.points_per_rank;
    o["wall_seconds"] = run.wall_seconds;
    return text(o);
}

std::string merge_metadata_json(const std::vector<std::string>& shard_dirs) {
    Json o = head("merge");
    o["shards"] = shard_dirs;
    return text(o);
}

}  // namespace caseload::report
