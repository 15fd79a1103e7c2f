#pragma once
// Brokers as servers: each handles messages first-come first-served, one core of its site's speed,
// service.flops per message, so queueing emerges under load. A broker does not run an activity per message:
// the message's own carrier (the publishing actor) waits until the broker has served it (see telemetry.hpp).
#include "actors/mec.hpp"
#include "topology/infrastructure.hpp"

#include <vector>

namespace v2x {

class BrokerNet {
public:
  BrokerNet(const std::vector<BrokerInfo>& brokers, const std::vector<SiteInfo>& sites, MecLedger& ledger);
  /// A message arriving at broker b at `arrival`: returns when the broker has served it (Lindley recursion).
  double serve(BrokerId b, double arrival);

private:
  struct Server {
    SiteId site;
    double service_s;
    double busy_until;
  };
  std::vector<Server> servers_;
  MecLedger& ledger_;
};

} // namespace v2x
