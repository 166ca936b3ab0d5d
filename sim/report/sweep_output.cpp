#include "caseload/report/sweep_output.hpp"
#include "report/sweep_checksums.hpp"
#include "report/sweep_manifest.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

namespace caseload::report {

namespace fs = std::filesystem;
using experiment::PointResult;
using experiment::Shard;
using experiment::SweepPlan;
using detail::kFormat;
using detail::manifest_value;
using detail::other_results;
using detail::parse_manifest;
using detail::results_version;
using detail::split_csv;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string join_fields(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ',';
        s += csv_field(v[i]);
    }
    return s;
}

double parse_number(std::string_view s) {
    if (s == "NA" || s.empty()) return kNaN;
    if (s == "Inf") return std::numeric_limits<double>::infinity();
    if (s == "-Inf") return -std::numeric_limits<double>::infinity();
    double v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size() ? v : kNaN;
}

bool parse_index(std::string_view s, std::size_t& v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

// The point index at the start of a row ("12,...").
bool leading_index(std::string_view line, std::size_t& v) {
    const auto comma = line.find(',');
    return parse_index(line.substr(0, comma), v);
}

// A file of a sweep folder (manifest, design, a point's rows): a regular
// file, capped in size, so that a link to /dev/zero or a FIFO is refused.
std::string read_all(const fs::path& file) {
    ReadBack r = read_capped(file, kMaxResultsCsvBytes);
    if (!r.error.empty()) throw SweepInputError(r.error);
    return std::move(r.text);
}

std::string level_field(const experiment::Level& l) { return std::isnan(l.number) ? csv_field(l.text) : number(l.number); }

std::string point_file_name(std::size_t point) { return std::to_string(point) + ".csv"; }

// An exclusive lock on a folder, held while a process writes into it.
int lock_folder(const fs::path& dir) {
    const fs::path lock = dir / ".lock";
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw OutputError("cannot create " + lock.string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        ::close(fd);
        if (e == EWOULDBLOCK)
            throw SweepInputError("another caseload sweep is writing " + dir.string() + "; wait for it or stop it first");
        throw OutputError("cannot lock " + lock.string() + ": " + std::strerror(e));
    }
    return fd;
}

// Design centre and scale of each column, from design.csv (streamed).
void design_moments(const fs::path& design, std::size_t columns, std::vector<double>& centre, std::vector<double>& scale,
                    std::vector<bool>* numeric_out = nullptr) {
    std::ifstream in(design);
    if (!in) throw OutputError("cannot read " + design.string());
    std::vector<double> mean(columns, 0.0), m2(columns, 0.0);
    std::vector<bool> numeric(columns, true);
    std::string line;
    std::getline(in, line);  // header
    std::size_t n = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto f = split_csv(line);
        if (f.size() != columns + 1) throw OutputError(design.string() + ": malformed line '" + line + "'");
        ++n;
        for (std::size_t j = 0; j < columns; ++j) {
            const double x = parse_number(f[j + 1]);
            if (!std::isfinite(x)) {
                numeric[j] = false;
                continue;
            }
            const double d = x - mean[j];
            mean[j] += d / double(n);
            m2[j] += d * (x - mean[j]);
        }
    }
    if (numeric_out) *numeric_out = numeric;
    centre.assign(columns, kNaN);
    scale.assign(columns, 0.0);
    for (std::size_t j = 0; j < columns; ++j) {
        if (!numeric[j] || n < 2) continue;
        centre[j] = mean[j];
        scale[j] = std::sqrt(m2[j] / double(n - 1));
    }
}

// Streams point blocks, in point order, into sweep.csv and summary.csv, and
// feeds the point means to one metamodel per metric.
class Assembler {
public:
    Assembler(const fs::path& dir, std::vector<std::string> columns, stats::Terms terms, bool sensitivity)
        : columns_(std::move(columns)),
          sensitivity_(sensitivity),
          rows_(dir / "sweep.csv"),
          summary_(dir / "summary.csv"),
          dir_(dir) {
        rows_.write(sweep_csv_header(columns_));
        summary_.write(sweep_summary_header(columns_));
        if (sensitivity_) {
            std::vector<double> centre, scale;
            std::vector<bool> numeric;
            design_moments(dir / "design.csv", columns_.size(), centre, scale, &numeric);
            for (std::size_t j = 0; j < columns_.size(); ++j)
                if (!numeric[j]) text_parameters_.push_back(columns_[j]);
            for (std::size_t m = 0; m < model::kMetricCount; ++m) models_.emplace_back(columns_, centre, scale, terms);
        }
        x_.resize(columns_.size());
    }

