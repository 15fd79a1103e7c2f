#pragma once
// 802.11p (ITS-G5) OFDM timing for a 10 MHz channel, IEEE 802.11-2016 clause 17, and the EDCA access parameters
// of OCB mode (dot11OCBActivated). Pure model: no SimGrid, no I/O.
#include <cstdint>

namespace v2x::radio {

/// PHY timing (IEEE 802.11-2016 Table 17-21, "half-clocked" 10 MHz column) and the rates used for control frames.
struct Phy {
  double preamble_s = 32e-6; // T_PREAMBLE: short + long training sequences
  double signal_s = 8e-6;    // T_SIGNAL: one BPSK-1/2 symbol
  double symbol_s = 8e-6;    // T_SYM: 6.4 µs + 1.6 µs guard interval
  double slot_s = 13e-6;     // aSlotTime (Table 17-21, 10 MHz)
  double sifs_s = 32e-6;     // aSIFSTime (Table 17-21, 10 MHz)
  std::uint32_t ack_b = 14;  // ACK frame: frame control 2, duration 2, RA 6, FCS 4 (§9.3.1.4)
  // Highest rate of the basic rate set, Mb/s. The basic rate set is the 10 MHz mandatory rates (3, 6, 12 Mb/s,
  // §17.3.2.3) up to this one; an ACK is sent at the highest basic rate <= the rate of the frame it acknowledges
  // (control response rule, §10.6.6.5.2). 6 Mb/s is ETSI EN 302 663's default rate of the control channel.
  double basic_rate_mbps = 6;

  /// Data bits per OFDM symbol at `rate_mbps`: N_DBPS = rate x T_SYM (24, 36, 48, 72, 96, 144, 192, 216 at 3, 4.5,
  /// 6, 9, 12, 18, 24, 27 Mb/s on 10 MHz, Table 17-4). Throws std::invalid_argument for any other rate.
  std::uint32_t n_dbps(double rate_mbps) const;
  /// Duration of a PPDU carrying a PSDU of `psdu_b` bytes (§17.4.3, Equation 17-29):
  /// T_PREAMBLE + T_SIGNAL + T_SYM x ceil((16 + 8 L + 6) / N_DBPS) (16 SERVICE bits, 6 tail bits).
  double airtime_s(std::uint32_t psdu_b, double rate_mbps) const;
  /// The same with N_DBPS given (n_dbps(rate_mbps), looked up once per rate by callers that send many frames).
  double airtime_dbps_s(std::uint32_t psdu_b, std::uint32_t n_dbps) const;
  /// Rate of the ACK answering a frame sent at `data_rate_mbps` (control response rule above).
  double ack_rate_mbps(double data_rate_mbps) const;
  /// Airtime of that ACK.
  double ack_airtime_s(double data_rate_mbps) const;
  /// How long a sender waits for an ACK that does not come, from the end of its frame: SIFS + ACK airtime + one slot.
  /// The standard's ACKTimeout is aSIFSTime + aSlotTime + aRxPHYStartDelay (§10.3.2.9); the ACK's own airtime stands
  /// for aRxPHYStartDelay here, so that a failed exchange holds the medium as long as a successful one plus a slot for
  /// every station of the cell (the others' EIFS after an undecodable frame is at least as long, §10.3.2.3.7).
  double ack_timeout_s(double data_rate_mbps) const;
};

/// EDCA access categories (IEEE 802.11-2016 §10.22.2).
enum class AccessCategory { Background, BestEffort, Video, Voice };

/// One access category's EDCA parameters.
struct Edca {
  std::uint32_t cw_min = 15;     // aCWmin of the OFDM PHY (Table 17-21)
  std::uint32_t cw_max = 1023;   // aCWmax of the OFDM PHY (Table 17-21)
  std::uint32_t aifsn = 6;       // AC_BE in OCB mode
  std::uint32_t retry_limit = 7; // dot11ShortRetryLimit (Annex C): attempts of a frame before it is discarded

  /// The default EDCA parameter set when dot11OCBActivated is true (IEEE 802.11-2016 §9.4.2.29, EDCA Parameter Set
  /// element, OCB column; the same values in ETSI EN 302 663 for ITS-G5), aCWmin 15, aCWmax 1023:
  /// AC_BK CW 15..1023 AIFSN 9; AC_BE 15..1023 AIFSN 6; AC_VI 7..15 AIFSN 3; AC_VO 3..7 AIFSN 2.
  static Edca ocb(AccessCategory ac);
  /// AIFS[AC] = aSIFSTime + AIFSN x aSlotTime (§10.3.2.3.6): 110 µs for AC_BE on 10 MHz.
  double aifs_s(const Phy& phy) const { return phy.sifs_s + aifsn * phy.slot_s; }
};

} // namespace v2x::radio
