#include "report/report_sections.hpp"

#include "report/report_text.hpp"
#include "caseload/scenario/scenario.hpp"

#include <cmath>

namespace caseload::report::detail {

namespace {

// "2033 families", "45.7%": a value with its unit in words.
std::string with_unit(double v, const std::string& unit, Language lang) {
    std::string s = fmt_value(v, unit, lang);
    if (unit != "share" && !unit.empty() && !std::isnan(v)) s += ' ' + unit_label(unit, lang);
    return s;
}

// The text alternative of a time-series chart: per scenario, the average
// after the warm-up and the value at the end with its spread.
std::string series_description(const ReportData& d, const Series& s, const SeriesText& t, Language lang) {
    const bool nl = lang == Language::nl;
    std::string out = t.title + ". ";
    for (std::size_t i = 0; i < s.by_scenario.size() && i < d.scenarios.size(); ++i) {
        const auto& band = s.by_scenario[i];
        double sum = 0;
        std::size_t n = 0;
        for (const auto& p : band)
            if (p.x >= d.scenarios[i].warmup_days && std::isfinite(p.mean)) {
                sum += p.mean;
                ++n;
            }
        out += d.scenarios[i].name + ": ";
        if (band.empty() || n == 0) {
            out += nl ? "geen gegevens. " : "no data. ";
            continue;
        }
        const BandPoint& last = band.back();
        const bool warmup = d.scenarios[i].warmup_days > 0;
        if (nl)
            out += "gemiddeld " + with_unit(sum / double(n), t.unit, lang) +
                   (warmup ? " na de inloopperiode; " : " over de hele looptijd; ") +
                   with_unit(last.mean, t.unit, lang) + " aan het eind (10–90% van de herhalingen: " +
                   fmt_value(last.p10, t.unit, lang) + " tot " + fmt_value(last.p90, t.unit, lang) + "). ";
        else
            out += "on average " + with_unit(sum / double(n), t.unit, lang) +
                   (warmup ? " after the warm-up; " : " over the whole run; ") +
                   with_unit(last.mean, t.unit, lang) + " at the end (10–90% of replications: " +
                   fmt_value(last.p10, t.unit, lang) + " to " + fmt_value(last.p90, t.unit, lang) + "). ";
    }
    out.pop_back();
    return out;
}

std::string distribution_description(const ReportData& d, const Series& s, Language lang) {
    const bool nl = lang == Language::nl;
    std::string out = std::string(words(lang).dist_title) + ". ";
    for (std::size_t i = 0; i < s.by_scenario.size() && i < d.scenarios.size(); ++i) {
        out += d.scenarios[i].name + ": ";
        bool first = true;
        for (double week : {4.0, 13.0, 52.0})
            for (const auto& p : s.by_scenario[i])
                if (p.x == week) {
                    out += first ? "" : ", ";
                    out += fmt_value(p.mean, "share", lang) + (nl ? " binnen " : " within ") + fmt_plain(week, lang) +
                           (nl ? " weken" : " weeks");
                    if (first) out += nl ? " geholpen" : " helped";
                    first = false;
                }
        out += first ? (nl ? "geen gegevens. " : "no data. ") : ". ";
    }
    out.pop_back();
    return out;
}

}  // namespace

std::optional<std::int64_t> common_start_date(const ReportData& d) {
    if (d.scenarios.empty() || !d.scenarios.front().start_date) return std::nullopt;
    for (const auto& s : d.scenarios)
        if (s.start_date != d.scenarios.front().start_date) return std::nullopt;
    return d.scenarios.front().start_date;
}

std::vector<ChartPlan> chart_list(const ReportData& d, Language lang) {
    const Words& w = words(lang);
    std::vector<std::string> names;
    for (const auto& s : d.scenarios) names.push_back(s.name);
    bool same_warmup = !d.scenarios.empty();
    for (const auto& s : d.scenarios) same_warmup = same_warmup && s.warmup_days == d.scenarios.front().warmup_days;
    const double warmup_years =
        same_warmup ? d.scenarios.front().warmup_days / scenario::kDaysPerYear : std::nan("");
    const std::optional<std::int64_t> start = common_start_date(d);

    auto series_plan = [&](const Series& s) {
        const SeriesText t = series_text(s.name, lang);
        ChartPlan p;
        p.key = s.name;
        p.caption = t.caption;
        p.unit = t.unit;
        p.series = &s;
        p.spec.title = t.title;
        p.spec.description = series_description(d, s, t, lang);
        p.spec.x_label = std::string(start ? w.axis_date : w.axis_years);
        p.spec.start_date = start;
        p.spec.y_label = t.unit.empty() ? s.name : unit_label(t.unit, lang);
        p.spec.x_scale = 1.0 / scenario::kDaysPerYear;
        p.spec.y_unit = t.unit;
        p.spec.shade_to_x = warmup_years;
        p.spec.shade_label = std::string(w.warmup_label);
        p.spec.names = names;
        p.spec.bands = &s.by_scenario;
        p.spec.lang = lang;
        return p;
    };

    std::vector<ChartPlan> out;
    for (const auto& s : d.series)
        if (s.name == "waitlist") out.push_back(series_plan(s));
    {
        ChartPlan p;
        p.key = "time_to_help";
        p.caption = std::string(w.dist_caption);
        p.unit = "share";
        p.weeks = true;
        p.series = &d.time_to_help;
        p.spec.title = std::string(w.dist_title);
        p.spec.description = distribution_description(d, d.time_to_help, lang);
        p.spec.x_label = std::string(w.axis_weeks_after_referral);
        p.spec.y_label = std::string(w.dist_axis);
        p.spec.x_tick_step = 13;
        p.spec.y_unit = "share";
        p.spec.names = names;
        p.spec.bands = &d.time_to_help.by_scenario;
        p.spec.lang = lang;
        out.push_back(std::move(p));
    }
    for (const auto& s : d.series)
        if (s.name != "waitlist") out.push_back(series_plan(s));
    // Scenarios that differ tenfold or more on a series share no readable
    // scale: one chart per scenario (small multiples), each on its own axis.
    std::vector<ChartPlan> split;
    for (auto& p : out) {
        if (p.weeks || !p.series || p.series->by_scenario.size() < 2) {
            split.push_back(std::move(p));
            continue;
        }
        double lo = std::numeric_limits<double>::infinity(), hi = 0;
        for (const auto& band : p.series->by_scenario) {
            double top = 0;
            for (const auto& pt : band)
                if (std::isfinite(pt.mean)) top = std::max(top, std::fabs(pt.mean));
            lo = std::min(lo, top);
            hi = std::max(hi, top);
        }
        if (!(hi > 0) || hi < 10 * lo) {
            split.push_back(std::move(p));
            continue;
        }
        for (std::size_t i = 0; i < p.series->by_scenario.size(); ++i) {
            ChartPlan q = p;
            q.key = p.key + "-" + std::to_string(i + 1);
            q.spec.show = {i};
            q.spec.title = p.spec.title + " — " + names[i];
            split.push_back(std::move(q));
        }
    }
    return split;
}

std::string run_sentence(const ReportData& d, Language lang) {
    std::string out;
    for (const auto& s : d.scenarios) {
        if (!out.empty()) out += ' ';
        if (lang == Language::nl)
            out += s.name + ": " + std::to_string(s.replications) + " herhalingen over " +
                   fmt_duration(s.horizon_days, lang) + ", waarvan de eerste " + fmt_duration(s.warmup_days, lang) +
                   " inloopperiode.";
        else
            out += s.name + ": " + std::to_string(s.replications) + " replications over " +
                   fmt_duration(s.horizon_days, lang) + ", of which the first " + fmt_duration(s.warmup_days, lang) +
                   " are warm-up.";
        if (s.replications == 1)
            out += lang == Language::nl ? " Geen interval bij 1 herhaling." : " No interval with 1 replication.";
    }
    return out;
}

}  // namespace caseload::report::detail
