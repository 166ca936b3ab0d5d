#include "caseload/scenario/sweep_file.hpp"

#include "scenario/yaml_text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

namespace caseload::scenario {

namespace fs = std::filesystem;

const char* to_string(DesignKind d) { return d == DesignKind::grid ? "grid" : "lhs"; }

const char* to_string(MetamodelTerms t) {
    switch (t) {
        case MetamodelTerms::linear: return "linear";
        case MetamodelTerms::interactions: return "interactions";
        case MetamodelTerms::quadratic: return "quadratic";
        case MetamodelTerms::full: return "full";
    }
    return "?";
}

double days_per_unit(char unit) {
    switch (unit) {
        case 'd': return 1.0;
        case 'w': return kDaysPerWeek;
        case 'm': return kDaysPerMonth;
        case 'y': return kDaysPerYear;
        default: return 1.0;
    }
}

namespace {

using detail::join;

std::string shortest(double v) {
    if (v == 0) return "0";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// Values computed as from + i * step carry rounding noise (0.30000000000000004):
// keep 12 significant digits, far below any meaningful difference.
double tidy(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", v);
    double out = 0;
    std::from_chars(buf, buf + std::char_traits<char>::length(buf), out);
    return out;
}

// A scalar read as a number or a duration.
struct Quantity {
    double value = 0.0;  // in `unit`
    char unit = 0;       // 0 = plain number
};

std::optional<Quantity> quantity(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && s[b] == ' ') ++b;
    while (e > b && s[e - 1] == ' ') --e;
    if (b == e) return std::nullopt;
    Quantity q;
    const char last = s[e - 1];
    if (last == 'd' || last == 'w' || last == 'm' || last == 'y') {
        q.unit = last;
        --e;
        while (e > b && s[e - 1] == ' ') --e;
    }
    if (b < e && s[b] == '+') ++b;
    auto r = std::from_chars(s.data() + b, s.data() + e, q.value);
    if (b == e || r.ec != std::errc{} || r.ptr != s.data() + e || !std::isfinite(q.value)) return std::nullopt;
    return q;
}

class SweepParser {
public:
    explicit SweepParser(std::string label) : label_(std::move(label)) {}

    [[nodiscard]] Location where(const YAML::Node& n) const {
        const YAML::Mark m = n.Mark();
        if (m.is_null()) return Location{label_, 0, 0};
        return Location{label_, m.line + 1, m.column + 1};
    }

    [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg,
                           const std::string& suggestion = {}) const {
        throw ScenarioError(where(n), path, msg, suggestion);
    }

    static std::string describe(const YAML::Node& n) {
        if (!n.IsDefined() || n.IsNull()) return "nothing";
        if (n.IsSequence()) return "a list";
        if (n.IsMap()) return "a mapping";
        std::string s = n.Scalar();
        if (s.size() > 40) s = s.substr(0, 37) + "...";
        return "'" + s + "'";
    }

    void check_keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) const {
        if (!n.IsMap()) fail(n, path, "expected a mapping (key: value lines), found " + describe(n));
        std::set<std::string> seen;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node k = it->first;
            if (!k.IsScalar()) fail(k, path, "expected a key name, found " + describe(k));
            const std::string key = k.Scalar();
            const std::string kp = path.empty() ? key : path + "." + key;
            if (!seen.insert(key).second) fail(k, kp, "duplicate key");
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                fail(k, kp, "unknown key '" + key + "'; expected one of: " + join(allowed), nearest(key, allowed));
        }
    }

    [[nodiscard]] std::string scalar(const YAML::Node& n, const std::string& path, const std::string& expected) const {
        if (!n.IsScalar()) fail(n, path, "expected " + expected + ", found " + describe(n));
        return n.Scalar();
    }

    [[nodiscard]] std::int64_t integer(const YAML::Node& n, const std::string& path, std::int64_t lo,
                                       std::int64_t hi) const {
        std::int64_t v = 0;
        if (detail::read_whole_number(scalar(n, path, "a whole number"), v) != detail::WholeNumber::ok || v < lo || v > hi)
            fail(n, path, "expected a whole number between " + std::to_string(lo) + " and " + std::to_string(hi) +
                              ", found " + describe(n));
        return v;
    }

    [[nodiscard]] bool boolean(const YAML::Node& n, const std::string& path) const {
        const std::string s = scalar(n, path, "true or false");
        if (s == "true") return true;
        if (s == "false") return false;
        fail(n, path, "expected true or false, found " + describe(n));
    }

