#pragma once
// Files of a run handed to the browser: only plain files the server lists
// itself in the run's folder (a name from a request is looked up, never
// joined to a path), and the results folder as a zip made by the zip tool.

#include <httplib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace caseload::serve {

// The plain, visible files of a results folder, sorted.
[[nodiscard]] std::vector<std::string> result_files(const std::filesystem::path& dir);
// The job folder's results/ as a zip (made once, atomically, with the Debian
// `zip` tool); nullopt when it cannot be made.
[[nodiscard]] std::optional<std::filesystem::path> results_zip(const std::filesystem::path& job_dir);
[[nodiscard]] std::string read_text(const std::filesystem::path& file);
// The file as a download named `name`, with a content type by its extension.
void send_file(httplib::Response& res, const std::filesystem::path& file, const std::string& name);

}  // namespace caseload::serve
