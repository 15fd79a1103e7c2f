#pragma once
// The twins' MQTT subscriptions: each twin subscribes to its own station's topics (v2x/+/<station>/#) from its
// placement to its removal, and with twin.cooperation_areas = k to the CAMs of the (2k+1)^2 areas around its
// station (v2x/<area>/+/cam), following the station as it moves. Topics: v2x/<area>/<station>/cam for OBUs,
// .../status for RSUs, areas on a square grid of telemetry.area_size_m. A passive model (no SimGrid).
#include "messaging/topic_tree.hpp"
#include "stations/station_table.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace v2x {

class Subscriptions {
public:
  Subscriptions(const StationTable& stations, double area_size_m, std::uint32_t cooperation_areas);

  /// Called before every change (the telemetry plane catches up to now first).
  void set_before_change(std::function<void()> f) { before_change_ = std::move(f); }
  void subscribe(StationId station);
  void unsubscribe(StationId station);
  /// The station may have changed area: moves its twin's cooperation subscriptions along.
  void moved(StationId station);

  /// The station's current topic (cached until its area changes).
  const std::string& topic(StationId station);
  /// Subscribers whose filters match `station`'s current topic, into `out` (cleared first).
  void match(StationId station, std::vector<StationId>& out);
  std::size_t size() const { return tree_.size(); }
  const TopicTree& tree() const { return tree_; }

private:
  std::int64_t area_of(double x_m, double y_m) const;
  std::vector<std::string> area_filters(std::int64_t area) const;
  void changing()
  {
    if (before_change_)
      before_change_();
  }

  const StationTable& stations_;
  double area_size_m_;
  std::uint32_t cooperation_areas_;
  TopicTree tree_;
  std::function<void()> before_change_;
  std::vector<std::int64_t> subscribed_area_;  // per station: area of its cooperation filters; INT64_MIN = none
  struct StationTopic {
    std::int64_t area = std::numeric_limits<std::int64_t>::min();
    std::string topic;
    // match() of this topic against the tree as it was at version matched_version (a station's messages go out
    // many times between two subscription changes: the trie walk is done once per change, not per message)
    std::uint64_t matched_version = std::numeric_limits<std::uint64_t>::max();
    std::vector<StationId> matched;
  };
  std::uint64_t version_ = 0;  // incremented by every change of the tree
  std::vector<StationTopic> topics_;
};

} // namespace v2x
