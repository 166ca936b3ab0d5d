// Reading and guarding YAML text (see yaml_text.hpp), the error type, and
// the words messages share: "did you mean", what a node holds, numbers.

#include "scenario/yaml_text.hpp"

#include "caseload/scenario/scenario.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace caseload::scenario {

namespace fs = std::filesystem;

namespace {

std::string format_error(const Location& w, const std::string& path, const std::string& msg, const std::string& sug) {
    std::ostringstream o;
    o << (w.file.empty() ? "<input>" : w.file);
    if (w.line > 0) o << ':' << w.line << ':' << w.column;
    o << ": ";
    if (!path.empty()) o << path << ": ";
    o << msg;
    if (!sug.empty()) o << " (did you mean '" << sug << "'?)";
    return o.str();
}

}  // namespace

ScenarioError::ScenarioError(Location where, std::string key_path, std::string message, std::string suggestion)
    : std::runtime_error(format_error(where, key_path, message, suggestion)),
      where_(std::move(where)),
      key_path_(std::move(key_path)),
      message_(std::move(message)),
      suggestion_(std::move(suggestion)) {}

namespace {

std::string list_errors(const std::vector<ScenarioError>& errors, std::size_t not_listed) {
    std::string text;
    for (const auto& e : errors) text += (text.empty() ? "" : "\nerror: ") + std::string(e.what());
    if (not_listed > 0)
        text += "\nnote: " + std::to_string(not_listed) + " more error" + (not_listed == 1 ? "" : "s") + " in " +
                (errors.front().where().file.empty() ? std::string("<input>") : errors.front().where().file) +
                " not listed (the first " + std::to_string(errors.size()) + " are)";
    return text;
}

}  // namespace

ScenarioError::ScenarioError(std::vector<ScenarioError> errors, std::size_t not_listed)
    : std::runtime_error(list_errors(errors, not_listed)),
      where_(errors.front().where_),
      key_path_(errors.front().key_path_),
      message_(errors.front().message_),
      suggestion_(errors.front().suggestion_),
      errors_(std::move(errors)) {}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = std::string::npos;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    // Plausible only when the typo is small relative to the word.
    const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
    return best_d <= allowed ? best : std::string{};
}

namespace detail {

std::string child_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

std::string describe(const YAML::Node& n) {
    if (!n.IsDefined() || n.IsNull()) return "nothing";
    if (n.IsSequence()) return n.size() ? "a list" : "an empty list";
    if (n.IsMap()) return n.size() ? "a mapping" : "an empty mapping";
    std::string s = n.Scalar();
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return "'" + s + "'";
}

std::string format_number(double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string days_text(double days) {
    const double years = days / kDaysPerYear;
    if (years >= 1 && years == std::floor(years)) return format_number(years) + "y";
    return format_number(days) + "d";
}


Location location_of(const std::string& text, std::size_t pos, const std::string& label) {
    int line = 1, col = 1;
    for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++col;  // count characters, not the bytes of one
        }
    }
    return Location{label, line, col};
}

// Where brackets ('[' or '{', outside quotes and comments) first nest deeper
// than `limit`, or npos. Only used to place an error yaml-cpp reports without
// a useful place.
std::size_t first_deep_bracket(const std::string& text, int limit) {
    int depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            if (c == '\\' && quote == '"') ++i;
            else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n')) {
            while (i < text.size() && text[i] != '\n') ++i;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::string::npos;
}

// yaml-cpp's words for the commonest mistakes, and what was expected.
std::string syntax_hint(const std::string& msg) {
    if (msg == "end of sequence flow not found") return "; expected a ']' to close the list opened with '['";
    if (msg == "end of map flow not found") return "; expected a '}' to close the mapping opened with '{'";
    if (msg == "end of map not found" || msg == "end of sequence not found")
        return "; expected the lines of a block to be indented alike (spaces, not tabs)";
    if (msg == "illegal tab when looking for indentation") return "; expected spaces to indent (YAML does not allow tabs)";
    if (msg == "illegal map value") return "; expected one 'key: value' per line (quote a value that holds ': ')";
    if (msg == "unknown escape character") return "; expected \\\\ for a backslash inside double quotes";
    return "";
}

