#pragma once
// The fault injector: applies the run's fault schedule (topology/faults.hpp) on SimGrid's clock. At a fault's
// start it sets the FaultState the models read and does what the fault does at once (a MEC's twin instances are
// killed and their reservations freed, a link is turned off in SimGrid, an RSU's frames are dropped); at its end
// it undoes it. For each twin a fault leaves without an instance it tells the manager after the detection delay
// (the health check), which heals it (manager/healing.cpp).
#include "edge/mec_ledger.hpp"
#include "edge/sync.hpp"
#include "edge/twin_book.hpp"
#include "messaging/telemetry_plane.hpp"
#include "topology/faults.hpp"
#include "topology/network_view.hpp"
#include "topology/platform.hpp"

#include <simgrid/s4u.hpp>
#include <vector>

namespace v2x {

struct FaultInjectorDeps {
  std::vector<FaultEvent> schedule;
  FaultState& state;
  const HealingConfig& healing;
  const Infrastructure& infra;
  TwinBook& twins;
  MecLedger& ledger;
  TelemetryPlane& plane;
  NetworkView& network;
  simgrid::s4u::Mailbox* manager;
  CloudTwins* cloud = nullptr;  // twin.mode HYBRID: a killed edge twin's unsynced CAMs go with it
};

class FaultInjector {
public:
  explicit FaultInjector(FaultInjectorDeps deps);
  void operator()();

private:
  void begin(const FaultEvent& f);
  void finish(const FaultEvent& f);
  /// MEC_DOWN: every instance on `site` is killed; the twins left without one are lost.
  void kill_site(const FaultEvent& f);
  simgrid::s4u::Link* link_of(const FaultEvent& f) const;

  FaultInjectorDeps deps_;
};

} // namespace v2x
