#pragma once
// The runs of the server and their queue. Each run has a folder in the
// workspace, jobs/<id>/, named by an id the server makes (never by a user's
// text): job.json (its state, written atomically), the scenario files it
// runs, the child's messages (log.txt, out.txt) and results/, the results
// folder that `caseload run` / `caseload compare` writes there atomically.
//
// A run is the same command as on the command line, in a child process, with
// --resume always: a run stopped (cancel sends SIGTERM, the path of Ctrl-C)
// or cut short by a server that died keeps its finished replications, and
// the next start continues it. The child gets SIGTERM when the server dies
// (PR_SET_PDEATHSIG), so it saves what it finished before it exits.

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace caseload::serve {

enum class JobState { queued, running, done, stopped, failed };
[[nodiscard]] const char* state_name(JobState s);

struct Job {
    std::string id;
    std::string title;             // the scenario's name: user text, escaped wherever shown
    std::string description;       // the scenario's description: user text
    std::string lang = "en";
    JobState state = JobState::queued;
    std::vector<std::string> files;  // the scenario files in the job folder, baseline first (fixed names)
    std::size_t total = 0;           // replications of all scenarios
    std::size_t done = 0;            // replications kept so far
    std::int64_t created = 0;        // unix seconds
    std::int64_t started = 0, finished = 0;
    std::string message;             // why it failed or stopped (the child's error line)
    pid_t pid = 0;                   // the child while it runs
    bool cancel = false;             // a cancel was asked for
    // Progress of the present attempt, for the time left.
    std::size_t done_at_start = 0;
    double rate = 0;                 // replications a second in this attempt
};

// "20260101-120000-1a2b3c4d": digits, letters a-f and '-', made by the server.
[[nodiscard]] bool is_job_id(std::string_view id);
[[nodiscard]] std::string new_job_id();

// The outcome of submitting a run.
struct Submitted {
    std::string id;     // empty when refused
    std::size_t position = 0;  // 1 = next to run; 0 = runs now
};

class JobQueue {
public:
    struct Options {
        std::filesystem::path workspace;
        std::filesystem::path executable;
        std::size_t max_waiting = 8;
        unsigned parallel = 1;
        unsigned threads = 0;
    };
    JobQueue(Options options, std::ostream& log);
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;
    // Stops the runs in progress (SIGTERM: they keep their replications and
    // stay "running" on disk, so the next start continues them).
    ~JobQueue();

    // Reads the workspace: runs left queued or running by an earlier server
    // are queued again (continued), then the runners start.
    void start();

    // A new run of `files` (name -> YAML text, baseline first). Refused
    // (nullopt) when max_waiting runs are waiting already.
    [[nodiscard]] std::optional<Submitted> submit(const std::vector<std::pair<std::string, std::string>>& files,
                                                  const std::string& title, const std::string& description,
                                                  const std::string& lang, std::size_t total);
    // Cancel: a waiting run is stopped at once; a running one gets SIGTERM.
    bool cancel(const std::string& id);
    // Queue a stopped run again (it continues from its kept replications).
    bool resume(const std::string& id);

    [[nodiscard]] std::optional<Job> get(const std::string& id) const;
    // 1-based place among the waiting runs; 0 when not waiting.
    [[nodiscard]] std::size_t position(const std::string& id) const;
    [[nodiscard]] std::vector<Job> all() const;  // newest first
    [[nodiscard]] std::size_t waiting() const;
    [[nodiscard]] std::size_t max_waiting() const { return options_.max_waiting; }

    [[nodiscard]] std::filesystem::path job_dir(const std::string& id) const;

private:
    void runner();
    void run_one(const std::string& id);
    void save(const Job& job) const;  // job.json, atomically; caller holds mutex_
    pid_t spawn(const Job& job);

    Options options_;
    std::ostream& log_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, Job> jobs_;
    std::deque<std::string> waiting_;
    std::vector<std::thread> runners_;
    bool stopping_ = false;
};

}  // namespace caseload::serve
