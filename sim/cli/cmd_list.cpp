#include "cli/commands.hpp"
#include "migration/registry.hpp"

#include <iostream>

namespace v2x::cli {

namespace {
void print_params(const std::vector<ParamInfo>& params)
{
  if (params.empty()) {
    std::cout << "    (no parameters)\n";
    return;
  }
  for (const ParamInfo& p : params)
    std::cout << "    " << p.name << " [" << p.unit << "] default " << p.default_value << ": " << p.doc << "\n";
}
} // namespace

int list_policies()
{
  for (const PolicyInfo& p : policy_registry()) {
    std::cout << p.name << "\n    " << p.doc << "\n";
    print_params(p.params);
  }
  return 0;
}

int list_mechanisms()
{
  for (const MechanismInfo& m : mechanism_registry()) {
    std::cout << m.name << "\n    " << m.doc << "\n";
    print_params(m.params);
  }
  return 0;
}

} // namespace v2x::cli