    [[nodiscard]] Quantity quantity_of(const YAML::Node& n, const std::string& path) const {
        const std::string s = scalar(n, path, "a number or a duration such as 2y");
        const auto q = quantity(s);
        if (!q) fail(n, path, "expected a number or a duration such as 300d, 6w, 18m or 2y, found " + describe(n));
        return *q;
    }

    // One value of a list.
    [[nodiscard]] SweepValue value(const YAML::Node& n, const std::string& path) const {
        SweepValue v;
        v.text = scalar(n, path, "a value (a number, a duration such as 2y, or a word)");
        v.where = where(n);
        if (const auto q = quantity(v.text)) v.number = q->value * (q->unit ? days_per_unit(q->unit) : 1.0);
        return v;
    }

    SweepParameter parameter(const YAML::Node& key, const YAML::Node& n, DesignKind design) const {
        SweepParameter p;
        p.path = key.Scalar();
        p.where = where(key);
        const std::string path = "sweep.parameters." + p.path;
        if (n.IsSequence()) {
            if (n.size() == 0) fail(n, path, "expected at least one value");
            std::set<std::string> seen;
            bool any_duration = false, any_plain = false;
            for (std::size_t i = 0; i < n.size(); ++i) {
                SweepValue v = value(n[i], path + "[" + std::to_string(i) + "]");
                if (!seen.insert(v.text).second) fail(n[i], path, "the value " + describe(n[i]) + " is listed twice");
                const auto q = quantity(v.text);
                if (q) (q->unit ? any_duration : any_plain) = true;
                if (any_duration && any_plain)
                    fail(n[i], path, "the list mixes durations and plain numbers; give every value with its unit");
                p.values.push_back(std::move(v));
            }
            p.duration = any_duration;
            return p;
        }
        if (!n.IsMap())
            fail(n, path,
                 "expected a list of values ([10, 12, 14]) or a range ({from: 10, to: 14, steps: 5}), found " +
                     describe(n));
        check_keys(n, path, {"from", "to", "steps", "step", "integer"});
        if (!n["from"]) fail(n, path, "a range needs 'from' and 'to'");
        if (!n["to"]) fail(n, path, "a range needs 'from' and 'to'");
        const Quantity from = quantity_of(n["from"], path + ".from");
        const Quantity to = quantity_of(n["to"], path + ".to");
        if (from.unit != to.unit)
            fail(n["to"], path + ".to", "'from' and 'to' must have the same unit");
        if (!(from.value < to.value)) fail(n["to"], path + ".to", "expected 'to' greater than 'from'");
        const bool integer = n["integer"] && boolean(n["integer"], path + ".integer");
        if (integer && std::ceil(from.value) > std::floor(to.value))
            fail(n, path, "the range holds no whole number, but 'integer' is true");
        p.duration = from.unit != 0;
        if (n["steps"] && n["step"]) fail(n["step"], path + ".step", "give either 'steps' or 'step', not both");
        std::vector<double> levels;
        if (auto s = n["steps"]) {
            const auto k = std::size_t(integer_of_steps(s, path + ".steps"));
            for (std::size_t i = 0; i < k; ++i)
                levels.push_back(i + 1 == k ? to.value
                                            : tidy(from.value + (to.value - from.value) * double(i) / double(k - 1)));
        } else if (auto s = n["step"]) {
            const Quantity st = quantity_of(s, path + ".step");
            if (st.unit != from.unit) fail(s, path + ".step", "'step' must have the same unit as 'from' and 'to'");
            if (!(st.value > 0)) fail(s, path + ".step", "expected a step greater than 0");
            const double count = std::floor((to.value - from.value) / st.value * (1 + 1e-12) + 1e-9) + 1;
            if (count > double(kMaxLevels))
                fail(s, path + ".step", "that makes more than " + std::to_string(kMaxLevels) + " values");
            for (std::size_t i = 0; i < std::size_t(count); ++i) levels.push_back(tidy(from.value + double(i) * st.value));
        } else {
            if (design == DesignKind::grid)
                fail(n, path, "a range in a grid needs 'steps' (how many values) or 'step' (the distance between them); "
                              "only a Latin hypercube (design: lhs) samples a range without them");
            p.continuous = SweepRange{from.value, to.value, from.unit, integer};
            return p;
        }
        std::set<double> seen;
        for (double l : levels) {
            if (integer) l = std::round(l);
            if (!seen.insert(l).second)
                fail(n, path, "the range gives the value " + shortest(l) + " twice (after rounding to whole numbers)");
            SweepValue v;
            v.text = shortest(l) + (from.unit ? std::string(1, from.unit) : std::string());
            v.where = where(n);
            v.number = l * (from.unit ? days_per_unit(from.unit) : 1.0);
            p.values.push_back(std::move(v));
        }
        return p;
    }

