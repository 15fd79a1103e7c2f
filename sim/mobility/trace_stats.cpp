#include "mobility/trace_stats.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace v2x {

double BoundingBox::distance(double x, double y) const
{
  if (empty())
    return std::numeric_limits<double>::infinity();
  const double dx = std::max({min_x - x, 0.0, x - max_x});
  const double dy = std::max({min_y - y, 0.0, y - max_y});
  return std::hypot(dx, dy);
}

const char* compression_name(Compression c)
{
  switch (c) {
  case Compression::None:
    return "plain";
  case Compression::Gzip:
    return "gzip";
  case Compression::Xz:
    return "xz";
  }
  return "?";
}

TraceStats scan_trace(const std::string& path, TraceFormat format, const std::string& projection)
{
  TraceStats st;
  st.compression = InputStream(path).compression();
  auto reader = open_trace(path, format, projection);
  st.format = reader->format_name();
  std::unordered_set<std::string> ids;
  TraceStep step;
  double previous = 0;
  while (reader->next(step)) {
    if (st.timesteps == 0) {
      st.first_s = step.time_s;
    } else {
      const double dt = step.time_s - previous;
      st.min_interval_s = st.timesteps == 1 ? dt : std::min(st.min_interval_s, dt);
      st.max_interval_s = std::max(st.max_interval_s, dt);
    }
    previous = step.time_s;
    st.last_s = step.time_s;
    ++st.timesteps;
    st.rows += step.vehicles.size();
    if (step.vehicles.size() > st.most_at_once) {
      st.most_at_once = step.vehicles.size();
      st.most_at_once_time_s = step.time_s;
    }
    for (const VehicleSample& v : step.vehicles) {
      if (ids.find(v.id) == ids.end())
        ids.insert(v.id);
      st.box.add(v.x_m, v.y_m);
      if (v.has_speed) {
        st.min_speed_mps = st.speed_rows == 0 ? v.speed_mps : std::min(st.min_speed_mps, v.speed_mps);
        st.max_speed_mps = st.speed_rows == 0 ? v.speed_mps : std::max(st.max_speed_mps, v.speed_mps);
        ++st.speed_rows;
      }
    }
  }
  st.vehicles = ids.size();
  st.projection = reader->projection();
  return st;
}

} // namespace v2x
