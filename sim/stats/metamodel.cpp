#include "caseload/stats/metamodel.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace caseload::stats {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

std::vector<Term> make_terms(std::size_t k, Terms terms) {
    std::vector<Term> out;
    for (std::size_t j = 0; j < k; ++j) out.push_back({j, j, false});
    if (terms == Terms::interactions || terms == Terms::full)
        for (std::size_t a = 0; a < k; ++a)
            for (std::size_t b = a + 1; b < k; ++b) out.push_back({a, b, true});
    if (terms == Terms::quadratic || terms == Terms::full)
        for (std::size_t j = 0; j < k; ++j) out.push_back({j, j, true});
    return out;
}

std::string term_name(const Term& t, const std::vector<std::string>& names) {
    if (!t.product) return names[t.a];
    if (t.a == t.b) return names[t.a] + "^2";
    return names[t.a] + ":" + names[t.b];
}

Metamodel::Metamodel(std::vector<std::string> names, std::vector<double> centre, std::vector<double> scale, Terms terms)
    : names_(std::move(names)), centre_(std::move(centre)), scale_(std::move(scale)) {
    if (centre_.size() != names_.size() || scale_.size() != names_.size())
        throw std::invalid_argument("metamodel: one centre and one scale per parameter");
    // Parameters the design holds fixed (or that are not numbers) carry no information.
    for (const Term& t : make_terms(names_.size(), terms)) {
        auto usable = [&](std::size_t j) { return std::isfinite(scale_[j]) && scale_[j] > 0 && std::isfinite(centre_[j]); };
        if (usable(t.a) && usable(t.b)) terms_.push_back(t);
    }
    const std::size_t m = terms_.size() + 1;
    gram_.assign(m * m, 0.0);
    xty_.assign(m, 0.0);
    row_.assign(m, 0.0);
}

void Metamodel::add(std::span<const double> x, double y) {
    if (x.size() != names_.size()) throw std::invalid_argument("metamodel: one value per parameter");
    if (!std::isfinite(y)) return;
    for (const Term& t : terms_)
        if (!std::isfinite(x[t.a]) || !std::isfinite(x[t.b])) return;
    if (n_ == 0) y_shift_ = y;
    const std::size_t m = terms_.size() + 1;
    row_[0] = 1.0;
    for (std::size_t i = 0; i < terms_.size(); ++i) {
        const Term& t = terms_[i];
        const double za = (x[t.a] - centre_[t.a]) / scale_[t.a];
        const double zb = (x[t.b] - centre_[t.b]) / scale_[t.b];
        row_[i + 1] = t.product ? za * zb : za;
    }
    const double yc = y - y_shift_;
    for (std::size_t c = 0; c < m; ++c) {
        for (std::size_t r = 0; r < m; ++r) gram_[c * m + r] += row_[r] * row_[c];
        xty_[c] += row_[c] * yc;
    }
    yty_ += yc * yc;
    ++n_;
}

