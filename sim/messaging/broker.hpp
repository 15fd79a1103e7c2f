#pragma once
// Brokers as servers: each handles messages first-come first-served, one core of its site's speed,
// service.flops per message, so queueing emerges under load. A broker does not run an activity per message:
// the message's own carrier (the publishing actor) waits until the broker has served it (see telemetry.hpp).
#include "edge/mec_ledger.hpp"
#include "core/random.hpp"
#include "topology/faults.hpp"
#include "topology/infrastructure.hpp"

#include <vector>

namespace v2x {

class BrokerNet {
public:
  /// exponential: each message's work is exponential of mean service_flops (seeded per broker), else constant.
  BrokerNet(const std::vector<BrokerInfo>& brokers, const std::vector<SiteInfo>& sites, MecLedger& ledger,
            bool exponential = false, std::uint64_t seed = 0);
  /// A message arriving at broker b at `arrival`: returns when the broker has served it (Lindley recursion:
  /// start = max(arrival, previous departure), departure = start + service).
  double serve(BrokerId b, double arrival);
  /// MEC_DEGRADED: a broker's service time is divided by faults->site_speed(its site) (null: no faults).
  void set_faults(const FaultState* faults) { faults_ = faults; }

private:
  struct Server {
    SiteId site;
    double service_s;  // mean
    double busy_until;
    RandomStream rng;
  };
  bool exponential_;
  std::vector<Server> servers_;
  MecLedger& ledger_;
  const FaultState* faults_ = nullptr;
};

} // namespace v2x
