#pragma once
// The run builder: scenario -> platform -> actors -> engine.run() -> HDF5. One run per process (SimGrid's
// Engine is a singleton).
#include "config/scenario.hpp"
#include "metrics/observer.hpp"
#include "metrics/summary.hpp"

#include <string>
#include <vector>

namespace v2x {

struct RunOptions {
  std::string command_line;            // recorded in the output
  std::string output_path;             // empty = scenario.output.path
  bool write_output = true;
  std::vector<std::string> engine_args;  // extra SimGrid arguments (--cfg=..., --log=...)
  RecordObserver* observer = nullptr;     // sees every record as it is recorded
};

struct RunResult {
  Summary summary;
  std::string output_path;  // empty when nothing was written
  std::uint64_t policy_round_trips = 0;  // external policy: requests answered (one per instant with decisions)
  double policy_round_trip_s = 0;        // their total wall time
};

/// Runs a validated scenario. Throws InputError for bad input met during the run (a streamed trace) -- in that
/// case no output file is left behind.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

/// Peak resident memory of this process, in KiB.
std::uint64_t peak_rss_kb();

} // namespace v2x
