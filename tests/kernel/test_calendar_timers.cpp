// The calendar's timers against a reference ordering, among heap events and
// cancels; boundary cases of set_timer and schedule. (Apart from
// test_calendar.cpp, which counts allocations by replacing operator new.)
#include "caseload/kernel/calendar.hpp"
#include "caseload/kernel/random.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

using caseload::kernel::Calendar;
using caseload::kernel::Event;

namespace {
std::vector<std::uint32_t> drain_all(Calendar& c) {
    std::vector<std::uint32_t> out;
    Event e;
    while (c.pop_before(1e300, e)) out.push_back(e.target);
    return out;
}
}  // namespace

TEST_CASE("calendar: timers moved, cleared and fired match a reference among heap events and cancels") {
    // Several timers set, moved earlier and later, cleared and refired,
    // among heap events with frequent cancels (so cancelled entries reach
    // the top while timers compete with it): the order is the reference's.
    caseload::kernel::Engine rng(2024);
    Calendar c;
    using Key = std::tuple<double, int, long>;
    std::map<Key, std::uint32_t> ref;  // (time, priority, sequence) -> target
    std::map<std::uint32_t, std::pair<caseload::kernel::EventHandle, Key>> live;
    constexpr std::uint32_t kTimers = 5;
    std::vector<caseload::kernel::TimerId> timers;
    std::vector<Key> timer_key(kTimers);
    std::vector<char> timer_set(kTimers, 0);
    for (std::uint32_t i = 0; i < kTimers; ++i)
        timers.push_back(c.add_timer(std::uint16_t(1), std::uint8_t(i % 3), 1000000 + i));
    long seq = 0;
    std::uint32_t next_target = 0;
    double now = 0;
    auto draw_time = [&] { return now + std::floor(caseload::kernel::uniform01(rng) * 10.0); };
    for (int step = 0; step < 30000; ++step) {
        const double u = caseload::kernel::uniform01(rng);
        if (u < 0.3) {
            const double t = draw_time();
            const int prio = int(caseload::kernel::uniform01(rng) * 3);
            const auto h = c.schedule(t, 0, next_target, std::uint8_t(prio));
            const Key key{t, prio, seq++};
            ref[key] = next_target;
            live[next_target] = {h, key};
            ++next_target;
        } else if (u < 0.45 && !live.empty()) {
            auto it = live.begin();
            std::advance(it, long(caseload::kernel::uniform01(rng) * double(live.size())));
            REQUIRE(c.cancel(it->second.first));
            CHECK_FALSE(c.cancel(it->second.first));
            ref.erase(it->second.second);
            live.erase(it);
        } else if (u < 0.6) {
            const auto i = std::uint32_t(caseload::kernel::uniform01(rng) * kTimers);
            if (timer_set[i]) ref.erase(timer_key[i]);
            const double t = draw_time();
            c.set_timer(timers[i], t);
            timer_key[i] = Key{t, int(i % 3), seq++};
            timer_set[i] = 1;
            ref[timer_key[i]] = 1000000 + i;
        } else if (u < 0.65) {
            const auto i = std::uint32_t(caseload::kernel::uniform01(rng) * kTimers);
            c.clear_timer(timers[i]);
            if (timer_set[i]) ref.erase(timer_key[i]);
            timer_set[i] = 0;
        } else if (!ref.empty()) {
            const auto first = ref.begin();
            REQUIRE(c.next_time() == std::get<0>(first->first));
            Event e;
            REQUIRE(c.pop_before(1e300, e));
            REQUIRE(e.target == first->second);
            CHECK(e.time == std::get<0>(first->first));
            now = e.time;
            if (e.target >= 1000000) {
                CHECK_FALSE(c.timer_pending(timers[e.target - 1000000]));
                timer_set[e.target - 1000000] = 0;
            } else {
                live.erase(e.target);
            }
            ref.erase(first);
        }
        REQUIRE(c.size() == ref.size());
        for (std::uint32_t i = 0; i < kTimers; ++i) REQUIRE(c.timer_pending(timers[i]) == (timer_set[i] != 0));
    }
}

TEST_CASE("calendar: a timer set at infinity never fires and counts as not set") {
    Calendar c;
    const auto t = c.add_timer(1);
    c.set_timer(t, 3.0);
    c.set_timer(t, std::numeric_limits<double>::infinity());
    CHECK_FALSE(c.timer_pending(t));
    CHECK(c.empty());
    CHECK(c.next_time() == std::numeric_limits<double>::infinity());
    c.schedule(2.0, 0, 7);
    Event e;
    REQUIRE(c.pop_before(1e300, e));
    CHECK(e.target == 7);
    CHECK_FALSE(c.pop_before(1e300, e));
}

TEST_CASE("calendar: a refused schedule leaves the calendar as it was") {
    Calendar c;
    c.schedule(1.0, 0, 1);
    CHECK_THROWS_AS(c.schedule(2.0, 0, 2, 16), std::invalid_argument);
    CHECK_THROWS_AS(c.schedule(-1.0, 0, 3), std::invalid_argument);
    CHECK(c.size() == 1);
    c.schedule(0.5, 0, 4);
    CHECK(drain_all(c) == std::vector<std::uint32_t>{4, 1});
}
