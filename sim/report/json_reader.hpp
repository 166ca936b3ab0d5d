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

struct JsonMember;

struct Json {
    enum class Kind { null, boolean, number, string, array, object };
    Kind kind = Kind::null;
    bool boolean = false;
    std::string text;  // a string's value, or a number as written
    std::vector<Json> items;                         // array
    // An object's members, in file order. A named struct rather than
    // std::pair<std::string, Json>: pair's traits need Json complete, which
    // clang's checks reject inside Json's own definition.
    std::vector<JsonMember> members;

    // The member `key` of an object, or nullptr.
    [[nodiscard]] const Json* find(std::string_view key) const;
};

struct JsonMember {
    std::string key;
    Json value;
};

// Parse `text`; `label` names it in messages. Throws ReportInputError.
[[nodiscard]] Json parse_json(std::string_view text, const std::string& label);

}  // namespace caseload::report::detail
