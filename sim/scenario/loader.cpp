#include "caseload/scenario/loader.hpp"

#include "scenario/yaml_text.hpp"

#include "caseload/scenario/cost.hpp"
#include "caseload/scenario/dates.hpp"
#include "caseload/scenario/schema.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <map>
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

namespace {

using detail::join;

std::string child_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

// What a node holds, in words, for "found ..." in messages.
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

std::string read_file(const fs::path& file, const Location* where, std::size_t limit = kMaxYamlBytes);
void check_named_file(const fs::path& file, const Location& where, const std::string& key_path, const std::string& what);

// Parses YAML nodes into Spec values, remembering where each key came from.
class Parser {
    std::optional<std::int64_t> start_date_;  // initial.start_date of the scenario so far

public:
    Parser(std::string file, fs::path dir, std::map<std::string, Location>& provenance)
        : file_(std::move(file)), dir_(std::move(dir)), provenance_(provenance) {}

    [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg,
                           const std::string& suggestion = {}) const {
        throw ScenarioError(where(n), path, msg, suggestion);
    }

    [[nodiscard]] Location where(const YAML::Node& n) const {
        if (!n.IsDefined()) return Location{file_, 0, 0};  // a key that is not there has no place
        const YAML::Mark m = n.Mark();
        if (m.is_null()) return Location{file_, 0, 0};
        return Location{file_, m.line + 1, m.column + 1};
    }

    void note(const YAML::Node& n, const std::string& path) { provenance_[path] = where(n); }

    void expect_map(const YAML::Node& n, const std::string& path) const {
        if (!n.IsMap()) fail(n, path, "expected a mapping (key: value lines), found " + describe(n));
    }

