// v2xsim: command-line entry. Thin: arguments -> subcommand. Bad input of any kind exits with status 2.
#include "cli/commands.hpp"
#include "config/engine_args.hpp"
#include "core/cleanup.hpp"
#include "core/error.hpp"

#include <CLI/CLI.hpp>

#include <cstring>
#include <filesystem>
#include <iostream>

namespace {

const char* const kSubcommands[] = {"run", "validate", "sweep", "policies", "mechanisms", "trace", "dashboard", "export"};

/// CLI11's own messages quote the arguments as given: escaped here like every other error.
int parse_error(const CLI::ParseError& e)
{
  std::cerr << "v2xsim: error: " << v2x::escape_text(e.what()) << "\nRun with --help for more information.\n";
  return 2;
}

} // namespace

int main(int argc, char* argv[])
{
  // An unknown subcommand is named (CLI11 alone says only that a subcommand is required).
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const char* s : kSubcommands)
      known = known || std::strcmp(argv[1], s) == 0;
    if (!known) {
      std::cerr << "v2xsim: error: unknown subcommand '" << v2x::escape_text(argv[1])
                << "': run, validate, sweep, policies, mechanisms, trace, dashboard or export (v2xsim --help)\n";
      return 2;
    }
  }

  CLI::App app{"v2xsim: discrete-event simulation of a V2X digital-twin network (SimGrid)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", V2X_VERSION);

  v2x::cli::RunArgs run_args;
  for (int i = 0; i < argc; ++i)
    run_args.command_line += (i ? " " : "") + std::string(argv[i]);
  auto* run = app.add_subcommand("run", "Run a scenario and write its HDF5 output");
  run->add_option("scenario", run_args.scenario, "Scenario file (Protobuf text format)")->required();
  run->add_option("--set", run_args.sets, "Override a scalar field: field.path=value (repeatable)");
  run->add_option("--seed", run_args.seed, "Master seed (overrides the scenario's)")->check(CLI::Range(0LL, 9223372036854775807LL));
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
      ->check(CLI::Range(1, 4096));
  sweep->add_option("--shard", sweep_args.shard, "Run only share I of N (0 <= I < N), e.g. $SLURM_ARRAY_TASK_ID/N");
  sweep->add_option("--out", sweep_args.out, "Output folder (default: the sweep's `out`, else out/sweeps/<name>)");
  sweep->add_flag("-q,--quiet", sweep_args.quiet, "Print nothing but errors");
  sweep->add_flag("--dry-run", sweep_args.dry_run, "Print the runs and their commands; run nothing");

  v2x::cli::DashboardArgs dashboard_args;
  auto* dashboard = app.add_subcommand("dashboard", "Write a run's HTML dashboard (analysis/dashboard.py)");
  dashboard->add_option("run", dashboard_args.run, "Run file (HDF5)")->required();
  dashboard->add_option("-o,--output", dashboard_args.out, "Output folder (default: the run file's folder)");

  v2x::cli::ExportArgs export_args;
  bool export_influx = false;
  auto* exporter = app.add_subcommand("export", "Export a run's time series (analysis/export_influx.py)");
  exporter->add_flag("--influx", export_influx, "InfluxDB line protocol (the one format so far)")->required();
  exporter->add_option("run", export_args.run, "Run file (HDF5)")->required();
  exporter->add_option("-o,--output", export_args.out, "Output file (default: RUN.lp next to the run file)");
  exporter->add_option("--every", export_args.every, "One message in N as a latency point")
      ->check(CLI::PositiveNumber);
  exporter->add_option("--epoch", export_args.epoch, "Wall time of simulated time 0, ISO 8601 (default 1970-01-01T00:00:00Z)");

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
    return parse_error(e);
  }
  run_args.rsu_grid = rsu_grid->count() > 0;
  if (!run_policy.empty())
    run_args.sets.push_back("migration.policy=" + run_policy);
  if (!run_mechanism.empty())
    run_args.sets.push_back("migration.mechanism=" + run_mechanism);

#ifdef V2X_DEFAULT_ENGINE_ARG
  // Sanitizer builds (make asan): SimGrid's raw contexts switch stacks behind ASan's back, which reports a false
  // stack-use-after-scope when an exception leaves an actor; thread contexts are real threads it understands.
  // Put first, so that an --engine-arg given by the user still wins.
  run_args.engine_args.insert(run_args.engine_args.begin(), V2X_DEFAULT_ENGINE_ARG);
#endif

  try {
    if (*run) {
      v2x::validate_engine_args(run_args.engine_args); // before anything reaches SimGrid
      const int status = v2x::cli::run(run_args);
      v2x::cleanup::end_deferral(); // a signal during the commit: the output is complete, the run ended well
      return status;
    }
    if (*sweep)
      return v2x::cli::sweep(sweep_args);
    if (*dashboard)
      return v2x::cli::dashboard(dashboard_args);
    if (*exporter)
      return v2x::cli::export_influx(export_args);
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
  } catch (const v2x::IoError& e) {
    std::cerr << "v2xsim: error: cannot write the output: " << e.what() << "\n";
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    // create_directories and friends on a path the user gave (a file as a folder, a read-only folder)
    std::cerr << "v2xsim: error: cannot write the output: " << v2x::escape_text(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "v2xsim: internal error: " << v2x::escape_text(e.what()) << "\n";
    return 1;
  }
  return 0;
}
