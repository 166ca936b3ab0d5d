// The data behind a report: the two files it needs beyond the CSV files of
// output.cpp, and reading a whole results folder back.

#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "caseload/stats/inference.hpp"
#include "caseload/scenario/loader.hpp"
#include "report/csv_reader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string_view>

namespace caseload::report {

namespace fs = std::filesystem;
using detail::CsvTable;
using experiment::ExperimentResult;
using experiment::Summary;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean and p-quantile (linear interpolation between order statistics) of the
// values that are not NaN; NaN when there are none.
double mean_of(const std::vector<double>& v) {
    double sum = 0;
    std::size_t n = 0;
    for (double x : v)
        if (!std::isnan(x)) {
            sum += x;
            ++n;
        }
    return n ? sum / double(n) : kNaN;
}


}  // namespace

const PeriodRow* PeriodTable::find(std::size_t period, std::string_view metric) const {
    for (const auto& r : rows)
        if (r.period == period && r.metric == metric) return &r;
    return nullptr;
}

std::size_t PeriodTable::periods() const {
    std::size_t n = 0;
    for (const auto& r : rows) n = std::max(n, r.period);
    return n;
}

std::optional<Language> parse_language(std::string_view code) {
    if (code == "en") return Language::en;
    if (code == "nl") return Language::nl;
    return std::nullopt;
}

std::string time_to_help_distribution_csv(const std::vector<ExperimentResult>& results) {
    std::ostringstream o;
    o << "scenario,week,mean,p10,p90\n";
    std::vector<double> v;
    for (const auto& r : results) {
        const std::string name = csv_field(r.scenario.name);
        for (std::size_t k = 0; k < model::kHelpedWeeks; ++k) {
            v.clear();
            for (const auto& rep : r.replications) v.push_back(rep.helped_within_weeks[k]);
            const auto q = stats::quantiles(v, 0.1, 0.9);
            o << name << ',' << k << ',' << number(mean_of(v)) << ',' << number(q[0]) << ',' << number(q[1]) << '\n';
        }
    }
    return o.str();
}

std::string checks_csv(const std::vector<ExperimentResult>& results, const std::vector<Summary>& summaries) {
    std::ostringstream o;
    o << "scenario,unstable,reason,stopped_at_bound,growth_per_year,warmup_looks_short,warmup_extra_days,tipped,"
         "replications\n";
    for (std::size_t s = 0; s < results.size(); ++s) {
        const auto& st = summaries[s].stability;
        const auto& wu = summaries[s].warmup;
        o << csv_field(results[s].scenario.name) << ',' << (st.unstable ? "true" : "false") << ','
          << csv_field(st.reason) << ',' << st.stopped_at_bound << ',' << number(st.growth_per_year.mean) << ','
          << (wu.looks_short ? "true" : "false") << ',' << number(wu.suggested_extra_days) << ',' << st.tipped << ','
          << st.replications << '\n';
    }
    return o.str();
}

namespace {

// A file of the results folder: a regular file, capped in size (a link to
// /dev/zero or a FIFO must not fill memory or hang the report), inside the folder.
std::string read_file(const fs::path& dir, const std::string& name) {
    const fs::path p = dir / name;
    const fs::path rel(name);
    for (const auto& part : rel)
        if (rel.is_absolute() || part == "..")
            throw ReportInputError((dir / "metadata.json").string() + ": names '" + name +
                                   "', which is not a file inside the results folder");
    std::error_code ec;
    if (!fs::exists(p, ec))
        throw ReportInputError(p.string() + ": cannot read it; is " + dir.string() + " a results folder?");
    const bool csv = name.ends_with(".csv");
    ReadBack r = read_capped(p, csv ? kMaxResultsCsvBytes : kMaxMetadataBytes);
    if (!r.error.empty()) throw ReportInputError(r.error);
    return std::move(r.text);
}

using Json = nlohmann::json;

// Containers nested deeper than this make metadata.json damaged, not a reason to fill memory.
constexpr int kMaxJsonDepth = 64;

// The line of byte `at` (counted from 1) of `text`.
std::size_t line_at(std::string_view text, std::size_t at) {
    const std::size_t end = std::min(at > 0 ? at - 1 : 0, text.size());
    return 1 + std::size_t(std::count(text.begin(), text.begin() + std::ptrdiff_t(end), '\n'));
}

// metadata.json read by nlohmann-json; a damaged file is an error naming the
// file and the line, e.g. "metadata.json:3: syntax error while parsing ...".
Json parse_metadata(const std::string& text, const std::string& label) {
    const Json::parser_callback_t depth_cap = [&](int depth, Json::parse_event_t event, Json&) {
        if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
            depth >= kMaxJsonDepth)
            throw ReportInputError(label + ": nested too deeply (more than " + std::to_string(kMaxJsonDepth) +
                                   " levels)");
        return true;
    };
    try {
        return Json::parse(text, depth_cap);
    } catch (const Json::parse_error& e) {
        // nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 1: <what is wrong>".
        std::string what = e.what();
        if (const auto column = what.find(", column "); column != std::string::npos)
            if (const auto colon = what.find(": ", column); colon != std::string::npos) what.erase(0, colon + 2);
        throw ReportInputError(label + ":" + std::to_string(line_at(text, e.byte)) + ": " + printable(what));
    }
}