    // Every key must be one of `allowed`; duplicates are errors too.
    void check_keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) const {
        expect_map(n, path);
        std::set<std::string> seen;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node k = it->first;  // a copy: it-> yields a temporary proxy
            if (!k.IsScalar()) fail(k, path, "expected a key name, found " + describe(k));
            const std::string key = k.Scalar();
            if (!seen.insert(key).second) fail(k, child_path(path, key), "duplicate key");
            const bool known = std::find(allowed.begin(), allowed.end(), key) != allowed.end();
            if (known && it->second.IsNull())
                fail(k, child_path(path, key), "found nothing after '" + key + ":'; expected a value on the same line or "
                                                "indented below it (or remove the line)");
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                const std::string sug = nearest(key, allowed);
                fail(k, child_path(path, key),
                     "unknown key '" + key + "'; expected one of: " + join(allowed), sug);
            }
        }
    }

    [[nodiscard]] std::string scalar(const YAML::Node& n, const std::string& path, const std::string& expected) const {
        if (!n.IsScalar()) fail(n, path, "expected " + expected + ", found " + describe(n));
        return n.Scalar();
    }

    [[nodiscard]] double number(const YAML::Node& n, const std::string& path) const {
        const std::string s = scalar(n, path, "a number");
        double v = 0;
        const char* b = s.data();
        const char* e = s.data() + s.size();
        if (b != e && *b == '+') ++b;
        auto r = std::from_chars(b, e, v);
        if (r.ec != std::errc{} || r.ptr != e || !std::isfinite(v))
            fail(n, path, "expected a number, found " + describe(n));
        return v;
    }

    [[nodiscard]] double number_in(const YAML::Node& n, const std::string& path, double lo, double hi,
                                   const std::string& what) const {
        const double v = number(n, path);
        if (!(v >= lo && v <= hi)) fail(n, path, "expected " + what + ", found " + describe(n));
        return v;
    }

    [[nodiscard]] double positive(const YAML::Node& n, const std::string& path) const {
        const double v = number(n, path);
        if (!(v > 0)) fail(n, path, "expected a number greater than 0, found " + describe(n));
        return v;
    }

    [[nodiscard]] double share(const YAML::Node& n, const std::string& path) const {
        return number_in(n, path, 0.0, 1.0, "a share between 0 and 1");
    }

    [[nodiscard]] std::int64_t integer(const YAML::Node& n, const std::string& path, std::int64_t lo, std::int64_t hi,
                                       const std::string& limit_note = {}) const {
        const std::string s = scalar(n, path, "a whole number");
        std::int64_t v = 0;
        const char* b = s.data();
        const char* e = s.data() + s.size();
        if (b != e && *b == '+') ++b;
        auto r = std::from_chars(b, e, v);
        if (r.ec == std::errc::result_out_of_range)
            fail(n, path, "expected a whole number between " + std::to_string(lo) + " and " + std::to_string(hi) +
                              ", found " + describe(n) + limit_note);
        if (r.ec != std::errc{} || r.ptr != e) fail(n, path, "expected a whole number, found " + describe(n));
        if (v < lo || v > hi)
            fail(n, path, "expected a whole number between " + std::to_string(lo) + " and " + std::to_string(hi) +
                              ", found " + describe(n) + limit_note);
        return v;
    }

    // A duration with a unit: 300d, 6w, 18m, 2y (m = year/12, y = 365.25 days).
    [[nodiscard]] double duration(const YAML::Node& n, const std::string& path, bool allow_zero = false) const {
        const std::string s = scalar(n, path, "a duration such as 300d, 6w, 18m or 2y");
        std::size_t end = s.size();
        while (end > 0 && s[end - 1] == ' ') --end;
        if (end == 0) fail(n, path, "expected a duration such as 300d, 6w, 18m or 2y, found " + describe(n));
        const char unit = s[end - 1];
        double per = 0;
        switch (unit) {
            case 'd': per = 1.0; break;
            case 'w': per = kDaysPerWeek; break;
            case 'm': per = kDaysPerMonth; break;
            case 'y': per = kDaysPerYear; break;
            default:
                if ((unit >= '0' && unit <= '9') || unit == '.')
                    fail(n, path, "expected a duration with a unit (d, w, m or y), e.g. '" + s + "d', found " +
                                      describe(n));
                fail(n, path, std::string("unknown duration unit '") + unit + "'; expected d, w, m or y (e.g. 300d)");
        }
        std::size_t num_end = end - 1;
        while (num_end > 0 && s[num_end - 1] == ' ') --num_end;
        double v = 0;
        auto r = std::from_chars(s.data(), s.data() + num_end, v);
        if (num_end == 0 || r.ec != std::errc{} || r.ptr != s.data() + num_end || !std::isfinite(v))
            fail(n, path, "expected a duration such as 300d, 6w, 18m or 2y, found " + describe(n));
        const double days = v * per;
        if (allow_zero ? !(days >= 0) : !(days > 0))
            fail(n, path, std::string("expected a duration ") + (allow_zero ? "of at least 0" : "greater than 0") +
                              ", found " + describe(n));
        return days;
    }

    // A time since the start: a duration (6m), or a date (2027-03-01) when the
    // scenario has a start date (initial.start_date).
    [[nodiscard]] double time_point(const YAML::Node& n, const std::string& path, bool allow_zero = true) const {
        const std::string s = n.IsScalar() ? n.Scalar() : std::string();
        if (!looks_like_date(s)) return duration(n, path, allow_zero);
        const auto day = parse_date(s);
        if (!day) fail(n, path, "'" + s + "' is not a date of the calendar; expected YYYY-MM-DD, e.g. 2027-03-01");
        if (!start_date_)
            fail(n, path, "the date " + s + " needs a start date: set initial.start_date (the date of time 0), "
                          "or give a duration such as 6m, 26w or 180d");
        const double days = double(*day - *start_date_);
        if (days < 0 || (!allow_zero && days == 0))
            fail(n, path, "the date " + s + " is " + (days < 0 ? "before" : "on") + " the start date " +
                              format_date(*start_date_) + "; expected a date after it");
        return days;
    }

    [[nodiscard]] kernel::DistributionSpec distribution(const YAML::Node& n, const std::string& path) {
        expect_map(n, path);
        const YAML::Node kind_node = n["distribution"];
        if (!kind_node) fail(n, path, "missing key 'distribution' (exponential, lognormal, gamma, fixed, uniform or empirical)");
        const std::string kind = scalar(kind_node, child_path(path, "distribution"), "a distribution name");
        const std::vector<std::string>& kinds = schema::distribution_kinds();
        const std::string dpath = child_path(path, "distribution");
        kernel::DistributionSpec d;
        if (kind == "exponential") {
            check_keys(n, path, schema::keys("distribution.exponential"));
            d = kernel::DistributionSpec::exponential(duration(require(n, path, "mean"), child_path(path, "mean")));
        } else if (kind == "lognormal" || kind == "gamma") {
            check_keys(n, path, schema::keys("distribution." + kind));
            const double mean = duration(require(n, path, "mean"), child_path(path, "mean"));
            const double cv = positive(require(n, path, "cv"), child_path(path, "cv"));
            d = kind == "lognormal" ? kernel::DistributionSpec::lognormal(mean, cv) : kernel::DistributionSpec::gamma(mean, cv);
        } else if (kind == "fixed") {
            check_keys(n, path, schema::keys("distribution.fixed"));
            d = kernel::DistributionSpec::fixed(duration(require(n, path, "value"), child_path(path, "value"), true));
        } else if (kind == "uniform") {
            check_keys(n, path, schema::keys("distribution.uniform"));
            const double lo = duration(require(n, path, "min"), child_path(path, "min"), true);
            const double hi = duration(require(n, path, "max"), child_path(path, "max"));
            if (hi < lo) fail(n["max"], child_path(path, "max"), "expected max >= min");
            d = kernel::DistributionSpec::uniform(lo, hi);
        } else if (kind == "empirical") {
            check_keys(n, path, schema::keys("distribution.empirical"));
            if (n["values"] && n["csv"]) fail(n, path, "give either 'values' or 'csv' with 'column', not both");
            if (n["values"]) {
                if (n["column"] || n["unit"]) fail(n, path, "'column' and 'unit' go with 'csv', not with 'values'");
                const YAML::Node vs = n["values"];
                const std::string vpath = child_path(path, "values");
                if (!vs.IsSequence() || vs.size() == 0)
                    fail(vs, vpath, "expected a non-empty list of durations, found " + describe(vs));
                std::vector<double> values;
                for (std::size_t i = 0; i < vs.size(); ++i)
                    values.push_back(duration(vs[i], vpath + "[" + std::to_string(i) + "]", true));
                d = kernel::DistributionSpec::empirical(std::move(values));
            } else if (n["csv"]) {
                d = empirical_csv(n, path);
            } else {
                fail(n, path, "an empirical distribution needs 'values' (a list of durations) or 'csv' with 'column'");
            }
        } else {
            fail(kind_node, dpath, "unknown distribution '" + kind + "'; expected one of: " + join(kinds),
                 nearest(kind, kinds));
        }
        note(n, path);
        return d;
    }

    [[nodiscard]] YAML::Node require(const YAML::Node& map, const std::string& path, const std::string& key) const {
        const YAML::Node v = map[key];
        if (!v) fail(map, path, "missing key '" + key + "'");
        return v;
    }

    // Apply one file's keys on top of `s` (which holds defaults or the parent's values).
    void apply(const YAML::Node& root, Scenario& s) {
        check_keys(root, "", schema::keys("scenario"));
        // The start state first: its date turns dates elsewhere into times.
        if (auto n = root["initial"]) apply_initial(n, s);
        start_date_ = s.initial.start_date;
        if (auto n = root["name"]) {
            s.name = scalar(n, "name", "a name");
            note(n, "name");
        }
        if (auto n = root["description"]) {
            s.description = scalar(n, "description", "a text");
            note(n, "description");
        }
        if (auto n = root["horizon"]) {
            s.horizon_days = time_point(n, "horizon", false);
            if (s.horizon_days > kMaxHorizonYears * kDaysPerYear)
                fail(n, "horizon", "expected a horizon of at most " + format_number(kMaxHorizonYears) +
                                       " years, found " + describe(n) +
                                       "; a run that long takes days. Shorten it, or split the study into runs "
                                       "(the limit is kMaxHorizonYears in include/caseload/scenario/loader.hpp)");
            note(n, "horizon");
        }
        if (auto n = root["warmup"]) {
            s.warmup_days = duration(n, "warmup", true);
            note(n, "warmup");
        }
        if (auto n = root["replications"]) {
            s.replications = int(integer(n, "replications", 1, kMaxReplications,
                                         "; the limit (kMaxReplications in include/caseload/scenario/loader.hpp) keeps one run within a day, "
                                         "use a sweep with --shard for more"));
            note(n, "replications");
        }
        if (auto n = root["seed"]) {
            s.seed = std::uint64_t(integer(n, "seed", 0, std::numeric_limits<std::int64_t>::max()));
            note(n, "seed");
        }
        if (auto n = root["referrals"]) apply_referrals(n, s.referrals);
        if (auto n = root["workforce"]) apply_workforce(n, s.workforce);
        if (auto n = root["waitlist"]) apply_waitlist(n, s.waitlist);
        if (auto n = root["handover"]) apply_handover(n, s.handover);
        if (auto n = root["effects"]) apply_effects(n, s.effects);
        if (auto n = root["care"]) apply_care(n, s.care);
        if (auto n = root["placement"]) apply_placement(n, s.placement);
        if (auto n = root["repeat"]) apply_repeat(n, s.repeat);
        if (auto n = root["triage"]) apply_triage(n, s.triage);
        if (auto n = root["interventions"]) apply_interventions(n, s.interventions);
        if (auto n = root["targets"]) {
            check_keys(n, "targets", schema::keys("targets"));
            field(n, "targets", "time_to_help", [&](const auto& v, const auto& p) { s.targets.time_to_help_days = duration(v, p, true); });
            field(n, "targets", "waitlist", [&](const auto& v, const auto& p) {
                s.targets.waitlist = double(integer(v, p, 0, kMaxWaitlistLength));
            });
        }
        if (auto n = root["period"]) {
            s.period_days = duration(n, "period");
            note(n, "period");
        }
    }

    // The state at time 0: a share of each cap, or the organisation's state today.
    void apply_initial(const YAML::Node& n, Scenario& s) {
        InitialSpec& in = s.initial;
        check_keys(n, "initial", schema::keys("initial"));
        field(n, "initial", "caseload", [&](const auto& v, const auto& p) { in.caseload_share = share(v, p); });
        field(n, "initial", "start_date", [&](const auto& v, const auto& p) {
            const std::string text = scalar(v, p, "a date");
            const auto day = parse_date(text);
            if (!day) fail(v, p, "expected a date YYYY-MM-DD (e.g. 2027-03-01), found " + describe(v));
            in.start_date = *day;
        });
        auto count = [&](const char* key, std::int64_t& out) {
            field(n, "initial", key, [&](const auto& v, const auto& p) { out = integer(v, p, 0, kMaxWaitlistLength); });
        };
        count("waiting", in.waiting);
        field(n, "initial", "waited", [&](const auto& v, const auto& p) { in.waited = distribution(v, p); });
        field(n, "initial", "in_care", [&](const auto& v, const auto& p) { in.in_care = integer(v, p, 0, kMaxWaitlistLength); });
        if (auto v = n["in_care_by_type"]) {
            const std::string p = "initial.in_care_by_type";
            expect_map(v, p);
            in.in_care_by_type.clear();
            for (const auto& kv : v) {
                const std::string type = kv.first.Scalar();
                in.in_care_by_type.emplace_back(type, integer(kv.second, p + "." + type, 0, kMaxWaitlistLength));
            }
            note(v, p);
        }
        for (const auto& staff : {std::pair{"vacancies", &in.vacancies}, {"sick", &in.sick}, {"ramping", &in.ramping}}) {
            std::int64_t* out = staff.second;
            field(n, "initial", staff.first, [&](const auto& v, const auto& p) { *out = integer(v, p, 0, kMaxWorkers); });
        }
    }

    // Helpers for the optional sections: set `field` when `key` is present.
    template <class F>
    void field(const YAML::Node& n, const std::string& path, const char* key, F&& parse) {
        if (auto v = n[key]) {
            parse(v, child_path(path, key));
            note(v, child_path(path, key));
        }
    }

    void apply_sick_leave(const YAML::Node& n, SickLeaveSpec& s, const std::string& path) {
        check_keys(n, path, schema::keys("workforce.sick_leave"));
        field(n, path, "episodes_per_year", [&](const auto& v, const auto& p) { s.episodes_per_year = number_in(v, p, 0, 52, "episodes per worker-year between 0 and 52"); });
        field(n, path, "length", [&](const auto& v, const auto& p) { s.length = distribution(v, p); });
        field(n, path, "long_after", [&](const auto& v, const auto& p) { s.long_after_days = duration(v, p); });
        field(n, path, "pressure_elasticity", [&](const auto& v, const auto& p) { s.pressure_elasticity = number_in(v, p, -10, 10, "an elasticity between -10 and 10"); });
        field(n, path, "pressure_ceiling", [&](const auto& v, const auto& p) { s.pressure_ceiling = ceiling(v, p); });
    }

    void apply_attrition(const YAML::Node& n, AttritionSpec& a, const std::string& path) {
        check_keys(n, path, schema::keys("workforce.attrition"));
        field(n, path, "per_year", [&](const auto& v, const auto& p) { a.per_year = number_in(v, p, 0, 10, "a hazard per worker-year between 0 and 10 (0.15 = 15% a year)"); });
        field(n, path, "pressure_elasticity", [&](const auto& v, const auto& p) { a.pressure_elasticity = number_in(v, p, -10, 10, "an elasticity between -10 and 10"); });
        field(n, path, "first_year_multiplier", [&](const auto& v, const auto& p) { a.first_year_multiplier = number_in(v, p, 0, 100, "a multiplier between 0 and 100"); });
        field(n, path, "pressure_ceiling", [&](const auto& v, const auto& p) { a.pressure_ceiling = ceiling(v, p); });
    }

    // A ceiling on a hazard multiplier: a number above 1, or 'none'.
    std::optional<double> ceiling(const YAML::Node& v, const std::string& p) {
        if (v.IsScalar() && v.Scalar() == "none") return std::nullopt;
        const double c = number(v, p);
        if (!(c > 1.0 && c <= 100.0))
            fail(v, p, "expected a ceiling on the hazard multiplier above 1 and at most 100, or none (unbounded), found " + describe(v));
        return c;
    }

    void apply_hiring(const YAML::Node& n, HiringSpec& h, const std::string& path) {
        check_keys(n, path, schema::keys("workforce.hiring"));
        field(n, path, "delay", [&](const auto& v, const auto& p) { h.delay = distribution(v, p); });
        field(n, path, "ramp_up", [&](const auto& v, const auto& p) { h.ramp_days = duration(v, p, true); });
        field(n, path, "start_fraction", [&](const auto& v, const auto& p) { h.start_fraction = share(v, p); });
    }

    void apply_overload(const YAML::Node& n, OverloadSpec& o, const std::string& path) {
        check_keys(n, path, schema::keys("workforce.overload"));
        field(n, path, "max", [&](const auto& v, const auto& p) { o.max = number_in(v, p, 0, 2, "a share above the norm between 0 (off) and 2"); });
        field(n, path, "per_waiting_per_fte", [&](const auto& v, const auto& p) { o.per_waiting_per_fte = number_in(v, p, 0, 100, "a share per family waiting per FTE, between 0 and 100"); });
    }

    // A list of interventions; a child file's list is added to its parent's.
    // Each type's keys come from its parameter table (interventions.hpp).
    void apply_interventions(const YAML::Node& n, std::vector<InterventionSpec>& out) {
        const std::string path = "interventions";
        if (!n.IsSequence()) fail(n, path, "expected a list of interventions (- type: ..., at: ...), found " + describe(n));
        const std::vector<std::string> names(kInterventionNames.begin(), kInterventionNames.end());
        for (std::size_t i = 0; i < n.size(); ++i) {
            const YAML::Node e = n[i];
            const std::string ip = path + "[" + std::to_string(i) + "]";
            expect_map(e, ip);
            const YAML::Node tn = require(e, ip, "type");
            const std::string t = scalar(tn, ip + ".type", "an intervention type");
            auto it = std::find(names.begin(), names.end(), t);
            if (it == names.end())
                fail(tn, ip + ".type", "unknown intervention type '" + t + "'; expected one of: " + join(names),
                     nearest(t, names));
            InterventionSpec v;
            v.kind = make_intervention(std::size_t(it - names.begin()));
            check_keys(e, ip, schema::keys("intervention." + t));
            std::visit([&](auto& spec) { apply_params(e, ip, t, spec); }, v.kind);
            field(e, ip, "at", [&](const auto& x, const auto& p) { v.at_days = time_point(x, p); });
            note(e, ip);
            out.push_back(v);
        }
    }

    template <class T>
    void apply_params(const YAML::Node& e, const std::string& ip, const std::string& type, T& spec) {
        for (const auto& p : T::params())
            if (p.required) (void)require(e, ip, std::string(p.key).c_str());
        // A type whose effects all default to "no change" needs one of them
        // written: without, it would run and change nothing.
        if (!T::one_of().empty()) {
            std::string keys;
            bool any = false;
            for (std::string_view k : T::one_of()) {
                any |= bool(e[std::string(k)]);
                keys += (keys.empty() ? "'" : " or '") + std::string(k) + "'";
            }
            if (!any) fail(e, ip, "a " + type + " intervention without " + keys + " has no effect; expected at least one of them");
        }
        for (const auto& p : T::params()) {
            const std::string key(p.key);
            field(e, ip, key.c_str(), [&](const auto& x, const auto& path) {
                switch (p.kind) {
                    case ParamKind::number: spec.*p.number = number_in(x, path, p.min, p.max, std::string(p.expected).c_str()); break;
                    case ParamKind::share: spec.*p.number = share(x, path); break;
                    case ParamKind::integer:
                        spec.*p.integer = int(integer(x, path, std::int64_t(p.min), std::int64_t(p.max)));
                        break;
                    case ParamKind::duration: spec.*p.number = duration(x, path, !p.min_exclusive); break;
                }
            });
        }
    }

    void apply_handover(const YAML::Node& n, HandoverSpec& h) {
        const std::string path = "handover";
        check_keys(n, path, schema::keys("handover"));
        field(n, path, "penalty", [&](const auto& v, const auto& p) { h.penalty_days = duration(v, p, true); });
        field(n, path, "priority", [&](const auto& v, const auto& p) {
            const std::string x = scalar(v, p, "ahead or behind");
            if (x == "ahead") h.ahead_of_new = true;
            else if (x == "behind") h.ahead_of_new = false;
            else fail(v, p, "expected 'ahead' (before new referrals) or 'behind', found " + describe(v), nearest(x, {"ahead", "behind"}));
        });
    }

    void apply_effects(const YAML::Node& n, EffectsSpec& e) {
        const std::string path = "effects";
        check_keys(n, path, schema::keys("effects"));
        field(n, path, "reference_caseload", [&](const auto& v, const auto& p) { e.reference_caseload = number_in(v, p, 0.1, 1000, "a caseload greater than 0"); });
        field(n, path, "length_strength", [&](const auto& v, const auto& p) { e.length_strength = number_in(v, p, 0, 5, "a strength between 0 (off) and 5"); });
        field(n, path, "repeat_strength", [&](const auto& v, const auto& p) { e.repeat_strength = number_in(v, p, 0, 5, "a strength between 0 (off) and 5"); });
        field(n, path, "waitlist_pressure_weight", [&](const auto& v, const auto& p) { e.waitlist_pressure_weight = number_in(v, p, 0, 10, "a weight between 0 (off) and 10"); });
        field(n, path, "intensity_from", [&](const auto& v, const auto& p) {
            const std::string x = scalar(v, p, "norm or load");
            if (x == "norm") e.intensity_from = IntensityFrom::norm;
            else if (x == "load") e.intensity_from = IntensityFrom::load;
            else fail(v, p, "unknown intensity source '" + x + "'; expected norm (the worker's caseload norm) or load (the actual load per FTE)", nearest(x, {"norm", "load"}));
        });
    }

    void apply_care(const YAML::Node& n, CareSpec& c) {
        const std::string path = "care";
        check_keys(n, path, schema::keys("care"));
        field(n, path, "need_share", [&](const auto& v, const auto& p) { c.need_share = share(v, p); });
        field(n, path, "search", [&](const auto& v, const auto& p) { c.search = distribution(v, p); });
        field(n, path, "places", [&](const auto& v, const auto& p) {
            if (v.IsScalar() && v.Scalar() == "unlimited") c.places.reset();
            else c.places = integer(v, p, 0, kMaxCarePlaces);
        });
        field(n, path, "stay", [&](const auto& v, const auto& p) { c.stay = distribution(v, p); });
        field(n, path, "late_after", [&](const auto& v, const auto& p) { c.late_after_days = duration(v, p, true); });
        field(n, path, "late_extension", [&](const auto& v, const auto& p) { c.late_extension = number_in(v, p, 0, 10, "days of extra work per day of delay, between 0 and 10"); });
    }

    void apply_placement(const YAML::Node& n, PlacementSpec& pl) {
        const std::string path = "placement";
        check_keys(n, path, schema::keys("placement"));
        field(n, path, "share", [&](const auto& v, const auto& p) { pl.share = share(v, p); });
        field(n, path, "length_multiplier", [&](const auto& v, const auto& p) { pl.length_multiplier = number_in(v, p, 0.01, 100, "a multiplier greater than 0"); });
        field(n, path, "weight_multiplier", [&](const auto& v, const auto& p) { pl.weight_multiplier = number_in(v, p, 0.01, 100, "a multiplier greater than 0"); });
    }

    void apply_repeat(const YAML::Node& n, RepeatSpec& r) {
        const std::string path = "repeat";
        check_keys(n, path, schema::keys("repeat"));
        field(n, path, "probability", [&](const auto& v, const auto& p) {
            r.probability = number_in(v, p, 0, 0.95, "a probability between 0 and 0.95 (1 would refer every family forever)");
        });
        field(n, path, "delay", [&](const auto& v, const auto& p) { r.delay = distribution(v, p); });
    }

    void apply_triage(const YAML::Node& n, TriageSpec& t) {
        const std::string path = "triage";
        check_keys(n, path, schema::keys("triage"));
        field(n, path, "escalate_after", [&](const auto& v, const auto& p) { t.escalate_after_days = duration(v, p); });
        field(n, path, "review_every", [&](const auto& v, const auto& p) { t.review_every_days = duration(v, p); });
        field(n, path, "review_probability", [&](const auto& v, const auto& p) { t.review_probability = share(v, p); });
    }

    void apply_referrals(const YAML::Node& n, ReferralSpec& r) {
        const std::string path = "referrals";
        check_keys(n, path, schema::keys("referrals"));
        if (n["rate_per_week"] && n["schedule"])
            fail(n["schedule"], path + ".schedule", "give either 'rate_per_week' or 'schedule', not both");
        if (auto v = n["rate_per_week"]) {
            const double rate = number(v, path + ".rate_per_week");
            if (!(rate > 0)) fail(v, path + ".rate_per_week", "expected a referral rate greater than 0, found " + describe(v));
            r.schedule = {RateSegment{0.0, rate}};
            note(v, path + ".rate");
        }
        if (auto v = n["schedule"]) {
            const std::string sp = path + ".schedule";
            if (!v.IsSequence() || v.size() == 0)
                fail(v, sp, "expected a list of {from: duration, rate_per_week: number}, found " + describe(v));
            std::vector<RateSegment> segs;
            for (std::size_t i = 0; i < v.size(); ++i) {
                const std::string ip = sp + "[" + std::to_string(i) + "]";
                check_keys(v[i], ip, schema::keys("referrals.schedule"));
                RateSegment seg;
                seg.from_day = time_point(require(v[i], ip, "from"), ip + ".from");
                seg.rate_per_week = number(require(v[i], ip, "rate_per_week"), ip + ".rate_per_week");
                if (seg.rate_per_week < 0) fail(v[i]["rate_per_week"], ip + ".rate_per_week", "expected a rate of at least 0");
                if (i == 0 && seg.from_day != 0.0) fail(v[i]["from"], ip + ".from", "the first segment must start at 0d");
                if (i > 0 && !(seg.from_day > segs.back().from_day))
                    fail(v[i]["from"], ip + ".from", "expected segments in increasing order of 'from'");
                segs.push_back(seg);
            }
            r.schedule = std::move(segs);
            note(v, path + ".rate");
        }
        if (auto v = n["children"]) {
            const std::string cp = path + ".children";
            if (!v.IsSequence() || v.size() == 0 || v.size() > 20)
                fail(v, cp, "expected a list of shares of families with 1, 2, 3, ... children (at most 20), found " + describe(v));
            std::vector<double> shares;
            double sum = 0.0;
            for (std::size_t i = 0; i < v.size(); ++i) {
                shares.push_back(share(v[i], cp + "[" + std::to_string(i) + "]"));
                sum += shares.back();
            }
            if (std::abs(sum - 1.0) > 1e-6)
                fail(v, cp, "expected shares of families with 1, 2, 3, ... children that sum to 1, found a sum of " + format_number(sum));
            r.children = std::move(shares);
            note(v, cp);
        }
        if (auto v = n["urgent_share"]) {
            r.urgent_share = share(v, path + ".urgent_share");
            note(v, path + ".urgent_share");
        }
        if (auto v = n["types"]) {
            const std::string tp = path + ".types";
            expect_map(v, tp);
            if (v.size() == 0) fail(v, tp, "expected at least one measure type");
            std::set<std::string> seen;
            for (auto it = v.begin(); it != v.end(); ++it) {
                const std::string name = scalar(it->first, tp, "a measure type name");
                if (!seen.insert(name).second) fail(it->first, tp + "." + name, "duplicate measure type");
                if (it->second.IsNull())
                    fail(it->first, tp + "." + name, "found nothing after '" + name + ":'; expected share, length and weight");
                const std::string ip = tp + "." + name;
                auto existing = std::find_if(r.types.begin(), r.types.end(), [&](const auto& t) { return t.name == name; });
                const bool is_new = existing == r.types.end();
                MeasureTypeSpec t;
                if (!is_new) t = *existing;
                t.name = name;
                const YAML::Node tn = it->second;
                check_keys(tn, ip, schema::keys("referrals.types"));
                if (is_new) {
                    (void)require(tn, ip, "share");
                    (void)require(tn, ip, "length");
                }
                if (auto x = tn["share"]) t.share = share(x, ip + ".share");
                if (auto x = tn["length"]) t.length = distribution(x, ip + ".length");
                if (auto x = tn["weight"]) t.weight = positive(x, ip + ".weight");
                if (auto x = tn["leave_waiting_per_year"])
                    t.leave_waiting_per_year = number_in(x, ip + ".leave_waiting_per_year", 0, 52,
                                                         "a hazard per year between 0 (off) and 52 (1 = on average a year)");
                note(tn, ip);
                if (is_new)
                    r.types.push_back(std::move(t));
                else
                    *existing = std::move(t);
            }
            note(v, tp);
        }
    }

    void apply_workforce(const YAML::Node& n, WorkforceSpec& w) {
        const std::string path = "workforce";
        check_keys(n, path, schema::keys("workforce"));
        field(n, path, "cost_per_fte_year", [&](const auto& v, const auto& p) { w.cost_per_fte_year = number_in(v, p, 0, 1e7, "euro per FTE-year, at least 0"); });
        if (auto v = n["sick_leave"]) apply_sick_leave(v, w.sick_leave, path + ".sick_leave");
        if (auto v = n["attrition"]) apply_attrition(v, w.attrition, path + ".attrition");
        if (auto v = n["hiring"]) apply_hiring(v, w.hiring, path + ".hiring");
        if (auto v = n["overload"]) apply_overload(v, w.overload, path + ".overload");
        if (auto v = n["workers"]) {
            w.workers = int(integer(v, path + ".workers", 1, kMaxWorkers,
                                    "; the limit (kMaxWorkers in include/caseload/scenario/loader.hpp) is a national "
                                    "organisation many times over"));
            note(v, path + ".workers");
        }
        if (auto v = n["fte"]) {
            w.fte = number_in(v, path + ".fte", 0.05, 1.5, "an FTE between 0.05 and 1.5 (1.0 = 36 hours a week)");
            note(v, path + ".fte");
        }
        if (auto v = n["caseload_norm"]) {
            w.caseload_norm = number_in(v, path + ".caseload_norm", 0.1, 1000, "a caseload norm greater than 0 (families per FTE)");
            note(v, path + ".caseload_norm");
        }
    }

    void apply_waitlist(const YAML::Node& n, WaitlistSpec& w) {
        const std::string path = "waitlist";
        check_keys(n, path, schema::keys("waitlist"));
        if (auto v = n["discipline"]) {
            const std::string d = scalar(v, path + ".discipline", "fifo or urgent_first");
            if (d == "fifo")
                w.discipline = Discipline::fifo;
            else if (d == "urgent_first")
                w.discipline = Discipline::urgent_first;
            else
                fail(v, path + ".discipline", "unknown discipline '" + d + "'; expected fifo or urgent_first",
                     nearest(d, {"fifo", "urgent_first"}));
            note(v, path + ".discipline");
        }
        if (auto v = n["interim_contact"]) {
            const std::string ip = path + ".interim_contact";
            check_keys(v, ip, schema::keys("waitlist.interim_contact"));
            auto& c = w.interim_contact;
            field(v, ip, "duty_fte", [&](const auto& x, const auto& p) { c.duty_fte = number_in(x, p, 0, 1000, "duty FTE between 0 (off) and 1000"); });
            field(v, ip, "contacts_per_fte_week", [&](const auto& x, const auto& p) { c.contacts_per_fte_week = number_in(x, p, 0.1, 500, "contacts per duty FTE a week, between 0.1 and 500"); });
            field(v, ip, "interval", [&](const auto& x, const auto& p) { c.interval_days = duration(x, p); });
        }
        if (auto v = n["max_length"]) {
            w.max_length = integer(v, path + ".max_length", 1, kMaxWaitlistLength,
                                   "; each waiting family takes memory, and a waitlist this long means the scenario "
                                   "is unstable anyway (the limit is kMaxWaitlistLength in include/caseload/scenario/loader.hpp)");
            note(v, path + ".max_length");
        }
    }

