#include "jobs.hpp"

#include "caseload/report/output.hpp"
#include "caseload/report/run_resume.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>

namespace caseload::serve {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kResults = "results";

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<JobState> parse_state(const std::string& s) {
    for (JobState st : {JobState::queued, JobState::running, JobState::done, JobState::stopped, JobState::failed})
        if (s == state_name(st)) return st;
    return std::nullopt;
}

std::string slurp(const fs::path& p, std::size_t from = 0) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return {};
    in.seekg(std::streamoff(from));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t file_size_or_zero(const fs::path& p) {
    std::error_code ec;
    const auto n = fs::file_size(p, ec);
    return ec ? 0 : std::size_t(n);
}

// The replications a run into `dir` has kept so far (0 when none, or while unreadable).
std::size_t kept(const fs::path& dir) {
    try {
        return report::count_kept(report::run_staging(dir / kResults));
    } catch (const std::exception&) {
        return 0;
    }
}

// The child's last "error: ..." line (without the prefix), or its last line.
std::string error_line(const std::string& log) {
    std::istringstream in(log);
    std::string line, last, err;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        last = line;
        if (line.rfind("error: ", 0) == 0) err = line.substr(7);
    }
    return err.empty() ? last : err;
}

// An earlier child of this job still alive (a server that died a moment ago):
// its working folder is the job's.
bool alive_in(pid_t pid, const fs::path& dir) {
    if (pid <= 0 || ::kill(pid, 0) != 0) return false;
    std::error_code ec;
    const fs::path cwd = fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
    return !ec && fs::equivalent(cwd, dir, ec);
}

}  // namespace

const char* state_name(JobState s) {
    switch (s) {
        case JobState::queued: return "queued";
        case JobState::running: return "running";
        case JobState::done: return "done";
        case JobState::stopped: return "stopped";
        case JobState::failed: return "failed";
    }
    return "failed";
}

bool is_job_id(std::string_view id) {
    if (id.size() < 8 || id.size() > 40) return false;
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'; });
}

std::string new_job_id() {
    static std::mutex m;
    static std::mt19937_64 gen{std::random_device{}()};
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    std::uint64_t r;
    {
        std::lock_guard lock(m);
        r = gen();
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(r));
    return std::string(stamp) + "-" + std::string(hex, 10);
}

JobQueue::JobQueue(Options options, std::ostream& log) : options_(std::move(options)), log_(log) {
    fs::create_directories(options_.workspace / "jobs");
}

JobQueue::~JobQueue() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto& [id, job] : jobs_)
            if (job.state == JobState::running && job.pid > 0) ::kill(job.pid, SIGTERM);
    }
    cv_.notify_all();
    for (auto& t : runners_) t.join();
}

fs::path JobQueue::job_dir(const std::string& id) const { return options_.workspace / "jobs" / id; }

void JobQueue::save(const Job& j) const {
    json o = {{"id", j.id},         {"title", j.title},     {"description", j.description},
              {"lang", j.lang},     {"state", state_name(j.state)}, {"files", j.files},
              {"total", j.total},   {"done", j.done},       {"created", j.created},
              {"started", j.started}, {"finished", j.finished}, {"message", j.message},
              {"pid", j.pid}};
    report::write_file_atomic(job_dir(j.id) / "job.json", o.dump(2) + "\n");
}

void JobQueue::start() {
    std::vector<Job> resumed;
    {
        std::lock_guard lock(mutex_);
        std::error_code ec;
        for (fs::directory_iterator it(options_.workspace / "jobs", ec), end; !ec && it != end; it.increment(ec)) {
            const std::string id = it->path().filename().string();
            if (!is_job_id(id)) continue;
            try {
                const json o = json::parse(slurp(it->path() / "job.json"));
                Job j;
                j.id = id;
                j.title = o.value("title", "");
                j.description = o.value("description", "");
                j.lang = o.value("lang", "en");
                j.state = parse_state(o.value("state", "failed")).value_or(JobState::failed);
                j.files = o.value("files", std::vector<std::string>{});
                j.total = o.value("total", std::size_t(0));
                j.done = o.value("done", std::size_t(0));
                j.created = o.value("created", std::int64_t(0));
                j.started = o.value("started", std::int64_t(0));
                j.finished = o.value("finished", std::int64_t(0));
                j.message = o.value("message", "");
                j.pid = o.value("pid", 0);
                if (j.state == JobState::queued || j.state == JobState::running) {
                    if (fs::exists(it->path() / kResults / "report.html", ec)) {
                        j.state = JobState::done;  // it finished as the server died
                        j.done = j.total;
                    } else {
                        j.done = kept(it->path());
                        if (j.state == JobState::running)
                            j.message = "continued after the server restarted";
                        j.state = JobState::queued;
                        resumed.push_back(j);
                    }
                    save(j);
                }
                jobs_[id] = std::move(j);
            } catch (const std::exception& e) {
                log_ << "serve: skipping " << it->path().string() << ": " << e.what() << "\n";
            }
        }
        std::sort(resumed.begin(), resumed.end(), [](const Job& a, const Job& b) {
            return a.created != b.created ? a.created < b.created : a.id < b.id;
        });
        for (const Job& j : resumed) waiting_.push_back(j.id);
        if (!resumed.empty()) log_ << "serve: " << resumed.size() << " unfinished run(s) queued again\n";
        for (unsigned i = 0; i < std::max(1u, options_.parallel); ++i) runners_.emplace_back([this] { runner(); });
    }
    cv_.notify_all();
}

