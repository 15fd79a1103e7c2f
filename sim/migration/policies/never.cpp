// `never`: the twin stays where it was first placed. A vehicle that appears in a cell gets its twin on the MEC
// behind that RSU. One that appears outside coverage gets a provisional twin in the cloud (it publishes nothing
// meanwhile) and, the first time it is covered, one move to the MEC behind its RSU; after that, never again.
#include "migration/registry.hpp"

#include <vector>

namespace v2x {
namespace {

class NeverPolicy final : public Policy {
public:
  std::string_view name() const override { return "never"; }

private:
  void do_decide(const Snapshot& s, std::vector<Intent>& out) override
  {
    for_each_candidate(s, [&](StationId id) {
      if (id >= provisional_.size() || !provisional_[id])
        return;
      const StationView& v = s.stations[id];
      if (!v.present) {
        provisional_[id] = false;
        return;
      }
      if (v.twin_busy || v.twin_site == kNone || v.rsu_site == kNone)
        return;                 // still being placed, or still uncovered: wait
      provisional_[id] = false; // the one move (if the manager rejects it, the twin stays: never means never)
      if (v.rsu_site != v.twin_site)
        out.push_back({id, v.rsu_site});
    });
  }

  SiteId do_place(const Snapshot& s, StationId station) override
  {
    if (provisional_.size() <= station)
      provisional_.resize(station + 1, false);
    const SiteId site = s.stations[station].rsu_site;
    provisional_[station] = site == kNone;
    return site == kNone ? s.cloud : site;
  }

  std::vector<bool> provisional_; // by StationId: placed in the cloud for want of coverage, not yet moved
};

} // namespace

std::unique_ptr<Policy> make_never_policy(const Scenario&)
{
  return std::make_unique<NeverPolicy>();
}

} // namespace v2x
