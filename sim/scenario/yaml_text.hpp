#pragma once
// How every YAML file the program reads is read and parsed: capped in size
// (kMaxYamlBytes), checked to be text a person could have typed (UTF-8, no
// control characters), and parsed as exactly one document, with yaml-cpp's
// endless loops on some malformed inputs stopped. Every failure is a located
// ScenarioError. Internal to the scenario library.

#include "caseload/scenario/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <vector>

namespace caseload::scenario::detail {

// The text of `file`, at most kMaxYamlBytes of it.
[[nodiscard]] std::string read_yaml_text(const std::filesystem::path& file);

// `text` (named `label` in messages) checked and parsed.
[[nodiscard]] YAML::Node parse_yaml_text(const std::string& text, const std::string& label);

// "a, b, c": lists of keys and values in messages.
[[nodiscard]] std::string join(const std::vector<std::string>& words);

}  // namespace caseload::scenario::detail
