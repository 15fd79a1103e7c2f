#pragma once
// Frame error probability by distance and rate: mean received power from a dual-slope log-distance path loss,
// Nakagami-m power fading around it, and the threshold ("sensitivity") reception model: an attempt fails when the
// faded received power is below the receiver's minimum sensitivity for the rate. Deterministic given the parameters
// (the channel draws the attempt's outcome from this probability). Pure model.
//
// Sources of the defaults:
// - path loss: L. Cheng, B. Henty, D. Stancil, F. Bai, P. Mudalige, "Mobile vehicle-to-vehicle narrowband channel
//   measurement and characterization of the 5.9 GHz DSRC frequency band", IEEE JSAC 25(8), 2007: dual-slope model,
//   exponent 2.1 up to the critical distance 100 m and 3.8 beyond (suburban), free-space loss at 1 m
//   (20 log10(4 pi / lambda) = 47.86 dB at 5.9 GHz).
// - fading: Nakagami-m with m = 1.5 below 80 m and 0.75 beyond (ns-3 NakagamiPropagationLossModel defaults, from
//   Killat and Hartenstein's fits of highway measurements); m < 1 is fading worse than Rayleigh.
// - sensitivity: IEEE 802.11-2016 Table 17-18, 10 MHz channel: -85, -84, -82, -80, -77, -73, -69, -68 dBm at
//   3, 4.5, 6, 9, 12, 18, 24, 27 Mb/s (the minimum a compliant receiver meets at 10 % PER for 1000 B frames).
// - transmit power 20 dBm, antenna gains 0 dBi: a typical OBU (ETSI EN 302 571 allows up to 33 dBm EIRP).
#include <cstdint>

namespace v2x::radio {

struct LossParams {
  double tx_power_dbm = 23;         // dBm: transmit power (scenario.proto: Network.Radio.Loss)
  double antenna_gains_db = 6;      // dB: sum of the transmit and receive antenna gains
  double reference_loss_db = 47.86; // dB: path loss at 1 m (free space at 5.9 GHz)
  double exponent_near = 2.1;       // path loss exponent up to breakpoint_m
  double exponent_far = 3.8;        // path loss exponent beyond breakpoint_m
  double breakpoint_m = 100;        // m: critical distance of the dual-slope model
  double m_near = 1.5;              // Nakagami m below m_distance_m
  double m_far = 0.75;              // Nakagami m at and beyond m_distance_m
  double m_distance_m = 80;         // m
  double sensitivity_offset_db = 0; // dB added to every Table 17-18 sensitivity (a better receiver: negative)
};

/// Minimum sensitivity (dBm) of IEEE 802.11-2016 Table 17-18 (10 MHz) at `rate_mbps`; throws std::invalid_argument
/// for a rate that is not an OFDM rate of the 10 MHz channel.
double min_sensitivity_dbm(double rate_mbps);

class LossModel {
public:
  explicit LossModel(LossParams params = {});
  /// Mean path loss (dB) at distance_m (distances below 1 m count as 1 m).
  double path_loss_db(double distance_m) const;
  /// Mean received power (dBm) at distance_m.
  double mean_rx_dbm(double distance_m) const;
  /// Probability that one attempt at `rate_mbps` over distance_m fails: P(faded power < sensitivity) =
  /// P(m, m s / p) (regularised lower incomplete gamma), s and p the sensitivity and mean power in mW.
  double per(double distance_m, double rate_mbps) const;
  /// The same with the sensitivity given: min_sensitivity_dbm(rate) + params().sensitivity_offset_db.
  double per_below(double distance_m, double threshold_dbm) const;
  const LossParams& params() const { return params_; }

private:
  LossParams params_;
  double lgamma_near_, lgamma_far_;  // ln Gamma(m) of m_near and m_far
};

/// Regularised lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0
/// (series for x < a + 1, continued fraction otherwise: Numerical Recipes, 3rd ed., §6.2).
double regularized_gamma_p(double a, double x);
/// The same with ln Gamma(a) given (std::lgamma(a)): the same value.
double regularized_gamma_p(double a, double x, double lgamma_a);

} // namespace v2x::radio
