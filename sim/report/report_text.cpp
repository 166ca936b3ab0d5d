#include "report/report_text.hpp"

#include "caseload/model/metrics.hpp"
#include "caseload/report/output.hpp"
#include "caseload/scenario/scenario.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace caseload::report::detail {

namespace {

constexpr Words kEnglish{
    "en",
    "Caseload report: scenarios compared",
    "Caseload report",
    "In short",
    "What was compared",
    "Key figures",
    "Warnings",
    "Charts",
    "How to read this",
    "scenario",
    "description",
    "file",
    "staff",
    "horizon",
    "warm-up",
    "replications",
    "seed",
    "measure",
    "difference [95% interval]",
    "verdict",
    "mean [95% interval]",
    "spread of replications (10–90%)",
    "(baseline)",
    "All scenarios ran with the same seed and number of replications. Replication r of every scenario sees the "
    "same referrals and case lengths (common random numbers), so differences are measured pair by pair.",
    "One scenario, run several times with different chance events (replications).",
    "No warnings: every scenario settled, the warm-up looks long enough and few waits were still open at the end.",
    "years since the start",
    "weeks after referral",
    "warm-up (not counted)",
    "Line: average over replications. Band: the middle 80% of replications (10th to 90th percentile).",
    "mean [95% interval]",
    "Time to help: share of families helped within a number of weeks",
    "Of the families referred after the warm-up, the share that had a case worker within the number of weeks on the "
    "axis. Families still waiting at the end count as not helped. A curve that rises sooner is better.",
    "helped",
    "Made with caseload-sim",
    "Rebuild this report from the results folder with: caseload report DIR --lang en|nl",
    "UNSTABLE",
    {"Each figure is the average over the replications: runs of the same scenario with different chance (who is "
     "referred when, how long a case lasts). The range in brackets is the 95% interval: the true average lies in it "
     "with 95% confidence.",
     "The difference is the scenario minus the baseline. Every replication of a scenario sees the same referrals and "
     "case lengths as the same replication of the baseline, so the difference is measured pair by pair and is more "
     "precise than the two figures on their own.",
     "Every measure has a minimum relevant difference (see the README; a compare file may change it with "
     "'relevant:'). Better or worse (in colour) means the whole interval of the difference lies beyond it, taking "
     "into account whether lower or higher is better. Negligible means the whole interval lies within it: the "
     "difference is too small to matter. Unclear means neither: these runs cannot decide. Measures such as "
     "referrals, closures and caseload per FTE are not rated: more or fewer is not better in itself; an unstable "
     "scenario gets no verdict on cost and staffing.",
     "In the charts the line is the average over replications and the shaded band holds the middle 80% of them "
     "(from the 10th to the 90th percentile).",
     "Time to help runs from referral to the first case worker. Families still waiting at the end count with their "
     "wait so far, so when many are still waiting, the waiting times shown are lower bounds.",
     "Unstable means the waitlist keeps growing and does not settle: its figures depend on how long the simulation "
     "runs and would be higher in a longer run. Read them as a sign of the problem, not as a level to expect.",
     "This is a model: it shows what follows from the assumptions in the scenario files, not a forecast. Compare "
     "scenarios with each other rather than reading single figures as facts."},
    "Average over replications, with the 10–90% spread of replications in brackets.",
    "year",
    "week",
    "The plan year by year",
    "Each plan against the baseline from the same start state: families waiting and the average time to help after "
    "1, 2 and 5 years, then the whole plan. Mean over replications with its 95% interval; the verdict says whether "
    "the difference is clear.",
    "when",
    "Over the whole plan",
    "date",
    "date",
    "The runs start from the organisation's state on the start date in the scenario file: the families waiting and "
    "how long they have waited, the families in care, the staff in post, vacancies, sick leave and recent hires. "
    "There is no warm-up: every year from the start date counts.",
    "The grey area at the start is the warm-up: the simulation starts with nobody waiting and every caseload "
    "already filled to a share of its cap (initial.caseload, 90% in the shipped baseline), not with empty caseloads; "
    "the figures leave those years out until it has settled.",
    "The simulation starts with nobody waiting and every caseload already filled to a share of its cap "
    "(initial.caseload, 90% in the shipped baseline), not with empty caseloads, and has no warm-up: the figures "
    "count from the very start.",
};

constexpr Words kDutch{
    "nl",
    "Caseloadrapport: scenario's vergeleken",
    "Caseloadrapport",
    "In het kort",
    "Wat is vergeleken",
    "Kerncijfers",
    "Waarschuwingen",
    "Grafieken",
    "Zo leest u dit rapport",
    "scenario",
    "beschrijving",
    "bestand",
    "personeel",
    "looptijd",
    "inloopperiode",
    "herhalingen",
    "startwaarde (seed)",
    "maatstaf",
    "verschil [95%-interval]",
    "oordeel",
    "gemiddelde [95%-interval]",
    "spreiding over herhalingen (10–90%)",
    "(basisscenario)",
    "Alle scenario's liepen met dezelfde startwaarde en hetzelfde aantal herhalingen. Herhaling r van elk scenario "
    "krijgt dezelfde aanmeldingen en zaakduren (gemeenschappelijke toevalsgetallen), zodat verschillen paarsgewijs "
    "worden gemeten.",
    "Eén scenario, meermaals doorgerekend met een andere loop van het toeval (herhalingen).",
    "Geen waarschuwingen: elk scenario kwam tot rust, de inloopperiode lijkt lang genoeg en aan het eind liepen nog "
    "weinig wachttijden.",
    "jaren sinds de start",
    "weken na aanmelding",
    "inloopperiode (telt niet mee)",
    "Lijn: gemiddelde over de herhalingen. Band: de middelste 80% van de herhalingen (10e tot 90e percentiel).",
    "gemiddelde [95%-interval]",
    "Tijd tot hulp: aandeel gezinnen dat binnen een aantal weken geholpen is",
    "Van de gezinnen die na de inloopperiode zijn aangemeld, het aandeel dat binnen het aantal weken op de as een "
    "jeugdbeschermer had. Gezinnen die aan het eind nog wachten, tellen als niet geholpen. Een lijn die eerder "
    "stijgt, is beter.",
    "geholpen",
    "Gemaakt met caseload-sim",
    "Maak dit rapport opnieuw uit de resultatenmap met: caseload report MAP --lang en|nl",
    "INSTABIEL",
    {"Elk cijfer is het gemiddelde over de herhalingen: simulaties van hetzelfde scenario met steeds een andere loop "
     "van het toeval (wie wanneer wordt aangemeld, hoe lang een zaak duurt). Tussen haken staat het "
     "95%-betrouwbaarheidsinterval: het werkelijke gemiddelde ligt met 95% zekerheid in dat bereik.",
     "Het verschil is het scenario min het basisscenario. Elke herhaling van een scenario krijgt dezelfde "
     "aanmeldingen en zaakduren als dezelfde herhaling van het basisscenario. Zo wordt het verschil paarsgewijs "
     "gemeten en is het nauwkeuriger dan de twee cijfers los.",
     "Elke maatstaf heeft een kleinste relevant verschil (zie de README; een vergelijkingsbestand kan het "
     "aanpassen met 'relevant:'). Beter of slechter (in kleur) betekent dat het hele interval van het verschil "
     "voorbij dat verschil ligt, rekening houdend met of lager of hoger beter is. Verwaarloosbaar betekent dat het "
     "hele interval erbinnen ligt: het verschil is te klein om ertoe te doen. Onduidelijk betekent geen van beide: "
     "deze simulaties kunnen het niet beslissen. Maatstaven zoals aanmeldingen, afsluitingen en caseload per fte "
     "krijgen geen oordeel: meer of minder is op zich niet beter; een instabiel scenario krijgt geen oordeel over "
     "kosten en bezetting.",
     "In de grafieken is de lijn het gemiddelde over de herhalingen en omvat de gekleurde band de middelste 80% "
     "ervan (van het 10e tot het 90e percentiel).",
     "Tijd tot hulp loopt van de aanmelding tot de eerste jeugdbeschermer. Gezinnen die aan het eind nog wachten, "
     "tellen mee met hun wachttijd tot dan; als veel gezinnen nog wachten, zijn de getoonde wachttijden dus "
     "ondergrenzen.",
     "Instabiel betekent dat de wachtlijst blijft groeien en niet tot rust komt: de cijfers hangen af van hoe lang "
     "de simulatie loopt en zouden bij een langere looptijd hoger zijn. Lees ze als teken van het probleem, niet als "
     "een niveau om te verwachten.",
     "Dit is een model: het laat zien wat volgt uit de aannames in de scenariobestanden, het is geen voorspelling. "
     "Vergelijk scenario's met elkaar in plaats van losse cijfers als feiten te lezen."},
    "Gemiddelde over de herhalingen, met tussen haken de spreiding van 10% tot 90% van de herhalingen.",
    "jaar",
    "week",
    "Het plan jaar na jaar",
    "Elk plan naast het basisscenario, vanuit dezelfde begintoestand: wachtende gezinnen en de gemiddelde tijd tot "
    "hulp na 1, 2 en 5 jaar, daarna het hele plan. Gemiddelde over de herhalingen met het 95%-interval; het oordeel "
    "zegt of het verschil duidelijk is.",
    "wanneer",
    "Over het hele plan",
    "datum",
    "datum",
    "De simulaties beginnen bij de toestand van de organisatie op de startdatum uit het scenariobestand: de "
    "wachtende gezinnen en hoe lang ze al wachten, de gezinnen in zorg, de bezetting, vacatures, ziekteverzuim en "
    "nieuwe medewerkers die nog inwerken. Er is geen inloopperiode: elk jaar vanaf de startdatum telt mee.",
    "Het grijze deel aan het begin is de inloopperiode: de simulatie begint zonder wachtenden en met elke caseload "
    "al voor een deel gevuld (initial.caseload, 90% in het meegeleverde basisscenario), niet met lege caseloads; "
    "die jaren tellen niet mee in de cijfers totdat het model tot rust is gekomen.",
    "De simulatie begint zonder wachtenden en met elke caseload al voor een deel gevuld (initial.caseload, 90% in "
    "het meegeleverde basisscenario), niet met lege caseloads, en heeft geen inloopperiode: de cijfers tellen vanaf "
    "het allereerste begin.",
};

struct Label {
    std::string_view key, en, nl;
};

// Names of the metrics of model/metrics.hpp in words. A metric missing here
// is shown by its description (English) or name.
constexpr std::array kMetricLabels{
    Label{"waitlist_mean", "Waitlist, average", "Wachtlijst, gemiddeld"},
    Label{"waitlist_end", "Waitlist at the end", "Wachtlijst aan het eind"},
    Label{"waitlist_max", "Waitlist, highest", "Wachtlijst, hoogste stand"},
    Label{"waitlist_growth_per_year", "Waitlist growth per year", "Groei van de wachtlijst per jaar"},
    Label{"time_to_help_mean_days", "Time to help, average", "Tijd tot hulp, gemiddeld"},
    Label{"time_to_help_p50_days", "Time to help, median", "Tijd tot hulp, mediaan"},
    Label{"time_to_help_p90_days", "Time to help, 90th percentile", "Tijd tot hulp, 90e percentiel"},
    Label{"time_to_help_urgent_mean_days", "Time to help, urgent families", "Tijd tot hulp, spoedzaken"},
    Label{"waited_share", "Families who had to wait", "Gezinnen die moesten wachten"},
    Label{"helped_within_4w_share", "Helped within 4 weeks", "Binnen 4 weken geholpen"},
    Label{"still_waiting_end", "Still waiting at the end", "Aan het eind nog wachtend"},
    Label{"time_to_help_censored_share", "Waits still open at the end", "Wachttijden die aan het eind nog liepen"},
    Label{"load_per_fte_mean", "Caseload per FTE", "Caseload per fte"},
    Label{"referrals_per_year", "Referrals per year", "Aanmeldingen per jaar"},
    Label{"closures_per_year", "Cases closed per year", "Afgesloten zaken per jaar"},
    Label{"case_length_mean_days", "Case length, average", "Duur van een zaak, gemiddeld"},
    Label{"worker_changes_per_case", "Changes of case worker per case", "Wisselingen van jeugdbeschermer per zaak"},
    Label{"days_without_worker_mean", "Days without a case worker per case",
          "Dagen zonder vaste jeugdbeschermer per zaak"},
    Label{"time_to_care_mean_days", "Time to specialist care, average", "Tijd tot specialistische zorg, gemiddeld"},
    Label{"repeat_referral_rate", "Cases referred again", "Zaken die opnieuw worden aangemeld"},
    Label{"placed_share", "Placed out of home", "Uithuisgeplaatst"},
    Label{"escalations_per_year", "Escalated to urgent per year", "Opgeschaald naar spoed per jaar"},
    Label{"fte_in_post_mean", "Staff in post, average", "Bezetting, gemiddeld"},
    Label{"capacity_mean", "Places available, average", "Beschikbare plekken, gemiddeld"},
    Label{"vacancies_mean", "Vacancies, average", "Vacatures, gemiddeld"},
    Label{"turnover_per_year", "Staff turnover per year", "Personeelsverloop per jaar"},
    Label{"departures_per_year", "Staff leaving per year", "Vertrekkende medewerkers per jaar"},
    Label{"absenteeism_share", "Absenteeism", "Ziekteverzuim"},
    Label{"staff_cost_per_year", "Staff cost per year", "Personeelskosten per jaar"},
    Label{"cost_per_closed_case", "Staff cost per closed case", "Personeelskosten per afgesloten zaak"},
    Label{"helped_within_target_share", "Helped within the target", "Binnen de norm geholpen"},
    Label{"waiting_over_target_end", "Waiting longer than the target at the end", "Langer dan de norm wachtend aan het eind"},
    Label{"family_weeks_waited", "Family-weeks waited", "Gezinsweken gewacht"},
    Label{"time_to_waitlist_target_days", "Time until the waitlist target is met", "Tijd tot de wachtlijstnorm is gehaald"},
    Label{"waitlist_target_reached", "Waitlist target reached", "Wachtlijstnorm gehaald"},
    Label{"overload_mean", "Caseload above the norm allowed", "Toegestane caseload boven de norm"},
    Label{"left_waiting_per_year", "Left the waitlist without help per year", "Zonder hulp van de wachtlijst af per jaar"},
    Label{"waiting_children_mean", "Children waiting, average", "Wachtende kinderen, gemiddeld"},
    Label{"waiting_children_end", "Children waiting at the end", "Wachtende kinderen aan het eind"},
    Label{"without_contact_mean", "Waiting without interim contact, average", "Wachtend zonder tussentijds contact, gemiddeld"},
    Label{"without_contact_end", "Waiting without interim contact at the end", "Wachtend zonder tussentijds contact aan het eind"},
    Label{"children_referred_per_year", "Children referred per year", "Aangemelde kinderen per jaar"},
    Label{"left_waiting_children_per_year", "Children who left the waitlist without help per year",
          "Kinderen zonder hulp van de wachtlijst af per jaar"},
};

constexpr std::array kUnitLabels{
    Label{"families", "families", "gezinnen"},
    Label{"days", "days", "dagen"},
    Label{"families/year", "families a year", "gezinnen per jaar"},
    Label{"families/FTE", "families per FTE", "gezinnen per fte"},
    Label{"share", "%", "%"},
    Label{"FTE", "FTE", "fte"},
    Label{"changes", "changes", "wisselingen"},
    Label{"workers/year", "workers a year", "medewerkers per jaar"},
    Label{"euro/year", "euro a year", "euro per jaar"},
    Label{"euro", "euro", "euro"},
    Label{"children", "children", "kinderen"},
    Label{"children/year", "children a year", "kinderen per jaar"},
    Label{"family-weeks", "family-weeks", "gezinsweken"},
};

struct SeriesLabel {
    std::string_view key, en, nl, unit, caption_en, caption_nl;
};
// Series of timeseries.csv with a proper title; others get a generic one.
constexpr std::array kSeriesLabels{
    SeriesLabel{"waitlist", "Waitlist over time: families waiting for a case worker",
                "Wachtlijst in de tijd: gezinnen die wachten op een jeugdbeschermer", "families",
                "Families referred and still waiting for a case worker, week by week.",
                "Aangemelde gezinnen die nog wachten op een jeugdbeschermer, week na week."},
    SeriesLabel{"load_per_fte", "Caseload per FTE over time", "Caseload per fte in de tijd", "families/FTE",
                "Families in care per FTE in post (weighted by measure type), week by week.",
                "Gezinnen in zorg per fte in dienst (gewogen naar maatregel), week na week."},
    SeriesLabel{"fte_in_post", "Staff in post over time (FTE)", "Bezetting in de tijd (fte in dienst)", "FTE",
                "Case-carrying staff in post, in FTE, week by week.",
                "Casusvoerende medewerkers in dienst, in fte, week na week."},
    SeriesLabel{"vacancies", "Vacancies over time (FTE)", "Vacatures in de tijd (fte)", "FTE",
                "Open positions, in FTE, week by week.", "Openstaande vacatures, in fte, week na week."},
    SeriesLabel{"absent_fte", "Staff absent through sickness over time (FTE)", "Ziekteverzuim in de tijd (fte)",
                "FTE", "Case-carrying staff on sick leave, in FTE, week by week.",
                "Casusvoerende medewerkers met ziekteverlof, in fte, week na week."},
    SeriesLabel{"turnover", "Staff turnover over time (13-week rolling average, share leaving a year)",
                "Personeelsverloop in de tijd (voortschrijdend gemiddelde over 13 weken, aandeel vertrekkers per jaar)",
                "share",
                "Case-carrying staff leaving per head in post, as a yearly rate, averaged over the last 13 weeks "
                "(the weekly values are in timeseries.csv).",
                "Vertrekkende casusvoerende medewerkers per medewerker in dienst, omgerekend naar een jaar, gemiddeld "
                "over de laatste 13 weken (de weekwaarden staan in timeseries.csv)."},
    SeriesLabel{"absenteeism", "Absenteeism over time (share of FTE in post)",
                "Ziekteverzuim in de tijd (aandeel van de fte in dienst)", "share",
                "Case-carrying staff on sick leave as a share of the FTE in post, week by week.",
                "Casusvoerende medewerkers met ziekteverlof als aandeel van de fte in dienst, week na week."},
};

std::string decimal_comma(std::string s, Language lang) {
    if (lang == Language::nl)
        for (char& c : s)
            if (c == '.') c = ',';
    return s;
}

// "time_to_help" -> "time to help"
std::string spaced(std::string_view name) {
    std::string s(name);
    for (char& c : s)
        if (c == '_') c = ' ';
    return s;
}

}  // namespace

