#pragma once
// The run builder: scenario -> platform -> actors -> engine.run() -> HDF5. One run per process (SimGrid's
// Engine is a singleton).
#include "config/scenario.hpp"
#include "metrics/observer.hpp"
#include "metrics/summary.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace v2x {

struct RunProgress {
  double simulated_s = 0;               // simulated time reached
  std::uint64_t messages_created = 0;   // telemetry messages so far
};

struct RunOptions {
  std::string command_line;            // recorded in the output
  std::string output_path;             // empty = scenario.output.path
  bool write_output = true;
  std::vector<std::string> engine_args;  // extra SimGrid arguments (--cfg=..., --log=...)
  RecordObserver* observer = nullptr;     // sees every record as it is recorded
  /// Called at each twins/mecs sample (output.sample_period_s of simulated time; never when that is 0), for a
  /// progress display. It must not change the run (it sees figures, it returns nothing).
  std::function<void(const RunProgress&)> progress;
};

struct RunResult {
  Summary summary;
  std::string output_path;  // empty when nothing was written
  std::uint64_t policy_round_trips = 0;  // external policy: requests answered (one per instant with decisions)
  double policy_round_trip_s = 0;        // their total wall time
};

/// Runs a validated scenario (its engine_args before options.engine_args). Throws InputError for bad input met during the run (a streamed trace) -- in that
/// case no output file is left behind.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

/// Peak resident memory of this process, in KiB.
std::uint64_t peak_rss_kb();

} // namespace v2x
