#include "report/csv_reader.hpp"

#include "caseload/report/report.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace caseload::report::detail {

CsvTable::CsvTable(std::string_view text, std::string label) : label_(std::move(label)) {
    std::vector<std::string> record;
    std::string field;
    std::size_t line = 1, record_line = 1;
    bool quoted = false, field_started = false, any = false;
    bool was_quoted = false;  // the field began with a quote
    // csv_field writes text a spreadsheet would evaluate quoted with a leading apostrophe.
    auto end_field = [&] {
        if (was_quoted && !field.empty() && field.front() == '\'') field.erase(0, 1);
        was_quoted = false;
        record.push_back(std::move(field));
    };
    auto end_record = [&] {
        end_field();
        field.clear();
        if (header_.empty()) {
            header_ = std::move(record);
        } else {
            if (record.size() != header_.size())
                throw ReportInputError(label_ + ":" + std::to_string(record_line) + ": " +
                                       std::to_string(record.size()) + " fields, expected " +
                                       std::to_string(header_.size()) + " as in the header");
            rows_.push_back({std::move(record), record_line});
        }
        record.clear();
        any = false;
        field_started = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (!any) record_line = line;
        any = true;
        if (c == '"' && !field_started) {
            quoted = true;
            was_quoted = true;
            field_started = true;
        } else if (c == ',') {
            end_field();
            field.clear();
            field_started = false;
        } else if (c == '\n') {
            end_record();
            ++line;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            // CRLF: the '\n' ends the record
        } else {
            field += c;
            field_started = true;
        }
    }
    if (quoted) throw ReportInputError(label_ + ":" + std::to_string(record_line) + ": a quoted field is not closed");
    if (any) end_record();  // no final line break
    if (header_.empty()) throw ReportInputError(label_ + ": the file is empty; expected a header row");
}

bool CsvTable::has_column(std::string_view name) const {
    for (const auto& h : header_)
        if (h == name) return true;
    return false;
}

std::size_t CsvTable::column(std::string_view name) const {
    for (std::size_t i = 0; i < header_.size(); ++i)
        if (header_[i] == name) return i;
    throw ReportInputError(label_ + ": no column '" + std::string(name) + "'");
}

void CsvTable::fail(std::size_t row, std::size_t col, const std::string& what) const {
    throw ReportInputError(label_ + ":" + std::to_string(rows_[row].line) + ": column " + header_[col] + ": '" +
                           rows_[row].fields[col] + "' is not " + what);
}

double CsvTable::number(std::size_t row, std::size_t col) const {
    const std::string& s = text(row, col);
    if (s == "NA") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Inf") return std::numeric_limits<double>::infinity();
    if (s == "-Inf") return -std::numeric_limits<double>::infinity();
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) fail(row, col, "a number");
    return v;
}

long long CsvTable::integer(std::size_t row, std::size_t col) const {
    const std::string& s = text(row, col);
    long long v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) fail(row, col, "a whole number");
    return v;
}

bool CsvTable::boolean(std::size_t row, std::size_t col) const {
    const std::string& s = text(row, col);
    if (s == "true") return true;
    if (s == "false") return false;
    fail(row, col, "true or false");
}

}  // namespace caseload::report::detail