const Json& member(const Json& obj, const char* key, Json::value_t type, const std::string& label) {
    const auto it = obj.is_object() ? obj.find(key) : obj.end();
    if (it == obj.end() || it->type() != type)
        throw ReportInputError(label + ": expected a member '" + std::string(key) + "'");
    return *it;
}

// The text of the member `key` of an object, if it has one that is a string.
const std::string* text_member(const Json& obj, const char* key) {
    const auto it = obj.is_object() ? obj.find(key) : obj.end();
    return it != obj.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// Files name scenarios by name; two scenarios may share one (a scenario
// compared with itself). The k-th time a key (scenario name + what the row is
// about) is seen, the row belongs to the k-th scenario of that name.
class ScenarioIndex {
public:
    explicit ScenarioIndex(const std::vector<ScenarioInfo>& scenarios) {
        for (std::size_t i = 0; i < scenarios.size(); ++i) by_name_[scenarios[i].name].push_back(i);
    }
    std::size_t operator()(const std::string& name, const std::string& key, const CsvTable& t, std::size_t row) {
        const auto it = by_name_.find(name);
        const std::size_t k = seen_[name + '\x1f' + key]++;
        if (it == by_name_.end() || k >= it->second.size())
            throw ReportInputError(t.label() + ": row " + std::to_string(row + 2) + " names scenario '" + name +
                                   "', which metadata.json does not list (or lists fewer times)");
        return it->second[k];
    }

private:
    std::map<std::string, std::vector<std::size_t>> by_name_;
    std::map<std::string, std::size_t> seen_;
};

experiment::Verdict parse_verdict(const std::string& s, const CsvTable& t, std::size_t row) {
    for (auto v : {experiment::Verdict::better, experiment::Verdict::worse, experiment::Verdict::negligible,
                   experiment::Verdict::unclear, experiment::Verdict::not_rated})
        if (s == experiment::to_string(v)) return v;
    if (s == "no clear difference") return experiment::Verdict::unclear;  // folders written before negligible existed
    throw ReportInputError(t.label() + ": row " + std::to_string(row + 2) + ": unknown verdict '" + s + "'");
}

// A band series table (timeseries.csv or the distribution): rows grouped by
// `group` column (or one group), x from `x_col`, one band per scenario.
void read_bands(const CsvTable& t, const std::string& x_col, const char* group_col, std::size_t scenarios,
                ScenarioIndex index, std::vector<Series>& out) {
    const std::size_t c_s = t.column("scenario"), c_x = t.column(x_col), c_m = t.column("mean"),
                      c_lo = t.column("p10"), c_hi = t.column("p90");
    const std::size_t c_g = group_col ? t.column(group_col) : 0;
    for (std::size_t r = 0; r < t.size(); ++r) {
        const std::string group = group_col ? t.text(r, c_g) : std::string();
        auto it = std::find_if(out.begin(), out.end(), [&](const Series& s) { return s.name == group; });
        if (it == out.end()) {
            out.push_back({group, std::vector<std::vector<BandPoint>>(scenarios)});
            it = out.end() - 1;
        }
        const std::size_t s = index(t.text(r, c_s), group + '\x1f' + t.text(r, c_x), t, r);
        it->by_scenario[s].push_back({t.number(r, c_x), t.number(r, c_m), t.number(r, c_lo), t.number(r, c_hi)});
    }
}

}  // namespace

