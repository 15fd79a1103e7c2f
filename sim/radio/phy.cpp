// 802.11p OFDM timing and EDCA parameters: see phy.hpp for the clauses of IEEE 802.11-2016 behind every figure.
#include "radio/phy.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace v2x::radio {

std::uint32_t Phy::n_dbps(double rate_mbps) const
{
  const double bits = rate_mbps * symbol_s * 1e6; // Mb/s x µs = bits per symbol
  const double rounded = std::round(bits);
  // the N_DBPS of Table 17-4, the same for every channel width: only the symbol time scales with the clock
  for (const std::uint32_t n : {24u, 36u, 48u, 72u, 96u, 144u, 192u, 216u})
    if (std::fabs(bits - n) < 1e-6 && rounded == n)
      return n;
  throw std::invalid_argument("not an OFDM rate of this channel: " + std::to_string(rate_mbps) + " Mb/s");
}

double Phy::airtime_s(std::uint32_t psdu_b, double rate_mbps) const
{
  return airtime_dbps_s(psdu_b, n_dbps(rate_mbps));
}

double Phy::airtime_dbps_s(std::uint32_t psdu_b, std::uint32_t n) const
{
  const std::uint64_t bits = 16 + 8ULL * psdu_b + 6;
  const std::uint64_t symbols = (bits + n - 1) / n;
  return preamble_s + signal_s + symbol_s * static_cast<double>(symbols);
}

double Phy::ack_rate_mbps(double data_rate_mbps) const
{
  // mandatory rates of the 10 MHz channel (§17.3.2.3), scaled with the symbol time for other widths
  const double scale = 8e-6 / symbol_s;
  double rate = 3 * scale; // the lowest mandatory rate answers anything below it too
  for (const double r : {3.0, 6.0, 12.0})
    if (r * scale <= basic_rate_mbps + 1e-9 && r * scale <= data_rate_mbps + 1e-9)
      rate = r * scale;
  return rate;
}

double Phy::ack_airtime_s(double data_rate_mbps) const
{
  return airtime_s(ack_b, ack_rate_mbps(data_rate_mbps));
}

double Phy::ack_timeout_s(double data_rate_mbps) const
{
  return sifs_s + ack_airtime_s(data_rate_mbps) + slot_s;
}

Edca Edca::ocb(AccessCategory ac)
{
  switch (ac) {
  case AccessCategory::Background:
    return Edca{15, 1023, 9, 7};
  case AccessCategory::BestEffort:
    return Edca{15, 1023, 6, 7};
  case AccessCategory::Video:
    return Edca{7, 15, 3, 7};
  case AccessCategory::Voice:
    return Edca{3, 7, 2, 7};
  }
  throw std::invalid_argument("unknown access category");
}

} // namespace v2x::radio
