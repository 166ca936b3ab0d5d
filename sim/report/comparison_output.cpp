// What a person reads of a run or a compare outside the report: the terminal
// tables, comparison.md and the warnings, in English or Dutch. Numbers and
// words come from report_text (the report's own), so every output says the
// same; verdicts come from experiment::decide through the comparisons.

#include "caseload/report/output.hpp"
#include "caseload/report/report.hpp"
#include "report/periods_output.hpp"
#include "report/report_text.hpp"

#include "caseload/scenario/dates.hpp"

#include <array>
#include <cmath>
#include <span>
#include <sstream>

namespace caseload::report {

using experiment::ExperimentResult;
using experiment::Summary;
using model::Metric;

namespace {

// Width in code points, so Dutch or other non-ASCII names line up.
std::size_t display_width(const std::string& s) {
    std::size_t len = 0;
    for (unsigned char c : s) len += (c & 0xC0) != 0x80;
    return len;
}

std::string pad(const std::string& s, std::size_t w) {
    const std::size_t len = display_width(s);
    return len >= w ? s : s + std::string(w - len, ' ');
}

std::string interval_text(const stats::Interval& ci, std::string_view unit, Language lang, bool sign = false) {
    if (std::isnan(ci.mean)) return lang == Language::nl ? "n.v.t." : "n/a";
    if (ci.n < 2 || std::isnan(ci.low) || std::isnan(ci.high))
        return sign ? detail::fmt_diff(ci.mean, unit, lang) : detail::fmt_value(ci.mean, unit, lang);
    return detail::fmt_interval(ci.mean, ci.low, ci.high, unit, lang, sign);
}

std::string years_text(double days, Language lang) {
    const double y = std::round(days / scenario::kDaysPerYear * 100) / 100;
    return detail::fmt_exact(y, lang) + (lang == Language::nl ? " jaar" : "y");
}

// "±5", "±2.0 pp", "±€80,000": the minimum relevant difference.
std::string relevant_text(double v, std::string_view unit, Language lang) {
    if (std::isnan(v)) return "";
    std::string s = unit == "share"              ? detail::fmt_diff(v, unit, lang)
                    : unit.starts_with("euro") ? detail::fmt_value(v, unit, lang)
                                               : detail::fmt_exact(v, lang);
    if (!s.empty() && s[0] == '+') s.erase(0, 1);
    return "±" + s;
}

std::string verdict_text(experiment::Verdict v, Language lang) {
    return v == experiment::Verdict::not_rated ? "-" : detail::verdict_word(v, lang);
}

// Each scenario: its file, how it starts (the staff, or the start state it
// was laid over), the run, and for every scenario but the baseline what it
// changes. Markdown escapes every text taken from a scenario file.
void describe_runs(std::ostringstream& o, std::span<const ExperimentResult> results, bool markdown,
                   const TextOptions& opt) {
    const bool nl = opt.lang == Language::nl;
    const auto text = [markdown](const std::string& s) { return markdown ? markdown_escape(s) : s; };
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& sc = results[i].scenario;
        if (markdown) o << "- **" << text(sc.name) << "**";
        else o << "  " << sc.name;
        o << " (" << text(sc.source_file) << "): ";
        if (sc.initial.given())
            o << (nl ? "vanaf de begintoestand " : "from the start state ")
              << text(opt.start_state.empty() ? (nl ? "in het scenariobestand (initial:)" : "in the scenario file (initial:)")
                                              : opt.start_state);
        else
            o << sc.workforce.workers << (nl ? " medewerkers x " : " workers x ") << detail::fmt_exact(sc.workforce.fte, opt.lang)
              << (nl ? " fte, caseloadnorm " : " FTE, caseload norm ") << detail::fmt_exact(sc.workforce.caseload_norm, opt.lang);
        o << (nl ? "; looptijd " : "; horizon ") << years_text(sc.horizon_days, opt.lang)
          << (nl ? ", inloopperiode " : ", warm-up ") << years_text(sc.warmup_days, opt.lang) << ", " << sc.replications
          << (nl ? " herhalingen, startwaarde " : " replications, seed ") << sc.seed;
        if (i == 0 && results.size() > 1) o << (nl ? " (basisscenario)" : " (baseline)");
        if (!sc.description.empty()) o << (markdown ? " — " : "\n      ") << text(sc.description);
        if (i > 0) {
            o << (markdown ? "<br>" : "\n      ") << (nl ? "wat verandert: " : "what changes: ")
              << text(changes_text(results[0].scenario, sc, opt.lang));
        }
        o << "\n";
    }
}

// The periods a person asks about: after 1, 2 and 5 periods, and the last.
std::vector<std::size_t> headline_periods(std::size_t n) {
    std::vector<std::size_t> out;
    for (std::size_t k : {0u, 1u, 4u})
        if (k < n) out.push_back(k);
    if (n > 0 && out.back() != n - 1) out.push_back(n - 1);
    return out;
}

// "after 1 year (2028-03-01)" or "after 2 periods (day 730)"; Dutch "na 1 jaar (...)".
std::string period_heading(const ExperimentResult& r, const Summary& s, std::size_t k, Language lang) {
    const bool nl = lang == Language::nl;
    const auto& p = s.periods[k];
    const double years = (p.end_day - r.scenario.warmup_days) / scenario::kDaysPerYear;
    const bool yearly = std::fabs(r.scenario.period_days - scenario::kDaysPerYear) < 1e-9;
    const double rounded = std::round(years * 100) / 100;
    const std::string n = detail::fmt_exact(rounded, lang);
    std::string h = yearly ? (nl ? "na " + n + " jaar" : "after " + n + (rounded == 1 ? " year" : " years"))
                           : (nl ? "na periode " : "after period ") + std::to_string(k + 1);
    if (r.scenario.initial.start_date) h += " (" + scenario::date_after(*r.scenario.initial.start_date, p.end_day) + ")";
    else h += (nl ? " (dag " : " (day ") + detail::fmt_value(p.end_day, "", lang) + ")";
    return h;
}

// The headline measures of a plan, per period.
constexpr std::array<model::PeriodMetric, 5> kHeadline{model::PeriodMetric::waitlist_end,
                                                       model::PeriodMetric::time_to_help_mean_days,
                                                       model::PeriodMetric::waiting_over_target_end,
                                                       model::PeriodMetric::helped_within_target_share,
                                                       model::PeriodMetric::staff_cost};

const experiment::PeriodComparison* find_period(const Comparison& c, std::size_t k, model::PeriodMetric m) {
    for (const auto& p : c.periods)
        if (p.period == k && p.metric == m) return &p;
    return nullptr;
}

std::string period_label(model::PeriodMetric m, const scenario::Scenario& base, Language lang) {
    const bool nl = lang == Language::nl;
    const auto& mi = model::info(m);
    std::string label;
    switch (m) {
        case model::PeriodMetric::staff_cost: label = nl ? "Personeelskosten in de periode" : "Staff cost in the period"; break;
        case model::PeriodMetric::waiting_over_target_end:
            label = nl ? "Langer dan de norm wachtend aan het eind" : "Waiting longer than the target at the end";
            break;
        case model::PeriodMetric::helped_within_target_share:
            label = nl ? "Binnen de norm geholpen" : "Helped within the target";
            break;
        default: label = detail::metric_label(mi.name, lang);
    }
    if (m == model::PeriodMetric::waiting_over_target_end || m == model::PeriodMetric::helped_within_target_share)
        label += (nl ? " (norm " : " (target ") + detail::fmt_exact(base.targets.time_to_help_days, lang) +
                 (nl ? " dagen)" : " days)");
    return label;
}

void print_rows(std::ostringstream& o, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> w;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (w.size() <= i) w.push_back(0);
            w[i] = std::max(w[i], display_width(row[i]));
        }
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) o << pad(row[i], i + 1 < row.size() ? w[i] + 2 : 0);
        o << "\n";
    }
}

