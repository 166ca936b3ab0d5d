#include "pages.hpp"

#include "caseload/report/report.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace caseload::serve {

namespace {

struct Words {
    const char* lang_code;
    const char* other_lang;   // the toggle's target code
    const char* other_label;  // the toggle's text
    const char* app;
    const char* start, *plan, *history;
    const char* start_intro;
    const char* start_from_this;
    const char* with_state;
    const char* no_state;
    const char* states_intro;
    const char* plan_title;
    const char* plan_intro;
    const char* sec_initial, *sec_workforce, *sec_run, *sec_targets, *sec_levers;
    const char* levers_intro;
    const char* advanced;
    const char* advanced_intro;
    const char* yaml_title;
    const char* download_yaml;
    const char* run_button;
    const char* check_button;
    const char* errors_above;
    const char* range;
    const char* queued, *running, *done, *stopped, *failed;
    const char* replications_done;
    const char* time_left;
    const char* cancel;
    const char* continue_run;
    const char* results_title;
    const char* open_report;
    const char* download_zip;
    const char* result_files;
    const char* scenario_files;
    const char* reopen;
    const char* col_run, *col_state, *col_started, *col_replications;
    const char* no_runs;
    const char* busy_full;
    const char* busy_position;
    const char* page_refreshes;
    const char* from_label;
    const char* col_baseline, *col_plan;
    const char* compare_intro;
    const char* compare_button;
};

constexpr Words kEn{
    "en", "nl", "Nederlands", "caseload — what if", "Start", "Plan", "History",
    "Pick a scenario to start from. The next page asks for today's state and your plan; the model, the checks and "
    "the report are those of the command line.",
    "Start from this", "with today's state", "(none: the scenario as it is)",
    "Start states hold an organisation's state today (families waiting, staff, vacancies); laid over a scenario "
    "they make a plan from today.",
    "Your plan", "Fill in today's state and the plan's levers. The YAML the form stands for is shown beside it.",
    "Today's state", "Staff", "The run", "Targets", "The plan's levers",
    "Fill in a lever to add it to the plan; the run then compares the plan with doing nothing more. Empty levers "
    "are not used.",
    "Advanced: every other key (YAML)",
    "The fields above are laid over this text; the levers are added to its interventions.",
    "The scenario file this form stands for", "Download the YAML", "Run the plan", "Check",
    "Please correct the fields marked below.", "range",
    "waiting in the queue", "running", "done", "stopped", "failed",
    "replications done", "left", "Cancel the run", "Continue the run",
    "Results", "Open the report in its own page", "Download the results folder (zip)", "Result files",
    "Scenario files", "Start a new plan from this run",
    "Run", "State", "Started", "Replications",
    "No runs yet.",
    "The server is busy: %zu runs are waiting already, the most it holds. Please try again in a few minutes.",
    "The server is busy: you are number %zu in the queue.",
    "This page refreshes itself.", "Started from",
    "Baseline", "Plan",
    "To compare two finished runs, choose one as the baseline and one as the plan, then press Compare: a new run "
    "compares them, both with the baseline's seed and replications.",
    "Compare",
};

constexpr Words kNl{
    "nl", "en", "English", "caseload — wat als", "Start", "Plan", "Geschiedenis",
    "Kies een scenario om mee te beginnen. De volgende pagina vraagt naar de toestand van vandaag en uw plan; het "
    "model, de controles en het rapport zijn die van de opdrachtregel.",
    "Hiermee beginnen", "met de toestand van vandaag", "(geen: het scenario zoals het is)",
    "Een starttoestand beschrijft een organisatie vandaag (wachtende gezinnen, personeel, vacatures); over een "
    "scenario gelegd maakt die een plan vanaf vandaag.",
    "Uw plan", "Vul de toestand van vandaag en de knoppen van het plan in. De YAML waar het formulier voor staat, "
    "staat ernaast.",
    "Toestand vandaag", "Personeel", "De run", "Doelen", "De knoppen van het plan",
    "Vul een knop in om die aan het plan toe te voegen; de run vergelijkt het plan dan met niets extra doen. Lege "
    "knoppen worden niet gebruikt.",
    "Gevorderd: alle andere sleutels (YAML)",
    "De velden hierboven worden over deze tekst gelegd; de knoppen komen bij de interventies.",
    "Het scenariobestand waar dit formulier voor staat", "YAML downloaden", "Plan doorrekenen", "Controleren",
    "Verbeter de gemarkeerde velden hieronder.", "bereik",
    "wacht in de rij", "bezig", "klaar", "gestopt", "mislukt",
    "replicaties klaar", "te gaan", "Run afbreken", "Run voortzetten",
    "Resultaten", "Het rapport op een eigen pagina openen", "De resultatenmap downloaden (zip)", "Resultaatbestanden",
    "Scenariobestanden", "Een nieuw plan beginnen vanuit deze run",
    "Run", "Toestand", "Gestart", "Replicaties",
    "Nog geen runs.",
    "De server is bezet: er wachten al %zu runs, het maximum. Probeer het over een paar minuten opnieuw.",
    "De server is bezet: u bent nummer %zu in de rij.",
    "Deze pagina ververst zichzelf.", "Begonnen vanuit",
    "Basis", "Plan",
    "Om twee afgeronde runs te vergelijken, kiest u er één als basis en één als plan en drukt u op Vergelijk: een "
    "nieuwe run vergelijkt ze, allebei met de seed en replicaties van de basis.",
    "Vergelijk",
};

const Words& words(Lang l) { return l == Lang::nl ? kNl : kEn; }

// Dutch labels for the fields people fill in most; other keys show their name.
const std::map<std::string, std::pair<const char*, const char*>> kLabels = {
    {"initial.waiting", {"Families waiting", "Wachtende gezinnen"}},
    {"initial.in_care", {"Families in care", "Gezinnen in zorg"}},
    {"initial.vacancies", {"Vacancies", "Vacatures"}},
    {"initial.sick", {"On sick leave", "Ziek"}},
    {"initial.ramping", {"Recently hired (ramping up)", "Recent aangenomen (inwerkend)"}},
    {"initial.start_date", {"Start date (today)", "Startdatum (vandaag)"}},
    {"workforce.workers", {"Staff in post (funded positions)", "Personeel (formatieplaatsen)"}},
    {"workforce.caseload_norm", {"Caseload norm", "Caseloadnorm"}},
    {"horizon", {"Horizon", "Horizon"}},
    {"replications", {"Replications", "Replicaties"}},
    {"name", {"Name of the plan", "Naam van het plan"}},
    {"description", {"Description", "Omschrijving"}},
    {"lever.extra_workers.fte", {"Extra FTE", "Extra fte"}},
    {"lever.caseload_norm.norm", {"New caseload norm", "Nieuwe caseloadnorm"}},
};

std::string label(const Field& f, Lang l) {
    const auto it = kLabels.find(f.name);
    if (it != kLabels.end()) return l == Lang::nl ? it->second.second : it->second.first;
    if (f.key == "at") return l == Lang::nl ? "vanaf (0d, 3m of een datum)" : "from (0d, 3m or a date)";
    return f.key;
}

std::string fmt(const char* pattern, std::size_t n) {
    char buf[256];
    std::snprintf(buf, sizeof buf, pattern, n);
    return buf;
}

std::string number(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
}

std::string date_text(std::int64_t t) {
    if (t <= 0) return "";
    const std::time_t tt = std::time_t(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

std::string layout(const std::string& title, const std::string& body, Lang lang, const std::string& here,
                   bool refresh = false) {
    const Words& w = words(lang);
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"" << w.lang_code << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    if (refresh) o << "<meta http-equiv=\"refresh\" content=\"2\">\n";
    o << "<title>" << esc(title) << " — " << w.app << "</title>\n"
      << "<link rel=\"stylesheet\" href=\"/static/style.css\">\n<script src=\"/static/app.js\" defer></script>\n"
      << "</head>\n<body>\n<header class=\"top\"><span class=\"app\">" << w.app << "</span>\n<nav>"
      << "<a href=\"/?lang=" << w.lang_code << "\">" << w.start << "</a>"
      << "<a href=\"/history?lang=" << w.lang_code << "\">" << w.history << "</a>"
      << "<a class=\"lang\" id=\"lang-toggle\" href=\"" << esc(here) << (here.find('?') == std::string::npos ? "?" : "&")
      << "lang=" << w.other_lang << "\">" << w.other_label << "</a></nav></header>\n<main>\n"
      << body << "</main>\n</body>\n</html>\n";
    return o.str();
}

const char* state_word(JobState s, const Words& w) {
    switch (s) {
        case JobState::queued: return w.queued;
        case JobState::running: return w.running;
        case JobState::done: return w.done;
        case JobState::stopped: return w.stopped;
        case JobState::failed: return w.failed;
    }
    return w.failed;
}

std::string duration_words(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    if (s < 60) return std::to_string(s) + " s";
    if (s < 3600) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
    return std::to_string(s / 3600) + " h " + std::to_string((s % 3600) / 60) + " min";
}

void field_html(std::ostringstream& o, const Field& f, const PlanView& v, Lang lang) {
    const Words& w = words(lang);
    const std::string id = "f-" + f.name;
    const auto val = v.values.find(f.name);
    const auto err = v.errors.find(f.name);
    o << "<div class=\"field" << (err != v.errors.end() ? " invalid" : "") << "\">\n<label for=\"" << esc(id)
      << "\">" << esc(label(f, lang)) << " <code>" << esc(f.key) << "</code></label>\n";
    if (f.kind == "choice") {
        o << "<select id=\"" << esc(id) << "\" name=\"" << esc(f.name) << "\"><option value=\"\"></option>";
        for (const auto& c : f.choices)
            o << "<option" << (val != v.values.end() && val->second == c ? " selected" : "") << ">" << esc(c)
              << "</option>";
        o << "</select>\n";
    } else {
        o << "<input type=\"text\" id=\"" << esc(id) << "\" name=\"" << esc(f.name) << "\" value=\""
          << esc(val == v.values.end() ? "" : val->second) << "\""
          << (f.kind == "integer" || f.kind == "number" ? " inputmode=\"decimal\"" : "")
          << " aria-describedby=\"" << esc("help-" + f.name) << " " << esc("err-" + f.name) << "\">\n";
    }
    o << "<small class=\"help\" id=\"" << esc("help-" + f.name) << "\">" << esc(f.description);
    if (f.min || f.max)
        o << " (" << w.range << " " << (f.min ? number(*f.min) : "") << "–" << (f.max ? number(*f.max) : "") << ")";
    o << "</small>\n<span class=\"field-error\" role=\"alert\" id=\"" << esc("err-" + f.name) << "\">"
      << (err != v.errors.end() ? esc(err->second) : "") << "</span>\n</div>\n";
}

}  // namespace

std::string esc(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t' && c != '\r') || u == 0x7f) clean += "\xEF\xBF\xBD";  // U+FFFD
        else clean += c;
    }
    return report::html_escape(clean);
}

const char* state_text(JobState s, Lang lang) { return state_word(s, words(lang)); }

std::string busy_message(std::size_t waiting, Lang lang) { return fmt(words(lang).busy_full, waiting); }
std::string queue_message(std::size_t position, Lang lang) { return fmt(words(lang).busy_position, position); }

std::string start_page(const std::vector<LibraryEntry>& scenarios, const std::vector<LibraryEntry>& states,
                       Lang lang) {
    const Words& w = words(lang);
    std::ostringstream o;
    o << "<h1>" << w.start << "</h1>\n<p class=\"intro\">" << w.start_intro << "</p>\n";
    if (!states.empty()) o << "<p class=\"note\">" << w.states_intro << "</p>\n";
    o << "<ul class=\"library\">\n";
    for (const auto& s : scenarios) {
        o << "<li class=\"card\"><form method=\"get\" action=\"/plan\">\n<h2>" << esc(s.name) << "</h2>\n<p>"
          << esc(s.description) << "</p>\n<p class=\"file\"><code>" << esc(s.file) << "</code></p>\n"
          << "<input type=\"hidden\" name=\"from\" value=\"" << esc(s.file) << "\">\n"
          << "<input type=\"hidden\" name=\"lang\" value=\"" << w.lang_code << "\">\n";
        if (!states.empty()) {
            o << "<label>" << w.with_state << " <select name=\"state\"><option value=\"\">" << w.no_state
              << "</option>";
            for (const auto& st : states)
                o << "<option value=\"" << esc(st.file) << "\">" << esc(st.file) << "</option>";
            o << "</select></label>\n";
        }
        o << "<button type=\"submit\">" << w.start_from_this << "</button>\n</form></li>\n";
    }
    o << "</ul>\n";
    return layout(w.start, o.str(), lang, "/");
}

std::string plan_page(const std::vector<FormSection>& sections, const PlanView& v, Lang lang) {
    const Words& w = words(lang);
    std::ostringstream o;
    o << "<h1>" << w.plan_title << "</h1>\n<p class=\"intro\">" << w.plan_intro << "</p>\n";
    if (!v.from.empty()) o << "<p class=\"note\">" << w.from_label << ": <code>" << esc(v.from) << "</code></p>\n";
    o << "<form id=\"plan\" method=\"post\" action=\"/runs\" novalidate>\n"
      << "<input type=\"hidden\" name=\"lang\" value=\"" << w.lang_code << "\">\n"
      << "<input type=\"hidden\" name=\"from\" value=\"" << esc(v.from) << "\">\n"
      << "<p class=\"summary-error\" id=\"summary-error\" role=\"alert\"" << (v.errors.empty() ? " hidden" : "")
      << ">" << w.errors_above << "</p>\n<div class=\"columns\">\n<div class=\"form-col\">\n";
    bool levers_open = false;
    for (const auto& s : sections) {
        if (!s.lever.empty() && !levers_open) {
            o << "<h2>" << w.sec_levers << "</h2>\n<p class=\"note\">" << w.levers_intro << "</p>\n";
            levers_open = true;
        }
        if (s.lever.empty()) {
            const char* title = s.id == "initial"     ? w.sec_initial
                                : s.id == "workforce" ? w.sec_workforce
                                : s.id == "targets"   ? w.sec_targets
                                                      : w.sec_run;
            o << "<fieldset id=\"" << esc("sec-" + s.id) << "\"><legend>" << title << "</legend>\n";
            for (const auto& f : s.fields) field_html(o, f, v, lang);
            o << "</fieldset>\n";
            continue;
        }
        bool filled = false;
        for (const auto& f : s.fields)
            if (auto it = v.values.find(f.name); it != v.values.end() && !it->second.empty()) filled = true;
        for (const auto& f : s.fields)
            if (v.errors.count(f.name)) filled = true;
        const bool open = filled || s.lever == "extra_workers" || s.lever == "caseload_norm";
        o << "<details class=\"lever\" id=\"" << esc("sec-" + s.id) << "\"" << (open ? " open" : "")
          << "><summary><code>" << esc(s.lever) << "</code> — " << esc(s.description) << "</summary>\n";
        for (const auto& f : s.fields) field_html(o, f, v, lang);
        o << "</details>\n";
    }
    const auto yerr = v.errors.find("yaml");
    o << "<details class=\"advanced\"" << (yerr != v.errors.end() ? " open" : "") << "><summary>" << w.advanced
      << "</summary>\n<p class=\"note\">" << w.advanced_intro << "</p>\n"
      << "<textarea id=\"f-yaml\" name=\"yaml\" rows=\"18\" spellcheck=\"false\" aria-describedby=\"err-yaml\">"
      << esc(v.yaml) << "</textarea>\n<span class=\"field-error\" role=\"alert\" id=\"err-yaml\">"
      << (yerr != v.errors.end() ? esc(yerr->second) : "") << "</span>\n</details>\n"
      << "<p class=\"actions\"><button type=\"submit\" id=\"run\">" << w.run_button << "</button> "
      << "<button type=\"submit\" formaction=\"/plan/yaml\" id=\"download-yaml\">" << w.download_yaml
      << "</button></p>\n</div>\n<aside class=\"yaml-col\"><h2>" << w.yaml_title
      << "</h2>\n<pre id=\"preview\">" << esc(v.preview) << "</pre></aside>\n</div>\n</form>\n";
    return layout(w.plan_title, o.str(), lang, "/plan");
}

std::string run_page(const Job& j, std::size_t position, const std::vector<std::string>& result_files, Lang lang) {
    const Words& w = words(lang);
    const std::string base = "/runs/" + j.id;
    const std::string title = j.title.empty() ? j.id : j.title;
    std::ostringstream o;
    o << "<h1>" << esc(title) << "</h1>\n";
    if (!j.description.empty()) o << "<p class=\"intro\">" << esc(j.description) << "</p>\n";
    o << "<p class=\"state state-" << state_name(j.state) << "\" id=\"state\" data-state=\"" << state_name(j.state)
      << "\">" << state_word(j.state, w) << "</p>\n";
    const bool live = j.state == JobState::queued || j.state == JobState::running;
    if (j.state == JobState::queued && position > 0)
        o << "<p class=\"busy\" id=\"position\">" << esc(queue_message(position, lang)) << "</p>\n";
    if (j.state != JobState::done) {
        o << "<p><progress id=\"progress\" max=\"" << j.total << "\" value=\"" << j.done << "\"></progress> <span id=\"done\">"
          << j.done << " / " << j.total << " " << w.replications_done << "</span>";
        if (j.state == JobState::running && j.rate > 0 && j.done < j.total)
            o << ", <span id=\"left\">" << duration_words(double(j.total - j.done) / j.rate) << " " << w.time_left
              << "</span>";
        o << "</p>\n";
    }
    if (!j.message.empty()) o << "<p class=\"message\" id=\"message\">" << esc(j.message) << "</p>\n";
    if (live)
        o << "<form method=\"post\" action=\"" << base << "/cancel?lang=" << w.lang_code
          << "\"><button type=\"submit\" id=\"cancel\">" << w.cancel << "</button></form>\n<p class=\"note\">"
          << w.page_refreshes << "</p>\n";
    if (j.state == JobState::stopped)
        o << "<form method=\"post\" action=\"" << base << "/continue?lang=" << w.lang_code
          << "\"><button type=\"submit\" id=\"continue\">" << w.continue_run << "</button></form>\n";
    if (j.state == JobState::done) {
        o << "<h2>" << w.results_title << "</h2>\n<ul class=\"downloads\">\n<li><a id=\"report-link\" href=\"" << base
          << "/report?lang=" << w.lang_code << "\">" << w.open_report << "</a></li>\n<li><a id=\"zip\" href=\"" << base
          << "/results.zip\">" << w.download_zip << "</a></li>\n</ul>\n<details><summary>" << w.result_files
          << "</summary><ul class=\"files\">\n";
        for (const auto& f : result_files)
            o << "<li><a href=\"" << base << "/files/" << esc(f) << "\">" << esc(f) << "</a></li>\n";
        o << "</ul></details>\n";
    }
    o << "<h2>" << w.scenario_files << "</h2>\n<ul class=\"files\">\n";
    for (const auto& f : j.files)
        o << "<li><a href=\"" << base << "/scenario/" << esc(f) << "\">" << esc(f) << "</a></li>\n";
    o << "</ul>\n<p><a href=\"/plan?job=" << esc(j.id) << "&amp;lang=" << w.lang_code << "\">" << w.reopen
      << "</a></p>\n";
    if (j.state == JobState::done)
        o << "<iframe id=\"report\" title=\"report\" src=\"" << base << "/report?lang=" << w.lang_code
          << "\"></iframe>\n";
    return layout(title, o.str(), lang, base, live);
}

std::string history_page(const std::vector<Job>& jobs, Lang lang) {
    const Words& w = words(lang);
    std::ostringstream o;
    o << "<h1>" << w.history << "</h1>\n";
    if (jobs.empty()) o << "<p>" << w.no_runs << "</p>\n";
    else {
        // Finished runs can be compared: a baseline and a plan are chosen in two columns of radio buttons.
        std::size_t finished = 0;
        for (const auto& j : jobs) finished += j.state == JobState::done;
        const bool compare = finished >= 2;
        if (compare)
            o << "<form method=\"post\" action=\"/compare\" id=\"compare-form\">\n"
              << "<input type=\"hidden\" name=\"lang\" value=\"" << w.lang_code << "\">\n<p class=\"note\">"
              << w.compare_intro << "</p>\n";
        o << "<table class=\"history\"><thead><tr><th>" << w.col_run << "</th><th>" << w.col_state << "</th><th>"
          << w.col_started << "</th><th>" << w.col_replications << "</th>";
        if (compare) o << "<th>" << w.col_baseline << "</th><th>" << w.col_plan << "</th>";
        o << "</tr></thead><tbody>\n";
        for (const auto& j : jobs) {
            const std::string title = j.title.empty() ? j.id : j.title;
            o << "<tr><td><a href=\"/runs/" << esc(j.id) << "?lang=" << w.lang_code << "\">" << esc(title)
              << "</a><br><small>" << esc(j.description) << "</small></td><td data-label=\"" << w.col_state << "\">"
              << state_word(j.state, w) << "</td><td data-label=\"" << w.col_started << "\">" << date_text(j.created)
              << "</td><td data-label=\"" << w.col_replications << "\">" << j.done << " / " << j.total << "</td>";
            if (compare) {
                for (const auto& [role, head] : {std::pair{"baseline", w.col_baseline}, std::pair{"plan", w.col_plan}}) {
                    o << "<td class=\"pick\" data-label=\"" << head << "\">";
                    if (j.state == JobState::done)
                        o << "<input type=\"radio\" name=\"" << role << "\" value=\"" << esc(j.id) << "\" id=\""
                          << role << "-" << esc(j.id) << "\" aria-label=\"" << head << ": " << esc(title) << "\">";
                    o << "</td>";
                }
            }
            o << "</tr>\n";
        }
        o << "</tbody></table>\n";
        if (compare)
            o << "<p class=\"actions\"><button type=\"submit\" id=\"compare\">" << w.compare_button
              << "</button></p>\n</form>\n";
    }
    return layout(w.history, o.str(), lang, "/history");
}

std::string message_page(const std::string& title, const std::string& message, Lang lang) {
    return layout(title, "<h1>" + esc(title) + "</h1>\n<p class=\"message\" id=\"message\">" + esc(message) + "</p>\n",
                  lang, "/");
}

const char* stylesheet() {
    return R"css(:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: #111; background: #fff; margin: 0; line-height: 1.45; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1.25rem; background: #1f3a5f; color: #fff; }
header.top .app { font-weight: bold; }
header.top nav { display: flex; gap: 1rem; flex-wrap: wrap; }
header.top a { color: #fff; }
header.top a.lang { margin-left: auto; }
main { max-width: 80rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.2rem; margin: 1.4rem 0 .5rem; }
.intro { font-size: 1.05rem; color: #333; }
.note { color: #555; font-size: .92rem; }
ul.library { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1rem; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .8rem 1rem; }
.card h2 { margin-top: 0; font-size: 1.1rem; word-break: break-word; }
.card label { display: block; margin: .4rem 0; font-size: .9rem; }
.card select { max-width: 100%; }
button { font: inherit; padding: .45rem .9rem; border-radius: 5px; border: 1px solid #1f3a5f; background: #1f3a5f; color: #fff; cursor: pointer; }
button[formaction] { background: #fff; color: #1f3a5f; }
.columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; align-items: start; }
@media (max-width: 900px) { .columns { grid-template-columns: minmax(0, 1fr); } }
fieldset, details.lever, details.advanced { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .9rem; margin: 0 0 1rem; }
legend { font-weight: bold; padding: 0 .3rem; }
details summary { cursor: pointer; }
.field { display: grid; grid-template-columns: minmax(0, 14rem) minmax(0, 1fr); gap: .1rem .8rem; margin: .5rem 0; }
.field label { grid-column: 1; font-weight: 600; word-break: break-word; }
.field input, .field select { grid-column: 2; font: inherit; padding: .3rem .4rem; border: 1px solid #8c959f; border-radius: 4px; width: 100%; }
.field .help { grid-column: 2; color: #555; font-size: .82rem; }
.field .field-error { grid-column: 2; }
@media (max-width: 600px) { .field { grid-template-columns: minmax(0, 1fr); } .field label, .field input, .field select, .field .help, .field .field-error { grid-column: 1; } }
.field-error { color: #b00020; font-weight: 600; font-size: .9rem; white-space: pre-wrap; word-break: break-word; }
.field-error:empty { display: none; }
.field.invalid input, .field.invalid select { border: 2px solid #b00020; background: #fff5f5; }
.summary-error { color: #b00020; font-weight: bold; }
textarea { width: 100%; font-family: monospace; font-size: .85rem; }
.yaml-col { position: sticky; top: 0; }
pre#preview { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem; max-height: 80vh; overflow: auto; font-size: .8rem; white-space: pre-wrap; word-break: break-word; }
.state { font-weight: bold; font-size: 1.1rem; }
.state-failed, .message { color: #b00020; }
.state-done { color: #0a6b2b; }
.busy { background: #fff8e1; border: 1px solid #e0c060; padding: .5rem .8rem; border-radius: 6px; }
progress { width: min(30rem, 100%); height: 1.2rem; }
iframe#report { width: 100%; height: 80vh; border: 1px solid #d0d7de; border-radius: 6px; }
table.history { border-collapse: collapse; width: 100%; }
table.history th, table.history td { border-bottom: 1px solid #e5e7eb; padding: .4rem .5rem; text-align: left; vertical-align: top; word-break: break-word; }
table.history td.pick { text-align: center; }
td.pick input { width: 1.2rem; height: 1.2rem; margin: 0; }
@media (max-width: 600px) { table.history thead { display: none; } table.history, table.history tbody, table.history tr, table.history td { display: block; } table.history tr { border-bottom: 1px solid #d0d7de; padding: .4rem 0; } table.history td { border: 0; padding: .15rem .25rem; } table.history td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; } table.history td.pick { text-align: left; display: inline-block; margin-right: 1.5rem; } table.history td.pick:empty { display: none; } td.pick input { vertical-align: middle; } }
)css";
}

const char* script() {
    return R"js(// The plan page: check the form as it is filled in (the server's loader
// answers), show the YAML it stands for and each error next to its field.
(function () {
  var form = document.getElementById('plan');
  if (!form) return;
  var timer = null;
  function show(result) {
    document.getElementById('preview').textContent = result.yaml || '';
    var spans = form.querySelectorAll('.field-error');
    for (var i = 0; i < spans.length; i++) {
      spans[i].textContent = '';
      var f = spans[i].closest('.field');
      if (f) f.classList.remove('invalid');
    }
    var any = false;
    Object.keys(result.errors || {}).forEach(function (name) {
      var span = document.getElementById('err-' + name) || document.getElementById('err-yaml');
      span.textContent = result.errors[name];
      var f = span.closest('.field');
      if (f) f.classList.add('invalid');
      var d = span.closest('details');
      if (d) d.open = true;
      any = true;
    });
    document.getElementById('summary-error').hidden = !any;
  }
  function check() {
    var body = new URLSearchParams(new FormData(form));
    fetch('/plan/check', {method: 'POST', body: body, credentials: 'same-origin'})
      .then(function (r) { return r.json(); }).then(show).catch(function () {});
  }
  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  form.addEventListener('change', check);
})();
)js";
}

}  // namespace caseload::serve
