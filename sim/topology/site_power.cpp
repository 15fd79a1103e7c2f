#include "topology/site_power.hpp"

#include <cstdio>

namespace v2x {

namespace {
std::string number(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);  // exact round trip through the plugin's strtod
  return buf;
}
} // namespace

std::string wattage_per_state(double idle_w, double full_w)
{
  return number(idle_w) + ":" + number(full_w);
}

void set_power_properties(simgrid::s4u::Host* host, const SiteInfo& site)
{
  if (!(site.idle_w > 0 || site.full_w > 0 || site.off_w > 0))
    return;
  host->set_property("wattage_per_state", wattage_per_state(site.idle_w, site.full_w));
  host->set_property("wattage_off", number(site.off_w));
}

} // namespace v2x