void year_by_year_text(std::ostringstream& o, const Comparison& c, const ExperimentResult& base, const Summary& sb,
                       const ExperimentResult& scen, const Summary& ss, Language lang) {
    const bool nl = lang == Language::nl;
    const auto ks = headline_periods(std::min(sb.periods.size(), ss.periods.size()));
    if (ks.empty()) return;
    o << "\n" << c.scenario << (nl ? " tegenover " : " vs ") << c.baseline;
    if (base.scenario.initial.start_date)
        o << (nl ? ", vanaf " : ", from ") << scenario::format_date(*base.scenario.initial.start_date);
    o << (nl ? " — jaar na jaar, gemiddelde [95%-interval] over herhalingen\n\n"
             : " — year by year, mean [95% interval] over replications\n\n");
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{""};
    for (std::size_t k : ks) head.push_back(period_heading(base, sb, k, lang));
    rows.push_back(head);
    for (model::PeriodMetric m : kHeadline) {
        const auto& mi = model::info(m);
        rows.push_back({period_label(m, base.scenario, lang)});
        std::vector<std::string> b{"  " + c.baseline}, s{"  " + c.scenario}, d{nl ? "  verschil" : "  difference"};
        for (std::size_t k : ks) {
            const auto* p = find_period(c, k, m);
            const std::string na = nl ? "n.v.t." : "n/a";
            b.push_back(p ? interval_text(p->baseline, mi.unit, lang) : na);
            s.push_back(p ? interval_text(p->scenario, mi.unit, lang) : na);
            d.push_back(p ? interval_text(p->difference, mi.unit, lang, true) + " " +
                                (p->verdict == experiment::Verdict::not_rated ? "" : detail::verdict_word(p->verdict, lang))
                          : na);
        }
        rows.push_back(b);
        rows.push_back(s);
        rows.push_back(d);
    }
    print_rows(o, rows);
    const auto cost = detail::plan_total_difference(base, scen, model::PeriodMetric::staff_cost);
    const std::string years =
        detail::fmt_exact(std::round((sb.periods.back().end_day - base.scenario.warmup_days) / scenario::kDaysPerYear * 10) / 10, lang);
    o << "\n"
      << (nl ? "personeelskosten over de " + years + " jaar: " : "staff cost over the " + years + " years: ")
      << interval_text(cost, "euro", lang, true) << (nl ? " tegenover het basisscenario\n" : " against the baseline\n");
    if (base.scenario.targets.waitlist) {
        auto reach = [lang, nl](const Summary& s) {
            const auto& t = s[Metric::time_to_waitlist_target_days].ci;
            const double share = s[Metric::waitlist_target_reached].ci.mean;
            if (t.n == 0) return std::string(nl ? "niet binnen de looptijd" : "never within the horizon");
            return interval_text(t, "days", lang) + (nl ? " dagen (in " : " days (in ") + detail::fmt_value(share, "share", lang) +
                   (nl ? " van de herhalingen)" : " of replications)");
        };
        o << (nl ? "tijd tot de wachtlijst hoogstens " : "time until the waitlist is at most ")
          << detail::fmt_exact(*base.scenario.targets.waitlist, lang) << (nl ? " gezinnen is: " : " families: ") << c.baseline
          << " " << reach(sb) << "; " << c.scenario << " " << reach(ss) << "\n";
    }
    const auto& fw = c.metrics[std::size_t(Metric::family_weeks_waited)];
    o << (nl ? "gezinsweken gewacht over het plan: " : "family-weeks waited over the plan: ")
      << interval_text(fw.baseline, "", lang) << " (" << c.baseline << "), " << interval_text(fw.scenario, "", lang) << " ("
      << c.scenario << ")\n";
}

