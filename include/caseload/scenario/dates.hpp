#pragma once
// Calendar dates as days since 1970-01-01 (proleptic Gregorian), for start
// dates and for times given as dates (`at: 2027-03-01`).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace caseload::scenario {

// "YYYY-MM-DD" -> days since 1970-01-01; nullopt when it is not a valid date.
[[nodiscard]] inline std::optional<std::int64_t> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
    for (int k = 0; k < 3; ++k)
        for (std::size_t i = 0; i < lengths[k]; ++i) {
            const char c = s[starts[k] + i];
            if (c < '0' || c > '9') return std::nullopt;
            parts[k] = parts[k] * 10 + (c - '0');
        }
    const std::chrono::year_month_day ymd{std::chrono::year{parts[0]}, std::chrono::month{unsigned(parts[1])},
                                          std::chrono::day{unsigned(parts[2])}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

// Looks like a date (digits and dashes in the YYYY-MM-DD pattern), valid or not.
[[nodiscard]] inline bool looks_like_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    return true;
}

// Days since 1970-01-01 -> "YYYY-MM-DD".
[[nodiscard]] inline std::string format_date(std::int64_t days) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return buf;
}

// Days from `start` to the same day of the month `months` months later (the
// last day of a shorter month).
[[nodiscard]] inline std::int64_t days_in_months(std::int64_t start, int months) {
    using namespace std::chrono;
    const year_month_day from{sys_days{days{start}}};
    year_month_day to = from + std::chrono::months{months};
    if (!to.ok()) to = year_month_day{year_month_day_last{to.year(), month_day_last{to.month()}}};
    return (sys_days{to} - sys_days{from}).count();
}

// A period length that is a whole number of months (1y = 12), else 0.
[[nodiscard]] inline int whole_months(double days) {
    const double months = days / (365.25 / 12.0);
    const double rounded = static_cast<double>(static_cast<long long>(months + 0.5));
    return rounded >= 1 && rounded <= 1200 && months - rounded < 1e-9 && rounded - months < 1e-9 ? int(rounded) : 0;
}

// The date `day` days after `start` (rounded down to whole days).
[[nodiscard]] inline std::string date_after(std::int64_t start, double day) {
    return format_date(start + static_cast<std::int64_t>(day >= 0 ? day : day - 1));
}

}  // namespace caseload::scenario
