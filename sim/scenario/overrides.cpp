// Overrides: a value set by dotted path on a scenario file's own YAML tree
// (sweep design points). The modified tree then goes through the same
// loading and validation as a file (BaseScenario::with).

#include "caseload/scenario/loader.hpp"

#include "scenario/parser.hpp"

#include <charconv>
#include <set>

namespace caseload::scenario {

namespace fs = std::filesystem;

using namespace detail;

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

}  // namespace caseload::scenario
