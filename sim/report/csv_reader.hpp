#pragma once
// Reading back the CSV files the program writes: a header row, then records;
// fields quoted when they hold a comma, quote or line break (RFC 4180).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace caseload::report::detail {

class CsvTable {
public:
    // Parse `text`; `label` names the file in messages. Throws
    // ReportInputError on an unterminated quote or a record whose field count
    // differs from the header's.
    CsvTable(std::string_view text, std::string label);

    [[nodiscard]] std::size_t size() const { return rows_.size(); }
    [[nodiscard]] const std::string& label() const { return label_; }
    // Index of a column; throws ReportInputError naming the file when absent.
    [[nodiscard]] std::size_t column(std::string_view name) const;
    [[nodiscard]] bool has_column(std::string_view name) const;

    [[nodiscard]] const std::string& text(std::size_t row, std::size_t col) const { return rows_[row].fields[col]; }
    // A number as output.hpp writes it (shortest round trip; NA, Inf, -Inf).
    [[nodiscard]] double number(std::size_t row, std::size_t col) const;
    [[nodiscard]] long long integer(std::size_t row, std::size_t col) const;
    [[nodiscard]] bool boolean(std::size_t row, std::size_t col) const;  // true / false

private:
    struct Row {
        std::vector<std::string> fields;
        std::size_t line = 0;  // 1-based line where the record starts
    };
    [[noreturn]] void fail(std::size_t row, std::size_t col, const std::string& what) const;

    std::string label_;
    std::vector<std::string> header_;
    std::vector<Row> rows_;
};

}  // namespace caseload::report::detail
