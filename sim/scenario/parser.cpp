#include "scenario/parser.hpp"

#include "caseload/scenario/dates.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <cctype>

namespace caseload::scenario::detail {

namespace fs = std::filesystem;

// ---- places and keys ----------------------------------------------------------

void Parser::fail(const YAML::Node& n, const std::string& path, const std::string& msg,
                  const std::string& suggestion) const {
    throw ScenarioError(where(n), path, msg, suggestion);
}

Location Parser::where(const YAML::Node& n) const {
    if (!n.IsDefined()) return Location{file_, 0, 0};  // a key that is not there has no place
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return Location{file_, 0, 0};
    return Location{file_, m.line + 1, m.column + 1};
}

void Parser::expect_map(const YAML::Node& n, const std::string& path) const {
    if (!n.IsMap()) fail(n, path, "expected a mapping (key: value lines), found " + describe(n));
}

std::vector<ScenarioError> Parser::key_problems(const YAML::Node& n, const std::string& path,
                                                const std::vector<std::string>& allowed) const {
    expect_map(n, path);
    std::vector<ScenarioError> problems;
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const YAML::Node k = it->first;  // a copy: it-> yields a temporary proxy
        if (!k.IsScalar()) {
            problems.emplace_back(where(k), path, "expected a key name, found " + describe(k));
            continue;
        }
        const std::string key = k.Scalar();
        if (!seen.insert(key).second) {
            problems.emplace_back(where(k), child_path(path, key), "duplicate key");
            continue;
        }
        const bool known = std::find(allowed.begin(), allowed.end(), key) != allowed.end();
        if (known && it->second.IsNull())
            problems.emplace_back(where(k), child_path(path, key),
                                  "found nothing after '" + key + ":'; expected a value on the same line or "
                                  "indented below it (or remove the line)");
        if (!known)
            problems.emplace_back(where(k), child_path(path, key),
                                  "unknown key '" + key + "'; expected one of: " + join(allowed), nearest(key, allowed));
    }
    return problems;
}

void Parser::check_keys(const YAML::Node& n, const std::string& path, const std::vector<std::string>& allowed) const {
    auto problems = key_problems(n, path, allowed);
    if (problems.size() == 1) throw problems.front();
    if (!problems.empty()) throw ScenarioError(std::move(problems), 0);
}

YAML::Node Parser::require(const YAML::Node& map, const std::string& path, const std::string& key) const {
    const YAML::Node v = map[key];
    if (!v) fail(map, path, "missing key '" + key + "'");
    return v;
}

// ---- values ---------------------------------------------------------------------

std::string Parser::scalar(const YAML::Node& n, const std::string& path, const std::string& expected) const {
    if (!n.IsScalar()) fail(n, path, "expected " + expected + ", found " + describe(n));
    return n.Scalar();
}

double Parser::number(const YAML::Node& n, const std::string& path) const {
    const std::string s = scalar(n, path, "a number");
    double v = 0;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    if (b != e && *b == '+') ++b;
    auto r = std::from_chars(b, e, v);
    if (r.ec != std::errc{} || r.ptr != e || !std::isfinite(v)) {
        std::string hint;
        double x = 0;
        if (s.size() > 1 && s.back() == '%') {  // 10% -> 0.1
            std::string digits = s.substr(0, s.size() - 1);
            while (!digits.empty() && digits.back() == ' ') digits.pop_back();
            std::replace(digits.begin(), digits.end(), ',', '.');
            auto p = std::from_chars(digits.data(), digits.data() + digits.size(), x);
            if (p.ec == std::errc{} && p.ptr == digits.data() + digits.size())
                hint = "; write a percentage as a fraction: " + s + " is " + format_number(x / 100);
        } else if (std::count(s.begin(), s.end(), ',') == 1 && s.find('.') == std::string::npos) {  // 1,5 -> 1.5
            std::string fixed = s;
            std::replace(fixed.begin(), fixed.end(), ',', '.');
            auto p = std::from_chars(fixed.data(), fixed.data() + fixed.size(), x);
            if (p.ec == std::errc{} && p.ptr == fixed.data() + fixed.size())
                hint = "; write decimals with a point: " + fixed;
        }
        fail(n, path, "expected a number, found " + describe(n) + hint);
    }
    return v;
}