const Words& words(Language lang) { return lang == Language::nl ? kDutch : kEnglish; }

std::string group_digits(std::string s) {
    const std::size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    std::size_t end = start;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    if (end - start < 5) return s;
    for (std::size_t p = end; p > start + 3; p -= 3) s.insert(p - 3, kThinSpace);
    return s;
}

std::string fmt_money(double v, Language lang, bool sign) {
    if (std::isnan(v)) return lang == Language::nl ? "n.v.t." : "n/a";
    const bool nl = lang == Language::nl;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", std::fabs(v));
    const std::string plain = buf;
    std::string digits;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (i > 0 && (plain.size() - i) % 3 == 0) digits += nl ? '.' : ',';
        digits += plain[i];
    }
    std::string s(nl ? "€\u00a0" : "€");
    s += digits;
    if (digits == "0" || (v > 0 && !sign)) return s;
    std::string out(v < 0 ? "-" : "+");  // appended, not prepended: GCC 12 warns (-Wrestrict) on "+" + s
    out += s;
    return out;
}

std::string fmt_value(double v, std::string_view unit, Language lang) {
    if (std::isnan(v)) return lang == Language::nl ? "n.v.t." : "n/a";
    if (unit.starts_with("euro")) return fmt_money(v, lang, false);
    return group_digits(decimal_comma(human(v, unit), lang));
}

