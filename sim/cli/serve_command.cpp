// caseload serve: the what-if pages in a browser (the serve layer), with the
// options of the command line.

#include "caseload/scenario/input_error.hpp"
#include "caseload/serve/serve.hpp"
#include "commands.hpp"

#include <boost/program_options.hpp>

#include <cstdlib>
#include <iostream>

namespace caseload::cli {

namespace po = boost::program_options;

int cmd_serve(const Args& args, const Streams& io) {
    serve::ServeOptions o;
    std::string workspace = o.workspace.string(), library = o.library.string();
    po::options_description d("options");
    d.add_options()
        ("help,h", "show this help")
        ("host", po::value<std::string>(&o.host)->default_value(o.host),
         "address to listen on; any address but loopback needs --token")
        ("port", detail::whole_value("--port", 0, 65535, [&o](long long v) { o.port = int(v); }),
         "port (default 8080; 0 = any free port, printed at the start)")
        ("workspace", po::value<std::string>(&workspace)->default_value(workspace),
         "folder of the runs (made when missing); nothing outside it is written")
        ("library", po::value<std::string>(&library)->default_value(library),
         "the scenario library the start page offers (read only)")
        ("token", po::value<std::string>(&o.token),
         "a secret every request must carry (also from $CASELOAD_SERVE_TOKEN); required off loopback")
        ("queue", detail::whole_value("--queue", 1, 1000, [&o](long long v) { o.max_waiting = std::size_t(v); }),
         "runs that may wait their turn (default 8); more are refused with 'the server is busy'")
        ("jobs", detail::whole_value("--jobs", 1, 64, [&o](long long v) { o.parallel_runs = unsigned(v); }),
         "runs at once (default 1)")
        ("threads,t", detail::whole_value("--threads", 0, detail::kMaxThreads, [&o](long long v) { o.threads = unsigned(v); }),
         "threads per run; 0 = all cores (the default)");
    std::vector<std::string> rest;
    if (!detail::parse(args, d, "unused", rest,
                       "usage: caseload serve [--host 127.0.0.1] [--port 8080] [--workspace DIR] [options]\n"
                       "The what-if pages in a browser: the scenario library, a plan form, runs in a queue, their\n"
                       "reports and the runs done before, kept in the workspace.",
                       io))
        return kExitOk;
    if (!rest.empty()) throw UsageError("serve takes no file arguments, only options");
    if (o.token.empty())
        if (const char* t = std::getenv("CASELOAD_SERVE_TOKEN")) o.token = t;
    o.workspace = workspace;
    o.library = library;
    std::error_code ec;
    o.executable = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) throw std::runtime_error("cannot find the caseload program (/proc/self/exe): " + ec.message());
    return serve::serve(o, io.err, io.stop);
}

}  // namespace caseload::cli
