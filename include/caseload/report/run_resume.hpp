#pragma once
// The replications of a stopped `run` or `compare`, kept so that --resume
// runs only the rest. They live in a hidden folder beside the results folder,
// ".<name>.run-partial": a manifest naming the run and a journal that finished
// replications are appended to in batches; the results folder itself is
// written only when every replication is in.
//
// What is durable when: a background thread appends and syncs (fdatasync)
// the pending replications once 64 have gathered, 16 MiB of them, or the
// oldest has waited a second, whichever comes first. A stop by Ctrl-C or
// SIGTERM writes and syncs every finished replication before the program
// exits. A kill or a power loss loses the replications in progress and those
// finished but not yet synced: at most 64, none that finished more than about
// a second (plus the time of one sync) before. A record cut short by the kill
// is recognised (length and checksum) and dropped on --resume, with the rest
// of the journal after it.

#include "caseload/model/model.hpp"
#include "caseload/scenario/scenario.hpp"
#include "caseload/scenario/input_error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
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

// A replication as a journal record's payload: the same fields in binary,
// bit for bit (written and read on one machine or a cluster of its kind);
// of each weekly sample only the fields that changed since the sample before.
[[nodiscard]] std::string replication_bytes(const model::ReplicationResult& r);
// Empty when the bytes are not one (cut short, with bytes after the end, or
// not as replication_bytes writes them).
[[nodiscard]] std::optional<model::ReplicationResult> parse_replication_bytes(std::string_view bytes);

// The replications kept in the hidden folder `staging` (whole journal
// records and files of earlier versions), for tests and tools.
[[nodiscard]] std::size_t count_kept(const std::filesystem::path& staging);

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

    // Per scenario, by replication index: 1 for those a stopped run finished
    // (RunOptions::Resumed::done).
    [[nodiscard]] const std::vector<std::vector<char>>& done() const { return done_; }
    // One of them, read back from the journal (RunOptions::Resumed::load):
    // only where each record starts is held, not the records. Throws
    // OutputError when it cannot be read back as it was checked on opening.
    [[nodiscard]] model::ReplicationResult load(std::size_t scenario, std::uint32_t replication) const;
    [[nodiscard]] std::size_t count() const { return count_; }
    // A stopped run's replications were found and are continued.
    [[nodiscard]] bool resuming() const { return resuming_; }
    // Keep one finished replication: queued for the journal, durable within
    // about a second (see above). Safe to call from several threads at once.
    // Throws OutputError when an earlier batch could not be written.
    void save(std::size_t scenario, const model::ReplicationResult& r);
    // The run was stopped: write and sync every queued replication and keep
    // them for --resume. Throws OutputError when they cannot be written.
    void keep();
    // The results folder is in place: the kept replications are not needed.
    void remove();

    [[nodiscard]] const std::filesystem::path& staging() const { return staging_; }
    // What --resume found damaged or could not verify and runs again, for people.
    [[nodiscard]] const std::vector<std::string>& notices() const { return notices_; }

private:
    class Journal;
    // A file descriptor closed with its owner. lock_: an exclusive lock
    // (flock) on a file in the hidden folder, held while this process runs:
    // a second run into the same folder is refused while this one is alive,
    // with or without --force or --resume.
    struct Fd {
        int fd = -1;
        Fd() = default;
        Fd(const Fd&) = delete;
        Fd& operator=(const Fd&) = delete;
        ~Fd();
    };
    void lock(const std::filesystem::path& dir);
    std::filesystem::path staging_;
    Fd lock_;
    Fd reader_;  // the journal, for load()
    std::unique_ptr<Journal> journal_;
    std::vector<std::vector<char>> done_;
    struct Record {
        std::uint64_t at = 0;     // where it starts in the journal
        std::uint64_t bytes = 0;  // its payload's length
    };
    std::vector<std::vector<Record>> records_;  // of those done
    std::vector<std::string> notices_;
    std::size_t count_ = 0;
    bool resuming_ = false;
    bool keep_ = false;
};

}  // namespace caseload::report
