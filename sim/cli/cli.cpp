#include "caseload/cli/cli.hpp"

#include "caseload/experiment/runner.hpp"
#include "caseload/report/metadata.hpp"
#include "caseload/report/output.hpp"
#include "caseload/scenario/input_error.hpp"
#include "caseload/scenario/loader.hpp"
#include "commands.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string_view>

namespace caseload::cli {

namespace {

constexpr std::array kCommands{
    Command{"run", "run FILE", "run the replications of one scenario; print its summary, write a results folder", cmd_run},
    Command{"compare", "compare FILE...",
            "compare scenarios with a baseline (the first file), or run a compare file;\n"
            "print the comparison table, write a results folder",
            cmd_compare},
    Command{"report", "report DIR", "rebuild report.html and report.md of a results folder (no re-run)", cmd_report},
    Command{"sweep", "sweep FILE",
            "run a parameter sweep (a design over a base scenario); write tidy CSVs and a\n"
            "sensitivity table; --shard K/N runs a slice, --resume continues a stopped run,\n"
            "'mpirun -n N caseload sweep FILE' spreads it over MPI ranks (MPI builds)",
            cmd_sweep},
    Command{"merge", "merge DIR...", "combine the folders of a sweep's shards into one result", cmd_merge},
    Command{"validate", "validate FILE...", "check scenario, compare and sweep files without running them", cmd_validate},
    Command{"trace", "trace FILE", "every event of one replication, as CSV on stdout", cmd_trace},
    Command{"solve", "solve FILE", "break-even: the smallest workforce for which a metric meets a target", cmd_solve},
    Command{"schema", "schema [compare]", "the JSON Schema of scenario (or compare) files, for editors", cmd_schema},
    Command{"serve", "serve", "the what-if pages in a browser: plan form, queued runs, reports (127.0.0.1:8080)",
            cmd_serve},
};

constexpr std::size_t kUsageColumn = 20;  // where the summaries start, after two spaces

}  // namespace

std::span<const Command> commands() { return kCommands; }

const Command* find_command(std::string_view name) {
    const auto it = std::find_if(kCommands.begin(), kCommands.end(), [&](const Command& c) { return c.name == name; });
    return it == kCommands.end() ? nullptr : &*it;
}

std::string usage_text() {
    std::string text =
        "caseload — caseload and waitlist simulator for youth protection\n"
        "\n"
        "usage: caseload <command> [options]\n"
        "\n"
        "commands:\n";
    const std::string indent(2 + kUsageColumn, ' ');
    for (const Command& c : kCommands) {
        text += "  ";
        text += c.usage;
        text += std::string(kUsageColumn - std::min(kUsageColumn, c.usage.size()), ' ');
        for (const char ch : c.summary) {
            text += ch;
            if (ch == '\n') text += indent;
        }
        text += '\n';
    }
    text +=
        "\n"
        "'caseload <command> --help' lists a command's options.\n"
        "exit codes: 0 ok, 1 the run failed (e.g. cannot write results), 2 bad input, 130 interrupted (Ctrl-C)\n";
    return text;
}

namespace {

// Everything a command prints goes to `io.out`; a full disk or a closed pipe
// there must not pass for success. Flushed here, after the last write: a
// failure is "cannot write stdout", exit 1 (or the command's own failure code;
// a command that stopped on the failed write, as trace does, has said so).
int checked_out(int code, const Streams& io) {
    io.out.flush();
    if (io.out || code == kExitFailed) return code;  // a failed command has said why already
    // A write that failed earlier left its data buffered: one more try names the reason.
    io.out.clear();
    errno = 0;
    io.out.flush();
    const int err = errno;
    io.out.setstate(std::ios::badbit);
    io.err << "error: cannot write stdout: " << (err ? std::strerror(err) : "the stream failed") << "\n";
    return code == kExitOk ? kExitFailed : code;
}

int dispatch(std::vector<std::string> args, const Streams& io);

}  // namespace

int run(int argc, const char* const* argv, const Streams& io) {
    return checked_out(dispatch(std::vector<std::string>(argv + std::min(argc, 1), argv + argc), io), io);
}

namespace {

int dispatch(std::vector<std::string> args, const Streams& io) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        (args.empty() ? io.err : io.out) << usage_text();
        return args.empty() ? kExitBadInput : kExitOk;
    }
    if (args[0] == "--version") {
        io.out << "caseload " << report::version() << "\n";
        return kExitOk;
    }
    const std::string name = args[0];
    args.erase(args.begin());
    const Command* command = find_command(name);
    if (!command) {
        std::vector<std::string> names;
        for (const Command& c : kCommands) names.emplace_back(c.name);
        const std::string sug = scenario::nearest(name, names);
        io.err << "error: unknown command '" << name << "'" << (sug.empty() ? "" : " (did you mean '" + sug + "'?)")
               << "\n\n"
               << usage_text();
        return kExitBadInput;
    }
    try {
        return command->handler(args, io);
    } catch (const UsageError& e) {
        io.err << "error: " << e.what() << "\n(see 'caseload " << name << " --help')\n";
        return kExitBadInput;
    } catch (const InputError& e) {
        io.err << "error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const report::OutputError& e) {
        io.err << "error: " << e.what() << "\n";
        return kExitFailed;
    } catch (const std::exception& e) {
        io.err << "error: the run failed: " << e.what() << "\n";
        return kExitFailed;
    }
}

}  // namespace

namespace {

// Everything the program prints passes through here on its way to the
// terminal: control characters that came from a scenario file (a name
// "\e[31m") are shown as escapes (report::printable), never sent raw.
class PrintableBuf : public std::streambuf {
public:
    PrintableBuf(std::streambuf* next, std::string_view keep) : next_(next), keep_(keep) {
        setp(buf_.data(), buf_.data() + buf_.size());
    }
    PrintableBuf(const PrintableBuf&) = delete;
    PrintableBuf& operator=(const PrintableBuf&) = delete;
    ~PrintableBuf() override { (void)sync(); }

protected:
    int_type overflow(int_type ch) override {
        if (pass(false) != 0) return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    int sync() override { return pass(true) == 0 && next_->pubsync() == 0 ? 0 : -1; }

private:
    // Hands what is buffered on, escaped; a UTF-8 sequence cut off at the
    // end waits for its other bytes unless `all`.
    int pass(bool all) {
        std::string chunk = carry_;
        chunk.append(pbase(), pptr());
        setp(buf_.data(), buf_.data() + buf_.size());
        const std::size_t n = all ? chunk.size() : report::printable_prefix(chunk);
        carry_ = chunk.substr(n);
        const std::string out = report::printable(std::string_view(chunk).substr(0, n), keep_);
        return next_->sputn(out.data(), std::streamsize(out.size())) == std::streamsize(out.size()) ? 0 : -1;
    }
    std::streambuf* next_;
    std::string_view keep_;
    std::string carry_;
    std::array<char, 1 << 14> buf_{};
};

}  // namespace

std::unique_ptr<std::streambuf> printable_buffer(std::streambuf* next, std::string_view keep) {
    return std::make_unique<PrintableBuf>(next, keep);
}

}  // namespace caseload::cli
