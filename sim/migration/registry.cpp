#include "migration/registry.hpp"

#include <algorithm>

namespace v2x {

const std::vector<PolicyInfo>& policy_registry()
{
  static const std::vector<PolicyInfo> registry = {
      {"never", "The twin stays on the site where it was first placed (the MEC serving the vehicle's first RSU).", {},
       make_never_policy},
      {"cloud", "Every twin runs in the cloud; no migration (the cloud baseline).", {}, make_cloud_policy},
      {"nearest",
       "The twin follows its vehicle to the MEC that serves its current RSU (the original system's location "
       "trigger): decided at each handover, and re-checked at every manager tick for twins that were busy.",
       {},
       make_nearest_policy},
  };
  return registry;
}

const std::vector<MechanismInfo>& mechanism_registry()
{
  static const std::vector<MechanismInfo> registry = {
      {"stateless-restart",
       "Terminate the twin on the source, then instantiate it on the target (the original system's): downtime is "
       "the source's container stop and cleanup plus a full cold start on the target.",
       {},
       make_stateless_restart},
  };
  return registry;
}

const PolicyInfo* find_policy(const std::string& name)
{
  const auto& r = policy_registry();
  auto it = std::find_if(r.begin(), r.end(), [&](const PolicyInfo& p) { return p.name == name; });
  return it == r.end() ? nullptr : &*it;
}

const MechanismInfo* find_mechanism(const std::string& name)
{
  const auto& r = mechanism_registry();
  auto it = std::find_if(r.begin(), r.end(), [&](const MechanismInfo& m) { return m.name == name; });
  return it == r.end() ? nullptr : &*it;
}

std::vector<std::string> policy_names()
{
  std::vector<std::string> names;
  for (const auto& p : policy_registry())
    names.push_back(p.name);
  return names;
}

std::vector<std::string> mechanism_names()
{
  std::vector<std::string> names;
  for (const auto& m : mechanism_registry())
    names.push_back(m.name);
  return names;
}

} // namespace v2x
