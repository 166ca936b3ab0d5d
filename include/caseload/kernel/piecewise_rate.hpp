#pragma once
// A non-homogeneous Poisson process with a piecewise-constant rate.
//
// The next event time is found exactly by inversion: draw E ~ Exp(1) and walk
// forward through the segments until the integrated rate reaches E. A segment
// with rate 0 is skipped; after the last segment the last rate holds forever.

#include "caseload/kernel/calendar.hpp"

#include <limits>
#include <vector>

namespace caseload::kernel {

class PiecewiseRate {
public:
    struct Segment {
        Time from;    // days
        double rate;  // events per day, >= 0
    };

    PiecewiseRate() = default;
    // Segments sorted by `from`; the first must start at 0.
    explicit PiecewiseRate(std::vector<Segment> segments) : segments_(std::move(segments)) {}

    [[nodiscard]] double rate_at(Time t) const {
        double r = 0.0;
        for (const auto& s : segments_) {
            if (s.from <= t) r = s.rate;
            else break;
        }
        return r;
    }

    // Time of the next event after `now`, given a unit-mean exponential draw.
    // Returns +infinity when the rate is zero from `now` on.
    [[nodiscard]] Time next_after(Time now, double unit_exponential) const {
        double remaining = unit_exponential;
        std::size_t i = segment_index(now);
        Time t = now;
        for (; i < segments_.size(); ++i) {
            const double rate = segments_[i].rate;
            const Time end = i + 1 < segments_.size() ? segments_[i + 1].from : std::numeric_limits<Time>::infinity();
            if (rate > 0.0) {
                const Time dt = remaining / rate;
                if (t + dt < end) return t + dt;
                remaining -= (end - t) * rate;
            }
            t = end;
        }
        return std::numeric_limits<Time>::infinity();
    }

    [[nodiscard]] const std::vector<Segment>& segments() const { return segments_; }

private:
    [[nodiscard]] std::size_t segment_index(Time t) const {
        // Simulation time only moves forward: start from the last answer.
        std::size_t i = t >= last_from_ ? last_index_ : 0;
        while (i + 1 < segments_.size() && segments_[i + 1].from <= t) ++i;
        last_index_ = i;
        last_from_ = segments_.empty() ? 0.0 : segments_[i].from;
        return i;
    }

    mutable std::size_t last_index_ = 0;  // a cache: the segment of the last query
    mutable Time last_from_ = 0.0;

    std::vector<Segment> segments_;
};

}  // namespace caseload::kernel
