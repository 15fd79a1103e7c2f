#pragma once
// The SimGrid side of the infrastructure. Hosts: "<rsu>.cell" (the air side of an RSU's cell: vehicles'
// uplinks start there), "<rsu>" (the RSU), one host per site (MEC cluster or "cloud", with its cores),
// "registry" (container images). Links: "<rsu>.cell" (the cell's shared capacity, radio latency) and one
// SimGrid link per backhaul edge. Zones (platform_build.cpp): a backbone full zone over a star zone per site
// (the site's host and a zone per RSU whose broker is there) and the registry's zone, so that memory grows
// linearly with the RSUs; every route equals the infrastructure graph's shortest path (tests/sim/test_platform.cpp).
// Telemetry does not travel as SimGrid transfers (the telemetry plane times its hops on these routes, see
// messaging/telemetry_plane.hpp); bulk flows (image pulls, state transfers) do.
#include "topology/infrastructure.hpp"

#include <simgrid/s4u.hpp>
#include <string>
#include <utility>
#include <vector>

namespace v2x {

namespace sg4 = simgrid::s4u;

class Platform {
public:
  /// Creates the platform in `engine` (the network model must already be configured). Once per engine.
  /// `rate_steps`: the radio's rate by distance (see radio_host); empty = no per-vehicle rate cap.
  static Platform build(const Infrastructure& infra, sg4::Engine& engine,
                        const std::vector<RateStep>& rate_steps = {});
  /// Loads a SimGrid XML platform whose hosts carry v2x.* properties (platforms/README.md) and derives the
  /// infrastructure from it. Throws InputError naming the file, host and property.
  static std::pair<Infrastructure, Platform> load(const std::string& xml_path, const InfrastructureConfig& defaults,
                                                  sg4::Engine& engine);

  sg4::Host* cell_host(RsuId r) const { return cell_hosts_[r]; }
  /// Where the uplink of a vehicle in rate step `step` of RSU r's cell starts: "<rsu>.cell.<step>", behind a
  /// FATPIPE link "<rsu>.radio.<step>" at that step's rate (each flow capped at it, no sharing), then the
  /// shared cell link, then the backhaul to the RSU's broker. (SimGrid 3.32 ignores Comm::set_rate on
  /// host-to-host transfers, so the cap is in the platform.) The plain cell host when there are no steps.
  sg4::Host* radio_host(RsuId r, std::size_t step) const
  {
    return radio_steps_ == 0 ? cell_hosts_[r] : radio_hosts_[r * radio_steps_ + step];
  }
  std::size_t radio_steps() const { return radio_steps_; }
  sg4::Host* rsu_host(RsuId r) const { return rsu_hosts_[r]; }
  sg4::Host* site_host(SiteId s) const { return site_hosts_[s]; }
  sg4::Host* broker_host(BrokerId b) const { return broker_hosts_[b]; }
  sg4::Host* registry_host() const { return registry_host_; }
  /// Where the orchestrator and the manager run (the cloud site's host).
  sg4::Host* control_host() const { return control_host_; }
  /// Sum of link latencies from RSU r (after its cell link) to broker b's host.
  double backhaul_latency(RsuId r, BrokerId b) const;
  /// Sum of link latencies of the SimGrid route from RSU r's host to site s's host.
  double rsu_site_latency(RsuId r, SiteId s) const { return rsu_site_latency_[r * site_count_ + s]; }
  /// Latency of RSU r's cell link (radio access).
  double cell_latency(RsuId r) const { return cell_latency_[r]; }

private:
  std::vector<sg4::Host*> cell_hosts_;
  std::vector<sg4::Host*> radio_hosts_;  // RSU-major, radio_steps_ per RSU
  std::size_t radio_steps_ = 0;
  std::vector<sg4::Host*> rsu_hosts_;
  std::vector<sg4::Host*> site_hosts_;
  std::vector<sg4::Host*> broker_hosts_;
  sg4::Host* registry_host_ = nullptr;
  sg4::Host* control_host_ = nullptr;
  std::vector<double> cell_latency_; // per RSU, latency of its cell link
  std::size_t site_count_ = 0;
  std::vector<SiteId> broker_site_;      // per broker
  std::vector<double> rsu_site_latency_; // [r * site_count_ + s]: route latency from RSU r's host to site s's
};

} // namespace v2x
