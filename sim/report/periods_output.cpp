// Results per reporting period: periods.csv and periods_summary.csv, and
// the comparisons (whole window and per period) every compare writes.

#include "caseload/report/output.hpp"
#include "report/periods_output.hpp"

#include "caseload/scenario/dates.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace caseload::report {

using experiment::ExperimentResult;
using experiment::Summary;
using model::Metric;

namespace detail {
std::string period_span(const scenario::Scenario& sc, double start, double end) {
    std::string o = number(start) + ',' + number(end) + ',';
    if (sc.initial.start_date)
        o += scenario::date_after(*sc.initial.start_date, start) + ',' + scenario::date_after(*sc.initial.start_date, end);
    else
        o += "NA,NA";
    return o;
}
}  // namespace detail

using detail::period_span;

namespace {
constexpr std::string_view kPeriodsHeader = "scenario,replication,period,start_day,end_day,start_date,end_date,metric,value\n";

// One replication's rows of periods.csv, appended to `rows`.
void period_rows(std::string& rows, const std::string& name, const scenario::Scenario& sc,
                 const model::ReplicationResult& rep) {
    std::string head;
    for (std::size_t k = 0; k < rep.periods.size(); ++k) {
        const auto& p = rep.periods[k];
        head = name + ',' + std::to_string(rep.replication) + ',' + std::to_string(k + 1) + ',' +
               period_span(sc, p.start_day, p.end_day) + ',';
        for (const auto& mi : model::kPeriodMetrics) {
            rows += head;
            rows += mi.name;
            rows += ',';
            append_number(rows, p[mi.metric]);
            rows += '\n';
        }
    }
}
}  // namespace

// The rows go out a replication at a time (for a long run they are millions:
// written as they are made, never held whole).
void write_periods_csv(const std::filesystem::path& file, const std::vector<ExperimentResult>& results) {
    FileWriter out(file);
    out.write(kPeriodsHeader);
    std::string rows;
    for (const auto& r : results) {
        if (!r.periods_kept) throw std::logic_error("periods.csv: the periods were let go (see PeriodsCsv)");
        const std::string name = csv_field(r.scenario.name);
        for (const auto& rep : r.replications) {
            rows.clear();
            period_rows(rows, name, r.scenario, rep);
            out.write(rows);
        }
    }
    out.commit();
}

PeriodsCsv::PeriodsCsv(const std::filesystem::path& file, const std::vector<scenario::Scenario>& scenarios)
    : file_(file), scenarios_(scenarios) {
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
        names_.push_back(csv_field(scenarios[s].name));
        // The first scenario's rows go straight to the file; each other's to a
        // part of its own, appended at the end (the file is scenario by scenario).
        parts_.push_back(std::make_unique<FileWriter>(
            s == 0 ? file : file.parent_path() / ("periods-part-" + std::to_string(s) + ".csv")));
    }
    if (!parts_.empty()) parts_[0]->write(kPeriodsHeader);
}

PeriodsCsv::~PeriodsCsv() = default;

// A write that fails (a full disk) is said at commit(), where the caller
// keeps the replications for --resume; the parts go at once, freeing the disk.
void PeriodsCsv::add(std::size_t scenario, const model::ReplicationResult& rep) {
    if (!error_.empty()) return;
    try {
        rows_.clear();
        period_rows(rows_, names_.at(scenario), scenarios_[scenario], rep);
        parts_[scenario]->write(rows_);
    } catch (const std::exception& e) {
        error_ = e.what();
        parts_.clear();
    }
}

void PeriodsCsv::commit() {
    if (committed_) throw std::logic_error("periods.csv committed twice");
    committed_ = true;
    if (!error_.empty()) throw OutputError(error_);
    if (parts_.empty()) {
        FileWriter out(file_);
        out.write(kPeriodsHeader);
        out.commit();
        return;
    }
    for (std::size_t s = 1; s < parts_.size(); ++s) parts_[0]->append(*parts_[s]);
    parts_[0]->commit();
    parts_.clear();  // the parts' temporary files go with them
}

std::string periods_summary_csv(const std::vector<ExperimentResult>& results, const std::vector<Summary>& summaries) {
    std::string o = "scenario,period,start_day,end_day,start_date,end_date,metric,mean,ci_low,ci_high,sd,replications,unit\n";
    for (std::size_t s = 0; s < results.size(); ++s) {
        const std::string name = csv_field(results[s].scenario.name);
        for (std::size_t k = 0; k < summaries[s].periods.size(); ++k) {
            const auto& p = summaries[s].periods[k];
            const std::string head =
                name + ',' + std::to_string(k + 1) + ',' + period_span(results[s].scenario, p.start_day, p.end_day) + ',';
            for (const auto& mi : model::kPeriodMetrics) {
                const auto& ci = p[mi.metric];
                o += head + std::string(mi.name) + ',' + number(ci.mean) + ',' + number(ci.low) + ',' + number(ci.high) +
                     ',' + number(ci.sd) + ',' + std::to_string(ci.n) + ',' + csv_field(std::string(mi.unit)) + '\n';
            }
        }
    }
    return o;
}

std::vector<Comparison> compare_all(const std::vector<ExperimentResult>& results, const std::vector<Summary>& summaries,
                                    const std::map<std::string, double, std::less<>>& relevant) {
    std::vector<Comparison> out;
    if (results.empty()) return out;
    const bool from_today = results[0].scenario.initial.given();
    for (std::size_t i = 1; i < results.size(); ++i) {
        experiment::VerdictRules rules;
        rules.relevant = relevant;
        rules.unstable = summaries[0].stability.unstable || summaries[i].stability.unstable;
        Comparison c{results[0].scenario.name, results[i].scenario.name, experiment::compare(results[0], results[i], rules),
                     experiment::compare_periods(results[0], results[i], rules), false};
        c.by_period = (from_today || rules.unstable) && !c.periods.empty();
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace caseload::report
