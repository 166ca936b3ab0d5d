#include "caseload/cli/cli.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    const char* term = std::getenv("TERM");
    const bool terminal = ::isatty(STDERR_FILENO) && !(term && std::string(term) == "dumb");
    return caseload::cli::run(argc, argv, {std::cout, std::cerr, terminal});
}
