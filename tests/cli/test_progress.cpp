#include "cli/progress.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using caseload::cli::detail::duration_text;
using caseload::cli::detail::ProgressBar;

TEST_CASE("progress bar: nothing when disabled (not a terminal, or --quiet)") {
    std::ostringstream err;
    {
        ProgressBar bar(err, false);
        bar.update_at(3, 10, 5.0);
        bar.update_at(10, 10, 9.0);
        bar.finish();
    }
    CHECK(err.str().empty());
}

TEST_CASE("progress bar: nothing during the first second") {
    std::ostringstream err;
    ProgressBar bar(err, true);
    bar.update_at(1, 10, 0.2);
    bar.update_at(5, 10, 0.99);
    CHECK(err.str().empty());
    bar.finish();
    CHECK(err.str().empty());  // nothing drawn, nothing to clear
}

TEST_CASE("progress bar: replications done, rate and time left, on one line") {
    std::ostringstream err;
    ProgressBar bar(err, true);
    bar.update_at(4, 10, 2.0);
    const std::string first = err.str();
    CHECK(first.rfind("\r[############..................] ", 0) == 0);  // 4/10 of 30 columns
    CHECK(first.find("4/10 replications") != std::string::npos);
    CHECK(first.find("2.0/s") != std::string::npos);
    CHECK(first.find("3s left") != std::string::npos);  // 6 left at 2 a second
    CHECK(first.find('\n') == std::string::npos);       // redrawn in place, never scrolls

    bar.update_at(10, 10, 4.0);
    const std::string last = err.str().substr(first.size());
    CHECK(last.find("10/10 replications") != std::string::npos);
    CHECK(last.find("2.5/s") != std::string::npos);
    CHECK(last.find("left") == std::string::npos);  // done: no time left to show
    // The shorter line is padded over the longer one it replaces.
    CHECK(last.size() == first.size());

    bar.finish();
    // Clears the text of the last line (its padding is blank already).
    const std::size_t text = last.find("2.5/s") + 5 - 1;
    const std::string cleared = err.str().substr(first.size() + last.size());
    std::string blank(1, '\r');  // built by appending: GCC 12 warns falsely (-Wrestrict) on "\r" + std::string
    blank.append(text, ' ');
    blank += '\r';
    CHECK(cleared == blank);
    bar.finish();  // a second finish writes nothing
    CHECK(err.str().size() == first.size() + last.size() + cleared.size());
}

TEST_CASE("progress bar: time left in seconds, minutes or hours") {
    CHECK(duration_text(42.2) == "42s");
    CHECK(duration_text(200) == "3m 20s");
    CHECK(duration_text(3900) == "1h 05m");
    CHECK(duration_text(-1) == "0s");
    std::ostringstream err;
    ProgressBar bar(err, true);
    bar.update_at(10, 1010, 10.0);  // 1000 left at 1 a second
    CHECK(err.str().find("16m 40s left") != std::string::npos);
}