double Parser::number_in(const YAML::Node& n, const std::string& path, double lo, double hi,
                         const std::string& what) const {
    const double v = number(n, path);
    if (!(v >= lo && v <= hi)) fail(n, path, "expected " + what + ", found " + describe(n));
    return v;
}

double Parser::positive(const YAML::Node& n, const std::string& path) const {
    const double v = number(n, path);
    if (!(v > 0)) fail(n, path, "expected a number greater than 0, found " + describe(n));
    return v;
}

double Parser::share(const YAML::Node& n, const std::string& path) const {
    const double v = number(n, path);
    if (!(v >= 0 && v <= 1))
        fail(n, path, "expected a share between 0 and 1, found " + describe(n) +
                          (v > 1 && v <= 100 ? "; " + format_number(v) + "% is " + format_number(v / 100) : ""));
    return v;
}

std::int64_t Parser::integer(const YAML::Node& n, const std::string& path, std::int64_t lo, std::int64_t hi,
                             const std::string& limit_note) const {
    std::int64_t v = 0;
    const WholeNumber read = read_whole_number(scalar(n, path, "a whole number"), v);
    const std::string range = "expected a whole number between " + std::to_string(lo) + " and " + std::to_string(hi) +
                              ", found " + describe(n) + limit_note;
    if (read == WholeNumber::out_of_range) fail(n, path, range);
    if (read == WholeNumber::not_a_number) fail(n, path, "expected a whole number, found " + describe(n));
    if (v < lo || v > hi) fail(n, path, range);
    return v;
}

std::string Parser::duration_forms(bool date_ok) const {
    std::string forms = "a duration such as 6m, 26w or 180d";
    if (date_ok && start_date_) forms += ", or a date after the start date " + format_date(*start_date_) + " (YYYY-MM-DD)";
    return forms;
}

namespace {

// The unit a word names, in English or Dutch ("months", "maanden" -> 'm'); 0 when none.
char unit_of_word(std::string word) {
    for (char& c : word) c = char(std::tolower(static_cast<unsigned char>(c)));
    static const std::pair<const char*, char> words[] = {
        {"day", 'd'},    {"days", 'd'},    {"dag", 'd'},      {"dagen", 'd'},  {"dy", 'd'},
        {"wk", 'w'},     {"wks", 'w'},     {"week", 'w'},     {"weeks", 'w'},  {"weken", 'w'},
        {"mo", 'm'},     {"mos", 'm'},     {"mon", 'm'},      {"month", 'm'},  {"months", 'm'},
        {"mnd", 'm'},    {"maand", 'm'},   {"maanden", 'm'},  {"yr", 'y'},     {"yrs", 'y'},
        {"year", 'y'},   {"years", 'y'},   {"j", 'y'},        {"jr", 'y'},     {"jaar", 'y'},
        {"jaren", 'y'}};
    for (const auto& [w, unit] : words)
        if (word == w) return unit;
    return 0;
}

}  // namespace

double Parser::duration(const YAML::Node& n, const std::string& path, bool allow_zero, bool date_ok) const {
    const std::string forms = duration_forms(date_ok);
    const std::string s = scalar(n, path, forms);
    std::size_t end = s.size();
    while (end > 0 && s[end - 1] == ' ') --end;
    if (end == 0) fail(n, path, "expected " + forms + ", found " + describe(n));
    if (looks_like_date(s))  // a date where only a duration will do
        fail(n, path, "expected " + forms + ", found the date " + describe(n) +
                          "; a date is taken only by at, from and horizon, once initial.start_date is set");
    const char unit = s[end - 1];
    double per = 0;
    switch (unit) {
        case 'd': per = 1.0; break;
        case 'w': per = kDaysPerWeek; break;
        case 'm': per = kDaysPerMonth; break;
        case 'y': per = kDaysPerYear; break;
        default: {
            if ((unit >= '0' && unit <= '9') || unit == '.')
                fail(n, path, "expected a duration with a unit (d, w, m or y), e.g. '" + s + "d', found " + describe(n));
            // A number and a word: "6 months", "6 maanden", "2 hours".
            std::size_t num_end = 0;
            while (num_end < end && (std::isdigit(static_cast<unsigned char>(s[num_end])) || s[num_end] == '.' ||
                                     s[num_end] == ','))
                ++num_end;
            std::size_t word_start = num_end;
            while (word_start < end && s[word_start] == ' ') ++word_start;
            const std::string number = s.substr(0, num_end), word = s.substr(word_start, end - word_start);
            const char named = num_end > 0 ? unit_of_word(word) : 0;
            std::string number_text = number;
            std::replace(number_text.begin(), number_text.end(), ',', '.');
            if (named)
                fail(n, path, "expected " + forms + ", found " + describe(n) + "; write it as " + number_text + named +
                                  " (d days, w weeks, m months, y years)");
            fail(n, path, "expected " + forms + ", found " + describe(n) +
                              "; a duration is a number and one letter: d (days), w (weeks), m (months) or y (years)");
        }
    }
    std::size_t num_end = end - 1;
    while (num_end > 0 && s[num_end - 1] == ' ') --num_end;
    double v = 0;
    auto r = std::from_chars(s.data(), s.data() + num_end, v);
    if (num_end == 0 || r.ec != std::errc{} || r.ptr != s.data() + num_end || !std::isfinite(v)) {
        const std::string number = s.substr(0, num_end);
        if (number.find(',') != std::string::npos && number.find('.') == std::string::npos) {
            std::string fixed = s;
            std::replace(fixed.begin(), fixed.end(), ',', '.');
            fail(n, path, "expected " + forms + ", found " + describe(n) + "; write decimals with a point: " + fixed);
        }
        fail(n, path, "expected " + forms + ", found " + describe(n));
    }
    const double days = v * per;
    if (allow_zero ? !(days >= 0) : !(days > 0))
        fail(n, path, std::string("expected a duration ") + (allow_zero ? "of at least 0" : "greater than 0") +
                          ", found " + describe(n));
    return days;
}

