#include "caseload/report/metadata.hpp"

#include "caseload/report/report.hpp"

#include <cstdio>
#include <sstream>

#ifndef CASELOAD_VERSION
#define CASELOAD_VERSION "0.0.0"
#endif

namespace caseload::report {

namespace {

std::string json_string(const std::string& s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': o += "\\\""; break;
            case '\\': o += "\\\\"; break;
            case '\n': o += "\\n"; break;
            case '\r': o += "\\r"; break;
            case '\t': o += "\\t"; break;
            default:
                if (c < 0x20) {
                    char b[8];
                    std::snprintf(b, sizeof b, "\\u%04x", c);
                    o += b;
                } else {
                    o += char(c);
                }
        }
    }
    return o + "\"";
}

// The lines every metadata.json starts with, up to the command.
void head(std::ostringstream& o, const std::string& command) {
    o << "{\n  \"tool\": \"caseload-sim\",\n  \"version\": " << json_string(CASELOAD_VERSION)
      << ",\n  \"command\": " << json_string(command);
}

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
                   const std::vector<experiment::Summary>& summaries, const std::vector<std::string>& yamls) {
    dir.write("summary.csv", summary_csv(results, summaries));
    dir.write("replications.csv", replications_csv(results));
    dir.write("timeseries.csv", timeseries_csv(results, summaries));
    dir.write("periods.csv", periods_csv(results));
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
    std::ostringstream o;
    head(o, command);
    o << ",\n  \"title\": " << json_string(title);
    if (!start_state.empty()) o << ",\n  \"start_state\": " << json_string(start_state);
    o << ",\n  \"threads\": " << threads
      << ",\n  \"wall_seconds\": " << number(wall_seconds) << ",\n  \"scenarios\": [\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& sc = results[i].scenario;
        o << "    {\"name\": " << json_string(sc.name) << ", \"file\": " << json_string(sc.source_file)
          << ", \"seed\": " << sc.seed << ", \"replications\": " << sc.replications
          << ", \"scenario_hash\": " << json_string(content_hash(yamls[i]))
          << ", \"resolved\": " << json_string(resolved_name(i, results.size(), sc)) << "}"
          << (i + 1 < results.size() ? "," : "") << "\n";
    }
    o << "  ]\n}\n";
    return o.str();
}

std::string sweep_metadata_json(const experiment::SweepPlan& plan, const experiment::Shard& shard, const SweepRun& run) {
    std::ostringstream o;
    head(o, "sweep");
    o << ",\n  \"sweep\": " << json_string(plan.spec().name) << ",\n  \"file\": " << json_string(plan.spec().source_file)
      << ",\n  \"base\": " << json_string(plan.spec().base.string())
      << ",\n  \"sweep_hash\": " << json_string(plan.hash())
      << ",\n  \"scenario_hash\": " << json_string(content_hash(plan.base_yaml()))
      << ",\n  \"design\": " << json_string(scenario::to_string(plan.spec().design)) << ",\n  \"points\": " << plan.points()
      << ",\n  \"replications\": " << plan.replications() << ",\n  \"seed\": " << plan.seed()
      << ",\n  \"shard\": " << json_string(shard.text()) << ",\n  \"points_run\": " << run.points_run
      << ",\n  \"points_resumed\": " << run.points_resumed << ",\n  \"threads_per_rank\": " << run.threads_per_rank
      << ",\n  \"ranks\": " << run.ranks << ",\n  \"points_per_rank\": [";
    for (std::size_t i = 0; i < run.points_per_rank.size(); ++i) o << (i ? ", " : "") << run.points_per_rank[i];
    o << "],\n  \"wall_seconds\": " << number(run.wall_seconds) << "\n}\n";
    return o.str();
}

std::string merge_metadata_json(const std::vector<std::string>& shard_dirs) {
    std::ostringstream o;
    head(o, "merge");
    o << ",\n  \"shards\": [";
    for (std::size_t i = 0; i < shard_dirs.size(); ++i) o << (i ? ", " : "") << json_string(shard_dirs[i]);
    o << "]\n}\n";
    return o.str();
}

}  // namespace caseload::report