std::string how_to_read(Language lang) {
    if (lang == Language::nl)
        return "Elk cijfer is het gemiddelde over de herhalingen met tussen haken het 95%-interval. Het verschil is "
               "scenario min basisscenario, paarsgewijs per herhaling. Elke maatstaf heeft een kleinste relevant "
               "verschil (kolom relevant, de standaard uit de tabel van maatstaven in de README, of 'relevant:' in "
               "het vergelijkingsbestand). *beter* of *slechter*: het hele interval van het verschil ligt voorbij dat "
               "verschil. *verwaarloosbaar*: het hele interval ligt erbinnen. *onduidelijk*: geen van beide; meer "
               "herhalingen kunnen het beslissen. Maatstaven zonder betere richting (aanmeldingen, afsluitingen, "
               "caseload) krijgen geen oordeel, en een INSTABIEL scenario geen oordeel over gemiddelden die van de "
               "looptijd afhangen, kosten of bezetting.\n";
    return "Each figure is the mean over replications with its 95% interval in brackets. The difference is "
           "scenario minus baseline, paired by replication. Every measure has a minimum relevant difference (column "
           "relevant: the default of the README's metrics table, or the compare file's 'relevant:'). *better* or "
           "*worse* means the whole interval of the difference lies beyond it; *negligible* means the whole interval "
           "lies inside it; *unclear* means neither, and more replications may decide it. Metrics without a better "
           "direction (referrals, closures, load) are not rated, and an UNSTABLE scenario gets no verdict on means "
           "that depend on the horizon, on cost or on staffing.\n";
}

}  // namespace

