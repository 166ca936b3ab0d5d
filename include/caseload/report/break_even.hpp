#pragma once
// The answer of `caseload solve` for the terminal: every value tried with the
// gap between metric and target and its 95% interval, then the break-even by
// the mean and with 95% confidence.

#include "caseload/experiment/break_even.hpp"

#include <string>

namespace caseload::report {

[[nodiscard]] std::string break_even_text(const experiment::BreakEvenSearch& search,
                                          const experiment::SolveResult& result);

}  // namespace caseload::report
