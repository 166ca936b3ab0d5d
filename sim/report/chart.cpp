#include "report/chart.hpp"

#include "report/report_text.hpp"
#include "caseload/scenario/dates.hpp"
#include "caseload/scenario/scenario.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace caseload::report::detail {

namespace {

constexpr double kWidth = 720, kHeight = 340;
constexpr double kLeft = 68, kRight = 16, kBottom = 48;
constexpr double kLegendRow = 18;
constexpr std::size_t kMaxPoints = 420;  // per line: more than the plot is wide

// Colour-blind-safe hues dark enough for white paper.
constexpr std::array<const char*, 8> kColours{"#0b62a4", "#c2410c", "#15803d", "#7e22ce",
                                              "#a16207", "#0e7490", "#be185d", "#374151"};
constexpr std::array<const char*, 4> kDashes{"", "9 4", "2 3", "9 3 2 3"};

// One decimal, as printf's "%.1f" (both round the exact binary value
// correctly, ties to even) without printf's format parsing: a chart has
// thousands of coordinates.
std::string coord(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
    std::string s;
    if (r.ec == std::errc{}) {
        s.assign(buf, r.ptr);
    } else {  // 30 characters and more (about 1e29): no plot coordinate, but said as printf would
        std::vector<char> big(400);
        std::snprintf(big.data(), big.size(), "%.1f", v);
        s = big.data();
    }
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    if (s == "-0") s = "0";
    return s;
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// A tick label: as many decimals as the step needs; shares as percentages.
std::string tick_label(double v, double step, bool share, Language lang) {
    if (share) {
        v *= 100;
        step *= 100;
    }
    int decimals = 0;
    while (decimals < 6 && std::fabs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-9)
        ++decimals;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s.rfind("-0", 0) == 0 && std::fabs(v) < 0.5 * step) s.erase(0, 1);
    if (lang == Language::nl)
        for (char& c : s)
            if (c == '.') c = ',';
    s = group_digits(s);
    return share ? s + "%" : s;
}

}  // namespace

const char* scenario_colour(std::size_t i) { return kColours[i % kColours.size()]; }

std::vector<double> nice_ticks(double lo, double hi, int target) {
    if (!(hi > lo)) hi = lo + 1;
    const double raw = (hi - lo) / std::max(target, 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    std::vector<double> ticks;
    const double first = std::floor(lo / step + 1e-9) * step;
    for (double t = first; t < hi + step * (1 - 1e-9); t += step) ticks.push_back(std::round(t / step) * step);
    return ticks;
}

std::vector<double> date_ticks(std::int64_t start, double end_day, int target) {
    const std::vector<double> years = nice_ticks(0, std::max(end_day, 1.0) / scenario::kDaysPerYear, target);
    const double step_years = years.size() > 1 ? years[1] - years[0] : 1;
    int months = 1;
    for (int m : {1, 2, 3, 6, 12, 24, 60, 120, 240, 600})
        if (m >= step_years * 12 - 1e-9 || m == 600) {
            months = m;
            break;
        }
    std::vector<double> ticks;
    for (int k = 0;; k += months) {
        const double day = double(scenario::days_in_months(start, k));
        ticks.push_back(day);
        if (day >= end_day) break;
    }
    return ticks;
}

std::string truncate_utf8(const std::string& s, std::size_t max_chars) {
    if (code_points(s) <= max_chars) return s;
    std::size_t n = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (n == max_chars - 1) break;
            ++n;
        }
    }
    return s.substr(0, i) + "…";
}

