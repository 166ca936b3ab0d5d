// The table of commands (sim/cli/commands.hpp) and the one base class of bad
// input: every row reaches its own handler, `caseload --help` lists every row
// and nothing else, suggestions come from the table, and every kind of bad
// input is an InputError (exit 2) the command line reports alike.

#include "caseload/cli/cli.hpp"
#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "caseload/report/run_resume.hpp"
#include "caseload/report/sweep_output.hpp"
#include "caseload/scenario/input_error.hpp"
#include "caseload/scenario/loader.hpp"
#include "cli/commands.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

using namespace caseload;

namespace {

struct Result {
    int code;
    std::string out, err;
};

Result run_cli(std::vector<std::string> args) {
    args.insert(args.begin(), "caseload");
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = cli::run(int(argv.size()), argv.data(), {out, err, false});
    return {code, out.str(), err.str()};
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> v;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) v.push_back(line);
    return v;
}

}  // namespace

TEST_CASE("commands: every row of the table runs its own command") {
    std::set<std::string_view> names;
    for (const cli::Command& c : cli::commands()) {
        CAPTURE(c.name);
        CHECK(names.insert(c.name).second);  // no name twice
        CHECK(cli::find_command(c.name) == &c);
        CHECK(c.usage.substr(0, c.name.size()) == c.name);
        // The handler's own help names the command: a row wired to another
        // command's handler fails here.
        const Result r = run_cli({std::string(c.name), "--help"});
        CHECK(r.code == cli::kExitOk);
        CHECK(r.out.rfind("usage: caseload " + std::string(c.name), 0) == 0);
    }
    CHECK(names.size() == 10);
    CHECK(cli::find_command("runn") == nullptr);
    CHECK(cli::find_command("") == nullptr);
}

TEST_CASE("commands: --help lists each row once, in table order, summaries aligned") {
    const Result r = run_cli({"--help"});
    REQUIRE(r.code == cli::kExitOk);
    CHECK(r.out == cli::usage_text());
    const auto all = lines(r.out);
    std::size_t row = 0;
    for (const cli::Command& c : cli::commands()) {
        CAPTURE(c.name);
        const std::string start = "  " + std::string(c.usage);
        while (row < all.size() && all[row].rfind(start + " ", 0) != 0) ++row;
        REQUIRE(row < all.size());
        const std::string first_summary_line(c.summary.substr(0, c.summary.find('\n')));
        CHECK(all[row].substr(22) == first_summary_line);
        ++row;
    }
    // A continued summary is indented under its first line.
    const auto compare = lines(r.out.substr(r.out.find("  compare ")));
    CHECK(compare[1] == std::string(22, ' ') + "print the comparison table, write a results folder");
    // With no command at all: the same text, on stderr, exit 2.
    const Result none = run_cli({});
    CHECK(none.code == cli::kExitBadInput);
    CHECK(none.err == cli::usage_text());
}

TEST_CASE("commands: an unknown command suggests the nearest in the table") {
    for (const auto& pair : std::vector<std::pair<std::string, std::string>>{
             {"sweeep", "sweep"}, {"schem", "schema"}, {"valdiate", "validate"}, {"merg", "merge"}}) {
        const std::string& typo = pair.first;
        const std::string& meant = pair.second;
        CAPTURE(typo);
        const Result r = run_cli({typo});
        CHECK(r.code == cli::kExitBadInput);
        CHECK(r.err.rfind("error: unknown command '" + typo + "' (did you mean '" + meant + "'?)\n\n", 0) == 0);
    }
    const Result far = run_cli({"xyzzy-quux"});
    CHECK(far.err.find("did you mean") == std::string::npos);
}

TEST_CASE("input errors: every kind of bad input is an InputError, reported with exit 2") {
    static_assert(std::is_base_of_v<InputError, scenario::ScenarioError>);
    static_assert(std::is_base_of_v<InputError, UsageError>);
    static_assert(std::is_base_of_v<InputError, report::ReportInputError>);
    static_assert(std::is_base_of_v<InputError, report::SweepInputError>);
    static_assert(std::is_base_of_v<InputError, report::ResumeError>);
    static_assert(std::is_base_of_v<InputError, report::OutputExists>);
    // A failed write is not bad input: exit 1.
    static_assert(!std::is_base_of_v<InputError, report::OutputError>);
    static_assert(!std::is_base_of_v<report::OutputError, report::OutputExists>);

    // The message is the error's own, whichever class initialises it.
    const scenario::ScenarioError e(scenario::Location{"f.yaml", 3, 4}, "horizon", "expected a duration");
    const InputError& base = e;
    const std::exception& any = e;
    CHECK(std::string(base.what()) == any.what());
    CHECK(std::string(any.what()).rfind("f.yaml:3:4", 0) == 0);
    CHECK(std::string(report::ResumeError("r").what()) == "r");
    try {
        throw report::OutputExists("x exists already");
    } catch (const std::exception& caught) {  // one std::exception base, caught as one
        CHECK(std::string(caught.what()) == "x exists already");
    }

    // Through the command line: a folder that exists (OutputExists) and a
    // folder that is not results (ReportInputError) both say "error: " and exit 2.
    const Result report_missing = run_cli({"report", "/nonexistent/caseload-results"});
    CHECK(report_missing.code == cli::kExitBadInput);
    CHECK(report_missing.err.rfind("error: ", 0) == 0);
    CHECK(report_missing.err.find("--help") == std::string::npos);  // only a usage error points at the help
    const Result usage = run_cli({"report"});
    CHECK(usage.code == cli::kExitBadInput);
    CHECK(usage.err == "error: report takes exactly one results folder\n(see 'caseload report --help')\n");
}
