// Loading scenario and compare files: a file on top of the files it extends,
// read by the Parser (parser.cpp), then checked as a whole (validate.cpp).
// Also where a key is written (locate) and what kind of file a file is.

#include "caseload/scenario/loader.hpp"

#include "scenario/parser.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <optional>

namespace caseload::scenario {

namespace fs = std::filesystem;

using namespace detail;

namespace {

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

Loaded load_layer(const std::string& text, const std::string& label, const fs::path& base_dir,
                  std::vector<std::string>& chain) {
    check_text(text, label);
    return load_root(parse_yaml(text, label), label, base_dir, chain);
}

}  // namespace

// One file's parsed tree on top of what it extends.
Loaded detail::load_root(const YAML::Node& root, const std::string& label, const fs::path& base_dir,
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
        // Every error of the file is collected (up to kMaxErrorsPerFile) and reported together.
        // A misspelt key is reported as such; the key it was meant to be is then not reported missing too.
        bool keys_ok = true;
        p.attempt([&] {
            keys_ok = false;
            p.check_keys(root, "", schema::keys("compare_file"));
            keys_ok = true;
        });
        const YAML::Node c = root["compare"];
        if (!c && keys_ok) p.attempt([&] { (void)p.require(root, "", "compare"); });
        if (c && !c.IsNull()) p.attempt([&] {  // nothing after compare: is reported above
            keys_ok = false;
            p.check_keys(c, "compare", schema::keys("compare"));
            keys_ok = true;
        });
        if (!c || !c.IsMap()) p.finish();  // without a compare mapping nothing more can be read
        CompareSpec spec;
        spec.source_file = label;
        spec.name = fs::path(label).stem().string();
        if (auto n = c["name"]) p.attempt([&] { spec.name = p.scalar(n, "compare.name", "a name"); });
        if (auto d = c["description"]) p.attempt([&] { (void)p.scalar(d, "compare.description", "a text"); });
        if (c["baseline"] || keys_ok) p.attempt([&] {
            const YAML::Node b = p.require(c, "compare", "baseline");
            spec.baseline = base_dir / p.scalar(b, "compare.baseline", "a scenario file name");
            check_named_file(spec.baseline, p.where(b), "compare.baseline", "for the baseline");
        });
        if (c["scenarios"] || keys_ok) p.attempt([&] {
            const YAML::Node list = p.require(c, "compare", "scenarios");
            if (!list.IsSequence() || list.size() == 0)
                p.fail(list, "compare.scenarios", "expected a non-empty list of scenario files, found " + describe(list));
            for (std::size_t i = 0; i < list.size(); ++i)
                p.attempt([&] {
                    const std::string ip = "compare.scenarios[" + std::to_string(i) + "]";
                    spec.scenarios.push_back(base_dir / p.scalar(list[i], ip, "a scenario file name"));
                    check_named_file(spec.scenarios.back(), p.where(list[i]), ip, "to compare");
                });
        });
        if (auto f = c["from"])
            p.attempt([&] {
                spec.from = base_dir / p.scalar(f, "compare.from", "a start-state file name");
                check_named_file(*spec.from, p.where(f), "compare.from", "for the start state");
            });
        if (auto r = c["replications"])
            p.attempt([&] { spec.replications = int(p.integer(r, "compare.replications", 1, kMaxReplications)); });
        if (auto s = c["seed"])
            p.attempt([&] {
                spec.seed = std::uint64_t(p.integer(s, "compare.seed", 0, std::numeric_limits<std::int64_t>::max()));
            });
        if (auto rel = c["relevant"])
            p.attempt([&] {
                if (!rel.IsMap())
                    p.fail(rel, "compare.relevant", "expected a map of metric: value, found " + describe(rel));
                for (auto it = rel.begin(); it != rel.end(); ++it)
                    p.attempt([&] {
                        const std::string name = p.scalar(it->first, "compare.relevant", "a metric name");
                        const std::string path = "compare.relevant." + name;
                        spec.relevant.emplace_back(name, p.number_in(it->second, path, 0.0, 1e300,
                                                                     "a minimum relevant difference of 0 or more"));
                        spec.relevant_at.push_back(p.where(it->first));
                    });
            });
        p.finish();
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

}  // namespace caseload::scenario
