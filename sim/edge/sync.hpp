#pragma once
// twin.mode HYBRID: the full twins in the cloud and the edge twins' synchronisation stream to them (passive
// state; the telemetry plane schedules the sync ticks and carries the sync messages over the simulated backhaul,
// messaging/telemetry_plane.cpp). Each station has a cloud twin from its appearance to its departure, reserved
// on the cloud site (hybrid.cloud_cpu_cores, cloud_memory_mb) when it has room. The edge twin counts the CAMs it
// processes; at each sync tick (multiples of hybrid.sync_period_s) a serving edge twin with n >= 1 new CAMs
// sends one batch of sync_header_b + n x sync_point_b bytes; the cloud twin processes it first come first served
// (n x cloud_point_flops on cloud_cpu_cores of the cloud's core speed); when done, its age of information drops
// to that of the newest CAM in the batch. The cloud twins' ages are kept like the edge twins' (edge/twin_book.hpp
// AgeStats, vehicles only, while the cloud twin exists and has data).
#include "config/scenario.hpp"
#include "edge/mec_ledger.hpp"
#include "edge/twin_book.hpp"
#include "stations/station_table.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace v2x {

class CloudTwins {
public:
  CloudTwins(const HybridConfig& config, const std::vector<SiteInfo>& sites, SiteId cloud, MecLedger& ledger,
             const StationTable& stations);

  double period_s() const { return config_.sync_period_s; }
  SiteId cloud() const { return cloud_; }
  /// A station appeared (or an RSU exists from t = 0): its cloud twin is reserved if the cloud has room.
  void appeared(StationId s);
  /// The station left at `t`: its cloud twin's age is closed and its reservation released.
  void left(StationId s, double t);
  bool has_twin(StationId s) const { return s < twins_.size() && twins_[s].present; }
  std::uint32_t epoch(StationId s) const { return s < twins_.size() ? twins_[s].epoch : 0; }

  /// The serving edge twin of `s` processed a CAM created at `created`.
  void edge_processed(StationId s, double created);
  struct Batch {
    StationId station = kNone;
    std::uint32_t epoch = 0;
    std::uint32_t points = 0;
    double newest = std::numeric_limits<double>::quiet_NaN();  // creation time of the newest CAM in it
    double sent = 0;
  };
  /// At a sync tick: the CAMs the edge twin processed since the last batch (points 0: nothing to send), reset.
  Batch take(StationId s);
  double size_b(const Batch& b) const { return config_.sync_header_b + b.points * config_.sync_point_b; }
  double sync_flops() const { return config_.sync_flops; }
  /// The batch reached the cloud twin at `t`: returns when it has processed it (FCFS; counted as cloud CPU load).
  double receive(const Batch& b, double t);
  /// The cloud twin finished processing `b` at `done`: its age drops (unless it left meanwhile).
  void processed(const Batch& b, double done);
  /// The cloud twin's age of information at `now` (NaN before its first batch, or without a cloud twin).
  double age_of_information(StationId s, double now) const;
  void close(double end);

  const AgeStats& ages() const { return ages_; }
  std::uint64_t batches() const { return batches_; }
  double bytes() const { return bytes_; }
  std::uint64_t rejected() const { return rejected_; }  // stations whose cloud twin found no room

private:
  struct Twin {
    bool present = false;
    std::uint32_t epoch = 0;
    std::uint32_t pending = 0;     // CAMs processed at the edge since the last batch
    double pending_newest = std::numeric_limits<double>::quiet_NaN();
    double busy_until = 0;         // the cloud twin's FCFS server
    double last_generated = std::numeric_limits<double>::quiet_NaN();
    double aoi_from = 0;
  };
  Twin& twin(StationId s);
  void account(StationId s, Twin& t, double now);

  HybridConfig config_;
  const std::vector<SiteInfo>& sites_;
  SiteId cloud_;
  MecLedger& ledger_;
  const StationTable& stations_;
  std::vector<Twin> twins_;
  AgeStats ages_;
  std::uint64_t batches_ = 0;
  double bytes_ = 0;
  std::uint64_t rejected_ = 0;
};

} // namespace v2x