MetamodelFit Metamodel::fit() const {
    MetamodelFit out;
    out.observations = n_;
    const std::size_t m = terms_.size() + 1;
    const Eigen::Map<const Eigen::MatrixXd> G(gram_.data(), Eigen::Index(m), Eigen::Index(m));
    const Eigen::Map<const Eigen::VectorXd> c(xty_.data(), Eigen::Index(m));
    const double n = double(n_);
    if (terms_.empty()) {
        out.note = "no parameter varies";
        return out;
    }
    if (n_ < 3) {
        out.note = "too few points";
        return out;
    }
    const double sst = yty_ - c(0) * c(0) / n;
    if (!(sst > 1e-12 * std::max(yty_, 1e-300))) {
        out.note = "the metric does not vary over the points";
        return out;
    }

    // Terms that vary over the observations (a square of a two-level
    // parameter is constant, for example).
    std::vector<double> term_var(m, 0.0);
    std::vector<std::size_t> active{0};
    for (std::size_t i = 1; i < m; ++i) {
        term_var[i] = (G(Eigen::Index(i), Eigen::Index(i)) - G(0, Eigen::Index(i)) * G(0, Eigen::Index(i)) / n) / (n - 1);
        if (term_var[i] > 1e-10 * std::max(1.0, G(Eigen::Index(i), Eigen::Index(i)) / n)) active.push_back(i);
    }
    if (n_ <= active.size()) {
        out.note = "too few points (" + std::to_string(n_) + ") for " + std::to_string(active.size()) + " coefficients";
        return out;
    }

    struct Solved {
        bool ok = false;
        Eigen::VectorXd b;
        Eigen::MatrixXd inverse;
        double sse = 0;
    };
    auto solve = [&](const std::vector<std::size_t>& idx, bool want_inverse) {
        Solved s;
        const auto k = Eigen::Index(idx.size());
        Eigen::MatrixXd g(k, k);
        Eigen::VectorXd v(k);
        for (Eigen::Index r = 0; r < k; ++r) {
            v(r) = c(Eigen::Index(idx[std::size_t(r)]));
            for (Eigen::Index q = 0; q < k; ++q) g(r, q) = G(Eigen::Index(idx[std::size_t(r)]), Eigen::Index(idx[std::size_t(q)]));
        }
        Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(g);
        qr.setThreshold(1e-10);
        if (qr.rank() < k) return s;
        s.b = qr.solve(v);
        s.sse = std::max(0.0, yty_ - s.b.dot(v));
        if (want_inverse) s.inverse = qr.inverse();
        s.ok = true;
        return s;
    };

    const Solved full = solve(active, true);
    if (!full.ok) {
        out.note = "the terms are collinear over these points (the design cannot tell them apart)";
        return out;
    }
    const double p = double(active.size());
    out.ok = true;
    out.r_squared = std::clamp(1.0 - full.sse / sst, 0.0, 1.0);
    out.adj_r_squared = 1.0 - (1.0 - out.r_squared) * (n - 1) / (n - p);
    out.intercept = full.b(0) + y_shift_;
    const double sigma2 = full.sse / (n - p);
    const double sd_y = std::sqrt(sst / (n - 1));
    for (std::size_t r = 1; r < active.size(); ++r) {
        const Term& t = terms_[active[r] - 1];
        const double unit = t.product ? scale_[t.a] * scale_[t.b] : scale_[t.a];
        TermFit tf;
        tf.name = term_name(t, names_);
        const double b = full.b(Eigen::Index(r));
        tf.coefficient = b / unit;
        tf.std_coefficient = b * std::sqrt(term_var[active[r]]) / sd_y;
        tf.std_error = std::sqrt(std::max(0.0, sigma2 * full.inverse(Eigen::Index(r), Eigen::Index(r)))) / unit;
        out.terms.push_back(tf);
    }

    // Importance: the R^2 lost when a parameter's terms are left out.
    for (std::size_t j = 0; j < names_.size(); ++j) {
        bool used = false;
        std::vector<std::size_t> without{0};
        double main = kNaN;
        for (std::size_t r = 1; r < active.size(); ++r) {
            const Term& t = terms_[active[r] - 1];
            if (t.involves(j)) {
                used = true;
                if (!t.product) main = out.terms[r - 1].std_coefficient;
            } else {
                without.push_back(active[r]);
            }
        }
        if (!used) continue;
        const Solved reduced = solve(without, false);
        ParameterImportance pi;
        pi.parameter = names_[j];
        pi.r2_drop = reduced.ok ? std::max(0.0, (reduced.sse - full.sse) / sst) : kNaN;
        pi.std_main_effect = main;
        out.ranking.push_back(pi);
    }
    // A total order (ties fall back to the parameters' order), so plain sort is deterministic.
    std::vector<std::size_t> order(out.ranking.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
        const auto& a = out.ranking[i];
        const auto& b = out.ranking[j];
        const double x = std::isnan(a.r2_drop) ? -1 : a.r2_drop, y = std::isnan(b.r2_drop) ? -1 : b.r2_drop;
        if (x != y) return x > y;
        const double ma = std::isnan(a.std_main_effect) ? -1 : std::fabs(a.std_main_effect);
        const double mb = std::isnan(b.std_main_effect) ? -1 : std::fabs(b.std_main_effect);
        if (ma != mb) return ma > mb;
        return i < j;
    });
    std::vector<ParameterImportance> ranked;
    for (std::size_t i : order) ranked.push_back(out.ranking[i]);
    out.ranking = std::move(ranked);
    for (std::size_t i = 0; i < out.ranking.size(); ++i) out.ranking[i].rank = i + 1;
    return out;
}

}  // namespace caseload::stats
