// The faults and healing of a scenario (scenario.proto: Fault, RandomFaults, Healing) as plain structs.
#include "proto/scenario_faults.hpp"

#include "scenario.pb.h"

namespace v2x {

namespace {

FaultKind to_kind(pb::Fault::Kind k)
{
  switch (k) {
  case pb::Fault::LINK_DOWN:
    return FaultKind::LinkDown;
  case pb::Fault::BROKER_DOWN:
    return FaultKind::BrokerDown;
  case pb::Fault::RSU_DOWN:
    return FaultKind::RsuDown;
  case pb::Fault::ORCHESTRATOR_DOWN:
    return FaultKind::OrchestratorDown;
  case pb::Fault::MEC_DEGRADED:
    return FaultKind::MecDegraded;
  default:
    return FaultKind::MecDown;
  }
}

} // namespace

void translate_faults(const pb::Scenario& m, Scenario& s)
{
  for (const pb::Fault& f : m.fault())
    s.faults.push_back(FaultConfig{to_kind(f.kind()), f.target(), f.at_s(), f.for_s(), f.factor()});
  for (const pb::RandomFaults& r : m.random_fault())
    s.random_faults.push_back(RandomFaultConfig{to_kind(r.kind()),
                                                std::vector<std::string>(r.target().begin(), r.target().end()),
                                                r.mtbf_s(), r.mttr_s(), r.factor(), r.start_s(), r.end_s()});
  const pb::Healing& h = m.healing();
  s.healing =
      HealingConfig{h.detection_delay_s(), h.keep_image_cache(), h.recover(), h.broker_fallback(), h.reconnect_s()};
}

} // namespace v2x