std::string fmt_plain(double v, Language lang) { return fmt_value(v, "", lang); }

std::string fmt_exact(double v, Language lang) { return decimal_comma(number(v), lang); }

std::string fmt_diff(double v, std::string_view unit, Language lang, bool with_unit) {
    if (std::isnan(v)) return fmt_value(v, unit, lang);
    std::string s;
    if (unit == "share") {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f", 100.0 * v);
        s = buf;
        if (s == "-0.0") s = "0.0";
        s = decimal_comma(s, lang);
        if (with_unit) s += lang == Language::nl ? " procentpunt" : " pp";
    } else if (unit.starts_with("euro")) {
        return fmt_money(v, lang, true);
    } else {
        s = fmt_value(v, unit, lang);
    }
    if (v > 0 && s.find_first_of("123456789") != std::string::npos) s = "+" + s;
    return s;
}

std::string fmt_interval(double mean, double low, double high, std::string_view unit, Language lang,
                         bool difference) {
    auto f = [&](double x, bool with_unit) {
        return difference ? fmt_diff(x, unit, lang, with_unit) : fmt_value(x, unit, lang);
    };
    if (std::isnan(mean) || std::isnan(low) || std::isnan(high) || (low == mean && high == mean)) return f(mean, true);
    return f(mean, true) + " [" + f(low, false) + (lang == Language::nl ? "; " : ", ") + f(high, false) + "]";
}

