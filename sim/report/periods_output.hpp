#pragma once
// Shared by the period files' writers (periods_output.cpp, output.cpp).

#include "caseload/scenario/scenario.hpp"

#include <string>

namespace caseload::report::detail {

// "start_day,end_day,start_date,end_date" of a period (dates NA without a start date).
[[nodiscard]] std::string period_span(const scenario::Scenario& sc, double start, double end);

}  // namespace caseload::report::detail
