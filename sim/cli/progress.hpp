#pragma once
// A progress bar on stderr: replications done, rate and time left. Drawn only
// on a terminal, only after the work has taken a second, never under --quiet.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>

namespace caseload::cli::detail {

// "42s", "3m 20s", "1h 05m"
inline std::string duration_text(double seconds) {
    const long s = seconds < 0 ? 0 : long(seconds + 0.5);
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%lds", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%ldm %02lds", s / 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%ldh %02ldm", s / 3600, (s % 3600) / 60);
    return buf;
}

class ProgressBar {
public:
    static constexpr double kDelaySeconds = 1.0;  // nothing is drawn before this

    ProgressBar(std::ostream& err, bool enabled) : err_(err), enabled_(enabled), start_(Clock::now()) {}
    ~ProgressBar() { finish(); }

    void update(std::size_t done, std::size_t total) {
        if (enabled_) update_at(done, total, seconds());
    }

    // As update(), `elapsed` seconds after the start (tests drive the clock).
    void update_at(std::size_t done, std::size_t total, double elapsed) {
        if (!enabled_ || total == 0 || elapsed < kDelaySeconds) return;
        const int width = 30;
        const int filled = int(double(width) * double(done) / double(total));
        const double rate = double(done) / elapsed;
        std::string bar(std::size_t(filled), '#');
        bar.resize(width, '.');
        char line[200];
        int n;
        if (done > 0 && done < total)
            n = std::snprintf(line, sizeof line, "[%s] %zu/%zu replications  %.1f/s  %s left", bar.c_str(), done,
                              total, rate, duration_text(double(total - done) / rate).c_str());
        else
            n = std::snprintf(line, sizeof line, "[%s] %zu/%zu replications  %.1f/s", bar.c_str(), done, total, rate);
        const std::size_t len = n < 0 ? 0 : std::min(std::size_t(n), sizeof line - 1);
        // Pad over the rest of a longer previous line.
        err_ << '\r' << std::string(line, len) << std::string(last_len_ > len ? last_len_ - len : 0, ' ')
             << std::flush;
        last_len_ = len;
        drawn_ = true;
    }

    // Clear the bar (if one was drawn) so the next output starts clean.
    void finish() {
        if (drawn_) err_ << '\r' << std::string(last_len_, ' ') << '\r' << std::flush;
        drawn_ = false;
        last_len_ = 0;
    }

private:
    using Clock = std::chrono::steady_clock;
    double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
    std::ostream& err_;
    bool enabled_;
    bool drawn_ = false;
    std::size_t last_len_ = 0;
    Clock::time_point start_;
};

}  // namespace caseload::cli::detail