std::string fmt_duration(double days, Language lang) {
    const double years = days / scenario::kDaysPerYear;
    const bool nl = lang == Language::nl;
    if (years >= 1.0 || days <= 0) {
        const std::string n = decimal_comma(number(std::round(years * 100) / 100), lang);
        return n + (nl ? " jaar" : (years == 1.0 ? " year" : " years"));
    }
    const double weeks = std::round(days / 7.0 * 10) / 10;
    const std::string n = decimal_comma(number(weeks), lang);
    return n + (weeks == 1.0 ? " week" : (nl ? " weken" : " weeks"));
}

std::string metric_label(std::string_view metric, Language lang) {
    for (const auto& l : kMetricLabels)
        if (l.key == metric) return std::string(lang == Language::nl ? l.nl : l.en);
    for (const auto& mi : model::kMetrics)
        if (mi.name == metric && lang == Language::en && !mi.description.empty()) {
            std::string d(mi.description);
            d[0] = char(std::toupper(static_cast<unsigned char>(d[0])));
            return d;
        }
    return spaced(metric);
}

std::string unit_label(std::string_view unit, Language lang) {
    for (const auto& l : kUnitLabels)
        if (l.key == unit) return std::string(lang == Language::nl ? l.nl : l.en);
    return std::string(unit);
}

