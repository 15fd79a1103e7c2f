// `nearest`: the twin follows its vehicle to the MEC behind its current RSU (the original system's location
// trigger). Out of coverage, the twin stays where it is.
#include "migration/registry.hpp"

namespace v2x {
namespace {

class NearestPolicy final : public Policy {
public:
  std::string_view name() const override { return "nearest"; }

private:
  static bool wants_move(const StationView& v)
  {
    return v.present && v.kind == StationKind::Vehicle && !v.twin_busy && v.twin_site != kNone &&
           v.rsu_site != kNone && v.rsu_site != v.twin_site;
  }

  void do_decide(const Snapshot& s, std::vector<Intent>& out) override
  {
    for_each_candidate(s, [&](StationId id) {
      const SiteId to = s.stations[id].rsu_site;
      if (wants_move(s.stations[id]) && !(to < s.sites.size() && s.sites[to].down))  // never to a downed MEC
        out.push_back({id, to});
    });
  }

  SiteId do_place(const Snapshot& s, StationId station) override { return rsu_site_or_cloud(s, station); }
};

} // namespace

std::unique_ptr<Policy> make_nearest_policy(const Scenario&)
{
  return std::make_unique<NearestPolicy>();
}

} // namespace v2x
