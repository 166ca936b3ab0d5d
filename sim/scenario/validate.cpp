// The checks of a whole scenario once every file is read: required keys,
// shares that sum to 1, a warm-up shorter than the horizon, a start state
// the organisation could hold, a run that can finish.

#include "scenario/parser.hpp"

#include "caseload/scenario/cost.hpp"

#include <algorithm>
#include <cmath>

namespace caseload::scenario::detail {

namespace {

Location at(const Loaded& l, const std::string& path) {
    auto it = l.provenance.find(path);
    return it != l.provenance.end() ? it->second : Location{l.scenario.source_file, 0, 0};
}

// A start state the organisation could hold.
void validate_start_state(const Loaded& l) {
    const Scenario& s = l.scenario;
    const InitialSpec& in = s.initial;
    if (!in.given()) return;
    // The key's place, or (when a parent file set it) the first start-state key with one.
    auto place = [&](const std::string& key) {
        if (l.provenance.count(key)) return at(l, key);
        for (const auto& entry : l.provenance)
            if (entry.first.rfind("initial.", 0) == 0 && entry.second.line > 0) return entry.second;
        return at(l, key);
    };
    auto fail = [&](const std::string& key, const std::string& msg) { throw ScenarioError(place(key), key, msg); };
    if (s.warmup_days > 0) {
        throw ScenarioError(place("warmup"), "warmup",
                            "a run from a start state (initial: waiting, in_care, vacancies, ...) starts from today and "
                            "has no warm-up; expected 'warmup: 0d', found a warm-up of " + format_number(s.warmup_days) +
                                "d" + (l.provenance.count("warmup") ? "" : " (the default when no file sets one)"));
    }
    if (in.caseload_share > 0 && (in.in_care || !in.in_care_by_type.empty()))
        fail("initial.caseload", "give either initial.caseload (a share of each cap) or initial.in_care (families), not both");
    if (in.in_care && !in.in_care_by_type.empty())
        fail("initial.in_care", "give either initial.in_care (all families) or initial.in_care_by_type, not both");
    for (const auto& t : in.in_care_by_type) {
        const bool known = std::any_of(s.referrals.types.begin(), s.referrals.types.end(),
                                       [&](const MeasureTypeSpec& m) { return m.name == t.first; });
        if (!known) {
            std::vector<std::string> names;
            for (const auto& m : s.referrals.types) names.push_back(m.name);
            throw ScenarioError(at(l, "initial.in_care_by_type"), "initial.in_care_by_type." + t.first,
                                "unknown measure type '" + t.first + "'; expected one of: " + detail::join(names),
                                nearest(t.first, names));
        }
    }
    const std::int64_t workers = s.workforce.workers;
    if (in.vacancies + in.sick + in.ramping > workers)
        fail(in.vacancies > 0 ? "initial.vacancies" : "initial.sick",
             "vacancies (" + std::to_string(in.vacancies) + "), staff on sick leave (" + std::to_string(in.sick) +
                 ") and staff ramping up (" + std::to_string(in.ramping) + ") add up to more than the " +
                 std::to_string(workers) + " funded positions (workforce.workers)");
    const double places = double(workers - in.vacancies) * s.workforce.fte * s.workforce.caseload_norm;
    if (double(in.in_care_total()) > places + 1e-9)
        fail(in.in_care ? "initial.in_care" : "initial.in_care_by_type",
             "more families in care (" + std::to_string(in.in_care_total()) + ") than the staff in post can hold: " +
                 std::to_string(workers - in.vacancies) + " positions in post x " + format_number(s.workforce.fte) +
                 " FTE x norm " + format_number(s.workforce.caseload_norm) + " = " + format_number(places) +
                 " places; lower in_care, or raise workforce.workers or workforce.caseload_norm");
    const auto& h = s.workforce.hiring;
    if (in.ramping > 0 && !(h.ramp_days > 0 && h.start_fraction < 1.0))
        fail("initial.ramping", "staff ramping up need a ramp-up: set workforce.hiring.ramp_up and start_fraction below 1");
}

// Teams: shares that sum to 1, positions that sum to the workforce's.
void validate_teams(const Loaded& l) {
    const Scenario& s = l.scenario;
    if (s.teams.list.empty()) {
        if (s.teams.lend_after_days)
            throw ScenarioError(at(l, "workforce.lend_after"), "workforce.lend_after",
                                "lending needs teams: add workforce.teams, or remove lend_after");
        return;
    }
    double shares = 0;
    std::int64_t positions = 0;
    for (const auto& t : s.teams.list) {
        shares += t.share;
        positions += t.workers;
    }
    if (std::fabs(shares - 1.0) > 1e-6)
        throw ScenarioError(at(l, "workforce.teams"), "workforce.teams",
                            "the teams' shares of referrals must sum to 1, they sum to " +
                                format_number(std::round(shares * 1e9) / 1e9));
    if (positions != s.workforce.workers)
        throw ScenarioError(at(l, "workforce.teams"), "workforce.teams",
                            "the teams' positions sum to " + std::to_string(positions) + ", but workforce.workers is " +
                                std::to_string(s.workforce.workers) + "; expected them equal");
}

}  // namespace

void validate(const Loaded& l) {
    const Scenario& s = l.scenario;
    const std::string& file = s.source_file;
    auto missing = [&](const std::string& path, const std::string& what) {
        if (!l.provenance.count(path))
            throw ScenarioError(Location{file, 1, 1}, path, "missing required key '" + path + "' (" + what + ")");
    };
    missing("referrals.rate", "referrals.rate_per_week or referrals.schedule");
    missing("referrals.types", "the measure types with share, length and weight");
    missing("workforce.workers", "the number of case workers");
    missing("workforce.caseload_norm", "families per FTE, e.g. 14");

    validate_start_state(l);
    if (!(s.warmup_days < s.horizon_days))
        throw ScenarioError(at(l, l.provenance.count("warmup") ? "warmup" : "horizon"), "warmup",
                            "warm-up (" + format_number(s.warmup_days) + "d) must be shorter than the horizon (" +
                                format_number(s.horizon_days) + "d)");
    for (const auto& v : s.interventions)
        if (v.at_days >= s.horizon_days)
            throw ScenarioError(at(l, l.provenance.count("horizon") ? "horizon" : "interventions"), "interventions",
                                "the " + std::string(intervention_name(v)) + " intervention starts at " +
                                    format_number(v.at_days) + "d, not before the horizon (" +
                                    format_number(s.horizon_days) + "d), so it would change nothing; expected a "
                                    "start before the horizon");
    double total = 0;
    for (const auto& t : s.referrals.types) total += t.share;
    if (std::fabs(total - 1.0) > 1e-6)
        throw ScenarioError(at(l, "referrals.types"), "referrals.types",
                            "the measure types' shares must sum to 1, they sum to " +
                                format_number(std::round(total * 1e9) / 1e9));
    const double worker_cap = s.workforce.caseload_norm * s.workforce.fte;
    for (const auto& t : s.referrals.types)
        if (t.share > 0 && t.weight > worker_cap + 1e-9)
            throw ScenarioError(at(l, "referrals.types." + t.name), "referrals.types." + t.name + ".weight",
                                "weight " + format_number(t.weight) + " exceeds a worker's cap of " +
                                    format_number(worker_cap) + " (caseload_norm x fte): such a family could never be assigned");
    validate_teams(l);
    if (s.triage.review_probability > 0 && !s.triage.review_every_days)
        throw ScenarioError(at(l, "triage.review_probability"), "triage.review_probability",
                            "a review probability needs triage.review_every (how often waiting families are reviewed)");
    bool any_rate = false;
    for (const auto& seg : s.referrals.schedule) any_rate |= seg.rate_per_week > 0;
    if (!any_rate)
        throw ScenarioError(at(l, "referrals.rate"), "referrals", "the referral rate is 0 throughout; expected a rate above 0");
    // One replication that could not finish in hours is refused whatever the run.
    const double events = expected_events(s);
    if (events > kMaxEventsPerReplication) {
        const bool long_horizon = s.horizon_days > 100 * kDaysPerYear && l.provenance.count("horizon");
        const std::string key = long_horizon ? "horizon" : "referrals.rate";
        throw ScenarioError(at(l, key), long_horizon ? "horizon" : "referrals",
                            "about " + format_number(std::round(events / 1e9)) +
                                " billion events per replication, over the limit of " +
                                format_number(kMaxEventsPerReplication / 1e9) +
                                " billion (hours for each replication); expected a lower referral rate or a shorter "
                                "horizon (the limit is kMaxEventsPerReplication in include/caseload/scenario/cost.hpp)");
    }
}

}  // namespace caseload::scenario::detail
