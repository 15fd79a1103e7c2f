#pragma once
// Energy of the sites. SimGrid's host energy plugin (sg_host_energy_plugin_init) meters every site host from the
// properties the platform gives it (topology/site_power.hpp: wattage_per_state "idle:full", wattage_off): its
// idle power while on, and the load of any SimGrid execution on it. The twins' and brokers' message processing
// is not SimGrid executions (edge/twin_book.hpp and the brokers serve messages first come first served on
// v2xsim's own clock): its load is the busy core-seconds the MEC ledger counts, and it adds what the plugin's
// linear model would give for that load: (full - idle) x busy core-seconds / cores.
// A MEC_DOWN fault: the site draws its off power while down. Its SimGrid host is not turned off, because in
// SimGrid 3.32 that fails every host-to-host comm under way with the host at once (NetworkFailureException),
// and a comm started to or from a host that is off aborts the process (CommImpl::start: "Assertion to_->is_on()
// failed", seen here with a two-host program): the image pulls, state transfers and session flows that
// NetworkView::bulk_transfer carries to a downed MEC (it retries a failed flow at once) would crash the run.
// No actor runs on a MEC host (they all run on the control host), so nothing else would change. Instead the
// meter takes the site's down time from the MEC ledger and swaps its idle power for its off power over it
// (nothing is busy on a downed site: its twins and brokers are gone).
// So a site's energy = the plugin's meter + the busy term - (idle_w - off_w) x down time, which with no SimGrid
// execution on the site is exactly
//   idle_w x up time + off_w x down time + (full_w - idle_w) x busy core-seconds / cores.
// tests/sim/test_energy.cpp holds the plugin with real executions to the same formula, and the meter under an
// outage to it.
#include "edge/mec_ledger.hpp"
#include "topology/platform.hpp"

#include <vector>

namespace v2x {

/// The hand computation: `idle_w` x `time_s` + (`full_w` - `idle_w`) x `busy_core_s` / `cores`.
double energy_by_hand(double idle_w, double full_w, std::uint32_t cores, double time_s, double busy_core_s);
/// The same with `down_s` of the `time_s` spent down at `off_w`: idle_w x (time_s - down_s) + off_w x down_s +
/// the busy term.
double energy_by_hand(double idle_w, double full_w, double off_w, std::uint32_t cores, double time_s, double down_s,
                      double busy_core_s);

class EnergyMeter {
public:
  /// Turns SimGrid's host energy plugin on: after the Engine is made, before the platform is built.
  static void init_plugin();
  EnergyMeter(const Platform& platform, const std::vector<SiteInfo>& sites, const MecLedger& ledger);
  /// J consumed by site `s` from t = 0 to now (call from an actor, or after the run).
  double energy_j(SiteId s) const;
  /// The same with the site's busy core-seconds given (read earlier at the same simulated time).
  double energy_j(SiteId s, double busy_core_s) const;
  /// Brings every host's meter to now in one simcall (then energy_j does not yield).
  void update_all() const;
  double total_j() const;
  /// The plugin's power figures of a site (those it read from the host's properties).
  double idle_w(SiteId s) const;
  double full_w(SiteId s) const;
  double off_w(SiteId s) const;
  /// Whether the site's host has power figures (else its energy is reported as 0).
  bool metered(SiteId s) const;

private:
  const Platform& platform_;
  const std::vector<SiteInfo>& sites_;
  const MecLedger& ledger_;
};

} // namespace v2x