// yaml-cpp takes a quoted text that runs to the end of the file as if it had
// been closed there, swallowing every line after it. A quoted scalar whose
// closing quote is not in the file is an error at its opening quote.
void check_quotes_closed(const YAML::Node& root, const std::string& text, const std::string& label) {
    std::set<std::size_t> seen;  // aliases share nodes: visit each place once
    std::vector<YAML::Node> todo{root};
    while (!todo.empty()) {
        const YAML::Node n = todo.back();
        todo.pop_back();
        if (!n.IsDefined()) continue;
        const YAML::Mark m = n.Mark();
        if (!m.is_null() && !seen.insert(std::size_t(m.pos) * 4 + std::size_t(n.Type())).second) continue;
        if (n.IsScalar()) {
            const std::size_t pos = m.is_null() ? std::string::npos : std::size_t(m.pos);
            if (n.Tag() != "!" || pos >= text.size() || (text[pos] != '"' && text[pos] != '\'')) continue;
            const char q = text[pos];
            std::size_t i = pos + 1;
            for (; i < text.size(); ++i) {
                if (q == '"' && text[i] == '\\') {
                    ++i;
                } else if (text[i] == q) {
                    if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;  // '' is a quote inside
                    else break;
                }
            }
            if (i >= text.size())
                throw ScenarioError(location_of(text, pos, label), "",
                                    std::string("YAML syntax error: a quoted text opened here is never closed; expected a closing ") +
                                        q + " on the same line");
        } else if (n.IsSequence()) {
            for (const auto& e : n) todo.push_back(e);
        } else if (n.IsMap()) {
            for (const auto& kv : n) {
                todo.push_back(kv.first);
                todo.push_back(kv.second);
            }
        }
    }
}

// Where the documents after the first begin, found through yaml-cpp's event
// interface, which builds no nodes. yaml-cpp 0.7's LoadAll never returns on a
// document that starts with a token its parser does not consume (a ',' at the
// top level): it appends empty documents until memory runs out. Here a
// document that starts where the previous one started is that case, and an
// error at its place.
class DocumentScan : public YAML::EventHandler {
public:
    // Whether the document just handled holds anything but an empty value,
    // and where its first event was.
    bool content = false;
    YAML::Mark first = YAML::Mark::null_mark();
    YAML::Mark first_content = YAML::Mark::null_mark();

    void reset() {
        content = false;
        first = first_content = YAML::Mark::null_mark();
    }
    void OnDocumentStart(const YAML::Mark& m) override { see(m); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t) override { see(m); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { see(m, true); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { see(m, true); }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        see(m, true);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        see(m, true);
    }
    void OnMapEnd() override {}

private:
    void see(const YAML::Mark& m, bool is_content = false) {
        if (first.is_null()) first = m;
        if (is_content && !content) first_content = m;
        content |= is_content;
    }
};

// Throws a located ScenarioError when `text` holds a second, non-empty YAML
// document, or a document yaml-cpp cannot get past.
void check_single_document(const std::string& text, const std::string& label) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentScan scan;
    std::optional<int> last_start;
    for (std::size_t index = 0;; ++index) {
        scan.reset();
        if (!parser.HandleNextDocument(scan)) return;
        const YAML::Mark m = scan.first;
        const auto at = [&](const YAML::Mark& k) {
            return k.is_null() ? Location{label, 1, 1} : Location{label, k.line + 1, k.column + 1};
        };
        if (!m.is_null() && last_start == m.pos) {
            const char c = m.pos >= 0 && std::size_t(m.pos) < text.size() ? text[std::size_t(m.pos)] : ' ';
            throw ScenarioError(at(m), "",
                                c == ','
                                    ? std::string("YAML syntax error: a ',' where a value should start; expected "
                                                  "'key: value' lines (',' separates items only inside [ ] or { })")
                                    : std::string("YAML syntax error: the parser cannot go on from here; expected "
                                                  "'key: value' lines"));
        }
        if (!m.is_null()) last_start = m.pos;
        // An empty document (a trailing '---') is harmless.
        if (index > 0 && scan.content)
            throw ScenarioError(at(scan.first_content), "",
                                "a second YAML document starts here (after '---' or '...'); expected one scenario "
                                "per file");
    }
}