double Parser::time_point(const YAML::Node& n, const std::string& path, bool allow_zero) const {
    const std::string s = n.IsScalar() ? n.Scalar() : std::string();
    if (!looks_like_date(s)) return duration(n, path, allow_zero, true);
    const auto day = parse_date(s);
    if (!day) fail(n, path, "'" + s + "' is not a date of the calendar; expected YYYY-MM-DD, e.g. 2027-03-01");
    if (!start_date_)
        fail(n, path, "the date " + s + " needs a start date: set initial.start_date (the date of time 0), "
                      "or give a duration such as 6m, 26w or 180d");
    const double days = double(*day - *start_date_);
    if (days < 0 || (!allow_zero && days == 0))
        fail(n, path, "the date " + s + " is " + (days < 0 ? "before" : "on") + " the start date " +
                          format_date(*start_date_) + "; expected a date after it");
    return days;
}

schema::Value Parser::value(const YAML::Node& n, const std::string& path, const schema::Key& k) {
    using K = schema::Kind;
    if (!k.or_word.empty() && n.IsScalar() && n.Scalar() == k.or_word) return schema::Value{};
    switch (k.kind) {
        case K::text:
        case K::file: return scalar(n, path, std::string(k.expected));
        case K::number:
        case K::share: {
            const bool is_share = k.kind == K::share;
            const double lo = is_share ? 0.0 : k.min, hi = is_share ? 1.0 : k.max;
            const double v = number(n, path);
            if (!((k.min_exclusive ? v > lo : v >= lo) && v <= hi)) {
                // 30 meant as a percentage: 30% is 0.3
                const std::string hint =
                    is_share && v > 1 && v <= 100 ? "; " + format_number(v) + "% is " + format_number(v / 100) : "";
                fail(n, path, "expected " + (is_share ? std::string("a share between 0 and 1") : std::string(k.expected)) +
                                  ", found " + describe(n) + hint);
            }
            return v;
        }
        case K::integer: {
            const auto lo = std::int64_t(k.min);
            const auto hi = std::isfinite(k.max) ? std::int64_t(k.max) : std::numeric_limits<std::int64_t>::max();
            return integer(n, path, lo, hi, std::string(k.limit_note));
        }
        case K::duration: {
            const double days = k.date_ok ? time_point(n, path, !k.min_exclusive) : duration(n, path, !k.min_exclusive);
            if (days > k.max) fail(n, path, "expected " + std::string(k.expected) + ", found " + describe(n) + std::string(k.limit_note));
            return days;
        }
        case K::choice: {
            std::vector<std::string> choices(k.choices.begin(), k.choices.end());
            std::string words;
            for (const auto& c : choices) words += (words.empty() ? "" : " or ") + c;
            const std::string x = scalar(n, path, words);
            const auto it = std::find(choices.begin(), choices.end(), x);
            if (it == choices.end()) {
                std::string msg(k.unknown);
                for (const auto& [mark, text] : {std::pair<std::string, std::string>{"{value}", x}, {"{found}", describe(n)}})
                    if (const auto at = msg.find(mark); at != std::string::npos) msg.replace(at, mark.size(), text);
                fail(n, path, msg, nearest(x, choices));
            }
            return std::int64_t(it - choices.begin());
        }
        case K::date: {
            const std::string text = scalar(n, path, "a date");
            const auto day = parse_date(text);
            if (!day) fail(n, path, "expected a date YYYY-MM-DD (e.g. 2027-03-01), found " + describe(n));
            return std::int64_t(*day);
        }
        case K::distribution: return distribution(n, path);
        case K::section:
        case K::list:
        case K::named: break;
    }
    throw std::logic_error("the key table has no reader for " + path);
}