std::optional<Submitted> JobQueue::submit(const std::vector<std::pair<std::string, std::string>>& files,
                                          const std::string& title, const std::string& description,
                                          const std::string& lang, std::size_t total) {
    std::unique_lock lock(mutex_);
    if (waiting_.size() >= options_.max_waiting) return std::nullopt;
    Job j;
    j.id = new_job_id();
    while (jobs_.count(j.id)) j.id = new_job_id();
    j.title = title;
    j.description = description;
    j.lang = lang;
    j.total = total;
    j.created = now_seconds();
    const fs::path dir = job_dir(j.id);
    fs::create_directories(dir);
    for (const auto& [name, text] : files) {
        report::write_file_atomic(dir / name, text);
        j.files.push_back(name);
    }
    save(j);
    jobs_[j.id] = j;
    waiting_.push_back(j.id);
    Submitted s{j.id, waiting_.size()};
    lock.unlock();
    cv_.notify_one();
    return s;
}

bool JobQueue::cancel(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return false;
    Job& j = it->second;
    if (j.state == JobState::queued) {
        waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), id), waiting_.end());
        j.state = JobState::stopped;
        j.message = "cancelled before it started";
        j.finished = now_seconds();
        save(j);
        return true;
    }
    if (j.state == JobState::running) {
        j.cancel = true;
        if (j.pid > 0) ::kill(j.pid, SIGTERM);  // the stop path of Ctrl-C: finished replications are kept
        return true;
    }
    return false;
}

bool JobQueue::resume(const std::string& id) {
    std::unique_lock lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.state != JobState::stopped) return false;
    if (waiting_.size() >= options_.max_waiting) return false;
    it->second.state = JobState::queued;
    it->second.message.clear();
    save(it->second);
    waiting_.push_back(id);
    lock.unlock();
    cv_.notify_one();
    return true;
}

std::optional<Job> JobQueue::get(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    return it->second;
}

std::size_t JobQueue::position(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = std::find(waiting_.begin(), waiting_.end(), id);
    return it == waiting_.end() ? 0 : std::size_t(it - waiting_.begin()) + 1;
}

std::vector<Job> JobQueue::all() const {
    std::lock_guard lock(mutex_);
    std::vector<Job> v;
    for (const auto& [id, j] : jobs_) v.push_back(j);
    std::sort(v.begin(), v.end(), [](const Job& a, const Job& b) {
        return a.created != b.created ? a.created > b.created : a.id > b.id;
    });
    return v;
}

std::size_t JobQueue::waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_.size();
}

void JobQueue::runner() {
    for (;;) {
        std::string id;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
            if (stopping_) return;
            id = waiting_.front();
            waiting_.pop_front();
        }
        try {
            run_one(id);
        } catch (const std::exception& e) {
            std::lock_guard lock(mutex_);
            Job& j = jobs_[id];
            j.state = JobState::failed;
            j.message = e.what();
            j.pid = 0;
            try {
                save(j);
            } catch (const std::exception&) {
            }
            log_ << "serve: run " << id << " failed: " << e.what() << "\n";
        }
    }
}

