// Frame error probability by distance (see loss.hpp for the model and the sources of its defaults).
#include "radio/loss.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace v2x::radio {

double regularized_gamma_p(double a, double x)
{
  if (!(a > 0))
    throw std::invalid_argument("regularized_gamma_p needs a > 0 and x >= 0");
  return regularized_gamma_p(a, x, std::lgamma(a));
}

double regularized_gamma_p(double a, double x, double lgamma_a)
{
  if (!(a > 0) || !(x >= 0))
    throw std::invalid_argument("regularized_gamma_p needs a > 0 and x >= 0");
  if (x == 0)
    return 0;
  if (std::isinf(x))
    return 1;
  const double log_prefix = a * std::log(x) - x - lgamma_a;
  constexpr double eps = 1e-15;
  if (x < a + 1) {
    // series: gamma(a,x) = e^-x x^a sum x^n / (a (a+1) ... (a+n))
    double term = 1 / a, sum = term;
    for (int n = 1; n < 1000 && std::fabs(term) > std::fabs(sum) * eps; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return std::min(1.0, sum * std::exp(log_prefix));
  }
  // continued fraction for Q(a,x) by the modified Lentz method
  constexpr double tiny = std::numeric_limits<double>::min() / eps;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny)
      d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny)
      c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < eps)
      break;
  }
  return std::max(0.0, 1 - std::exp(log_prefix) * h);
}

double min_sensitivity_dbm(double rate_mbps)
{
  struct Entry {
    double rate_mbps, dbm;
  };
  static constexpr Entry table[] = {{3, -85},  {4.5, -84}, {6, -82},  {9, -80},
                                    {12, -77}, {18, -73},  {24, -69}, {27, -68}};
  for (const Entry& e : table)
    if (std::fabs(e.rate_mbps - rate_mbps) < 1e-9)
      return e.dbm;
  throw std::invalid_argument("no 10 MHz sensitivity for " + std::to_string(rate_mbps) + " Mb/s");
}

LossModel::LossModel(LossParams params)
    : params_(params), lgamma_near_(std::lgamma(params.m_near)), lgamma_far_(std::lgamma(params.m_far))
{
}

double LossModel::path_loss_db(double distance_m) const
{
  const double d = std::max(distance_m, 1.0);
  const LossParams& p = params_;
  if (d <= p.breakpoint_m)
    return p.reference_loss_db + 10 * p.exponent_near * std::log10(d);
  return p.reference_loss_db + 10 * p.exponent_near * std::log10(p.breakpoint_m) +
         10 * p.exponent_far * std::log10(d / p.breakpoint_m);
}

double LossModel::mean_rx_dbm(double distance_m) const
{
  return params_.tx_power_dbm + params_.antenna_gains_db - path_loss_db(distance_m);
}

double LossModel::per(double distance_m, double rate_mbps) const
{
  return per_below(distance_m, min_sensitivity_dbm(rate_mbps) + params_.sensitivity_offset_db);
}

double LossModel::per_below(double distance_m, double threshold_dbm) const
{
  const bool near = distance_m < params_.m_distance_m;
  const double m = near ? params_.m_near : params_.m_far;
  // received power ~ Gamma(shape m, mean p): P(X < s) = P(m, m s / p); s / p from the dB difference
  const double ratio = std::pow(10.0, (threshold_dbm - mean_rx_dbm(distance_m)) / 10);
  return regularized_gamma_p(m, m * ratio, near ? lgamma_near_ : lgamma_far_);
}

} // namespace v2x::radio
