#pragma once
// `caseload serve`: the what-if pages in a browser. A small web application
// (cpp-httplib, JSON through nlohmann-json) over a workspace folder: the
// scenario library to start from, a plan form generated from the scenario
// JSON Schema, a queue of runs (each run is the same `caseload run` or
// `caseload compare` as on the command line, in a child process: stopped
// with SIGTERM like Ctrl-C, continued with --resume after a restart), the
// report of each run and the runs done before.
//
// Safe by default: 127.0.0.1 unless told otherwise, a token required on any
// other address, request bodies capped, nothing read or written outside the
// workspace (run ids are made by the server), every user text escaped.

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

namespace caseload::serve {

struct ServeOptions {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::filesystem::path workspace = "caseload-workspace";
    std::filesystem::path library = "scenarios";  // the scenario library the start page lists (read only)
    std::string token;                            // required on a host other than loopback
    std::filesystem::path executable;             // the caseload program that runs the jobs (this one)
    std::size_t max_waiting = 8;                  // runs waiting in the queue; more are refused as busy
    unsigned parallel_runs = 1;                   // runs at once
    unsigned threads = 0;                         // threads per run; 0 = all cores
    std::size_t max_body_bytes = 1u << 20;        // request bodies larger than this are refused
};

// A loopback address: 127.x.y.z, ::1 or localhost.
[[nodiscard]] bool is_loopback(std::string_view host);

// Runs the server until `stop` is set (Ctrl-C, SIGTERM). Writes what it does
// to `log`. Throws caseload::InputError for options it refuses (e.g. another
// address without a token), std::runtime_error when it cannot listen.
int serve(const ServeOptions& options, std::ostream& log, const std::atomic<bool>* stop);

}  // namespace caseload::serve
