#include "report/sweep_manifest.hpp"

#include "caseload/model/model.hpp"
#include "caseload/report/output.hpp"
#include "caseload/report/sweep_output.hpp"

#include <sstream>

namespace caseload::report {

namespace fs = std::filesystem;

namespace detail {

std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false, was_quoted = false;
    // csv_field writes text a spreadsheet would evaluate quoted with a leading apostrophe.
    auto end_field = [&] {
        if (was_quoted && !cur.empty() && cur.front() == '\'') cur.erase(0, 1);
        was_quoted = false;
        out.push_back(std::move(cur));
        cur.clear();
    };
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    cur += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = was_quoted = true;
        } else if (c == ',') {
            end_field();
        } else if (c != '\r') {
            cur += c;
        }
    }
    end_field();
    return out;
}

Manifest parse_manifest(const std::string& text, const fs::path& file) {
    Manifest out;
    std::istringstream in(text);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            if (line != "key,value") throw SweepInputError(file.string() + " is not a sweep manifest");
            header = false;
            continue;
        }
        if (line.empty()) continue;
        auto f = split_csv(line);
        if (f.size() != 2) throw SweepInputError(file.string() + ": malformed line '" + line + "'");
        out.emplace_back(std::move(f[0]), std::move(f[1]));
    }
    return out;
}

std::string manifest_value(const Manifest& m, const std::string& key) {
    for (const auto& [k, v] : m)
        if (k == key) return v;
    return {};
}

std::string results_version(const Manifest& m) {
    const std::string v = manifest_value(m, "results_version");
    return v.empty() ? "1" : v;
}

std::string other_results(const std::string& kept, const std::string& now, const fs::path& file) {
    std::string a, b;
    try {
        a = results_version(parse_manifest(kept, file));
        b = results_version(parse_manifest(now, file));
    } catch (const SweepInputError&) {
        return "";  // not a manifest: the caller's general message says what to do
    }
    if (a == b) return "";
    return " was run by a caseload whose results are version " + a + ", and this caseload's are version " + b +
           " (the same seed gives other numbers; points of the two are not mixed)";
}

}  // namespace detail

std::string manifest_csv(const experiment::SweepPlan& plan, const experiment::Shard& shard) {
    std::string o = "key,value\n";
    auto kv = [&](const std::string& k, const std::string& v) { o += k + "," + csv_field(v) + "\n"; };
    kv("format", detail::kFormat);
    // Results version 1 has no row (manifests written before the version was
    // recorded are of version 1).
    if (model::kResultsVersion > 1) kv("results_version", std::to_string(model::kResultsVersion));
    kv("name", plan.spec().name);
    kv("sweep_hash", plan.hash());
    kv("design", scenario::to_string(plan.spec().design));
    kv("points", std::to_string(plan.points()));
    kv("replications", std::to_string(plan.replications()));
    kv("seed", std::to_string(plan.seed()));
    kv("metamodel", scenario::to_string(plan.spec().terms));
    for (const auto& c : plan.columns()) kv("column", c);
    kv("shard", shard.text());
    return o;
}

}  // namespace caseload::report