std::string verdict_word(experiment::Verdict v, Language lang) {
    const bool nl = lang == Language::nl;
    switch (v) {
        case experiment::Verdict::better: return nl ? "beter" : "better";
        case experiment::Verdict::worse: return nl ? "slechter" : "worse";
        case experiment::Verdict::negligible: return nl ? "verwaarloosbaar" : "negligible";
        case experiment::Verdict::unclear: return nl ? "onduidelijk" : "unclear";
        case experiment::Verdict::not_rated: return nl ? "geen oordeel" : "not rated";
    }
    return "?";
}

const char* verdict_class(experiment::Verdict v) {
    switch (v) {
        case experiment::Verdict::better: return "better";
        case experiment::Verdict::worse: return "worse";
        case experiment::Verdict::negligible: return "negligible";
        case experiment::Verdict::unclear: return "unclear";
        case experiment::Verdict::not_rated: return "unrated";
    }
    return "unrated";
}

SeriesText series_text(std::string_view name, Language lang) {
    for (const auto& l : kSeriesLabels)
        if (l.key == name)
            return {std::string(lang == Language::nl ? l.nl : l.en), std::string(l.unit),
                    std::string(lang == Language::nl ? l.caption_nl : l.caption_en)};
    const std::string words = spaced(name);
    if (lang == Language::nl)
        return {"Reeks '" + words + "' in de tijd", "",
                "Wekelijkse waarden van '" + std::string(name) + "' uit timeseries.csv."};
    return {"Series '" + words + "' over time", "", "Weekly values of '" + std::string(name) + "' from timeseries.csv."};
}

