#pragma once
// Results on disk. A results folder is built under a temporary name and
// renamed into place when complete, so a killed run never leaves a folder
// that looks like results; an existing folder is replaced only with `force`.
// Every write is checked: a full disk is an OutputError, never a short file.

#include "caseload/experiment/analysis.hpp"
#include "caseload/report/language.hpp"
#include "caseload/scenario/input_error.hpp"

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace caseload::report {

class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The results folder exists and --force was not given (bad input, not a
// failed write).
class OutputExists : public InputError {
public:
    explicit OutputExists(const std::string& message) : std::runtime_error(message) {}
};

class ResultsDir {
public:
    // Throws OutputError when `dir` exists and `force` is false.
    ResultsDir(std::filesystem::path dir, bool force);
    ResultsDir(const ResultsDir&) = delete;
    ResultsDir& operator=(const ResultsDir&) = delete;
    ~ResultsDir();  // removes the temporary folder unless committed

    // Write `name` (may contain one level of sub-folder) inside the folder.
    void write(const std::string& name, const std::string& content);
    // Move the finished folder into place; returns its final path.
    std::filesystem::path commit();

    [[nodiscard]] const std::filesystem::path& staging() const { return staging_; }

private:
    std::filesystem::path dir_;
    std::filesystem::path staging_;
    bool force_;
    bool committed_ = false;
};

// Whether `dir` is a folder (not a link) holding the results of a finished
// run: a metadata.json that caseload wrote.
[[nodiscard]] bool holds_results(const std::filesystem::path& dir);

// Write one file in place, checking every write and the final flush.
void write_file(const std::filesystem::path& file, const std::string& content);
// Write one file atomically (temporary name, fsync, rename). Refuses to
// replace anything but a regular file.
void write_file_atomic(const std::filesystem::path& file, const std::string& content);

// Reading back a file named in a results folder or a kept run: a regular
// file (a symlink to one is followed) of at most `max_bytes`, read once. On
// failure `error` says why, for people ("... is not a regular file", "... is
// larger than N bytes"), and `text` is empty; callers throw their own error.
struct ReadBack {
    std::string text;
    std::string error;
};
[[nodiscard]] ReadBack read_capped(const std::filesystem::path& file, std::uintmax_t max_bytes);
// The caps: metadata.json and a kept run's manifest; a kept replication;
// a results CSV (the largest, timeseries.csv, is a few MB for 50 years of 10 scenarios).
inline constexpr std::uintmax_t kMaxMetadataBytes = std::uintmax_t{16} << 20;
inline constexpr std::uintmax_t kMaxKeptReplicationBytes = std::uintmax_t{64} << 20;
inline constexpr std::uintmax_t kMaxResultsCsvBytes = std::uintmax_t{1} << 30;

// A file written piece by piece (for outputs too large to hold in memory),
// under a temporary name until commit() flushes, syncs and renames it into
// place. Every write is checked. Dropped without commit, it leaves nothing.
class FileWriter {
public:
    explicit FileWriter(std::filesystem::path file);
    FileWriter(const FileWriter&) = delete;
    FileWriter& operator=(const FileWriter&) = delete;
    ~FileWriter();
    void write(std::string_view text);
    // What `part` has had written so far, appended here (`part` is left as it was).
    void append(FileWriter& part);
    void commit();

private:
    void flush();
    void write_out(const char* p, std::size_t n);  // to the temporary file, whole
    std::filesystem::path file_, tmp_;
    int fd_ = -1;
    std::string buffer_;
};

// Formatting: shortest text that reads back to the same double; NaN -> NA.
[[nodiscard]] std::string number(double v);
// number(v) appended to `o` (for outputs of many rows).
void append_number(std::string& o, double v);
// A CSV field, quoted when it holds a comma, quote or line break; text that a
// spreadsheet would evaluate (starts with = + - @, a tab or a carriage return,
// and is not a plain number such as -1.5) is quoted with a leading apostrophe.
[[nodiscard]] std::string csv_field(const std::string& s);
// Text for a terminal or a report: control characters (C0 but those in
// `keep`, DEL, C1) and the bidirectional overrides and isolates (U+202A-E,
// U+2066-9, which reorder what follows) become visible escapes, "\x1b",
// "\u202e", so that a scenario named "\e[31m" cannot colour, move or hide
// anything. Everything else, other UTF-8 included, is left as it is.
[[nodiscard]] std::string printable(std::string_view text, std::string_view keep = "\n\t");
// The length of the longest prefix of `text` that printable() can handle
// alone: all but a UTF-8 sequence cut off at the end (for stream buffers).
[[nodiscard]] std::size_t printable_prefix(std::string_view text);
// A number for people: 3 significant digits or so; shares as percentages.
[[nodiscard]] std::string human(double v, std::string_view unit);

// 64-bit FNV-1a, hex: identifies a resolved scenario in outputs.
[[nodiscard]] std::string content_hash(const std::string& text);

// The CSV files. Column names are documented in the README.
[[nodiscard]] std::string summary_csv(const std::vector<experiment::ExperimentResult>& results,
                                      const std::vector<experiment::Summary>& summaries);
[[nodiscard]] std::string replications_csv(const std::vector<experiment::ExperimentResult>& results);
// Per reporting period: the means with intervals (periods_summary.csv; every
// replication's values go to periods.csv, below). Dates are NA without a start date.
[[nodiscard]] std::string periods_summary_csv(const std::vector<experiment::ExperimentResult>& results,
                                              const std::vector<experiment::Summary>& summaries);
// replications.csv written to `file` as it is made (it grows with the replications).
void write_replications_csv(const std::filesystem::path& file, const std::vector<experiment::ExperimentResult>& results);
// periods.csv, every replication's values per reporting period, the same way
// (from results whose periods were kept: RunOptions::keep_periods).
void write_periods_csv(const std::filesystem::path& file, const std::vector<experiment::ExperimentResult>& results);
// periods.csv written while the replications run, each as it is folded
// (RunOptions::on_folded), so that their periods need not be kept: the same
// bytes as write_periods_csv. Until commit() it is a temporary file (and one
// per scenario after the first), removed if the run stops.
class PeriodsCsv {
public:
    PeriodsCsv(const std::filesystem::path& file, const std::vector<scenario::Scenario>& scenarios);
    PeriodsCsv(const PeriodsCsv&) = delete;
    PeriodsCsv& operator=(const PeriodsCsv&) = delete;
    ~PeriodsCsv();
    // The next replication of `scenario`, in replication order. Never throws
    // for a failed write: commit() does (OutputError), once the run is over.
    void add(std::size_t scenario, const model::ReplicationResult& rep);
    void commit();

private:
    std::filesystem::path file_;
    std::vector<scenario::Scenario> scenarios_;
    std::vector<std::string> names_;
    std::vector<std::unique_ptr<FileWriter>> parts_;
    std::string rows_;
    std::string error_;  // the first failed write
    bool committed_ = false;
};
[[nodiscard]] std::string timeseries_csv(const std::vector<experiment::ExperimentResult>& results,
                                         const std::vector<experiment::Summary>& summaries);

struct Comparison {
    std::string baseline;  // scenario name
    std::string scenario;
    std::vector<experiment::MetricComparison> metrics;
    std::vector<experiment::PeriodComparison> periods;  // per reporting period
    // Whether the comparison answers year by year (a run from a start state,
    // or a scenario whose waitlist grows without bound).
    bool by_period = false;
};

// Compare every scenario with the first (the baseline): whole-window metrics
// and per period. When either side is UNSTABLE its window means depend on
// the horizon: those metrics are not rated (the per-period values are, but
// for cost, throughput and staffing). `relevant` overrides minimum relevant
// differences by metric name (a compare file's `relevant:`).
[[nodiscard]] std::vector<Comparison> compare_all(const std::vector<experiment::ExperimentResult>& results,
                                                  const std::vector<experiment::Summary>& summaries,
                                                  const std::map<std::string, double, std::less<>>& relevant = {});
[[nodiscard]] std::string comparison_csv(const std::vector<Comparison>& comparisons);
// `period_comparison.csv`, the year-by-year answer of the comparisons that
// answer year by year (Comparison::by_period; none: the header only). Tidy:
// baseline,scenario,period,start_day,end_day,start_date,end_date,metric,unit,
// better, then mean and 95% interval of the baseline, the scenario and their
// paired difference, and the verdict. `period` is 1, 2, ... for the period
// metrics, or `plan` for figures over the whole plan: staff_cost (summed over
// the periods), time_to_waitlist_target_days, waitlist_target_reached and
// family_weeks_waited. Dates are NA without a start date.
[[nodiscard]] std::string period_comparison_csv(const std::vector<experiment::ExperimentResult>& results,
                                                const std::vector<experiment::Summary>& summaries,
                                                const std::vector<Comparison>& comparisons);
// What the terminal and comparison.md say, and in which language. The
// start state is the file the scenarios were laid over (compare: from:),
// named instead of the staff it sets.
struct TextOptions {
    Language lang = Language::en;
    std::string start_state;
};
[[nodiscard]] std::string comparison_markdown(const std::vector<experiment::ExperimentResult>& results,
                                              const std::vector<experiment::Summary>& summaries,
                                              const std::vector<Comparison>& comparisons, const TextOptions& options = {});

// Tables for the terminal.
[[nodiscard]] std::string comparison_text(const std::vector<experiment::ExperimentResult>& results,
                                          const std::vector<experiment::Summary>& summaries,
                                          const std::vector<Comparison>& comparisons, const TextOptions& options = {});
[[nodiscard]] std::string summary_text(const experiment::ExperimentResult& result, const experiment::Summary& summary,
                                       Language lang = Language::en);

// Warnings about stability and warm-up, one line each (empty when none).
[[nodiscard]] std::vector<std::string> warnings(const experiment::ExperimentResult& result,
                                                const experiment::Summary& summary, Language lang = Language::en);
// What a scenario changes against the baseline, in words: its interventions
// ("+12 FTE from 2027-03-01", "caseload norm 12 from day 0") and every value
// of its resolved scenario that differs from the baseline's ("caseload norm 12
// (baseline 14)"); changes_text joins them with "; " ("no changes" when none).
[[nodiscard]] std::vector<std::string> scenario_changes(const scenario::Scenario& baseline, const scenario::Scenario& s,
                                                        Language lang);
[[nodiscard]] std::string changes_text(const scenario::Scenario& baseline, const scenario::Scenario& s, Language lang);

}  // namespace caseload::report
