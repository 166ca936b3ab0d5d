#include "caseload/report/output.hpp"
#include "report/periods_output.hpp"

#include "caseload/scenario/dates.hpp"

#include "caseload/report/report.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <span>
#include <sstream>

namespace caseload::report {

namespace fs = std::filesystem;
using experiment::ExperimentResult;
using experiment::Summary;
using model::Metric;

namespace {

void write_all(const fs::path& file, const std::string& content) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw OutputError("cannot create " + file.string() + ": " + std::strerror(errno));
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int e = errno;
            ::close(fd);
            throw OutputError("cannot write " + file.string() + ": " + std::strerror(e));
        }
        p += n;
        left -= std::size_t(n);
    }
    if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
        const int e = errno;
        ::close(fd);
        throw OutputError("cannot write " + file.string() + ": " + std::strerror(e));
    }
    if (::close(fd) != 0) throw OutputError("cannot write " + file.string() + ": " + std::strerror(errno));
}

std::string scenario_label(const ExperimentResult& r) { return r.scenario.name; }

// A hidden sibling name: ".<name>.<tag>-<pid>". Built by appending: GCC 12
// warns falsely (-Wrestrict) on "." + std::string.
fs::path hidden_sibling(const fs::path& p, const char* tag) {
    std::string name = ".";
    name += p.filename().string();
    name += tag;
    name += std::to_string(::getpid());
    return p.parent_path() / name;
}

// A staging folder holds this file: who is building it. Only folders that
// hold it are ever removed as stale, and only by a run on the same machine.
constexpr const char* kStagingMarker = ".caseload-staging";

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

// ".<name>.partial-<pid>" -> pid, or 0 when the name is not a staging name.
long staging_pid(const std::string& name) {
    static constexpr std::string_view tag = ".partial-";
    if (name.size() < 2 || name[0] != '.') return 0;
    const auto at = name.rfind(tag);
    if (at == std::string::npos || at == 0) return 0;
    long pid = 0;
    const char* b = name.data() + at + tag.size();
    const char* e = name.data() + name.size();
    const auto r = std::from_chars(b, e, pid);
    return r.ec == std::errc{} && r.ptr == e && b != e ? pid : 0;
}

// Staging folders left by runs that were killed (SIGKILL, power loss) on this
// machine: their process is gone. Removed so they do not pile up.
void remove_stale_staging(const fs::path& parent) {
    std::error_code ec;
    const std::string host = host_name();
    fs::directory_iterator it(parent, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const long pid = staging_pid(name);
        if (pid <= 0 || pid == long(::getpid())) continue;
        std::error_code e2;
        if (!fs::is_directory(fs::symlink_status(it->path(), e2))) continue;
        std::ifstream marker(it->path() / kStagingMarker);
        std::string line, marker_host;
        long marker_pid = 0;
        while (std::getline(marker, line)) {
            if (line.rfind("host=", 0) == 0) marker_host = line.substr(5);
            if (line.rfind("pid=", 0) == 0) marker_pid = std::atol(line.c_str() + 4);
        }
        if (marker_host != host || marker_pid != pid) continue;  // not ours, or another machine's
        if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;  // still running (or not ours to ask)
        fs::remove_all(it->path(), e2);
    }
}

// With --force, only a folder that caseload wrote (or an empty one) is
// replaced: its metadata.json is a regular file that caseload wrote (it
// starts with the tool's name), not just any file of that name.
bool replaceable(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(dir, ec))) return false;
    return (fs::is_empty(dir, ec) && !ec) || holds_results(dir);
}


}  // namespace

bool holds_results(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(dir, ec))) return false;
    if (!fs::is_regular_file(fs::symlink_status(dir / "metadata.json", ec))) return false;
    const ReadBack meta = read_capped(dir / "metadata.json", kMaxMetadataBytes);
    return meta.error.empty() && meta.text.starts_with("{\n  \"tool\": \"caseload-sim\",\n");
}

void write_file(const fs::path& file, const std::string& content) { write_all(file, content); }

