// `latency`: move the twin to the MEC behind the vehicle's RSU when the end-to-end latency of its messages has
// exceeded a threshold at every decision (handover or tick) for window_s. The threshold is threshold_s when it
// is > 0, else threshold_factor x the snapshot's baseline latency of the vehicle's current RSU (the uncongested
// latency to the MEC behind it), and 20 ms when the snapshot has no baseline. The latency is the snapshot's
// last_latency_s (the newest delivered message); the policy keeps, per station, when it was first seen above
// the threshold, and forgets it when a sample is below, while an operation runs on the twin, and after an
// intent (the next window starts with the next samples).
#include "migration/registry.hpp"

#include <cmath>
#include <limits>

namespace v2x {
namespace {

class LatencyPolicy final : public Policy {
public:
  explicit LatencyPolicy(const LatencyPolicyConfig& config)
      : config_(config)
  {
  }
  std::string_view name() const override { return "latency"; }

private:
  static constexpr double kNever = std::numeric_limits<double>::quiet_NaN();
  static constexpr double kFallbackThresholdS = 0.02;  // without a baseline (no RSU, or a hand-made snapshot)

  double threshold(const Snapshot& s, const StationView& v) const
  {
    if (config_.threshold_s > 0)
      return config_.threshold_s;
    if (v.rsu == kNone || v.rsu >= s.rsu_baseline_latency_s.size())
      return kFallbackThresholdS;
    return config_.threshold_factor * s.rsu_baseline_latency_s[v.rsu];
  }

  void consider(const Snapshot& s, StationId id, std::vector<Intent>& out)
  {
    const StationView& v = s.stations[id];
    double& since = above_since_[id];
    if (!v.present || v.kind != StationKind::Vehicle || v.twin_busy || v.twin_site == kNone ||
        !(v.last_latency_s > threshold(s, v))) {
      since = kNever;
      return;
    }
    if (std::isnan(since))
      since = s.now;
    if (s.now - since >= config_.window_s && v.rsu_site != kNone && v.rsu_site != v.twin_site) {
      out.push_back({id, v.rsu_site});
      since = kNever;
    }
  }

  void do_decide(const Snapshot& s, std::vector<Intent>& out) override
  {
    if (above_since_.size() < s.stations.size())
      above_since_.resize(s.stations.size(), kNever);
    for_each_candidate(s, [&](StationId id) { consider(s, id, out); });
  }

  SiteId do_place(const Snapshot& s, StationId station) override { return rsu_site_or_cloud(s, station); }

  LatencyPolicyConfig config_;
  std::vector<double> above_since_; // by StationId; NaN = not above
};

} // namespace

std::unique_ptr<Policy> make_latency_policy(const Scenario& s)
{
  return std::make_unique<LatencyPolicy>(s.migration.latency);
}

} // namespace v2x
