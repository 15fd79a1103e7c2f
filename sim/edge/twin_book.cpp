#include "edge/twin_book.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2x {


TwinBook::TwinBook(StationTable& stations, const std::vector<SiteInfo>& sites, const TwinConfig& twin,
                   MecLedger& ledger)
    : stations_(stations), sites_(sites), twin_(twin), ledger_(ledger)
{
}

TwinRecord& TwinBook::record(StationId s)
{
  if (s >= records_.size())
    records_.resize(s + 1);
  return records_[s];
}

InstanceId TwinBook::create(StationId station, SiteId site)
{
  InstanceId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<InstanceId>(instances_.size());
    instances_.emplace_back();
  }
  instances_[id] = TwinInstance{station, site, false, true, 0.0, instances_[id].generation + 1, 0.0};
  return id;
}

void TwinBook::set_ready(InstanceId i)
{
  instances_[i].ready = true;
}

void TwinBook::serve(StationId station, InstanceId instance, double now)
{
  TwinRecord& r = record(station);
  if (r.serving == kNone && instance != kNone && r.ever_served)
    r.down_total += now - r.down_since;
  if (r.serving != kNone && instance == kNone)
    r.down_since = now;
  if (instance != kNone)
    r.ever_served = true;
  r.serving = instance;
  stations_.view(station).twin_site = instance == kNone ? kNone : instances_[instance].site;
}

void TwinBook::stop(InstanceId instance, double now)
{
  const StationId station = instances_[instance].station;
  if (record(station).serving == instance)
    serve(station, kNone, now);
}

void TwinBook::retire(InstanceId instance, double now)
{
  stop(instance, now);
  instances_[instance].alive = false;
  free_.push_back(instance);
}

double TwinBook::downtime(StationId station, double now) const
{
  if (station >= records_.size())
    return 0;
  const TwinRecord& r = records_[station];
  return r.down_total + (r.serving == kNone && r.ever_served ? now - r.down_since : 0.0);
}

double TwinBook::process(InstanceId instance, double now, double created)
{
  TwinInstance& in = instances_[instance];
  const SiteInfo& site = sites_[in.site];
  const double service = twin_.message_flops / (site.core_speed_flops_per_s * twin_.cpu_cores);
  const double start = std::max(now, in.busy_until);
  // A faulting message holds the instance's server while its state arrives (the thread blocks on the fault).
  in.busy_until = start + in.fault_delay_s + service;
  ledger_.add_busy(in.site, service * twin_.cpu_cores);
  TwinRecord& r = record(in.station);
  if (!std::isnan(created) && !(r.last_generated >= created))  // NaN: another station's data (cooperation)
    r.last_generated = created;
  return in.busy_until;
}

double TwinBook::age_of_information(StationId station, double now) const
{
  if (station >= records_.size() || std::isnan(records_[station].last_generated))
    return std::numeric_limits<double>::quiet_NaN();
  return now - records_[station].last_generated;
}

} // namespace v2x
