#pragma once
// Bad input: something the user can fix in a file or on the command line.
// Every layer that reads input throws a kind of InputError (ScenarioError,
// UsageError, report::ReportInputError, report::SweepInputError,
// report::ResumeError, report::OutputExists), and the command line reports
// them all alike: the message, exit code 2. It lives in the scenario layer,
// where checking input starts and which every layer reading input sits on.
//
// std::runtime_error is a virtual base, so each kind of error initialises it
// with its own message: `MyError(const std::string& m) : std::runtime_error(m) {}`.

#include <stdexcept>
#include <string>

namespace caseload {

class InputError : public virtual std::runtime_error {
public:
    explicit InputError(const std::string& message) : std::runtime_error(message) {}
    // Assigned by copy: a move through the virtual base could leave the
    // message moved from twice (GCC's -Wvirtual-move-assign).
    InputError(const InputError&) = default;
    InputError& operator=(const InputError&) = default;

protected:
    // For a derived error: it initialises std::runtime_error itself.
    InputError() : std::runtime_error("") {}
};

// A wrong command line: an unknown option, a value out of range, a missing
// file argument. The command line adds where to find the command's options.
class UsageError : public InputError {
public:
    explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace caseload
