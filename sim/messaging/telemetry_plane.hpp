#pragma once
// The telemetry plane: every telemetry message from its generation at the station to its processing by a twin,
// computed by v2xsim's own event-driven models on SimGrid's clock, without a SimGrid activity per message.
//
//   OBU clock -> frame (radio/frame) -> the RSU's 802.11p channel (radio/channel: airtime, backoff, retries,
//   loss) -> backhaul to the broker (topology/network_view: route latency + size / the max-min share the bulk
//   flows leave) -> broker FCFS service -> topic match -> bridge to the twin's broker and its service if the twin
//   subscribes elsewhere -> the twin instance's FCFS service -> processed: age of information and latency.
//
// The plane keeps its own calendar (core/calendar.hpp). It runs lazily: whoever is about to read or change what
// the plane depends on (the serving instance of a twin, subscriptions, bulk flows, samples) calls sync() first,
// which processes every plane event before the current simulated time; a plane event never blocks and never
// changes control state, so the order is exact: a control change at time t applies to plane events at t and
// later. The TelemetryClock actor runs the radios' beacon ticks (attachment and handover) at their own times, so
// that a handover reaches the manager when it happens. SimGrid still carries every bulk flow (image pulls, state
// transfers, session flushes) as real transfers.
#include "core/calendar.hpp"
#include "edge/continuity.hpp"
#include "edge/sync.hpp"
#include "edge/tsdb.hpp"
#include "edge/twin_book.hpp"
#include "messaging/broker.hpp"
#include "messaging/subscriptions.hpp"
#include "metrics/recorder.hpp"
#include "mobility/cell_index.hpp"
#include "mobility/tracker.hpp"
#include "radio/channel.hpp"
#include "radio/frame.hpp"
#include "radio/loss.hpp"
#include "radio/phy.hpp"
#include "radio/rate_table.hpp"
#include "stations/obu.hpp"
#include "stations/station_table.hpp"
#include "topology/faults.hpp"
#include "topology/network_view.hpp"
#include "topology/platform.hpp"

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <vector>

namespace v2x {

/// The plane's parameters, from the scenario (documented with defaults and sources in scenario.proto).
struct PlaneConfig {
  double rate_hz = 10;
  bool poisson = false;
  double start_jitter_s = -1;
  CamTrigger trigger = CamTrigger::FixedRate;
  double rsu_rate_hz = 1;
  double rsu_message_b = 200;
  radio::UplinkFrameSpec frame;
  std::uint32_t path_points = 10;  // path history points in a low-frequency container
  radio::Phy phy;
  radio::Edca edca;
  radio::LossParams loss;
  std::vector<RateStep> rate_steps;
  std::vector<std::uint32_t> rsu_channel;  // channel number per RSU
  double carrier_sense_range_m = 432;
  double beacon_interval_s = 0.1024;
  double roaming_margin_db = 3;
  double reassociation_s = 0.05;
  int qos = 0;
  std::uint32_t session_queue = 1000;
  double dashboard_period_s = 1;
};

class TelemetryPlane {
public:
  TelemetryPlane(PlaneConfig config, const Infrastructure& infra, const Platform& platform, NetworkView& network,
                 const MobilityTracker& mobility, const CellIndex& cells, StationTable& stations,
                 Subscriptions& subscriptions, BrokerNet& brokers, TwinBook& twins, Recorder& recorder,
                 std::uint64_t seed);

  /// Optional parts (each may be null; call before the run): the cloud twins and sync stream of twin.mode HYBRID,
  /// the time-series store, the state-continuity bookkeeping. With all null the plane is what it was before them.
  void attach(CloudTwins* cloud, TsdbStore* tsdb, StateContinuity* continuity);
  /// A migration's new instance `fresh` of `station` serves from now (`previous` served just before).
  void migration_served(std::uint32_t migration, StationId station, InstanceId previous, InstanceId fresh);

  /// Processes every plane event before the current simulated time.
  void sync() { advance_to(simgrid::s4u::Engine::get_clock()); }
  /// Processes every plane event before t.
  void advance_to(double t);

