#include "caseload/report/run_resume.hpp"

#include "caseload/report/output.hpp"
#include "caseload/scenario/loader.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <type_traits>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <xxhash.h>

namespace caseload::report {

namespace fs = std::filesystem;

namespace {

constexpr const char* kReplicationVersion = "caseload replication 2";
constexpr const char* kManifestVersion = "caseload run-partial 1";
constexpr const char* kManifest = "manifest.txt";
constexpr const char* kJournal = "journal";
constexpr const char* kLock = ".lock";  // held by the live run (see SavedReplications::lock_)

// A journal record: a header, then the payload (replication_bytes). The
// header's checksum covers the scenario index and the payload, so a record
// cut short or overwritten by a crash is told from a whole one: XXH3 (64
// bits) of the payload, seeded with the scenario index.
constexpr char kRecordMagic[4] = {'C', 'L', 'R', '2'};
// The records of earlier versions of caseload: the same header, with a
// 64-bit FNV-1a checksum of the scenario index and the payload, and every
// weekly sample in full in the payload. A run an earlier version stopped
// (same manifest) is continued with the replications it kept.
constexpr char kRecordMagicV1[4] = {'C', 'L', 'R', '1'};
constexpr std::size_t kHeaderBytes = 4 + 4 + 8 + 8;  // magic, scenario, payload bytes, checksum
// A batch is written and synced when it holds this many replications or
// bytes, or its oldest replication has waited this long. The environment
// variable CASELOAD_SYNC_EVERY=N (1..64) makes batches of at most N
// replications (tests stop a run after a given number is on disk).
constexpr std::size_t kBatchRecords = 64;
constexpr std::size_t kBatchBytes = std::size_t{16} << 20;
constexpr auto kBatchAge = std::chrono::seconds(1);
// Beyond this many bytes queued (a slow disk), savers wait for the writer.
constexpr std::size_t kMaxQueuedBytes = std::size_t{64} << 20;

std::uint64_t record_checksum(std::uint32_t scenario, std::string_view payload) {
    return XXH3_64bits_withSeed(payload.data(), payload.size(), scenario);
}

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
constexpr std::uint64_t kFnvBasis = 0xcbf29ce484222325ULL;

std::uint64_t record_checksum_v1(std::uint32_t scenario, std::string_view payload) {
    return fnv1a(fnv1a(kFnvBasis, &scenario, sizeof scenario), payload.data(), payload.size());
}

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

// The payload's size, exactly (replication_bytes).
std::size_t payload_bytes(const model::ReplicationResult& r) {
    std::size_t n = head_bytes(r) + 4 + 8 + r.weekly.size();
    WeekBits before{};
    for (const auto& w : r.weekly) {
        const WeekBits now = week_bits(w);
        n += 8 * std::size_t(std::popcount(changed_fields(now, before)));
        before = now;
    }
    return n;
}

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

// Writes the payload_bytes(r) bytes of r's payload at `out`.
void write_payload(char* out, const model::ReplicationResult& r) {
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

// The payload of a record of an earlier version (kRecordMagicV1): the head,
// then the number of weekly samples and each sample's 8 doubles.
std::optional<model::ReplicationResult> parse_replication_bytes_v1(std::string_view in) {
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

std::string journal_record(std::size_t scenario, const model::ReplicationResult& r) {
    const auto s = std::uint32_t(scenario);
    const std::uint64_t bytes = payload_bytes(r);
    std::string out(kHeaderBytes + bytes, '\0');  // the record's exact size, allocated once
    write_payload(out.data() + kHeaderBytes, r);
    const std::uint64_t sum = record_checksum(s, std::string_view(out).substr(kHeaderBytes));
    std::memcpy(out.data(), kRecordMagic, 4);
    std::memcpy(out.data() + 4, &s, 4);
    std::memcpy(out.data() + 8, &bytes, 8);
    std::memcpy(out.data() + 16, &sum, 8);
    return out;
}

// A record's replication, when its header and payload pass every check.
std::optional<model::ReplicationResult> check_record(const char* header, std::string_view payload,
                                                     std::uint32_t& scenario) {
    const bool v1 = std::memcmp(header, kRecordMagicV1, 4) == 0;
    std::uint64_t sum = 0;
    std::memcpy(&scenario, header + 4, 4);
    std::memcpy(&sum, header + 16, 8);
    if (v1) return record_checksum_v1(scenario, payload) == sum ? parse_replication_bytes_v1(payload) : std::nullopt;
    return record_checksum(scenario, payload) == sum ? parse_replication_bytes(payload) : std::nullopt;
}

bool record_magic(const char* header) {
    return std::memcmp(header, kRecordMagic, 4) == 0 || std::memcmp(header, kRecordMagicV1, 4) == 0;
}

// Reads the whole records of a journal in order, calling f(scenario,
// result, where the record starts, its payload's length) for each; stops at the first that is cut
// short or damaged. Returns the bytes the whole records take; `damaged`
// (when given) is set when it stopped at a whole record that fails its
// checks (not a tail cut short by a kill).
template <class F>
std::uint64_t read_journal(const fs::path& file, F&& f, bool* damaged = nullptr) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return 0;
    std::error_code ec;
    const std::uint64_t size = fs::file_size(file, ec);
    if (ec) return 0;
    std::uint64_t good = 0;
    std::string payload;
    for (;;) {
        char header[kHeaderBytes];
        if (size - good < kHeaderBytes || !in.read(header, kHeaderBytes)) break;
        if (!record_magic(header)) {
            if (damaged) *damaged = true;
            break;
        }
        std::uint64_t bytes = 0;
        std::memcpy(&bytes, header + 8, 8);
        if (bytes > size - good - kHeaderBytes) break;
        payload.resize(std::size_t(bytes));
        if (!in.read(payload.data(), std::streamsize(bytes))) break;
        std::uint32_t scenario = 0;
        auto r = check_record(header, payload, scenario);
        if (!r) {
            if (damaged) *damaged = true;
            break;
        }
        f(std::size_t(scenario), std::move(*r), good, bytes);
        good += kHeaderBytes + bytes;
    }
    return good;
}

// Reads exactly `n` bytes at `offset`: 0, else the error (errno), or -1
// when the file ends before.
int read_at(int fd, char* out, std::size_t n, std::uint64_t offset) {
    while (n > 0) {
        const ssize_t got = ::pread(fd, out, n, off_t(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return errno;
        if (got == 0) return -1;
        out += got;
        n -= std::size_t(got);
        offset += std::uint64_t(got);
    }
    return 0;
}

void sync_folder(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

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

// A kept file: regular, capped in size (a link to /dev/zero must not fill memory).
std::string read_kept(const fs::path& p, std::uintmax_t max_bytes) {
    ReadBack r = read_capped(p, max_bytes);
    if (!r.error.empty())
        throw ResumeError(r.error + "; it is not what an interrupted run keeps: remove it, or add --force to start over");
    return std::move(r.text);
}

// One line per scenario: what makes its replications what they are.
std::vector<std::string> manifest_lines(const std::vector<scenario::Scenario>& scenarios,
                                        const std::vector<std::string>& yamls) {
    std::vector<std::string> lines{kManifestVersion, "scenarios " + std::to_string(scenarios.size())};
    for (std::size_t i = 0; i < scenarios.size(); ++i)
        lines.push_back("scenario " + std::to_string(i) + " hash " + content_hash(yamls[i]) + " seed " +
                        std::to_string(scenarios[i].seed) + " replications " +
                        std::to_string(scenarios[i].replications));
    // Results version 1 has no line: manifests written before the version
    // was recorded are of version 1 and read as such.
    if (model::kResultsVersion > 1) lines.push_back("results " + std::to_string(model::kResultsVersion));
    return lines;
}

// The results version a manifest names ("1" when it names none).
std::string results_version(const std::vector<std::string>& manifest) {
    for (const auto& line : manifest)
        if (line.starts_with("results ")) return line.substr(8);
    return "1";
}

// The word after `key` in a manifest line ("" when none).
std::string field(const std::string& line, const std::string& key) {
    std::istringstream in(line);
    std::string w;
    while (in >> w)
        if (w == key && in >> w) return w;
    return "";
}

// Why the kept replications are not those of this run, for people.
std::string mismatch(const std::vector<std::string>& kept, const std::vector<std::string>& now) {
    if (results_version(kept) != results_version(now))
        return "results version " + results_version(kept) + " of caseload, and this caseload's results are version " +
               results_version(now) + " (the same seed gives other numbers; replications of the two are not mixed)";
    if (kept.size() == now.size() && kept[0] == now[0] && kept[1] == now[1]) {
        for (std::size_t i = 2; i < now.size(); ++i) {
            if (field(kept[i], "seed") != field(now[i], "seed"))
                return "seed " + field(kept[i], "seed") + ", not " + field(now[i], "seed");
            if (field(kept[i], "replications") != field(now[i], "replications"))
                return field(kept[i], "replications") + " replications, not " + field(now[i], "replications");
        }
    }
    return "other scenarios (a scenario file changed, or other files were given)";
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return text;
}

// "S-R.rep" -> (S, R).
bool parse_name(const std::string& name, std::size_t& scenario, std::size_t& replication) {
    const auto dash = name.find('-');
    if (dash == std::string::npos || !name.ends_with(".rep")) return false;
    const char* b = name.data();
    const char* m = b + dash;
    const char* e = b + name.size() - 4;
    const auto r1 = std::from_chars(b, m, scenario);
    const auto r2 = std::from_chars(m + 1, e, replication);
    return b != m && m + 1 != e && r1.ec == std::errc{} && r1.ptr == m && r2.ec == std::errc{} && r2.ptr == e;
}

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
    std::string out(payload_bytes(r), '\0');
    write_payload(out.data(), r);
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

std::size_t count_kept(const fs::path& staging) {
    std::size_t n = 0;
    read_journal(staging / kJournal, [&n](std::size_t, model::ReplicationResult&&, std::uint64_t, std::uint64_t) { ++n; });
    std::error_code ec;
    for (fs::directory_iterator it(staging, ec), end; !ec && it != end; it.increment(ec)) {
        std::size_t s = 0, r = 0;
        if (parse_name(it->path().filename().string(), s, r)) ++n;
    }
    return n;
}

// Appends records to the journal from a thread of its own, in batches, each
// written and synced before the next (see the header for when).
class SavedReplications::Journal {
public:
    explicit Journal(fs::path file) : file_(std::move(file)) {
        if (const char* every = std::getenv("CASELOAD_SYNC_EVERY")) {
            std::size_t n = 0;
            const auto r = std::from_chars(every, every + std::strlen(every), n);
            if (r.ec == std::errc{} && n >= 1 && n <= kBatchRecords) batch_records_ = n;
        }
        fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd_ < 0) throw OutputError("cannot create " + file_.string() + ": " + std::strerror(errno));
        sync_folder(file_.parent_path());
        writer_ = std::thread([this] { run(); });
    }
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;
    ~Journal() {
        try {
            finish(false);
        } catch (...) {  // NOLINT(bugprone-empty-catch): a failing run is already being reported
        }
        if (fd_ >= 0) ::close(fd_);
    }

    void append(std::string record) {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [this] { return queued_bytes_ < kMaxQueuedBytes || !error_.empty() || done_; });
        if (!error_.empty()) throw OutputError(error_);
        if (done_) throw OutputError("a replication saved after the journal " + file_.string() + " was closed");
        if (queue_.empty()) oldest_ = std::chrono::steady_clock::now();
        queued_bytes_ += record.size();
        queue_.push_back(std::move(record));
        ++queued_records_;
        if (queued_records_ >= batch_records_ || queued_bytes_ >= kBatchBytes) wake_.notify_one();
    }

    // Stop the writer; with `write`, write and sync what is queued first.
    // Throws OutputError when something could not be written.
    void finish(bool write) {
        {
            std::lock_guard lock(mutex_);
            if (!writer_.joinable()) return;
            done_ = true;
            if (!write) {
                queue_.clear();
                queued_records_ = queued_bytes_ = 0;
            }
        }
        wake_.notify_one();
        room_.notify_all();
        writer_.join();
        if (write && !error_.empty()) throw OutputError(error_);
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_.wait(lock, [this] { return done_ || !queue_.empty(); });
            if (!done_)
                wake_.wait_until(lock, oldest_ + kBatchAge, [this] {
                    return done_ || queued_records_ >= batch_records_ || queued_bytes_ >= kBatchBytes;
                });
            if (queue_.empty()) {
                if (done_) return;
                continue;
            }
            std::vector<std::string> batch;
            batch.swap(queue_);
            queued_records_ = queued_bytes_ = 0;
            room_.notify_all();
            lock.unlock();
            const std::string failed = write_and_sync(batch);
            lock.lock();
            if (!failed.empty()) {
                error_ = failed;
                room_.notify_all();
                return;
            }
        }
    }

    // Empty on success, else the error for people.
    std::string write_and_sync(const std::vector<std::string>& batch) {
        for (const std::string& record : batch) {
            std::size_t at = 0;
            while (at < record.size()) {
                const ssize_t n = ::write(fd_, record.data() + at, record.size() - at);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) return "cannot write " + file_.string() + ": " + std::strerror(n < 0 ? errno : ENOSPC);
                at += std::size_t(n);
            }
        }
        while (::fdatasync(fd_) != 0)
            if (errno != EINTR) return "cannot write " + file_.string() + ": " + std::strerror(errno);
        return "";
    }

    fs::path file_;
    std::size_t batch_records_ = kBatchRecords;
    int fd_ = -1;
    std::thread writer_;
    std::mutex mutex_;
    std::condition_variable wake_, room_;
    std::vector<std::string> queue_;
    std::size_t queued_records_ = 0, queued_bytes_ = 0;
    std::chrono::steady_clock::time_point oldest_;
    bool done_ = false;
    std::string error_;
};

fs::path run_staging(const fs::path& dir) {
    const fs::path d = dir.filename().empty() ? dir.parent_path() : dir;  // "out/" -> "out"
    const fs::path parent = d.has_parent_path() ? d.parent_path() : fs::path(".");
    std::string name = ".";
    name += d.filename().string();
    name += ".run-partial";
    return parent / name;
}

SavedReplications::Fd::~Fd() {
    if (fd >= 0) ::close(fd);
}

void SavedReplications::lock(const fs::path& dir) {
    const fs::path file = staging_ / kLock;
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw OutputError("cannot create " + file.string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        ::close(fd);
        if (e == EWOULDBLOCK)
            throw OutputExists("another caseload run is writing " + dir.string() + "; wait for it or stop it first");
        throw OutputError("cannot lock " + file.string() + ": " + std::strerror(e));
    }
    if (lock_.fd >= 0) ::close(lock_.fd);
    lock_.fd = fd;
}

SavedReplications::SavedReplications(fs::path dir, const std::vector<scenario::Scenario>& scenarios,
                                     const std::vector<std::string>& yamls, Mode mode)
    : staging_(run_staging(dir)), done_(scenarios.size()), records_(scenarios.size()) {
    const std::vector<std::string> manifest = manifest_lines(scenarios, yamls);
    std::error_code ec;
    // A live run into the same folder holds the lock: refused before its replications are looked at.
    if (fs::is_directory(fs::symlink_status(staging_, ec))) lock(dir);
    if (fs::exists(fs::symlink_status(staging_, ec))) {
        if (mode == Mode::fresh)
            throw OutputExists("the replications of an interrupted run into " + dir.string() + " are kept in " +
                               staging_.string() + "; add --resume to continue it, or --force to start over");
        const fs::path m = staging_ / kManifest;
        if (mode == Mode::force || !fs::exists(m, ec)) {
            // Start over (or finish setting up a folder whose set-up was cut short).
            fs::remove_all(staging_, ec);
            if (ec) throw OutputError("cannot remove " + staging_.string() + ": " + ec.message());
        } else {
            const std::vector<std::string> kept = split_lines(read_kept(m, kMaxMetadataBytes));
            if (kept != manifest)
                throw ResumeError("the interrupted run in " + staging_.string() + " was started with " +
                                  mismatch(kept, manifest) +
                                  "; resume it with the same files and options, or add --force to start over");
        }
    }
    if (!fs::exists(staging_ / kManifest, ec)) {
        fs::create_directories(staging_, ec);
        if (ec) throw OutputError("cannot create " + staging_.string() + ": " + ec.message());
        lock(dir);
        write_file_atomic(staging_ / kManifest, join_lines(manifest));
        journal_ = std::make_unique<Journal>(staging_ / kJournal);
        return;
    }

    resuming_ = true;
    // The replications kept. Temporary files of writes that were cut short are removed.
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
        done_[s].resize(std::size_t(scenarios[s].replications));
        records_[s].resize(std::size_t(scenarios[s].replications));
    }
    std::vector<fs::path> partial;
    for (const auto& e : fs::directory_iterator(staging_)) {
        const std::string name = e.path().filename().string();
        if (name == kManifest || name == kJournal || name == kLock) continue;
        if (!name.empty() && name[0] == '.') {
            partial.push_back(e.path());
            continue;
        }
        std::size_t s = 0, r = 0;
        if (!parse_name(name, s, r) || s >= done_.size() || r >= done_[s].size())
            throw ResumeError("unexpected file " + e.path().string() +
                              " in an interrupted run; remove it, or add --force to start over");
        // A replication file of an earlier version carries no checksum: a
        // damaged value could not be told from a true one, so it is not
        // used; its replication runs again (and goes into the journal).
        notices_.push_back(e.path().string() + " has no checksum (an earlier version of caseload wrote it); it is not "
                                               "used: replication " + std::to_string(r) + " runs again");
        partial.push_back(e.path());
    }
    for (const auto& p : partial) fs::remove(p, ec);
    // The journal's whole records; a record cut short by a kill, and
    // anything after it, is cut off so that new records follow whole ones.
    const fs::path journal = staging_ / kJournal;
    if (fs::exists(fs::symlink_status(journal, ec)) && !fs::is_regular_file(fs::symlink_status(journal, ec)))
        throw ResumeError(journal.string() +
                          " is not a regular file; it is not what an interrupted run keeps: add --force to start over");
    bool damaged = false;
    const std::uint64_t good = read_journal(journal, [&](std::size_t s, model::ReplicationResult&& result,
                                                         std::uint64_t at, std::uint64_t bytes) {
        if (s >= done_.size() || result.replication >= done_[s].size())
            throw ResumeError(journal.string() + " holds replication " + std::to_string(result.replication) +
                              " of scenario " + std::to_string(s) +
                              ", which this run does not have; add --force to start over");
        if (!done_[s][result.replication]) ++count_;
        done_[s][result.replication] = 1;
        records_[s][result.replication] = {at, bytes};  // a later record of the same replication wins
    }, &damaged);
    if (damaged)
        notices_.push_back(journal.string() + " is damaged after " + std::to_string(good) +
                           " bytes (a record fails its checksum); the replications from there on are not used and "
                           "run again");
    if (fs::exists(journal, ec) && fs::file_size(journal, ec) != good) {
        fs::resize_file(journal, good, ec);
        if (ec) throw OutputError("cannot repair " + journal.string() + ": " + ec.message());
    }
    journal_ = std::make_unique<Journal>(journal);
    if (count_ > 0) {
        reader_.fd = ::open(journal.c_str(), O_RDONLY | O_CLOEXEC);
        if (reader_.fd < 0) throw OutputError("cannot read " + journal.string() + ": " + std::strerror(errno));
    }
}

model::ReplicationResult SavedReplications::load(std::size_t scenario, std::uint32_t replication) const {
    const fs::path journal = staging_ / kJournal;
    if (scenario >= done_.size() || replication >= done_[scenario].size() || !done_[scenario][replication])
        throw std::logic_error("replication " + std::to_string(replication) + " of scenario " +
                               std::to_string(scenario) + " is not kept in " + journal.string());
    const Record& kept = records_[scenario][replication];
    char header[kHeaderBytes];
    std::string payload(std::size_t(kept.bytes), '\0');
    int error = read_at(reader_.fd, header, kHeaderBytes, kept.at);
    if (error == 0) error = read_at(reader_.fd, payload.data(), payload.size(), kept.at + kHeaderBytes);
    std::optional<model::ReplicationResult> r;
    std::uint32_t s = 0;
    std::uint64_t bytes = 0;
    if (error == 0 && record_magic(header)) {
        std::memcpy(&bytes, header + 8, 8);
        if (bytes == kept.bytes) r = check_record(header, payload, s);
    }
    if (!r || s != scenario || r->replication != replication)
        throw OutputError("cannot read back replication " + std::to_string(replication) + " from " + journal.string() +
                          " at byte " + std::to_string(kept.at) + ": " +
                          (error > 0 ? std::strerror(error) : "it changed while the run was going"));
    return std::move(*r);
}

SavedReplications::~SavedReplications() {
    if (keep_ || resuming_) {
        // A run that failed after resuming keeps what it finished, as far as it can.
        if (journal_) {
            try {
                journal_->finish(true);
            } catch (...) {  // NOLINT(bugprone-empty-catch): the failure itself is being reported
            }
        }
        // Done with the folder: what is kept is the manifest and the journal, nothing else.
        std::error_code ec;
        fs::remove(staging_ / kLock, ec);
        return;
    }
    journal_.reset();
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

void SavedReplications::save(std::size_t scenario, const model::ReplicationResult& r) {
    journal_->append(journal_record(scenario, r));
}

void SavedReplications::keep() {
    keep_ = true;
    journal_->finish(true);
}

// Best effort: the results are in place, and a folder left behind is refused
// by name (with --resume or --force as the way out), never used unnoticed.
void SavedReplications::remove() {
    journal_.reset();
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

}  // namespace caseload::report
