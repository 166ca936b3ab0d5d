#include "caseload/report/break_even.hpp"

#include "caseload/report/output.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace caseload::report {

std::string break_even_text(const experiment::BreakEvenSearch& search, const experiment::SolveResult& result) {
    const auto& q = search.question;
    const auto& metric = *search.metric;
    const bool at_most = search.spec.at_most;
    std::ostringstream out;
    out << "Break-even for " << search.scenario << ": the smallest " << q.vary << " with " << metric.name
        << (at_most ? " <= " : " >= ") << search.target_text << "\n(" << search.replications
        << " replications per value, seed " << search.seed << ", common random numbers)\n\n";
    out << "value   " << metric.name << " - target, mean [95% interval]   meets (mean / interval)\n";
    auto sorted = result.evaluated;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
    for (const auto& p : sorted) {
        const double sign = at_most ? 1.0 : -1.0;  // print as metric - target
        char line[200];
        std::snprintf(line, sizeof line, "%-7ld %-40s %s / %s\n", p.value,
                      (human(sign * p.gap.mean, metric.unit) + " [" +
                       human(sign * (at_most ? p.gap.low : p.gap.high), metric.unit) + ", " +
                       human(sign * (at_most ? p.gap.high : p.gap.low), metric.unit) + "]")
                          .c_str(),
                      p.meets_mean ? "yes" : "no", p.meets_confidently ? "yes" : "no");
        out << line;
    }
    out << "\n";
    if (!result.confidently && !result.by_mean) {
        out << "Not reached within [" << q.from << ", " << q.to << "]: widen the range (--to).\n";
        return out.str();
    }
    if (result.confidently)
        out << "Answer: " << q.vary << " = " << *result.confidently << " meets the target with 95% confidence";
    else
        out << "Answer: no value in range meets the target with 95% confidence";
    if (result.by_mean) out << "; on the mean it is met from " << *result.by_mean;
    out << ".\n";
    if (result.by_mean && result.confidently && *result.by_mean != *result.confidently)
        out << "The break-even lies between " << *result.by_mean << " and " << *result.confidently
            << "; more replications narrow it.\n";
    return out.str();
}

}  // namespace caseload::report
