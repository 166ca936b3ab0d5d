#pragma once
// The command line: parse, validate, run, write. Callable with a fake argv
// from tests. Exit codes: 0 ok, 1 the run failed (e.g. a write error),
// 2 bad input (usage, scenario file, a run over the limits), 130 interrupted.

#include <atomic>
#include <iosfwd>
#include <memory>
#include <streambuf>
#include <string_view>

namespace caseload::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 130;  // as a shell reports a process stopped by Ctrl-C

struct Streams {
    std::ostream& out;  // results
    std::ostream& err;  // progress, messages, errors
    bool err_is_terminal = false;  // progress bar only on a terminal
    // Set (e.g. by a SIGINT handler) to stop a run: no new replication starts,
    // nothing is written, and the command returns kExitInterrupted.
    std::atomic<bool>* stop = nullptr;
};

int run(int argc, const char* const* argv, const Streams& io);

// A stream buffer that hands what is written to `next` with control
// characters (but those in `keep`) shown as escapes (report::printable):
// main() puts one before stdout and stderr, so that text from a scenario file
// (a name "\e[31m") never reaches the terminal raw. Flushed when destroyed.
[[nodiscard]] std::unique_ptr<std::streambuf> printable_buffer(std::streambuf* next, std::string_view keep);

}  // namespace caseload::cli
