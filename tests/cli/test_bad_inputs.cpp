// The bad-input catalogue (tests/bad_inputs): every file in it must be
// refused by the real executable with exit code 2, one error line naming
// file:line:column and what was expected (the nearest valid key for a typo),
// no crash and no results folder. `caseload validate` must say the same.
// Files named compare_* are compare files (run with `compare`), sweep_* sweep
// files (run with `sweep`), the others scenarios (run with `run`).
//
// Each file states its expectations in its first comment lines:
//   # expect: LINE:COLUMN          (or FILE:LINE:COLUMN when the error is in another file);
//                                  one line per error when a file holds several, in file order
//   # not listed: N                (more errors than are listed: the last line says N more)
//   # says: text the message holds (one or more)
//   # suggests: the nearest key    (or "none": no suggestion may be made)
//   # valid for: validate          (a good file given to the wrong command: validate accepts it)
// Files that cannot carry a comment (empty, binary) are listed in
// tests/bad_inputs/expectations.txt as: file | where | says | says ...

#include "caseload/cli/cli.hpp"
#include "../process.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace caseload;

namespace {

const fs::path kBadInputs = fs::path(CASELOAD_SOURCE_DIR) / "tests" / "bad_inputs";

struct Expectation {
    std::string where;  // "L:C" or "FILE:L:C" (the first error's)
    std::vector<std::string> more;  // the places of the further errors, in order
    std::string not_listed;         // the count of errors beyond those listed
    std::vector<std::string> says;
    std::string suggests;  // empty: not checked; "none": no suggestion allowed
    bool valid_for_validate = false;
};

std::vector<std::string> split(const std::string& line, const std::string& sep) {
    std::vector<std::string> parts;
    std::size_t pos = 0;
    for (;;) {
        const std::size_t next = line.find(sep, pos);
        parts.push_back(line.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
        if (next == std::string::npos) break;
        pos = next + sep.size();
    }
    return parts;
}

std::map<std::string, Expectation> sidecar() {
    std::map<std::string, Expectation> m;
    std::ifstream in(kBadInputs / "expectations.txt");
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto parts = split(line, " | ");
        REQUIRE(parts.size() >= 3);
        Expectation e;
        e.where = parts[1];
        e.says.assign(parts.begin() + 2, parts.end());
        m[parts[0]] = e;
    }
    return m;
}

Expectation from_header(const fs::path& file) {
    Expectation e;
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line) && line.rfind("#", 0) == 0) {
        if (line.rfind("# expect: ", 0) == 0) (e.where.empty() ? e.where : e.more.emplace_back()) = line.substr(10);
        if (line.rfind("# not listed: ", 0) == 0) e.not_listed = line.substr(14);
        if (line.rfind("# says: ", 0) == 0) e.says.push_back(line.substr(8));
        if (line.rfind("# suggests: ", 0) == 0) e.suggests = line.substr(12);
        if (line == "# valid for: validate") e.valid_for_validate = true;
    }
    return e;
}

struct Catalogue {
    std::vector<std::pair<std::string, Expectation>> files;
};

Catalogue catalogue() {
    Catalogue c;
    const auto side = sidecar();
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kBadInputs))
        if (entry.is_regular_file() && entry.path().filename() != "expectations.txt")
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
        const auto it = side.find(n);
        c.files.emplace_back(n, it != side.end() ? it->second : from_header(kBadInputs / n));
    }
    return c;
}

