#pragma once
// Reading one scenario file's YAML tree into a Scenario: the value readers
// (numbers, whole numbers, durations, times, distributions) and the walk of
// the key table (caseload/scenario/schema.hpp) that puts each value in its
// place, remembering where each key was written. Internal to the scenario
// library; loader.cpp stacks files (extends) and validate.cpp checks the
// whole.

#include "scenario/yaml_text.hpp"

#include "caseload/scenario/schema.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace caseload::scenario::detail {

class Parser {
public:
    Parser(std::string file, std::filesystem::path dir, std::map<std::string, Location>& provenance)
        : file_(file), dir_(std::move(dir)), provenance_(provenance), errors_(std::move(file)) {}

    [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg,
                           const std::string& suggestion = {}) const;
    [[nodiscard]] Location where(const YAML::Node& n) const;
    void note(const YAML::Node& n, const std::string& path) { provenance_[path] = where(n); }

    void expect_map(const YAML::Node& n, const std::string& path) const;
    // Every key must be one of `allowed`; duplicates are errors too. All the
    // mapping's bad keys are reported together.
    void check_keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) const;
    [[nodiscard]] YAML::Node require(const YAML::Node& map, const std::string& path, const std::string& key) const;

    [[nodiscard]] std::string scalar(const YAML::Node& n, const std::string& path, const std::string& expected) const;
    [[nodiscard]] double number(const YAML::Node& n, const std::string& path) const;
    [[nodiscard]] double number_in(const YAML::Node& n, const std::string& path, double lo, double hi,
                                   const std::string& what) const;
    [[nodiscard]] double positive(const YAML::Node& n, const std::string& path) const;
    [[nodiscard]] double share(const YAML::Node& n, const std::string& path) const;
    [[nodiscard]] std::int64_t integer(const YAML::Node& n, const std::string& path, std::int64_t lo, std::int64_t hi,
                                       const std::string& limit_note = {}) const;
    // A duration with a unit: 300d, 6w, 18m, 2y (m = year/12, y = 365.25 days).
    // `date_ok`: the key also takes a date (its message shows that form once
    // a start date is set).
    [[nodiscard]] double duration(const YAML::Node& n, const std::string& path, bool allow_zero = false,
                                  bool date_ok = false) const;
    // A time since the start: a duration (6m), or a date (2027-03-01) when the
    // scenario has a start date (initial.start_date).
    [[nodiscard]] double time_point(const YAML::Node& n, const std::string& path, bool allow_zero = true) const;
    [[nodiscard]] kernel::DistributionSpec distribution(const YAML::Node& n, const std::string& path);
    // A value of key `k` of the table, read and range-checked.
    [[nodiscard]] schema::Value value(const YAML::Node& n, const std::string& path, const schema::Key& k);

    // Apply one file's keys on top of `s` (which holds defaults or the parent's
    // values). A bad value does not stop the reading: every error of the file
    // is collected (up to kMaxErrorsPerFile), then thrown together.
    void apply(const YAML::Node& root, Scenario& s);

    // Run `f`; an error it throws is recorded, and reading goes on. Other
    // files read by a Parser (compare and sweep files) collect their errors so.
    template <class F>
    void attempt(F&& f) {
        errors_.attempt(std::forward<F>(f));
    }
    // Throw the errors recorded, if any: one as itself, several together (in file order).
    void finish() { errors_.finish(); }

private:
    void record(const ScenarioError& e) { errors_.record(e); }
    // What is wrong with the keys of mapping `n`, each key's problem on its own.
    [[nodiscard]] std::vector<ScenarioError> key_problems(const YAML::Node& n, const std::string& path,
                                                          const std::vector<std::string>& allowed) const;
    // The forms a duration may take, for messages.
    [[nodiscard]] std::string duration_forms(bool date_ok) const;

    // The keys of `section` written in `n`, each put in its place in `owner`
    // (the struct the section's fields point into).
    void apply_section(const YAML::Node& n, const std::string& path, std::string_view section, void* owner,
                       Scenario& s);
    // The keys the table leaves to code: lists and named mappings.
    void apply_custom(const YAML::Node& v, const std::string& path, Scenario& s);
    void apply_interventions(const YAML::Node& n, std::vector<InterventionSpec>& out);
    template <class T>
    void apply_params(const YAML::Node& e, const std::string& ip, const std::string& type, T& spec);
    void apply_schedule(const YAML::Node& v, const std::string& path, ReferralSpec& r);
    void apply_children(const YAML::Node& v, const std::string& path, ReferralSpec& r);
    void apply_types(const YAML::Node& v, const std::string& path, ReferralSpec& r, Scenario& s);
    void apply_teams(const YAML::Node& v, const std::string& path, Scenario& s);
    kernel::DistributionSpec empirical_csv(const YAML::Node& n, const std::string& path);

    std::string file_;
    std::filesystem::path dir_;
    std::map<std::string, Location>& provenance_;
    std::optional<std::int64_t> start_date_;  // initial.start_date of the scenario so far
    ErrorList errors_;                        // recorded by attempt, thrown by finish
};

// A scenario read from its files, with where each key was written.
struct Loaded {
    Scenario scenario;
    std::map<std::string, Location> provenance;
};

// One file's parsed tree on top of what it extends; `chain` holds the files
// being read (for circular extends). In loader.cpp.
[[nodiscard]] Loaded load_root(const YAML::Node& root, const std::string& label, const std::filesystem::path& base_dir,
                               std::vector<std::string>& chain);
// The checks of a whole scenario (required keys, sums, the start state). In validate.cpp.
void validate(const Loaded& l);

// yaml-cpp's own exceptions never leave the loader: a node the code did not
// expect is reported like any other error in the file.
template <class F>
auto guarded(const std::string& label, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const YAML::Exception& e) {
        const bool known = !e.mark.is_null();
        throw ScenarioError(Location{label, known ? e.mark.line + 1 : 0, known ? e.mark.column + 1 : 0}, "",
                            "cannot read this YAML (" + e.msg + "); expected a scenario or compare file");
    }
}

}  // namespace caseload::scenario::detail
