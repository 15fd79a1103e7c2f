// v2xsim: command-line entry. Thin: arguments -> subcommand. Bad input of any kind exits with status 2.
#include "cli/commands.hpp"
#include "config/engine_args.hpp"
#include "core/cleanup.hpp"
#include "core/error.hpp"
#include "run/version.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
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

/// The check of a number option, worded as v2xsim's other errors: CLI11's own PositiveNumber and
/// NonNegativeNumber let nan through and print their range up to DBL_MAX in full (309 digits).
CLI::Validator number_at_least(double min, bool open, const std::string& what)
{
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const char* begin = text.c_str();
        char* end = nullptr;
        const double v = std::strtod(begin, &end);
        const bool ok = !text.empty() && end == begin + text.size() && std::isfinite(v) && (open ? v > min : v >= min);
        return ok ? std::string() : "'" + v2x::escape_text(text) + "' is not " + what;
      },
      what);
}

/// A whole number in [min, max] (parsed exactly: CLI11 2.1 turns an integer out of range into the largest one).
CLI::Validator whole_number(long long min, long long max, const std::string& what)
{
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        long long v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        const bool ok = !text.empty() && ec == std::errc() && end == text.data() + text.size() && v >= min && v <= max;
        return ok ? std::string() : "'" + v2x::escape_text(text) + "' is not " + what;
      },
      what);
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
  app.set_version_flag("--version", "v2xsim " + v2x::version_text());

  std::string command_line;
  for (int i = 0; i < argc; ++i)
    command_line += (i ? " " : "") + std::string(argv[i]);
  v2x::cli::RunArgs run_args;
  v2x::cli::RunArgs validate_args;
  run_args.command_line = validate_args.command_line = command_line;
  // The inputs of a run: `run` and `validate` take the same ones, so that validate checks what run would do.
  struct Sugar {
    std::string policy, mechanism;  // --set migration.policy=NAME / migration.mechanism=NAME
    CLI::Option* rsu_grid = nullptr;
  };
  Sugar run_sugar, validate_sugar;
  const auto add_inputs = [](CLI::App* cmd, v2x::cli::RunArgs& a, Sugar& sugar) {
    cmd->add_option("scenario", a.scenario, "Scenario file (Protobuf text format)")->required();
    cmd->add_option("--set", a.sets, "Override a scalar field: field.path=value (repeatable)");
    cmd->add_option("--fault", a.faults,
                    "Inject a fault: KIND:TARGET@AT+FOR[*FACTOR], e.g. mec_down:mec0@100+60 (repeatable; kinds "
                    "mec_down, link_down, broker_down, rsu_down, orchestrator_down, mec_degraded)");
    cmd->add_option("--seed", a.seed, "Master seed (overrides the scenario's)")
        ->check(whole_number(0, 9223372036854775807LL, "a seed: a whole number in 0..9223372036854775807"));
    cmd->add_option("--duration", a.duration_s,
                    "Simulated seconds to run (default: the scenario's duration_s; with --trace, the whole trace)")
        ->check(number_at_least(0, false, "a finite number of seconds >= 0"));
    cmd->add_option("--engine-arg", a.engine_args,
                    "Extra SimGrid argument, e.g. --cfg=network/model:LV08 (stored in the scenario as engine_arg)");
    cmd->add_option("--policy", sugar.policy, "Migration policy (see `v2xsim policies`)");
    cmd->add_option("--mechanism", sugar.mechanism, "Migration mechanism (see `v2xsim mechanisms`)");
    cmd->add_option("--trace", a.trace,
                    "Mobility trace to use instead of the scenario's (SUMO FCD XML, CSV or ns-2; plain, .gz or .xz; "
                    "metres or lon/lat)");
    cmd->add_option("--trace-format", a.trace_format, "Trace format: auto (default, from the content), fcd, csv, ns2");
    auto* sites = cmd->add_option("--rsu-sites", a.rsu_sites,
                                  "CSV of RSU sites replacing the scenario's: id,x,y, id,lon,lat or "
                                  "junction_id,x,y,lon,lat (lon/lat used for a geographic trace)");
    sugar.rsu_grid = cmd->add_option("--rsu-grid", a.rsu_grid_m,
                                     "Replace the scenario's RSUs with a square grid this many metres apart over the "
                                     "trace's bounding box");
    sites->excludes(sugar.rsu_grid);
    cmd->add_option("--cell-radius", a.cell_radius_m, "Cell radius of every RSU, m (default: the scenario's)")
        ->check(number_at_least(0, true, "a finite number of metres > 0"));
    auto* mec_grid = cmd->add_option("--mec-grid", a.mec_grid,
                                     "Replace the scenario's MECs with one per K x K RSUs of --rsu-grid")
                         ->check(whole_number(1, 100000, "a whole number of RSUs in 1..100000"));
    auto* mec_sites = cmd->add_option("--mec-sites", a.mec_sites,
                                      "CSV of MEC sites replacing the scenario's: id,x,y or id,lon,lat");
    mec_sites->excludes(mec_grid);
    cmd->add_flag("-q,--quiet", a.quiet, "Print nothing but errors");
    cmd->add_flag("-v,--verbose", a.verbose, "List every site placed; SimGrid's v2x log at verbose level");
  };
  auto* run = app.add_subcommand("run", "Run a scenario and write its HDF5 output");
  add_inputs(run, run_args, run_sugar);
  run->add_option("-o,--output", run_args.output, "HDF5 output file (default: the scenario's output.path)");
  bool no_progress = false;
  run->add_option("--progress-interval", run_args.progress_interval_s,
                  "Wall seconds between progress lines (default 0.5 on a terminal, else 30)")
      ->check(number_at_least(0, false, "a finite number of seconds >= 0"));
  run->add_flag("--no-progress", no_progress, "No progress line (on by default; periodic lines when stderr is not "
                                              "a terminal)");
  run->add_option("--policy-command", run_args.policy_command,
                  "Start this external policy process (README: External policies)");
  run->add_option("--policy-endpoint", run_args.policy_endpoint,
                  "Connect to a running external policy: ipc://PATH or tcp://127.0.0.1:PORT");

  auto* validate = app.add_subcommand("validate", "Check a scenario (with run's input flags) and print what would run");
  add_inputs(validate, validate_args, validate_sugar);

  v2x::cli::SweepArgs sweep_args;
  auto* sweep = app.add_subcommand("sweep", "Run the cross product of a sweep file's axes (one run per process)");
  sweep->add_option("sweep", sweep_args.sweep, "Sweep file (Protobuf text format, see scenarios/sweeps/README.md)")
      ->required();
  sweep->add_option("-j,--jobs", sweep_args.jobs, "Runs at once (default: the processors available)")
      ->check(whole_number(1, 4096, "a number of runs at once in 1..4096"));
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
      ->check(whole_number(1, 2147483647, "a whole number in 1..2147483647"));
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
  std::string info_projection;
  trace_info->add_option("--projection", info_projection,
                         "PROJ string or CRS for a geographic trace (default: the UTM zone of its first point)");

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
  for (auto [a, sugar] : {std::pair{&run_args, &run_sugar}, std::pair{&validate_args, &validate_sugar}}) {
    a->rsu_grid = sugar->rsu_grid->count() > 0;
    if (!sugar->policy.empty())
      a->sets.push_back("migration.policy=" + sugar->policy);
    if (!sugar->mechanism.empty())
      a->sets.push_back("migration.mechanism=" + sugar->mechanism);
  }
  run_args.progress = !no_progress;

#ifdef V2X_DEFAULT_ENGINE_ARG
  // Sanitizer builds (make asan): SimGrid's raw contexts switch stacks behind ASan's back, which reports a false
  // stack-use-after-scope when an exception leaves an actor; thread contexts are real threads it understands.
  // Put first, so that an --engine-arg given by the user still wins.
  run_args.engine_args.insert(run_args.engine_args.begin(), V2X_DEFAULT_ENGINE_ARG);
#endif

  try {
    if (*run) {
      if (run->get_option("--output")->count() > 0 && run_args.output.empty())
        throw v2x::InputError({}, "-o", "", "an empty output path (give a file name, or no -o for the scenario's "
                                            "output.path)");
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
      return v2x::cli::validate(validate_args);
    if (*policies)
      return v2x::cli::list_policies();
    if (*mechanisms)
      return v2x::cli::list_mechanisms();
    if (*trace_info)
      return v2x::cli::trace_info(info_file, info_format, info_projection);
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