private:
    kernel::DistributionSpec empirical_csv(const YAML::Node& n, const std::string& path) {
        const std::string csv = scalar(n["csv"], path + ".csv", "a CSV file name");
        const YAML::Node col_node = require(n, path, "column");
        const std::string column = scalar(col_node, path + ".column", "a column name");
        double per = 1.0;
        if (auto u = n["unit"]) {
            const std::string unit = scalar(u, path + ".unit", "d, w, m or y");
            if (unit == "d") per = 1.0;
            else if (unit == "w") per = kDaysPerWeek;
            else if (unit == "m") per = kDaysPerMonth;
            else if (unit == "y") per = kDaysPerYear;
            else fail(u, path + ".unit", "unknown unit '" + unit + "'; expected d, w, m or y");
        }
        const fs::path file = dir_ / csv;
        const Location csv_at = where(n["csv"]);
        check_named_file(file, csv_at, path + ".csv", "with the values");
        std::istringstream in(read_file(file, &csv_at, kMaxCsvBytes));
        std::string line;
        if (!std::getline(in, line)) fail(n["csv"], path + ".csv", "CSV file '" + file.string() + "' is empty");
        auto split = [](const std::string& l) {
            std::vector<std::string> cells;
            std::string cell;
            std::istringstream ss(l);
            while (std::getline(ss, cell, ',')) {
                while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
                while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
                if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
                cells.push_back(cell);
            }
            return cells;
        };
        if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark, as spreadsheets save
        const auto header = split(line);
        const auto it = std::find(header.begin(), header.end(), column);
        if (it == header.end())
            fail(col_node, path + ".column", "no column '" + column + "' in '" + file.string() + "'; it has: " + join(header),
                 nearest(column, header));
        const std::size_t idx = std::size_t(it - header.begin());
        std::vector<double> values;
        int lineno = 1;
        while (std::getline(in, line)) {
            ++lineno;
            if (line.empty() || line == "\r") continue;
            const auto cells = split(line);
            if (cells.size() != header.size()) {
                while (!line.empty() && line.back() == '\r') line.pop_back();
                std::string msg = "expected " + std::to_string(header.size()) + " field(s) as in the header, found " +
                                  std::to_string(cells.size()) + " in '" + line + "'";
                if (cells.size() == header.size() + 1)
                    msg += "; if that is a decimal comma, write the number with a point (1.5, not 1,5)";
                throw ScenarioError(Location{file.string(), lineno, 1}, path + ".csv", msg);
            }
            double v = 0;
            const std::string cell = idx < cells.size() ? cells[idx] : std::string{};
            auto r = std::from_chars(cell.data(), cell.data() + cell.size(), v);
            if (cell.empty() || r.ec != std::errc{} || r.ptr != cell.data() + cell.size() || !std::isfinite(v) || v < 0)
                throw ScenarioError(Location{file.string(), lineno, 1}, path + ".csv",
                                    "expected a non-negative number in column '" + column + "', found '" + cell + "'");
            values.push_back(v * per);
        }
        if (values.empty()) fail(n["csv"], path + ".csv", "CSV file '" + file.string() + "' has no values");
        auto d = kernel::DistributionSpec::empirical(std::move(values));
        d.source = csv + ":" + column;
        return d;
    }

    std::string file_;
    fs::path dir_;
    std::map<std::string, Location>& provenance_;
};