namespace {
// One headline measure: "waitlist at the end −94 families [−109; −79] (better)".
std::string headline_part(std::string_view unit, double mean, double low, double high,
                          experiment::Verdict v, std::string label, Language lang) {
    const std::string unit_words = unit == "euro/year" ? std::string(lang == Language::nl ? "per jaar" : "a year")
                                   : unit == "share" || unit.starts_with("euro") ? std::string()
                                                                                 : unit_label(unit, lang);
    // The unit goes after the mean: "-19.4 families [-30.2, -8.61]".
    const std::string full = fmt_interval(mean, low, high, unit, lang, true);
    const std::size_t head = std::min(fmt_diff(mean, unit, lang).size(), full.size());
    std::string out = std::move(label);
    out += ' ';
    out.append(full, 0, head);
    if (!unit_words.empty()) {
        out += ' ';
        out += unit_words;
    }
    out.append(full, head, std::string::npos);
    out += " (";
    out += verdict_word(v, lang);
    out += ')';
    return out;
}
std::string lower_first(std::string s) {
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = char(s[0] - 'A' + 'a');
    return s;
}
}  // namespace

std::string verdict_sentence(const ComparisonTable& c, const PeriodTable* p, Language lang) {
    const bool nl = lang == Language::nl;
    std::vector<std::string> parts;
    auto window = [&](std::string_view m) -> const ComparisonRow* {
        for (const auto& r : c.rows)
            if (r.metric == m) return &r;
        return nullptr;
    };
    auto add_row = [&](const auto* r, std::string label) {
        if (r && !std::isnan(r->diff_mean))
            parts.push_back(headline_part(r->unit, r->diff_mean, r->diff_low, r->diff_high, r->verdict,
                                          std::move(label), lang));
    };
    if (p && p->periods() > 0) {
        // Year by year: the last period's waitlist and time to help, the plan's staff cost.
        const std::size_t last = p->periods();
        const PeriodRow* w = p->find(last, "waitlist_end");
        std::string when;
        if (w) (when = nl ? " na " : " after ") += fmt_duration(w->end_day - p->rows.front().start_day, lang);
        add_row(w, lower_first(metric_label("waitlist_end", lang)) + when);
        add_row(p->find(last, "time_to_help_mean_days"), lower_first(metric_label("time_to_help_mean_days", lang)));
        const PeriodRow* cost = p->find(0, "staff_cost");
        if (cost && cost->diff_mean != 0 && !std::isnan(cost->diff_mean))
            parts.push_back(std::string(nl ? "personeelskosten over het plan " : "staff cost over the plan ") +=
                            fmt_interval(cost->diff_mean, cost->diff_low, cost->diff_high, "euro", lang, true));
    } else {
        const ComparisonRow* w = window("waitlist_mean");
        if (w && w->verdict == experiment::Verdict::not_rated) w = window("waitlist_growth_per_year");
        if (w) add_row(w, lower_first(metric_label(w->metric, lang)));
        add_row(window("time_to_help_mean_days"), lower_first(metric_label("time_to_help_mean_days", lang)));
        add_row(window("staff_cost_per_year"), nl ? "personeelskosten" : "staff cost");
    }
    std::string s = nl ? c.scenario + " tegenover " + c.baseline + ": " : c.scenario + " against " + c.baseline + ": ";
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "; " : "") + parts[i];
    return s + ".";
}

