#pragma once
// Line-and-band charts as inline SVG: per scenario a mean line and a shaded
// 10-90% band, axes with round ticks, a legend, an optional shaded warm-up.
// No scripts, no external fonts; readable in print (lines also differ by
// dash pattern, so they can be told apart in grey).

#include "caseload/report/report.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace caseload::report::detail {

struct ChartSpec {
    std::string id;           // unique within the page: prefix of the title/desc ids
    std::string title;        // plain text; escaped here
    std::string description;  // the text alternative, plain text; escaped here
    std::string x_label, y_label;
    double x_scale = 1.0;     // plotted x = point.x * x_scale (days -> years: 1/365.25)
    double x_tick_step = 0;   // 0 = choose round ticks
    std::string y_unit;       // "share" plots 0..100% (higher if a value is); others plain numbers
    double shade_to_x = std::numeric_limits<double>::quiet_NaN();  // in plotted units
    std::string shade_label;
    // With a start date (days since 1970-01-01 of x = 0), the x axis shows
    // dates: ticks on the start date's anniversaries (or every few months),
    // x in days before x_scale.
    std::optional<std::int64_t> start_date;
    std::vector<std::string> names;                        // legend, one per band
    const std::vector<std::vector<BandPoint>>* bands = nullptr;
    std::vector<std::size_t> show;  // the bands drawn (empty: all), each in its scenario's colour: small multiples
    Language lang = Language::en;
};

// The <svg> element (role="img", <title>, <desc>, aria-labelledby).
[[nodiscard]] std::string svg_chart(const ChartSpec& spec);

// The colour of the i-th scenario, shared by charts and tables.
[[nodiscard]] const char* scenario_colour(std::size_t i);

// Calendar ticks for a date axis: days after `start` (a whole number of
// months apart, on the start's day of the month) covering [0, end_day].
[[nodiscard]] std::vector<double> date_ticks(std::int64_t start, double end_day, int target);

// Round tick values covering [lo, hi] with about `target` steps.
[[nodiscard]] std::vector<double> nice_ticks(double lo, double hi, int target);

// At most `max_chars` code points of a UTF-8 text, with "…" when cut.
[[nodiscard]] std::string truncate_utf8(const std::string& s, std::size_t max_chars);

}  // namespace caseload::report::detail
