// A driver for profiling and for checking that a speed change changed no
// result. It runs replications of scenario files serially, in-process, with
// nothing around the model (no threads, no output files), so an
// instruction-count profile of it is the model's and the kernel's own:
//
//   valgrind --tool=callgrind --toggle-collect='*model::simulate*'
//            build/release/caseload_profile speed 2 bench/mmc350.yaml
//   -> Ir of the collected part / the events printed = instructions per event
//
// Modes:
//   speed  REPS FILE...  events and wall seconds over REPS replications
//   digest REPS FILE...  per file, one FNV-1a digest over every replication's
//                        whole result (metrics, weekly series, periods,
//                        helped-within shares, events, end) as raw bits
//   trace  REPS FILE...  the same digest over what a TraceSink sees (every
//                        event, assignment and caseload), with the result
//
// Options before the mode: --years H and --warmup W override the horizon and
// warm-up (years); --from STATE lays a start state over every file.
//
//   build/release/caseload_profile [--years H] [--warmup W] [--from STATE] MODE REPS FILE...

#include "caseload/model/model.hpp"
#include "caseload/scenario/loader.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace caseload;

struct Fnv {
    std::uint64_t h = 0xcbf29ce484222325ull;
    void bytes(const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) {
            h ^= b[i];
            h *= 0x100000001b3ull;
        }
    }
    template <class T>
    void value(const T& v) {
        bytes(&v, sizeof v);
    }
};

// Hashes everything a trace sees, caseloads included.
struct HashingSink final : model::TraceSink {
    Fnv& fnv;
    explicit HashingSink(Fnv& f) : fnv(f) {}
    void on_event(double day, const char* kind, std::int64_t family, std::int64_t worker, std::size_t waitlist,
                  std::size_t with_worker, std::uint64_t closed) override {
        fnv.value(day);
        fnv.bytes(kind, std::strlen(kind));
        fnv.value(family);
        fnv.value(worker);
        fnv.value(waitlist);
        fnv.value(with_worker);
        fnv.value(closed);
    }
    void on_assign(double day, std::int64_t family, std::int64_t worker, bool first) override {
        fnv.value(day);
        fnv.value(family);
        fnv.value(worker);
        fnv.value(first);
    }
    [[nodiscard]] bool wants_caseloads() const override { return true; }
    void on_caseload(double day, std::size_t worker, double load, double fte, double norm) override {
        fnv.value(day);
        fnv.value(worker);
        fnv.value(load);
        fnv.value(fte);
        fnv.value(norm);
    }
};

void hash_result(Fnv& fnv, const model::ReplicationResult& r) {
    fnv.value(r.replication);
    fnv.bytes(r.metrics.data(), sizeof r.metrics);
    for (const auto& w : r.weekly) fnv.value(w);
    for (const auto& p : r.periods) {
        fnv.value(p.start_day);
        fnv.value(p.end_day);
        fnv.bytes(p.values.data(), sizeof p.values);
    }
    fnv.bytes(r.helped_within_weeks.data(), sizeof r.helped_within_weeks);
    fnv.value(r.hit_waitlist_bound);
    fnv.value(r.ended_at_day);
    fnv.value(r.events);
}

int usage() {
    std::fprintf(stderr, "usage: caseload_profile [--years H] [--warmup W] [--from STATE] speed|digest|trace REPS FILE...\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    double years = 0, warmup = -1;
    std::string from;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!std::strcmp(argv[i], "--years"))
            years = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--warmup"))
            warmup = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--from"))
            from = argv[i + 1];
        else
            return usage();
    }
    if (argc - i < 3) return usage();
    const std::string mode = argv[i];
    const int reps = std::atoi(argv[i + 1]);
    if ((mode != "speed" && mode != "digest" && mode != "trace") || reps < 1) return usage();
    for (int a = i + 2; a < argc; ++a) {
        auto sc = from.empty() ? scenario::load_scenario(argv[a]) : scenario::load_scenario_from(argv[a], from);
        if (years > 0) sc.horizon_days = years * scenario::kDaysPerYear;
        if (warmup >= 0) sc.warmup_days = warmup * scenario::kDaysPerYear;
        Fnv fnv;
        std::uint64_t events = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; ++r) {
            Fnv trace_fnv;
            HashingSink sink(trace_fnv);
            const auto res = model::simulate(sc, std::uint32_t(r), mode == "trace" ? &sink : nullptr);
            events += res.events;
            hash_result(fnv, res);
            if (mode == "trace") fnv.value(trace_fnv.h);
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (mode == "speed")
            std::printf("%s: %d replications, %llu events, %.3f s, %.2f M events/s\n", argv[a], reps,
                        static_cast<unsigned long long>(events), s, double(events) / s / 1e6);
        else
            std::printf("%s %016llx %llu events\n", argv[a], static_cast<unsigned long long>(fnv.h),
                        static_cast<unsigned long long>(events));
    }
    return 0;
}