// Line and column (1-based) of byte `pos` in `text`.
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
        throw ScenarioError(Location{label, e.mark.is_null() ? 1 : e.mark.line + 1, e.mark.is_null() ? 1 : e.mark.column + 1},
                            "", "YAML syntax error: " + e.msg + syntax_hint(e.msg));
    }
    check_quotes_closed(root, text, label);
    return root;
}

std::string size_text(std::size_t bytes) {
    return bytes >= (1u << 20) ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes >> 10) + " KiB";
}

// A file's text, at most `limit` bytes of it (a device such as /dev/zero
// never ends). Errors are located at `where` when given.
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

// Check that `file`, named at `where`, is a file one can read; `what` says
// what it is for.
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

// Text a person could have typed: valid UTF-8 without control characters
// other than tab, newline and carriage return.
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

struct Loaded {
    Scenario scenario;
    std::map<std::string, Location> provenance;
};

Loaded load_layer(const std::string& text, const std::string& label, const fs::path& base_dir,
                  std::vector<std::string>& chain);

Loaded load_file_layer(const fs::path& file, std::vector<std::string>& chain, const YAML::Node* from_node,
                       const std::string& from_label) {
    std::error_code ec;
    const fs::path canon = fs::weakly_canonical(file, ec);
    const std::string key = ec ? file.string() : canon.string();
    Location from{from_label, 0, 0};
    if (from_node) {
        const YAML::Mark m = from_node->Mark();
        if (!m.is_null()) from = Location{from_label, m.line + 1, m.column + 1};
    }
    if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
        std::string cycle;
        for (const auto& c : chain) cycle += c + " -> ";
        cycle += key;
        throw ScenarioError(from, "extends", "circular 'extends': " + cycle + "; expected a chain that ends in a file without extends");
    }
    if (from_node) {
        check_named_file(file, from, "extends", "to extend");
    } else {
        const auto st = fs::status(file, ec);
        if (ec || !fs::exists(st)) throw ScenarioError(Location{file.string(), 0, 0}, "", "no such file");
        if (fs::is_directory(st)) throw ScenarioError(Location{file.string(), 0, 0}, "", "expected a file, found a folder");
    }
    if (chain.size() > 64) throw ScenarioError(from, "extends", "more than 64 files extend one another; expected a short chain");
    chain.push_back(key);
    Loaded l = load_layer(read_file(file, from_node ? &from : nullptr, kMaxYamlBytes), file.string(), file.parent_path(), chain);
    chain.pop_back();
    return l;
}

