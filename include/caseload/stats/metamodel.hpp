#pragma once
// A regression metamodel of a sweep: one metric's point means regressed on the
// swept parameters, to see which parameters matter and how much.
//
// Parameters are centred and scaled by the design (their mean and standard
// deviation over the design's points), terms are formed from those (z_j,
// z_i z_j, z_j^2), and the model is fitted by least squares from accumulated
// cross-products, so memory does not grow with the number of points.
//
// Reported per term: the coefficient in the metric's unit per unit of the
// parameter(s) around the design's centre, the standardized coefficient
// (coefficient x sd(term) / sd(metric): a standard deviation's change of the
// term moves the metric by that many of its standard deviations) and its
// standard error. Per parameter: the share of variance explained that is lost
// when every term with that parameter is left out (r2_drop), the ranking key.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace caseload::stats {

enum class Terms { linear, interactions, quadratic, full };  // full = interactions + quadratic

struct Term {
    std::size_t a = 0;
    std::size_t b = 0;          // == a for a square
    bool product = false;       // false: main effect of a
    [[nodiscard]] bool involves(std::size_t j) const { return a == j || (product && b == j); }
};

[[nodiscard]] std::vector<Term> make_terms(std::size_t parameters, Terms terms);
// "a", "a:b", "a^2"
[[nodiscard]] std::string term_name(const Term& t, const std::vector<std::string>& names);

struct TermFit {
    std::string name;
    double coefficient = 0;      // per unit of the parameter(s), around the design's centre
    double std_coefficient = 0;  // standardized
    double std_error = 0;        // of `coefficient`
};

struct ParameterImportance {
    std::string parameter;
    double r2_drop = 0;          // R^2 lost without this parameter's terms
    double std_main_effect = 0;  // standardized coefficient of its main effect
    std::size_t rank = 0;        // 1 = matters most
};

struct MetamodelFit {
    bool ok = false;
    std::string note;            // why not, when !ok
    std::size_t observations = 0;
    double r_squared = 0;
    double adj_r_squared = 0;
    double intercept = 0;        // the metric at the design's centre
    std::vector<TermFit> terms;
    std::vector<ParameterImportance> ranking;  // sorted by rank
};

class Metamodel {
public:
    // `centre` and `scale` per parameter: the design's mean and standard
    // deviation (a parameter with scale 0 is held fixed and left out).
    Metamodel(std::vector<std::string> names, std::vector<double> centre, std::vector<double> scale, Terms terms);

    // One observation: the parameters' values and the response. Observations
    // with a non-finite value are skipped.
    void add(std::span<const double> x, double y);
    [[nodiscard]] std::size_t observations() const { return n_; }
    [[nodiscard]] MetamodelFit fit() const;

private:
    std::vector<std::string> names_;
    std::vector<double> centre_, scale_;
    std::vector<Term> terms_;
    std::size_t n_ = 0;
    double y_shift_ = 0;                 // the first response, for numerical stability
    std::vector<double> gram_;           // (p+1) x (p+1), column-major, intercept first
    std::vector<double> xty_;            // p+1
    double yty_ = 0;
    std::vector<double> row_;            // scratch
};

}  // namespace caseload::stats
