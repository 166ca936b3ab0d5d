#pragma once
// The pages of `caseload serve`, in English and Dutch: whole HTML documents
// (a stylesheet and one small script, both served by the server itself).
// Every text that comes from a user or a file goes through esc().

#include "jobs.hpp"
#include "plan_form.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace caseload::serve {

enum class Lang { en, nl };

// HTML-escaped (the report's html_escape), control characters shown as
// U+FFFD: user text can neither add markup nor hide in a page.
[[nodiscard]] std::string esc(std::string_view text);

struct LibraryEntry {
    std::string file;         // its file name in the library (what the start page sends back)
    std::string name;         // the scenario's name
    std::string description;  // the scenario's description
};

struct PlanView {
    std::string from;                          // where it started from, for people
    std::map<std::string, std::string> values; // field name -> text
    std::string yaml;                          // the advanced editor's text
    std::string preview;                       // the YAML the form stands for
    std::map<std::string, std::string> errors; // field name (or "yaml") -> message
};

[[nodiscard]] std::string start_page(const std::vector<LibraryEntry>& scenarios, const std::vector<LibraryEntry>& states,
                                     Lang lang);
[[nodiscard]] std::string plan_page(const std::vector<FormSection>& sections, const PlanView& view, Lang lang);
// The run's progress, or its results once done.
[[nodiscard]] std::string run_page(const Job& job, std::size_t position, const std::vector<std::string>& result_files,
                                   Lang lang);
[[nodiscard]] std::string history_page(const std::vector<Job>& jobs, Lang lang);
[[nodiscard]] std::string message_page(const std::string& title, const std::string& message, Lang lang);

// A run's state in words ("done", "klaar").
[[nodiscard]] const char* state_text(JobState state, Lang lang);

// "The server is busy: N runs are waiting already ..." (the refusal of a full queue).
[[nodiscard]] std::string busy_message(std::size_t waiting, Lang lang);
// "The server is busy: you are number N in the queue."
[[nodiscard]] std::string queue_message(std::size_t position, Lang lang);

[[nodiscard]] const char* stylesheet();
[[nodiscard]] const char* script();

}  // namespace caseload::serve
