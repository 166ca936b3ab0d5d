#include "plan_form.hpp"

#include "caseload/experiment/limits.hpp"
#include "caseload/experiment/runner.hpp"
#include "caseload/scenario/loader.hpp"
#include "caseload/scenario/schema.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace caseload::serve {

using ojson = nlohmann::ordered_json;

namespace {

// The sections of the schema the form shows as fields, in order; every
// scalar key of each becomes a field ("" is the file's top level).
const std::vector<std::pair<std::string, std::string>> kFieldSections = {
    {"initial", "initial"}, {"workforce", "workforce"}, {"run", ""}, {"targets", "targets"}};
// Top-level keys that are not values of the run (the file's name is set apart).
const std::set<std::string> kSkipTop = {"extends"};

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// A scalar field for a schema property, or nullopt for sections, lists and distributions.
std::optional<Field> field_of(const std::string& key, const ojson& p) {
    Field f;
    f.key = key;
    f.description = p.value("description", "");
    if (p.contains("minimum")) f.min = p["minimum"].get<double>();
    if (p.contains("maximum")) f.max = p["maximum"].get<double>();
    if (p.contains("enum")) {
        f.kind = "choice";
        for (const auto& c : p["enum"]) f.choices.push_back(c.is_string() ? c.get<std::string>() : c.dump());
        return f;
    }
    if (p.contains("allOf") && p["allOf"].size() == 1 && p["allOf"][0].value("$ref", "") == "#/definitions/duration") {
        f.kind = "duration";
        return f;
    }
    std::string type;
    if (p.contains("type") && p["type"].is_string()) type = p["type"].get<std::string>();
    if (p.contains("type") && p["type"].is_array())  // a name may be written as a number too: text
        for (const auto& t : p["type"])
            if (t == "string") type = "string";
    if (type == "integer" || type == "number") f.kind = type;
    else if (type == "string") f.kind = p.value("pattern", "").find("[0-9]{4}-") == 1 ? "date" : "text";
    else return std::nullopt;
    return f;
}

YAML::Node child(YAML::Node node, const std::string& path) {
    std::size_t from = 0;
    for (;;) {
        if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
        const auto dot = path.find('.', from);
        const std::string k = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
        YAML::Node next = node[k];
        if (!next) return YAML::Node(YAML::NodeType::Undefined);
        if (dot == std::string::npos) return next;
        node.reset(next);  // rebinds; `node = next` would overwrite the node in the tree
        from = dot + 1;
    }
}

void set_path(YAML::Node root, const std::string& path, const std::string& value) {
    const auto dot = path.find('.');
    if (dot == std::string::npos) {
        if (value.empty()) root.remove(path);
        else root[path] = value;
        return;
    }
    const std::string head = path.substr(0, dot);
    if (value.empty() && !(root[head] && root[head].IsMap())) return;
    if (!root[head] || !root[head].IsMap()) root[head] = YAML::Node(YAML::NodeType::Map);
    YAML::Node sub = root[head];
    set_path(sub, path.substr(dot + 1), value);
    if (sub.IsMap() && sub.size() == 0) root.remove(head);
}

// The first key that names a file, with its place, or empty.
std::string find_file_key(const YAML::Node& n) {
    if (n.IsMap()) {
        for (const auto& kv : n) {
            const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
            const auto& keys = file_keys();
            if (std::find(keys.begin(), keys.end(), k) != keys.end())
                return "advanced.yaml:" + std::to_string(kv.first.Mark().line + 1) + ":" +
                       std::to_string(kv.first.Mark().column + 1) + ": '" + k +
                       "' names a file; the server reads no files from a plan: write the values themselves";
            if (auto s = find_file_key(kv.second); !s.empty()) return s;
        }
    } else if (n.IsSequence()) {
        for (const auto& e : n)
            if (auto s = find_file_key(e); !s.empty()) return s;
    }
    return {};
}

std::string emit(const YAML::Node& n) {
    YAML::Emitter e;
    e << n;
    return std::string(e.c_str()) + "\n";
}

}  // namespace

