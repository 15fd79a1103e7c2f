#pragma once
// Twins: each station has at most one *serving* instance at a time (two exist during make-before-break).
// An instance processes messages first-come first-served, each costing twin.message_flops on its share of a
// core (twin.cpu_cores of site speed). The serving history gives each twin's downtime.
#include "edge/mec_ledger.hpp"
#include "stations/station_table.hpp"
#include "config/scenario.hpp"
#include "metrics/records.hpp"
#include "migration/mechanism.hpp"
#include "topology/infrastructure.hpp"

#include <limits>
#include <vector>

namespace v2x {

struct TwinInstance {
  StationId station = kNone;
  SiteId site = kNone;
  bool ready = false;
  bool alive = false;
  double busy_until = 0;        // FCFS server of this instance
  std::uint32_t generation = 0; // distinguishes reuses of the same InstanceId
  double fault_delay_s = 0;     // post-copy: each message first waits this long for its state (0: state here)
};

struct TwinRecord {
  InstanceId serving = kNone;
  bool busy = false;          // an operation is running for this twin
  bool removal_pending = false;
  bool ever_served = false;
  double down_since = 0;
  double down_total = 0;      // s without a serving instance since it first served
  double last_generated = std::numeric_limits<double>::quiet_NaN();
  InstanceId deployed = kNone;  // newest instance deployed (the one to delete on removal)
  std::vector<MessageRecord> session;  // QoS 1: messages the brokers keep while no instance serves
};

class TwinBook {
public:
  TwinBook(StationTable& stations, const std::vector<SiteInfo>& sites, const TwinConfig& twin, MecLedger& ledger);

  InstanceId create(StationId station, SiteId site);
  void set_ready(InstanceId i);
  /// Post-copy: while > 0, each message `i` processes first waits `delay_s` (a demand fetch of its state).
  void set_fault_delay(InstanceId i, double delay_s) { instances_[i].fault_delay_s = delay_s; }
  /// Makes `instance` the serving one of `station` (kNone: none serves).
  void serve(StationId station, InstanceId instance, double now);
  /// The instance stops serving (if it was).
  void stop(InstanceId instance, double now);
  void retire(InstanceId instance, double now);

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
  double process(InstanceId instance, double now, double created);
  double age_of_information(StationId station, double now) const;

private:
  StationTable& stations_;
  const std::vector<SiteInfo>& sites_;
  const TwinConfig& twin_;
  MecLedger& ledger_;
  std::vector<TwinInstance> instances_;
  std::vector<InstanceId> free_;
  std::vector<TwinRecord> records_;
};

} // namespace v2x
