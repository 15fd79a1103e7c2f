#pragma once
// The telemetry hot path. One message = one SimGrid transfer from the publisher's host to its broker's host
// (for a vehicle: the cell link, then the RSU's backhaul, cut-through), then the broker's FCFS service, then,
// only when the twin subscribes at another broker, one more transfer (the bridge), and the twin's FCFS
// service. The publishing actor carries its message along the path (sleeping while servers work), so
// there is no activity per message besides the transfers, and none per hop that does not cross the network.
#include "actors/broker.hpp"
#include "actors/stations.hpp"
#include "actors/twin.hpp"
#include "metrics/recorder.hpp"
#include "topology/platform.hpp"

namespace v2x {

class TelemetryPath {
public:
  TelemetryPath(const Infrastructure& infra, const Platform& platform, BrokerNet& brokers, TwinBook& twins,
                StationTable& stations, Recorder& recorder, const MessagingConfig& messaging = {});

  /// Carries `m` (station, seq, rsu, broker, size_b and created filled) from host `src` to the station's twin,
  /// blocking the calling actor until the message is processed or lost, and records it.
  /// From a cell (a vehicle; `src` is its radio host, whose route caps its rate): `after_cell_latency_s` is the
  /// latency from the RSU to the broker; under cut-through the last byte passes the RSU that long before it
  /// reaches the broker, which gives at_rsu. Otherwise (an RSU's own message) at_rsu = created.
  struct Uplink {
    bool from_cell = false;
    double after_cell_latency_s = 0;
  };
  void carry(MessageRecord& m, simgrid::s4u::Host* src, const Uplink& uplink);
  /// QoS 1: hands the messages kept for `station` to its serving instance, one bridge transfer per broker that
  /// kept some (blocking the calling actor), in the order they were published. Called when an instance starts
  /// serving.
  void flush_session(StationId station);
  /// Records the messages still kept for `station` as lost (its twin was removed, or the run ended).
  void drop_session(StationId station);

private:
  /// No serving instance when m reached its broker: QoS 0 loses it, QoS 1 keeps it (or drops it when full).
  void undeliverable(MessageRecord& m);
  void delivered(MessageRecord& m, InstanceId target, SiteId site, double at_twin);

  const Infrastructure& infra_;
  const Platform& platform_;
  BrokerNet& brokers_;
  TwinBook& twins_;
  StationTable& stations_;
  Recorder& recorder_;
  MessagingConfig messaging_;
};

} // namespace v2x
