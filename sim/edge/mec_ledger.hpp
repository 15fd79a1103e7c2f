#pragma once
// MEC (and cloud) capacity: pods, CPU and memory reserved by twins (admission), the image cache, the
// orchestrator's bounded concurrency per site, and the CPU time spent processing messages.
#include "config/scenario.hpp"
#include "migration/policy.hpp"
#include "topology/infrastructure.hpp"

#include <simgrid/s4u.hpp>

#include <span>
#include <string>
#include <vector>

namespace v2x {

struct SiteLoad {
  double cpu_reserved = 0;
  double memory_reserved = 0;
  std::uint32_t pods = 0;
  std::uint32_t ops_in_flight = 0;
  double busy_core_s = 0;  // core-seconds spent processing messages (brokers and twins)
  bool cached = false;     // the twin image is in this site's cache
  bool down = false;       // MEC_DOWN: admits nothing (a fault)
  double down_since = 0;   // when the current MEC_DOWN began (while down)
  double down_s = 0;       // s spent down in faults that ended (the energy meter's off time)
  simgrid::s4u::SemaphorePtr op_slots;
  simgrid::s4u::MutexPtr pull_lock;
};

class MecLedger {
public:
  MecLedger(const std::vector<SiteInfo>& sites, const TwinConfig& twin, const std::vector<std::string>& prepulled,
            bool image_cache);
  /// Creates the SimGrid synchronisation objects (needs the engine).
  void create_slots();

  bool can_host(SiteId s) const { return can_host(s, twin_.cpu_cores, twin_.memory_mb); }
  void reserve(SiteId s) { reserve(s, twin_.cpu_cores, twin_.memory_mb); }
  void release(SiteId s) { release(s, twin_.cpu_cores, twin_.memory_mb); }
  /// The same for a pod of another size (twin.mode HYBRID: the cloud twins, edge/sync.hpp).
  bool can_host(SiteId s, double cpu_cores, double memory_mb) const;
  void reserve(SiteId s, double cpu_cores, double memory_mb);
  void release(SiteId s, double cpu_cores, double memory_mb);
  /// MEC_DOWN: a downed site admits nothing and shows as down in the policies' views, from `now` on.
  void set_down(SiteId s, bool down, double now)
  {
    SiteLoad& l = loads_[s];
    if (l.down && !down)
      l.down_s += now - l.down_since;
    else if (!l.down && down)
      l.down_since = now;
    l.down = down;
    views_[s].down = down;
  }
  /// Seconds the site has been down from t = 0 to `now`.
  double down_s(SiteId s, double now) const
  {
    const SiteLoad& l = loads_[s];
    return l.down_s + (l.down ? now - l.down_since : 0.0);
  }
  bool is_down(SiteId s) const { return loads_[s].down; }
  void add_busy(SiteId s, double core_seconds) { loads_[s].busy_core_s += core_seconds; }
  SiteLoad& load(SiteId s) { return loads_[s]; }
  const SiteLoad& load(SiteId s) const { return loads_[s]; }
  bool image_cache() const { return image_cache_; }
  std::span<const SiteView> views() const { return views_; }

private:
  void refresh(SiteId s);

  const std::vector<SiteInfo>& sites_;
  const TwinConfig& twin_;
  bool image_cache_;
  std::vector<SiteLoad> loads_;
  std::vector<SiteView> views_;
};

} // namespace v2x
