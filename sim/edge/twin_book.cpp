#include "edge/twin_book.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2x {

namespace {
constexpr std::size_t kAgeBins = 60000;  // 60 s of 1 ms bins
} // namespace

AgeStats::AgeStats() : slope_(kAgeBins + 1, 0.0) {}

void AgeStats::add(double a0, double a1)
{
  if (!(a1 > a0) || !(a0 >= 0))
    return;
  integral_ += (a1 * a1 - a0 * a0) / 2;
  time_s_ += a1 - a0;
  // Density 1 (s of twin-time per s of age) on [a0, a1): +1 at a0's bin, -1 at a1's, with the fractions of the
  // two edge bins carried exactly by the next bin.
  const double top = kBin * static_cast<double>(kAgeBins);
  if (a0 >= top) {
    above_ += a1 - a0;
    return;
  }
  const double hi = std::min(a1, top);
  above_ += a1 - hi;
  const double x0 = a0 / kBin, x1 = hi / kBin;
  const auto b0 = static_cast<std::size_t>(x0), b1 = static_cast<std::size_t>(x1);
  // Piecewise: mass in bin b = prefix sum of slope_ up to b (in bin units).
  const double f0 = x0 - static_cast<double>(b0), f1 = x1 - static_cast<double>(b1);
  slope_[b0] += 1 - f0;
  slope_[b0 + 1] += f0;
  slope_[b1] -= 1 - f1;
  slope_[std::min(b1 + 1, kAgeBins)] -= f1;
}

double AgeStats::quantile(double q) const
{
  const double total = time_s_;
  if (total <= 0)
    return 0;
  double density = 0, mass = 0;
  for (std::size_t b = 0; b < kAgeBins; ++b) {
    density += slope_[b];
    const double here = density * kBin;
    if (mass + here >= q * total && here > 0)
      return kBin * (static_cast<double>(b) + std::clamp((q * total - mass) / here, 0.0, 1.0));
    mass += here;
  }
  return kBin * static_cast<double>(kAgeBins);  // in the overflow
}

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
  changing();
  InstanceId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<InstanceId>(instances_.size());
    instances_.emplace_back();
  }
  instances_[id] = TwinInstance{station, site, true, 0.0, instances_[id].generation + 1, 0.0, false};
  return id;
}

void TwinBook::account_age(StationId station, double now)
{
  TwinRecord& r = record(station);
  if (r.serving == kNone || std::isnan(r.last_generated) || stations_.view(station).kind != StationKind::Vehicle)
    return;
  const double from = std::max(r.aoi_from, warmup_s_);  // the warm-up's part of the segment is left out
  if (now > from)
    ages_.add(from - r.last_generated, now - r.last_generated);
  r.aoi_from = now;
}

void TwinBook::serve(StationId station, InstanceId instance, double now)
{
  changing();
  TwinRecord& r = record(station);
  account_age(station, now);
  if (r.serving == kNone && instance != kNone && r.ever_served)
    r.down_total += now - r.down_since;
  if (r.serving != kNone && instance == kNone)
    r.down_since = now;
  if (instance != kNone)
    r.ever_served = true;
  r.serving = instance;
  r.aoi_from = now;
  stations_.view(station).twin_site = instance == kNone ? kNone : instances_[instance].site;
}

void TwinBook::stop(InstanceId instance, double now)
{
  instances_[instance].stopped = true;
  const StationId station = instances_[instance].station;
  if (record(station).serving == instance)
    serve(station, kNone, now);
}

void TwinBook::retire(InstanceId instance, double now)
{
  if (instances_[instance].killed)
    return;  // gone with its MEC; its id stays out of reuse
  stop(instance, now);
  instances_[instance].alive = false;
  free_.push_back(instance);
}

bool TwinBook::kill(InstanceId instance, double now)
{
  TwinInstance& in = instances_[instance];
  if (!in.alive || in.killed)
    return false;
  stop(instance, now);
  changing();
  in.alive = false;
  in.killed = true;
  return true;
}

double TwinBook::downtime(StationId station, double now) const
{
  if (station >= records_.size())
    return 0;
  const TwinRecord& r = records_[station];
  return r.down_total + (r.serving == kNone && r.ever_served ? now - r.down_since : 0.0);
}

double TwinBook::process(InstanceId instance, double now)
{
  TwinInstance& in = instances_[instance];
  const SiteInfo& site = sites_[in.site];
  const double speed = faults_ != nullptr ? faults_->site_speed(in.site) : 1.0;  // MEC_DEGRADED
  const double service = twin_.message_flops / (site.core_speed_flops_per_s * speed * twin_.cpu_cores);
  const double start = std::max(now, in.busy_until);
  // A faulting message holds the instance's server while its state arrives (the thread blocks on the fault).
  in.busy_until = start + in.fault_delay_s + service;
  ledger_.add_busy(in.site, service * twin_.cpu_cores);
  return in.busy_until;
}

double TwinBook::charge(InstanceId instance, double now, double flops)
{
  TwinInstance& in = instances_[instance];
  const double service = flops / (sites_[in.site].core_speed_flops_per_s * twin_.cpu_cores);
  in.busy_until = std::max(now, in.busy_until) + service;
  ledger_.add_busy(in.site, service * twin_.cpu_cores);
  return in.busy_until;
}

void TwinBook::processed(StationId station, double created, double done)
{
  TwinRecord& r = record(station);
  if (r.last_generated >= created)
    return;  // an older CAM than one already processed: no fresher data
  account_age(station, done);
  r.last_generated = created;
  r.aoi_from = done;
}

void TwinBook::close_ages(double end)
{
  for (StationId s = 0; s < records_.size(); ++s)
    account_age(s, end);
}

double TwinBook::age_of_information(StationId station, double now) const
{
  if (station >= records_.size() || std::isnan(records_[station].last_generated))
    return std::numeric_limits<double>::quiet_NaN();
  return now - records_[station].last_generated;
}

} // namespace v2x
