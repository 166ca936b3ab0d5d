#include "caseload/report/run_resume.hpp"

#include "caseload/report/output.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace caseload::report {

namespace fs = std::filesystem;

namespace {

constexpr const char* kReplicationVersion = "caseload replication 2";
constexpr const char* kManifestVersion = "caseload run-partial 1";
constexpr const char* kManifest = "manifest.txt";

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

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw OutputError("cannot read " + p.string());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// One line per scenario: what makes its replications what they are.
std::vector<std::string> manifest_lines(const std::vector<scenario::Scenario>& scenarios,
                                        const std::vector<std::string>& yamls) {
    std::vector<std::string> lines{kManifestVersion, "scenarios " + std::to_string(scenarios.size())};
    for (std::size_t i = 0; i < scenarios.size(); ++i)
        lines.push_back("scenario " + std::to_string(i) + " hash " + content_hash(yamls[i]) + " seed " +
                        std::to_string(scenarios[i].seed) + " replications " +
                        std::to_string(scenarios[i].replications));
    return lines;
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

fs::path run_staging(const fs::path& dir) {
    const fs::path d = dir.filename().empty() ? dir.parent_path() : dir;  // "out/" -> "out"
    const fs::path parent = d.has_parent_path() ? d.parent_path() : fs::path(".");
    std::string name = ".";
    name += d.filename().string();
    name += ".run-partial";
    return parent / name;
}

SavedReplications::SavedReplications(fs::path dir, const std::vector<scenario::Scenario>& scenarios,
                                     const std::vector<std::string>& yamls, Mode mode)
    : staging_(run_staging(dir)), saved_(scenarios.size()) {
    const std::vector<std::string> manifest = manifest_lines(scenarios, yamls);
    std::error_code ec;
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
            const std::vector<std::string> kept = split_lines(read_all(m));
            if (kept != manifest)
                throw ResumeError("the interrupted run in " + staging_.string() + " was started with " +
                                  mismatch(kept, manifest) +
                                  "; resume it with the same files and options, or add --force to start over");
        }
    }
    if (!fs::exists(staging_ / kManifest, ec)) {
        fs::create_directories(staging_, ec);
        if (ec) throw OutputError("cannot create " + staging_.string() + ": " + ec.message());
        write_file_atomic(staging_ / kManifest, join_lines(manifest));
        return;
    }

    resuming_ = true;
    // The replications kept. Temporary files of writes that were cut short are removed.
    for (std::size_t s = 0; s < scenarios.size(); ++s) saved_[s].resize(std::size_t(scenarios[s].replications));
    std::vector<fs::path> partial;
    for (const auto& e : fs::directory_iterator(staging_)) {
        const std::string name = e.path().filename().string();
        if (name == kManifest) continue;
        if (!name.empty() && name[0] == '.') {
            partial.push_back(e.path());
            continue;
        }
        std::size_t s = 0, r = 0;
        if (!parse_name(name, s, r) || s >= saved_.size() || r >= saved_[s].size())
            throw ResumeError("unexpected file " + e.path().string() +
                              " in an interrupted run; remove it, or add --force to start over");
        auto result = parse_replication(read_all(e.path()), e.path().string());
        if (result.replication != r)
            throw ResumeError(e.path().string() + " holds replication " + std::to_string(result.replication) +
                              ", not " + std::to_string(r) + "; remove it, or add --force to start over");
        saved_[s][r] = std::move(result);
        ++count_;
    }
    for (const auto& p : partial) fs::remove(p, ec);
}

SavedReplications::~SavedReplications() {
    if (keep_ || resuming_) return;
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

void SavedReplications::save(std::size_t scenario, const model::ReplicationResult& r) const {
    write_file_atomic(staging_ / (std::to_string(scenario) + "-" + std::to_string(r.replication) + ".rep"),
                      replication_text(r));
}

// Best effort: the results are in place, and a folder left behind is refused
// by name (with --resume or --force as the way out), never used unnoticed.
void SavedReplications::remove() {
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

}  // namespace caseload::report