    void add(std::size_t point, std::string_view rows, std::string_view summary) {
        rows_.write(rows);
        summary_.write(summary);
        ++points_;
        if (!sensitivity_) return;
        // An UNSTABLE point (summary.csv's last column) stays out of the fit.
        const std::size_t first_end = summary.find('\n');
        const std::string_view first = summary.substr(0, first_end);
        if (first.size() >= 5 && first.substr(first.size() - 4) == "true") {
            ++unstable_points_;
            return;
        }
        std::size_t start = 0;
        while (start < summary.size()) {
            std::size_t end = summary.find('\n', start);
            if (end == std::string_view::npos) end = summary.size();
            const auto f = split_csv(summary.substr(start, end - start));
            start = end + 1;
            const std::size_t k = columns_.size();
            if (f.size() < k + 3) throw OutputError("malformed summary row of point " + std::to_string(point));
            for (std::size_t j = 0; j < k; ++j) x_[j] = parse_number(f[j + 1]);
            const std::string& metric = f[k + 1];
            for (std::size_t m = 0; m < model::kMetricCount; ++m)
                if (model::kMetrics[m].name == metric) models_[m].add(x_, parse_number(f[k + 2]));
        }
    }

    Assembled finish() {
        rows_.commit();
        summary_.commit();
        Assembled a;
        a.points = points_;
        a.sensitivity = sensitivity_;
        a.unstable_points = unstable_points_;
        a.text_parameters = text_parameters_;
        if (sensitivity_) {
            for (std::size_t m = 0; m < model::kMetricCount; ++m)
                a.metrics.push_back({std::string(model::kMetrics[m].name), models_[m].fit()});
            write_file_atomic(dir_ / "sensitivity.csv", sensitivity_csv(a));
            write_file_atomic(dir_ / "metamodel.csv", metamodel_csv(a));
        }
        return a;
    }

private:
    std::vector<std::string> columns_;
    bool sensitivity_;
    FileWriter rows_, summary_;
    fs::path dir_;
    std::vector<stats::Metamodel> models_;
    std::vector<double> x_;
    std::size_t points_ = 0;
    std::size_t unstable_points_ = 0;
    std::vector<std::string> text_parameters_;
};

// Split a point file into its long rows and its summary rows.
std::pair<std::string_view, std::string_view> split_fragment(std::string_view text, const fs::path& file) {
    const auto gap = text.find("\n\n");
    if (gap == std::string_view::npos) throw OutputError(file.string() + " is not a complete point file");
    return {text.substr(0, gap + 1), text.substr(gap + 2)};
}

void write_design(const fs::path& file, const SweepPlan& plan) {
    FileWriter w(file);
    w.write("point" + std::string(plan.columns().empty() ? "" : ",") + join_fields(plan.columns()) + "\n");
    std::string line;
    for (std::size_t p = 0; p < plan.points(); ++p) {
        line = std::to_string(p);
        for (const auto& l : plan.levels(p)) {
            line += ',';
            line += level_field(l);
        }
        line += '\n';
        w.write(line);
    }
    w.commit();
}

// Move a finished folder into place (replacing `dir` only when allowed).
void move_into_place(const fs::path& staging, const fs::path& dir, bool replace) {
    std::error_code ec;
    fs::path old;
    if (fs::exists(dir, ec)) {
        if (!replace)
            throw OutputError(dir.string() + " appeared while the sweep was running; results kept in " + staging.string());
        std::string name = ".";
        name += dir.filename().string();
        name += ".old-";
        name += std::to_string(::getpid());
        old = dir.parent_path() / name;
        fs::rename(dir, old, ec);
        if (ec) throw OutputError("cannot move the old " + dir.string() + " aside: " + ec.message());
    }
    fs::rename(staging, dir, ec);
    if (ec) throw OutputError("cannot move the results into " + dir.string() + ": " + ec.message());
    if (!old.empty()) fs::remove_all(old, ec);
}

}  // namespace