ReportData read_results(const fs::path& dir) {
    if (!fs::is_directory(dir)) throw ReportInputError(dir.string() + " is not a folder; expected a results folder");
    ReportData d;

    // metadata.json: the command, the title and the scenarios in order.
    {
        const std::string label = (dir / "metadata.json").string();
        const Json meta = parse_metadata(read_file(dir, "metadata.json"), label);
        d.command = member(meta, "command", Json::value_t::string, label).get<std::string>();
        if (const auto* v = text_member(meta, "version")) d.version = *v;
        if (const auto* v = text_member(meta, "title")) d.title = *v;
        std::string start_state;
        if (const auto* v = text_member(meta, "start_state")) start_state = *v;
        std::vector<scenario::Scenario> resolved_scenarios;
        for (const auto& s : member(meta, "scenarios", Json::value_t::array, label)) {
            const std::string resolved = member(s, "resolved", Json::value_t::string, label).get<std::string>();
            const std::string yaml = read_file(dir, resolved);
            // The report describes the scenario in this file: it must be the one the results came from.
            if (const auto* h = text_member(s, "scenario_hash"); h && *h != content_hash(yaml))
                throw ReportInputError((dir / resolved).string() + " has changed since the run (its hash is " +
                                       content_hash(yaml) + ", metadata.json says " + *h +
                                       "); the report would not describe these results: restore it, or run again");
            scenario::Scenario sc;
            try {
                sc = scenario::parse_scenario(yaml, (dir / resolved).string());
            } catch (const scenario::ScenarioError& e) {
                throw ReportInputError(e.what());
            }
            ScenarioInfo info;
            info.name = sc.name;
            info.description = sc.description;
            info.file = member(s, "file", Json::value_t::string, label).get<std::string>();
            info.replications = sc.replications;
            info.horizon_days = sc.horizon_days;
            info.warmup_days = sc.warmup_days;
            info.seed = sc.seed;
            info.workers = sc.workforce.workers;
            info.fte = sc.workforce.fte;
            info.caseload_norm = sc.workforce.caseload_norm;
            info.waitlist_max_length = sc.waitlist.max_length;
            info.start_state = sc.initial.given();
            info.start_date = sc.initial.start_date;
            info.period_days = sc.period_days;
            info.waitlist_target = sc.targets.waitlist;
            if (sc.initial.given()) info.start_state_file = start_state;
            if (!resolved_scenarios.empty()) {
                info.changes_en = changes_text(resolved_scenarios.front(), sc, Language::en);
                info.changes_nl = changes_text(resolved_scenarios.front(), sc, Language::nl);
            }
            resolved_scenarios.push_back(std::move(sc));
            d.scenarios.push_back(std::move(info));
        }
        if (d.scenarios.empty()) throw ReportInputError(label + ": lists no scenarios");
    }
    const std::size_t n = d.scenarios.size();

    // summary.csv: one block of metrics per scenario.
    {
        const CsvTable t(read_file(dir, "summary.csv"), (dir / "summary.csv").string());
        const std::size_t c_m = t.column("metric"), c_mean = t.column("mean"), c_lo = t.column("ci_low"),
                          c_hi = t.column("ci_high"), c_p10 = t.column("p10"), c_p90 = t.column("p90"),
                          c_n = t.column("replications"), c_u = t.column("unit"), c_s = t.column("scenario");
        d.summaries.resize(n);
        ScenarioIndex index(d.scenarios);
        for (std::size_t r = 0; r < t.size(); ++r) {
            const std::size_t s = index(t.text(r, c_s), t.text(r, c_m), t, r);
            d.summaries[s].push_back({t.text(r, c_m), t.text(r, c_u), t.number(r, c_mean), t.number(r, c_lo),
                                      t.number(r, c_hi), t.number(r, c_p10), t.number(r, c_p90),
                                      std::size_t(t.integer(r, c_n))});
        }
    }

    // checks.csv: stability and warm-up, per scenario.
    {
        const CsvTable t(read_file(dir, "checks.csv"), (dir / "checks.csv").string());
        const std::size_t c_s = t.column("scenario"), c_u = t.column("unstable"), c_r = t.column("reason"),
                          c_b = t.column("stopped_at_bound"), c_g = t.column("growth_per_year"),
                          c_w = t.column("warmup_looks_short"), c_x = t.column("warmup_extra_days");
        d.checks.resize(n);
        ScenarioIndex index(d.scenarios);
        for (std::size_t r = 0; r < t.size(); ++r) {
            auto& c = d.checks[index(t.text(r, c_s), "", t, r)];
            c.unstable = t.boolean(r, c_u);
            c.reason = t.text(r, c_r);
            c.stopped_at_bound = int(t.integer(r, c_b));
            c.growth_per_year = t.number(r, c_g);
            c.warmup_looks_short = t.boolean(r, c_w);
            c.warmup_extra_days = t.number(r, c_x);
            // Added later: folders written before have no such columns.
            if (t.has_column("tipped")) c.tipped = int(t.integer(r, t.column("tipped")));
            if (t.has_column("replications")) c.replications = int(t.integer(r, t.column("replications")));
        }
        const std::string censored(model::info(model::Metric::time_to_help_censored_share).name);
        for (std::size_t s = 0; s < n; ++s) {
            d.checks[s].censored_share = kNaN;
            for (const auto& row : d.summaries[s])
                if (row.metric == censored) d.checks[s].censored_share = row.mean;
        }
    }

    // comparison.csv: one table per scenario set against the baseline.
    if (d.command == "compare") {
        const CsvTable t(read_file(dir, "comparison.csv"), (dir / "comparison.csv").string());
        const std::size_t c_m = t.column("metric"), c_u = t.column("unit"), c_bt = t.column("better"),
                          c_b = t.column("baseline"), c_s = t.column("scenario"), c_bm = t.column("baseline_mean"),
                          c_bl = t.column("baseline_ci_low"), c_bh = t.column("baseline_ci_high"),
                          c_sm = t.column("scenario_mean"), c_sl = t.column("scenario_ci_low"),
                          c_sh = t.column("scenario_ci_high"), c_dm = t.column("diff_mean"),
                          c_dl = t.column("diff_ci_low"), c_dh = t.column("diff_ci_high"), c_v = t.column("verdict");
        for (std::size_t r = 0; r < t.size(); ++r) {
            const std::string& b = t.text(r, c_b);
            const std::string& s = t.text(r, c_s);
            const std::string& m = t.text(r, c_m);
            const bool repeat = !d.comparisons.empty() &&
                                std::any_of(d.comparisons.back().rows.begin(), d.comparisons.back().rows.end(),
                                            [&](const ComparisonRow& x) { return x.metric == m; });
            if (d.comparisons.empty() || d.comparisons.back().baseline != b || d.comparisons.back().scenario != s ||
                repeat)
                d.comparisons.push_back({b, s, {}});
            d.comparisons.back().rows.push_back({m, t.text(r, c_u), t.text(r, c_bt), t.number(r, c_bm),
                                                 t.number(r, c_bl), t.number(r, c_bh), t.number(r, c_sm),
                                                 t.number(r, c_sl), t.number(r, c_sh), t.number(r, c_dm),
                                                 t.number(r, c_dl), t.number(r, c_dh),
                                                 parse_verdict(t.text(r, c_v), t, r)});
        }
    }

    // period_comparison.csv: year by year, one table per comparison that
    // answers so. Folders written before it existed have none.
    if (d.command == "compare" && fs::exists(dir / "period_comparison.csv")) {
        const CsvTable t(read_file(dir, "period_comparison.csv"), (dir / "period_comparison.csv").string());
        const std::size_t c_b = t.column("baseline"), c_s = t.column("scenario"), c_p = t.column("period"),
                          c_sd = t.column("start_day"), c_ed = t.column("end_day"), c_sdt = t.column("start_date"),
                          c_edt = t.column("end_date"), c_m = t.column("metric"), c_u = t.column("unit"),
                          c_bt = t.column("better"), c_bm = t.column("baseline_mean"),
                          c_bl = t.column("baseline_ci_low"), c_bh = t.column("baseline_ci_high"),
                          c_sm = t.column("scenario_mean"), c_sl = t.column("scenario_ci_low"),
                          c_sh = t.column("scenario_ci_high"), c_dm = t.column("diff_mean"),
                          c_dl = t.column("diff_ci_low"), c_dh = t.column("diff_ci_high"), c_v = t.column("verdict");
        for (std::size_t r = 0; r < t.size(); ++r) {
            PeriodRow row;
            const std::string& p = t.text(r, c_p);
            if (p != "plan") {
                const std::int64_t k = t.integer(r, c_p);
                if (k < 1)
                    throw ReportInputError(t.label() + ": row " + std::to_string(r + 2) +
                                           ": period must be 1, 2, ... or plan, not '" + p + "'");
                row.period = std::size_t(k);
            }
            row.start_day = t.number(r, c_sd);
            row.end_day = t.number(r, c_ed);
            row.start_date = t.text(r, c_sdt);
            row.end_date = t.text(r, c_edt);
            row.metric = t.text(r, c_m);
            row.unit = t.text(r, c_u);
            row.better = t.text(r, c_bt);
            row.baseline_mean = t.number(r, c_bm);
            row.baseline_low = t.number(r, c_bl);
            row.baseline_high = t.number(r, c_bh);
            row.scenario_mean = t.number(r, c_sm);
            row.scenario_low = t.number(r, c_sl);
            row.scenario_high = t.number(r, c_sh);
            row.diff_mean = t.number(r, c_dm);
            row.diff_low = t.number(r, c_dl);
            row.diff_high = t.number(r, c_dh);
            row.verdict = parse_verdict(t.text(r, c_v), t, r);
            const std::string& b = t.text(r, c_b);
            const std::string& s = t.text(r, c_s);
            auto& tables = d.period_comparisons;
            // A new table when the pair changes, or the same pair starts again
            // (a scenario compared with itself twice).
            if (tables.empty() || tables.back().baseline != b || tables.back().scenario != s ||
                tables.back().find(row.period, row.metric))
                tables.push_back({b, s, {}});
            tables.back().rows.push_back(std::move(row));
        }
    }

    // timeseries.csv: every metric it holds, whatever their names.
    {
        const CsvTable t(read_file(dir, "timeseries.csv"), (dir / "timeseries.csv").string());
        read_bands(t, "day", "metric", n, ScenarioIndex(d.scenarios), d.series);
        // Weekly turnover is a week's departures as a yearly rate: it jumps
        // from 0 to 250% and back. The report shows its 13-week rolling mean
        // (timeseries.csv keeps the weekly values).
        for (auto& s : d.series)
            if (s.name == "turnover")
                for (auto& band : s.by_scenario) {
                    const std::vector<BandPoint> weekly = band;
                    for (std::size_t i = 0; i < band.size(); ++i) {
                        const std::size_t from = i >= 12 ? i - 12 : 0;
                        double m = 0, lo = 0, hi = 0;
                        for (std::size_t j = from; j <= i; ++j) {
                            m += weekly[j].mean;
                            lo += weekly[j].p10;
                            hi += weekly[j].p90;
                        }
                        const double k = double(i - from + 1);
                        band[i].mean = m / k;
                        band[i].p10 = lo / k;
                        band[i].p90 = hi / k;
                    }
                }
    }
    {
        const CsvTable t(read_file(dir, "time_to_help_distribution.csv"),
                         (dir / "time_to_help_distribution.csv").string());
        std::vector<Series> one;
        read_bands(t, "week", nullptr, n, ScenarioIndex(d.scenarios), one);
        d.time_to_help = one.empty() ? Series{"", std::vector<std::vector<BandPoint>>(n)} : std::move(one.front());
        d.time_to_help.name = "time_to_help";
    }
    return d;
}

}  // namespace caseload::report
