#pragma once
// A small JSON reader for metadata.json: objects, arrays, strings (with
// escapes), numbers, true/false/null. Enough to read back what the program
// writes; not a general-purpose library.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace caseload::report::detail {

struct Json {
    enum class Kind { null, boolean, number, string, array, object };
    Kind kind = Kind::null;
    bool boolean = false;
    std::string text;  // a string's value, or a number as written
    std::vector<Json> items;                         // array
    std::vector<std::pair<std::string, Json>> members;  // object, in file order

    // The member `key` of an object, or nullptr.
    [[nodiscard]] const Json* find(std::string_view key) const;
};

// Parse `text`; `label` names it in messages. Throws ReportInputError.
[[nodiscard]] Json parse_json(std::string_view text, const std::string& label);

}  // namespace caseload::report::detail
