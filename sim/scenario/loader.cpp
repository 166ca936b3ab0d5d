#include "caseload/scenario/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
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

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ", ";
        s += v[i];
    }
    return s;
}

std::string child_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

// What a node holds, in words, for "found ..." in messages.
std::string describe(const YAML::Node& n) {
    if (!n.IsDefined() || n.IsNull()) return "nothing";
    if (n.IsSequence()) return "a list";
    if (n.IsMap()) return "a mapping";
    std::string s = n.Scalar();
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return "'" + s + "'";
}

std::string format_number(double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// Parses YAML nodes into Spec values, remembering where each key came from.
class Parser {
public:
    Parser(std::string file, fs::path dir, std::map<std::string, Location>& provenance)
        : file_(std::move(file)), dir_(std::move(dir)), provenance_(provenance) {}

    [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg,
                           const std::string& suggestion = {}) const {
        throw ScenarioError(where(n), path, msg, suggestion);
    }

    [[nodiscard]] Location where(const YAML::Node& n) const {
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

    [[nodiscard]] kernel::DistributionSpec distribution(const YAML::Node& n, const std::string& path) {
        expect_map(n, path);
        const YAML::Node kind_node = n["distribution"];
        if (!kind_node) fail(n, path, "missing key 'distribution' (exponential, lognormal, gamma, fixed, uniform or empirical)");
        const std::string kind = scalar(kind_node, child_path(path, "distribution"), "a distribution name");
        static const std::vector<std::string> kinds = {"exponential", "lognormal", "gamma", "fixed", "uniform", "empirical"};
        const std::string dpath = child_path(path, "distribution");
        kernel::DistributionSpec d;
        if (kind == "exponential") {
            check_keys(n, path, {"distribution", "mean"});
            d = kernel::DistributionSpec::exponential(duration(require(n, path, "mean"), child_path(path, "mean")));
        } else if (kind == "lognormal" || kind == "gamma") {
            check_keys(n, path, {"distribution", "mean", "cv"});
            const double mean = duration(require(n, path, "mean"), child_path(path, "mean"));
            const double cv = positive(require(n, path, "cv"), child_path(path, "cv"));
            d = kind == "lognormal" ? kernel::DistributionSpec::lognormal(mean, cv) : kernel::DistributionSpec::gamma(mean, cv);
        } else if (kind == "fixed") {
            check_keys(n, path, {"distribution", "value"});
            d = kernel::DistributionSpec::fixed(duration(require(n, path, "value"), child_path(path, "value"), true));
        } else if (kind == "uniform") {
            check_keys(n, path, {"distribution", "min", "max"});
            const double lo = duration(require(n, path, "min"), child_path(path, "min"), true);
            const double hi = duration(require(n, path, "max"), child_path(path, "max"));
            if (hi < lo) fail(n["max"], child_path(path, "max"), "expected max >= min");
            d = kernel::DistributionSpec::uniform(lo, hi);
        } else if (kind == "empirical") {
            check_keys(n, path, {"distribution", "values", "csv", "column", "unit"});
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
        check_keys(root, "", {"name", "description", "extends", "horizon", "warmup", "replications", "seed",
                              "referrals", "workforce", "waitlist", "handover", "effects", "care", "placement",
                              "repeat", "triage", "initial", "interventions"});
        if (auto n = root["name"]) {
            s.name = scalar(n, "name", "a name");
            note(n, "name");
        }
        if (auto n = root["description"]) {
            s.description = scalar(n, "description", "a text");
            note(n, "description");
        }
        if (auto n = root["horizon"]) {
            s.horizon_days = duration(n, "horizon");
            if (s.horizon_days > kMaxHorizonYears * kDaysPerYear)
                fail(n, "horizon", "horizon longer than the limit of " + format_number(kMaxHorizonYears) +
                                       " years; a run that long takes days. Shorten it, or split the study into runs");
            note(n, "horizon");
        }
        if (auto n = root["warmup"]) {
            s.warmup_days = duration(n, "warmup", true);
            note(n, "warmup");
        }
        if (auto n = root["replications"]) {
            s.replications = int(integer(n, "replications", 1, kMaxReplications,
                                         "; the limit keeps one run within a day, use a sweep with --shard for more"));
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
        if (auto n = root["initial"]) {
            check_keys(n, "initial", {"caseload"});
            field(n, "initial", "caseload", [&](const auto& v, const auto& p) { s.initial.caseload_share = share(v, p); });
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
        check_keys(n, path, {"episodes_per_year", "length", "long_after", "pressure_elasticity"});
        field(n, path, "episodes_per_year", [&](const auto& v, const auto& p) { s.episodes_per_year = number_in(v, p, 0, 52, "episodes per worker-year between 0 and 52"); });
        field(n, path, "length", [&](const auto& v, const auto& p) { s.length = distribution(v, p); });
        field(n, path, "long_after", [&](const auto& v, const auto& p) { s.long_after_days = duration(v, p); });
        field(n, path, "pressure_elasticity", [&](const auto& v, const auto& p) { s.pressure_elasticity = number_in(v, p, -10, 10, "an elasticity between -10 and 10"); });
    }

    void apply_attrition(const YAML::Node& n, AttritionSpec& a, const std::string& path) {
        check_keys(n, path, {"per_year", "pressure_elasticity", "first_year_multiplier"});
        field(n, path, "per_year", [&](const auto& v, const auto& p) { a.per_year = number_in(v, p, 0, 10, "a hazard per worker-year between 0 and 10 (0.15 = 15% a year)"); });
        field(n, path, "pressure_elasticity", [&](const auto& v, const auto& p) { a.pressure_elasticity = number_in(v, p, -10, 10, "an elasticity between -10 and 10"); });
        field(n, path, "first_year_multiplier", [&](const auto& v, const auto& p) { a.first_year_multiplier = number_in(v, p, 0, 100, "a multiplier between 0 and 100"); });
    }

    void apply_hiring(const YAML::Node& n, HiringSpec& h, const std::string& path) {
        check_keys(n, path, {"delay", "ramp_up", "start_fraction"});
        field(n, path, "delay", [&](const auto& v, const auto& p) { h.delay = distribution(v, p); });
        field(n, path, "ramp_up", [&](const auto& v, const auto& p) { h.ramp_days = duration(v, p, true); });
        field(n, path, "start_fraction", [&](const auto& v, const auto& p) { h.start_fraction = share(v, p); });
    }

    // A list of interventions; a child file's list is added to its parent's.
    void apply_interventions(const YAML::Node& n, std::vector<InterventionSpec>& out) {
        using T = InterventionSpec::Type;
        const std::string path = "interventions";
        if (!n.IsSequence()) fail(n, path, "expected a list of interventions (- type: ..., at: ...), found " + describe(n));
        static const std::vector<std::pair<std::string, T>> types = {
            {"caseload_norm", T::caseload_norm},         {"extra_workers", T::extra_workers},
            {"support_workers", T::support_workers},     {"care_coordinators", T::care_coordinators},
            {"placement_reduction", T::placement_reduction}, {"spv_first_visit", T::spv_first_visit},
            {"early_uvo", T::early_uvo},                 {"local_team_cooperation", T::local_team_cooperation}};
        std::vector<std::string> names;
        for (const auto& t : types) names.push_back(t.first);
        for (std::size_t i = 0; i < n.size(); ++i) {
            const YAML::Node e = n[i];
            const std::string ip = path + "[" + std::to_string(i) + "]";
            expect_map(e, ip);
            const YAML::Node tn = require(e, ip, "type");
            const std::string t = scalar(tn, ip + ".type", "an intervention type");
            auto it = std::find_if(types.begin(), types.end(), [&](const auto& x) { return x.first == t; });
            if (it == types.end())
                fail(tn, ip + ".type", "unknown intervention type '" + t + "'; expected one of: " + join(names),
                     nearest(t, names));
            InterventionSpec v;
            v.type = it->second;
            auto num = [&](const char* key, double& out_value, double lo, double hi, const char* what) {
                field(e, ip, key, [&](const auto& x, const auto& p) { out_value = number_in(x, p, lo, hi, what); });
            };
            auto shr = [&](const char* key, double& out_value) {
                field(e, ip, key, [&](const auto& x, const auto& p) { out_value = share(x, p); });
            };
            auto need = [&](const char* key) { (void)require(e, ip, key); };
            switch (v.type) {
                case T::caseload_norm:
                    check_keys(e, ip, {"type", "at", "norm", "share"});
                    need("norm");
                    num("norm", v.norm, 0.1, 1000, "a caseload norm greater than 0 (families per FTE)");
                    shr("share", v.share);
                    break;
                case T::extra_workers:
                    check_keys(e, ip, {"type", "at", "fte"});
                    need("fte");
                    num("fte", v.fte, 0, 10000, "extra funded FTE, at least 0");
                    break;
                case T::support_workers: {
                    check_keys(e, ip, {"type", "at", "count", "relief", "learning", "attrition_multiplier"});
                    need("count");
                    field(e, ip, "count", [&](const auto& x, const auto& p) { v.count = int(integer(x, p, 0, 10000)); });
                    num("relief", v.relief, 0, 1, "the share of a case worker's load one support FTE takes off, 0 to 1");
                    field(e, ip, "learning", [&](const auto& x, const auto& p) { v.learning_days = duration(x, p); });
                    num("attrition_multiplier", v.attrition_multiplier, 0, 10, "a multiplier between 0 and 10");
                    break;
                }
                case T::care_coordinators:
                    check_keys(e, ip, {"type", "at", "count", "searches_each", "search_multiplier"});
                    need("count");
                    field(e, ip, "count", [&](const auto& x, const auto& p) { v.count = int(integer(x, p, 0, 10000)); });
                    field(e, ip, "searches_each", [&](const auto& x, const auto& p) { v.searches_each = int(integer(x, p, 1, 10000)); });
                    num("search_multiplier", v.search_multiplier, 0.01, 1, "a multiplier between 0.01 and 1 (1 = no faster)");
                    break;
                case T::placement_reduction:
                    check_keys(e, ip, {"type", "at", "factor"});
                    need("factor");
                    num("factor", v.factor, 0, 1, "a factor between 0 and 1 on the placement share");
                    break;
                case T::spv_first_visit:
                    check_keys(e, ip, {"type", "at", "nurses", "visits_per_week", "psychiatry_share", "length_multiplier",
                                       "weight_multiplier"});
                    need("nurses");
                    field(e, ip, "nurses", [&](const auto& x, const auto& p) { v.count = int(integer(x, p, 0, 10000)); });
                    num("visits_per_week", v.visits_per_week, 0, 1000, "visits per nurse per week, at least 0");
                    shr("psychiatry_share", v.psychiatry_share);
                    num("length_multiplier", v.length_multiplier, 0.01, 1, "a multiplier between 0.01 and 1");
                    num("weight_multiplier", v.weight_multiplier, 0.01, 1, "a multiplier between 0.01 and 1");
                    break;
                case T::early_uvo:
                    check_keys(e, ip, {"type", "at", "dv_share", "repeat_multiplier", "extra_work"});
                    shr("dv_share", v.dv_share);
                    num("repeat_multiplier", v.repeat_multiplier, 0, 1, "a multiplier between 0 and 1");
                    field(e, ip, "extra_work", [&](const auto& x, const auto& p) { v.extra_work_days = duration(x, p, true); });
                    break;
                case T::local_team_cooperation:
                    check_keys(e, ip, {"type", "at", "referral_reduction", "length_multiplier"});
                    shr("referral_reduction", v.referral_reduction);
                    num("length_multiplier", v.length_multiplier, 0.01, 1, "a multiplier between 0.01 and 1");
                    break;
            }
            field(e, ip, "at", [&](const auto& x, const auto& p) { v.at_days = duration(x, p, true); });
            note(e, ip);
            out.push_back(v);
        }
    }

    void apply_handover(const YAML::Node& n, HandoverSpec& h) {
        const std::string path = "handover";
        check_keys(n, path, {"penalty", "priority"});
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
        check_keys(n, path, {"reference_caseload", "length_strength", "repeat_strength", "waitlist_pressure_weight"});
        field(n, path, "reference_caseload", [&](const auto& v, const auto& p) { e.reference_caseload = number_in(v, p, 0.1, 1000, "a caseload greater than 0"); });
        field(n, path, "length_strength", [&](const auto& v, const auto& p) { e.length_strength = number_in(v, p, 0, 5, "a strength between 0 (off) and 5"); });
        field(n, path, "repeat_strength", [&](const auto& v, const auto& p) { e.repeat_strength = number_in(v, p, 0, 5, "a strength between 0 (off) and 5"); });
        field(n, path, "waitlist_pressure_weight", [&](const auto& v, const auto& p) { e.waitlist_pressure_weight = number_in(v, p, 0, 10, "a weight between 0 (off) and 10"); });
    }

    void apply_care(const YAML::Node& n, CareSpec& c) {
        const std::string path = "care";
        check_keys(n, path, {"need_share", "search", "places", "stay", "late_after", "late_extension"});
        field(n, path, "need_share", [&](const auto& v, const auto& p) { c.need_share = share(v, p); });
        field(n, path, "search", [&](const auto& v, const auto& p) { c.search = distribution(v, p); });
        field(n, path, "places", [&](const auto& v, const auto& p) {
            if (v.IsScalar() && v.Scalar() == "unlimited") c.places.reset();
            else c.places = integer(v, p, 0, 10000000);
        });
        field(n, path, "stay", [&](const auto& v, const auto& p) { c.stay = distribution(v, p); });
        field(n, path, "late_after", [&](const auto& v, const auto& p) { c.late_after_days = duration(v, p, true); });
        field(n, path, "late_extension", [&](const auto& v, const auto& p) { c.late_extension = number_in(v, p, 0, 10, "days of extra work per day of delay, between 0 and 10"); });
    }

    void apply_placement(const YAML::Node& n, PlacementSpec& pl) {
        const std::string path = "placement";
        check_keys(n, path, {"share", "length_multiplier", "weight_multiplier"});
        field(n, path, "share", [&](const auto& v, const auto& p) { pl.share = share(v, p); });
        field(n, path, "length_multiplier", [&](const auto& v, const auto& p) { pl.length_multiplier = number_in(v, p, 0.01, 100, "a multiplier greater than 0"); });
        field(n, path, "weight_multiplier", [&](const auto& v, const auto& p) { pl.weight_multiplier = number_in(v, p, 0.01, 100, "a multiplier greater than 0"); });
    }

    void apply_repeat(const YAML::Node& n, RepeatSpec& r) {
        const std::string path = "repeat";
        check_keys(n, path, {"probability", "delay"});
        field(n, path, "probability", [&](const auto& v, const auto& p) {
            r.probability = number_in(v, p, 0, 0.95, "a probability between 0 and 0.95 (1 would refer every family forever)");
        });
        field(n, path, "delay", [&](const auto& v, const auto& p) { r.delay = distribution(v, p); });
    }

    void apply_triage(const YAML::Node& n, TriageSpec& t) {
        const std::string path = "triage";
        check_keys(n, path, {"escalate_after", "review_every", "review_probability"});
        field(n, path, "escalate_after", [&](const auto& v, const auto& p) { t.escalate_after_days = duration(v, p); });
        field(n, path, "review_every", [&](const auto& v, const auto& p) { t.review_every_days = duration(v, p); });
        field(n, path, "review_probability", [&](const auto& v, const auto& p) { t.review_probability = share(v, p); });
    }

    void apply_referrals(const YAML::Node& n, ReferralSpec& r) {
        const std::string path = "referrals";
        check_keys(n, path, {"rate_per_week", "schedule", "urgent_share", "types"});
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
                check_keys(v[i], ip, {"from", "rate_per_week"});
                RateSegment seg;
                seg.from_day = duration(require(v[i], ip, "from"), ip + ".from", true);
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
                const std::string ip = tp + "." + name;
                auto existing = std::find_if(r.types.begin(), r.types.end(), [&](const auto& t) { return t.name == name; });
                const bool is_new = existing == r.types.end();
                MeasureTypeSpec t;
                if (!is_new) t = *existing;
                t.name = name;
                const YAML::Node tn = it->second;
                check_keys(tn, ip, {"share", "length", "weight"});
                if (is_new) {
                    (void)require(tn, ip, "share");
                    (void)require(tn, ip, "length");
                }
                if (auto x = tn["share"]) t.share = share(x, ip + ".share");
                if (auto x = tn["length"]) t.length = distribution(x, ip + ".length");
                if (auto x = tn["weight"]) t.weight = positive(x, ip + ".weight");
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
        check_keys(n, path, {"workers", "fte", "caseload_norm", "cost_per_fte_year", "sick_leave", "attrition", "hiring"});
        field(n, path, "cost_per_fte_year", [&](const auto& v, const auto& p) { w.cost_per_fte_year = number_in(v, p, 0, 1e7, "euro per FTE-year, at least 0"); });
        if (auto v = n["sick_leave"]) apply_sick_leave(v, w.sick_leave, path + ".sick_leave");
        if (auto v = n["attrition"]) apply_attrition(v, w.attrition, path + ".attrition");
        if (auto v = n["hiring"]) apply_hiring(v, w.hiring, path + ".hiring");
        if (auto v = n["workers"]) {
            w.workers = int(integer(v, path + ".workers", 1, kMaxWorkers,
                                    "; the limit is a national organisation many times over"));
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
        check_keys(n, path, {"discipline", "max_length"});
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
        if (auto v = n["max_length"]) {
            w.max_length = integer(v, path + ".max_length", 1, 100000000,
                                   "; each waiting family takes memory, and a waitlist this long means the scenario "
                                   "is unstable anyway");
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
        std::ifstream in(file);
        if (!in) fail(n["csv"], path + ".csv", "cannot open CSV file '" + file.string() + "'");
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

YAML::Node parse_yaml(const std::string& text, const std::string& label) {
    try {
        return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ScenarioError(Location{label, e.mark.line + 1, e.mark.column + 1}, "",
                            "YAML syntax error: " + e.msg);
    }
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ScenarioError(Location{file.string(), 0, 0}, "", "cannot open file (does it exist?)");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Text a person could have typed: valid UTF-8 without control characters
// other than tab, newline and carriage return.
void check_text(const std::string& text, const std::string& label) {
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
    if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
        std::string cycle;
        for (const auto& c : chain) cycle += c + " -> ";
        cycle += key;
        const YAML::Mark m = from_node ? from_node->Mark() : YAML::Mark::null_mark();
        throw ScenarioError(Location{from_label, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1},
                            "extends", "circular 'extends': " + cycle);
    }
    if (!fs::exists(file)) {
        if (from_node) {
            const YAML::Mark m = from_node->Mark();
            throw ScenarioError(Location{from_label, m.line + 1, m.column + 1}, "extends",
                                "cannot find the file '" + file.string() + "' to extend (paths are relative to this file)");
        }
        throw ScenarioError(Location{file.string(), 0, 0}, "", "no such file");
    }
    if (fs::is_directory(file)) throw ScenarioError(Location{file.string(), 0, 0}, "", "expected a file, found a folder");
    chain.push_back(key);
    Loaded l = load_layer(read_file(file), file.string(), file.parent_path(), chain);
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

    if (!(s.warmup_days < s.horizon_days))
        throw ScenarioError(at(l, l.provenance.count("warmup") ? "warmup" : "horizon"), "warmup",
                            "warm-up (" + format_number(s.warmup_days) + "d) must be shorter than the horizon (" +
                                format_number(s.horizon_days) + "d)");
    double total = 0;
    for (const auto& t : s.referrals.types) total += t.share;
    if (std::fabs(total - 1.0) > 1e-6)
        throw ScenarioError(at(l, "referrals.types"), "referrals.types",
                            "the measure types' shares must sum to 1, they sum to " + format_number(total));
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
    // Expected families in the system at once bounds memory; refuse what a laptop cannot hold.
    const double per_week = std::max_element(s.referrals.schedule.begin(), s.referrals.schedule.end(),
                                             [](auto& a, auto& b) { return a.rate_per_week < b.rate_per_week; })
                                ->rate_per_week;
    const double events = per_week / kDaysPerWeek * s.horizon_days * 2.0;
    if (events > 2e10)
        throw ScenarioError(at(l, "referrals.rate"), "referrals",
                            "about " + format_number(std::round(events / 1e9)) +
                                " billion events per replication, over the limit of 20 billion; lower the rate or the horizon");
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& label, const fs::path& base_dir) {
    std::vector<std::string> chain{label};
    Loaded l = load_layer(text, label, base_dir, chain);
    validate(l);
    return l.scenario;
}

Scenario load_scenario(const fs::path& file) {
    std::vector<std::string> chain;
    Loaded l = load_file_layer(file, chain, nullptr, file.string());
    validate(l);
    return l.scenario;
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
    m.own.reset(parse_yaml(read_file(file), m.label));
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
        layer.reset(parse_yaml(read_file(parent), parent.string()));
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
        const std::string text = read_file(file);
        check_text(text, file.string());
        const YAML::Node root = YAML::Load(text);
        return root.IsMap() && root["compare"];
    } catch (const std::exception&) {
        return false;  // the scenario loader will report the problem properly
    }
}

CompareSpec load_compare(const fs::path& file) {
    const std::string label = file.string();
    const std::string text = read_file(file);
    check_text(text, label);
    const YAML::Node root = parse_yaml(text, label);
    std::map<std::string, Location> prov;
    Parser p(label, file.parent_path(), prov);
    p.check_keys(root, "", {"compare"});
    const YAML::Node c = root["compare"];
    p.check_keys(c, "compare", {"name", "description", "baseline", "scenarios", "replications", "seed"});
    CompareSpec spec;
    spec.source_file = label;
    spec.name = c["name"] ? p.scalar(c["name"], "compare.name", "a name") : file.stem().string();
    const YAML::Node b = p.require(c, "compare", "baseline");
    spec.baseline = file.parent_path() / p.scalar(b, "compare.baseline", "a scenario file name");
    const YAML::Node list = p.require(c, "compare", "scenarios");
    if (!list.IsSequence() || list.size() == 0)
        p.fail(list, "compare.scenarios", "expected a non-empty list of scenario files, found " + describe(list));
    for (std::size_t i = 0; i < list.size(); ++i)
        spec.scenarios.push_back(file.parent_path() /
                                 p.scalar(list[i], "compare.scenarios[" + std::to_string(i) + "]", "a scenario file name"));
    if (auto r = c["replications"])
        spec.replications = int(p.integer(r, "compare.replications", 1, kMaxReplications));
    if (auto s = c["seed"]) spec.seed = std::uint64_t(p.integer(s, "compare.seed", 0, std::numeric_limits<std::int64_t>::max()));
    return spec;
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
    e << YAML::Key << "types" << YAML::Value << YAML::BeginMap;
    for (const auto& t : s.referrals.types) {
        e << YAML::Key << t.name << YAML::Value << YAML::BeginMap;
        e << YAML::Key << "share" << YAML::Value << format_number(t.share);
        e << YAML::Key << "length" << YAML::Value;
        emit_distribution(e, t.length);
        e << YAML::Key << "weight" << YAML::Value << format_number(t.weight);
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
    e << YAML::EndMap;
    e << YAML::Key << "attrition" << YAML::Value << YAML::BeginMap;
    num("per_year", w.attrition.per_year);
    num("pressure_elasticity", w.attrition.pressure_elasticity);
    num("first_year_multiplier", w.attrition.first_year_multiplier);
    e << YAML::EndMap;
    e << YAML::Key << "hiring" << YAML::Value << YAML::BeginMap;
    dist("delay", w.hiring.delay);
    dur("ramp_up", w.hiring.ramp_days);
    num("start_fraction", w.hiring.start_fraction);
    e << YAML::EndMap;
    e << YAML::EndMap;
    e << YAML::Key << "waitlist" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "discipline" << YAML::Value << to_string(s.waitlist.discipline);
    e << YAML::Key << "max_length" << YAML::Value << s.waitlist.max_length;
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
        using T = InterventionSpec::Type;
        e << YAML::BeginMap;
        e << YAML::Key << "type" << YAML::Value << to_string(v.type);
        dur("at", v.at_days);
        switch (v.type) {
            case T::caseload_norm: num("norm", v.norm); num("share", v.share); break;
            case T::extra_workers: num("fte", v.fte); break;
            case T::support_workers:
                e << YAML::Key << "count" << YAML::Value << v.count;
                num("relief", v.relief);
                dur("learning", v.learning_days);
                num("attrition_multiplier", v.attrition_multiplier);
                break;
            case T::care_coordinators:
                e << YAML::Key << "count" << YAML::Value << v.count;
                e << YAML::Key << "searches_each" << YAML::Value << v.searches_each;
                num("search_multiplier", v.search_multiplier);
                break;
            case T::placement_reduction: num("factor", v.factor); break;
            case T::spv_first_visit:
                e << YAML::Key << "nurses" << YAML::Value << v.count;
                num("visits_per_week", v.visits_per_week);
                num("psychiatry_share", v.psychiatry_share);
                num("length_multiplier", v.length_multiplier);
                num("weight_multiplier", v.weight_multiplier);
                break;
            case T::early_uvo:
                num("dv_share", v.dv_share);
                num("repeat_multiplier", v.repeat_multiplier);
                dur("extra_work", v.extra_work_days);
                break;
            case T::local_team_cooperation:
                num("referral_reduction", v.referral_reduction);
                num("length_multiplier", v.length_multiplier);
                break;
        }
        e << YAML::EndMap;
    }
    e << YAML::EndSeq;
    e << YAML::Key << "initial" << YAML::Value << YAML::BeginMap;
    num("caseload", s.initial.caseload_share);
    e << YAML::EndMap;
    e << YAML::Key << "triage" << YAML::Value << YAML::BeginMap;
    if (s.triage.escalate_after_days) dur("escalate_after", *s.triage.escalate_after_days);
    if (s.triage.review_every_days) dur("review_every", *s.triage.review_every_days);
    num("review_probability", s.triage.review_probability);
    e << YAML::EndMap;
    e << YAML::EndMap;
    return std::string(e.c_str()) + "\n";
}


}  // namespace caseload::scenario