// The first tab in the indentation of the lines up to line `last` (0-based),
// or else on line `last` itself; npos when there is none.
std::size_t tab_up_to(const std::string& text, int last) {
    std::size_t start = 0;
    for (int line = 0; start <= text.size(); ++line) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        for (std::size_t i = start; i < end && (text[i] == ' ' || text[i] == '\t'); ++i)
            if (text[i] == '\t') return i;
        if (line >= last) {
            const std::size_t t = text.find('\t', start);
            return t < end ? t : std::string::npos;
        }
        start = end + 1;
    }
    return std::string::npos;
}

YAML::Node parse_yaml(const std::string& text, const std::string& label) {
    YAML::Node root;
    try {
        // All documents, not only the first: a stray '---' must not silently drop the rest of a file.
        check_single_document(text, label);
        root = YAML::Load(text);
    } catch (const YAML::DeepRecursion& e) {
        const std::size_t deep = first_deep_bracket(text, e.depth() - 1);
        const Location at = deep != std::string::npos
                                ? location_of(text, deep, label)
                                : Location{label, e.mark.line + 1, e.mark.column + 1};
        throw ScenarioError(at, "",
                            "YAML nested " + std::to_string(e.depth()) +
                                " levels deep here, where the parser stops; expected a scenario nested a few levels at most");
    } catch (const YAML::Exception& e) {
        // A tab where YAML wants spaces is the likeliest cause: say so, at the tab.
        const std::size_t tab = tab_up_to(text, e.mark.is_null() ? 0 : e.mark.line);
        if (tab != std::string::npos)
            throw ScenarioError(location_of(text, tab, label), "",
                                "YAML syntax error: a tab character here; YAML indents with spaces only, "
                                "expected spaces instead of the tab");
        throw ScenarioError(Location{label, e.mark.is_null() ? 1 : e.mark.line + 1, e.mark.is_null() ? 1 : e.mark.column + 1},
                            "", "YAML syntax error: " + e.msg + syntax_hint(e.msg));
    }
    check_quotes_closed(root, text, label);
    return root;
}

std::string size_text(std::size_t bytes) {
    return bytes >= (1u << 20) ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes >> 10) + " KiB";
}

std::string read_file(const fs::path& file, const Location* where, std::size_t limit) {
    const Location at = where ? *where : Location{file.string(), 0, 0};
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ScenarioError(at, "", "cannot open '" + file.string() + "' (does it exist, and may you read it?)");
    std::string text(limit + 1, '\0');
    in.read(text.data(), std::streamsize(text.size()));
    text.resize(std::size_t(in.gcount()));
    if (text.size() > limit)
        throw ScenarioError(at, "", "'" + file.string() + "' is larger than " + size_text(limit) +
                                        "; expected a smaller file (the limits are kMaxYamlBytes and kMaxCsvBytes in "
                                        "include/caseload/scenario/loader.hpp)");
    return text;
}