Loaded load_root(const YAML::Node& root, const std::string& label, const fs::path& base_dir,
                 std::vector<std::string>& chain);

Loaded load_layer(const std::string& text, const std::string& label, const fs::path& base_dir,
                  std::vector<std::string>& chain) {
    check_text(text, label);
    return load_root(parse_yaml(text, label), label, base_dir, chain);
}

// One file's parsed tree on top of what it extends.
Loaded load_root(const YAML::Node& root, const std::string& label, const fs::path& base_dir,
                 std::vector<std::string>& chain) {
    if (!root.IsDefined() || root.IsNull())
        throw ScenarioError(Location{label, 1, 1}, "",
                            "the file is empty; expected a scenario with keys such as name, horizon, referrals and workforce");
    if (!root.IsMap())
        throw ScenarioError(Location{label, root.Mark().line + 1, root.Mark().column + 1}, "",
                            "expected a scenario (a mapping of keys such as name, horizon, referrals, workforce), found " +
                                describe(root));
    if (root["compare"])
        throw ScenarioError(Location{label, root["compare"].Mark().line + 1, root["compare"].Mark().column + 1}, "",
                            "this is a compare file, not a scenario; use 'caseload compare " + label + "'");
    if (root["sweep"])
        throw ScenarioError(Location{label, root["sweep"].Mark().line + 1, root["sweep"].Mark().column + 1}, "",
                            "this is a sweep file, not a scenario; use 'caseload sweep " + label + "'");

    Loaded out;
    if (auto ext = root["extends"]) {
        if (!ext.IsScalar())
            throw ScenarioError(Location{label, ext.Mark().line + 1, ext.Mark().column + 1}, "extends",
                                "expected a file name, found " + describe(ext));
        out = load_file_layer(base_dir / ext.Scalar(), chain, &ext, label);
        out.scenario.description.clear();  // a description speaks for its own file only
        out.provenance.erase("description");
    }
    Parser p(label, base_dir, out.provenance);
    p.apply(root, out.scenario);
    if (!root["name"]) {
        // A what-if is named after its own file, not its parent's.
        out.scenario.name = fs::path(label).stem().string();
    }
    out.scenario.source_file = label;
    return out;
}

Location at(const Loaded& l, const std::string& path) {
    auto it = l.provenance.find(path);
    return it != l.provenance.end() ? it->second : Location{l.scenario.source_file, 0, 0};
}

// A start state the organisation could hold.
void validate_start_state(const Loaded& l) {
    const Scenario& s = l.scenario;
    const InitialSpec& in = s.initial;
    if (!in.given()) return;
    // The key's place, or (when a parent file set it) the first start-state key with one.
    auto place = [&](const std::string& key) {
        if (l.provenance.count(key)) return at(l, key);
        for (const auto& entry : l.provenance)
            if (entry.first.rfind("initial.", 0) == 0 && entry.second.line > 0) return entry.second;
        return at(l, key);
    };
    auto fail = [&](const std::string& key, const std::string& msg) { throw ScenarioError(place(key), key, msg); };
    if (s.warmup_days > 0) {
        throw ScenarioError(place("warmup"), "warmup",
                            "a run from a start state (initial: waiting, in_care, vacancies, ...) starts from today and "
                            "has no warm-up; expected 'warmup: 0d', found a warm-up of " + format_number(s.warmup_days) +
                                "d" + (l.provenance.count("warmup") ? "" : " (the default when no file sets one)"));
    }
    if (in.caseload_share > 0 && (in.in_care || !in.in_care_by_type.empty()))
        fail("initial.caseload", "give either initial.caseload (a share of each cap) or initial.in_care (families), not both");
    if (in.in_care && !in.in_care_by_type.empty())
        fail("initial.in_care", "give either initial.in_care (all families) or initial.in_care_by_type, not both");
    for (const auto& t : in.in_care_by_type) {
        const bool known = std::any_of(s.referrals.types.begin(), s.referrals.types.end(),
                                       [&](const MeasureTypeSpec& m) { return m.name == t.first; });
        if (!known) {
            std::vector<std::string> names;
            for (const auto& m : s.referrals.types) names.push_back(m.name);
            throw ScenarioError(at(l, "initial.in_care_by_type"), "initial.in_care_by_type." + t.first,
                                "unknown measure type '" + t.first + "'; expected one of: " + detail::join(names),
                                nearest(t.first, names));
        }
    }
    const std::int64_t workers = s.workforce.workers;
    if (in.vacancies + in.sick + in.ramping > workers)
        fail(in.vacancies > 0 ? "initial.vacancies" : "initial.sick",
             "vacancies (" + std::to_string(in.vacancies) + "), staff on sick leave (" + std::to_string(in.sick) +
                 ") and staff ramping up (" + std::to_string(in.ramping) + ") add up to more than the " +
                 std::to_string(workers) + " funded positions (workforce.workers)");
    const double places = double(workers - in.vacancies) * s.workforce.fte * s.workforce.caseload_norm;
    if (double(in.in_care_total()) > places + 1e-9)
        fail(in.in_care ? "initial.in_care" : "initial.in_care_by_type",
             "more families in care (" + std::to_string(in.in_care_total()) + ") than the staff in post can hold: " +
                 std::to_string(workers - in.vacancies) + " positions in post x " + format_number(s.workforce.fte) +
                 " FTE x norm " + format_number(s.workforce.caseload_norm) + " = " + format_number(places) +
                 " places; lower in_care, or raise workforce.workers or workforce.caseload_norm");
    const auto& h = s.workforce.hiring;
    if (in.ramping > 0 && !(h.ramp_days > 0 && h.start_fraction < 1.0))
        fail("initial.ramping", "staff ramping up need a ramp-up: set workforce.hiring.ramp_up and start_fraction below 1");
}

void validate(const Loaded& l) {
    const Scenario& s = l.scenario;
    const std::string& file = s.source_file;
    auto missing = [&](const std::string& path, const std::string& what) {
        if (!l.provenance.count(path))
            throw ScenarioError(Location{file, 1, 1}, path, "missing required key '" + path + "' (" + what + ")");
    };
    missing("referrals.rate", "referrals.rate_per_week or referrals.schedule");
    missing("referrals.types", "the measure types with share, length and weight");
    missing("workforce.workers", "the number of case workers");
    missing("workforce.caseload_norm", "families per FTE, e.g. 14");

    validate_start_state(l);
    if (!(s.warmup_days < s.horizon_days))
        throw ScenarioError(at(l, l.provenance.count("warmup") ? "warmup" : "horizon"), "warmup",
                            "warm-up (" + format_number(s.warmup_days) + "d) must be shorter than the horizon (" +
                                format_number(s.horizon_days) + "d)");
    for (const auto& v : s.interventions)
        if (v.at_days >= s.horizon_days)
            throw ScenarioError(at(l, l.provenance.count("horizon") ? "horizon" : "interventions"), "interventions",
                                "the " + std::string(intervention_name(v)) + " intervention starts at " +
                                    format_number(v.at_days) + "d, not before the horizon (" +
                                    format_number(s.horizon_days) + "d), so it would change nothing; expected a "
                                    "start before the horizon");
    double total = 0;
    for (const auto& t : s.referrals.types) total += t.share;
    if (std::fabs(total - 1.0) > 1e-6)
        throw ScenarioError(at(l, "referrals.types"), "referrals.types",
                            "the measure types' shares must sum to 1, they sum to " +
                                format_number(std::round(total * 1e9) / 1e9));
    const double worker_cap = s.workforce.caseload_norm * s.workforce.fte;
    for (const auto& t : s.referrals.types)
        if (t.share > 0 && t.weight > worker_cap + 1e-9)
            throw ScenarioError(at(l, "referrals.types." + t.name), "referrals.types." + t.name + ".weight",
                                "weight " + format_number(t.weight) + " exceeds a worker's cap of " +
                                    format_number(worker_cap) + " (caseload_norm x fte): such a family could never be assigned");
    if (s.triage.review_probability > 0 && !s.triage.review_every_days)
        throw ScenarioError(at(l, "triage.review_probability"), "triage.review_probability",
                            "a review probability needs triage.review_every (how often waiting families are reviewed)");
    bool any_rate = false;
    for (const auto& seg : s.referrals.schedule) any_rate |= seg.rate_per_week > 0;
    if (!any_rate)
        throw ScenarioError(at(l, "referrals.rate"), "referrals", "the referral rate is 0 throughout; expected a rate above 0");
    // One replication that could not finish in hours is refused whatever the run.
    const double events = expected_events(s);
    if (events > kMaxEventsPerReplication) {
        const bool long_horizon = s.horizon_days > 100 * kDaysPerYear && l.provenance.count("horizon");
        const std::string key = long_horizon ? "horizon" : "referrals.rate";
        throw ScenarioError(at(l, key), long_horizon ? "horizon" : "referrals",
                            "about " + format_number(std::round(events / 1e9)) +
                                " billion events per replication, over the limit of " +
                                format_number(kMaxEventsPerReplication / 1e9) +
                                " billion (hours for each replication); expected a lower referral rate or a shorter "
                                "horizon (the limit is kMaxEventsPerReplication in include/caseload/scenario/cost.hpp)");
    }
}

}  // namespace