// ---- the walk of the table --------------------------------------------------------

void Parser::apply(const YAML::Node& root, Scenario& s) {
    for (const auto& e : key_problems(root, "", schema::keys("scenario"))) record(e);
    // The start state first: its date turns dates elsewhere into times.
    if (auto n = root["initial"]; n && !n.IsNull()) attempt([&] { apply_section(n, "initial", "initial", &s, s); });
    start_date_ = s.initial.start_date;
    apply_section(root, "", "scenario", &s, s);
    finish();
}

void Parser::apply_section(const YAML::Node& n, const std::string& path, std::string_view section, void* owner,
                           Scenario& s) {
    const schema::Section& sec = schema::section(section);
    if (!path.empty())
        for (const auto& e : key_problems(n, path, schema::keys(section))) record(e);
    if (sec.at_most_one.size() == 2 && n[std::string(sec.at_most_one[0])] && n[std::string(sec.at_most_one[1])]) {
        const std::string a(sec.at_most_one[0]), b(sec.at_most_one[1]);
        fail(n[b], child_path(path, b), "give either '" + a + "' or '" + b + "', not both");
    }
    for (const schema::Key& k : sec.keys) {
        const std::string key(k.name);
        const YAML::Node v = n[key];
        if (!v || v.IsNull()) continue;  // absent, or nothing after the key (reported above)
        const std::string p = child_path(path, key);
        if (path.empty() && (key == "initial" || key == "extends")) continue;  // read first / by the loader
        attempt([&] {
            if (k.field) {
                k.field.set(owner, value(v, p, k));
                note(v, p);
            } else if (k.kind == schema::Kind::section) {
                apply_section(v, p, k.ref, owner, s);
            } else {
                apply_custom(v, p, s);
            }
        });
    }
}

void Parser::apply_custom(const YAML::Node& v, const std::string& path, Scenario& s) {
    if (path == "referrals.rate_per_week") {
        const double rate = number(v, path);
        if (!(rate > 0)) fail(v, path, "expected a referral rate greater than 0, found " + describe(v));
        s.referrals.schedule = {RateSegment{0.0, rate}};
        note(v, "referrals.rate");
    } else if (path == "referrals.schedule") {
        apply_schedule(v, path, s.referrals);
    } else if (path == "referrals.children") {
        apply_children(v, path, s.referrals);
    } else if (path == "referrals.types") {
        apply_types(v, path, s.referrals, s);
    } else if (path == "initial.in_care_by_type") {
        expect_map(v, path);
        s.initial.in_care_by_type.clear();
        for (const auto& kv : v) {
            const std::string type = kv.first.Scalar();
            s.initial.in_care_by_type.emplace_back(type, integer(kv.second, path + "." + type, 0, kMaxWaitlistLength));
        }
        note(v, path);
    } else if (path == "workforce.teams") {
        apply_teams(v, path, s);
    } else if (path == "interventions") {
        apply_interventions(v, s.interventions);
    } else {
        throw std::logic_error("the key table names " + path + ", which the loader does not read");
    }
}

