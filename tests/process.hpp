#pragma once
// Run the real `caseload` executable from a test: in a folder, with an
// optional limit on file sizes, its stdout and stderr captured, its exit code
// or signal, its peak memory, and a time limit after which it is killed.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace caseload::test {

inline const char* const kExecutable = CASELOAD_EXE;

struct ProcessOptions {
    std::filesystem::path cwd;               // empty: the test's own
    std::optional<rlim_t> file_size_limit;   // RLIMIT_FSIZE, with SIGXFSZ ignored: writes past it fail (EFBIG)
    std::filesystem::path stdout_path;       // where its stdout goes (e.g. /dev/full); empty: captured
};

struct ProcessResult {
    int exit_code = -1;   // -1 when it did not exit normally
    int signal = 0;       // the signal that ended it, if any
    bool timed_out = false;
    long max_rss_kb = 0;  // peak resident memory
    std::string out, err;
};

// A started process; outputs go to files until it is waited for.
class Process {
public:
    Process(const std::vector<std::string>& args, const ProcessOptions& options = {}) {
        static int counter = 0;
        const auto base = std::filesystem::temp_directory_path() /
                          ("caseload_proc_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        out_ = base.string() + ".out";
        err_ = base.string() + ".err";
        std::vector<std::string> argv_s = args;
        argv_s.insert(argv_s.begin(), kExecutable);
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {  // the child: only async-signal-safe calls until exec
            if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(126);
            if (options.file_size_limit) {
                ::signal(SIGXFSZ, SIG_IGN);
                const rlimit lim{*options.file_size_limit, *options.file_size_limit};
                ::setrlimit(RLIMIT_FSIZE, &lim);
            }
            const char* out_path = options.stdout_path.empty() ? out_.c_str() : options.stdout_path.c_str();
            const int o = ::open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (o < 0 || e < 0) ::_exit(126);
            ::dup2(o, STDOUT_FILENO);
            ::dup2(e, STDERR_FILENO);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        std::error_code ec;
        std::filesystem::remove(out_, ec);
        std::filesystem::remove(err_, ec);
    }

    [[nodiscard]] pid_t pid() const { return pid_; }
    void signal(int sig) const { ::kill(pid_, sig); }
    // Waits until its stderr so far holds `text`, polling; false when it did
    // not within `timeout_seconds`. For a signal that must come after the
    // program got somewhere, however slow the machine (a sanitizer build
    // under load starts in seconds, not milliseconds).
    [[nodiscard]] bool wait_for_err(const std::string& text, double timeout_seconds = 60) const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
        while (std::chrono::steady_clock::now() < deadline) {
            if (slurp(err_).find(text) != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    // Wait for it to end, killing it after `timeout_seconds`.
    ProcessResult wait(double timeout_seconds = 120) {
        ProcessResult r;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
        int status = 0;
        rusage usage{};
        for (;;) {
            const pid_t w = ::wait4(pid_, &status, WNOHANG, &usage);
            if (w == pid_) break;
            if (w < 0) return r;
            if (std::chrono::steady_clock::now() > deadline) {
                r.timed_out = true;
                ::kill(pid_, SIGKILL);
                ::wait4(pid_, &status, 0, &usage);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        reaped_ = true;
        if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
        r.max_rss_kb = usage.ru_maxrss;
        r.out = slurp(out_);
        r.err = slurp(err_);
        return r;
    }

private:
    static std::string slurp(const std::string& p) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    pid_t pid_ = -1;
    bool reaped_ = false;
    std::string out_, err_;
};

inline ProcessResult run_process(const std::vector<std::string>& args, const ProcessOptions& options = {},
                                 double timeout_seconds = 120) {
    Process p(args, options);
    return p.wait(timeout_seconds);
}

// A fresh, empty folder for one test.
inline std::filesystem::path fresh_folder(const std::string& name) {
    const auto p = std::filesystem::temp_directory_path() / ("caseload_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p);
    return p;
}

// The names in a folder, hidden ones included.
inline std::vector<std::string> folder_names(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        names.push_back(it->path().filename().string());
    return names;
}

}  // namespace caseload::test
