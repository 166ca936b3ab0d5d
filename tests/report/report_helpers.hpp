#pragma once
// Helpers of the report tests (test_report.cpp, test_report_plans.cpp):
// temporary folders, CSV and HTML reading, the report's number formats.

#include "caseload/cli/cli.hpp"
#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "../helpers.hpp"
#include "report/csv_reader.hpp"
#include "report/report_text.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace caseload::report_test {

using namespace caseload;
namespace fs = std::filesystem;


inline const std::string kScenarios = std::string(CASELOAD_SOURCE_DIR) + "/scenarios/";

using test::run_cli;

inline fs::path tmp(const std::string& name) {
    const fs::path p = fs::temp_directory_path() / ("caseload_report_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    return p;
}

using test::slurp;

inline void spit(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

inline std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

// The text of an HTML fragment: tags dropped, the five escapes decoded.
inline std::string text_of(const std::string& html) {
    std::string out;
    bool tag = false;
    for (char c : html) {
        if (c == '<') tag = true;
        else if (c == '>') tag = false;
        else if (!tag) out += c;
    }
    for (auto [from, to] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
        for (std::size_t p = out.find(from); p != std::string::npos; p = out.find(from, p + 1))
            out.replace(p, std::string(from).size(), to);
    return out;
}

// The cells (<th> and <td>, as HTML) of the n-th table row marked with `metric`.
inline std::vector<std::string> row_cells(const std::string& html, const std::string& metric, std::size_t nth = 0) {
    std::size_t p = 0;
    for (std::size_t k = 0; k <= nth; ++k) {
        p = html.find("<tr data-metric=\"" + metric + "\">", k == 0 ? 0 : p + 1);
        if (p == std::string::npos) return {};
    }
    const std::size_t end = html.find("</tr>", p);
    std::vector<std::string> cells;
    for (std::size_t q = html.find("<t", p + 4); q < end; q = html.find("<t", q + 1)) {
        if (html.compare(q, 3, "<th") != 0 && html.compare(q, 3, "<td") != 0) continue;
        const std::string close = html.compare(q, 3, "<th") == 0 ? "</th>" : "</td>";
        const std::size_t e = html.find(close, q);
        cells.push_back(html.substr(q, e + close.size() - q));
        q = e;
    }
    return cells;
}

// A comma-separated line without quoted fields.
inline std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
        if (c == ',') out.emplace_back();
        else out.back() += c;
    }
    return out;
}

inline std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
    std::istringstream in(slurp(p));
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(in, line);) rows.push_back(split(line));
    return rows;
}

inline double num(const std::string& s) { return s == "NA" ? std::nan("") : std::stod(s); }

// How the report writes numbers in English (the specification the tests hold
// it to): output.hpp's human(), digits grouped by a narrow
// no-break space from five on; a difference carries its sign, and a
// difference of shares is in percentage points.
// Money: "€9,185,932", whole euros, commas between thousands.
inline std::string money_en(double v, bool sign) {
    const std::string plain = std::to_string(std::llround(std::fabs(v)));
    std::string digits;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (i > 0 && (plain.size() - i) % 3 == 0) digits += ',';
        digits += plain[i];
    }
    if (digits == "0") return "€0";
    return std::string(v < 0 ? "-" : (sign ? "+" : "")) + "€" + digits;
}
inline std::string value_en(double v, const std::string& unit) {
    if (std::isnan(v)) return "n/a";
    if (unit.rfind("euro", 0) == 0) return money_en(v, false);
    std::string s = report::human(v, unit);
    const std::size_t start = s[0] == '-' ? 1 : 0;
    const std::size_t digits = s.find_first_not_of("0123456789", start) == std::string::npos
                                   ? s.size() - start
                                   : s.find_first_not_of("0123456789", start) - start;
    for (std::size_t k = 3; k < digits && digits >= 5; k += 3) s.insert(start + digits - k, "\u202f");
    return s;
}
inline std::string diff_en(double v, const std::string& unit, bool with_unit) {
    if (std::isnan(v)) return value_en(v, unit);  // no difference (no target set): "n/a"
    std::string s;
    if (unit == "share") {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f", 100 * v);
        s = std::string(buf) == "-0.0" ? "0.0" : buf;
        if (with_unit) s += " pp";
    } else if (unit.rfind("euro", 0) == 0) {
        return money_en(v, true);
    } else {
        s = value_en(v, unit);
    }
    if (v > 0 && s.find_first_of("123456789") != std::string::npos) s = "+" + s;
    return s;
}
inline std::string interval_en(double m, double lo, double hi, const std::string& unit, bool diff) {
    auto f = [&](double x, bool u) { return diff ? diff_en(x, unit, u) : value_en(x, unit); };
    if (std::isnan(m) || std::isnan(lo) || std::isnan(hi) || (lo == m && hi == m)) return f(m, true);
    return f(m, true) + " [" + f(lo, false) + ", " + f(hi, false) + "]";
}

// The series of a timeseries.csv, in order of appearance.
inline std::vector<std::string> series_names(const fs::path& timeseries) {
    std::vector<std::string> names;
    const auto rows = read_csv(timeseries);
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (std::find(names.begin(), names.end(), rows[i][2]) == names.end()) names.push_back(rows[i][2]);
    return names;
}

// Every chart is an <svg role="img"> whose aria-labelledby names a non-empty
// <title> and <desc> inside it.
inline void check_charts(const std::string& html, std::size_t expected) {
    // A series whose scenarios differ tenfold is drawn once per scenario (small multiples).
    CHECK(count(html, "<svg") >= expected);
    CHECK(count(html, "<figure") == count(html, "<svg"));
    for (std::size_t p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) {
        const std::string svg = html.substr(p, html.find("</svg>", p) - p);
        CHECK(svg.find("role=\"img\"") != std::string::npos);
        const std::size_t a = svg.find("aria-labelledby=\"");
        REQUIRE(a != std::string::npos);
        const std::string ids = svg.substr(a + 17, svg.find('"', a + 17) - a - 17);
        const std::string title_id = ids.substr(0, ids.find(' ')), desc_id = ids.substr(ids.find(' ') + 1);
        // Named copies, not structured bindings: clang 14 cannot capture
        // those in the lambdas the doctest macros expand to.
        for (const auto& tag_id : {std::pair{std::string("title"), title_id}, {std::string("desc"), desc_id}}) {
            const std::string& tag = tag_id.first;
            const std::string& id = tag_id.second;
            const std::string open = "<" + tag + " id=\"" + id + "\">";
            const std::size_t t = svg.find(open);
            REQUIRE_MESSAGE(t != std::string::npos, "chart without <" << tag << ">: " << svg.substr(0, 200));
            const std::size_t e = svg.find("</" + tag + ">", t);
            CHECK(e > t + open.size() + 10);  // says something
        }
    }
}


// The baseline, scenario and difference intervals of a comparison row, as
// the report writes them; `col` finds a column by name.
template <class Col>
std::array<std::string, 3> row_intervals(const std::vector<std::string>& row, Col col, const std::string& unit) {
    auto iv = [&](const char* mean, const char* low, const char* high, bool diff) {
        return interval_en(num(row[col(mean)]), num(row[col(low)]), num(row[col(high)]), unit, diff);
    };
    return {iv("baseline_mean", "baseline_ci_low", "baseline_ci_high", false),
            iv("scenario_mean", "scenario_ci_low", "scenario_ci_high", false),
            iv("diff_mean", "diff_ci_low", "diff_ci_high", true)};
}

}  // namespace caseload::report_test
