#pragma once
// twin.mode HYBRID: the full twins in the cloud and the edge twins' synchronisation stream to them (passive
// state; the telemetry plane schedules the sync ticks and carries the sync messages over the simulated backhaul,
// messaging/telemetry_plane.cpp). Each station has a cloud twin from its appearance to its departure, reserved
// on the cloud site (hybrid.cloud_cpu_cores, cloud_memory_mb) when it has room, and ready once deployed: the
// manager deploys it through the orchestrator like any twin (request, scheduling, image pull to the cloud,
// container start, readiness), except in a steady-state start (twins of stations present at t = 0 run from
// t = 0). A fault that kills the edge twin's instance loses the CAMs it had not synced yet (edge_lost); the
// cloud twin itself keeps its state and its age grows until the edge twin serves again. The edge twin counts the CAMs it
// processes; at each sync tick (multiples of hybrid.sync_period_s) a serving edge twin with n >= 1 new CAMs
// sends one batch of sync_header_b + n x sync_point_b bytes; the cloud twin processes it first come first served
// (n x cloud_point_flops on cloud_cpu_cores of the cloud's core speed); when done, its age of information drops
// to that of the newest CAM in the batch. The cloud twins' ages are kept like the edge twins' (edge/twin_book.hpp
// AgeStats, vehicles only, while the cloud twin exists and has data).
#include "config/scenario.hpp"
#include "edge/mec_ledger.hpp"
#include "edge/twin_book.hpp"
#include "stations/station_table.hpp"

#include <simgrid/s4u/Engine.hpp>

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
  /// A station appeared at `now` (or an RSU exists from t = 0): its cloud twin is reserved if the cloud has room.
  /// It is not ready yet: the manager deploys it through the orchestrator (manager.cpp, deploy_cloud_twin), or
  /// marks it ready at once in a steady-state start.
  void appeared(StationId s, double now);
  void appeared(StationId s) { appeared(s, simgrid::s4u::Engine::get_clock()); }  // (the telemetry plane's call)
  /// The cloud twin of `s` (of appearance `epoch`) runs from `now` on; false when the station has left (or
  /// appeared again) since. `deployed`: it went through the orchestrator (counted in deploys() and
  /// deploy_times()); else it was there at t = 0 (steady-state start). The edge twin's CAMs processed before
  /// are not synced to it (the sync stream has no subscriber before the cloud twin runs, as MQTT QoS 0).
  bool set_ready(StationId s, std::uint32_t epoch, double now, bool deployed);
  bool ready(StationId s) const { return has_twin(s) && twins_[s].ready; }
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
  /// A fault killed the serving edge instance of `s` (MEC_DOWN): the CAMs it processed since its last batch were
  /// in that instance's memory and are gone with it (the next edge instance syncs what it processes itself).
  void edge_lost(StationId s);
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
  /// Cloud twins deployed through the orchestrator, and each one's appearance -> ready time (s).
  std::uint64_t deploys() const { return deploy_times_.size(); }
  const std::vector<double>& deploy_times() const { return deploy_times_; }
  /// Vehicles' cloud twins: appearance -> the end of processing of their first sync batch (s), the cloud twin's
  /// time to first serve (its age of information is defined from then on).
  const std::vector<double>& first_serve_times() const { return first_serve_times_; }

private:
  struct Twin {
    bool present = false;
    std::uint32_t epoch = 0;
    std::uint32_t pending = 0;     // CAMs processed at the edge since the last batch
    double pending_newest = std::numeric_limits<double>::quiet_NaN();
    double busy_until = 0;         // the cloud twin's FCFS server
    double last_generated = std::numeric_limits<double>::quiet_NaN();
    double aoi_from = 0;
    bool ready = false;     // deployed (or there at t = 0): it receives sync batches
    double appeared = 0;    // when its station appeared
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
  std::vector<double> deploy_times_;
  std::vector<double> first_serve_times_;
};

} // namespace v2x
