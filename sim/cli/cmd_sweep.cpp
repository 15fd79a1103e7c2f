// `v2xsim sweep SWEEP [-j N] [--shard I/N] [--out DIR]`: expand, validate every run, run them as child
// processes of this binary (one SimGrid engine per process), keep the manifest.
#include "cli/commands.hpp"
#include "sweep/runner.hpp"
#include "sweep/sweep_spec.hpp"

#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace v2x::cli {

int sweep(const SweepArgs& args)
{
  const sweep::SweepSpec spec = sweep::load_sweep(args.sweep);
  const sweep::Shard shard = args.shard.empty() ? sweep::Shard{} : sweep::parse_shard(args.shard);
  const std::vector<sweep::RunPoint> all = sweep::expand(spec);
  const std::vector<sweep::RunPoint> runs = sweep::select_shard(all, shard);

  // Every run's scenario is checked before any starts: a bad axis value is an input error (exit 2), not N
  // failed runs.
  for (const sweep::RunPoint& run : runs) {
    try {
      load(spec.base, run.sets, run.seed ? static_cast<long long>(*run.seed) : -1);
    } catch (const InputError& e) {
      throw InputError(SourceLocation{spec.file, 0, 0}, "", "",
                       "run " + run.id + " (the base scenario with this run's values): " + e.what());
    }
  }

  sweep::RunnerOptions options;
  options.out_dir = !args.out.empty()   ? args.out
                    : !spec.out.empty() ? spec.out
                                        : (std::filesystem::path("out") / "sweeps" / spec.name).string();
  options.jobs = args.jobs > 0 ? static_cast<std::size_t>(args.jobs) : sweep::available_cores();
  options.shard = shard;
  options.terminal = ::isatty(STDERR_FILENO) == 1;
  options.progress = args.quiet ? nullptr : &std::cerr;

  if (args.dry_run) {
    std::cout << "# sweep " << spec.name << ": " << all.size() << " runs, " << runs.size() << " in this shard\n";
    for (const sweep::RunPoint& run : runs) {
      std::cout << run.index << " " << run.id << ":";
      for (const auto& a : sweep::run_command("v2xsim", spec, run, sweep::run_output_path(options.out_dir, run)))
        std::cout << " " << a;
      std::cout << "\n";
    }
    return 0;
  }

  const sweep::SweepOutcome outcome = sweep::run_sweep(spec, runs, options);
  if (outcome.signal != 0)
    return 128 + outcome.signal;
  return outcome.failed > 0 ? 1 : 0;
}

} // namespace v2x::cli
