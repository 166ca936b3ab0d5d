#pragma once
// Shared by the period files' writers (periods_output.cpp, output.cpp).

#include "caseload/experiment/runner.hpp"
#include "caseload/scenario/scenario.hpp"
#include "caseload/stats/inference.hpp"

#include <string>
#include <vector>

namespace caseload::report::detail {

// "start_day,end_day,start_date,end_date" of a period (dates NA without a start date).
[[nodiscard]] std::string period_span(const scenario::Scenario& sc, double start, double end);
// A period metric summed over all periods, per replication, and its paired
// difference scenario - baseline (the cost of a plan).
[[nodiscard]] std::vector<double> plan_totals(const experiment::ExperimentResult& r, model::PeriodMetric m);
[[nodiscard]] stats::Interval plan_total_difference(const experiment::ExperimentResult& a,
                                                    const experiment::ExperimentResult& b, model::PeriodMetric m);

}  // namespace caseload::report::detail
