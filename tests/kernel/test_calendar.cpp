#include "caseload/kernel/calendar.hpp"
#include "caseload/kernel/random.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <tuple>
#include <vector>

// Count heap allocations in this test binary, to check the kernel's promise
// of no allocation per event.
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t n) {
    ++g_allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using caseload::kernel::Calendar;
using caseload::kernel::Event;

namespace {
std::vector<std::uint32_t> drain(Calendar& c, double until = 1e300) {
    std::vector<std::uint32_t> out;
    Event e;
    while (c.pop_before(until, e)) out.push_back(e.target);
    return out;
}
}  // namespace

TEST_CASE("calendar: events come out in time order") {
    Calendar c;
    c.schedule(5.0, 0, 5);
    c.schedule(1.0, 0, 1);
    c.schedule(3.0, 0, 3);
    c.schedule(2.0, 0, 2);
    CHECK(drain(c) == std::vector<std::uint32_t>{1, 2, 3, 5});
}

TEST_CASE("calendar: equal times ordered by priority, then insertion order") {
    Calendar c;
    c.schedule(1.0, 0, 10, 3);
    c.schedule(1.0, 0, 11, 1);
    c.schedule(1.0, 0, 12, 3);
    c.schedule(1.0, 0, 13, 1);
    c.schedule(0.5, 0, 14, 9);
    CHECK(drain(c) == std::vector<std::uint32_t>{14, 11, 13, 10, 12});
}

TEST_CASE("calendar: pop_before stops before events at exactly `until`") {
    Calendar c;
    c.schedule(1.0, 0, 1);
    c.schedule(2.0, 0, 2);
    c.schedule(2.0 + 1e-12, 0, 3);
    CHECK(drain(c, 2.0) == std::vector<std::uint32_t>{1});
    CHECK(c.size() == 2);
    CHECK(c.next_time() == 2.0);
}

TEST_CASE("calendar: cancel removes an event, stale handles are refused") {
    Calendar c;
    auto a = c.schedule(1.0, 0, 1);
    auto b = c.schedule(2.0, 0, 2);
    auto d = c.schedule(3.0, 0, 3);
    CHECK(c.cancel(b));
    CHECK_FALSE(c.cancel(b));  // twice
    CHECK_FALSE(c.pending(b));
    CHECK(c.pending(a));
    CHECK(c.size() == 2);
    Event e;
    REQUIRE(c.pop_before(10, e));
    CHECK(e.target == 1);
    CHECK_FALSE(c.cancel(a));  // already fired
    // The freed slot is reused; the old handle must not cancel the new event.
    auto n = c.schedule(4.0, 0, 4);
    CHECK_FALSE(c.cancel(a));
    CHECK_FALSE(c.cancel(b));
    CHECK(c.pending(n));
    CHECK(drain(c) == std::vector<std::uint32_t>{3, 4});
    CHECK_FALSE(c.pending(d));
}

TEST_CASE("calendar: cancelling the earliest event exposes the next") {
    Calendar c;
    auto a = c.schedule(1.0, 0, 1);
    c.schedule(2.0, 0, 2);
    CHECK(c.cancel(a));
    CHECK(c.next_time() == 2.0);
}

TEST_CASE("calendar: matches a reference ordering under random schedule and cancel") {
    caseload::kernel::Engine rng(12345);
    Calendar c;
    // Reference: (time, priority, insertion) -> target.
    std::map<std::tuple<double, int, long>, std::uint32_t> ref;
    std::map<std::uint32_t, std::pair<caseload::kernel::EventHandle, std::tuple<double, int, long>>> live;
    long seq = 0;
    std::uint32_t next_target = 0;
    double now = 0;
    for (int step = 0; step < 20000; ++step) {
        const double u = caseload::kernel::uniform01(rng);
        if (u < 0.5 || ref.empty()) {
            // Coarse times make ties common.
            const double t = now + std::floor(caseload::kernel::uniform01(rng) * 20.0);
            const int prio = int(caseload::kernel::uniform01(rng) * 3);
            const auto h = c.schedule(t, 0, next_target, std::uint8_t(prio));
            const auto key = std::make_tuple(t, prio, seq++);
            ref[key] = next_target;
            live[next_target] = {h, key};
            ++next_target;
        } else if (u < 0.65) {
            auto it = live.begin();
            std::advance(it, long(caseload::kernel::uniform01(rng) * double(live.size())));
            REQUIRE(c.cancel(it->second.first));
            ref.erase(it->second.second);
            live.erase(it);
        } else {
            Event e;
            REQUIRE(c.pop_before(1e300, e));
            const auto first = ref.begin();
            REQUIRE(e.target == first->second);
            CHECK(e.time == std::get<0>(first->first));
            now = e.time;
            live.erase(e.target);
            ref.erase(first);
        }
        REQUIRE(c.size() == ref.size());
    }
}

TEST_CASE("calendar: no heap allocation per event once the calendar has grown") {
    Calendar c;
    caseload::kernel::Engine rng(7);
    boost::random::exponential_distribution<double> gap(1.0 / 300.0);
    for (std::uint32_t i = 0; i < 350; ++i) c.schedule(gap(rng), 0, i);
    Event e;
    // Warm up: let the heap and pool reach their working size.
    for (int i = 0; i < 10000; ++i) {
        c.pop_before(1e300, e);
        c.schedule(e.time + gap(rng), 0, e.target);
    }
    const long before = g_allocations.load();
    for (int i = 0; i < 100000; ++i) {
        c.pop_before(1e300, e);
        c.schedule(e.time + gap(rng), 0, e.target);
    }
    CHECK(g_allocations.load() == before);
}

TEST_CASE("calendar: timers interleave with heap events by the same ordering rule") {
    Calendar c;
    const auto t1 = c.add_timer(1, 1, 100);
    const auto t2 = c.add_timer(2, 0, 200);
    c.schedule(5.0, 0, 1, 1);
    c.set_timer(t1, 5.0);    // same time and priority as target 1, set later: after it
    c.set_timer(t2, 5.0);    // priority 0: before both
    c.schedule(3.0, 0, 2);
    CHECK(c.size() == 4);
    CHECK(c.next_time() == 3.0);
    CHECK(drain(c) == std::vector<std::uint32_t>{2, 200, 1, 100});
    CHECK_FALSE(c.timer_pending(t1));
    // A timer fires once per set, and can be moved or cleared.
    c.set_timer(t1, 9.0);
    c.set_timer(t1, 7.0);
    CHECK(c.size() == 1);
    Event e;
    REQUIRE(c.pop_before(100, e));
    CHECK(e.time == 7.0);
    CHECK(e.kind == 1);
    CHECK_FALSE(c.pop_before(100, e));
    c.set_timer(t2, 1.0);
    c.clear_timer(t2);
    CHECK(c.empty());
    CHECK_FALSE(c.pop_before(100, e));
}

TEST_CASE("calendar: a timer at exactly `until` does not fire") {
    Calendar c;
    const auto t = c.add_timer(1);
    c.set_timer(t, 10.0);
    Event e;
    CHECK_FALSE(c.pop_before(10.0, e));
    CHECK(c.pop_before(10.5, e));
}
