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
  bool verbose = false;       // -v: list every RSU placed, and SimGrid's v2x log at verbose
  bool progress = true;       // a progress line for the run (on a terminal; periodic lines otherwise), unless quiet
  double progress_interval_s = -1;  // wall seconds between progress lines (-1: 0.5 on a terminal, else 30)
  std::vector<std::string> engine_args;  // --engine-arg: stored in the scenario (engine_arg) so it reruns
  // A user's own trace and RSU placement swapped in (cmd_trace.cpp):
  std::string trace;          // --trace FILE: replaces mobility.trace (empty = the scenario's)
  std::string trace_format;   // --trace-format auto|fcd|csv|ns2 (empty = the scenario's mobility.format)
  std::string rsu_sites;      // --rsu-sites FILE.csv: replaces the scenario's RSUs
  bool rsu_grid = false;      // --rsu-grid given: replaces the scenario's RSUs with a grid over the trace
  double rsu_grid_m = 0;      // its spacing, m
  // The external policy (migration/external_policy.hpp): migration.policy = external with
  std::string policy_command;   // --policy-command CMD: migration.external.command
  std::string policy_endpoint;  // --policy-endpoint ADDR: migration.external.endpoint
  double duration_s = -1;     // --duration S: simulated seconds (-1 = not given: the whole trace with --trace)
  double cell_radius_m = 0;   // --cell-radius R: every RSU's radius, m (0 = not given)
  int mec_grid = 0;           // --mec-grid K: one MEC per K x K RSUs of --rsu-grid (0 = not given)
  std::string mec_sites;      // --mec-sites FILE.csv: replaces the scenario's MECs
  std::vector<std::string> faults;  // --fault KIND:TARGET@AT+FOR[*FACTOR]: fault { } entries appended
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
/// `v2xsim validate`: the scenario `run` would simulate with the same flags, every input checked, described.
int validate(const RunArgs& args);
int list_policies();
int list_mechanisms();
/// `v2xsim trace info FILE`: format, counts, time span, most vehicles at once, bounding box, speed range.
/// Also whether the trace is geographic and the projection it gets (`projection`, else its first point's UTM zone).
int trace_info(const std::string& file, const std::string& format, const std::string& projection);

/// The known policy and mechanism names, for scenario validation.
KnownNames known_names();
/// Loads a scenario with --set overrides (and --seed when >= 0).
Scenario load(const std::string& file, const std::vector<std::string>& sets, long long seed);
/// The scenario `run` simulates: the file plus --trace/--trace-format/--duration/--set/--seed/--engine-arg and
/// the layout options (--rsu-sites/--rsu-grid/--cell-radius/--mec-grid/--mec-sites). The site files are read
/// first, then the trace (errors name them); a geographic trace's projection is written into
/// mobility.projection and site files' lon/lat go through it. The layout is written into the scenario document
/// as overrides, so the scenario's source_text is the effective scenario: it runs again to the same datasets.
/// With --trace, duration_s is 0 (the whole trace) unless --duration or --set says otherwise. Warnings (MECs
/// outside the trace's area, one MEC serving most RSUs, no coverage) go to stderr, notes (the sites chosen) to
/// stdout unless quiet.
/// `trace_span_s` (may be null) receives the trace's time span when the trace was read (else it is left as is).
Scenario load_for_run(const RunArgs& args, double* trace_span_s = nullptr);

} // namespace v2x::cli