std::string sweep_csv_header(const std::vector<std::string>& columns) {
    return "point,replication," + join_fields(columns) + (columns.empty() ? "" : ",") + "metric,value\n";
}

std::string sweep_summary_header(const std::vector<std::string>& columns) {
    return "point," + join_fields(columns) + (columns.empty() ? "" : ",") +
           "metric,mean,ci_low,ci_high,sd,p10,p90,replications,unit,unstable\n";
}

std::string point_fragment(const SweepPlan& plan, const scenario::Scenario& point_scenario, const PointResult& r) {
    std::string params;
    for (const auto& l : plan.levels(r.point)) {
        params += level_field(l);
        params += ',';
    }
    const std::string p = std::to_string(r.point);
    std::string out;
    out.reserve(r.metrics.size() * model::kMetricCount * (params.size() + 48));
    for (std::size_t rep = 0; rep < r.metrics.size(); ++rep) {
        const std::string lead = p + "," + std::to_string(rep) + "," + params;
        for (const auto& mi : model::kMetrics) {
            out += lead;
            out += mi.name;
            out += ',';
            out += number(r.metrics[rep][static_cast<std::size_t>(mi.metric)]);
            out += '\n';
        }
    }
    out += '\n';
    const experiment::Summary s = experiment::summarize_point(point_scenario, r);
    const char* unstable = s.stability.unstable ? "true" : "false";
    for (const auto& mi : model::kMetrics) {
        const auto& m = s[mi.metric];
        out += p;
        out += ',';
        out += params;
        out += mi.name;
        for (double v : {m.ci.mean, m.ci.low, m.ci.high, m.ci.sd, m.p10, m.p90}) {
            out += ',';
            out += number(v);
        }
        out += ',';
        out += std::to_string(m.ci.n);
        out += ',';
        out += csv_field(std::string(mi.unit));
        out += ',';
        out += unstable;
        out += '\n';
    }
    return out;
}

// ---------------------------------------------------------------------------

fs::path sweep_staging(const fs::path& dir) {
    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    std::string name = ".";
    name += dir.filename().string();
    name += ".sweep-partial";
    return parent / name;
}

SweepFolder::SweepFolder(fs::path dir, const SweepPlan& plan, Shard shard, Mode mode)
    : dir_(std::move(dir)), plan_(plan), shard_(shard), mode_(mode) {
    if (dir_.filename().empty()) dir_ = dir_.parent_path();  // "out/" -> "out"
    staging_ = sweep_staging(dir_);
    try {
        open();
    } catch (...) {
        if (lock_fd_ >= 0) ::close(lock_fd_);
        lock_fd_ = -1;
        throw;
    }
}

