#include "cli/commands.hpp"
#include "run/run.hpp"
#include "migration/registry.hpp"

#include "core/error.hpp"

#include <iomanip>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
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

namespace {

/// The progress display of a single run: on a terminal one line rewritten in place at most twice a second;
/// otherwise (a log file, a batch job) a plain line every 30 s of wall time (--progress-interval to choose). Simulated time, % and ETA when the
/// run's end is known (duration_s, or the trace's span), messages per wall second.
class ProgressLine {
public:
  ProgressLine(double total_s, double interval_s)
      : total_s_(total_s)
      , tty_(isatty(STDERR_FILENO) != 0)
      , interval_s_(interval_s >= 0 ? interval_s : (tty_ ? 0.5 : 30.0))
      , start_(std::chrono::steady_clock::now())
  {
  }
  ~ProgressLine()
  {
    if (tty_ && shown_)
      std::fputs("\r\033[K", stderr);  // the summary follows on a clean line
  }
  void operator()(const RunProgress& p)
  {
    const auto now = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(now - start_).count();
    if (shown_ && wall - last_ < interval_s_)
      return;
    if (!shown_ && wall < interval_s_)
      return;
    last_ = wall;
    char line[200];
    int n = std::snprintf(line, sizeof line, "t = %.0f s", p.simulated_s);
    if (total_s_ > 0) {
      const double frac = p.simulated_s / total_s_;
      n += std::snprintf(line + n, sizeof line - n, " of %.0f s (%.0f %%)", total_s_, 100 * frac);
      if (frac > 0 && frac < 1)
        n += std::snprintf(line + n, sizeof line - n, ", ETA %.0f s", wall * (1 - frac) / frac);
    }
    std::snprintf(line + n, sizeof line - n, ", %.0f messages/s, %.0f s wall",
                  wall > 0 ? static_cast<double>(p.messages_created) / wall : 0.0, wall);
    if (tty_)
      std::fprintf(stderr, "\r\033[K%s", line);
    else
      std::fprintf(stderr, "v2xsim: progress: %s\n", line);
    std::fflush(stderr);
    shown_ = true;
  }

private:
  double total_s_;
  bool tty_;
  double interval_s_;  // wall seconds between lines
  std::chrono::steady_clock::time_point start_;
  double last_ = 0;
  bool shown_ = false;
};

/// The output is written to OUT.partial and renamed over OUT at the end: naming one of the run's own inputs
/// (the scenario, its trace, platform or site files) would replace that input with the HDF5 file.
void refuse_output_over_input(const std::string& out, const RunArgs& args, const Scenario& scenario)
{
  const std::pair<const char*, std::string> inputs[] = {
      {"the scenario file", args.scenario},          {"the mobility trace", scenario.mobility.trace},
      {"the platform file", scenario.infrastructure.platform}, {"the RSU sites file", args.rsu_sites},
      {"the MEC sites file", args.mec_sites}};
  for (const std::string& target : {out, out + ".partial"})
    for (const auto& [what, input] : inputs) {
      std::error_code ec;
      if (!input.empty() && std::filesystem::equivalent(target, input, ec))
        throw InputError({}, "-o", out, std::string("is ") + what + " of this run (" + input +
                                            "): the output would replace it; give another file name");
    }
}

} // namespace

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
  double trace_span_s = 0;
  const Scenario scenario = load_for_run(args, &trace_span_s);
  refuse_output_over_input(args.output.empty() ? scenario.output.path : args.output, args, scenario);
  RunOptions options;
  options.command_line = args.command_line;
  options.output_path = args.output;
  // --engine-arg is in the scenario (engine_arg); -v only adds logging, which changes no result.
  if (args.verbose)
    options.engine_args.push_back("--log=v2x.thresh:verbose");
  std::unique_ptr<ProgressLine> progress;
  if (args.progress && !args.quiet) {
    progress = std::make_unique<ProgressLine>(scenario.duration_s > 0 ? scenario.duration_s : trace_span_s,
                                              args.progress_interval_s);
    options.progress = [&progress](const RunProgress& p) { (*progress)(p); };
  }
  const RunResult result = run_scenario(scenario, options);
  progress.reset();
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
