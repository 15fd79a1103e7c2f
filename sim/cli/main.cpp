// v2xsim: command-line entry. Thin: arguments -> subcommand. Bad input of any kind exits with status 2.
#include "cli/commands.hpp"
#include "core/error.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char* argv[])
{
  CLI::App app{"v2xsim: discrete-event simulation of a V2X digital-twin network (SimGrid)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", V2X_VERSION);

  v2x::cli::RunArgs run_args;
  for (int i = 0; i < argc; ++i)
    run_args.command_line += (i ? " " : "") + std::string(argv[i]);
  auto* run = app.add_subcommand("run", "Run a scenario and write its HDF5 output");
  run->add_option("scenario", run_args.scenario, "Scenario file (Protobuf text format)")->required();
  run->add_option("--set", run_args.sets, "Override a scalar field: field.path=value (repeatable)");
  run->add_option("--seed", run_args.seed, "Master seed (overrides the scenario's)")->check(CLI::NonNegativeNumber);
  run->add_option("-o,--output", run_args.output, "HDF5 output file (default: the scenario's output.path)");
  run->add_flag("-q,--quiet", run_args.quiet, "Print nothing but errors");
  run->add_option("--engine-arg", run_args.engine_args, "Extra SimGrid argument, e.g. --log=v2x.thresh:verbose");
  std::string run_policy, run_mechanism;  // sugar for --set migration.policy=NAME / migration.mechanism=NAME
  run->add_option("--policy", run_policy, "Migration policy (see `v2xsim policies`)");
  run->add_option("--mechanism", run_mechanism, "Migration mechanism (see `v2xsim mechanisms`)");
  run->add_option("--policy-command", run_args.policy_command,
                  "Start this external policy process (README: External policies)");
  run->add_option("--policy-endpoint", run_args.policy_endpoint,
                  "Connect to a running external policy: ipc://PATH or tcp://127.0.0.1:PORT");
  run->add_option("--trace", run_args.trace,
                  "Mobility trace to use instead of the scenario's (SUMO FCD XML, CSV or ns-2; plain, .gz or .xz)");
  run->add_option("--trace-format", run_args.trace_format, "Trace format: auto (default, from the content), fcd, "
                                                           "csv, ns2");
  auto* rsu_sites = run->add_option("--rsu-sites", run_args.rsu_sites,
                                    "CSV of RSU sites (id,x,y or junction_id,x,y,lon,lat) replacing the scenario's");
  auto* rsu_grid = run->add_option("--rsu-grid", run_args.rsu_grid_m,
                                   "Replace the scenario's RSUs with a square grid this many metres apart over the "
                                   "trace's bounding box");
  rsu_sites->excludes(rsu_grid);

  std::string validate_scenario;
  std::vector<std::string> validate_sets;
  auto* validate = app.add_subcommand("validate", "Check a scenario and print what would run");
  validate->add_option("scenario", validate_scenario, "Scenario file")->required();
  validate->add_option("--set", validate_sets, "Override a scalar field: field.path=value (repeatable)");

  v2x::cli::SweepArgs sweep_args;
  auto* sweep = app.add_subcommand("sweep", "Run the cross product of a sweep file's axes (one run per process)");
  sweep->add_option("sweep", sweep_args.sweep, "Sweep file (Protobuf text format, see scenarios/sweeps/README.md)")
      ->required();
  sweep->add_option("-j,--jobs", sweep_args.jobs, "Runs at once (default: the processors available)")
      ->check(CLI::PositiveNumber);
  sweep->add_option("--shard", sweep_args.shard, "Run only share I of N (0 <= I < N), e.g. $SLURM_ARRAY_TASK_ID/N");
  sweep->add_option("--out", sweep_args.out, "Output folder (default: the sweep's `out`, else out/sweeps/<name>)");
  sweep->add_flag("-q,--quiet", sweep_args.quiet, "Print nothing but errors");
  sweep->add_flag("--dry-run", sweep_args.dry_run, "Print the runs and their commands; run nothing");

  auto* policies = app.add_subcommand("policies", "List migration policies and their parameters");
  auto* mechanisms = app.add_subcommand("mechanisms", "List migration mechanisms and their parameters");

  auto* trace = app.add_subcommand("trace", "Mobility trace tools");
  trace->require_subcommand(1);
  std::string info_file;
  std::string info_format = "auto";
  auto* trace_info = trace->add_subcommand("info", "Describe a trace: format, vehicles, rows, time span, most "
                                                   "vehicles at once, bounding box, speed range");
  trace_info->add_option("file", info_file, "Trace file (SUMO FCD XML, CSV or ns-2; plain, .gz or .xz)")->required();
  trace_info->add_option("--format", info_format, "auto (default, from the content), fcd, csv, ns2");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  run_args.rsu_grid = rsu_grid->count() > 0;
  if (!run_policy.empty())
    run_args.sets.push_back("migration.policy=" + run_policy);
  if (!run_mechanism.empty())
    run_args.sets.push_back("migration.mechanism=" + run_mechanism);

  try {
    if (*run)
      return v2x::cli::run(run_args);
    if (*sweep)
      return v2x::cli::sweep(sweep_args);
    if (*validate)
      return v2x::cli::validate(validate_scenario, validate_sets);
    if (*policies)
      return v2x::cli::list_policies();
    if (*mechanisms)
      return v2x::cli::list_mechanisms();
    if (*trace_info)
      return v2x::cli::trace_info(info_file, info_format);
  } catch (const v2x::InputError& e) {
    std::cerr << "v2xsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "v2xsim: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
