#pragma once
// The language of everything a person reads: the terminal tables,
// comparison.md, report.md, report.html and the warnings. CSV files stay in
// English (their column names and words are stable).

#include <optional>
#include <string_view>

namespace caseload::report {

enum class Language { en, nl };
// "en" or "nl"; nullopt for anything else.
[[nodiscard]] std::optional<Language> parse_language(std::string_view code);

}  // namespace caseload::report
