#pragma once
// A random duration law, sampled with inverse-transform / Box-Muller written here (not <random>'s
// distributions, whose algorithms differ between standard libraries) so outputs are portable.
#include "core/random.hpp"

#include <string>

namespace v2x {

struct Distribution {
  enum class Kind { Constant, Uniform, Exponential, Normal, Lognormal };
  Kind kind = Kind::Constant;
  double value = 0;   // s: constant, mean (exponential, normal) or median (lognormal)
  double min = 0;     // s: lower bound (uniform, truncation)
  double max = 1e9;   // s: upper bound (uniform, truncation)
  double stddev = 0;  // s: normal
  double sigma = 0;   // 1: lognormal log-standard-deviation

  static Distribution constant(double v) { return Distribution{Kind::Constant, v, 0, 1e9, 0, 0}; }
  static Distribution uniform(double lo, double hi) { return Distribution{Kind::Uniform, 0, lo, hi, 0, 0}; }

  double sample(RandomStream& rng) const;
  /// Expected value (of the untruncated law), for summaries and tests.
  double mean() const;
  std::string describe() const;
};

} // namespace v2x