void Parser::apply_schedule(const YAML::Node& v, const std::string& sp, ReferralSpec& r) {
    if (!v.IsSequence() || v.size() == 0)
        fail(v, sp, "expected a list of {from: duration, rate_per_week: number}, found " + describe(v));
    std::vector<RateSegment> segs;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string ip = sp + "[" + std::to_string(i) + "]";
        check_keys(v[i], ip, schema::keys("referrals.schedule"));
        RateSegment seg;
        seg.from_day = time_point(require(v[i], ip, "from"), ip + ".from");
        seg.rate_per_week = number(require(v[i], ip, "rate_per_week"), ip + ".rate_per_week");
        if (seg.rate_per_week < 0) fail(v[i]["rate_per_week"], ip + ".rate_per_week", "expected a rate of at least 0");
        if (i == 0 && seg.from_day != 0.0) fail(v[i]["from"], ip + ".from", "the first segment must start at 0d");
        if (i > 0 && !(seg.from_day > segs.back().from_day))
            fail(v[i]["from"], ip + ".from", "expected segments in increasing order of 'from'");
        segs.push_back(seg);
    }
    r.schedule = std::move(segs);
    note(v, "referrals.rate");
}

void Parser::apply_children(const YAML::Node& v, const std::string& cp, ReferralSpec& r) {
    if (!v.IsSequence() || v.size() == 0 || v.size() > 20)
        fail(v, cp, "expected a list of shares of families with 1, 2, 3, ... children (at most 20), found " + describe(v));
    std::vector<double> shares;
    double sum = 0.0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        shares.push_back(share(v[i], cp + "[" + std::to_string(i) + "]"));
        sum += shares.back();
    }
    if (std::abs(sum - 1.0) > 1e-6)
        fail(v, cp, "expected shares of families with 1, 2, 3, ... children that sum to 1, found a sum of " + format_number(sum));
    r.children = std::move(shares);
    note(v, cp);
}

// Measure types by name; a child file changes its parent's types key by key.
void Parser::apply_types(const YAML::Node& v, const std::string& tp, ReferralSpec& r, Scenario& s) {
    expect_map(v, tp);
    if (v.size() == 0) fail(v, tp, "expected at least one measure type");
    std::set<std::string> seen;
    for (auto it = v.begin(); it != v.end(); ++it) attempt([&] {
        const std::string name = scalar(it->first, tp, "a measure type name");
        if (!seen.insert(name).second) fail(it->first, tp + "." + name, "duplicate measure type");
        if (it->second.IsNull())
            fail(it->first, tp + "." + name, "found nothing after '" + name + ":'; expected share, length and weight");
        const std::string ip = tp + "." + name;
        auto existing = std::find_if(r.types.begin(), r.types.end(), [&](const auto& t) { return t.name == name; });
        const bool is_new = existing == r.types.end();
        MeasureTypeSpec t;
        if (!is_new) t = *existing;
        t.name = name;
        const YAML::Node tn = it->second;
        check_keys(tn, ip, schema::keys("referrals.types"));
        if (is_new) {
            (void)require(tn, ip, "share");
            (void)require(tn, ip, "length");
        }
        apply_section(tn, ip, "referrals.types", &t, s);
        note(tn, ip);
        if (is_new)
            r.types.push_back(std::move(t));
        else
            *existing = std::move(t);
    });
    note(v, tp);
}

// Teams by name; a child file's teams replace its parent's.
void Parser::apply_teams(const YAML::Node& v, const std::string& tp, Scenario& s) {
    expect_map(v, tp);
    if (v.size() == 0) fail(v, tp, "expected at least one team (name: {share: ..., workers: ...})");
    std::set<std::string> seen;
    std::vector<TeamSpec> teams;
    for (auto it = v.begin(); it != v.end(); ++it) attempt([&] {
        const std::string name = scalar(it->first, tp, "a team name");
        if (!seen.insert(name).second) fail(it->first, tp + "." + name, "duplicate team");
        if (it->second.IsNull())
            fail(it->first, tp + "." + name, "found nothing after '" + name + ":'; expected {share: ..., workers: ...}");
        const std::string ip = tp + "." + name;
        const YAML::Node tn = it->second;
        check_keys(tn, ip, schema::keys("workforce.teams"));
        (void)require(tn, ip, "share");
        (void)require(tn, ip, "workers");
        TeamSpec t;
        t.name = name;
        apply_section(tn, ip, "workforce.teams", &t, s);
        note(tn, ip);
        teams.push_back(std::move(t));
    });
    s.teams.list = std::move(teams);
    note(v, tp);
}

