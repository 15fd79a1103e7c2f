#pragma once
// Orchestrator (MANO driving Helm on Kubernetes clusters): serves instantiate/terminate requests, each in an
// operation actor of its own so that operations overlap, with modelled phase delays drawn from the scenario's
// distributions, a bounded number of operations at once per site, and a real image transfer from the registry
// unless the site's cache holds the image (concurrent pulls to one site wait for the first).
#include "edge/mec_ledger.hpp"
#include "manager/events.hpp"
#include "messaging/telemetry_path.hpp"
#include "edge/twin_book.hpp"
#include "metrics/recorder.hpp"
#include "topology/platform.hpp"

#include <simgrid/s4u.hpp>

namespace v2x {

struct OrchestratorDeps {
  const OrchestratorConfig& config;
  const TwinConfig& twin;
  const Platform& platform;
  MecLedger& ledger;
  TwinBook& twins;
  Recorder& recorder;
  std::uint64_t seed;
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

  OrchestratorDeps deps_;
  simgrid::s4u::Mailbox* inbox_;
  std::uint64_t operations_ = 0;
};

/// Publishes a serving twin instance's state to the dashboard broker every twin.dashboard_period_s.
class TwinDashboard {
public:
  TwinDashboard(InstanceId instance, const TwinBook& twins, const TwinConfig& config, TelemetryPath& telemetry);
  void operator()();

private:
  InstanceId instance_;
  std::uint32_t generation_;
  const TwinBook& twins_;
  const TwinConfig& config_;
  TelemetryPath& telemetry_;
};

} // namespace v2x
