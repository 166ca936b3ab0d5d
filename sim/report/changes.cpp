// What a scenario changes against the baseline, in words: its interventions
// ("+12 FTE from 2027-03-01", "caseload norm 12 from day 0") and the keys of
// its resolved scenario whose values differ from the baseline's ("caseload
// norm 12 (baseline 14)"). Shown on every scenario line of the terminal,
// comparison.md and the report.

#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "caseload/scenario/dates.hpp"
#include "caseload/scenario/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace caseload::report {

namespace {

std::string num(double v, Language lang) {
    std::string s = number(v);
    if (lang == Language::nl)
        for (char& c : s)
            if (c == '.') c = ',';
    return s;
}

// "from day 0", "from 2027-03-01" (with a start date), "from 1.5 years".
std::string from_text(double at_days, const scenario::Scenario& s, Language lang) {
    const bool nl = lang == Language::nl;
    if (s.initial.start_date) return (nl ? "vanaf " : "from ") + scenario::date_after(*s.initial.start_date, at_days);
    if (at_days <= 0) return nl ? "vanaf dag 0" : "from day 0";
    const double years = std::round(at_days / scenario::kDaysPerYear * 100) / 100;
    return (nl ? "vanaf jaar " : "from year ") + num(years, lang);
}

std::string intervention_text(const scenario::InterventionSpec& v, const scenario::Scenario& s, Language lang) {
    namespace iv = scenario::interventions;
    const bool nl = lang == Language::nl;
    std::string what;
    if (const auto* n = v.as<iv::CaseloadNorm>()) {
        what = (nl ? "caseloadnorm " : "caseload norm ") + num(n->norm, lang);
        if (n->share < 1.0) what += (nl ? " voor " : " for ") + num(100.0 * n->share, lang) + (nl ? "% van de plaatsen" : "% of positions");
    } else if (const auto* x = v.as<iv::ExtraWorkers>()) {
        what = "+";
        what += num(x->fte, lang);
        what += nl ? " fte" : " FTE";
    } else if (const auto* sw = v.as<iv::SupportWorkers>()) {
        what = std::to_string(sw->count) + (nl ? " ondersteunende medewerkers" : " support workers");
    } else if (const auto* cc = v.as<iv::CareCoordinators>()) {
        what = std::to_string(cc->count) + (nl ? " zorgcoördinatoren" : " care coordinators");
    } else if (const auto* pr = v.as<iv::PlacementReduction>()) {
        what = (nl ? "uithuisplaatsingen x " : "placements x ") + num(pr->factor, lang);
    } else {
        what = std::string(scenario::intervention_name(v));
        for (char& c : what)
            if (c == '_') c = ' ';
    }
    return what + " " + from_text(v.at_days, s, lang);
}

// The scalar values of a resolved scenario by dotted path ("workforce.caseload_norm").
void flatten(const YAML::Node& n, const std::string& path, std::map<std::string, std::string>& out) {
    if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it)
            flatten(it->second, path.empty() ? it->first.Scalar() : path + "." + it->first.Scalar(), out);
    } else if (n.IsSequence()) {
        for (std::size_t i = 0; i < n.size(); ++i) flatten(n[i], path + "[" + std::to_string(i) + "]", out);
    } else if (n.IsScalar()) {
        out[path] = n.Scalar();
    }
}

std::map<std::string, std::string> flat(const scenario::Scenario& s) {
    std::map<std::string, std::string> out;
    try {
        flatten(YAML::Load(scenario::to_yaml(s)), "", out);
    } catch (const YAML::Exception&) {
        out.clear();  // never happens for a resolved scenario; then only the interventions are listed
    }
    return out;
}

bool skipped(const std::string& key) {
    for (const char* p : {"name", "description", "interventions", "replications", "seed", "extends"})
        if (key == p || key.rfind(std::string(p) + ".", 0) == 0 || key.rfind(std::string(p) + "[", 0) == 0) return true;
    return false;
}

struct KeyWords {
    const char *key, *en, *nl;
};
constexpr KeyWords kKeyWords[] = {
    {"workforce.caseload_norm", "caseload norm", "caseloadnorm"},
    {"workforce.workers", "funded positions", "formatieplaatsen"},
    {"workforce.fte", "FTE per worker", "fte per medewerker"},
    {"workforce.cost_per_fte_year", "cost per FTE a year", "kosten per fte per jaar"},
    {"referrals.rate_per_week", "referrals a week", "aanmeldingen per week"},
    {"waitlist.discipline", "waitlist order", "volgorde van de wachtlijst"},
};

std::string key_words(const std::string& key, Language lang) {
    for (const auto& k : kKeyWords)
        if (key == k.key) return lang == Language::nl ? k.nl : k.en;
    return key;
}

}  // namespace

std::vector<std::string> scenario_changes(const scenario::Scenario& baseline, const scenario::Scenario& s, Language lang) {
    std::vector<std::string> out;
    for (const auto& v : s.interventions) out.push_back(intervention_text(v, s, lang));
    const auto a = flat(baseline), b = flat(s);
    const std::string base_word = lang == Language::nl ? "basisscenario " : "baseline ";
    for (const auto& [key, value] : b) {
        if (skipped(key)) continue;
        const auto it = a.find(key);
        if (it != a.end() && it->second == value) continue;
        std::string line = key_words(key, lang) + " " + value;
        if (it != a.end()) line += " (" + base_word + it->second + ")";
        out.push_back(std::move(line));
    }
    for (const auto& [key, value] : a)
        if (!skipped(key) && !b.count(key))
            out.push_back(key_words(key, lang) + (lang == Language::nl ? " niet gezet (basisscenario " : " not set (baseline ") +
                          value + ")");
    return out;
}

std::string changes_text(const scenario::Scenario& baseline, const scenario::Scenario& s, Language lang) {
    const auto parts = scenario_changes(baseline, s, lang);
    if (parts.empty()) return lang == Language::nl ? "geen wijzigingen" : "no changes";
    std::string o;
    for (std::size_t i = 0; i < parts.size(); ++i) o += (i ? "; " : "") + parts[i];
    return o;
}

}  // namespace caseload::report
