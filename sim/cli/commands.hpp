#pragma once
// Subcommands of the v2xsim command. Each returns the process exit status (0 ok, 2 bad input).
#include "config/loader.hpp"

#include <string>
#include <vector>

namespace v2x::cli {

struct RunArgs {
  std::string scenario;
  std::vector<std::string> sets;
  long long seed = -1;  // -1 = the scenario's
  std::string output;
  std::string command_line;
  bool quiet = false;
  std::vector<std::string> engine_args;
};

int run(const RunArgs& args);
int validate(const std::string& scenario, const std::vector<std::string>& sets);
int list_policies();
int list_mechanisms();

/// The known policy and mechanism names, for scenario validation.
KnownNames known_names();
/// Loads a scenario with --set overrides (and --seed when >= 0).
Scenario load(const std::string& file, const std::vector<std::string>& sets, long long seed);

} // namespace v2x::cli
