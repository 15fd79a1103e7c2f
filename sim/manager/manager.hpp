#pragma once
// Manager: listens for triggers (stations appearing and leaving, handovers = the location trigger, its own
// periodic tick, and the scenario's scripted requests = its API), asks the policy, validates each intent
// (station present, twin idle, target known and different, capacity), records the rejected ones with a reason,
// and runs the accepted ones with the mechanism, each in a MigrationRun actor of its own.
#include "manager/events.hpp"
#include "manager/operations.hpp"
#include "edge/orchestrator.hpp"
#include "edge/sync.hpp"
#include "stations/station_table.hpp"
#include "messaging/telemetry_plane.hpp"
#include "edge/twin_book.hpp"
#include "migration/mechanism.hpp"
#include "migration/policy.hpp"

#include <simgrid/s4u.hpp>

#include <exception>

namespace v2x {

/// What one operation on a twin (a MigrationRun: placement, migration, removal) acts on; the manager uses the
/// twins, the plane, the subscriptions and the recorder through it too.
struct OperationDeps {
  const Platform& platform;       // the sites' hosts (state transfers, post-copy fetch times)
  TwinBook& twins;
  TelemetryPlane& plane;          // caught up before every decision; QoS 1 sessions, dashboards
  Subscriptions& subscriptions;   // a twin's session starts with its placement and ends with its removal
  NetworkView& network;           // state transfers are bulk flows
  Recorder& recorder;
  Operations& operations;         // the operations in flight (recorded as unfinished if the run ends first)
  simgrid::s4u::Mailbox* orchestrator;  // instantiate/terminate requests
  simgrid::s4u::Mailbox* manager;       // where an operation reports that it is done
  double restore_bps = 0;         // twin.restore_bps
  FaultState* faults = nullptr;   // faults (null: none in the run): lost twins serving again, downed sites
};

/// What the manager itself needs besides its operations'.
struct ManagerDeps {
  const Infrastructure& infra;
  StationTable& stations;
  MecLedger& ledger;
  Policy& policy;
  Mechanism& mechanism;
  OperationDeps operation;              // handed to every operation it starts; its `manager` is the inbox
  std::vector<ManualMigrationConfig> manual;  // migration.manual: the scripted requests (the manager's API)
  bool cold_start = false;              // twin.cold_start (false: steady-state start at t = 0)
  std::exception_ptr* error = nullptr; // where a failing batch policy's error goes (then every actor is killed)
  std::span<const double> rsu_baseline_latency_s = {};  // Snapshot::rsu_baseline_latency_s (by RsuId)
  FaultState* faults = nullptr;            // faults: twins lost to them (null: no faults in the run)
  const HealingConfig* healing = nullptr;  // detection delay, whether lost twins are re-placed
  CloudTwins* cloud_twins = nullptr;       // twin.mode HYBRID: the cloud twins it deploys (null otherwise)
};

/// The world as a batch policy sees it at `now` (sites, totals, cloud), without stations: the manager adds the
/// stations that need a decision; the run adds nothing to the final one (done).
wire::PolicySnapshot policy_world(const ManagerDeps& deps, BatchDecider& batch, double now);

class Manager {
public:
  explicit Manager(ManagerDeps deps);
  void operator()();

private:
  Snapshot snapshot(MigrationTrigger trigger, StationId subject) const;
  void handle(const ManagerEvent& ev);
  void on_appear(StationId s);
  /// A handover of `s` (the location trigger): asks the policy now, or when the twin's operation ends.
  void on_handover(StationId s);
  /// A handover of `s` while its twin is busy: kept (acted on when the operation ends); false when idle.
  bool keep_handover_if_busy(StationId s);
  /// Posts an event about `s` to the manager's own mailbox (heard at this instant, after what is queued).
  void post_self(ManagerEvent::Type type, StationId s);
  /// Places `s`'s twin on `site` (the cloud when `site` is full); records a rejection when it cannot.
  void place(StationId s, SiteId site);
  /// Steady-state start: the twin of a station present at t = 0 serves on `rec.to_site` at once, at no cost.
  void place_steady(MigrationRecord rec);
  /// twin.mode HYBRID: `s`'s cloud twin runs at once in a steady-state start, else it is deployed through the
  /// orchestrator on the cloud (an actor waits for it; recorded in /migrations with mechanism `cloud-twin`).
  void deploy_cloud_twin(StationId s);
  /// Batch policies: collects every event already posted at this instant, asks once, executes in event order.
  void run_batched(BatchDecider& batch);
  void decide_instant(BatchDecider& batch, const std::vector<std::unique_ptr<ManagerEvent>>& events);
  void on_leave(StationId s);
  void on_done(StationId s);
  void decide(MigrationTrigger trigger, StationId subject);
  void manual(const ManualMigrationConfig& m);
  /// Validates and starts a move of `s`'s twin to `target`; records a rejection otherwise.
  void request_move(StationId s, SiteId target, MigrationReason reason, MigrationTrigger trigger);
  void start(MigrationRecord rec, InstanceId current, bool use_mechanism);
  void reject(MigrationRecord rec, const std::string& why);
  MigrationRecord new_record(StationId s, SiteId from, SiteId to, MigrationReason reason, MigrationTrigger trigger);
  void maybe_finish();
  /// Self-healing (manager/healing.cpp): re-places `s`'s twin, lost to a fault, once the detection delay has
  /// passed and no operation runs for it; earlier, it asks to be called again when the delay is over.
  void heal(StationId s);
  /// Whether `s`'s twin, lost to a fault, is to be re-placed now (detected, present, idle, not serving); when it
  /// is not detected yet, schedules the health check that finds it (a Recover event at the due time).
  bool heal_due(StationId s);
  /// Re-places `s`'s lost twin on `target` (the cloud when it is down, full or unknown), reason recovery.
  void recover(StationId s, SiteId target);
  /// Where a recovery goes when no policy chose: the MEC behind the station's RSU when up, else the cloud.
  SiteId default_recovery_site(StationId s) const;
  /// After a batch policy failed: drops every event until the run ends (see manager.cpp).
  [[noreturn]] void drain();