std::vector<std::size_t> headline_periods(std::size_t periods) {
    std::vector<std::size_t> out;
    for (std::size_t k : {1u, 2u, 5u})
        if (k <= periods) out.push_back(k);
    if (periods > 0 && out.back() != periods) out.push_back(periods);
    return out;
}

std::string period_when(const PeriodRow& r, const ScenarioInfo& b, Language lang) {
    const bool nl = lang == Language::nl;
    if (r.period == 0) return std::string(words(lang).plan_whole);
    const bool yearly = std::fabs(b.period_days - scenario::kDaysPerYear) < 1e-6;
    if (!yearly) return (nl ? "na periode " : "after period ") + std::to_string(r.period);
    const double years = std::round((r.end_day - b.warmup_days) / scenario::kDaysPerYear * 100) / 100;
    const std::string n = decimal_comma(number(years), lang);
    return nl ? "na " + n + " jaar" : "after " + n + (years == 1.0 ? " year" : " years");
}

std::string plan_metric_label(const PeriodRow& r, const ScenarioInfo& b, Language lang) {
    const bool nl = lang == Language::nl;
    if (r.metric == "waitlist_end") return nl ? "Wachtende gezinnen" : "Families waiting";
    if (r.metric == "time_to_help_mean_days")
        return nl ? "Tijd tot hulp, gemiddeld (aangemeld in die periode)"
                  : "Time to help, average (referred in the period)";
    if (r.metric == "staff_cost") return nl ? "Personeelskosten" : "Staff cost";
    if (r.metric == "family_weeks_waited") return nl ? "Gewacht, in gezinsweken" : "Waited, in family-weeks";
    if (r.metric == "time_to_waitlist_target_days") {
        const std::string n = b.waitlist_target ? fmt_exact(*b.waitlist_target, lang) : std::string("?");
        return nl ? "Tijd tot de wachtlijst hooguit " + n + " gezinnen telt"
                  : "Time until the waitlist is at most " + n + " families";
    }
    if (r.metric == "waitlist_target_reached")
        return nl ? "Herhalingen waarin de wachtlijst dat binnen het plan haalt"
                  : "Replications in which the waitlist gets there within the plan";
    return metric_label(r.metric, lang);
}

std::string plan_sentence(const PeriodTable& t, const ScenarioInfo& b, Language lang) {
    const bool nl = lang == Language::nl;
    std::string out;
    const PeriodRow* w = t.find(t.periods(), "waitlist_end");
    if (w) {
        std::string when = period_when(*w, b, lang);
        when[0] = char(std::toupper(static_cast<unsigned char>(when[0])));
        if (w->end_date != "NA") when += " (" + w->end_date + ")";
        const std::string diff = fmt_interval(w->diff_mean, w->diff_low, w->diff_high, w->unit, lang, true);
        if (nl)
            out = when + " wachten er met " + t.scenario + " " + fmt_value(w->scenario_mean, w->unit, lang) +
                  " gezinnen, tegen " + fmt_value(w->baseline_mean, w->unit, lang) + " met " + t.baseline +
                  ": een verschil van " + diff + " (" + verdict_word(w->verdict, lang) + ").";
        else
            out = when + ", " + fmt_value(w->scenario_mean, w->unit, lang) + " families are waiting with " +
                  t.scenario + " against " + fmt_value(w->baseline_mean, w->unit, lang) + " with " + t.baseline +
                  ": a difference of " + diff + " (" + verdict_word(w->verdict, lang) + ").";
    }
    if (const PeriodRow* c = t.find(0, "staff_cost")) {
        const std::string diff = fmt_interval(c->diff_mean, c->diff_low, c->diff_high, c->unit, lang, true);
        if (!out.empty()) out += ' ';
        out += nl ? "De personeelskosten over het hele plan verschillen " + diff + " van die van " + t.baseline +
                        "."
                  : "Its staff cost over the whole plan differs from " + t.baseline + "'s by " + diff + ".";
    }
    return out;
}

