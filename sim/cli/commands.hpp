#pragma once
// The commands of the program, one row each in `commands()`: its name, its
// arguments and what it does, as `caseload --help` lists them, and the
// function that runs it. Dispatch, the help and "did you mean" all read that
// table; a new command is a handler and a row. Handlers parse their options
// (Boost.Program_options), call the experiment and report layers and say
// what happened; errors are thrown (caseload::InputError for bad input) and
// turned into a message and an exit code in one place (cli.cpp).

#include "caseload/cli/cli.hpp"
#include "caseload/scenario/loader.hpp"

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace caseload::cli {

using Args = std::vector<std::string>;
using Handler = int (*)(const Args& args, const Streams& io);

struct Command {
    std::string_view name;
    std::string_view usage;    // its arguments after the name, e.g. "run FILE"
    std::string_view summary;  // what it does; a line break continues it under the first line
    Handler handler;
};

// Every command, in the order `caseload --help` lists them.
[[nodiscard]] std::span<const Command> commands();
// The command called `name`, or nullptr.
[[nodiscard]] const Command* find_command(std::string_view name);
// `caseload --help`: the commands table between a title and the exit codes.
[[nodiscard]] std::string usage_text();

int cmd_run(const Args& args, const Streams& io);
int cmd_compare(const Args& args, const Streams& io);
int cmd_report(const Args& args, const Streams& io);
int cmd_sweep(const Args& args, const Streams& io);
int cmd_merge(const Args& args, const Streams& io);
int cmd_validate(const Args& args, const Streams& io);
int cmd_trace(const Args& args, const Streams& io);
int cmd_solve(const Args& args, const Streams& io);
int cmd_schema(const Args& args, const Streams& io);
int cmd_serve(const Args& args, const Streams& io);

namespace detail {

// Parses a command's arguments: options of `desc`, the rest into
// `positional`. Returns false when --help was asked for and printed (`help`
// first, then the options). A bad option is a UsageError.
bool parse(const Args& args, const boost::program_options::options_description& desc,
           const std::string& positional_name, std::vector<std::string>& positional, const std::string& help,
           const Streams& io);

// The ranges of numbers on the command line: those of the file's keys
// (seed, replications), and a sane number of threads.
inline constexpr long long kMaxSeed = std::numeric_limits<std::int64_t>::max();
inline constexpr long long kMaxThreads = 1024;

// `text`, the value of `option`, as a whole number in [min, max]: digits
// only, a leading '-' only for a negative number; no sign on a count, no
// exponent, no wrap-around. Anything else is a UsageError naming the range,
// e.g. "--seed must be a whole number between 0 and 9223372036854775807, not '-5'".
[[nodiscard]] long long whole_number(const std::string& option, const std::string& text, long long min,
                                     long long max);
// A Program_options value for such a number, parsed strictly before
// anything runs; `set` receives it.
[[nodiscard]] boost::program_options::typed_value<std::string>* whole_value(std::string option, long long min,
                                                                           long long max,
                                                                           std::function<void(long long)> set);

// results/<name>-<date-time>, numbered when that exists already.
[[nodiscard]] std::filesystem::path default_out(const std::string& name);

// A word of a command line, quoted when the shell would split or expand it.
[[nodiscard]] std::string shell_word(const std::string& word);

// The options of run and compare (and a few of them for other commands).
struct RunFlags {
    std::optional<int> replications;
    std::optional<std::uint64_t> seed;
    unsigned threads = 0;
    std::string out;
    bool force = false;
    bool resume = false;
    bool quiet = false;
    std::string lang = "en";
    bool allow_large = false;
};

// A compare file's `relevant:` by metric name, each name checked against the
// metrics (whole-window and per period): an unknown one is a ScenarioError
// at its place in the file. Used by compare and validate.
[[nodiscard]] std::map<std::string, double, std::less<>> relevant_overrides(const scenario::CompareSpec& spec);

}  // namespace detail

}  // namespace caseload::cli
