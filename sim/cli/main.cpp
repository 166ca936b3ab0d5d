#include "caseload/cli/cli.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace {

// Set by the first Ctrl-C (or SIGTERM from a batch system): the run stops
// after the replications in progress and writes nothing. The handler resets
// itself, so a second Ctrl-C ends the program at once.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the stop flag must be safe to set in a signal handler");

extern "C" void on_stop_signal(int) {
    g_stop.store(true);
    static const char msg[] = "\ncaseload: stopping after the replications in progress (Ctrl-C again to quit at once)\n";
    const ssize_t n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)n;
}

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

// Standard output, buffered here and written with write(2), so that a failed
// write is seen with its reason: the data stays buffered and every later
// flush tries again and fails with the same errno (ENOSPC, EFBIG, EPIPE),
// which the command reports as "cannot write stdout: <reason>".
class StdoutBuf : public std::streambuf {
public:
    StdoutBuf() { setp(buf_.data(), buf_.data() + buf_.size()); }
    StdoutBuf(const StdoutBuf&) = delete;
    StdoutBuf& operator=(const StdoutBuf&) = delete;
    ~StdoutBuf() override { (void)drain(); }

protected:
    int_type overflow(int_type ch) override {
        if (drain() != 0) return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    int sync() override { return drain(); }

private:
    int drain() {
        const char* p = pbase();
        while (p < pptr()) {
            const ssize_t n = ::write(STDOUT_FILENO, p, std::size_t(pptr() - p));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                if (n == 0) errno = EIO;
                // Keep what was not written at the start of the buffer, for the next try.
                const std::size_t rest = std::size_t(pptr() - p);
                std::char_traits<char>::move(buf_.data(), p, rest);
                setp(buf_.data(), buf_.data() + buf_.size());
                pbump(int(rest));
                return -1;
            }
            p += n;
        }
        setp(buf_.data(), buf_.data() + buf_.size());
        return 0;
    }
    std::array<char, 1 << 16> buf_{};
};

}  // namespace

int main(int argc, char** argv) {
    install_stop_handlers();
    const char* term = std::getenv("TERM");
    const bool terminal = ::isatty(STDERR_FILENO) && !(term && std::string(term) == "dumb");
    StdoutBuf out_buf;
    const auto out_text = caseload::cli::printable_buffer(&out_buf, "\n\t");
    std::ostream out(out_text.get());
    const auto err_text = caseload::cli::printable_buffer(std::cerr.rdbuf(), "\n\t\r");  // \r: the progress bar
    std::ostream err(err_text.get());
    err.setf(std::ios::unitbuf);  // as std::cerr: every message out at once
    return caseload::cli::run(argc, argv, {out, err, terminal, &g_stop});
}