namespace {

// yaml-cpp's own exceptions never leave the loader: a node the code above did
// not expect is reported like any other error in the file.
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

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& label, const fs::path& base_dir) {
    return guarded(label, [&] {
        std::vector<std::string> chain{label};
        Loaded l = load_layer(text, label, base_dir, chain);
        validate(l);
        return l.scenario;
    });
}

Scenario load_scenario(const fs::path& file) {
    return guarded(file.string(), [&] {
        std::vector<std::string> chain;
        Loaded l = load_file_layer(file, chain, nullptr, file.string());
        validate(l);
        return l.scenario;
    });
}

Scenario load_scenario_from(const fs::path& file, const fs::path& state) {
    return guarded(file.string(), [&] {
        std::vector<std::string> chain;
        Loaded l = load_file_layer(file, chain, nullptr, file.string());
        const std::string label = state.string();
        const std::string text = read_file(state, nullptr, kMaxYamlBytes);
        check_text(text, label);
        const YAML::Node root = parse_yaml(text, label);
        if (!root.IsMap())
            throw ScenarioError(Location{label, 1, 1}, "", "expected a start state (a mapping of scenario keys such as initial, horizon, warmup), found " + describe(root));
        for (const char* key : {"extends", "name", "compare", "sweep"})
            if (auto n = root[key])
                throw ScenarioError(Location{label, n.Mark().line + 1, n.Mark().column + 1}, key,
                                    std::string("a start state laid over scenarios (compare.from) cannot hold '") + key +
                                        "'; expected only the keys it changes (initial, horizon, warmup, workforce, ...)");
        Parser p(label, state.parent_path(), l.provenance);
        const std::string name = l.scenario.name, description = l.scenario.description, source = l.scenario.source_file;
        p.apply(root, l.scenario);
        l.scenario.name = name;
        l.scenario.description = description;
        l.scenario.source_file = source;
        validate(l);
        return l.scenario;
    });
}

std::vector<Scenario> load_compare_scenarios(const CompareSpec& spec) {
    auto load = [&](const fs::path& f) { return spec.from ? load_scenario_from(f, *spec.from) : load_scenario(f); };
    std::vector<Scenario> all{load(spec.baseline)};
    for (const auto& f : spec.scenarios) all.push_back(load(f));
    return all;
}

// ---------------------------------------------------------------------------
// Overrides: a value set by dotted path on a scenario file's own YAML tree
// (sweep design points). The modified tree then goes through the same
// loading and validation as a file.

namespace {

struct PathStep {
    std::string key;                    // a mapping key, or
    std::optional<std::size_t> index;   // a list element
};

// "referrals.schedule[1].rate_per_week" -> referrals, schedule, [1], rate_per_week.
std::vector<PathStep> split_override_path(const Override& o) {
    std::vector<PathStep> steps;
    const std::string& p = o.path;
    auto bad = [&](const std::string& why) {
        throw ScenarioError(o.where, o.path, "not a valid key path: " + why +
                                                 " (write keys joined by dots, list elements as [0], e.g. "
                                                 "workforce.caseload_norm or referrals.schedule[1].rate_per_week)");
    };
    std::size_t i = 0;
    while (i < p.size()) {
        if (p[i] == '[') {
            const std::size_t close = p.find(']', i);
            if (close == std::string::npos || close == i + 1) bad("'[' without a number and ']'");
            std::size_t v = 0;
            auto r = std::from_chars(p.data() + i + 1, p.data() + close, v);
            if (r.ec != std::errc{} || r.ptr != p.data() + close) bad("expected a number between [ and ]");
            if (steps.empty()) bad("a path starts with a key");
            steps.push_back({{}, v});
            i = close + 1;
            if (i < p.size() && p[i] == '.') {
                ++i;
                if (i == p.size()) bad("it ends with '.'");
            } else if (i < p.size() && p[i] != '[') {
                bad("expected '.' or '[' after ']'");
            }
            continue;
        }
        std::size_t end = i;
        while (end < p.size() && p[end] != '.' && p[end] != '[') ++end;
        if (end == i) bad("an empty key");
        steps.push_back({p.substr(i, end - i), std::nullopt});
        i = end;
        if (i < p.size() && p[i] == '.') {
            ++i;
            if (i == p.size()) bad("it ends with '.'");
        }
    }
    if (steps.empty()) bad("it is empty");
    return steps;
}

// Blocks that a file replaces as a whole rather than merging key by key:
// lists, and distributions (a child's `length` replaces its parent's).
bool replaced_whole(const YAML::Node& resolved) {
    if (!resolved.IsDefined()) return false;
    return resolved.IsSequence() || (resolved.IsMap() && resolved["distribution"]);
}

// Set one override in `node` (a file's tree). `resolved` is the same place in
// the resolved scenario, used to spell out a block the file inherits whole.
void set_override(YAML::Node node, const YAML::Node& resolved, const std::vector<PathStep>& steps, std::size_t i,
                  const Override& o, const std::string& label) {
    const PathStep& s = steps[i];
    const bool last = i + 1 == steps.size();
    std::string here;
    for (std::size_t k = 0; k < i; ++k) {
        if (steps[k].index) {
            here += '[';
            here += std::to_string(*steps[k].index);
            here += ']';
        } else {
            if (k) here += '.';
            here += steps[k].key;
        }
    }
    if (s.index) {
        if (!node.IsSequence() || *s.index >= node.size())
            throw ScenarioError(o.where, o.path,
                                "'" + here + "' in " + label + " has no element [" + std::to_string(*s.index) + "]" +
                                    (node.IsSequence() ? " (it has " + std::to_string(node.size()) + ")" : ""));
        YAML::Node rchild;
        if (resolved.IsDefined() && resolved.IsSequence() && *s.index < resolved.size()) rchild.reset(resolved[*s.index]);
        if (last) {
            node[*s.index] = YAML::Node(o.value);
            return;
        }
        set_override(node[*s.index], rchild, steps, i + 1, o, label);
        return;
    }
    if (!node.IsMap())
        throw ScenarioError(o.where, o.path,
                            "'" + (here.empty() ? std::string("the file") : here) + "' in " + label +
                                " is not a mapping, so it has no key '" + s.key + "'");
    YAML::Node rchild;
    if (resolved.IsDefined() && resolved.IsMap() && resolved[s.key]) rchild.reset(resolved[s.key]);
    if (last) {
        node[s.key] = YAML::Node(o.value);
        return;
    }
    const YAML::Node existing = node[s.key];
    if (!existing.IsDefined() || existing.IsNull())
        node[s.key] = replaced_whole(rchild) ? YAML::Clone(rchild) : YAML::Node(YAML::NodeType::Map);
    set_override(node[s.key], rchild, steps, i + 1, o, label);
}

// True when `path` is `prefix` or lies below it.
bool under(const std::string& path, const std::string& prefix) {
    if (path.size() < prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
    return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

// Report an error of a scenario built with overrides at the override that
// caused it (the value set, or one below the key the error is about).
ScenarioError blame(const ScenarioError& e, const std::vector<Override>& overrides, const std::string& label) {
    const Override* o = nullptr;
    for (const auto& x : overrides)
        if (under(e.key_path(), x.path)) {
            o = &x;
            break;
        }
    if (!o && !e.key_path().empty())
        for (const auto& x : overrides)
            if (under(x.path, e.key_path())) {
                o = &x;
                break;
            }
    std::string applied;
    for (const auto& x : overrides) {
        if (!applied.empty()) applied += ", ";
        applied += x.path;
        applied += " = ";
        applied += x.value;
    }
    const std::string context = " (with " + applied + " applied to " + label + ")";
    if (!o) o = &overrides.front();
    return ScenarioError(o->where, e.key_path().empty() ? o->path : e.key_path(), e.message() + context, e.suggestion());
}

void collect_leaves(const YAML::Node& n, const std::string& path, std::set<std::string>& out) {
    if (!n.IsDefined()) return;
    if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node k = it->first;
            if (!k.IsScalar()) continue;
            collect_leaves(it->second, child_path(path, k.Scalar()), out);
        }
    } else if (n.IsSequence()) {
        for (std::size_t i = 0; i < n.size(); ++i) collect_leaves(n[i], path + "[" + std::to_string(i) + "]", out);
    } else if (!path.empty()) {
        out.insert(path);
    }
}

}  // namespace

struct BaseScenario::Impl {
    fs::path file;
    std::string label;
    std::string chain_key;
    Scenario scenario;
    YAML::Node own;        // the file's own tree, as written
    YAML::Node resolved;   // the resolved scenario (to_yaml), every default spelled out
    std::vector<std::string> paths;
};