const std::vector<std::string>& file_keys() {
    static const std::vector<std::string> keys = [] {
        std::set<std::string> s;
        for (const auto& section : scenario::schema::scenario_sections())
            for (const auto& k : section.keys)
                if (k.kind == scenario::schema::Kind::file ||
                    (k.kind == scenario::schema::Kind::list && k.item == scenario::schema::Kind::file))
                    s.insert(std::string(k.name));
        return std::vector<std::string>(s.begin(), s.end());
    }();
    return keys;
}

std::vector<FormSection> form_sections(const std::string& schema_json) {
    const ojson schema = ojson::parse(schema_json);
    const ojson& defs = schema["definitions"];
    std::vector<FormSection> out;
    for (const auto& [id, def] : kFieldSections) {
        const ojson& obj = def.empty() ? schema : defs[def];
        FormSection s;
        s.id = id;
        s.description = def.empty() ? "" : obj.value("description", "");
        for (const auto& [key, p] : obj["properties"].items()) {
            if (def.empty() && kSkipTop.count(key)) continue;
            if (auto f = field_of(key, p)) {
                f->name = def.empty() ? key : def + "." + key;
                s.fields.push_back(*f);
            }
        }
        out.push_back(std::move(s));
    }
    for (const auto& t : defs["intervention"]["properties"]["type"]["enum"]) {
        const std::string type = t.get<std::string>();
        const ojson& def = defs["intervention." + type];
        FormSection s;
        s.id = "lever." + type;
        s.lever = type;
        s.description = def.value("description", "");
        for (const auto& [key, p] : def["properties"].items()) {
            if (key == "type") continue;
            if (auto f = field_of(key, p)) {
                f->name = s.id + "." + key;
                s.fields.push_back(*f);
            }
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::map<std::string, std::string> field_values(const std::vector<FormSection>& sections, const std::string& yaml) {
    std::map<std::string, std::string> v;
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception&) {
        return v;
    }
    for (const auto& s : sections) {
        if (!s.lever.empty()) continue;
        for (const auto& f : s.fields)
            if (auto n = child(root, f.name); n && n.IsScalar()) v[f.name] = n.Scalar();
    }
    return v;
}

std::string file_key_error(const std::string& yaml) {
    try {
        return find_file_key(YAML::Load(yaml));
    } catch (const YAML::Exception& e) {
        return e.what();
    }
}

Plan build_plan(const std::vector<FormSection>& sections, const PlanInput& input, unsigned threads) {
    Plan plan;
    std::set<std::string> names;
    for (const auto& s : sections)
        for (const auto& f : s.fields) names.insert(f.name);
    YAML::Node root;
    try {
        root = YAML::Load(input.yaml);
    } catch (const YAML::ParserException& e) {
        plan.field_errors["yaml"] = "advanced.yaml:" + std::to_string(e.mark.line + 1) + ":" +
                                    std::to_string(e.mark.column + 1) + ": " + e.msg;
        return plan;
    }
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) {
        plan.field_errors["yaml"] = "advanced.yaml:1:1: expected a mapping of scenario keys (name: ..., horizon: ...)";
        return plan;
    }
    if (const auto bad = find_file_key(root); !bad.empty()) {
        plan.field_errors["yaml"] = bad;
        return plan;
    }
    // The fields, laid over the advanced text; the levers filled in.
    std::vector<std::pair<std::string, YAML::Node>> levers;  // (section id, intervention)
    for (const auto& s : sections) {
        if (s.lever.empty()) {
            for (const auto& f : s.fields) {
                const auto it = input.values.find(f.name);
                if (it != input.values.end()) set_path(root, f.name, trim(it->second));
            }
            continue;
        }
        YAML::Node iv(YAML::NodeType::Map);
        iv["type"] = s.lever;
        bool filled = false;
        for (const auto& f : s.fields) {
            const auto it = input.values.find(f.name);
            const std::string v = it == input.values.end() ? "" : trim(it->second);
            if (v.empty()) continue;
            iv[f.key] = v;
            if (f.key != "at") filled = true;
        }
        if (!filled) continue;
        if (!iv["at"]) iv["at"] = "0d";
        levers.emplace_back(s.id, iv);
    }
    const std::size_t base_count = root["interventions"] && root["interventions"].IsSequence() ? root["interventions"].size() : 0;
    plan.name = root["name"] && root["name"].IsScalar() ? root["name"].Scalar() : "";
    plan.description = root["description"] && root["description"].IsScalar() ? root["description"].Scalar() : "";
    if (!levers.empty()) {
        YAML::Node base = YAML::Clone(root);
        const std::string base_name = plan.name.empty() ? "without_plan" : plan.name + " (without the plan)";
        base["name"] = base_name;
        plan.baseline_yaml = emit(base);
        if (!root["interventions"] || !root["interventions"].IsSequence())
            root["interventions"] = YAML::Node(YAML::NodeType::Sequence);
        YAML::Node list = root["interventions"];
        for (const auto& [id, iv] : levers) list.push_back(iv);
    }
    plan.plan_yaml = emit(root);

    // An error of the loader goes to the field of its key; others to the advanced text.
    // "interventions[N]" or "interventions[N].key...": N and the key.
    auto intervention_key = [](const std::string& key_path, std::size_t& index, std::string& key) {
        const std::string head = "interventions[";
        if (key_path.rfind(head, 0) != 0) return false;
        std::size_t pos = head.size(), n = 0, digits = 0;
        while (pos < key_path.size() && std::isdigit(static_cast<unsigned char>(key_path[pos]))) {
            n = n * 10 + std::size_t(key_path[pos] - '0');
            ++pos;
            if (++digits > 6) return false;
        }
        if (digits == 0 || pos >= key_path.size() || key_path[pos] != ']') return false;
        ++pos;
        if (pos < key_path.size() && key_path[pos] == '.') ++pos;
        std::size_t end = pos;
        while (end < key_path.size() && (std::isalpha(static_cast<unsigned char>(key_path[end])) || key_path[end] == '_'))
            ++end;
        index = n;
        key = key_path.substr(pos, end - pos);
        return true;
    };
    auto place = [&](const std::string& key_path) -> std::string {
        if (names.count(key_path)) return key_path;
        std::size_t i = 0;
        std::string key;
        if (intervention_key(key_path, i, key)) {
            if (i >= base_count && i - base_count < levers.size()) {
                const std::string f = levers[i - base_count].first + "." + key;
                return names.count(f) ? f : levers[i - base_count].first + ".at";
            }
        }
        return "yaml";
    };
    auto check = [&](const std::string& text, const std::string& label) -> std::optional<scenario::Scenario> {
        try {
            return scenario::parse_scenario(text, label, ".");
        } catch (const scenario::ScenarioError& e) {
            const std::string where = place(e.key_path());
            std::string msg = where == "yaml" ? e.what() : e.message();
            if (where != "yaml" && !e.suggestion().empty()) msg += " (" + e.suggestion() + ")";
            plan.field_errors.emplace(where, msg);
        } catch (const std::exception& e) {
            plan.field_errors.emplace("yaml", e.what());
        }
        return std::nullopt;
    };
    auto p = check(plan.plan_yaml, "plan.yaml");
    if (!plan.ok()) return plan;
    if (!plan.baseline_yaml.empty()) {
        auto b = check(plan.baseline_yaml, "baseline.yaml");
        if (!plan.ok()) return plan;
        // A compare runs every scenario with the baseline's seed and replications.
        p->seed = b->seed;
        p->replications = b->replications;
        plan.scenarios.push_back(std::move(*b));
    }
    plan.scenarios.push_back(std::move(*p));
    if (const auto breach = experiment::check_run(plan.scenarios, experiment::resolve_threads(threads))) {
        plan.field_errors.emplace(place(breach->key_path), breach->message);
        plan.scenarios.clear();
    }
    return plan;
}

}  // namespace caseload::serve