std::string_view start_text(const ReportData& d, Language lang) {
    const Words& w = words(lang);
    bool given = false, warmup = false;
    for (const auto& s : d.scenarios) {
        given = given || s.start_state;
        warmup = warmup || s.warmup_days > 0;
    }
    return given ? w.start_given : warmup ? w.start_default_warmup : w.start_default_no_warmup;
}

std::string staff_text(const ScenarioInfo& s, Language lang) {
    // From a start state the staff are the state's (positions, vacancies, sick): name the file, not a count.
    if (s.start_state)
        return (lang == Language::nl ? "begintoestand: " : "start state: ") +
               (s.start_state_file.empty() ? std::string(lang == Language::nl ? "initial: in het scenario" : "initial: in the scenario")
                                           : s.start_state_file);
    const std::string fte = decimal_comma(number(s.fte), lang), norm = decimal_comma(number(s.caseload_norm), lang);
    if (lang == Language::nl)
        return std::to_string(s.workers) + " medewerkers × " + fte + " fte, caseloadnorm " + norm;
    return std::to_string(s.workers) + " workers × " + fte + " FTE, caseload norm " + norm;
}

std::string unstable_sentence(const ScenarioInfo& s, Language lang) {
    if (lang == Language::nl)
        return s.name + " is instabiel: de wachtlijst blijft groeien, dus de cijfers hangen af van de looptijd van de "
                        "simulatie.";
    return s.name + " is unstable: its waitlist keeps growing, so its figures depend on the length of the run.";
}

}  // namespace caseload::report::detail

namespace caseload::report {

std::vector<std::string> warning_lines(const ScenarioInfo& s, const Checks& c, Language lang) {
    using detail::fmt_value;
    std::vector<std::string> out;
    const bool nl = lang == Language::nl;
    if (c.unstable) {
        if (nl) {
            const std::string reason =
                c.stopped_at_bound > 0
                    ? std::to_string(c.stopped_at_bound) + " herhaling(en) stopten toen de wachtlijst " +
                          std::to_string(s.waitlist_max_length) + " gezinnen bereikte"
                : c.reason.find("workload spiral") != std::string::npos
                    ? std::to_string(c.tipped) + " van de " + std::to_string(c.replications) +
                          " herhalingen eindigden met meer wachtende gezinnen dan alle caseloads samen kunnen "
                          "dragen: de werkdrukspiraal"
                    : std::string("de wachtlijst blijft groeien na de inloopperiode");
            out.push_back(s.name + " is INSTABIEL: " + reason + " (ongeveer " + fmt_value(c.growth_per_year, "", lang) +
                          " gezinnen per jaar). De wachtlijst en de wachttijden hangen af van de looptijd; het zijn "
                          "geen cijfers van een stabiele toestand.");
        } else {
            out.push_back(s.name + " is UNSTABLE: " + c.reason + " (about " + human(c.growth_per_year, "") +
                          " families a year). Its waitlist and waiting times depend on the horizon; they are not "
                          "steady-state figures.");
        }
    }
    if (c.warmup_looks_short) {
        out.push_back(nl ? s.name + ": de inloopperiode lijkt te kort; de wachtlijst veranderde daarna nog ongeveer " +
                               fmt_value(c.warmup_extra_days, "", lang) +
                               " dagen (MSER-5). Overweeg een langere inloopperiode (warmup)."
                         : s.name + ": the warm-up looks too short; the waitlist was still drifting for about " +
                               human(c.warmup_extra_days, "") + " days after it (MSER-5). Consider a longer warmup.");
    }
    if (!std::isnan(c.censored_share) && c.censored_share > 0.05) {
        out.push_back(nl ? s.name + ": " + fmt_value(c.censored_share, "share", lang) +
                               " van de wachttijden liep aan het eind nog; de cijfers over tijd tot hulp zijn "
                               "ondergrenzen."
                         : s.name + ": " + human(c.censored_share, "share") +
                               " of waits were still open at the horizon; time-to-help figures are lower bounds.");
    }
    return out;
}

}  // namespace caseload::report