std::vector<std::string> warnings(const ExperimentResult& r, const Summary& s, Language lang) {
    if (lang == Language::nl) {
        ScenarioInfo info;
        info.name = r.scenario.name;
        info.waitlist_max_length = r.scenario.waitlist.max_length;
        Checks c;
        c.unstable = s.stability.unstable;
        c.reason = s.stability.reason;
        c.stopped_at_bound = s.stability.stopped_at_bound;
        c.tipped = s.stability.tipped;
        c.replications = s.stability.replications;
        c.growth_per_year = s.stability.growth_per_year.mean;
        c.warmup_looks_short = s.warmup.looks_short;
        c.warmup_extra_days = s.warmup.suggested_extra_days;
        c.censored_share = s[Metric::time_to_help_censored_share].ci.mean;
        auto lines = warning_lines(info, c, lang);
        if (r.scenario.replications < 2)
            lines.push_back(r.scenario.name + ": geen interval bij 1 replicatie; draai er 2 of meer (een stuk of 30 "
                                              "voor smalle intervallen) om te zien hoeveel toeval de cijfers verschuift.");
        return lines;
    }
    std::vector<std::string> out;
    if (s.stability.unstable) {
        out.push_back(r.scenario.name + " is UNSTABLE: " + s.stability.reason + " (about " +
                      human(s.stability.growth_per_year.mean, "") +
                      " families a year). Its waitlist and waiting times depend on the horizon; they are not "
                      "steady-state figures.");
    }
    if (s.warmup.looks_short) {
        const double years = std::ceil((r.scenario.warmup_days + s.warmup.suggested_extra_days) / scenario::kDaysPerYear);
        out.push_back(r.scenario.name + ": the warm-up looks too short; the waitlist was still drifting for about " +
                      human(s.warmup.suggested_extra_days, "") + " days after it (MSER-5). Try 'warmup: " +
                      std::to_string(static_cast<long long>(years)) + "y' (or longer).");
    }
    if (r.scenario.replications < 2)
        out.push_back(r.scenario.name + ": no interval with 1 replication; run 2 or more (30 or so for narrow "
                                        "intervals) to see how far chance moves the figures.");
    const auto& cens = s[Metric::time_to_help_censored_share].ci.mean;
    if (!std::isnan(cens) && cens > 0.05) {
        out.push_back(r.scenario.name + ": " + human(cens, "share") +
                      " of waits were still open at the horizon; time-to-help figures are lower bounds.");
    }
    return out;
}

std::string comparison_text(const std::vector<ExperimentResult>& results, const std::vector<Summary>& summaries,
                            const std::vector<Comparison>& comparisons, const TextOptions& opt) {
    const Language lang = opt.lang;
    const bool nl = lang == Language::nl;
    std::ostringstream o;
    o << (nl ? "Scenario's (paarsgewijs per herhaling: gemeenschappelijke toevalsgetallen)\n"
             : "Scenarios (paired by replication: common random numbers)\n");
    describe_runs(o, results, false, opt);
    for (std::size_t i = 0; i < comparisons.size(); ++i)
        if (comparisons[i].by_period)
            year_by_year_text(o, comparisons[i], results[0], summaries[0], results[i + 1], summaries[i + 1], lang);
    for (const auto& c : comparisons) {
        o << "\n" << c.scenario << (nl ? " tegenover " : " vs ") << c.baseline
          << (nl ? "  — gemiddelde [95%-interval] over herhalingen\n\n" : "  — mean [95% interval] over replications\n\n");
        std::vector<std::vector<std::string>> rows;
        rows.push_back({nl ? "maatstaf" : "measure", c.baseline, c.scenario, nl ? "verschil" : "difference",
                        nl ? "oordeel" : "verdict", "relevant"});
        for (const auto& m : c.metrics) {
            const auto& mi = model::info(m.metric);
            rows.push_back({detail::metric_label(mi.name, lang), interval_text(m.baseline, mi.unit, lang),
                            interval_text(m.scenario, mi.unit, lang), interval_text(m.difference, mi.unit, lang, true),
                            verdict_text(m.verdict, lang),
                            mi.better == model::Better::neither ? "" : relevant_text(m.relevant, mi.unit, lang)});
        }
        print_rows(o, rows);
    }
    bool any = false;
    for (std::size_t s = 0; s < results.size(); ++s)
        for (const auto& line : warnings(results[s], summaries[s], lang)) {
            if (!any) o << "\n";
            any = true;
            o << "! " << line << "\n";
        }
    return o.str();
}

