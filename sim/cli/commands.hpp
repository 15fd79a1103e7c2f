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
  // A user's own trace and RSU placement swapped in (cmd_trace.cpp):
  std::string trace;          // --trace FILE: replaces mobility.trace (empty = the scenario's)
  std::string trace_format;   // --trace-format auto|fcd|csv|ns2 (empty = the scenario's mobility.format)
  std::string rsu_sites;      // --rsu-sites FILE.csv: replaces the scenario's RSUs
  bool rsu_grid = false;      // --rsu-grid given: replaces the scenario's RSUs with a grid over the trace
  double rsu_grid_m = 0;      // its spacing, m
  // The external policy (migration/external_policy.hpp): migration.policy = external with
  std::string policy_command;   // --policy-command CMD: migration.external.command
  std::string policy_endpoint;  // --policy-endpoint ADDR: migration.external.endpoint
};

struct SweepArgs {
  std::string sweep;
  int jobs = 0; // 0 = the processors this process may use
  std::string shard;
  std::string out;
  bool quiet = false;
  bool dry_run = false;
};

struct DashboardArgs {
  std::string run;  // run file (HDF5)
  std::string out;  // -o DIR: output folder (empty: the run file's folder)
};

struct ExportArgs {
  std::string run;    // run file (HDF5)
  std::string out;    // -o FILE: line protocol file (empty: RUN.lp next to the run file)
  int every = 0;      // --every N: one message in N as a latency point (0: the script's default)
  std::string epoch;  // --epoch: wall time of simulated time 0 (empty: the script's default, 1970-01-01T00:00:00Z)
};

int run(const RunArgs& args);
/// `v2xsim dashboard`: analysis/dashboard.py on the run file (its exit status; 2 when the script is missing).
int dashboard(const DashboardArgs& args);
/// `v2xsim export --influx`: analysis/export_influx.py on the run file (likewise).
int export_influx(const ExportArgs& args);
/// `v2xsim sweep`: 0 when every run of the shard is complete, 1 when some failed, 128 + signal when stopped.
int sweep(const SweepArgs& args);
int validate(const std::string& scenario, const std::vector<std::string>& sets);
int list_policies();
int list_mechanisms();
/// `v2xsim trace info FILE`: format, counts, time span, most vehicles at once, bounding box, speed range.
int trace_info(const std::string& file, const std::string& format);

/// The known policy and mechanism names, for scenario validation.
KnownNames known_names();
/// Loads a scenario with --set overrides (and --seed when >= 0).
Scenario load(const std::string& file, const std::vector<std::string>& sets, long long seed);
/// The scenario `run` simulates: load() plus --trace/--trace-format/--rsu-sites/--rsu-grid. The sites file and
/// the new trace are read (and their errors reported, naming them) before the scenario is loaded; new RSUs get
/// the scenario's cell parameters and nearest MEC and are validated again. Warnings go to stderr, notes to
/// stdout unless quiet.
Scenario load_for_run(const RunArgs& args);

} // namespace v2x::cli
