// A sweep's sensitivity: the metamodel's fits as sensitivity.csv and
// metamodel.csv, and the table the terminal prints.

#include "caseload/report/sweep_output.hpp"
#include "caseload/report/output.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace caseload::report {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

stats::Terms to_terms(scenario::MetamodelTerms t) {
    switch (t) {
        case scenario::MetamodelTerms::linear: return stats::Terms::linear;
        case scenario::MetamodelTerms::interactions: return stats::Terms::interactions;
        case scenario::MetamodelTerms::quadratic: return stats::Terms::quadratic;
        case scenario::MetamodelTerms::full: return stats::Terms::full;
    }
    return stats::Terms::linear;
}

std::string sensitivity_csv(const Assembled& a) {
    std::ostringstream o;
    o << "metric,rank,parameter,r2_drop,std_coefficient,coefficient,std_error,r_squared,points,unstable_points\n";
    for (const auto& m : a.metrics) {
        if (!m.fit.ok) continue;
        for (const auto& pi : m.fit.ranking) {
            double coef = kNaN, se = kNaN;
            for (const auto& t : m.fit.terms)
                if (t.name == pi.parameter) {
                    coef = t.coefficient;
                    se = t.std_error;
                }
            o << m.metric << ',' << pi.rank << ',' << csv_field(pi.parameter) << ',' << number(pi.r2_drop) << ','
              << number(pi.std_main_effect) << ',' << number(coef) << ',' << number(se) << ',' << number(m.fit.r_squared)
              << ',' << m.fit.observations << ',' << a.unstable_points << '\n';
        }
    }
    return o.str();
}

std::string metamodel_csv(const Assembled& a) {
    std::ostringstream o;
    o << "metric,term,coefficient,std_coefficient,std_error,r_squared,adj_r_squared,points,note\n";
    for (const auto& m : a.metrics) {
        const auto& f = m.fit;
        if (!f.ok) {
            o << m.metric << ",,NA,NA,NA,NA,NA," << f.observations << ',' << csv_field(f.note) << '\n';
            continue;
        }
        o << m.metric << ",(intercept)," << number(f.intercept) << ",NA,NA," << number(f.r_squared) << ','
          << number(f.adj_r_squared) << ',' << f.observations << ",\n";
        for (const auto& t : f.terms)
            o << m.metric << ',' << csv_field(t.name) << ',' << number(t.coefficient) << ',' << number(t.std_coefficient)
              << ',' << number(t.std_error) << ',' << number(f.r_squared) << ',' << number(f.adj_r_squared) << ','
              << f.observations << ",\n";
    }
    return o.str();
}

std::string sensitivity_text(const Assembled& a, const std::string& terms) {
    std::ostringstream o;
    std::size_t points = 0;
    for (const auto& m : a.metrics) points = std::max(points, m.fit.observations);
    o << "Sensitivity: " << terms << " metamodel of each metric's point means on the swept parameters (" << points
      << " points).\n";
    if (a.unstable_points > 0)
        o << "! " << a.unstable_points << " of " << a.points
          << " points are UNSTABLE (their waitlist keeps growing; summary.csv flags them): their means depend on the "
             "horizon, so the metamodel is fitted on the "
          << a.points - a.unstable_points << " stable points only.\n";
    if (!a.text_parameters.empty()) {
        o << "! Not in the metamodel (words, not numbers; compare their values in summary.csv):";
        for (const auto& p : a.text_parameters) o << ' ' << p;
        o << ".\n";
    }
    o << "Parameters ranked by the share of variance (R^2) lost without them; standardized main effect in "
         "brackets.\n\n";
    std::vector<std::array<std::string, 3>> rows;
    rows.push_back({"metric", "R^2", "parameters, most influential first"});
    for (const auto& m : a.metrics) {
        if (!m.fit.ok) {
            rows.push_back({m.metric, "-", "(" + m.fit.note + ")"});
            continue;
        }
        std::string ranked;
        for (const auto& pi : m.fit.ranking) {
            char buf[64];
            if (std::isnan(pi.std_main_effect))
                std::snprintf(buf, sizeof buf, " (%.2f)", pi.r2_drop);
            else
                std::snprintf(buf, sizeof buf, " [%+.2f]", pi.std_main_effect);
            if (!ranked.empty()) ranked += "  ";
            ranked += std::to_string(pi.rank);
            ranked += ". ";
            ranked += pi.parameter;
            ranked += buf;
        }
        char r2[16];
        std::snprintf(r2, sizeof r2, "%.2f", m.fit.r_squared);
        rows.push_back({m.metric, r2, ranked});
    }
    std::size_t w0 = 0, w1 = 0;
    for (const auto& r : rows) {
        w0 = std::max(w0, r[0].size());
        w1 = std::max(w1, r[1].size());
    }
    for (const auto& r : rows)
        o << r[0] << std::string(w0 + 2 - r[0].size(), ' ') << r[1] << std::string(w1 + 2 - r[1].size(), ' ') << r[2]
          << "\n";
    return o.str();
}

}  // namespace caseload::report