// A list of interventions; a child file's list is added to its parent's.
// Each type's keys come from its parameter table (interventions.hpp), read
// by the same readers as every other key.
void Parser::apply_interventions(const YAML::Node& n, std::vector<InterventionSpec>& out) {
    const std::string path = "interventions";
    if (!n.IsSequence()) fail(n, path, "expected a list of interventions (- type: ..., at: ...), found " + describe(n));
    const std::vector<std::string> names(kInterventionNames.begin(), kInterventionNames.end());
    for (std::size_t i = 0; i < n.size(); ++i) attempt([&] {
        const YAML::Node e = n[i];
        const std::string ip = path + "[" + std::to_string(i) + "]";
        expect_map(e, ip);
        const YAML::Node tn = require(e, ip, "type");
        const std::string t = scalar(tn, ip + ".type", "an intervention type");
        auto it = std::find(names.begin(), names.end(), t);
        if (it == names.end())
            fail(tn, ip + ".type", "unknown intervention type '" + t + "'; expected one of: " + join(names),
                 nearest(t, names));
        InterventionSpec v;
        v.kind = scenario::make_intervention(std::size_t(it - names.begin()));
        check_keys(e, ip, schema::keys("intervention." + t));
        std::visit([&](auto& spec) { apply_params(e, ip, t, spec); }, v.kind);
        if (auto x = e["at"]) {
            v.at_days = std::get<double>(value(x, ip + ".at", *schema::find_key("intervention." + t, "at")));
            note(x, ip + ".at");
        }
        note(e, ip);
        out.push_back(v);
    });
}

template <class T>
void Parser::apply_params(const YAML::Node& e, const std::string& ip, const std::string& type, T& spec) {
    for (const auto& p : T::params())
        if (p.required) (void)require(e, ip, std::string(p.key));
    // A type whose effects all default to "no change" needs one of them
    // written: without, it would run and change nothing.
    if (!T::one_of().empty()) {
        std::string keys;
        bool any = false;
        for (std::string_view k : T::one_of()) {
            any |= bool(e[std::string(k)]);
            keys += (keys.empty() ? "'" : " or '") + std::string(k) + "'";
        }
        if (!any) fail(e, ip, "a " + type + " intervention without " + keys + " has no effect; expected at least one of them");
    }
    const std::string section = "intervention." + type;
    for (const auto& p : T::params()) {
        const std::string key(p.key);
        const YAML::Node x = e[key];
        if (!x) continue;
        const std::string path = child_path(ip, key);
        const schema::Value v = value(x, path, *schema::find_key(section, key));
        if (p.kind == ParamKind::integer) spec.*p.integer = int(std::get<std::int64_t>(v));
        else spec.*p.number = std::get<double>(v);
        note(x, path);
    }
}

// ---- distributions -----------------------------------------------------------------

kernel::DistributionSpec Parser::distribution(const YAML::Node& n, const std::string& path) {
    expect_map(n, path);
    const YAML::Node kind_node = n["distribution"];
    if (!kind_node) fail(n, path, "missing key 'distribution' (exponential, lognormal, gamma, fixed, uniform or empirical)");
    const std::string kind = scalar(kind_node, child_path(path, "distribution"), "a distribution name");
    const std::vector<std::string>& kinds = schema::distribution_kinds();
    const std::string dpath = child_path(path, "distribution");
    kernel::DistributionSpec d;
    if (kind == "exponential") {
        check_keys(n, path, schema::keys("distribution.exponential"));
        d = kernel::DistributionSpec::exponential(duration(require(n, path, "mean"), child_path(path, "mean")));
    } else if (kind == "lognormal" || kind == "gamma") {
        check_keys(n, path, schema::keys("distribution." + kind));
        const double mean = duration(require(n, path, "mean"), child_path(path, "mean"));
        const double cv = positive(require(n, path, "cv"), child_path(path, "cv"));
        d = kind == "lognormal" ? kernel::DistributionSpec::lognormal(mean, cv) : kernel::DistributionSpec::gamma(mean, cv);
    } else if (kind == "fixed") {
        check_keys(n, path, schema::keys("distribution.fixed"));
        d = kernel::DistributionSpec::fixed(duration(require(n, path, "value"), child_path(path, "value"), true));
    } else if (kind == "uniform") {
        check_keys(n, path, schema::keys("distribution.uniform"));
        const double lo = duration(require(n, path, "min"), child_path(path, "min"), true);
        const double hi = duration(require(n, path, "max"), child_path(path, "max"));
        if (hi < lo) fail(n["max"], child_path(path, "max"), "expected max >= min");
        d = kernel::DistributionSpec::uniform(lo, hi);
    } else if (kind == "empirical") {
        check_keys(n, path, schema::keys("distribution.empirical"));
        if (n["values"] && n["csv"]) fail(n, path, "give either 'values' or 'csv' with 'column', not both");
        if (n["values"]) {
            if (n["column"] || n["unit"]) fail(n, path, "'column' and 'unit' go with 'csv', not with 'values'");
            const YAML::Node vs = n["values"];
            const std::string vpath = child_path(path, "values");
            if (!vs.IsSequence() || vs.size() == 0)
                fail(vs, vpath, "expected a non-empty list of durations, found " + describe(vs));
            std::vector<double> values;
            for (std::size_t i = 0; i < vs.size(); ++i)
                values.push_back(duration(vs[i], vpath + "[" + std::to_string(i) + "]", true));
            d = kernel::DistributionSpec::empirical(std::move(values));
        } else if (n["csv"]) {
            d = empirical_csv(n, path);
        } else {
            fail(n, path, "an empirical distribution needs 'values' (a list of durations) or 'csv' with 'column'");
        }
    } else {
        fail(kind_node, dpath, "unknown distribution '" + kind + "'; expected one of: " + join(kinds),
             nearest(kind, kinds));
    }
    note(n, path);
    return d;
}

