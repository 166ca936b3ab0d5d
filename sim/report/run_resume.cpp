#include "caseload/report/run_resume.hpp"
#include "report/replication_codec.hpp"

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

std::string journal_record(std::size_t scenario, const model::ReplicationResult& r) {
    const auto s = std::uint32_t(scenario);
    const std::uint64_t bytes = detail::payload_bytes(r);
    std::string out(kHeaderBytes + bytes, '\0');  // the record's exact size, allocated once
    detail::write_payload(out.data() + kHeaderBytes, r);
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
    if (v1) return record_checksum_v1(scenario, payload) == sum ? detail::parse_replication_bytes_v1(payload) : std::nullopt;
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
