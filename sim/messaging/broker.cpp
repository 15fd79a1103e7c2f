#include "messaging/broker.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2x {


BrokerNet::BrokerNet(const std::vector<BrokerInfo>& brokers, const std::vector<SiteInfo>& sites, MecLedger& ledger,
                     bool exponential, std::uint64_t seed)
    : exponential_(exponential), ledger_(ledger)
{
  for (BrokerId b = 0; b < brokers.size(); ++b)
    servers_.push_back(Server{brokers[b].site, brokers[b].service_flops / sites[brokers[b].site].core_speed_flops_per_s,
                              0.0, RandomStream(seed, StreamPurpose::Broker, b)});
}

double BrokerNet::serve(BrokerId b, double arrival)
{
  Server& s = servers_[b];
  const double start = std::max(arrival, s.busy_until);
  double service = exponential_ ? -s.service_s * std::log(1.0 - s.rng.uniform()) : s.service_s;
  if (faults_ != nullptr && faults_->active())
    service /= faults_->site_speed(s.site);  // MEC_DEGRADED
  s.busy_until = start + service;
  ledger_.add_busy(s.site, service);
  return s.busy_until;
}

} // namespace v2x
