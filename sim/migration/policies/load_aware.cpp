// `load-aware`: the twin runs on the nearest MEC (to the vehicle) that has room, balancing utilisation. A MEC
// has room when it can admit one more twin (CPU, memory, pod slot) and its CPU reservation would then be at
// most max_utilisation of its cores. Among the MECs with room at most slack_m farther than the nearest of
// them, the least utilised is chosen (ties: the nearer, then the lower id). A twin stays where it is while its
// MEC is within slack_m of the nearest MEC with room (no moves for balance alone); otherwise it moves to the
// choice, or stays when no MEC has room. Placement without room anywhere goes to the cloud. The reservations
// of the intents of one decision are counted, so one decision never fills a MEC beyond its capacity.
#include "migration/registry.hpp"

#include <cmath>
#include <limits>

namespace v2x {
namespace {

class LoadAwarePolicy final : public Policy {
public:
  LoadAwarePolicy(const LoadAwareConfig& config, const TwinConfig& twin)
      : config_(config)
      , cpu_(twin.cpu_cores)
      , memory_(twin.memory_mb)
  {
  }
  std::string_view name() const override { return "load-aware"; }

private:
  struct Room {
    double cpu_free = 0, memory_free = 0, pods_free = 0, cores = 0;
  };

  void start(const Snapshot& s)
  {
    room_.assign(s.sites.size(), Room{});
    for (SiteId i = 0; i < s.sites.size(); ++i) {
      const SiteView& v = s.sites[i];
      const double reserved = v.utilisation > 0 ? v.utilisation : 0;
      // cores = free / (1 - utilisation) when not full; a full MEC has no room anyway.
      const double cores = reserved < 1 ? v.cpu_free_cores / (1 - reserved) : 0;
      room_[i] = Room{v.cpu_free_cores, v.memory_free_mb, static_cast<double>(v.pods_free), cores};
    }
  }

  bool has_room(const Snapshot& s, SiteId i) const
  {
    const Room& r = room_[i];
    // A MEC a fault took down has no room.
    if (s.sites[i].is_cloud || s.sites[i].down || r.pods_free < 1 || r.cpu_free + 1e-9 < cpu_ || r.memory_free + 1e-9 < memory_)
      return false;
    return utilisation_after(i) <= config_.max_utilisation + 1e-9;
  }

  double utilisation(SiteId i) const
  {
    const Room& r = room_[i];
    return r.cores > 0 ? (r.cores - r.cpu_free) / r.cores : 1;
  }
  double utilisation_after(SiteId i) const
  {
    const Room& r = room_[i];
    return r.cores > 0 ? (r.cores - r.cpu_free + cpu_) / r.cores : std::numeric_limits<double>::infinity();
  }

  static double distance(const StationView& v, const SiteView& site)
  {
    return std::hypot(v.x_m - site.x_m, v.y_m - site.y_m);
  }

  /// Distance to the nearest MEC with room (infinity: none).
  double nearest_with_room(const Snapshot& s, const StationView& v) const
  {
    double best = std::numeric_limits<double>::infinity();
    for (SiteId i = 0; i < s.sites.size(); ++i)
      if (has_room(s, i))
        best = std::min(best, distance(v, s.sites[i]));
    return best;
  }

  /// The least utilised MEC with room within slack_m of the nearest; kNone when none has room.
  SiteId choose(const Snapshot& s, const StationView& v) const
  {
    const double limit = nearest_with_room(s, v) + config_.slack_m;
    SiteId best = kNone;
    for (SiteId i = 0; i < s.sites.size(); ++i) {
      if (!has_room(s, i) || distance(v, s.sites[i]) > limit)
        continue;
      if (best == kNone || utilisation(i) < utilisation(best) - 1e-12 ||
          (utilisation(i) <= utilisation(best) + 1e-12 && distance(v, s.sites[i]) < distance(v, s.sites[best])))
        best = i;
    }
    return best;
  }

  void take(SiteId i)
  {
    room_[i].cpu_free -= cpu_;
    room_[i].memory_free -= memory_;
    room_[i].pods_free -= 1;
  }

  void consider(const Snapshot& s, StationId id, std::vector<Intent>& out)
  {
    const StationView& v = s.stations[id];
    if (!v.present || v.kind != StationKind::Vehicle || v.twin_busy || v.twin_site == kNone)
      return;
    const SiteView& here = s.sites[v.twin_site];
    if (!here.is_cloud && distance(v, here) <= nearest_with_room(s, v) + config_.slack_m)
      return;
    const SiteId target = choose(s, v);
    if (target == kNone || target == v.twin_site)
      return;
    take(target);
    out.push_back({id, target});
  }

  void do_decide(const Snapshot& s, std::vector<Intent>& out) override
  {
    start(s);
    for_each_candidate(s, [&](StationId id) { consider(s, id, out); });
  }

  SiteId do_place(const Snapshot& s, StationId station) override
  {
    start(s);
    const SiteId site = choose(s, s.stations[station]);
    return site == kNone ? s.cloud : site;
  }

  LoadAwareConfig config_;
  double cpu_;
  double memory_;
  std::vector<Room> room_; // by SiteId, for the decision being made
};

} // namespace

std::unique_ptr<Policy> make_load_aware_policy(const Scenario& s)
{
  return std::make_unique<LoadAwarePolicy>(s.migration.load_aware, s.twin);
}

} // namespace v2x
