#pragma once
// MQTT topic semantics (MQTT 3.1.1, section 4.7): topics are '/'-separated levels; a subscription filter may use
// '+' (exactly one level) and '#' (the rest, last level only; also matches the parent level). No SimGrid here.
// (Retained messages, the dashboards' reports, only load the dashboard broker: the telemetry plane serves them.)
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace v2x {

/// Whether `filter` is a valid MQTT subscription filter ('#' only as the whole last level, '+' whole levels).
bool valid_topic_filter(std::string_view filter);
/// Whether `topic` (no wildcards) matches `filter`.
bool topic_matches(std::string_view filter, std::string_view topic);

/// Subscriptions by filter, matched against topics through a trie of levels, so matching costs the topic's
/// depth times the wildcard branches, not the number of subscriptions.
class TopicTree {
public:
  using Subscriber = std::uint32_t;

  TopicTree();
  ~TopicTree();
  /// Adds (filter, subscriber); a duplicate pair is kept once. Throws std::invalid_argument for a bad filter.
  void subscribe(std::string_view filter, Subscriber s);
  /// Removes (filter, subscriber) if present.
  void unsubscribe(std::string_view filter, Subscriber s);
  /// Calls `out` once per subscription whose filter matches `topic` (a subscriber with two matching filters is
  /// called twice, as MQTT delivers overlapping subscriptions).
  void match(std::string_view topic, const std::function<void(Subscriber)>& out) const;
  std::size_t size() const { return count_; }


private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::size_t count_ = 0;
};

} // namespace v2x
