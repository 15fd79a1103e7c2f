#include "cli/commands.hpp"
#include "run/run.hpp"
#include "migration/registry.hpp"

#include <iostream>

namespace v2x::cli {

KnownNames known_names()
{
  return KnownNames{policy_names(), mechanism_names()};
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

int run(const RunArgs& args)
{
  const Scenario scenario = load_for_run(args);
  RunOptions options;
  options.command_line = args.command_line;
  options.output_path = args.output;
  options.engine_args = args.engine_args;
  const RunResult result = run_scenario(scenario, options);
  if (!args.quiet)
    std::cout << format_summary(result.summary, result.output_path);
  return 0;
}

} // namespace v2x::cli
