#include "report/sweep_checksums.hpp"

#include "caseload/report/output.hpp"
#include "caseload/report/sweep_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace caseload::report::detail {

namespace fs = std::filesystem;

namespace {

// The files of a finished sweep folder whose checksums it records
// (checksums.csv, written when it finished) and merge verifies.
constexpr const char* kChecksummed[] = {"sweep.csv", "summary.csv", "design.csv"};
constexpr const char* kChecksums = "checksums.csv";

// 64-bit FNV-1a of a file, hex (as content_hash), read in pieces: sweep.csv may be large.
std::string file_checksum(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw SweepInputError("cannot read " + file.string() + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw SweepInputError(file.string() + " is not a regular file");
    }
    std::uint64_t h = 0xcbf29ce484222325ULL;
    std::vector<unsigned char> buf(std::size_t{1} << 20);
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            throw SweepInputError("cannot read " + file.string() + ": " + std::strerror(e));
        }
        if (n == 0) break;
        for (ssize_t i = 0; i < n; ++i) {
            h ^= buf[std::size_t(i)];
            h *= 0x100000001b3ULL;
        }
    }
    ::close(fd);
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

}  // namespace

void write_checksums(const fs::path& dir) {
    std::string text = "file,fnv1a64\n";
    for (const char* f : kChecksummed) {
        text += f;
        text += ',';
        text += file_checksum(dir / f);
        text += '\n';
    }
    write_file_atomic(dir / kChecksums, text);
}

// A shard's files are those it wrote when it finished: refused otherwise.
void verify_checksums(const fs::path& dir) {
    const fs::path list = dir / kChecksums;
    std::error_code ec;
    if (!fs::exists(list, ec))
        throw SweepInputError(dir.string() + " has no " + kChecksums +
                              " (an earlier version of caseload wrote it, or it was removed); run that shard again");
    ReadBack r = read_capped(list, std::uintmax_t{1} << 16);
    if (!r.error.empty()) throw SweepInputError(r.error);
    for (const char* f : kChecksummed) {
        std::string key = "\n";  // appended: GCC 12 warns falsely (-Wrestrict) on "\n" + std::string
        key += f;
        key += ',';
        const auto at = r.text.find(key);
        if (at == std::string::npos) throw SweepInputError(list.string() + " has no checksum of " + f);
        const std::string want = r.text.substr(at + key.size(), 16);
        const std::string got = file_checksum(dir / f);
        if (got != want)
            throw SweepInputError((dir / f).string() + " is not the file the shard wrote (its checksum is " + got +
                                  ", " + kChecksums + " says " + want +
                                  "); the shard is damaged (cut short or edited): run it again");
    }
}

}  // namespace caseload::report::detail
