#include "migration/policy.hpp"

#include "core/log.hpp"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_migration_policy, v2x_migration, "Policy decisions");

namespace v2x {

std::vector<Intent> Policy::decide(const Snapshot& s)
{
  std::vector<Intent> out;
  do_decide(s, out);
  for (const Intent& i : out)
    XBT_DEBUG("t=%.6f %s: station %u -> site %u", s.now, std::string(name()).c_str(), i.station, i.target);
  return out;
}

SiteId Policy::place(const Snapshot& s, StationId station)
{
  const SiteId site = do_place(s, station);
  XBT_DEBUG("t=%.6f %s: place station %u on site %u", s.now, std::string(name()).c_str(), station, site);
  return site;
}

} // namespace v2x
