// Text that leaves the program and files that come back into it, made safe:
// CSV fields a spreadsheet would evaluate, control characters for the
// terminal and the report, and capped reads of the files of a results folder.

#include "caseload/report/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

namespace caseload::report {

namespace fs = std::filesystem;

ReadBack read_capped(const fs::path& file, std::uintmax_t max_bytes) {
    ReadBack out;
    // O_NONBLOCK: a FIFO put in the file's place must not hang the open.
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        out.error = "cannot read " + file.string() + ": " + std::strerror(errno);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        out.error = file.string() + " is not a regular file";
        return out;
    }
    if (std::uintmax_t(st.st_size) > max_bytes) {
        ::close(fd);
        out.error = file.string() + " is larger than " + std::to_string(max_bytes) + " bytes";
        return out;
    }
    std::string text(std::size_t(st.st_size) + 1, '\0');  // one byte more: a file that grew meanwhile is seen
    std::size_t at = 0;
    for (;;) {
        if (at == text.size()) {
            if (at > max_bytes) break;
            text.resize(std::size_t(std::min<std::uintmax_t>(2 * text.size(), max_bytes + 1)));
        }
        const ssize_t n = ::read(fd, text.data() + at, text.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.error = "cannot read " + file.string() + ": " + std::strerror(errno);
            ::close(fd);
            return out;
        }
        if (n == 0) break;
        at += std::size_t(n);
    }
    ::close(fd);
    if (at > max_bytes) {
        out.error = file.string() + " is larger than " + std::to_string(max_bytes) + " bytes";
        return out;
    }
    text.resize(at);
    out.text = std::move(text);
    return out;
}

namespace {
// The bytes of the UTF-8 sequence that `lead` starts (1 for ASCII or a stray byte).
std::size_t utf8_length(unsigned char lead) {
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    return 1;
}
}  // namespace

std::string printable(std::string_view text, std::string_view keep) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 || c == 0x7f) && keep.find(char(c)) == std::string_view::npos) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
            continue;
        }
        // C1 controls: U+0080-U+009F, C2 80-C2 9F in UTF-8.
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F &&
            static_cast<unsigned char>(text[i + 1]) >= 0x80) {
            const auto d = static_cast<unsigned char>(text[i + 1]);
            out += "\\u00";
            out += kHex[d >> 4];
            out += kHex[d & 15];
            ++i;
            continue;
        }
        // U+202A-U+202E (E2 80 AA-AE) and U+2066-U+2069 (E2 81 A6-A9).
        if (c == 0xE2 && i + 2 < text.size()) {
            const auto b = static_cast<unsigned char>(text[i + 1]), d = static_cast<unsigned char>(text[i + 2]);
            if ((b == 0x80 && d >= 0xAA && d <= 0xAE) || (b == 0x81 && d >= 0xA6 && d <= 0xA9)) {
                out += b == 0x80 ? "\\u202" : "\\u206";
                out += kHex[b == 0x80 ? d - 0xA0 : d - 0xA0];
                i += 2;
                continue;
            }
        }
        out += char(c);
    }
    return out;
}

std::size_t printable_prefix(std::string_view text) {
    // Look back over at most three bytes for the lead byte of a sequence not yet complete.
    for (std::size_t back = 1; back <= 3 && back <= text.size(); ++back) {
        const auto c = static_cast<unsigned char>(text[text.size() - back]);
        if (c < 0x80) return text.size();  // ASCII: nothing is cut off
        if (c >= 0xC0) return utf8_length(c) > back ? text.size() - back : text.size();
    }
    return text.size();
}

namespace {
// A whole number in the form a CSV reader takes as one: "-1.5", "+2", "-Inf", "1e-3".
bool reads_as_number(const std::string& s) {
    if (s == "-Inf" || s == "Inf" || s == "+Inf") return true;
    std::string_view v(s);
    if (!v.empty() && (v.front() == '-' || v.front() == '+')) v.remove_prefix(1);
    if (v.empty() || !(std::isdigit(static_cast<unsigned char>(v.front())) || v.front() == '.')) return false;
    double d = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), d);
    return r.ec == std::errc() && r.ptr == v.data() + v.size();
}
}  // namespace

std::string csv_field(const std::string& s) {
    // A spreadsheet evaluates a cell that starts with = + - @ (or a tab or
    // carriage return before one): such text, unless it is a plain number,
    // gets a leading apostrophe and is quoted, so that it shows as text. Text
    // that starts with an apostrophe gets one more, so that a reader gets the
    // text back exactly by dropping the first apostrophe of a quoted field.
    // One character alone (the verdict "-") holds no formula and stays as it is.
    const bool formula = s.size() > 1 && (s.front() == '\'' || (std::string_view("=+-@\t\r").find(s.front()) !=
                                                                      std::string_view::npos &&
                                                                  !reads_as_number(s)));
    if (!formula && s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = formula ? "\"'" : "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace caseload::report
