#pragma once
// How every YAML file the program reads is read and parsed: capped in size
// (kMaxYamlBytes), checked to be text a person could have typed (UTF-8, no
// control characters), and parsed as exactly one document, with yaml-cpp's
// endless loops on some malformed inputs stopped. Every failure is a located
// ScenarioError. Also the small words every message of the loader shares.
// Internal to the scenario library.

#include "caseload/scenario/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace caseload::scenario::detail {

// The errors of one file, collected so that reading goes on after a bad
// value: `attempt` runs a step and keeps what it throws (up to
// kMaxErrorsPerFile, the rest counted), `finish` throws them together in
// the file's order. The scenario, compare and sweep readers share it.
class ErrorList {
public:
    explicit ErrorList(std::string file) : file_(std::move(file)) {}
    template <class F>
    void attempt(F&& f) {
        try {
            f();
        } catch (const ScenarioError& e) {
            record(e);
        }
    }
    void record(const ScenarioError& e);
    // Throws the errors recorded, if any: one as itself, several together.
    void finish();

private:
    std::string file_;
    std::vector<ScenarioError> errors_;
    std::size_t not_listed_ = 0;  // errors beyond kMaxErrorsPerFile
};

// The text of `file`, at most kMaxYamlBytes of it.
[[nodiscard]] std::string read_yaml_text(const std::filesystem::path& file);

// `text` (named `label` in messages) checked and parsed.
[[nodiscard]] YAML::Node parse_yaml_text(const std::string& text, const std::string& label);

// A file's text, at most `limit` bytes of it (a device such as /dev/zero
// never ends). Errors are located at `where` when given.
[[nodiscard]] std::string read_file(const std::filesystem::path& file, const Location* where,
                                    std::size_t limit = kMaxYamlBytes);
// Check that `file`, named at `where`, is a file one can read; `what` says
// what it is for.
void check_named_file(const std::filesystem::path& file, const Location& where, const std::string& key_path,
                      const std::string& what);
// Text a person could have typed: valid UTF-8 without control characters
// other than tab, newline and carriage return.
void check_text(const std::string& text, const std::string& label);
// Parsed as one YAML document (check_text first).
[[nodiscard]] YAML::Node parse_yaml(const std::string& text, const std::string& label);
// A whole number as the files write it (digits with an optional sign, a
// leading '+' allowed), read into `v`; otherwise why not.
enum class WholeNumber { ok, not_a_number, out_of_range };
[[nodiscard]] WholeNumber read_whole_number(const std::string& s, std::int64_t& v);
// Line and column (1-based) of byte `pos` in `text`.
[[nodiscard]] Location location_of(const std::string& text, std::size_t pos, const std::string& label);

// "a, b, c": lists of keys and values in messages.
[[nodiscard]] std::string join(const std::vector<std::string>& words);
// "parent.key", or "key" at the top.
[[nodiscard]] std::string child_path(const std::string& parent, const std::string& key);
// What a node holds, in words, for "found ..." in messages.
[[nodiscard]] std::string describe(const YAML::Node& n);
// The shortest text that reads back as `v`.
[[nodiscard]] std::string format_number(double v);
// A limit in days as people read it: in years when a whole number of years (1000y), else in days (30d).
[[nodiscard]] std::string days_text(double days);

}  // namespace caseload::scenario::detail