  ManagerDeps deps_;
  std::uint32_t next_id_ = 0;
  std::uint32_t vehicle_twins_ = 0;  // vehicle twins deployed or being deployed/removed
  simgrid::s4u::Mailbox* finish_reply_ = nullptr;
  std::vector<ManualMigrationConfig> manual_;  // sorted by time, as the clock posts them
  std::vector<wire::Rejection> rejections_;    // batch policies: rejections not yet reported
  std::uint64_t sequence_ = 0;                 // batch policies: snapshots sent
  struct LastRejection {
    bool set = false;
    RsuId rsu = kNone;
    SiteId target = kNone;
    std::string why;
  };
  std::vector<LastRejection> last_rejection_;  // by StationId: the rejection last recorded
  std::vector<bool> handover_pending_;         // by StationId: a handover arrived while the twin was busy
};

/// Posts the manager's periodic ticks and the scenario's scripted requests into its mailbox at their times,
/// so that the manager only ever blocks on its mailbox (no receive with a timeout).
class ManagerClock {
public:
  ManagerClock(double tick_interval_s, std::vector<ManualMigrationConfig> manual, simgrid::s4u::Mailbox* manager);
  void operator()();

private:
  double tick_interval_s_;
  std::vector<ManualMigrationConfig> manual_;  // sorted by time
  simgrid::s4u::Mailbox* manager_;
};

/// One operation on one twin (initial placement, migration, removal), as an actor. Implements the
/// MigrationContext through which mechanisms act.
class MigrationRun final : public MigrationContext {
public:
  enum class Kind { Place, Migrate, Remove };
  /// `entry` (in deps.operations) holds the operation's record while it runs.
  MigrationRun(Kind kind, Operations::Entry& entry, InstanceId current, Mechanism* mechanism, const OperationDeps& deps);
  void operator()();

  double now() const override;
  SiteId source() const override { return record_.from_site; }
  SiteId target() const override { return record_.to_site; }
  InstanceId current() const override { return current_; }
  InstanceId instantiate(SiteId site) override;
  void serve(InstanceId instance) override;
  void terminate(InstanceId instance) override;
  void transfer(SiteId from, SiteId to, double bytes, std::string_view name) override;
  void stop_serving() override;
  void restore(InstanceId instance, double bytes) override;
  void set_fault_delay(InstanceId instance, double delay_s) override;
  double fetch_time(SiteId from, SiteId to, double bytes) const override;

private:
  OrchestratorReply call(OrchestratorRequest::Op op, SiteId site, InstanceId instance);

  Kind kind_;
  bool failed_ = false;  // a fault took the instance this operation deployed (it is recorded as failed)
  double lost_since_ = 0;  // a recovery: when the twin was lost (its downtime runs from there)
  Operations::Entry* entry_;
  MigrationRecord& record_;  // entry_->record
  InstanceId current_;
  Mechanism* mechanism_;
  OperationDeps deps_;
  simgrid::s4u::Mailbox* reply_ = nullptr;
};

} // namespace v2x