void SweepFolder::open() {
    const std::string manifest = manifest_csv(plan_, shard_);
    for (std::size_t p = 0; p < plan_.points(); ++p)
        if (shard_.contains(p)) ++shard_points_;
    std::error_code ec;
    const bool dir_exists = fs::exists(dir_, ec);
    const bool staging_exists = fs::exists(staging_, ec);
    // A run started with --force over existing results replaces them when it finishes.
    replace_ = mode_ == Mode::force || (mode_ == Mode::resume && dir_exists && staging_exists);

    if (mode_ == Mode::fresh) {
        if (dir_exists)
            throw OutputExists(dir_.string() + " exists already; choose another --out, add --resume to continue or "
                               "complete it, or --force to replace it");
        if (staging_exists)
            throw OutputExists("an interrupted sweep into " + dir_.string() + " is in " + staging_.string() +
                               "; add --resume to continue it, or --force to start over");
    }
    if (mode_ == Mode::resume && dir_exists && !staging_exists) {
        const fs::path m = dir_ / "manifest.csv";
        const std::string kept = fs::exists(m) ? read_all(m) : "";
        if (kept != manifest) {
            const std::string why = kept.empty() ? "" : other_results(kept, manifest, m);
            throw SweepInputError(dir_.string() + (why.empty() ? " holds the results of a different sweep or shard" : why) +
                                  "; choose another --out, or add --force to replace it");
        }
        already_complete_ = true;
        return;
    }

    if (staging_exists) {
        lock_fd_ = lock_folder(staging_);
        const fs::path m = staging_ / "manifest.csv";
        if (mode_ == Mode::force || !fs::exists(m)) {
            // Start over (or finish setting up a folder whose set-up was cut short).
            std::vector<fs::path> old;
            for (const auto& e : fs::directory_iterator(staging_))
                if (e.path().filename() != ".lock") old.push_back(e.path());
            for (const auto& p : old) fs::remove_all(p);
        } else {
            const std::string kept = read_all(m);
            if (kept != manifest) {
                const std::string why = other_results(kept, manifest, m);
                throw SweepInputError("the interrupted sweep in " + staging_.string() +
                                      (why.empty() ? " was started from a different sweep file, seed, replications or shard"
                                                   : why) +
                                      "; add --force to start over, or choose another --out");
            }
            assembled_ = fs::exists(staging_ / "metadata.json");
        }
    } else {
        fs::create_directories(staging_, ec);
        if (ec) throw OutputError("cannot create " + staging_.string() + ": " + ec.message());
        lock_fd_ = lock_folder(staging_);
    }

    if (!fs::exists(staging_ / "manifest.csv")) {
        write_file_atomic(staging_ / "sweep.yaml", plan_.spec().text);
        write_file_atomic(staging_ / "scenario.yaml", plan_.base_yaml());
        write_design(staging_ / "design.csv", plan_);
        fs::create_directories(staging_ / "points");
        write_file_atomic(staging_ / "manifest.csv", manifest);  // last: marks the folder as set up
    }
    if (assembled_) return;

    // Which points are done: a point file exists. Temporary files of writes
    // that were cut short are removed.
    const fs::path points = staging_ / "points";
    fs::create_directories(points, ec);
    std::vector<bool> done(plan_.points(), false);
    std::vector<fs::path> partial;
    for (const auto& e : fs::directory_iterator(points)) {
        const std::string name = e.path().filename().string();
        if (!name.empty() && name[0] == '.') {
            partial.push_back(e.path());
            continue;
        }
        std::size_t p = 0;
        if (name.size() > 4 && name.ends_with(".csv") && parse_index(std::string_view(name).substr(0, name.size() - 4), p) &&
            p < plan_.points() && shard_.contains(p)) {
            done[p] = true;
            continue;
        }
        throw SweepInputError("unexpected file " + e.path().string() + " in an interrupted sweep; remove it, or add "
                              "--force to start over");
    }
    for (const auto& p : partial) fs::remove(p, ec);
    for (std::size_t p = 0; p < plan_.points(); ++p) {
        if (!shard_.contains(p)) continue;
        if (done[p])
            ++resumed_;
        else
            todo_.push_back(p);
    }
}

SweepFolder::~SweepFolder() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

void SweepFolder::write_point(std::size_t point, const std::string& fragment) {
    write_file_atomic(staging_ / "points" / point_file_name(point), fragment);
}

Assembled SweepFolder::finish(const std::string& metadata_json) {
    Assembled a;
    if (already_complete_) return a;
    if (!assembled_) {
        Assembler as(staging_, plan_.columns(), to_terms(plan_.spec().terms), shard_.whole());
        for (std::size_t p = 0; p < plan_.points(); ++p) {
            if (!shard_.contains(p)) continue;
            const fs::path file = staging_ / "points" / point_file_name(p);
            if (!fs::exists(file)) throw OutputError("point " + std::to_string(p) + " has no results in " + file.string());
            const std::string text = read_all(file);
            const auto [rows, summary] = split_fragment(text, file);
            as.add(p, rows, summary);
        }
        a = as.finish();
        detail::write_checksums(staging_);
        write_file_atomic(staging_ / "metadata.json", metadata_json);  // last: marks the assembly as done
    }
    std::error_code ec;
    fs::remove_all(staging_ / "points", ec);
    if (ec) throw OutputError("cannot remove " + (staging_ / "points").string() + ": " + ec.message());
    move_into_place(staging_, dir_, replace_);
    fs::remove(dir_ / ".lock", ec);
    if (lock_fd_ >= 0) {
        ::close(lock_fd_);
        lock_fd_ = -1;
    }
    return a;
}

// ---------------------------------------------------------------------------
// Merge