BaseScenario::BaseScenario(const fs::path& file) : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.file = file;
    m.label = file.string();
    m.scenario = load_scenario(file);  // the file's own errors are reported as usual
    m.resolved.reset(YAML::Load(to_yaml(m.scenario)));
    m.own.reset(parse_yaml(read_file(file, nullptr), m.label));
    std::error_code ec;
    const fs::path canon = fs::weakly_canonical(file, ec);
    m.chain_key = ec ? file.string() : canon.string();

    // Keys written in the file and the files it extends (e.g. rate_per_week,
    // which the resolved scenario spells as a schedule).
    // (YAML::Node's `=` writes through to the node it refers to; `reset` rebinds.)
    std::set<std::string> written;
    YAML::Node layer;
    layer.reset(m.own);
    fs::path dir = file.parent_path();
    for (int depth = 0; depth < 64 && layer.IsDefined() && layer.IsMap(); ++depth) {
        collect_leaves(layer, "", written);
        const YAML::Node ext = layer["extends"];
        if (!ext || !ext.IsScalar()) break;
        const fs::path parent = dir / ext.Scalar();
        layer.reset(parse_yaml(read_file(parent, nullptr), parent.string()));
        dir = parent.parent_path();
    }
    // Every value of the resolved scenario; but where the files give a single
    // rate_per_week, its resolved form (a one-segment schedule) is not a key
    // of theirs: setting it would clash with the rate they give.
    std::set<std::string> resolved;
    collect_leaves(m.resolved, "", resolved);
    std::set<std::string> leaves = written;
    const bool single_rate = written.count("referrals.rate_per_week") > 0;
    for (const auto& p : resolved)
        if (!(single_rate && under(p, "referrals.schedule"))) leaves.insert(p);
    for (const auto& p : leaves) {
        bool excluded = false;
        for (const char* k : {"name", "description", "extends", "seed", "replications"}) excluded |= under(p, k);
        if (!excluded) m.paths.push_back(p);
    }
}

BaseScenario::BaseScenario(BaseScenario&&) noexcept = default;
BaseScenario& BaseScenario::operator=(BaseScenario&&) noexcept = default;
BaseScenario::~BaseScenario() = default;

const Scenario& BaseScenario::scenario() const { return impl_->scenario; }
const std::vector<std::string>& BaseScenario::override_paths() const { return impl_->paths; }

Scenario BaseScenario::with(const std::vector<Override>& overrides) const {
    const Impl& m = *impl_;
    if (overrides.empty()) return m.scenario;
    YAML::Node root = YAML::Clone(m.own);
    try {
        for (const auto& o : overrides) set_override(root, m.resolved, split_override_path(o), 0, o, m.label);
        std::vector<std::string> chain{m.chain_key};
        Loaded l = load_root(root, m.label, m.file.parent_path(), chain);
        validate(l);
        return l.scenario;
    } catch (const ScenarioError& e) {
        // Errors already placed at an override keep their place.
        for (const auto& o : overrides)
            if (e.where().file == o.where.file && e.where().line == o.where.line && e.where().line > 0) throw;
        throw blame(e, overrides, m.label);
    }
}

Scenario load_scenario(const fs::path& file, const std::vector<Override>& overrides) {
    return BaseScenario(file).with(overrides);
}

bool is_compare_file(const fs::path& file) {
    try {
        const std::string text = read_file(file, nullptr, kMaxYamlBytes);
        check_text(text, file.string());
        const YAML::Node root = YAML::Load(text);
        if (!root.IsMap()) return false;
        if (root["compare"]) return true;
        // A misspelt `compare:` and nothing of a scenario: a compare file with a typo.
        const auto& scenario_keys = schema::keys("scenario");
        bool near_compare = false;
        for (auto it = root.begin(); it != root.end(); ++it) {
            if (!it->first.IsScalar()) return false;
            const std::string k = it->first.Scalar();
            if (std::find(scenario_keys.begin(), scenario_keys.end(), k) != scenario_keys.end()) return false;
            near_compare |= !nearest(k, {"compare"}).empty();
        }
        return near_compare;
    } catch (const std::exception&) {
        return false;  // the scenario loader will report the problem properly
    }
}

CompareSpec load_compare(const fs::path& file) {
    return parse_compare(read_file(file, nullptr, kMaxYamlBytes), file.string(), file.parent_path());
}

CompareSpec parse_compare(const std::string& text, const std::string& label, const fs::path& base_dir) {
    return guarded(label, [&] {
        check_text(text, label);
        const YAML::Node root = parse_yaml(text, label);
        if (!root.IsDefined() || root.IsNull())
            throw ScenarioError(Location{label, 1, 1}, "",
                                "the file is empty; expected a compare file ('compare:' with a baseline and scenarios)");
        std::map<std::string, Location> prov;
        Parser p(label, base_dir, prov);
        if (root.IsMap() && !root["compare"]) {
            const auto& scenario_keys = schema::keys("scenario");
            for (auto it = root.begin(); it != root.end(); ++it) {
                const YAML::Node k = it->first;
                if (k.IsScalar() && std::find(scenario_keys.begin(), scenario_keys.end(), k.Scalar()) != scenario_keys.end())
                    p.fail(root, "",
                           "this is a scenario, not a compare file; expected 'compare:' with a baseline and scenarios, "
                           "or two or more scenario files on the command line (the first is the baseline)");
            }
        }
        p.check_keys(root, "", schema::keys("compare_file"));
        const YAML::Node c = p.require(root, "", "compare");
        p.check_keys(c, "compare", schema::keys("compare"));
        CompareSpec spec;
        spec.source_file = label;
        spec.name = c["name"] ? p.scalar(c["name"], "compare.name", "a name") : fs::path(label).stem().string();
        if (auto d = c["description"]) (void)p.scalar(d, "compare.description", "a text");
        const YAML::Node b = p.require(c, "compare", "baseline");
        spec.baseline = base_dir / p.scalar(b, "compare.baseline", "a scenario file name");
        check_named_file(spec.baseline, p.where(b), "compare.baseline", "for the baseline");
        const YAML::Node list = p.require(c, "compare", "scenarios");
        if (!list.IsSequence() || list.size() == 0)
            p.fail(list, "compare.scenarios", "expected a non-empty list of scenario files, found " + describe(list));
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string ip = "compare.scenarios[" + std::to_string(i) + "]";
            spec.scenarios.push_back(base_dir / p.scalar(list[i], ip, "a scenario file name"));
            check_named_file(spec.scenarios.back(), p.where(list[i]), ip, "to compare");
        }
        if (auto f = c["from"]) {
            spec.from = base_dir / p.scalar(f, "compare.from", "a start-state file name");
            check_named_file(*spec.from, p.where(f), "compare.from", "for the start state");
        }
        if (auto r = c["replications"])
            spec.replications = int(p.integer(r, "compare.replications", 1, kMaxReplications));
        if (auto s = c["seed"])
            spec.seed = std::uint64_t(p.integer(s, "compare.seed", 0, std::numeric_limits<std::int64_t>::max()));
        if (auto rel = c["relevant"]) {
            if (!rel.IsMap()) p.fail(rel, "compare.relevant", "expected a map of metric: value, found " + describe(rel));
            for (auto it = rel.begin(); it != rel.end(); ++it) {
                const std::string name = p.scalar(it->first, "compare.relevant", "a metric name");
                const std::string path = "compare.relevant." + name;
                spec.relevant.emplace_back(name, p.number_in(it->second, path, 0.0, 1e300,
                                                             "a minimum relevant difference of 0 or more"));
                spec.relevant_at.push_back(p.where(it->first));
            }
        }
        return spec;
    });
}

Location locate(const fs::path& file, const std::string& key_path) {
    try {
        fs::path f = file;
        for (int depth = 0; depth < 16; ++depth) {
            const YAML::Node root = YAML::Load(read_file(f, nullptr, kMaxYamlBytes));
            YAML::Node cur;
            cur.reset(root);
            bool found = true;
            std::size_t pos = 0;
            while (found && pos <= key_path.size()) {
                const std::size_t dot = std::min(key_path.find('.', pos), key_path.size());
                std::string part = key_path.substr(pos, dot - pos);
                pos = dot + 1;
                std::optional<std::size_t> index;
                if (const auto br = part.find('['); br != std::string::npos) {
                    index = std::size_t(std::strtoull(part.c_str() + br + 1, nullptr, 10));
                    part.resize(br);
                }
                const YAML::Node& here = cur;  // const: a lookup must not insert
                if (!here.IsMap() || !here[part]) {
                    found = false;
                    break;
                }
                YAML::Node next = here[part];
                if (index) {
                    if (!next.IsSequence() || *index >= next.size()) {
                        found = false;
                        break;
                    }
                    const YAML::Node& seq = next;
                    next.reset(seq[*index]);
                }
                cur.reset(next);
            }
            if (found && !cur.Mark().is_null()) return Location{f.string(), cur.Mark().line + 1, cur.Mark().column + 1};
            const YAML::Node& r = root;
            if (!r.IsMap() || !r["extends"] || !r["extends"].IsScalar()) break;
            f = f.parent_path() / r["extends"].Scalar();
        }
    } catch (...) {
        // Only a hint for a message: no place found.
    }
    return Location{file.string(), 0, 0};
}

