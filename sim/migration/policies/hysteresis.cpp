// `hysteresis`: like `nearest`, the candidate is the MEC behind the vehicle's RSU, but the twin moves only when
// that MEC is closer to the vehicle than the twin's MEC by more than margin_m, and has been continuously for
// dwell_s (the analogue of LTE's A3 offset and time-to-trigger), against ping-pong at cell borders. The
// condition is evaluated at each decision (the station's handovers and the manager's ticks), so the dwell is
// measured with the tick's granularity. A twin in the cloud has no distance: any MEC candidate qualifies.
#include "migration/registry.hpp"

#include <cmath>
#include <limits>

namespace v2x {
namespace {

class HysteresisPolicy final : public Policy {
public:
  explicit HysteresisPolicy(const HysteresisConfig& config)
      : config_(config)
  {
  }
  std::string_view name() const override { return "hysteresis"; }

private:
  struct Pending {
    SiteId candidate = kNone;
    double since = 0;
  };

  static double distance(const StationView& v, const SiteView& site)
  {
    return site.is_cloud ? std::numeric_limits<double>::infinity() : std::hypot(v.x_m - site.x_m, v.y_m - site.y_m);
  }

  void consider(const Snapshot& s, StationId id, std::vector<Intent>& out)
  {
    const StationView& v = s.stations[id];
    Pending& p = pending_[id];
    const bool eligible = v.present && v.kind == StationKind::Vehicle && !v.twin_busy && v.twin_site != kNone &&
                          v.rsu_site != kNone && v.rsu_site != v.twin_site;
    if (!eligible || !(distance(v, s.sites[v.rsu_site]) + config_.margin_m < distance(v, s.sites[v.twin_site]))) {
      p.candidate = kNone;
      return;
    }
    if (p.candidate != v.rsu_site)
      p = Pending{v.rsu_site, s.now};
    if (s.now - p.since >= config_.dwell_s) {
      out.push_back({id, v.rsu_site});
      p.candidate = kNone;
    }
  }

  void do_decide(const Snapshot& s, std::vector<Intent>& out) override
  {
    if (pending_.size() < s.stations.size())
      pending_.resize(s.stations.size());
    for_each_candidate(s, [&](StationId id) { consider(s, id, out); });
  }

  SiteId do_place(const Snapshot& s, StationId station) override { return rsu_site_or_cloud(s, station); }

  HysteresisConfig config_;
  std::vector<Pending> pending_; // by StationId
};

} // namespace

std::unique_ptr<Policy> make_hysteresis_policy(const Scenario& s)
{
  return std::make_unique<HysteresisPolicy>(s.migration.hysteresis);
}

} // namespace v2x
