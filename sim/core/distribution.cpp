#include "core/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace v2x {

namespace {
double standard_normal(RandomStream& rng)
{
  // Box-Muller; 1 - u avoids log(0).
  const double u1 = 1.0 - rng.uniform();
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}
} // namespace

double Distribution::sample(RandomStream& rng) const
{
  switch (kind) {
    case Kind::Constant:
      return value;
    case Kind::Uniform:
      return min + (max - min) * rng.uniform();
    case Kind::Exponential:
      return -value * std::log(1.0 - rng.uniform());
    case Kind::Normal:
      return std::clamp(value + stddev * standard_normal(rng), min, max);
    case Kind::Lognormal:
      return std::clamp(value * std::exp(sigma * standard_normal(rng)), min, max);
  }
  return value;
}

double Distribution::mean() const
{
  switch (kind) {
    case Kind::Uniform:
      return 0.5 * (min + max);
    case Kind::Lognormal:
      return value * std::exp(0.5 * sigma * sigma);
    default:
      return value;
  }
}

std::string Distribution::describe() const
{
  std::ostringstream s;
  switch (kind) {
    case Kind::Constant:
      s << value << " s";
      break;
    case Kind::Uniform:
      s << "uniform(" << min << ", " << max << ") s";
      break;
    case Kind::Exponential:
      s << "exponential(mean " << value << ") s";
      break;
    case Kind::Normal:
      s << "normal(" << value << ", sd " << stddev << ") s";
      break;
    case Kind::Lognormal:
      s << "lognormal(median " << value << ", sigma " << sigma << ") s";
      break;
  }
  return s.str();
}

} // namespace v2x