pid_t JobQueue::spawn(const Job& j) {
    const fs::path dir = job_dir(j.id);
    std::vector<std::string> args{options_.executable.string(), j.files.size() > 1 ? "compare" : "run"};
    for (const auto& f : j.files) args.push_back(f);
    for (const char* a : {"--out", kResults, "--resume", "--lang"}) args.emplace_back(a);
    args.push_back(j.lang);
    args.emplace_back("--threads");
    args.push_back(std::to_string(options_.threads));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string out = (dir / "out.txt").string(), err = (dir / "log.txt").string();
    const pid_t parent = ::getpid();
    const long open_max = ::sysconf(_SC_OPEN_MAX);
    const int last_fd = open_max > 0 && open_max < (1 << 20) ? int(open_max) : 1024;
    // A cancel may come the moment the child exists. Until exec the child has
    // the server's own stop handler, which would take the SIGTERM and lose it
    // (the run would then go on to the end): the stop signals are held back
    // across fork, and let through in the child once they do what they should.
    sigset_t stops, before;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &stops, &before);
    const pid_t pid = ::fork();
    if (pid == 0) {  // the child: async-signal-safe calls only until exec
        // Ended by a cancel from here to the run's own stop handling: the
        // server counts that as stopped, with nothing lost.
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        ::sigprocmask(SIG_SETMASK, &before, nullptr);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // the server died: stop as on Ctrl-C, keeping replications
        if (::getppid() != parent) ::_exit(130);
        if (::chdir(dir.c_str()) != 0) ::_exit(126);
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        const int n = ::open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || n < 0) ::_exit(126);
        ::dup2(n, STDIN_FILENO);
        ::dup2(o, STDOUT_FILENO);
        ::dup2(e, STDERR_FILENO);
        // The server's sockets stay with the server: a restarted one must be able to listen again.
        // close_range came with Linux 5.9; on an older kernel each descriptor is closed in turn.
        if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
            for (int fd = 3; fd < last_fd; ++fd) ::close(fd);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
    if (pid < 0) throw std::runtime_error("cannot start a run: fork failed");
    return pid;
}

void JobQueue::run_one(const std::string& id) {
    const fs::path dir = job_dir(id);
    Job job;
    {
        std::lock_guard lock(mutex_);
        job = jobs_.at(id);
    }
    // A child of a server that died a moment ago still saves its replications: let it finish.
    for (int i = 0; i < 600 && alive_in(job.pid, dir); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::size_t log_from = file_size_or_zero(dir / "log.txt");
    const auto t0 = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        Job& j = jobs_.at(id);
        // Cancelled between leaving the queue and starting: it stays stopped and does not run.
        if (j.state != JobState::queued) return;
        j.state = JobState::running;
        j.started = now_seconds();
        j.done = kept(dir);
        j.done_at_start = j.done;
        j.rate = 0;
        j.cancel = false;
        j.pid = spawn(j);
        save(j);
        job = j;
        log_ << "serve: run " << id << " started (pid " << j.pid << ")\n";
    }
    int status = 0;
    for (;;) {
        const pid_t w = ::waitpid(job.pid, &status, WNOHANG);
        if (w == job.pid) break;
        if (w < 0) {
            status = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const std::size_t done = kept(dir);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::lock_guard lock(mutex_);
        Job& j = jobs_.at(id);
        j.done = std::max(j.done, done);
        if (secs > 0.5 && j.done > j.done_at_start) j.rate = double(j.done - j.done_at_start) / secs;
    }
    const int code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::lock_guard lock(mutex_);
    Job& j = jobs_.at(id);
    j.pid = 0;
    std::error_code ec;
    if (code == 0 && fs::exists(dir / kResults / "report.html", ec)) {
        j.state = JobState::done;
        j.done = j.total;
        j.message.clear();
    } else if (stopping_ && !j.cancel) {
        // The server is stopping: left "running" on disk, continued at the next start.
        j.done = kept(dir);
        save(j);
        return;
    } else if (code == 130 || (j.cancel && status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)) {
        // Cancelled: stopped on the Ctrl-C path, or ended by the SIGTERM itself when it came before
        // the run had set up its stop handling (nothing was finished yet, so nothing is lost).
        j.state = JobState::stopped;
        j.done = kept(dir);
        j.message = j.cancel ? "cancelled" : "stopped";
    } else {
        j.state = JobState::failed;
        j.message = error_line(slurp(dir / "log.txt", log_from));
        if (j.message.empty()) j.message = "the run ended with exit code " + std::to_string(code);
    }
    j.finished = now_seconds();
    save(j);
    log_ << "serve: run " << id << " " << state_name(j.state) << "\n";
}

}  // namespace caseload::serve
