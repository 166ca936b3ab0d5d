#include "caseload/cli/cli.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <string>

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

}  // namespace

int main(int argc, char** argv) {
    install_stop_handlers();
    const char* term = std::getenv("TERM");
    const bool terminal = ::isatty(STDERR_FILENO) && !(term && std::string(term) == "dumb");
    return caseload::cli::run(argc, argv, {std::cout, std::cerr, terminal, &g_stop});
}
