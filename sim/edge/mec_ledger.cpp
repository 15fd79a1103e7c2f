#include "edge/mec_ledger.hpp"

#include <utility>
#include <vector>

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2x {


MecLedger::MecLedger(const std::vector<SiteInfo>& sites, const TwinConfig& twin,
                     const std::vector<std::string>& prepulled, bool image_cache)
    : sites_(sites), twin_(twin), image_cache_(image_cache), loads_(sites.size()), views_(sites.size())
{
  for (SiteId s = 0; s < sites.size(); ++s) {
    const bool all = std::find(prepulled.begin(), prepulled.end(), "*") != prepulled.end();
    loads_[s].cached = all || std::find(prepulled.begin(), prepulled.end(), sites[s].name) != prepulled.end();
    views_[s].name = sites_[s].name;
    views_[s].is_cloud = sites_[s].is_cloud;
    views_[s].x_m = sites_[s].x_m;
    views_[s].y_m = sites_[s].y_m;
    refresh(s);
  }
}

void MecLedger::create_slots()
{
  for (SiteId s = 0; s < sites_.size(); ++s) {
    loads_[s].op_slots = simgrid::s4u::Semaphore::create(std::max<std::uint32_t>(1, sites_[s].max_concurrent_ops));
    loads_[s].pull_lock = simgrid::s4u::Mutex::create();
    // A run that ends at its duration (run_until) leaves operations waiting on these; SimGrid aborts when such
    // an object is destroyed while waited on. One run is one process: keep one reference until it exits, in a
    // list that stays reachable (a bare intrusive_ptr_add_ref was a leak LeakSanitizer reported).
    static auto* const kept = new std::vector<std::pair<simgrid::s4u::SemaphorePtr, simgrid::s4u::MutexPtr>>();
    kept->emplace_back(loads_[s].op_slots, loads_[s].pull_lock);
  }
}

bool MecLedger::can_host(SiteId s, double cpu_cores, double memory_mb) const
{
  const SiteLoad& l = loads_[s];
  const SiteInfo& i = sites_[s];
  if (l.down)
    return false;
  return l.pods + 1 <= i.pod_slots && l.cpu_reserved + cpu_cores <= i.cores + 1e-9 &&
         l.memory_reserved + memory_mb <= i.memory_mb + 1e-9;
}

void MecLedger::reserve(SiteId s, double cpu_cores, double memory_mb)
{
  loads_[s].pods += 1;
  loads_[s].cpu_reserved += cpu_cores;
  loads_[s].memory_reserved += memory_mb;
  refresh(s);
}

void MecLedger::release(SiteId s, double cpu_cores, double memory_mb)
{
  loads_[s].pods -= 1;
  loads_[s].cpu_reserved = std::max(0.0, loads_[s].cpu_reserved - cpu_cores);
  loads_[s].memory_reserved = std::max(0.0, loads_[s].memory_reserved - memory_mb);
  refresh(s);
}

void MecLedger::refresh(SiteId s)
{
  const SiteLoad& l = loads_[s];
  const SiteInfo& i = sites_[s];
  SiteView& v = views_[s];
  v.cpu_free_cores = i.cores - l.cpu_reserved;
  v.memory_free_mb = i.memory_mb - l.memory_reserved;
  v.pods_free = i.pod_slots > l.pods ? i.pod_slots - l.pods : 0;
  v.utilisation = i.cores > 0 ? l.cpu_reserved / i.cores : 0;
}

} // namespace v2x
