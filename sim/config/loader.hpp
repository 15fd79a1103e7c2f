#pragma once
// Loading a scenario: parse, apply --set overrides, translate, fill the defaults that depend on other fields
// (brokers, backhaul links, orchestrator delays, radio rate table), resolve paths against the scenario's
// folder, and validate everything. Every problem is an InputError naming file:line:column, field path, value.
#include "config/scenario.hpp"
#include "core/error.hpp"

#include <string>
#include <vector>

namespace v2x {

struct Override {
  std::string path;
  std::string value;
  bool clear = false;   // empty the repeated field at `path` (value unused), before appends to it
  bool listed = true;   // named in the recorded text's header comment (false: only counted)
};

/// Parses "field.path=value"; InputError(field "--set", value arg) when there is no '=' or no path.
Override parse_override(const std::string& arg);

/// The names the run can resolve (policy and mechanism registries), checked during validation.
struct KnownNames {
  std::vector<std::string> policies;
  std::vector<std::string> mechanisms;
};

Scenario load_scenario(const std::string& file, const std::vector<Override>& overrides, const KnownNames& known);

/// What would run, for `v2xsim validate`: counts, positions summary, rates, delays, policy, output.
std::string describe(const Scenario& s);

} // namespace v2x
