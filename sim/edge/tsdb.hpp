#pragma once
// The time-series store (the 5D model's data): a site that ingests the twins' data points (scenario.proto,
// TimeSeriesStore). Passive: the telemetry plane schedules each station's points (every point_period_s while its
// twin serves; from the cloud twin in twin.mode HYBRID) and carries them over the simulated network; here each
// point is written first come first served at write_flops on `cores` of the store site's cores, counted as that
// site's CPU load, and its ingest lag (written - the point's time) and bytes are accounted.
#include "config/scenario.hpp"
#include "edge/mec_ledger.hpp"
#include "metrics/recorder.hpp"

#include <cstdint>
#include <vector>

namespace v2x {

class TsdbStore {
public:
  TsdbStore(const TsdbConfig& config, const std::vector<SiteInfo>& sites, SiteId site, MecLedger& ledger);
  SiteId site() const { return site_; }
  double period_s() const { return config_.point_period_s; }
  double point_b() const { return config_.point_b; }
  /// A point made at `made` reaches the store at `t`: returns when it is written.
  double write(double made, double t);

  std::uint64_t points() const { return points_; }
  double bytes_stored() const { return bytes_; }
  const LatencyHistogram& lag() const { return lag_; }

  /// Each station's point epochs (a station's point timer stops with its twin; a reused timer is recognised).
  std::uint32_t next_epoch(StationId s);
  std::uint32_t epoch(StationId s) const { return s < epochs_.size() ? epochs_[s] : 0; }

private:
  TsdbConfig config_;
  const std::vector<SiteInfo>& sites_;
  SiteId site_;
  MecLedger& ledger_;
  double busy_until_ = 0;
  std::uint64_t points_ = 0;
  double bytes_ = 0;
  LatencyHistogram lag_;
  std::vector<std::uint32_t> epochs_;
};

} // namespace v2x
