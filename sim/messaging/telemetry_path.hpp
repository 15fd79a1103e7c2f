#pragma once
// The telemetry hot path. One message = one SimGrid transfer from the publisher's host to its broker's host
// (for a vehicle: its radio step, the cell link, then the RSU's backhaul, cut-through), then the broker's FCFS
// service; the broker matches the message's topic (v2x/<area>/<station>/cam, MQTT rules) against the twins'
// subscriptions and hands it to each subscriber's serving instance: on the same host at once, through a bridge
// transfer to the subscriber's broker otherwise. The publishing actor carries its message along the path, so
// there is no activity per message besides the transfers, and none per hop that does not cross the network.
#include "messaging/broker.hpp"
#include "stations/station_table.hpp"
#include "messaging/topic_tree.hpp"
#include "edge/twin_book.hpp"
#include "metrics/recorder.hpp"
#include "topology/platform.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace v2x {

class TelemetryPath {
public:
  TelemetryPath(const Infrastructure& infra, const Platform& platform, BrokerNet& brokers, TwinBook& twins,
                StationTable& stations, Recorder& recorder, const MessagingConfig& messaging = {},
                const TelemetryConfig& telemetry = {}, std::uint32_t cooperation_areas = 0);

  /// From a cell (a vehicle; `src` is its radio host, whose route caps its rate): `after_cell_latency_s` is the
  /// latency from the RSU to the broker; under cut-through the last byte passes the RSU that long before it
  /// reaches the broker, which gives at_rsu. Otherwise (an RSU's own message) at_rsu = created.
  struct Uplink {
    bool from_cell = false;
    double after_cell_latency_s = 0;
  };
  /// Carries `m` (station, seq, rsu, broker, size_b and created filled) from host `src` to the subscribers of its
  /// topic, blocking the calling actor while it crosses the network, and records it (its own twin's delivery:
  /// cooperating twins' deliveries are counted, not recorded). The station's position gives the topic's area.
  void carry(MessageRecord& m, simgrid::s4u::Host* src, const Uplink& uplink);

  /// The station's twin subscribes (own topic, and the cooperation areas around the station). From the moment
  /// its placement is requested to its removal: the session persists while no instance serves.
  void subscribe(StationId station);
  void unsubscribe(StationId station);
  /// The station may have changed area: moves its twin's cooperation subscriptions along.
  void moved(StationId station);

  /// QoS 1: hands the messages kept for `station` to its serving instance, one bridge transfer per broker that
  /// kept some (blocking the calling actor), in the order they were published. Called when an instance starts
  /// serving.
  void flush_session(StationId station);
  /// Records the messages still kept for `station` as lost (its twin was removed, or the run ended).
  void drop_session(StationId station);

  /// A twin instance's report to the dashboard (v2x/dashboard/<station>/state, retained): a transfer from its
  /// site to the dashboard broker (the cloud's), then that broker's service.
  void publish_dashboard(StationId station, SiteId site, std::uint32_t size_b);

  std::uint64_t cooperative_deliveries() const { return cooperative_; }
  const TopicTree& subscriptions() const { return subscriptions_; }

private:
  /// No serving instance when m reached its broker: QoS 0 loses it, QoS 1 keeps it (or drops it when full).
  void undeliverable(MessageRecord& m);
  void delivered(MessageRecord& m, InstanceId target, SiteId site, double at_twin);
  /// The station's own twin: local at once, or bridged.
  void to_own_twin(MessageRecord& m, double served);
  /// Another station's twin that subscribed to the area (cooperation).
  void to_cooperating_twin(const MessageRecord& m, StationId subscriber, double served);
  /// Blocks until `served`, then carries a message from `from` to where `target` runs (bridge + broker service);
  /// returns the arrival time at the instance's host.
  double bridge(BrokerId from, SiteId site, std::uint32_t size_b, double served);
  const std::string& topic(const MessageRecord& m);
  std::int64_t area_of(double x_m, double y_m) const;
  std::vector<std::string> area_filters(std::int64_t area) const;

  const Infrastructure& infra_;
  const Platform& platform_;
  BrokerNet& brokers_;
  TwinBook& twins_;
  StationTable& stations_;
  Recorder& recorder_;
  MessagingConfig messaging_;
  double area_size_m_;
  std::uint32_t cooperation_areas_;
  TopicTree subscriptions_;
  std::vector<std::int64_t> subscribed_area_;  // per station: area of its cooperation filters; INT64_MIN = none
  std::vector<StationId> matched_;             // reused per message
  struct StationTopic {
    std::int64_t area = std::numeric_limits<std::int64_t>::min();
    std::string topic;
  };
  std::vector<StationTopic> topics_;  // per station: its topic, rebuilt when its area changes
  std::uint64_t cooperative_ = 0;
};

} // namespace v2x
