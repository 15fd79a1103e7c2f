#pragma once
// Trace readers: a trace is a sequence of timesteps, each listing the vehicles seen at that time.
// Readers stream (memory grows with one timestep, never with the trace) and throw InputError naming the
// file, the line and what is wrong. No SimGrid here.
#include "config/scenario.hpp"

#include <memory>
#include <string>
#include <vector>

namespace v2x {

struct VehicleSample {
  std::string id;           // vehicle id as written in the trace
  double x_m = 0;           // m, local east
  double y_m = 0;           // m, local north
  double speed_mps = 0;     // m/s (0 when the format has none: then derived from positions)
  double angle_deg = 0;     // degrees clockwise from north (SUMO convention)
  std::string type;         // vehicle type when the format has one ("bus", ...), else empty
};

struct TraceStep {
  double time_s = 0;                     // trace time, strictly increasing from step to step
  std::vector<VehicleSample> vehicles;   // each id at most once
};

class TraceReader {
public:
  virtual ~TraceReader() = default;
  /// Fills `step` with the next timestep (reusing its storage); false at the end of the trace.
  virtual bool next(TraceStep& step) = 0;
  virtual const char* format_name() const = 0;
};

/// Opens a trace (plain, .gz or .xz, detected from the bytes), detecting the format from the content when
/// `format` is Auto. Throws InputError for a missing/unreadable file or an unknown format.
std::unique_ptr<TraceReader> open_trace(const std::string& path, TraceFormat format = TraceFormat::Auto);

} // namespace v2x
