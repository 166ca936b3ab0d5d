#pragma once
// Checksums of a finished sweep folder: written when a sweep (or a shard of
// one) finishes, in checksums.csv (file,fnv1a64: sweep.csv, summary.csv,
// design.csv), and verified by merge before it reads a shard, so that a shard
// cut short, damaged or edited after it finished is refused, never merged.

#include <filesystem>

namespace caseload::report::detail {

// Writes dir/checksums.csv of the files in `dir` (atomically).
void write_checksums(const std::filesystem::path& dir);
// Throws SweepInputError naming the file when one differs from its checksum,
// or when there is no checksums.csv.
void verify_checksums(const std::filesystem::path& dir);

}  // namespace caseload::report::detail