void write_file_atomic(const fs::path& file, const std::string& content) {
    std::error_code ec0;
    const auto st = fs::symlink_status(file, ec0);
    if (fs::exists(st) && !fs::is_regular_file(st))
        throw OutputError("refusing to replace " + file.string() + ": it is not a regular file");
    const fs::path tmp = hidden_sibling(file, ".partial-");
    try {
        write_all(tmp, content);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw OutputError("cannot move " + tmp.string() + " to " + file.string() + ": " + ec.message());
    }
}

namespace {
// What a FileWriter holds before it writes: large enough that a write()
// carries many rows, small enough that its pages stay few and warm (a
// fresh page costs a fault; a buffer of a megabyte cost 256 of them).
constexpr std::size_t kWriterBuffer = std::size_t{64} << 10;
}  // namespace

FileWriter::FileWriter(fs::path file) : file_(std::move(file)), tmp_(hidden_sibling(file_, ".partial-")) {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw OutputError("cannot create " + tmp_.string() + ": " + std::strerror(errno));
    buffer_.reserve(2 * kWriterBuffer);
}

FileWriter::~FileWriter() {
    if (fd_ >= 0) {
        ::close(fd_);
        std::error_code ec;
        fs::remove(tmp_, ec);
    }
}

void FileWriter::write(std::string_view text) {
    if (fd_ < 0) throw OutputError("write to " + file_.string() + " after it was committed");
    buffer_.append(text);
    if (buffer_.size() >= kWriterBuffer) flush();
}

void FileWriter::flush() {
    write_out(buffer_.data(), buffer_.size());
    buffer_.clear();
}

void FileWriter::write_out(const char* p, std::size_t left) {
    while (left > 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw OutputError("cannot write " + tmp_.string() + ": " + std::strerror(errno));
        }
        p += n;
        left -= std::size_t(n);
    }
}

void FileWriter::append(FileWriter& part) {
    if (fd_ < 0) throw OutputError("write to " + file_.string() + " after it was committed");
    if (part.fd_ < 0) throw OutputError("append " + part.file_.string() + " after it was committed");
    part.flush();
    struct Reader {
        int fd;
        ~Reader() { ::close(fd); }
    };
    const Reader in{::open(part.tmp_.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) throw OutputError("cannot read " + part.tmp_.string() + ": " + std::strerror(errno));
    flush();
    std::vector<char> chunk(kWriterBuffer);
    for (;;) {
        const ssize_t n = ::read(in.fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw OutputError("cannot read " + part.tmp_.string() + ": " + std::strerror(errno));
        if (n == 0) return;
        write_out(chunk.data(), std::size_t(n));
    }
}

void FileWriter::commit() {
    flush();
    if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS)
        throw OutputError("cannot write " + tmp_.string() + ": " + std::strerror(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
        std::error_code ec;
        fs::remove(tmp_, ec);
        throw OutputError("cannot write " + tmp_.string() + ": " + std::strerror(errno));
    }
    std::error_code ec;
    fs::rename(tmp_, file_, ec);
    if (ec) {
        fs::remove(tmp_, ec);
        throw OutputError("cannot move " + tmp_.string() + " to " + file_.string() + ": " + ec.message());
    }
}

ResultsDir::ResultsDir(fs::path dir, bool force) : dir_(std::move(dir)), force_(force) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(dir_, ec))) {
        if (!force_)
            throw OutputExists(dir_.string() + " exists already; choose another --out, or add --force to replace it");
        if (!replaceable(dir_))
            throw OutputExists(dir_.string() +
                               " exists and is not a results folder (no metadata.json of caseload in it); refusing to replace it "
                               "even with --force: choose another --out");
    }
    const fs::path parent = dir_.has_parent_path() ? dir_.parent_path() : fs::path(".");
    fs::create_directories(parent, ec);
    if (ec) throw OutputError("cannot create " + parent.string() + ": " + ec.message());
    remove_stale_staging(parent);
    staging_ = hidden_sibling(parent / dir_.filename(), ".partial-");
    fs::remove_all(staging_, ec);
    if (!fs::create_directory(staging_, ec) || ec)
        throw OutputError("cannot create " + staging_.string() + ": " + (ec ? ec.message() : std::string("exists")));
    write_all(staging_ / kStagingMarker, "host=" + host_name() + "\npid=" + std::to_string(::getpid()) + "\n");
}

