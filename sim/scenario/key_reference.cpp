// The key reference: the key table as Markdown, one table per section, for
// the README's "Key reference" (`caseload schema --markdown`). A test keeps
// the README's copy equal to this text, so the documentation of a key is
// written once, in its row of the table.

#include "caseload/scenario/scenario.hpp"
#include "caseload/scenario/schema.hpp"
#include "yaml_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <sstream>

namespace caseload::scenario::schema {
namespace {

using K = Kind;
using detail::days_text;
using detail::format_number;

// "0 or more", "above 0", "1 to 100", "at most 5"; empty without limits.
std::string range_text(double lo, double hi, bool lo_exclusive, std::string (*show)(double)) {
    const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
    if (has_lo && has_hi && !lo_exclusive) return show(lo) + " to " + show(hi);
    std::string t;
    if (has_lo) t = lo_exclusive ? "above " + show(lo) : show(lo) + " or more";
    if (has_hi) t += (t.empty() ? "at most " : ", at most ") + show(hi);
    return t;
}

// A limit as people write it: 1000000, not 1e+06.
std::string plain(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(std::int64_t(v));
    return format_number(v);
}

// A key's default as the reference shows it: durations of whole years in years.
std::string shown_default(const Section& s, const Key& k) {
    std::string d = default_text(s, k);
    if (k.kind == K::duration && d.size() > 1 && d.back() == 'd') {
        double days = 0;
        const auto r = std::from_chars(d.data(), d.data() + d.size() - 1, days);
        if (r.ec == std::errc{} && r.ptr == d.data() + d.size() - 1) d = days_text(days);
    }
    return d;
}

std::string code_list(const std::vector<std::string_view>& words) {
    std::string t;
    for (const auto& w : words) t += (t.empty() ? "`" : ", `") + std::string(w) + "`";
    return t;
}

std::string with_range(const std::string& what, const std::string& range) {
    return range.empty() ? what : what + ", " + range;
}

// What a value of kind `kind` may be, in words.
std::string value_words(const Key& k, Kind kind) {
    std::string t;
    switch (kind) {
        case K::text: t = "text"; break;
        case K::file: t = "file name"; break;
        case K::number: t = with_range("number", range_text(k.min, k.max, k.min_exclusive, plain)); break;
        case K::integer: t = with_range("whole number", range_text(k.min, k.max, k.min_exclusive, plain)); break;
        case K::share: t = "share, 0 to 1"; break;
        case K::duration:
            t = with_range("duration", range_text(k.min, k.max, k.min_exclusive, days_text));
            if (k.date_ok) t += "; or a date once `initial.start_date` is set";
            break;
        case K::date: t = "date YYYY-MM-DD"; break;
        case K::choice: t = "one of " + code_list(k.choices); break;
        case K::distribution: t = "distribution (`distribution.*` below)"; break;
        case K::section: t = "section `" + std::string(k.ref) + "`"; break;
        case K::list:
            t = k.item == K::section ? "list of sections `" + std::string(k.ref) + "`"
                : k.item == K::file  ? std::string("list of file names")
                                     : "list of " + value_words(k, k.item);
            if (k.min_items > 0) t += ", at least " + std::to_string(k.min_items);
            break;
        case K::named:
            t = "names, each a " + (k.ref.empty() ? value_words(k, k.item) : "section `" + std::string(k.ref) + "`");
            break;
    }
    if (!k.or_word.empty()) t += "; or `" + std::string(k.or_word) + "`";
    if (!k.unit.empty() && kind != K::duration) t += " (" + std::string(k.unit) + ")";
    return t;
}

// A table cell: one line, '|' escaped.
std::string cell(std::string_view s) {
    std::string t;
    for (char c : s) {
        if (c == '|') t += "\\|";
        else if (c == '\n') t += ' ';
        else t += c;
    }
    return t;
}

std::string reference(const std::vector<Section>& sections, bool with_defaults) {
    std::ostringstream o;
    for (const auto& s : sections) {
        o << "#### `" << s.name << "`\n\n" << cell(s.description) << "\n\n";
        o << (with_defaults ? "| key | value | default | what it sets |\n|---|---|---|---|\n"
                            : "| key | value | what it sets |\n|---|---|---|\n");
        for (const auto& k : s.keys) {
            o << "| `" << k.name << "`" << (k.required ? " (required)" : "") << " | " << cell(value_words(k, k.kind));
            if (with_defaults) {
                const std::string d = shown_default(s, k);
                o << " | ";
                if (!d.empty()) o << '`' << cell(d) << '`';
            }
            o << " | " << cell(k.description) << " |\n";
        }
        if (!s.at_most_one.empty()) o << "\nAt most one of " << code_list(s.at_most_one) << ".\n";
        for (std::size_t i = 0; i < s.exactly_one_of.size(); ++i)
            o << (i == 0 ? "\nExactly one of: " : "; or ") << code_list(s.exactly_one_of[i]);
        if (!s.exactly_one_of.empty()) o << ".\n";
        o << "\n";
    }
    return o.str();
}

}  // namespace

std::string scenario_key_reference() { return reference(scenario_sections(), true); }

std::string compare_key_reference() { return reference(compare_sections(), false); }

}  // namespace caseload::scenario::schema
