#pragma once
// What identifies a sweep: its manifest.csv (key,value rows: format, results
// version, name, sweep hash, design, points, replications, seed, metamodel,
// columns, shard), written when a sweep starts and compared on --resume and
// by merge; and the CSV line splitter the sweep files are read back with.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace caseload::report::detail {

inline constexpr const char* kFormat = "caseload-sweep-1";

// Split one CSV line (RFC 4180 quoting; no line breaks inside fields here).
[[nodiscard]] std::vector<std::string> split_csv(std::string_view line);

using Manifest = std::vector<std::pair<std::string, std::string>>;
// The key,value rows of a manifest; throws SweepInputError naming `file`
// when it is not one.
[[nodiscard]] Manifest parse_manifest(const std::string& text, const std::filesystem::path& file);
// A key's value ("" when the manifest has no such key).
[[nodiscard]] std::string manifest_value(const Manifest& m, const std::string& key);
// The results version a manifest names ("1" when it names none).
[[nodiscard]] std::string results_version(const Manifest& m);
// Why a kept sweep's manifest is not this sweep's, when the reason is its
// results version; "" otherwise (also when `kept` is not a manifest).
[[nodiscard]] std::string other_results(const std::string& kept, const std::string& now,
                                        const std::filesystem::path& file);

}  // namespace caseload::report::detail