ResultsDir::~ResultsDir() {
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(staging_, ec);
    }
}

void ResultsDir::write(const std::string& name, const std::string& content) {
    const fs::path file = staging_ / name;
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) throw OutputError("cannot create " + file.parent_path().string() + ": " + ec.message());
    write_all(file, content);
}

fs::path ResultsDir::commit() {
    std::error_code ec;
    fs::path old;
    if (fs::exists(dir_, ec)) {
        if (!force_) throw OutputError(dir_.string() + " appeared while the run was going; it is left as it is");
        old = hidden_sibling(dir_, ".old-");
        fs::rename(dir_, old, ec);
        if (ec) throw OutputError("cannot move the old " + dir_.string() + " aside: " + ec.message());
    }
    fs::remove(staging_ / kStagingMarker, ec);
    fs::rename(staging_, dir_, ec);
    if (ec) throw OutputError("cannot move results into " + dir_.string() + ": " + ec.message());
    committed_ = true;
    if (!old.empty()) fs::remove_all(old, ec);
    return dir_;
}

std::string number(double v) {
    std::string o;
    append_number(o, v);
    return o;
}

void append_number(std::string& o, double v) {
    if (std::isnan(v)) {
        o += "NA";
    } else if (std::isinf(v)) {
        o += v > 0 ? "Inf" : "-Inf";
    } else if (v == 0) {
        o += '0';  // no "-0"
    } else {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        o.append(buf, r.ptr);
    }
}

std::string human(double v, std::string_view unit) {
    if (std::isnan(v)) return "n/a";
    char buf[64];
    if (unit == "share") {
        std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * v);
        return buf;
    }
    const double a = std::fabs(v);
    if (a >= 1000)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else if (a >= 100)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else if (a >= 10)
        std::snprintf(buf, sizeof buf, "%.1f", v);
    else
        std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    if (s == "-0" || s == "-0.0" || s == "-0.00") s.erase(0, 1);
    return s;
}