// The checks every refusal must pass, on what the program wrote to stderr.
void check_message(const std::string& name, const Expectation& e, const std::string& err) {
    auto place = [&](const std::string& w) { return std::isdigit(static_cast<unsigned char>(w[0])) ? name + ":" + w : w; };
    // one line per error, "error: FILE:LINE:COLUMN: ...", in file order
    CHECK(err.rfind("error: " + place(e.where) + ": ", 0) == 0);
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    const std::size_t expected_lines = 1 + e.more.size() + (e.not_listed.empty() ? 0 : 1);
    CHECK(std::count(err.begin(), err.end(), '\n') == long(expected_lines));
    REQUIRE(lines.size() == expected_lines);
    for (std::size_t i = 0; i < e.more.size(); ++i) CHECK(lines[i + 1].rfind("error: " + place(e.more[i]) + ": ", 0) == 0);
    if (!e.not_listed.empty())
        CHECK(lines.back() == "note: " + e.not_listed + " more errors in " + name + " not listed (the first " +
                                  std::to_string(e.more.size() + 1) + " are)");
    for (const auto& s : e.says) {
        INFO("the message should say: " << s);
        CHECK(err.find(s) != std::string::npos);
    }
    if (e.suggests == "none")
        CHECK(err.find("did you mean") == std::string::npos);
    else if (!e.suggests.empty())
        CHECK(err.find("(did you mean '" + e.suggests + "'?)") != std::string::npos);
}

}  // namespace

TEST_CASE("bad inputs: the catalogue holds at least 40 files, each with its expectation") {
    const auto c = catalogue();
    CHECK(c.files.size() >= 40);
    std::size_t compare_files = 0, sweep_files = 0;
    for (const auto& file : c.files) {
        const std::string& name = file.first;  // not a structured binding: clang 14 cannot capture one in INFO
        const auto& e = file.second;
        INFO(name);
        CHECK_FALSE(e.where.empty());
        CHECK_FALSE(e.says.empty());
        compare_files += name.rfind("compare_", 0) == 0;
        sweep_files += name.rfind("sweep_", 0) == 0;
    }
    CHECK(compare_files >= 5);
    CHECK(sweep_files >= 6);
    // the files they extend and compare with are fine: each bad file is bad for its own reason
    std::ostringstream out, err;
    const std::string base = (kBadInputs / "support" / "baseline.yaml").string();
    const char* argv[] = {"caseload", "validate", base.c_str()};
    CHECK(cli::run(3, argv, {out, err, false}) == cli::kExitOk);
}

TEST_CASE("bad inputs: run, compare and sweep refuse each with a located message, exit 2, no crash, no results folder") {
    const auto c = catalogue();
    const fs::path outside = test::fresh_folder("bad_inputs");
    for (const auto& file : c.files) {
        const std::string& name = file.first;  // not a structured binding: clang 14 cannot capture one in INFO
        const auto& e = file.second;
        INFO("bad input: " << name);
        const fs::path out = outside / "results";
        const std::string command = name.rfind("compare_", 0) == 0 ? "compare"
                                    : name.rfind("sweep_", 0) == 0 ? "sweep"
                                                                   : "run";
        const auto r = test::run_process({command, name, "--out", out.string(), "--quiet"}, {kBadInputs, {}, {}}, 60);
        INFO("stderr: " << r.err);
        CHECK_FALSE(r.timed_out);
        CHECK(r.signal == 0);
        CHECK(r.exit_code == cli::kExitBadInput);
        CHECK(r.out.empty());
        check_message(name, e, r.err);
        CHECK_FALSE(fs::exists(out));
        CHECK(test::folder_names(outside).empty());  // not even a hidden staging folder
    }
    fs::remove_all(outside);
}

TEST_CASE("bad inputs: validate says the same") {
    const auto c = catalogue();
    const fs::path here = fs::current_path();
    fs::current_path(kBadInputs);  // messages name the files as given
    for (const auto& file : c.files) {
        const std::string& name = file.first;  // not a structured binding: clang 14 cannot capture one in INFO
        const auto& e = file.second;
        INFO("bad input: " << name);
        std::ostringstream out, err;
        const char* argv[] = {"caseload", "validate", name.c_str()};
        const int code = cli::run(3, argv, {out, err, false});
        INFO("stderr: " << err.str());
        if (e.valid_for_validate) {
            CHECK(code == cli::kExitOk);
            continue;
        }
        CHECK(code == cli::kExitBadInput);
        check_message(name, e, err.str());
    }
    fs::current_path(here);
}
