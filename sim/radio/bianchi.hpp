#pragma once
// G. Bianchi, "Performance analysis of the IEEE 802.11 distributed coordination function", IEEE JSAC 18(3), 2000:
// saturation throughput of n stations that always have a frame, basic access. The backoff chain is Bianchi's with a
// finite retry limit (stages 0 .. R-1, window W_j = min(2^j (CWmin + 1), CWmax + 1)), so that the transmission
// probability per slot is tau = sum_j p^j / sum_j p^j (W_j + 1) / 2 (a frame's expected attempts over its expected
// backoff states); with R -> infinity it is Bianchi's equation (7). The reference the channel model is tested against.
#include <cstdint>

namespace v2x::radio {

struct BianchiInput {
  std::uint32_t n = 1;       // saturated stations
  std::uint32_t cw_min = 15; // CWmin (W = CWmin + 1)
  std::uint32_t cw_max = 1023;
  std::uint32_t retry_limit = 7; // attempts per frame (stages)
  double slot_s = 13e-6;         // sigma: an empty slot
  double ts_s = 0;               // T_s: a successful exchange, AIFS included
  double tc_s = 0;               // T_c: a collision, AIFS included
};

struct BianchiResult {
  double tau = 0;          // transmission probability of a station in a slot
  double p = 0;            // conditional collision probability
  double p_tr = 0;         // probability that a slot holds a transmission
  double p_s = 0;          // probability that a transmission succeeds
  double mean_slot_s = 0;  // E[slot] = (1 - Ptr) sigma + Ptr Ps Ts + Ptr (1 - Ps) Tc
  double frames_per_s = 0; // successful frames per second of the whole cell: Ptr Ps / E[slot]
};

/// Transmission probability tau of a station with collision probability p (the backoff chain above).
double bianchi_tau(double p, std::uint32_t cw_min, std::uint32_t cw_max, std::uint32_t retry_limit);
/// Solves tau = tau(p), p = 1 - (1 - tau)^(n-1) by bisection (the map is monotone) and derives the throughput.
BianchiResult bianchi_saturation(const BianchiInput& in);

} // namespace v2x::radio
