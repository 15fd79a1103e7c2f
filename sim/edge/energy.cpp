#include "edge/energy.hpp"

#include <simgrid/plugins/energy.h>

#include <cstdlib>

namespace v2x {

double energy_by_hand(double idle_w, double full_w, std::uint32_t cores, double time_s, double busy_core_s)
{
  return idle_w * time_s + (full_w - idle_w) * busy_core_s / static_cast<double>(cores);
}

double energy_by_hand(double idle_w, double full_w, double off_w, std::uint32_t cores, double time_s, double down_s,
                      double busy_core_s)
{
  return idle_w * (time_s - down_s) + off_w * down_s + (full_w - idle_w) * busy_core_s / static_cast<double>(cores);
}

void EnergyMeter::init_plugin()
{
  sg_host_energy_plugin_init();
}

EnergyMeter::EnergyMeter(const Platform& platform, const std::vector<SiteInfo>& sites, const MecLedger& ledger)
    : platform_(platform), sites_(sites), ledger_(ledger)
{
}

bool EnergyMeter::metered(SiteId s) const
{
  return platform_.site_host(s)->get_property("wattage_per_state") != nullptr;
}

double EnergyMeter::idle_w(SiteId s) const
{
  return metered(s) ? sg_host_get_wattmin_at(platform_.site_host(s), 0) : 0.0;
}

double EnergyMeter::full_w(SiteId s) const
{
  return metered(s) ? sg_host_get_wattmax_at(platform_.site_host(s), 0) : 0.0;
}

double EnergyMeter::off_w(SiteId s) const
{
  // The plugin has no getter for it: the property it reads (absent: 0 W, as the plugin takes it).
  const char* off = metered(s) ? platform_.site_host(s)->get_property("wattage_off") : nullptr;
  return off != nullptr ? std::strtod(off, nullptr) : 0.0;
}

double EnergyMeter::energy_j(SiteId s) const
{
  return energy_j(s, ledger_.load(s).busy_core_s);
}

double EnergyMeter::energy_j(SiteId s, double busy_core_s) const
{
  if (!metered(s))
    return 0.0;  // no power figures (a platform XML without them, a scenario built in code): the plugin says 0 W
  const double plugin = sg_host_get_consumed_energy(platform_.site_host(s));
  const double down_s = ledger_.down_s(s, simgrid::s4u::Engine::get_clock());
  return plugin + (full_w(s) - idle_w(s)) * busy_core_s / static_cast<double>(sites_[s].cores) -
         (idle_w(s) - off_w(s)) * down_s;
}

void EnergyMeter::update_all() const
{
  sg_host_energy_update_all();
}

double EnergyMeter::total_j() const
{
  double sum = 0;
  for (SiteId s = 0; s < sites_.size(); ++s)
    sum += energy_j(s);
  return sum;
}

} // namespace v2x
