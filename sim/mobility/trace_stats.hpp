#pragma once
// One streamed pass over a trace: counts, time span, bounding box and speed range, for `v2xsim trace info`
// and for placing RSUs over a trace's area. Memory grows with the distinct vehicle ids (a set of names),
// never with the number of rows. No SimGrid here.
#include "mobility/input_stream.hpp"
#include "mobility/trace.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace v2x {

/// An axis-aligned rectangle in local metres; empty() until a point is added.
struct BoundingBox {
  double min_x = std::numeric_limits<double>::infinity();
  double min_y = std::numeric_limits<double>::infinity();
  double max_x = -std::numeric_limits<double>::infinity();
  double max_y = -std::numeric_limits<double>::infinity();

  bool empty() const { return !(min_x <= max_x && min_y <= max_y); }
  double width() const { return empty() ? 0.0 : max_x - min_x; }
  double height() const { return empty() ? 0.0 : max_y - min_y; }
  void add(double x, double y)
  {
    min_x = x < min_x ? x : min_x;
    min_y = y < min_y ? y : min_y;
    max_x = x > max_x ? x : max_x;
    max_y = y > max_y ? y : max_y;
  }
  /// Distance from (x, y) to the rectangle (0 inside); +infinity for an empty box.
  double distance(double x, double y) const;
};

struct TraceStats {
  std::string format;                      // the reader's name ("SUMO FCD XML", "CSV", "ns-2 mobility")
  Compression compression = Compression::None;
  std::uint64_t timesteps = 0;
  std::uint64_t rows = 0;                  // vehicle samples
  std::uint64_t vehicles = 0;              // distinct ids
  std::uint64_t most_at_once = 0;          // largest timestep
  double most_at_once_time_s = 0;          // trace time of the first timestep that large
  double first_s = 0, last_s = 0;          // trace times of the first and last timesteps
  double min_interval_s = 0, max_interval_s = 0;  // between consecutive timesteps (0 with one timestep)
  BoundingBox box;                         // of every position, metres
  std::uint64_t speed_rows = 0;            // rows that carry a speed
  double min_speed_mps = 0, max_speed_mps = 0;  // over those rows (0 when none)
  std::string projection;                  // PROJ definition of a geographic trace; empty for one in metres
  bool geographic() const { return !projection.empty(); }
};

/// Reads the whole trace once (a geographic one projected with `projection`, see open_trace). Throws
/// InputError (file, line, what) as the readers do.
TraceStats scan_trace(const std::string& path, TraceFormat format = TraceFormat::Auto,
                      const std::string& projection = {});

/// Human-readable compression name: "plain", "gzip", "xz".
const char* compression_name(Compression c);

} // namespace v2x
