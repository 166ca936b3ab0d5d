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
        : file_(std::move(file)), dir_(std::move(dir)), provenance_(provenance) {}

    [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg,
                           const std::string& suggestion = {}) const;
    [[nodiscard]] Location where(const YAML::Node& n) const;
    void note(const YAML::Node& n, const std::string& path) { provenance_[path] = where(n); }

    void expect_map(const YAML::Node& n, const std::string& path) const;
    // Every key must be one of `allowed`; duplicates are errors too.
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
    [[nodiscard]] double duration(const YAML::Node& n, const std::string& path, bool allow_zero = false) const;
    // A time since the start: a duration (6m), or a date (2027-03-01) when the
    // scenario has a start date (initial.start_date).
    [[nodiscard]] double time_point(const YAML::Node& n, const std::string& path, bool allow_zero = true) const;
    [[nodiscard]] kernel::DistributionSpec distribution(const YAML::Node& n, const std::string& path);
    // A value of key `k` of the table, read and range-checked.
    [[nodiscard]] schema::Value value(const YAML::Node& n, const std::string& path, const schema::Key& k);

    // Apply one file's keys on top of `s` (which holds defaults or the parent's values).
    void apply(const YAML::Node& root, Scenario& s);

private:
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
    kernel::DistributionSpec empirical_csv(const YAML::Node& n, const std::string& path);

    std::string file_;
    std::filesystem::path dir_;
    std::map<std::string, Location>& provenance_;
    std::optional<std::int64_t> start_date_;  // initial.start_date of the scenario so far
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