  /// Stations. An RSU publishes its status from t = 0; a vehicle from its appearance until it leaves.
  void rsu_station(RsuId rsu, StationId station);
  void vehicle_appeared(StationId station, double t);
  void vehicle_left(StationId station, double t);
  /// Beacon tick at t (call sync() first): re-evaluates every present vehicle's attachment; the stations that
  /// handed over (new RSU or none) are appended to `handovers` (each already recorded in /handovers).
  void beacon_tick(double t, std::vector<StationId>& handovers);
  double beacon_interval_s() const { return config_.beacon_interval_s; }
  const radio::LossModel& loss() const { return loss_; }

  /// A new twin instance: it publishes its state to the dashboard broker every dashboard_period_s while alive.
  void instance_created(InstanceId instance);
  /// QoS 1: hands the messages kept for `station` to its serving instance, one bulk transfer per broker that kept
  /// some (blocking the calling actor). Called when an instance starts serving.
  void flush_session(StationId station);
  /// Records the messages kept for `station` as lost (its twin was removed).
  void drop_session(StationId station);
  /// End of the run at `end`: events before it are processed, messages still travelling are recorded as
  /// in flight, sessions as dropped, and the twins' ages closed.
  void finish(double end);
  /// Appends one /channels row per RSU for the period ending at t (call sync() first).
  void sample_channels(double t, double period_s);

  /// Faults (messaging/telemetry_faults.cpp): what is down is read from `faults` (null: no faults). A message
  /// that meets a downed broker, RSU or link, or whose twin a fault took, is lost with cause `fault`.
  void set_faults(const FaultState* faults) { faults_ = faults; }
  /// RSU_DOWN at now (call sync() first): frames in its MAC are lost; its vehicles roam at the next beacon.
  void rsu_failed(RsuId rsu);
  /// BROKER_DOWN at now (call sync() first): the QoS 1 messages kept for twins at it are lost.
  void broker_failed(BrokerId broker);

  std::uint64_t cooperative_deliveries() const { return cooperative_; }
  /// CAMs the OBUs created (every one is recorded in /messages, whatever its fate).
  std::uint64_t events() const { return events_; }

private:
  enum class Ev : std::uint8_t {
    ObuGenerate,    // a: OBU slot
    RsuGenerate,    // a: RSU
    ChannelWake,    // a: RSU, b: version
    Associated,     // a: OBU slot, b: RSU
    BrokerArrive,   // a: message, b: broker
    BrokerDepart,   // a: message, b: broker
    BridgeArrive,   // a: message, b: broker
    TwinArrive,     // a: message
    TwinDone,       // a: message
    Dashboard,      // a: instance, b: generation
    DashboardArrive, // b: broker
    SyncTick,       // HYBRID: every edge twin's sync at a multiple of hybrid.sync_period_s
    SyncArrive,     // a: batch slot (at the cloud twin)
    SyncDone,       // a: batch slot (processed by the cloud twin)
    TsdbPoint,      // a: station, b: its point epoch
    TsdbArrive      // a: point slot (at the store)
  };
  struct Event {
    Ev kind;
    std::uint32_t a;
    std::uint32_t b;
  };
  struct Message {
    MessageRecord rec;
    StationId subscriber = kNone;  // kNone: the station's own twin; else a cooperating twin's copy
    InstanceId target = kNone;
    std::uint32_t generation = 0;
    bool live = false;
  };
  struct ChannelState {
    radio::Channel channel;
    double scheduled = -1;  // time of the pending wake, < 0: none
    std::uint32_t version = 0;
    std::vector<RsuId> neighbours;  // same channel number, close enough for carrier sense
    radio::ChannelCounters last;    // counters at the previous sample
    double busy_last = 0;
  };

