#include "report/json_reader.hpp"

#include "caseload/report/report.hpp"

#include <cstdint>

namespace caseload::report::detail {

const Json* Json::find(std::string_view key) const {
    for (const auto& m : members)
        if (m.key == key) return &m.value;
    return nullptr;
}

namespace {

class Parser {
public:
    Parser(std::string_view text, const std::string& label) : s_(text), label_(label) {}

    Json document() {
        Json v = value(0);
        skip_space();
        if (i_ != s_.size()) fail("unexpected text after the end of the document");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        std::size_t line = 1;
        for (std::size_t k = 0; k < i_ && k < s_.size(); ++k) line += s_[k] == '\n';
        throw ReportInputError(label_ + ":" + std::to_string(line) + ": " + what);
    }

    void skip_space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }

    bool take(char c) {
        skip_space();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!take(c)) fail(std::string("expected '") + c + "'");
    }

    bool word(std::string_view w) {
        if (s_.substr(i_, w.size()) == w) {
            i_ += w.size();
            return true;
        }
        return false;
    }

    Json value(int depth) {
        if (depth > 64) fail("nested too deeply");
        skip_space();
        if (i_ >= s_.size()) fail("unexpected end of the file");
        Json v;
        const char c = s_[i_];
        if (c == '{') {
            ++i_;
            v.kind = Json::Kind::object;
            if (take('}')) return v;
            do {
                skip_space();
                if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name in quotes");
                std::string key = string();
                expect(':');
                v.members.push_back(JsonMember{std::move(key), value(depth + 1)});
            } while (take(','));
            expect('}');
        } else if (c == '[') {
            ++i_;
            v.kind = Json::Kind::array;
            if (take(']')) return v;
            do v.items.push_back(value(depth + 1));
            while (take(','));
            expect(']');
        } else if (c == '"') {
            v.kind = Json::Kind::string;
            v.text = string();
        } else if (word("true")) {
            v.kind = Json::Kind::boolean;
            v.boolean = true;
        } else if (word("false")) {
            v.kind = Json::Kind::boolean;
        } else if (word("null")) {
            v.kind = Json::Kind::null;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v.kind = Json::Kind::number;
            const std::size_t start = i_;
            while (i_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[i_]) != std::string_view::npos) ++i_;
            v.text = std::string(s_.substr(start, i_ - start));
        } else {
            fail(std::string("unexpected character '") + c + "'");
        }
        return v;
    }

    unsigned hex4() {
        if (i_ + 4 > s_.size()) fail("a \\u escape needs four hex digits");
        unsigned u = 0;
        for (int k = 0; k < 4; ++k) {
            const char h = s_[i_++];
            u <<= 4;
            if (h >= '0' && h <= '9') u |= unsigned(h - '0');
            else if (h >= 'a' && h <= 'f') u |= unsigned(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') u |= unsigned(h - 'A' + 10);
            else fail("a \\u escape needs four hex digits");
        }
        return u;
    }

    static void append_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }

    std::string string() {
        ++i_;  // opening quote
        std::string out;
        while (true) {
            if (i_ >= s_.size()) fail("a string is not closed");
            const char c = s_[i_++];
            if (c == '"') return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) fail("a string is not closed");
            const char e = s_[i_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    std::uint32_t cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {
                        i_ += 2;
                        const std::uint32_t lo = hex4();
                        if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    append_utf8(out, cp);
                    break;
                }
                default: fail(std::string("unknown escape '\\") + e + "'");
            }
        }
    }

    std::string_view s_;
    const std::string& label_;
    std::size_t i_ = 0;
};

}  // namespace

Json parse_json(std::string_view text, const std::string& label) { return Parser(text, label).document(); }

}  // namespace caseload::report::detail
