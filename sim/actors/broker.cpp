#include "actors/broker.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2x {


BrokerNet::BrokerNet(const std::vector<BrokerInfo>& brokers, const std::vector<SiteInfo>& sites, MecLedger& ledger)
    : ledger_(ledger)
{
  for (const BrokerInfo& b : brokers)
    servers_.push_back(Server{b.site, b.service_flops / sites[b.site].core_speed_flops_per_s, 0.0});
}

double BrokerNet::serve(BrokerId b, double arrival)
{
  Server& s = servers_[b];
  const double start = std::max(arrival, s.busy_until);
  s.busy_until = start + s.service_s;
  ledger_.add_busy(s.site, s.service_s);
  return s.busy_until;
}

} // namespace v2x
