#include "cli/commands.hpp"
#include "run/run.hpp"
#include "migration/registry.hpp"

#include "core/error.hpp"

#include <iomanip>
#include <iostream>

namespace v2x::cli {

KnownNames known_names()
{
  KnownNames known{policy_names(), mechanism_names()};
  known.policies.push_back(external_policy_info().name);  // a connector, not a built-in (not in `v2xsim policies`)
  return known;
}

Scenario load(const std::string& file, const std::vector<std::string>& sets, long long seed)
{
  std::vector<Override> overrides;
  for (const auto& s : sets)
    overrides.push_back(parse_override(s));
  if (seed >= 0)
    overrides.push_back(Override{"seed", std::to_string(seed)});
  return load_scenario(file, overrides, known_names());
}

int run(const RunArgs& given)
{
  RunArgs args = given;
  if (!args.policy_command.empty() || !args.policy_endpoint.empty()) {
    if (!args.policy_command.empty() && !args.policy_endpoint.empty())
      throw InputError({}, "--policy-command", args.policy_command, "give --policy-command or --policy-endpoint, "
                                                                    "not both");
    args.sets.push_back("migration.policy=external");
    args.sets.push_back(!args.policy_command.empty() ? "migration.external.command=" + args.policy_command
                                                     : "migration.external.endpoint=" + args.policy_endpoint);
  }
  const Scenario scenario = load_for_run(args);
  RunOptions options;
  options.command_line = args.command_line;
  options.output_path = args.output;
  options.engine_args = args.engine_args;
  const RunResult result = run_scenario(scenario, options);
  if (!args.quiet) {
    std::cout << format_summary(result.summary, result.output_path);
    if (result.policy_round_trips > 0)
      std::cout << "policy         external: " << result.policy_round_trips << " requests, "
                << std::fixed << std::setprecision(1)
                << 1e6 * result.policy_round_trip_s / static_cast<double>(result.policy_round_trips)
                << " us per round trip (wall)\n";
  }
  return 0;
}

} // namespace v2x::cli