kernel::DistributionSpec Parser::empirical_csv(const YAML::Node& n, const std::string& path) {
    const std::string csv = scalar(n["csv"], path + ".csv", "a CSV file name");
    const YAML::Node col_node = require(n, path, "column");
    const std::string column = scalar(col_node, path + ".column", "a column name");
    double per = 1.0;
    if (auto u = n["unit"]) {
        const std::string unit = scalar(u, path + ".unit", "d, w, m or y");
        if (unit == "d") per = 1.0;
        else if (unit == "w") per = kDaysPerWeek;
        else if (unit == "m") per = kDaysPerMonth;
        else if (unit == "y") per = kDaysPerYear;
        else fail(u, path + ".unit", "unknown unit '" + unit + "'; expected d, w, m or y");
    }
    const fs::path file = dir_ / csv;
    const Location csv_at = where(n["csv"]);
    check_named_file(file, csv_at, path + ".csv", "with the values");
    std::istringstream in(read_file(file, &csv_at, kMaxCsvBytes));
    std::string line;
    if (!std::getline(in, line)) fail(n["csv"], path + ".csv", "CSV file '" + file.string() + "' is empty");
    auto split = [](const std::string& l) {
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream ss(l);
        while (std::getline(ss, cell, ',')) {
            while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
            while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
            if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
            cells.push_back(cell);
        }
        return cells;
    };
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark, as spreadsheets save
    const auto header = split(line);
    const auto it = std::find(header.begin(), header.end(), column);
    if (it == header.end())
        fail(col_node, path + ".column", "no column '" + column + "' in '" + file.string() + "'; it has: " + join(header),
             nearest(column, header));
    const std::size_t idx = std::size_t(it - header.begin());
    std::vector<double> values;
    int lineno = 1;
    while (std::getline(in, line)) {
        ++lineno;
        if (line.empty() || line == "\r") continue;
        const auto cells = split(line);
        if (cells.size() != header.size()) {
            while (!line.empty() && line.back() == '\r') line.pop_back();
            std::string msg = "expected " + std::to_string(header.size()) + " field(s) as in the header, found " +
                              std::to_string(cells.size()) + " in '" + line + "'";
            if (cells.size() == header.size() + 1)
                msg += "; if that is a decimal comma, write the number with a point (1.5, not 1,5)";
            throw ScenarioError(Location{file.string(), lineno, 1}, path + ".csv", msg);
        }
        double v = 0;
        const std::string cell = idx < cells.size() ? cells[idx] : std::string{};
        auto r = std::from_chars(cell.data(), cell.data() + cell.size(), v);
        if (cell.empty() || r.ec != std::errc{} || r.ptr != cell.data() + cell.size() || !std::isfinite(v) || v < 0)
            throw ScenarioError(Location{file.string(), lineno, 1}, path + ".csv",
                                "expected a non-negative number in column '" + column + "', found '" + cell + "'");
        values.push_back(v * per);
    }
    if (values.empty()) fail(n["csv"], path + ".csv", "CSV file '" + file.string() + "' has no values");
    auto d = kernel::DistributionSpec::empirical(std::move(values));
    d.source = csv + ":" + column;
    return d;
}

}  // namespace caseload::scenario::detail
