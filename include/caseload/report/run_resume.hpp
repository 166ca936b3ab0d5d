#pragma once
// The replications of a stopped `run` or `compare`, kept so that --resume
// runs only the rest. They live in a hidden folder beside the results folder,
// ".<name>.run-partial", one file per replication, written as each finishes;
// the results folder itself is written only when every replication is in.

#include "caseload/model/model.hpp"
#include "caseload/scenario/scenario.hpp"
#include "caseload/scenario/input_error.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace caseload::report {

// --resume of replications that do not belong to this run, or a damaged
// file among them (bad input).
class ResumeError : public InputError {
public:
    explicit ResumeError(const std::string& message) : std::runtime_error(message) {}
};

// A replication as text that reads back to the same bits: hex floats, after
// a version line.
[[nodiscard]] std::string replication_text(const model::ReplicationResult& r);
// Throws ResumeError naming `where` when the text is not one.
[[nodiscard]] model::ReplicationResult parse_replication(const std::string& text, const std::string& where);

// The hidden folder the replications of a stopped run into `dir` are kept in.
[[nodiscard]] std::filesystem::path run_staging(const std::filesystem::path& dir);

class SavedReplications {
public:
    enum class Mode {
        fresh,   // refuse when a stopped run into the folder is kept
        force,   // drop a stopped run's replications
        resume,  // continue a stopped run; start one when there is none
    };
    // `yamls` are the resolved scenarios: with their seed and replications
    // they identify the run.
    SavedReplications(std::filesystem::path dir, const std::vector<scenario::Scenario>& scenarios,
                      const std::vector<std::string>& yamls, Mode mode);
    SavedReplications(const SavedReplications&) = delete;
    SavedReplications& operator=(const SavedReplications&) = delete;
    // A run that failed (e.g. a full disk) leaves nothing behind, unless it
    // was stopped or continues an earlier run: their replications are kept.
    ~SavedReplications();

    // Per scenario, by replication index: those a stopped run finished.
    [[nodiscard]] const std::vector<std::vector<std::optional<model::ReplicationResult>>>& saved() const {
        return saved_;
    }
    [[nodiscard]] std::size_t count() const { return count_; }
    // A stopped run's replications were found and are continued.
    [[nodiscard]] bool resuming() const { return resuming_; }
    // Keep one finished replication (atomically, in its own file). Safe to
    // call from several threads at once.
    void save(std::size_t scenario, const model::ReplicationResult& r) const;
    // The run was stopped: keep its replications for --resume.
    void keep() { keep_ = true; }
    // The results folder is in place: the kept replications are not needed.
    void remove();

    [[nodiscard]] const std::filesystem::path& staging() const { return staging_; }

private:
    std::filesystem::path staging_;
    std::vector<std::vector<std::optional<model::ReplicationResult>>> saved_;
    std::size_t count_ = 0;
    bool resuming_ = false;
    bool keep_ = false;
};

}  // namespace caseload::report