std::string comparison_markdown(const std::vector<ExperimentResult>& results, const std::vector<Summary>& summaries,
                                const std::vector<Comparison>& comparisons, const TextOptions& opt) {
    const Language lang = opt.lang;
    const bool nl = lang == Language::nl;
    std::ostringstream o;
    o << (nl ? "# Vergelijking\n\n## Scenario's\n\n" : "# Comparison\n\n## Scenarios\n\n");
    describe_runs(o, results, true, opt);
    o << (nl ? "\nDe herhalingen zijn gepaard (gemeenschappelijke toevalsgetallen): herhaling r van elk scenario krijgt "
               "dezelfde aanmeldingen en zaakduren, zodat de verschillen preciezer zijn gemeten dan de niveaus.\n"
             : "\nReplications are paired (common random numbers): replication r of every scenario sees the same "
               "referrals and case lengths, so the differences are measured more precisely than the levels.\n");
    for (const auto& c : comparisons) {
        const std::string baseline = markdown_escape(c.baseline), scenario = markdown_escape(c.scenario);
        o << "\n## " << scenario << (nl ? " tegenover " : " vs ") << baseline << "\n\n";
        o << "| " << (nl ? "oordeel" : "verdict") << " | " << (nl ? "maatstaf" : "measure") << " | " << baseline << " | "
          << scenario << " | " << (nl ? "verschil [95%-interval]" : "difference [95% interval]") << " | relevant |\n";
        o << "|---|---|---:|---:|---:|---:|\n";
        for (const auto& m : c.metrics) {
            const auto& mi = model::info(m.metric);
            o << "| " << verdict_text(m.verdict, lang) << " | " << detail::metric_label(mi.name, lang) << " | "
              << interval_text(m.baseline, mi.unit, lang) << " | " << interval_text(m.scenario, mi.unit, lang) << " | "
              << interval_text(m.difference, mi.unit, lang, true) << " | "
              << (mi.better == model::Better::neither ? "" : relevant_text(m.relevant, mi.unit, lang)) << " |\n";
        }
    }
    bool any = false;
    for (std::size_t s = 0; s < results.size(); ++s)
        for (const auto& line : warnings(results[s], summaries[s], lang)) {
            if (!any) o << (nl ? "\n## Waarschuwingen\n\n" : "\n## Warnings\n\n");
            any = true;
            o << "- " << markdown_escape(line) << "\n";
        }
    o << (nl ? "\n## Zo leest u dit\n\n" : "\n## How to read this\n\n") << how_to_read(lang);
    return o.str();
}

std::string summary_text(const ExperimentResult& r, const Summary& s, Language lang) {
    const bool nl = lang == Language::nl;
    std::ostringstream o;
    o << "Scenario\n";
    describe_runs(o, std::span<const ExperimentResult>(&r, 1), false, TextOptions{lang, {}});
    o << "\n";
    std::vector<std::vector<std::string>> rows;
    rows.push_back({nl ? "maatstaf" : "measure", nl ? "gemiddelde [95%-interval]" : "mean [95% interval]",
                    nl ? "p10 .. p90 van de herhalingen" : "p10 .. p90 of replications"});
    for (const auto& mi : model::kMetrics) {
        const auto& m = s[mi.metric];
        rows.push_back({detail::metric_label(mi.name, lang), interval_text(m.ci, mi.unit, lang),
                        detail::fmt_value(m.p10, mi.unit, lang) + " .. " + detail::fmt_value(m.p90, mi.unit, lang)});
    }
    print_rows(o, rows);
    for (const auto& line : warnings(r, s, lang)) o << "! " << line << "\n";
    return o.str();
}

}  // namespace caseload::report
