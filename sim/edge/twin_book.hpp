#pragma once
// Twins: each station has at most one *serving* instance at a time (two exist during make-before-break).
// An instance processes messages first-come first-served, each costing twin.message_flops on its share of a
// core (twin.cpu_cores of site speed). The serving history gives each twin's downtime.
#include "edge/mec_ledger.hpp"
#include "stations/station_table.hpp"
#include "config/scenario.hpp"
#include "metrics/records.hpp"
#include "migration/mechanism.hpp"
#include "topology/faults.hpp"
#include "topology/infrastructure.hpp"

#include <functional>
#include <limits>
#include <vector>

namespace v2x {

struct TwinInstance {
  StationId station = kNone;
  SiteId site = kNone;
  bool alive = false;
  double busy_until = 0;        // FCFS server of this instance
  std::uint32_t generation = 0; // distinguishes reuses of the same InstanceId
  double fault_delay_s = 0;     // post-copy: each message first waits this long for its state (0: state here)
  bool killed = false;          // went with its MEC (a fault): never serves again, its id is not reused
  bool stopped = false;         // its container received SIGTERM (it no longer subscribes)
};

struct TwinRecord {
  InstanceId serving = kNone;
  bool busy = false;          // an operation is running for this twin
  bool removal_pending = false;
  bool ever_served = false;
  double down_since = 0;
  double down_total = 0;      // s without a serving instance since it first served
  double last_generated = std::numeric_limits<double>::quiet_NaN();  // newest CAM processed (its creation)
  double aoi_from = 0;        // start of the age segment not yet accounted (while serving with an age)
  InstanceId deployed = kNone;  // newest instance deployed (the one to delete on removal)
  std::vector<MessageRecord> session;  // QoS 1: messages the brokers keep while no instance serves
};

/// Time-average age of information over the twin-time served, and its distribution over that time. The age of a
/// twin is a sawtooth (slope 1, dropping when a fresher CAM is processed); each piece of it from age a0 to a1 adds
/// time mass uniformly over [a0, a1] to a histogram of 1 ms bins up to 60 s (a difference array: O(1) per piece),
/// so the p95 is within 1 ms of the exact time-weighted quantile.
class AgeStats {
public:
  AgeStats();
  void add(double a0, double a1);
  double mean() const { return time_s_ > 0 ? integral_ / time_s_ : 0.0; }
  double time_s() const { return time_s_; }
  double quantile(double q) const;

private:
  static constexpr double kBin = 1e-3;
  std::vector<double> slope_;  // difference array of the density (bins of kBin)
  double integral_ = 0;        // integral of the age over served time (s^2)
  double time_s_ = 0;          // served time with a defined age
  double above_ = 0;           // time mass beyond the last bin
};

class TwinBook {
public:
  TwinBook(StationTable& stations, const std::vector<SiteInfo>& sites, const TwinConfig& twin, MecLedger& ledger);

  /// Called before every change made from outside the telemetry plane (the plane catches up to now first).
  void set_before_change(std::function<void()> f) { before_change_ = std::move(f); }
  InstanceId create(StationId station, SiteId site);
  /// Post-copy: while > 0, each message `i` processes first waits `delay_s` (a demand fetch of its state).
  void set_fault_delay(InstanceId i, double delay_s)
  {
    changing();
    instances_[i].fault_delay_s = delay_s;
  }
  /// Makes `instance` the serving one of `station` (kNone: none serves).
  void serve(StationId station, InstanceId instance, double now);
  /// The instance stops serving (if it was).
  void stop(InstanceId instance, double now);
  void retire(InstanceId instance, double now);
  /// A fault took the instance (its MEC went down): it stops serving, is dead, and its id is never reused (an
  /// operation under way may still hold it). Returns whether it was alive.
  bool kill(InstanceId instance, double now);
  std::size_t instance_count() const { return instances_.size(); }
  /// MEC_DEGRADED: the instance's CPU speed is multiplied by faults->site_speed(site) (null: no faults).
  void set_faults(const FaultState* faults) { faults_ = faults; }

  InstanceId serving(StationId station) const
  {
    return station < records_.size() ? records_[station].serving : kNone;
  }
  const TwinInstance& instance(InstanceId i) const { return instances_[i]; }
  TwinRecord& record(StationId station);
  /// Total time without a serving instance since the twin first served, up to now.
  double downtime(StationId station, double now) const;
  /// A message handed to `instance` now; returns when it has been processed (after its fault, if the
  /// instance's state is still being fetched).
  /// `created` is its generation time, for the twin's age of information (NaN for another station's message,
  /// which costs CPU but is not fresher data about the twin's own station).
  double process(InstanceId instance, double now);
  /// Other work of `flops` for `instance` (twin.mode HYBRID: building a sync message), queued on the same FCFS
  /// server and counted as its site's CPU load; returns when it is done.
  double charge(InstanceId instance, double now, double flops);
  /// The twin's serving instance finished processing, at `done`, a CAM of its station created at `created`:
  /// its age of information drops (vehicle twins feed the age statistics).
  void processed(StationId station, double created, double done);
  /// Closes every twin's age segment at `end` (end of the run).
  void close_ages(double end);
  /// The age statistics cover twin-time after `warmup_s` only.
  void set_warmup(double warmup_s) { warmup_s_ = warmup_s; }
  const AgeStats& ages() const { return ages_; }
  double age_of_information(StationId station, double now) const;

private:
  StationTable& stations_;
  const std::vector<SiteInfo>& sites_;
  const TwinConfig& twin_;
  MecLedger& ledger_;
  std::vector<TwinInstance> instances_;
  std::vector<InstanceId> free_;
  std::vector<TwinRecord> records_;
  AgeStats ages_;
  const FaultState* faults_ = nullptr;
  double warmup_s_ = 0;
  std::function<void()> before_change_;
  void changing()
  {
    if (before_change_)
      before_change_();
  }
  /// Accounts the age of `station`'s twin from its last accounted point to `now` (if it serves with an age).
  void account_age(StationId station, double now);
};

} // namespace v2x
