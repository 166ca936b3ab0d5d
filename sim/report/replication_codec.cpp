// A replication kept for --resume, as text (replication files of earlier
// versions) and as the binary payload of a journal record (run_resume.cpp):
// every field, bit for bit.

#include "report/replication_codec.hpp"

#include "caseload/report/run_resume.hpp"
#include "caseload/scenario/loader.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <type_traits>

namespace caseload::report {

namespace {

constexpr const char* kReplicationVersion = "caseload replication 2";

// The weekly series in a payload: per sample one byte with a bit per field
// (bit k for the k-th field of WeeklySample) set when the field's 64 bits
// differ from the previous sample's (the first sample's from all-zero bits),
// then the 8 bytes of those fields, in field order. Most fields hold still
// from week to week (staff in post, vacancies, ...), so a sample takes a few
// bytes rather than 64; NaN payloads, -0.0 and infinities are kept as bits.
constexpr std::size_t kWeeklyFields = 8;
using WeekBits = std::array<std::uint64_t, kWeeklyFields>;
static_assert(std::is_trivially_copyable_v<model::WeeklySample> && sizeof(model::WeeklySample) == sizeof(WeekBits),
              "a WeeklySample is kept as 8 doubles: a field added to it needs the weekly encoding (and the record "
              "magic) changed");
static_assert(kWeeklyFields <= 8, "one byte of change bits per sample");
// Stops compiling when WeeklySample gains or loses a field.
constexpr bool weekly_fields_counted() {
    [[maybe_unused]] const auto [day, waitlist, load, fte, vacancies, absent, turnover, absenteeism] =
        model::WeeklySample{};
    return true;
}
static_assert(weekly_fields_counted());

WeekBits week_bits(const model::WeeklySample& w) { return std::bit_cast<WeekBits>(w); }

// Bit k set when field k changed.
unsigned changed_fields(const WeekBits& now, const WeekBits& before) {
    unsigned mask = 0;
    for (std::size_t k = 0; k < kWeeklyFields; ++k) mask |= unsigned(now[k] != before[k]) << k;
    return mask;
}

// The payload's bytes up to the weekly series (shared by both versions):
// counts, replication, bound, metrics, helped_within_weeks, ended_at_day,
// events, the periods.
std::size_t head_bytes(const model::ReplicationResult& r) {
    return 4 * 4 + 8 * (model::kMetricCount + model::kHelpedWeeks) + 8 + 8 + 4 + 4 +
           r.periods.size() * 8 * (2 + model::kPeriodMetricCount);
}

}  // namespace

// The payload's size, exactly (replication_bytes).
std::size_t detail::payload_bytes(const model::ReplicationResult& r) {
    std::size_t n = head_bytes(r) + 4 + 8 + r.weekly.size();
    WeekBits before{};
    for (const auto& w : r.weekly) {
        const WeekBits now = week_bits(w);
        n += 8 * std::size_t(std::popcount(changed_fields(now, before)));
        before = now;
    }
    return n;
}

namespace {


// Writes into memory the caller sized (payload_bytes).
class Put {
public:
    explicit Put(char* at) : at_(at) {}
    template <class T>
    void operator()(const T& v) {
        std::memcpy(at_, &v, sizeof(T));
        at_ += sizeof(T);
    }
    [[nodiscard]] const char* at() const { return at_; }

private:
    char* at_;
};

}  // namespace

// Writes the payload_bytes(r) bytes of r's payload at `out`.
void detail::write_payload(char* out, const model::ReplicationResult& r) {
    Put put(out);
    put(std::uint32_t(model::kMetricCount));
    put(std::uint32_t(model::kHelpedWeeks));
    put(r.replication);
    put(std::uint32_t(r.hit_waitlist_bound ? 1 : 0));
    for (const double v : r.metrics) put(v);
    for (const double v : r.helped_within_weeks) put(v);
    put(r.ended_at_day);
    put(r.events);
    put(std::uint32_t(model::kPeriodMetricCount));
    put(std::uint32_t(r.periods.size()));
    for (const auto& p : r.periods) {
        put(p.start_day);
        put(p.end_day);
        for (const double v : p.values) put(v);
    }
    put(std::uint32_t(kWeeklyFields));
    put(std::uint64_t(r.weekly.size()));
    WeekBits before{};
    for (const auto& w : r.weekly) {
        const WeekBits now = week_bits(w);
        const unsigned mask = changed_fields(now, before);
        put(std::uint8_t(mask));
        for (std::size_t k = 0; k < kWeeklyFields; ++k)
            if (mask >> k & 1U) put(now[k]);
        before = now;
    }
}

namespace {


template <class T>
bool get_raw(std::string_view& in, T& v) {
    if (in.size() < sizeof(T)) return false;
    std::memcpy(&v, in.data(), sizeof(T));
    in.remove_prefix(sizeof(T));
    return true;
}

// Reads what head_bytes counts; false when `in` is not that.
bool parse_head(std::string_view& in, model::ReplicationResult& r) {
    std::uint32_t metrics = 0, helped = 0, bound = 0;
    if (!get_raw(in, metrics) || !get_raw(in, helped) || metrics != model::kMetricCount ||
        helped != model::kHelpedWeeks || !get_raw(in, r.replication) || !get_raw(in, bound) || bound > 1)
        return false;
    r.hit_waitlist_bound = bound == 1;
    for (double& v : r.metrics)
        if (!get_raw(in, v)) return false;
    for (double& v : r.helped_within_weeks)
        if (!get_raw(in, v)) return false;
    if (!get_raw(in, r.ended_at_day) || !get_raw(in, r.events)) return false;
    std::uint32_t period_metrics = 0, periods = 0;
    if (!get_raw(in, period_metrics) || period_metrics != model::kPeriodMetricCount || !get_raw(in, periods) ||
        periods > in.size() / (8 * (2 + model::kPeriodMetricCount)))
        return false;
    r.periods.resize(periods);
    for (auto& p : r.periods) {
        if (!get_raw(in, p.start_day) || !get_raw(in, p.end_day)) return false;
        for (double& v : p.values)
            if (!get_raw(in, v)) return false;
    }
    return true;
}

}  // namespace

// The payload of a record of an earlier version (kRecordMagicV1): the head,
// then the number of weekly samples and each sample's 8 doubles.
std::optional<model::ReplicationResult> detail::parse_replication_bytes_v1(std::string_view in) {
    model::ReplicationResult r;
    std::uint64_t weeks = 0;
    if (!parse_head(in, r) || !get_raw(in, weeks)) return std::nullopt;
    if (in.size() % sizeof(WeekBits) != 0 || weeks != in.size() / sizeof(WeekBits)) return std::nullopt;
    r.weekly.resize(std::size_t(weeks));
    for (auto& w : r.weekly) {
        WeekBits bits{};
        for (auto& b : bits) get_raw(in, b);
        w = std::bit_cast<model::WeeklySample>(bits);
    }
    return r;
}

namespace {

// Shortest text that reads back to the same double (std::to_chars
// guarantees the round trip); "nan" and "inf" read back too.
void put(std::ostringstream& o, double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    o << ' ' << std::string_view(buf, std::size_t(r.ptr - buf));
}

class Reader {
public:
    Reader(const std::string& text, const std::string& where) : in_(text), where_(where) {}
    void expect(const char* key) {
        std::string word;
        if (!(in_ >> word) || word != key) fail("expected '" + std::string(key) + "'");
    }
    double real() {
        const std::string w = word();
        double v = 0;
        const auto r = std::from_chars(w.data(), w.data() + w.size(), v);
        if (r.ec != std::errc{} || r.ptr != w.data() + w.size()) fail("'" + w + "' is not a number");
        return v;
    }
    std::uint64_t whole() {
        const std::string w = word();
        std::uint64_t v = 0;
        const auto r = std::from_chars(w.data(), w.data() + w.size(), v);
        if (r.ec != std::errc{} || r.ptr != w.data() + w.size()) fail("'" + w + "' is not a whole number");
        return v;
    }
    void end() {
        std::string extra;
        if (in_ >> extra) fail("unexpected '" + extra + "' after the end");
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw ResumeError(where_ + " is not a saved replication (" + what +
                          "); remove it to run that replication again, or add --force to start over");
    }

private:
    std::string word() {
        std::string w;
        if (!(in_ >> w)) fail("it ends early");
        return w;
    }
    std::istringstream in_;
    std::string where_;
};

}  // namespace

std::string replication_text(const model::ReplicationResult& r) {
    std::ostringstream o;
    o << kReplicationVersion << "\nreplication " << r.replication << "\nmetrics";
    for (const double v : r.metrics) put(o, v);
    o << "\nhelped_within_weeks";
    for (const double v : r.helped_within_weeks) put(o, v);
    o << "\nhit_waitlist_bound " << (r.hit_waitlist_bound ? 1 : 0) << "\nended_at_day";
    put(o, r.ended_at_day);
    o << "\nevents " << r.events << "\nweekly " << r.weekly.size() << "\n";
    for (const auto& w : r.weekly) {
        put(o, w.day);
        put(o, w.waitlist);
        put(o, w.load_per_fte);
        put(o, w.fte_in_post);
        put(o, w.vacancies);
        put(o, w.absent_fte);
        put(o, w.turnover);
        put(o, w.absenteeism);
        o << "\n";
    }
    o << "end\n";
    return o.str();
}

model::ReplicationResult parse_replication(const std::string& text, const std::string& where) {
    Reader in(text, where);
    if (text.rfind(std::string(kReplicationVersion) + "\n", 0) != 0) in.fail("no line '" + std::string(kReplicationVersion) + "'");
    in.expect("caseload");
    in.expect("replication");
    in.expect("2");
    model::ReplicationResult r;
    in.expect("replication");
    const std::uint64_t rep = in.whole();
    if (rep > UINT32_MAX) in.fail("replication " + std::to_string(rep));
    r.replication = std::uint32_t(rep);
    in.expect("metrics");
    for (double& v : r.metrics) v = in.real();
    in.expect("helped_within_weeks");
    for (double& v : r.helped_within_weeks) v = in.real();
    in.expect("hit_waitlist_bound");
    const std::uint64_t bound = in.whole();
    if (bound > 1) in.fail("hit_waitlist_bound " + std::to_string(bound));
    r.hit_waitlist_bound = bound == 1;
    in.expect("ended_at_day");
    r.ended_at_day = in.real();
    in.expect("events");
    r.events = in.whole();
    in.expect("weekly");
    const std::uint64_t weeks = in.whole();
    if (weeks > text.size()) in.fail("weekly " + std::to_string(weeks));  // each week takes more than a byte
    r.weekly.resize(std::size_t(weeks));
    for (auto& w : r.weekly) {
        w.day = in.real();
        w.waitlist = in.real();
        w.load_per_fte = in.real();
        w.fte_in_post = in.real();
        w.vacancies = in.real();
        w.absent_fte = in.real();
        w.turnover = in.real();
        w.absenteeism = in.real();
    }
    in.expect("end");
    in.end();
    return r;
}

std::string replication_bytes(const model::ReplicationResult& r) {
    std::string out(detail::payload_bytes(r), '\0');
    detail::write_payload(out.data(), r);
    return out;
}

std::optional<model::ReplicationResult> parse_replication_bytes(std::string_view in) {
    model::ReplicationResult r;
    std::uint32_t fields = 0;
    std::uint64_t weeks = 0;
    // Each sample takes a byte at least, and a run has at most a sample a
    // week of the longest horizon: a count beyond either is not believed
    // (nor allocated; a sample can take one byte, so 64 bytes a byte).
    constexpr double kMaxWeeks = scenario::kMaxHorizonYears * scenario::kDaysPerYear / 7.0 + 1.0;
    if (!parse_head(in, r) || !get_raw(in, fields) || fields != kWeeklyFields || !get_raw(in, weeks) ||
        weeks > in.size() || double(weeks) > kMaxWeeks)
        return std::nullopt;
    r.weekly.resize(std::size_t(weeks));
    WeekBits before{};
    for (auto& w : r.weekly) {
        std::uint8_t mask = 0;
        // (bits above the fields: none while a sample has 8 fields)
        if (!get_raw(in, mask) || (unsigned(mask) >> kWeeklyFields) != 0) return std::nullopt;
        WeekBits now = before;
        for (std::size_t k = 0; k < kWeeklyFields; ++k)
            // A field marked changed that holds the same bits is not what replication_bytes writes.
            if (mask >> k & 1U && (!get_raw(in, now[k]) || now[k] == before[k])) return std::nullopt;
        w = std::bit_cast<model::WeeklySample>(now);
        before = now;
    }
    if (!in.empty()) return std::nullopt;
    return r;
}

}  // namespace caseload::report
