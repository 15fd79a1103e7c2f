#include "edge/sync.hpp"

#include <algorithm>
#include <cmath>

namespace v2x {

CloudTwins::CloudTwins(const HybridConfig& config, const std::vector<SiteInfo>& sites, SiteId cloud,
                       MecLedger& ledger, const StationTable& stations)
    : config_(config), sites_(sites), cloud_(cloud), ledger_(ledger), stations_(stations)
{
}

CloudTwins::Twin& CloudTwins::twin(StationId s)
{
  if (s >= twins_.size())
    twins_.resize(s + 1);
  return twins_[s];
}

void CloudTwins::appeared(StationId s, double now)
{
  Twin& t = twin(s);
  if (!ledger_.can_host(cloud_, config_.cloud_cpu_cores, config_.cloud_memory_mb)) {
    ++rejected_;
    return;
  }
  ledger_.reserve(cloud_, config_.cloud_cpu_cores, config_.cloud_memory_mb);
  const std::uint32_t epoch = t.epoch + 1;
  t = Twin{};
  t.present = true;
  t.epoch = epoch;
  t.appeared = now;
}

bool CloudTwins::set_ready(StationId s, std::uint32_t epoch, double now, bool deployed)
{
  if (!has_twin(s) || twins_[s].epoch != epoch)
    return false;
  Twin& t = twins_[s];
  t.ready = true;
  t.pending = 0;
  t.pending_newest = std::numeric_limits<double>::quiet_NaN();
  if (deployed)
    deploy_times_.push_back(now - t.appeared);
  return true;
}

void CloudTwins::account(StationId s, Twin& t, double now)
{
  if (!t.present || std::isnan(t.last_generated) || stations_.view(s).kind != StationKind::Vehicle)
    return;
  ages_.add(t.aoi_from - t.last_generated, now - t.last_generated);
  t.aoi_from = now;
}

void CloudTwins::left(StationId s, double now)
{
  if (!has_twin(s))
    return;
  Twin& t = twins_[s];
  account(s, t, now);
  t.present = false;
  ledger_.release(cloud_, config_.cloud_cpu_cores, config_.cloud_memory_mb);
}

void CloudTwins::edge_processed(StationId s, double created)
{
  if (!ready(s))
    return;
  Twin& t = twins_[s];
  ++t.pending;
  if (!(t.pending_newest >= created))
    t.pending_newest = created;
}

void CloudTwins::edge_lost(StationId s)
{
  if (!has_twin(s))
    return;
  Twin& t = twins_[s];
  t.pending = 0;
  t.pending_newest = std::numeric_limits<double>::quiet_NaN();
}

CloudTwins::Batch CloudTwins::take(StationId s)
{
  Batch b;
  if (!ready(s))
    return b;
  Twin& t = twins_[s];
  b.station = s;
  b.epoch = t.epoch;
  b.points = t.pending;
  b.newest = t.pending_newest;
  t.pending = 0;
  t.pending_newest = std::numeric_limits<double>::quiet_NaN();
  return b;
}

double CloudTwins::receive(const Batch& b, double now)
{
  ++batches_;
  bytes_ += size_b(b);
  if (!has_twin(b.station) || twins_[b.station].epoch != b.epoch)
    return now;  // the station left: the batch is dropped on arrival
  Twin& t = twins_[b.station];
  const double service =
      b.points * config_.cloud_point_flops / (sites_[cloud_].core_speed_flops_per_s * config_.cloud_cpu_cores);
  t.busy_until = std::max(now, t.busy_until) + service;
  ledger_.add_busy(cloud_, service * config_.cloud_cpu_cores);
  return t.busy_until;
}

void CloudTwins::processed(const Batch& b, double done)
{
  if (!has_twin(b.station) || twins_[b.station].epoch != b.epoch)
    return;
  Twin& t = twins_[b.station];
  if (std::isnan(b.newest) || t.last_generated >= b.newest)
    return;
  if (std::isnan(t.last_generated) && stations_.view(b.station).kind == StationKind::Vehicle)
    first_serve_times_.push_back(done - t.appeared);  // its first data: it serves from now on
  account(b.station, t, done);
  t.last_generated = b.newest;
  t.aoi_from = done;
}

double CloudTwins::age_of_information(StationId s, double now) const
{
  if (!has_twin(s) || std::isnan(twins_[s].last_generated))
    return std::numeric_limits<double>::quiet_NaN();
  return now - twins_[s].last_generated;
}

void CloudTwins::close(double end)
{
  for (StationId s = 0; s < twins_.size(); ++s)
    account(s, twins_[s], end);
}

} // namespace v2x
