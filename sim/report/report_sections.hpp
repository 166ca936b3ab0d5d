#pragma once
// What the HTML and Markdown reports both show, decided once: which charts,
// in which order, with which titles and text alternatives.

#include "caseload/report/report.hpp"
#include "report/chart.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace caseload::report::detail {

struct ChartPlan {
    std::string key;      // the series name, or "time_to_help"
    ChartSpec spec;       // everything but the id
    std::string caption;  // what the chart shows, plain text
    std::string unit;     // of the values
    bool weeks = false;   // x in weeks after referral (else: days since the start)
    const Series* series = nullptr;
};

// The waitlist first, then the time-to-help distribution, then every other
// series of timeseries.csv in file order.
[[nodiscard]] std::vector<ChartPlan> chart_list(const ReportData& d, Language lang);

// The start date all scenarios share (days since 1970-01-01), if they do:
// then charts and tables show dates.
[[nodiscard]] std::optional<std::int64_t> common_start_date(const ReportData& d);

// The lead sentence of a report on a single run.
[[nodiscard]] std::string run_sentence(const ReportData& d, Language lang);

}  // namespace caseload::report::detail
