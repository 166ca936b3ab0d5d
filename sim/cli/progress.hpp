#pragma once
// A progress bar on stderr: replications done, rate and time left. Drawn only
// on a terminal, only after the work has taken a second, never under --quiet.

#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>

namespace caseload::cli::detail {

class ProgressBar {
public:
    ProgressBar(std::ostream& err, bool enabled) : err_(err), enabled_(enabled), start_(Clock::now()) {}
    ~ProgressBar() { finish(); }

    void update(std::size_t done, std::size_t total) {
        if (!enabled_ || total == 0) return;
        const double elapsed = seconds();
        if (elapsed < 1.0) return;
        const int width = 30;
        const int filled = int(double(width) * double(done) / double(total));
        const double rate = double(done) / elapsed;
        std::string bar(std::size_t(filled), '#');
        bar.resize(width, '.');
        char line[160];
        if (done > 0 && done < total)
            std::snprintf(line, sizeof line, "\r[%s] %zu/%zu replications  %.1f/s  %.0fs left ", bar.c_str(), done,
                          total, rate, double(total - done) / rate);
        else
            std::snprintf(line, sizeof line, "\r[%s] %zu/%zu replications  %.1f/s          ", bar.c_str(), done, total,
                          rate);
        err_ << line << std::flush;
        drawn_ = true;
    }
    void finish() {
        if (drawn_) err_ << "\r" << std::string(78, ' ') << "\r" << std::flush;
        drawn_ = false;
    }

private:
    using Clock = std::chrono::steady_clock;
    double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
    std::ostream& err_;
    bool enabled_;
    bool drawn_ = false;
    Clock::time_point start_;
};

}  // namespace caseload::cli::detail
