#pragma once
// Energy of the sites. SimGrid's host energy plugin (sg_host_energy_plugin_init) meters every site host from the
// properties the platform gives it (topology/site_power.hpp: wattage_per_state "idle:full", wattage_off): its
// idle power while on, its off power while off (faults), and the load of any SimGrid execution on it. The twins'
// and brokers' message processing is not SimGrid executions (edge/twin_book.hpp and the brokers serve messages
// first come first served on v2xsim's own clock): its load is the busy core-seconds the MEC ledger counts, and
// it adds what the plugin's linear model would give for that load: (full - idle) x busy core-seconds / cores.
// So a site's energy = the plugin's meter + that term, and with no SimGrid execution on the site it is exactly
//   idle_w x T + (full_w - idle_w) x busy fraction x T   (busy fraction = busy core-seconds / (cores x T)).
// tests/sim/test_energy.cpp holds the plugin with real executions to the same formula.
#include "edge/mec_ledger.hpp"
#include "topology/platform.hpp"

#include <vector>

namespace v2x {

/// The hand computation: `idle_w` x `time_s` + (`full_w` - `idle_w`) x `busy_core_s` / `cores`.
double energy_by_hand(double idle_w, double full_w, std::uint32_t cores, double time_s, double busy_core_s);

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
  /// Whether the site's host has power figures (else its energy is reported as 0).
  bool metered(SiteId s) const;

private:
  const Platform& platform_;
  const std::vector<SiteInfo>& sites_;
  const MecLedger& ledger_;
};

} // namespace v2x
