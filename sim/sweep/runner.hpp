#pragma once
// Runs the points of a sweep as child processes (`v2xsim run ...`), at most `jobs` at once, skipping those
// whose output is complete, and keeps the manifest. SimGrid allows one engine per process, hence processes.
#include "sweep/manifest.hpp"
#include "sweep/sweep_spec.hpp"

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace v2x::sweep {

struct RunnerOptions {
  std::string executable = "/proc/self/exe"; // the v2xsim binary the children run
  std::string out_dir;                       // runs/, logs/ and the manifest go here
  std::size_t jobs = 1;                      // runs at once (>= 1)
  Shard shard;                               // only names the manifest; the runs are already this shard's
  bool terminal = false;                     // a progress line redrawn in place; else one line per run
  std::ostream* progress = nullptr;          // where progress goes (nullptr: nowhere)
};

struct SweepOutcome {
  std::size_t runs = 0;      // runs of this invocation (the shard's)
  std::size_t skipped = 0;   // already complete before this invocation
  std::size_t completed = 0; // run now, complete
  std::size_t failed = 0;
  std::size_t interrupted = 0; // stopped by SIGINT/SIGTERM to the sweep, or never started because of it
  int signal = 0;              // the signal that stopped the sweep, 0 if none
  std::string manifest;        // its path
};

/// Output paths of a run inside `out_dir`.
std::string run_output_path(const std::string& out_dir, const RunPoint& run); // runs/<id>.h5
std::string run_log_path(const std::string& out_dir, const RunPoint& run);    // logs/<id>.log
/// manifest.csv, or manifest-shard-<I>-of-<N>.csv for a shard of a sharded sweep (N > 1).
std::string manifest_path(const std::string& out_dir, const Shard& shard);

/// True when `path` is a complete run file: it exists with its final name (the simulator writes
/// `<path>.partial` and renames it only when the run ends well) and starts with the HDF5 signature.
bool output_complete(const std::string& path);

/// The child's argv: executable run BASE [--set F=V]... [--seed N] -o OUTPUT.
std::vector<std::string> run_command(const std::string& executable, const SweepSpec& spec, const RunPoint& run,
                                     const std::string& output);

/// Processors this process may use (its CPU affinity mask, which SLURM and taskset restrict), at least 1.
std::size_t available_cores();

/// Runs `runs` (one shard's, in order). Creates out_dir/runs and out_dir/logs; writes the manifest (atomically,
/// at most about once a second while running and at the end). A failing run does not stop the others.
/// SIGINT/SIGTERM stop launching, forward SIGTERM to the children in flight and end after they exit (those
/// runs are "interrupted"; their `.partial` files never look complete and are removed at the next launch).
SweepOutcome run_sweep(const SweepSpec& spec, const std::vector<RunPoint>& runs, const RunnerOptions& options);

} // namespace v2x::sweep