    [[nodiscard]] std::int64_t integer_of_steps(const YAML::Node& n, const std::string& path) const {
        return integer(n, path, 2, std::int64_t(kMaxLevels));
    }

private:
    std::string label_;
};

}  // namespace

bool is_sweep_file(const fs::path& file) {
    try {
        const YAML::Node root = detail::parse_yaml_text(detail::read_yaml_text(file), file.string());
        return root.IsMap() && root["sweep"];
    } catch (const std::exception&) {
        return false;
    }
}

SweepSpec load_sweep(const fs::path& file) {
    std::error_code ec;
    if (!fs::exists(file, ec)) throw ScenarioError(Location{file.string(), 0, 0}, "", "no such file");
    return parse_sweep(detail::read_yaml_text(file), file.string(), file.parent_path());
}

SweepSpec parse_sweep(const std::string& text, const std::string& label, const fs::path& base_dir) {
    SweepParser p(label);
    const YAML::Node root = detail::parse_yaml_text(text, label);
    if (!root.IsDefined() || root.IsNull())
        throw ScenarioError(Location{label, 1, 1}, "", "the file is empty; expected a 'sweep:' block");
    if (!root.IsMap() || !root["sweep"])
        throw ScenarioError(p.where(root), "",
                            "expected a sweep file (a 'sweep:' block with base and parameters), found " +
                                SweepParser::describe(root));
    // Every error of the file is collected (up to kMaxErrorsPerFile) and reported together; a step
    // that needs an earlier value goes on only when that value could be read.
    detail::ErrorList errors(label);
    errors.attempt([&] { p.check_keys(root, "", {"sweep"}); });
    const YAML::Node s = root["sweep"];
    bool keys_ok = false;  // a misspelt key is reported as such, not also as the key it was meant to be missing
    errors.attempt([&] {
        p.check_keys(s, "sweep",
                     {"name", "description", "base", "design", "points", "design_seed", "replications", "seed",
                      "metamodel", "parameters"});
        keys_ok = true;
    });
    if (!s.IsMap()) errors.finish();
    SweepSpec spec;
    spec.source_file = label;
    spec.text = text;
    spec.name = fs::path(label).stem().string();
    if (auto n = s["name"]) errors.attempt([&] { spec.name = p.scalar(n, "sweep.name", "a name"); });
    if (auto d = s["description"]) errors.attempt([&] { spec.description = p.scalar(d, "sweep.description", "a text"); });

    bool base_read = false;
    if (s["base"] || keys_ok) errors.attempt([&] {
        if (!s["base"]) p.fail(s, "sweep", "missing key 'base' (the scenario file every design point starts from)");
        const YAML::Node base = s["base"];
        spec.base = base_dir / p.scalar(base, "sweep.base", "a scenario file name");
        spec.base_where = p.where(base);
        base_read = true;
    });

    bool design_read = true;
    if (auto d = s["design"])
        errors.attempt([&] {
            design_read = false;
            const std::string kind = p.scalar(d, "sweep.design", "grid or lhs");
            if (kind == "grid")
                spec.design = DesignKind::grid;
            else if (kind == "lhs")
                spec.design = DesignKind::lhs;
            else
                p.fail(d, "sweep.design",
                       "unknown design '" + kind + "'; expected grid (every combination) or lhs (Latin hypercube)",
                       nearest(kind, {"grid", "lhs"}));
            design_read = true;
        });
    if (design_read && spec.design == DesignKind::lhs) {
        errors.attempt([&] {
            if (!s["points"])
                p.fail(s, "sweep", "a Latin hypercube (design: lhs) needs 'points', the number of design points");
            spec.points = std::size_t(p.integer(s["points"], "sweep.points", 2, std::int64_t(kMaxSweepPoints)));
        });
        if (auto ds = s["design_seed"])
            errors.attempt([&] {
                spec.design_seed =
                    std::uint64_t(p.integer(ds, "sweep.design_seed", 0, std::numeric_limits<std::int64_t>::max()));
            });
    } else if (design_read) {
        if (s["points"])
            errors.attempt([&] {
                p.fail(s["points"], "sweep.points",
                       "'points' is for a Latin hypercube (design: lhs); a grid runs every combination");
            });
        if (s["design_seed"])
            errors.attempt([&] {
                p.fail(s["design_seed"], "sweep.design_seed", "'design_seed' is for a Latin hypercube (design: lhs)");
            });
    }
    if (auto r = s["replications"])
        errors.attempt([&] { spec.replications = int(p.integer(r, "sweep.replications", 1, kMaxReplications)); });
    if (auto sd = s["seed"])
        errors.attempt([&] {
            spec.seed = std::uint64_t(p.integer(sd, "sweep.seed", 0, std::numeric_limits<std::int64_t>::max()));
        });
    if (auto m = s["metamodel"])
        errors.attempt([&] {
            const std::string t = p.scalar(m, "sweep.metamodel", "linear, interactions, quadratic or full");
            const std::vector<std::string> names = {"linear", "interactions", "quadratic", "full"};
            const auto it = std::find(names.begin(), names.end(), t);
            if (it == names.end())
                p.fail(m, "sweep.metamodel", "unknown metamodel '" + t + "'; expected one of: " + join(names),
                       nearest(t, names));
            spec.terms = MetamodelTerms(it - names.begin());
        });

    const YAML::Node params = s["parameters"];
    bool params_read = false;
    if (params || keys_ok) errors.attempt([&] {
        if (!params)
            p.fail(s, "sweep", "missing key 'parameters' (dotted paths into the base scenario, with their values)");
        if (!params.IsMap() || params.size() == 0)
            p.fail(params, "sweep.parameters",
                   "expected one or more parameters, as 'dotted.path: [values]' or 'dotted.path: {from: .., to: .., "
                   "steps: ..}', found " +
                       SweepParser::describe(params));
        params_read = true;
    });
    // The parameters are checked against the base, which must exist and load
    // (its own errors are reported in its own file).
    if (!base_read || !params_read) errors.finish();
    std::optional<BaseScenario> base_scenario;
    errors.attempt([&] {
        // Missing, too long a name, a folder: refused here, at the sweep's line.
        detail::check_named_file(spec.base, spec.base_where, "sweep.base", "for the base scenario");
        base_scenario.emplace(spec.base);
    });
    if (!base_scenario) errors.finish();
    const auto& paths = base_scenario->override_paths();

    std::set<std::string> seen;
    std::size_t grid_points = 1;
    for (auto it = params.begin(); it != params.end(); ++it)
        errors.attempt([&] {
            const YAML::Node key = it->first;
            const std::string path = p.scalar(key, "sweep.parameters", "a dotted path such as workforce.caseload_norm");
            if (!seen.insert(path).second) p.fail(key, "sweep.parameters." + path, "this parameter is given twice");
            for (const char* own : {"seed", "replications"})
                if (path == own)
                    p.fail(key, "sweep.parameters." + path,
                           std::string("'") + own + "' is set by the sweep itself (sweep." + own +
                               "); every point uses the same seed, so replication r of every point shares its random "
                               "numbers");
            for (const char* fixed : {"name", "description", "extends"})
                if (path == fixed || path.rfind(std::string(fixed) + ".", 0) == 0)
                    p.fail(key, "sweep.parameters." + path, std::string("'") + fixed + "' cannot be swept");
            if (!std::binary_search(paths.begin(), paths.end(), path))
                p.fail(key, "sweep.parameters." + path,
                       "unknown parameter path '" + path + "': no such value in the base scenario " +
                           spec.base.string(),
                       nearest(path, paths));
            SweepParameter param = p.parameter(key, it->second, spec.design);
            if (spec.design == DesignKind::grid) {
                grid_points *= param.values.size();
                if (grid_points > kMaxSweepPoints)
                    p.fail(key, "sweep.parameters." + path,
                           "the grid has more than " + std::to_string(kMaxSweepPoints) +
                               " points; use fewer values, or a Latin hypercube (design: lhs)");
            }
            spec.parameters.push_back(std::move(param));
        });
    errors.finish();
    return spec;
}

}  // namespace caseload::scenario
