#include "edge/tsdb.hpp"

#include <algorithm>

namespace v2x {

TsdbStore::TsdbStore(const TsdbConfig& config, const std::vector<SiteInfo>& sites, SiteId site, MecLedger& ledger)
    : config_(config), sites_(sites), site_(site), ledger_(ledger)
{
}

double TsdbStore::write(double made, double t)
{
  const double service = config_.write_flops / (sites_[site_].core_speed_flops_per_s * config_.cores);
  busy_until_ = std::max(t, busy_until_) + service;
  ledger_.add_busy(site_, service * config_.cores);
  ++points_;
  bytes_ += config_.point_b;
  lag_.add(busy_until_ - made);
  return busy_until_;
}

std::uint32_t TsdbStore::next_epoch(StationId s)
{
  if (s >= epochs_.size())
    epochs_.resize(s + 1, 0);
  return ++epochs_[s];
}

} // namespace v2x
