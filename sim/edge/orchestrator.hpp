#pragma once
// Orchestrator (MANO driving Helm on Kubernetes clusters): serves instantiate/terminate requests, each in an
// operation actor of its own so that operations overlap, with modelled phase delays drawn from the scenario's
// distributions, a bounded number of operations at once per site, and a real image transfer from the registry
// unless the site's cache holds the image (concurrent pulls to one site wait for the first).
#include "edge/mec_ledger.hpp"
#include "manager/events.hpp"
#include "edge/twin_book.hpp"
#include "metrics/recorder.hpp"
#include "topology/network_view.hpp"
#include "topology/platform.hpp"

#include <simgrid/s4u.hpp>

namespace v2x {

/// Readiness delay after the container started, as the kubelet's prober gives it (sources in scenario.proto,
/// Orchestrator): the probe worker's first probe at u x period (u in [0, 1): its random initial wait), then every
/// period; probes earlier than initial_delay are skipped; the first one at or after it succeeds.
double probe_readiness_s(double u, double initial_delay_s, double period_s);

struct OrchestratorDeps {
  const OrchestratorConfig& config;
  const TwinConfig& twin;
  const Platform& platform;
  NetworkView& network;  // image pulls are bulk flows
  MecLedger& ledger;
  TwinBook& twins;
  Recorder& recorder;
  std::uint64_t seed;
  FaultState* faults = nullptr;  // ORCHESTRATOR_DOWN holds requests; a downed MEC fails operations there
};

class Orchestrator {
public:
  Orchestrator(OrchestratorDeps deps, simgrid::s4u::Mailbox* inbox);
  void operator()();

private:
  void instantiate(const OrchestratorRequest& req, RandomStream& rng);
  void terminate(const OrchestratorRequest& req, RandomStream& rng);
  /// Sleeps for a sample of `d` and records the phase.
  void timed_phase(const OrchestratorRequest& req, const char* name, const Distribution& d, RandomStream& rng);
  void record_phase(const OrchestratorRequest& req, const char* name, double start, double bytes);
  /// A fault took `instance` (or its MEC is down): the deployment stops, its reply says so (a dead instance).
  bool gone(InstanceId instance) const;

  OrchestratorDeps deps_;
  simgrid::s4u::Mailbox* inbox_;
  std::uint64_t operations_ = 0;
};

} // namespace v2x