// The *.yaml files beside `file`, for "did you mean" on a missing file.
std::vector<std::string> yaml_files_beside(const fs::path& file) {
    std::vector<std::string> names;
    std::error_code ec;
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    fs::directory_iterator it(dir, ec), end;
    for (int n = 0; !ec && it != end && n < 1000; it.increment(ec), ++n) {
        const auto ext = it->path().extension();
        if (ext == ".yaml" || ext == ".yml") names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

void check_named_file(const fs::path& file, const Location& where, const std::string& key_path, const std::string& what) {
    std::error_code ec;
    const auto st = fs::status(file, ec);
    if (ec || !fs::exists(st)) {
        std::string sug = nearest(file.filename().string(), yaml_files_beside(file));
        if (!sug.empty() && sug == file.filename().string()) sug.clear();
        throw ScenarioError(where, key_path,
                            "cannot find the file '" + file.string() + "' " + what + " (paths are relative to this file)",
                            sug);
    }
    if (fs::is_directory(st))
        throw ScenarioError(where, key_path, "'" + file.string() + "' is a folder; expected a file " + what);
    if (!fs::is_regular_file(st))
        throw ScenarioError(where, key_path, "'" + file.string() + "' is not a regular file; expected a file " + what);
}

WholeNumber read_whole_number(const std::string& s, std::int64_t& v) {
    const char* b = s.data();
    const char* e = s.data() + s.size();
    if (b != e && *b == '+') ++b;
    const auto r = std::from_chars(b, e, v);
    if (r.ec == std::errc::result_out_of_range) return WholeNumber::out_of_range;
    return r.ec != std::errc{} || r.ptr != e ? WholeNumber::not_a_number : WholeNumber::ok;
}

void check_text(const std::string& text, const std::string& label) {
    if (text.size() > kMaxYamlBytes)
        throw ScenarioError(Location{label, 1, 1}, "",
                            "the text is larger than " + size_text(kMaxYamlBytes) +
                                "; expected a hand-written scenario (the limit is kMaxYamlBytes in "
                                "include/caseload/scenario/loader.hpp)");
    int line = 1, col = 1;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t len = 1;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                throw ScenarioError(Location{label, line, col}, "",
                                    "unexpected control character (byte " + std::to_string(c) +
                                        "); expected a YAML text file");
        } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            len = 2;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            len = 4;
        } else {
            len = 0;
        }
        bool ok = len > 0 && i + len <= text.size();
        for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        if (!ok)
            throw ScenarioError(Location{label, line, col}, "",
                                "the file is not valid UTF-8 text; save it as UTF-8 (byte " + std::to_string(c) + ")");
        if (c == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
        i += len;
    }
}

std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i) s += ", ";
        s += words[i];
    }
    return s;
}

std::string read_yaml_text(const fs::path& file) { return read_file(file, nullptr, kMaxYamlBytes); }

YAML::Node parse_yaml_text(const std::string& text, const std::string& label) {
    check_text(text, label);
    return parse_yaml(text, label);
}

void ErrorList::record(const ScenarioError& e) {
    const auto& all = e.errors().empty() ? std::vector<ScenarioError>{e} : e.errors();
    for (const auto& one : all) {
        if (errors_.size() < kMaxErrorsPerFile) errors_.push_back(one);
        else ++not_listed_;
    }
}

void ErrorList::finish() {
    if (errors_.empty()) return;
    // In the order of the file (errors in other files, such as a CSV file, and
    // errors without a place after).
    // Sorted by index with the index as the last key, so equal places keep
    // their order (std::stable_sort's buffer trips AddressSanitizer's
    // new/free check with GCC 12).
    std::vector<std::size_t> order(errors_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto rank = [&](std::size_t i) {
        const auto& w = errors_[i].where();
        return std::tuple(w.file != file_, w.line == 0, w.line, w.column, i);
    };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
    std::vector<ScenarioError> sorted;
    sorted.reserve(errors_.size());
    for (std::size_t i : order) sorted.push_back(errors_[i]);
    errors_ = std::move(sorted);
    std::vector<ScenarioError> errors = std::move(errors_);
    const std::size_t not_listed = not_listed_;
    errors_.clear();
    not_listed_ = 0;
    if (errors.size() == 1 && not_listed == 0) throw errors.front();
    throw ScenarioError(std::move(errors), not_listed);
}

}  // namespace detail

}  // namespace caseload::scenario