namespace {
std::string days(double d) { return format_number(d) + "d"; }

void emit_distribution(YAML::Emitter& e, const kernel::DistributionSpec& d) {
    using K = kernel::DistributionSpec::Kind;
    e << YAML::Flow << YAML::BeginMap;
    e << YAML::Key << "distribution" << YAML::Value << kernel::to_string(d.kind);
    switch (d.kind) {
        case K::exponential: e << YAML::Key << "mean" << YAML::Value << days(d.mean); break;
        case K::lognormal:
        case K::gamma:
            e << YAML::Key << "mean" << YAML::Value << days(d.mean);
            e << YAML::Key << "cv" << YAML::Value << format_number(d.cv);
            break;
        case K::fixed: e << YAML::Key << "value" << YAML::Value << days(d.mean); break;
        case K::uniform:
            e << YAML::Key << "min" << YAML::Value << days(d.min);
            e << YAML::Key << "max" << YAML::Value << days(d.max);
            break;
        case K::empirical:
            e << YAML::Key << "values" << YAML::Value << YAML::Flow << YAML::BeginSeq;
            for (double v : d.values) e << days(v);
            e << YAML::EndSeq;
            break;
    }
    e << YAML::EndMap;
}
}  // namespace

std::string to_yaml(const Scenario& s) {
    YAML::Emitter e;
    e << YAML::BeginMap;
    e << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << s.name;
    e << YAML::Key << "description" << YAML::Value << YAML::DoubleQuoted << s.description;
    e << YAML::Key << "horizon" << YAML::Value << days(s.horizon_days);
    e << YAML::Key << "warmup" << YAML::Value << days(s.warmup_days);
    e << YAML::Key << "replications" << YAML::Value << s.replications;
    e << YAML::Key << "seed" << YAML::Value << s.seed;
    e << YAML::Key << "referrals" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "schedule" << YAML::Value << YAML::BeginSeq;
    for (const auto& seg : s.referrals.schedule) {
        e << YAML::Flow << YAML::BeginMap << YAML::Key << "from" << YAML::Value << days(seg.from_day) << YAML::Key
          << "rate_per_week" << YAML::Value << format_number(seg.rate_per_week) << YAML::EndMap;
    }
    e << YAML::EndSeq;
    e << YAML::Key << "urgent_share" << YAML::Value << format_number(s.referrals.urgent_share);
    if (!s.referrals.children.empty()) {
        e << YAML::Key << "children" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (double c : s.referrals.children) e << format_number(c);
        e << YAML::EndSeq;
    }
    e << YAML::Key << "types" << YAML::Value << YAML::BeginMap;
    for (const auto& t : s.referrals.types) {
        e << YAML::Key << t.name << YAML::Value << YAML::BeginMap;
        e << YAML::Key << "share" << YAML::Value << format_number(t.share);
        e << YAML::Key << "length" << YAML::Value;
        emit_distribution(e, t.length);
        e << YAML::Key << "weight" << YAML::Value << format_number(t.weight);
        e << YAML::Key << "leave_waiting_per_year" << YAML::Value << format_number(t.leave_waiting_per_year);
        e << YAML::EndMap;
    }
    e << YAML::EndMap << YAML::EndMap;
    auto num = [&](const char* key, double v) { e << YAML::Key << key << YAML::Value << format_number(v); };
    auto dur = [&](const char* key, double v) { e << YAML::Key << key << YAML::Value << days(v); };
    auto dist = [&](const char* key, const kernel::DistributionSpec& d) {
        e << YAML::Key << key << YAML::Value;
        emit_distribution(e, d);
    };
    const auto& w = s.workforce;
    e << YAML::Key << "workforce" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "workers" << YAML::Value << w.workers;
    num("fte", w.fte);
    num("caseload_norm", w.caseload_norm);
    num("cost_per_fte_year", w.cost_per_fte_year);
    e << YAML::Key << "sick_leave" << YAML::Value << YAML::BeginMap;
    num("episodes_per_year", w.sick_leave.episodes_per_year);
    dist("length", w.sick_leave.length);
    dur("long_after", w.sick_leave.long_after_days);
    num("pressure_elasticity", w.sick_leave.pressure_elasticity);
    if (w.sick_leave.pressure_ceiling) num("pressure_ceiling", *w.sick_leave.pressure_ceiling);
    e << YAML::EndMap;
    e << YAML::Key << "attrition" << YAML::Value << YAML::BeginMap;
    num("per_year", w.attrition.per_year);
    num("pressure_elasticity", w.attrition.pressure_elasticity);
    num("first_year_multiplier", w.attrition.first_year_multiplier);
    if (w.attrition.pressure_ceiling) num("pressure_ceiling", *w.attrition.pressure_ceiling);
    e << YAML::EndMap;
    e << YAML::Key << "hiring" << YAML::Value << YAML::BeginMap;
    dist("delay", w.hiring.delay);
    dur("ramp_up", w.hiring.ramp_days);
    num("start_fraction", w.hiring.start_fraction);
    e << YAML::EndMap;
    e << YAML::Key << "overload" << YAML::Value << YAML::BeginMap;
    num("max", w.overload.max);
    num("per_waiting_per_fte", w.overload.per_waiting_per_fte);
    e << YAML::EndMap;
    e << YAML::EndMap;
    e << YAML::Key << "waitlist" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "discipline" << YAML::Value << to_string(s.waitlist.discipline);
    e << YAML::Key << "max_length" << YAML::Value << s.waitlist.max_length;
    e << YAML::Key << "interim_contact" << YAML::Value << YAML::BeginMap;
    num("duty_fte", s.waitlist.interim_contact.duty_fte);
    num("contacts_per_fte_week", s.waitlist.interim_contact.contacts_per_fte_week);
    dur("interval", s.waitlist.interim_contact.interval_days);
    e << YAML::EndMap;
    e << YAML::EndMap;
    e << YAML::Key << "handover" << YAML::Value << YAML::BeginMap;
    dur("penalty", s.handover.penalty_days);
    e << YAML::Key << "priority" << YAML::Value << (s.handover.ahead_of_new ? "ahead" : "behind");
    e << YAML::EndMap;
    e << YAML::Key << "effects" << YAML::Value << YAML::BeginMap;
    num("reference_caseload", s.effects.reference_caseload);
    num("length_strength", s.effects.length_strength);
    num("repeat_strength", s.effects.repeat_strength);
    num("waitlist_pressure_weight", s.effects.waitlist_pressure_weight);
    e << YAML::Key << "intensity_from" << YAML::Value << to_string(s.effects.intensity_from);
    e << YAML::EndMap;
    e << YAML::Key << "care" << YAML::Value << YAML::BeginMap;
    num("need_share", s.care.need_share);
    dist("search", s.care.search);
    e << YAML::Key << "places" << YAML::Value;
    if (s.care.places)
        e << *s.care.places;
    else
        e << "unlimited";
    dist("stay", s.care.stay);
    dur("late_after", s.care.late_after_days);
    num("late_extension", s.care.late_extension);
    e << YAML::EndMap;
    e << YAML::Key << "placement" << YAML::Value << YAML::BeginMap;
    num("share", s.placement.share);
    num("length_multiplier", s.placement.length_multiplier);
    num("weight_multiplier", s.placement.weight_multiplier);
    e << YAML::EndMap;
    e << YAML::Key << "repeat" << YAML::Value << YAML::BeginMap;
    num("probability", s.repeat.probability);
    dist("delay", s.repeat.delay);
    e << YAML::EndMap;
    e << YAML::Key << "interventions" << YAML::Value << YAML::BeginSeq;
    for (const auto& v : s.interventions) {
        e << YAML::BeginMap;
        e << YAML::Key << "type" << YAML::Value << std::string(intervention_name(v));
        dur("at", v.at_days);
        std::visit(
            [&](const auto& spec) {
                for (const auto& p : std::decay_t<decltype(spec)>::params()) {
                    const std::string key(p.key);
                    switch (p.kind) {
                        case ParamKind::number:
                        case ParamKind::share: num(key.c_str(), spec.*p.number); break;
                        case ParamKind::integer: e << YAML::Key << key << YAML::Value << spec.*p.integer; break;
                        case ParamKind::duration: dur(key.c_str(), spec.*p.number); break;
                    }
                }
            },
            v.kind);
        e << YAML::EndMap;
    }
    e << YAML::EndSeq;
    e << YAML::Key << "initial" << YAML::Value << YAML::BeginMap;
    num("caseload", s.initial.caseload_share);
    const InitialSpec& in = s.initial;
    if (in.start_date) e << YAML::Key << "start_date" << YAML::Value << format_date(*in.start_date);
    if (in.given()) {
        e << YAML::Key << "waiting" << YAML::Value << in.waiting;
        if (in.waited) dist("waited", *in.waited);
        if (in.in_care) e << YAML::Key << "in_care" << YAML::Value << *in.in_care;
        if (!in.in_care_by_type.empty()) {
            e << YAML::Key << "in_care_by_type" << YAML::Value << YAML::BeginMap;
            for (const auto& t : in.in_care_by_type) e << YAML::Key << t.first << YAML::Value << t.second;
            e << YAML::EndMap;
        }
        e << YAML::Key << "vacancies" << YAML::Value << in.vacancies;
        e << YAML::Key << "sick" << YAML::Value << in.sick;
        e << YAML::Key << "ramping" << YAML::Value << in.ramping;
    }
    e << YAML::EndMap;
    e << YAML::Key << "targets" << YAML::Value << YAML::BeginMap;
    dur("time_to_help", s.targets.time_to_help_days);
    if (s.targets.waitlist) e << YAML::Key << "waitlist" << YAML::Value << static_cast<std::int64_t>(*s.targets.waitlist);
    e << YAML::EndMap;
    dur("period", s.period_days);
    e << YAML::Key << "triage" << YAML::Value << YAML::BeginMap;
    if (s.triage.escalate_after_days) dur("escalate_after", *s.triage.escalate_after_days);
    if (s.triage.review_every_days) dur("review_every", *s.triage.review_every_days);
    num("review_probability", s.triage.review_probability);
    e << YAML::EndMap;
    e << YAML::EndMap;
    return std::string(e.c_str()) + "\n";
}

namespace detail {

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

}  // namespace detail

}  // namespace caseload::scenario
