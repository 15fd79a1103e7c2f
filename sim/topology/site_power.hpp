#pragma once
// A site's power figures as the host properties SimGrid's host energy plugin reads when a host is created
// (before Host::seal()): wattage_per_state "idle:full" (one pstate; the plugin's power is then linear in the
// load between the two) and wattage_off.
#include "topology/infrastructure.hpp"

#include <simgrid/s4u.hpp>

#include <string>

namespace v2x {

/// "idle:full" as the plugin parses it (shortest round-trip decimal of each value).
std::string wattage_per_state(double idle_w, double full_w);
/// Sets the properties on `host` when the site has power figures (any of them > 0); else leaves it alone.
void set_power_properties(simgrid::s4u::Host* host, const SiteInfo& site);

} // namespace v2x
