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
  bool has_speed = true;    // false when the trace gives no speed (ns-2 has it, plain CSV may not)
  bool has_angle = true;    // false when the trace gives no angle (ns-2, plain CSV without it)
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
  /// The PROJ definition geographic positions were projected with; empty for a trace in metres (or before the
  /// first geographic position was read).
  virtual std::string projection() const { return {}; }
};

/// Opens a trace (plain, .gz or .xz, detected from the bytes), detecting the format from the content when
/// `format` is Auto: first non-blank byte '<' = SUMO FCD XML, '$' or '#' = ns-2, otherwise CSV when the first
/// line is a header naming the needed columns. Throws InputError for a missing/unreadable/empty file or an
/// unknown format; next() throws InputError (file, line, what) for anything malformed further on.
///
/// Formats (see the reader files for details):
///  - SUMO FCD XML (<fcd-export><timestep time><vehicle id x y angle speed type .../>): x/y in metres. Geographic
///    output (vehicle attributes lon/lat, or x/y holding lon/lat when SUMO's configuration comment at the top
///    says fcd-output.geo is true) is projected with PROJ (mobility/projection.hpp) to metres: `projection` when
///    given (a PROJ string or CRS, mobility.projection), else the UTM zone of the trace's first point (WGS84),
///    so positions are UTM eastings/northings and RSU/MEC sites given as lon/lat go through the same projection.
///    Elements other than <vehicle> inside a timestep (<person>, <container>) are skipped.
///  - CSV: SUMO's xml2csv.py FCD columns (timestep_time, vehicle_id, vehicle_x, vehicle_y, vehicle_speed,
///    vehicle_angle, vehicle_type; vehicle_lon/vehicle_lat for geo) or the plain form time,id,x,y[,speed,angle]
///    (also lon,lat and type); columns are found by header name, separator ';' or ',' from the header, rows
///    grouped by time in increasing order. A row with a time and no vehicle (xml2csv's empty timestep) is an
///    empty step.
///  - ns-2 mobility as SUMO's traceExporter.py --ns2mobility-output writes it: `$ns_ at t "$node_(i) setdest x
///    y speed"` is read as the vehicle's position at time t (traceExporter writes the FCD position of each step
///    there), `$node_(i) set X_/Y_/Z_` lines are checked and skipped. Vehicle ids are the node ids "i": the
///    mapping to the SUMO ids is not in the file. No angle (derived by the tracker from positions).
std::unique_ptr<TraceReader> open_trace(const std::string& path, TraceFormat format = TraceFormat::Auto,
                                        const std::string& projection = {});

} // namespace v2x