  void handle(double t, const Event& e);
  void sync_tick(double t);
  void tsdb_point(StationId station, double t);
  void start_points(StationId station, double t);
  std::uint32_t new_batch(const CloudTwins::Batch& b);
  void generate_cam(std::uint32_t slot, double t);
  void generate_rsu(RsuId rsu, double t);
  void offer(Obu& obu, std::uint32_t msg, double t);
  void wake(RsuId rsu);
  void channel_event(RsuId rsu, double t);
  void withdraw(Obu& obu, MessageCause cause);
  void broker_depart(std::uint32_t msg, BrokerId broker, double t);
  void deliver(std::uint32_t msg, BrokerId from, double t);
  void twin_arrive(std::uint32_t msg, double t);
  void twin_done(std::uint32_t msg, double t);
  void undeliverable(std::uint32_t msg, MessageCause cause);
  MessageCause no_instance_cause(StationId station);
  void finish_message(std::uint32_t msg, MessageOutcome outcome, MessageCause cause);
  std::uint32_t new_message();
  void free_message(std::uint32_t msg);
  double next_generation(Obu& obu, double t) const;
  /// network_.route(from, to), remembered in table[i] (NetworkView's routes never move: a hash lookup per hop
  /// saved).
  const NetworkView::Route& cached_route(std::vector<const NetworkView::Route*>& table, std::size_t i,
                                         const simgrid::s4u::Host* from, const simgrid::s4u::Host* to)
  {
    const NetworkView::Route* r = table[i];
    if (r == nullptr)
      table[i] = r = &network_.route(from, to);
    return *r;
  }
  /// A downed link on the route from a to b (faults only).
  bool cut(const simgrid::s4u::Host* a, const simgrid::s4u::Host* b);
  /// The message is lost to a fault (a cooperating copy is only freed).
  void lose_to_fault(std::uint32_t msg);
  /// roam() among the RSUs that are up.
  RsuId roam_up(RsuId current, double x_m, double y_m) const;

  PlaneConfig config_;
  const Infrastructure& infra_;
  const Platform& platform_;
  NetworkView& network_;
  const MobilityTracker& mobility_;
  const CellIndex& cells_;
  StationTable& stations_;
  Subscriptions& subscriptions_;
  BrokerNet& brokers_;
  TwinBook& twins_;
  Recorder& recorder_;
  std::uint64_t seed_;
  radio::RateTable rates_;
  radio::LossModel loss_;

  Calendar<Event> calendar_;
  std::vector<Message> messages_;
  std::vector<std::uint32_t> free_messages_;
  std::vector<Obu> obus_;
  std::vector<std::uint32_t> free_obus_;
  std::vector<std::uint32_t> obu_of_station_;  // station -> OBU slot (kNone: none)
  std::vector<std::uint32_t> present_obus_;    // slots of present vehicles
  std::vector<StationId> rsu_station_;         // RSU -> its station
  std::vector<ChannelState> channels_;
  std::vector<const NetworkView::Route*> rsu_routes_;          // [rsu]: RSU to its broker
  std::vector<const NetworkView::Route*> broker_site_routes_;  // [broker * sites + site]
  std::vector<const NetworkView::Route*> broker_routes_;       // [from * brokers + to]
  std::vector<const NetworkView::Route*> site_broker_routes_;  // [site * brokers + broker]
  /// What every frame at one rate needs, computed once per rate (the rate ladder has a few steps).
  struct RateTiming {
    double rate_mbps;
    std::uint32_t n_dbps;
    double ack_airtime_s;
    double ack_timeout_s;
    double threshold_dbm;  // the loss model's sensitivity at this rate
  };
  const RateTiming& timing(double rate_mbps);
  std::vector<RateTiming> timings_;
  std::vector<radio::FrameOutcome> outcomes_;  // reused
  std::vector<StationId> matched_;             // reused
  struct Kept {
    MessageRecord rec;
  };
  std::vector<std::vector<MessageRecord>> sessions_;  // per station: QoS 1 messages kept while no instance serves
  double now_ = 0;                                     // time of the event being processed (or last sync)
  bool advancing_ = false;
  std::uint64_t cooperative_ = 0;
  std::uint64_t events_ = 0;
  const FaultState* faults_ = nullptr;
  CloudTwins* cloud_ = nullptr;
  TsdbStore* tsdb_ = nullptr;
  StateContinuity* continuity_ = nullptr;
  std::uint64_t sync_ticks_ = 0;
  std::vector<CloudTwins::Batch> batches_;    // sync batches in flight (slots)
  std::vector<std::uint32_t> free_batches_;
  std::vector<double> points_;                // time-series points in flight: their time (slots)
  std::vector<std::uint32_t> free_points_;
};

/// The radios' beacon clock: at every beacon interval, catches the plane up and re-evaluates attachments, and
/// tells the manager of each handover (the location trigger) at the time it happens.
class TelemetryClock {
public:
  TelemetryClock(TelemetryPlane& plane, simgrid::s4u::Mailbox* manager);
  void operator()();

private:
  TelemetryPlane& plane_;
  simgrid::s4u::Mailbox* manager_;
};

} // namespace v2x
