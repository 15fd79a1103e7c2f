#include "cli/commands.hpp"
#include "mobility/trace.hpp"
#include "topology/infrastructure.hpp"

#include <iostream>

namespace v2x::cli {

int validate(const RunArgs& args)
{
  const Scenario scenario = load_for_run(args);
  if (scenario.infrastructure.platform.empty()) // the backhaul graph: a disconnected RSU is found now
    Infrastructure::from_config(scenario.infrastructure, scenario.source_file);
  // The trace is streamed during a run; here it is read through once so that its errors show now.
  auto reader = open_trace(scenario.mobility.trace, scenario.mobility.format, scenario.mobility.projection);
  TraceStep step;
  std::uint64_t steps = 0, rows = 0;
  double first = 0, last = 0;
  while (reader->next(step)) {
    if (steps == 0)
      first = step.time_s;
    last = step.time_s;
    ++steps;
    rows += step.vehicles.size();
  }
  if (!args.quiet) {
    std::cout << describe(scenario);
    std::cout << "trace check: " << reader->format_name() << ", " << steps << " timesteps, " << rows
              << " vehicle rows, t = " << first << " .. " << last << " s";
    if (!reader->projection().empty())
      std::cout << ", geographic, projected with " << reader->projection();
    std::cout << ": ok\n";
    if (args.verbose)
      std::cout << "effective scenario:\n" << scenario.source_text;
  }
  return 0;
}

} // namespace v2x::cli
