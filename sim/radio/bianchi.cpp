// Bianchi's saturation model (see bianchi.hpp).
#include "radio/bianchi.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace v2x::radio {

double bianchi_tau(double p, std::uint32_t cw_min, std::uint32_t cw_max, std::uint32_t retry_limit)
{
  double attempts = 0, states = 0, pj = 1;
  double w = cw_min + 1.0;
  for (std::uint32_t j = 0; j < retry_limit; ++j) {
    attempts += pj;
    states += pj * (w + 1) / 2;
    pj *= p;
    w = std::min(2 * w, cw_max + 1.0);
  }
  return attempts / states;
}

BianchiResult bianchi_saturation(const BianchiInput& in)
{
  if (in.n < 1 || in.retry_limit < 1 || !(in.slot_s > 0) || !(in.ts_s > 0) || !(in.tc_s > 0))
    throw std::invalid_argument("bianchi_saturation: needs n >= 1, a retry limit >= 1 and durations > 0");
  const double n = in.n;
  // f(tau) = tau - tau(p(tau)) is increasing: tau(p) decreases with p, p increases with tau
  double lo = 0, hi = 1;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    const double p = 1 - std::pow(1 - mid, n - 1);
    if (mid - bianchi_tau(p, in.cw_min, in.cw_max, in.retry_limit) > 0)
      hi = mid;
    else
      lo = mid;
  }
  BianchiResult r;
  r.tau = (lo + hi) / 2;
  r.p = 1 - std::pow(1 - r.tau, n - 1);
  r.p_tr = 1 - std::pow(1 - r.tau, n);
  r.p_s = n * r.tau * std::pow(1 - r.tau, n - 1) / r.p_tr;
  r.mean_slot_s = (1 - r.p_tr) * in.slot_s + r.p_tr * r.p_s * in.ts_s + r.p_tr * (1 - r.p_s) * in.tc_s;
  r.frames_per_s = r.p_tr * r.p_s / r.mean_slot_s;
  return r;
}

} // namespace v2x::radio