std::string svg_chart(const ChartSpec& c) {
    const auto& bands = *c.bands;
    const bool share = c.y_unit == "share";
    const auto shown = [&c](std::size_t s) { return c.show.empty() || std::find(c.show.begin(), c.show.end(), s) != c.show.end(); };

    // Data range.
    double x_max = 0, y_min = 0, y_max = share ? 1.0 : 0.0;
    bool any = false;
    for (std::size_t s = 0; s < bands.size(); ++s)
        for (const auto& p : bands[s]) {
            if (!shown(s) || !std::isfinite(p.x) || !std::isfinite(p.mean)) continue;
            any = true;
            x_max = std::max(x_max, p.x * c.x_scale);
            for (double v : {p.mean, p.p10, p.p90})
                if (std::isfinite(v)) {
                    y_min = std::min(y_min, v);
                    y_max = std::max(y_max, v);  // a rate such as turnover can pass 100%
                }
        }
    if (!(x_max > 0)) x_max = 1;
    if (!(y_max > y_min)) y_max = y_min + 1;
    std::vector<double> x_ticks;
    if (c.start_date) {
        for (double day : date_ticks(*c.start_date, x_max / c.x_scale, 6)) x_ticks.push_back(day * c.x_scale);
    } else if (c.x_tick_step > 0)
        for (double t = 0; t <= x_max + 1e-9; t += c.x_tick_step) x_ticks.push_back(t);
    else
        x_ticks = nice_ticks(0, x_max, 6);
    const std::vector<double> y_ticks = nice_ticks(y_min, y_max, 5);
    const double x_hi = std::max(x_max, x_ticks.back());
    const double y_lo = std::min(y_min, y_ticks.front()), y_hi = std::max(y_max, y_ticks.back());
    const double x_step = x_ticks.size() > 1 ? x_ticks[1] - x_ticks[0] : 1;
    const double y_step = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : 1;

    // Legend: items laid out left to right, wrapping.
    struct Item {
        double x, y;
        std::string text;
    };
    std::vector<Item> legend;
    double lx = kLeft, ly = 14;
    for (std::size_t s = 0; s < c.names.size(); ++s) {
        if (!shown(s)) {
            legend.push_back({-1, -1, {}});  // keeps the scenario's colour and dash by index
            continue;
        }
        const std::string text = truncate_utf8(c.names[s], 48);
        const double w = 30 + 7.2 * double(code_points(text)) + 18;
        if (lx + w > kWidth - kRight && lx > kLeft) {
            lx = kLeft;
            ly += kLegendRow;
        }
        legend.push_back({lx, ly, text});
        lx += w;
    }
    const double top = ly + 16;
    const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - top - kBottom;
    auto X = [&](double x) { return kLeft + x / x_hi * plot_w; };
    auto Y = [&](double y) { return top + plot_h - (y - y_lo) / (y_hi - y_lo) * plot_h; };

    std::ostringstream o;
    o << "<svg class=\"chart\" role=\"img\" aria-labelledby=\"" << c.id << "-title " << c.id
      << "-desc\" viewBox=\"0 0 " << coord(kWidth) << ' ' << coord(kHeight)
      << "\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
    o << "<title id=\"" << c.id << "-title\">" << html_escape(c.title) << "</title>\n";
    o << "<desc id=\"" << c.id << "-desc\">" << html_escape(c.description) << "</desc>\n";

    // Warm-up shading.
    if (std::isfinite(c.shade_to_x) && c.shade_to_x > 0) {
        const double w = X(std::min(c.shade_to_x, x_hi)) - kLeft;
        o << "<rect x=\"" << coord(kLeft) << "\" y=\"" << coord(top) << "\" width=\"" << coord(w) << "\" height=\""
          << coord(plot_h) << "\" fill=\"#ececec\"/>\n";
    }

    // Grid and tick labels.
    o << "<g stroke=\"#d4d4d4\" stroke-width=\"1\">";
    for (double t : y_ticks) o << "<line x1=\"" << coord(kLeft) << "\" x2=\"" << coord(kLeft + plot_w) << "\" y1=\"" << coord(Y(t)) << "\" y2=\"" << coord(Y(t)) << "\"/>";
    o << "</g>\n<g fill=\"#333\" text-anchor=\"end\">";
    for (double t : y_ticks)
        o << "<text x=\"" << coord(kLeft - 6) << "\" y=\"" << coord(Y(t) + 4) << "\">"
          << tick_label(t, y_step, share, c.lang) << "</text>";
    o << "</g>\n<g fill=\"#333\" text-anchor=\"middle\">";
    for (double t : x_ticks)
        o << "<text x=\"" << coord(X(t)) << "\" y=\"" << coord(top + plot_h + 16) << "\">"
          << (c.start_date ? scenario::date_after(*c.start_date, std::round(t / c.x_scale))
                           : tick_label(t, x_step, false, c.lang))
          << "</text>";
    o << "</g>\n";
    o << "<line x1=\"" << coord(kLeft) << "\" x2=\"" << coord(kLeft + plot_w) << "\" y1=\"" << coord(top + plot_h)
      << "\" y2=\"" << coord(top + plot_h) << "\" stroke=\"#333\"/>\n";
    o << "<text x=\"" << coord(kLeft + plot_w / 2) << "\" y=\"" << coord(kHeight - 10)
      << "\" text-anchor=\"middle\" fill=\"#333\">" << html_escape(c.x_label) << "</text>\n";
    o << "<text transform=\"translate(14 " << coord(top + plot_h / 2) << ") rotate(-90)\" text-anchor=\"middle\" "
      << "fill=\"#333\">" << html_escape(c.y_label) << "</text>\n";

    // Bands, then lines on top.
    auto thinned = [&](const std::vector<BandPoint>& band) {
        std::vector<const BandPoint*> pts;
        const std::size_t stride = std::max<std::size_t>(1, (band.size() + kMaxPoints - 1) / kMaxPoints);
        for (std::size_t i = 0; i < band.size(); i += stride) pts.push_back(&band[i]);
        if (!band.empty() && pts.back() != &band.back()) pts.push_back(&band.back());
        return pts;
    };
    for (std::size_t s = 0; s < bands.size(); ++s) {
        if (!shown(s)) continue;
        const auto pts = thinned(bands[s]);
        std::vector<const BandPoint*> run;
        auto flush = [&] {
            if (run.size() >= 2) {
                o << "<polygon fill=\"" << scenario_colour(s) << "\" fill-opacity=\"0.16\" stroke=\"none\" points=\"";
                for (const auto* p : run) o << coord(X(p->x * c.x_scale)) << ',' << coord(Y(p->p90)) << ' ';
                for (auto it = run.rbegin(); it != run.rend(); ++it)
                    o << coord(X((*it)->x * c.x_scale)) << ',' << coord(Y((*it)->p10)) << ' ';
                o << "\"/>\n";
            }
            run.clear();
        };
        for (const auto* p : pts) {
            if (std::isfinite(p->x) && std::isfinite(p->p10) && std::isfinite(p->p90)) run.push_back(p);
            else flush();
        }
        flush();
    }
    for (std::size_t s = 0; s < bands.size(); ++s) {
        if (!shown(s)) continue;
        const auto pts = thinned(bands[s]);
        std::string d;
        bool pen = false;
        for (const auto* p : pts) {
            if (!std::isfinite(p->x) || !std::isfinite(p->mean)) {
                pen = false;
                continue;
            }
            d += pen ? 'L' : 'M';
            d += coord(X(p->x * c.x_scale)) + ',' + coord(Y(p->mean));
            pen = true;
        }
        if (d.empty()) continue;
        const char* dash = kDashes[s % kDashes.size()];
        o << "<path fill=\"none\" stroke=\"" << scenario_colour(s) << "\" stroke-width=\"2\"";
        if (*dash) o << " stroke-dasharray=\"" << dash << "\"";
        o << " d=\"" << d << "\"/>\n";
    }
    if (!any) {
        o << "<text x=\"" << coord(kLeft + plot_w / 2) << "\" y=\"" << coord(top + plot_h / 2)
          << "\" text-anchor=\"middle\" fill=\"#555\">" << (c.lang == Language::nl ? "geen gegevens" : "no data")
          << "</text>\n";
    }

    // The warm-up's label, over the lines with a white halo so it stays legible.
    if (std::isfinite(c.shade_to_x) && c.shade_to_x > 0)
        o << "<text x=\"" << coord(kLeft + 4) << "\" y=\"" << coord(top + 14)
          << "\" fill=\"#444\" font-size=\"11\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">"
          << html_escape(c.shade_label) << "</text>\n";

    // Legend.
    for (std::size_t s = 0; s < legend.size(); ++s) {
        const auto& it = legend[s];
        if (it.x < 0) continue;
        const char* dash = kDashes[s % kDashes.size()];
        o << "<line x1=\"" << coord(it.x) << "\" x2=\"" << coord(it.x + 24) << "\" y1=\"" << coord(it.y - 4)
          << "\" y2=\"" << coord(it.y - 4) << "\" stroke=\"" << scenario_colour(s) << "\" stroke-width=\"3\"";
        if (*dash) o << " stroke-dasharray=\"" << dash << "\"";
        o << "/><text x=\"" << coord(it.x + 30) << "\" y=\"" << coord(it.y) << "\" fill=\"#111\">"
          << html_escape(it.text) << "</text>\n";
    }
    o << "</svg>";
    return o.str();
}

}  // namespace caseload::report::detail