std::string content_hash(const std::string& text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string summary_csv(const std::vector<ExperimentResult>& results, const std::vector<Summary>& summaries) {
    std::ostringstream o;
    o << "metric,mean,ci_low,ci_high,sd,p10,p90,replications,unit,scenario,unstable\n";
    for (std::size_t s = 0; s < results.size(); ++s) {
        const auto& sum = summaries[s];
        for (const auto& mi : model::kMetrics) {
            const auto& m = sum[mi.metric];
            o << mi.name << ',' << number(m.ci.mean) << ',' << number(m.ci.low) << ',' << number(m.ci.high) << ','
              << number(m.ci.sd) << ',' << number(m.p10) << ',' << number(m.p90) << ',' << m.ci.n << ','
              << csv_field(std::string(mi.unit)) << ',' << csv_field(scenario_label(results[s])) << ','
              << (sum.stability.unstable ? "true" : "false") << '\n';
        }
    }
    return o.str();
}

namespace {
// The rows of replications.csv, a replication at a time, to `sink`.
template <class Sink>
void replication_rows(const std::vector<ExperimentResult>& results, Sink&& sink) {
    sink("scenario,replication,metric,value\n");
    std::string rows;
    for (const auto& r : results) {
        const std::string name = csv_field(scenario_label(r));
        for (const auto& rep : r.replications) {
            rows.clear();
            for (const auto& mi : model::kMetrics) {
                rows += name;
                rows += ',';
                rows += std::to_string(rep.replication);
                rows += ',';
                rows += mi.name;
                rows += ',';
                rows += number(rep[mi.metric]);
                rows += '\n';
            }
            sink(rows);
        }
    }
}
}  // namespace

std::string replications_csv(const std::vector<ExperimentResult>& results) {
    std::string o;
    replication_rows(results, [&o](std::string_view text) { o += text; });
    return o;
}

void write_replications_csv(const std::filesystem::path& file, const std::vector<ExperimentResult>& results) {
    FileWriter out(file);
    replication_rows(results, [&out](std::string_view text) { out.write(text); });
    out.commit();
}

std::string timeseries_csv(const std::vector<ExperimentResult>& results, const std::vector<Summary>& summaries) {
    std::ostringstream o;
    o << "scenario,day,metric,mean,p10,p90\n";
    for (std::size_t s = 0; s < results.size(); ++s) {
        const std::string name = csv_field(scenario_label(results[s]));
        for (const auto& w : summaries[s].weekly) {
            o << name << ',' << number(w.day) << ",waitlist," << number(w.waitlist_mean) << ',' << number(w.waitlist_p10)
              << ',' << number(w.waitlist_p90) << '\n';
            o << name << ',' << number(w.day) << ",load_per_fte," << number(w.load_mean) << ',' << number(w.load_p10)
              << ',' << number(w.load_p90) << '\n';
            if (summaries[s].workforce_dynamics) {
                o << name << ',' << number(w.day) << ",fte_in_post," << number(w.fte_mean) << ','
                  << number(w.fte_p10) << ',' << number(w.fte_p90) << '\n';
                o << name << ',' << number(w.day) << ",vacancies," << number(w.vacancies_mean) << ','
                  << number(w.vacancies_p10) << ',' << number(w.vacancies_p90) << '\n';
                o << name << ',' << number(w.day) << ",absent_fte," << number(w.absent_mean) << ','
                  << number(w.absent_p10) << ',' << number(w.absent_p90) << '\n';
                o << name << ',' << number(w.day) << ",turnover," << number(w.turnover_mean) << ','
                  << number(w.turnover_p10) << ',' << number(w.turnover_p90) << '\n';
                o << name << ',' << number(w.day) << ",absenteeism," << number(w.absenteeism_mean) << ','
                  << number(w.absenteeism_p10) << ',' << number(w.absenteeism_p90) << '\n';
            }
        }
    }
    return o.str();
}

// A period metric summed over all periods, per replication.
// Folded by run_experiments (`totals`) or, for a result built by hand, from the periods.
std::vector<double> detail::plan_totals(const ExperimentResult& r, model::PeriodMetric m) {
    const auto i = static_cast<std::size_t>(m);
    const bool folded = r.totals.size() == r.replications.size() && r.periods.replications() == r.replications.size();
    std::vector<double> v;
    v.reserve(r.replications.size());
    for (std::size_t k = 0; k < r.replications.size(); ++k)
        v.push_back(folded ? r.totals[k][i] : experiment::period_totals(r.replications[k].periods)[i]);
    return v;
}

// Sum of a period metric over all periods, paired baseline vs scenario.
stats::Interval detail::plan_total_difference(const ExperimentResult& a, const ExperimentResult& b, model::PeriodMetric m) {
    return stats::paired_difference(plan_totals(a, m), plan_totals(b, m));
}

namespace {
using detail::plan_total_difference;
using detail::plan_totals;

const char* better_word(model::Better b) {
    return b == model::Better::lower ? "lower" : b == model::Better::higher ? "higher" : "neither";
}

}  // namespace

std::string comparison_csv(const std::vector<Comparison>& comparisons) {
    std::ostringstream o;
    o << "metric,unit,better,baseline,scenario,baseline_mean,baseline_ci_low,baseline_ci_high,scenario_mean,"
         "scenario_ci_low,scenario_ci_high,diff_mean,diff_ci_low,diff_ci_high,diff_pct,unpaired_diff_ci_low,"
         "unpaired_diff_ci_high,verdict,relevant\n";
    for (const auto& c : comparisons)
        for (const auto& m : c.metrics) {
            const auto& mi = model::info(m.metric);
            o << mi.name << ',' << csv_field(std::string(mi.unit)) << ',' << better_word(mi.better) << ',' << csv_field(c.baseline) << ','
              << csv_field(c.scenario) << ',' << number(m.baseline.mean) << ',' << number(m.baseline.low) << ','
              << number(m.baseline.high) << ',' << number(m.scenario.mean) << ',' << number(m.scenario.low) << ','
              << number(m.scenario.high) << ',' << number(m.difference.mean) << ',' << number(m.difference.low) << ','
              << number(m.difference.high) << ',' << number(m.difference_pct) << ',' << number(m.unpaired_difference.low)
              << ',' << number(m.unpaired_difference.high) << ',' << csv_field(experiment::to_string(m.verdict)) << ','
              << number(m.relevant) << '\n';
        }
    return o.str();
}

std::string period_comparison_csv(const std::vector<ExperimentResult>& results, const std::vector<Summary>& summaries,
                                  const std::vector<Comparison>& comparisons) {
    std::string o =
        "baseline,scenario,period,start_day,end_day,start_date,end_date,metric,unit,better,baseline_mean,"
        "baseline_ci_low,baseline_ci_high,scenario_mean,scenario_ci_low,scenario_ci_high,diff_mean,diff_ci_low,"
        "diff_ci_high,verdict,relevant\n";
    auto row = [&o](const std::string& head, std::string_view metric, std::string_view unit, model::Better better,
                    const stats::Interval& b, const stats::Interval& s, const stats::Interval& d,
                    experiment::Verdict v, double relevant) {
        o += head + std::string(metric) + ',' + csv_field(std::string(unit)) + ',' + better_word(better) + ',' +
             number(b.mean) + ',' + number(b.low) + ',' + number(b.high) + ',' + number(s.mean) + ',' + number(s.low) +
             ',' + number(s.high) + ',' + number(d.mean) + ',' + number(d.low) + ',' + number(d.high) + ',' +
             csv_field(experiment::to_string(v)) + ',' + number(relevant) + '\n';
    };
    for (std::size_t i = 0; i < comparisons.size() && i + 1 < results.size(); ++i) {
        const Comparison& c = comparisons[i];
        if (!c.by_period) continue;
        const ExperimentResult& base = results[0];
        const ExperimentResult& scen = results[i + 1];
        const auto& periods = summaries[0].periods;
        const std::string names = csv_field(c.baseline) + ',' + csv_field(c.scenario) + ',';
        for (const auto& p : c.periods) {
            if (p.period >= periods.size()) continue;
            const auto& span = periods[p.period];
            const auto& mi = model::info(p.metric);
            row(names + std::to_string(p.period + 1) + ',' + detail::period_span(base.scenario, span.start_day, span.end_day) +
                    ',',
                mi.name, mi.unit, mi.better, p.baseline, p.scenario, p.difference, p.verdict, p.relevant);
        }
        if (periods.empty()) continue;
        const std::string plan =
            names + "plan," + detail::period_span(base.scenario, periods.front().start_day, periods.back().end_day) + ',';
        // The price of the plan: its cost is not rated, whichever side it falls.
        const auto& cost = model::info(model::PeriodMetric::staff_cost);
        row(plan, cost.name, cost.unit, model::Better::neither,
            stats::mean_interval(plan_totals(base, cost.metric)), stats::mean_interval(plan_totals(scen, cost.metric)),
            plan_total_difference(base, scen, cost.metric), experiment::Verdict::not_rated, std::numeric_limits<double>::quiet_NaN());
        for (const auto m : {Metric::time_to_waitlist_target_days, Metric::waitlist_target_reached,
                             Metric::family_weeks_waited})
            for (const auto& mc : c.metrics)
                if (mc.metric == m && (m == Metric::family_weeks_waited || base.scenario.targets.waitlist)) {
                    const auto& mi = model::info(m);
                    row(plan, mi.name, mi.unit, mi.better, mc.baseline, mc.scenario, mc.difference, mc.verdict, mc.relevant);
                }
    }
    return o;
}

}  // namespace caseload::report