namespace {

// Reads a point-ordered CSV file block by block (the rows of one point).
class BlockReader {
public:
    BlockReader(const fs::path& file, const std::string& header) : file_(file), in_(file, std::ios::binary) {
        if (!in_) throw SweepInputError("cannot read " + file.string());
        std::string line;
        if (!std::getline(in_, line) || line + "\n" != header)
            throw SweepInputError(file.string() + " does not have the columns of this sweep");
        advance();
    }
    [[nodiscard]] bool done() const { return !has_next_; }
    [[nodiscard]] std::size_t next_point() const { return next_point_; }
    // The rows of the next point, each ending in a line break.
    std::string take() {
        std::string block;
        const std::size_t p = next_point_;
        while (has_next_ && next_point_ == p) {
            block += next_;
            block += '\n';
            advance();
        }
        if (has_next_ && next_point_ < p)
            throw SweepInputError(file_.string() + " is not in point order (point " + std::to_string(next_point_) +
                                  " after " + std::to_string(p) + ")");
        return block;
    }

private:
    void advance() {
        has_next_ = false;
        while (std::getline(in_, next_)) {
            if (next_.empty()) continue;
            if (!leading_index(next_, next_point_)) throw SweepInputError(file_.string() + ": malformed row '" + next_ + "'");
            has_next_ = true;
            return;
        }
        if (in_.bad()) throw SweepInputError("cannot read " + file_.string());
    }
    fs::path file_;
    std::ifstream in_;
    std::string next_;
    std::size_t next_point_ = 0;
    bool has_next_ = false;
};

// A number as the sweep files write it: digits, NA, Inf or -Inf.
bool is_number_field(std::string_view s) {
    if (s == "NA" || s == "Inf" || s == "-Inf") return true;
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

std::size_t metric_index(std::string_view name) {
    for (std::size_t m = 0; m < model::kMetricCount; ++m)
        if (model::kMetrics[m].name == name) return m;
    return model::kMetricCount;
}

// Checks one point of a shard completely before it is merged: every row has
// the fields of the header, every replication has every metric exactly once,
// and the means in summary.csv are those of the rows (a shard cut mid-row, a
// deleted row or an edited value is refused, never merged).
void check_point(const fs::path& dir, std::size_t point, std::string_view rows, std::string_view summary,
                 std::size_t columns, std::size_t replications) {
    const std::string where = " of point " + std::to_string(point) + " in " + (dir / "sweep.csv").string();
    auto damaged = [&](const std::string& what) {
        throw SweepInputError(what + "; the shard is damaged (cut short or edited): run it again");
    };
    const std::size_t k = columns;
    std::vector<std::vector<char>> seen(replications, std::vector<char>(model::kMetricCount, 0));
    std::vector<double> sum(model::kMetricCount, 0.0);
    std::vector<bool> finite(model::kMetricCount, true);
    std::size_t count = 0;
    for (std::size_t start = 0; start < rows.size();) {
        std::size_t end = rows.find('\n', start);
        if (end == std::string_view::npos) end = rows.size();
        const std::string_view line = rows.substr(start, end - start);
        start = end + 1;
        const auto f = split_csv(line);
        std::size_t rep = 0;
        const std::size_t m = f.size() == k + 4 ? metric_index(f[k + 2]) : model::kMetricCount;
        if (f.size() != k + 4 || !parse_index(f[1], rep) || rep >= replications || m == model::kMetricCount ||
            !is_number_field(f[k + 3]))
            damaged("a malformed row" + where + ": '" + std::string(line) + "' (expected " + std::to_string(k + 4) +
                    " fields: point, replication, the parameters, a metric, a number)");
        if (seen[rep][m]++) damaged("replication " + f[1] + " has " + f[k + 2] + " twice" + where);
        const double v = parse_number(f[k + 3]);
        if (std::isfinite(v)) sum[m] += v;
        else finite[m] = false;
        ++count;
    }
    if (count != replications * model::kMetricCount)
        damaged(std::to_string(count) + " rows" + where + ", not " + std::to_string(replications) + " replications x " +
                std::to_string(model::kMetricCount) + " metrics = " + std::to_string(replications * model::kMetricCount));
    std::vector<char> summarized(model::kMetricCount, 0);
    const std::string in_summary = " of point " + std::to_string(point) + " in " + (dir / "summary.csv").string();
    for (std::size_t start = 0; start < summary.size();) {
        std::size_t end = summary.find('\n', start);
        if (end == std::string_view::npos) end = summary.size();
        const std::string_view line = summary.substr(start, end - start);
        start = end + 1;
        const auto f = split_csv(line);
        const std::size_t m = f.size() == k + 11 ? metric_index(f[k + 1]) : model::kMetricCount;
        if (m == model::kMetricCount || summarized[m]++ || !is_number_field(f[k + 2]))
            damaged("a malformed summary row" + in_summary + ": '" + std::string(line) + "'");
        if (!finite[m]) continue;  // a metric some replications leave undefined: not recomputed here
        const double mean = parse_number(f[k + 2]);
        const double rows_mean = sum[m] / double(replications);
        if (!(std::abs(mean - rows_mean) <= 1e-9 * std::max(1.0, std::abs(rows_mean))))
            damaged("the mean of " + f[k + 1] + in_summary + " is " + f[k + 2] + ", but its rows in sweep.csv give " +
                    number(rows_mean));
    }
    for (std::size_t m = 0; m < model::kMetricCount; ++m)
        if (!summarized[m]) damaged("no summary of " + std::string(model::kMetrics[m].name) + in_summary);
}

std::string list_points(const std::vector<std::string>& items, std::size_t total) {
    std::string s;
    const std::size_t shown = std::min<std::size_t>(items.size(), 20);
    for (std::size_t i = 0; i < shown; ++i) {
        if (i) s += ", ";
        s += items[i];
    }
    if (total > shown) s += ", ... (" + std::to_string(total) + " in all)";
    return s;
}

}  // namespace

std::string sweep_folder_name(const fs::path& dir) {
    const fs::path m = dir / "manifest.csv";
    if (!fs::exists(m)) return "merged";
    const std::string name = manifest_value(parse_manifest(read_all(m), m), "name");
    return name.empty() ? "merged" : name;
}

MergeOutcome merge_sweeps(const std::vector<fs::path>& shards, const fs::path& out, bool force,
                          const std::string& metadata_json) {
    if (shards.empty()) throw SweepInputError("merge needs one or more sweep folders");
    struct Input {
        fs::path dir;
        std::string manifest;
        std::vector<std::pair<std::string, std::string>> kv;
    };
    std::vector<Input> in;
    for (fs::path d : shards) {
        if (d.filename().empty()) d = d.parent_path();  // "dir/" -> "dir"
        std::error_code ec;
        if (!fs::exists(d, ec)) {
            if (fs::exists(sweep_staging(d), ec))
                throw SweepInputError(d.string() + " is not finished (its points are in " + sweep_staging(d).string() +
                                      "); complete it with 'caseload sweep FILE --out " + d.string() + " --resume' first");
            throw SweepInputError("no such folder: " + d.string());
        }
        const fs::path m = d / "manifest.csv";
        if (!fs::exists(m)) throw SweepInputError(d.string() + " is not a sweep results folder (it has no manifest.csv)");
        Input i{d, read_all(m), {}};
        i.kv = parse_manifest(i.manifest, m);
        if (manifest_value(i.kv, "format") != kFormat)
            throw SweepInputError(m.string() + " is of another format (" + manifest_value(i.kv, "format") + ")");
        detail::verify_checksums(d);
        in.push_back(std::move(i));
    }
    for (std::size_t i = 1; i < in.size(); ++i)
        if (results_version(in[i].kv) != results_version(in[0].kv))
            throw SweepInputError(in[i].dir.string() + " and " + in[0].dir.string() +
                                  " were run by caseload versions whose results differ (results version " +
                                  results_version(in[i].kv) + " and " + results_version(in[0].kv) +
                                  "): their points are not merged");
    // Every key but the shard must agree.
    auto without_shard = [](const std::vector<std::pair<std::string, std::string>>& kv) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& e : kv)
            if (e.first != "shard") out.push_back(e);
        return out;
    };
    const auto reference = without_shard(in[0].kv);
    for (std::size_t i = 1; i < in.size(); ++i) {
        const auto other = without_shard(in[i].kv);
        if (other == reference) continue;
        std::string key = "columns";
        for (std::size_t k = 0; k < std::min(other.size(), reference.size()); ++k)
            if (other[k] != reference[k]) {
                key = reference[k].first;
                break;
            }
        throw SweepInputError(in[i].dir.string() + " and " + in[0].dir.string() +
                              " are not parts of the same sweep (their " + key + " differ)");
    }
    std::size_t points = 0;
    if (!parse_index(manifest_value(in[0].kv, "points"), points))
        throw SweepInputError(in[0].dir.string() + "/manifest.csv has no number of points");
    std::size_t replications = 0;
    if (!parse_index(manifest_value(in[0].kv, "replications"), replications) || replications < 1)
        throw SweepInputError(in[0].dir.string() + "/manifest.csv has no number of replications");
    std::vector<std::string> columns;
    for (const auto& [k, v] : in[0].kv)
        if (k == "column") columns.push_back(v);
    const std::string terms_name = manifest_value(in[0].kv, "metamodel");
    stats::Terms terms = stats::Terms::linear;
    if (terms_name == "interactions") terms = stats::Terms::interactions;
    if (terms_name == "quadratic") terms = stats::Terms::quadratic;
    if (terms_name == "full") terms = stats::Terms::full;

    // Which folder holds which point: each point exactly once.
    const std::string summary_header = sweep_summary_header(columns);
    std::vector<std::int32_t> owner(points, -1);
    std::vector<std::string> duplicates, missing;
    std::size_t n_duplicates = 0, n_missing = 0;
    for (std::size_t s = 0; s < in.size(); ++s) {
        BlockReader r(in[s].dir / "summary.csv", summary_header);
        while (!r.done()) {
            const std::size_t p = r.next_point();
            (void)r.take();
            if (p >= points)
                throw SweepInputError(in[s].dir.string() + " holds point " + std::to_string(p) + " of a sweep of " +
                                      std::to_string(points) + " points");
            if (owner[p] >= 0) {
                if (++n_duplicates <= 20)
                    duplicates.push_back(std::to_string(p) + " (in " + in[std::size_t(owner[p])].dir.string() + " and " +
                                         in[s].dir.string() + ")");
                continue;
            }
            owner[p] = std::int32_t(s);
        }
    }
    for (std::size_t p = 0; p < points; ++p)
        if (owner[p] < 0 && ++n_missing <= 20) missing.push_back(std::to_string(p));
    if (n_missing || n_duplicates) {
        std::string msg = "cannot merge these folders:";
        if (n_missing) msg += "\n  missing points: " + list_points(missing, n_missing);
        if (n_duplicates) msg += "\n  points in more than one folder: " + list_points(duplicates, n_duplicates);
        msg += "\nmerge the folders of every shard of the sweep, each once";
        throw SweepInputError(msg);
    }

    ResultsDir dir(out, force);
    const fs::path st = dir.staging();
    for (const char* f : {"design.csv", "scenario.yaml", "sweep.yaml"}) dir.write(f, read_all(in[0].dir / f));
    std::string manifest;
    for (const auto& [k, v] : in[0].kv) manifest += k + "," + csv_field(k == "shard" ? "1/1" : v) + "\n";
    dir.write("manifest.csv", "key,value\n" + manifest);

    Assembler as(st, columns, terms, true);
    const std::string rows_header = sweep_csv_header(columns);
    std::vector<std::unique_ptr<BlockReader>> rows, sums;
    for (const auto& i : in) {
        rows.push_back(std::make_unique<BlockReader>(i.dir / "sweep.csv", rows_header));
        sums.push_back(std::make_unique<BlockReader>(i.dir / "summary.csv", summary_header));
    }
    for (std::size_t p = 0; p < points; ++p) {
        const auto s = std::size_t(owner[p]);
        if (rows[s]->done() || rows[s]->next_point() != p)
            throw SweepInputError(in[s].dir.string() + "/sweep.csv has no rows for point " + std::to_string(p));
        const std::string r = rows[s]->take();
        const std::string m = sums[s]->take();
        check_point(in[s].dir, p, r, m, columns.size(), replications);
        as.add(p, r, m);
    }
    MergeOutcome o;
    o.assembled = as.finish();
    detail::write_checksums(st);
    dir.write("metadata.json", metadata_json);
    o.dir = dir.commit();
    o.name = manifest_value(in[0].kv, "name");
    o.terms = terms_name;
    return o;
}

}  // namespace caseload::report
