// `predictive`: pre-migrate the twin to the MEC behind the RSU nearest to where the vehicle will be after
// horizon_s, by dead reckoning from its position, speed and heading (clockwise from north: x += v t sin,
// y += v t cos), plus an optional Gaussian error of position_error_m on each coordinate drawn from the
// policy's seeded stream (one stream, decisions in a deterministic order: reproducible). The RSUs are the
// snapshot's RSU stations. Decided at the vehicle's handovers and at every tick.
#include "core/random.hpp"
#include "migration/registry.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

namespace v2x {
namespace {

class PredictivePolicy final : public Policy {
public:
  PredictivePolicy(const PredictiveConfig& config, std::uint64_t seed)
      : config_(config)
      , rng_(seed, StreamPurpose::Policy, 0)
  {
  }
  std::string_view name() const override { return "predictive"; }

private:
  /// The MEC behind the RSU nearest to the predicted position; kNone when there is no RSU.
  SiteId predicted_site(const Snapshot& s, const StationView& v)
  {
    const double heading = v.heading_deg * std::numbers::pi / 180.0;
    double x = v.x_m + v.speed_mps * config_.horizon_s * std::sin(heading);
    double y = v.y_m + v.speed_mps * config_.horizon_s * std::cos(heading);
    if (config_.position_error_m > 0) {
      std::normal_distribution<double> error(0.0, config_.position_error_m);
      x += error(rng_.engine());
      y += error(rng_.engine());
    }
    SiteId best = kNone;
    double best_d2 = std::numeric_limits<double>::infinity();
    for (const StationView& r : s.stations) {
      if (r.kind != StationKind::Rsu || r.rsu_site == kNone)
        continue;
      const double d2 = (r.x_m - x) * (r.x_m - x) + (r.y_m - y) * (r.y_m - y);
      if (d2 < best_d2) { // ties: the first RSU, as cell attachment does
        best_d2 = d2;
        best = r.rsu_site;
      }
    }
    return best;
  }

  void consider(const Snapshot& s, StationId id, std::vector<Intent>& out)
  {
    const StationView& v = s.stations[id];
    if (!v.present || v.kind != StationKind::Vehicle || v.twin_busy || v.twin_site == kNone)
      return;
    const SiteId target = predicted_site(s, v);
    if (target != kNone && target != v.twin_site)
      out.push_back({id, target});
  }

  void do_decide(const Snapshot& s, std::vector<Intent>& out) override
  {
    for_each_candidate(s, [&](StationId id) { consider(s, id, out); });
  }

  SiteId do_place(const Snapshot& s, StationId station) override { return rsu_site_or_cloud(s, station); }

  PredictiveConfig config_;
  RandomStream rng_;
};

} // namespace

std::unique_ptr<Policy> make_predictive_policy(const Scenario& s)
{
  return std::make_unique<PredictivePolicy>(s.migration.predictive, s.seed);
}

} // namespace v2x
