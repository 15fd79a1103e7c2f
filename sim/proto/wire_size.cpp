// Serialised sizes of the telemetry messages, computed from the Protobuf wire format (varints, zigzag for sint32,
// proto3: fields equal to zero are not written) instead of building a message for every simulated CAM.
#include "proto/wire_size.hpp"

#include "proto/scenario_document.hpp"
#include "telemetry.pb.h"

#include <bit>
#include <cmath>
#include <limits>

namespace v2x {

namespace {

// Rounding is half away from zero by adding 0.5 and truncating (one conversion instruction, where std::nearbyint
// and std::round are library calls on baseline x86-64); out-of-range values saturate, NaN gives 0.
template <typename U> U to_unsigned(double v)
{
  if (!(v > 0))
    return 0;
  const double shifted = v + 0.5;
  // 2^64 and 2^32 are exact doubles: at or above the type's maximum saturates.
  if (shifted >= static_cast<double>(std::numeric_limits<U>::max()))
    return std::numeric_limits<U>::max();
  return static_cast<U>(shifted);
}

std::int32_t to_int32(double v)
{
  if (std::isnan(v))
    return 0;
  const double shifted = v < 0 ? v - 0.5 : v + 0.5;
  if (shifted >= static_cast<double>(std::numeric_limits<std::int32_t>::max()))
    return std::numeric_limits<std::int32_t>::max();
  if (shifted <= static_cast<double>(std::numeric_limits<std::int32_t>::min()))
    return std::numeric_limits<std::int32_t>::min();
  return static_cast<std::int32_t>(shifted);
}

std::uint32_t heading_decidegrees(double heading_deg)
{
  if (!std::isfinite(heading_deg))
    return 0;
  double h = heading_deg;
  if (h < 0 || h >= 360.0) { // fmod only off the common path: headings come in [0, 360)
    h = std::fmod(h, 360.0);
    if (h < 0)
      h += 360.0;
  }
  const auto d = static_cast<std::uint32_t>(h * 10.0 + 0.5);
  return d >= 3600 ? 0 : d;
}

// Bytes of a varint: 7 bits per byte, at least one byte.
constexpr std::uint32_t varint_size(std::uint64_t v)
{
  return 1 + static_cast<std::uint32_t>(std::bit_width(v | 1) - 1) / 7;
}

constexpr std::uint32_t zigzag(std::int32_t v)
{
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}

// A proto3 scalar field with a number below 16: a one-byte tag plus its varint, absent when zero.
constexpr std::uint32_t field_size(std::uint64_t v)
{
  return v == 0 ? 0 : 1 + varint_size(v);
}

} // namespace

CamFields cam_fields(std::uint32_t station, double time_s, double x_m, double y_m, double speed_mps, double heading_deg,
                     std::uint32_t station_type, std::uint32_t sequence)
{
  CamFields f;
  f.station_id = station;
  f.generation_ms = to_unsigned<std::uint64_t>(time_s * 1000.0);
  f.latitude_cm = to_int32(y_m * 100.0);
  f.longitude_cm = to_int32(x_m * 100.0);
  f.speed_cms = to_unsigned<std::uint32_t>(speed_mps * 100.0);
  f.heading_decideg = heading_decidegrees(heading_deg);
  f.station_type = station_type;
  f.sequence = sequence;
  return f;
}

TwinReportFields twin_report_fields(std::uint32_t station, double time_s, double last_update_s, std::uint32_t site,
                                    double x_m, double y_m)
{
  TwinReportFields f;
  f.station_id = station;
  f.time_ms = to_unsigned<std::uint64_t>(time_s * 1000.0);
  f.last_update_ms = to_unsigned<std::uint64_t>(last_update_s * 1000.0);
  f.site = site;
  f.latitude_cm = to_int32(y_m * 100.0);
  f.longitude_cm = to_int32(x_m * 100.0);
  return f;
}

std::uint32_t cam_wire_size(std::uint32_t station, double time_s, double x_m, double y_m, double speed_mps,
                            double heading_deg, std::uint32_t station_type, std::uint32_t sequence)
{
  const CamFields f = cam_fields(station, time_s, x_m, y_m, speed_mps, heading_deg, station_type, sequence);
  return field_size(f.station_id) + field_size(f.generation_ms) + field_size(zigzag(f.latitude_cm)) +
         field_size(zigzag(f.longitude_cm)) + field_size(f.speed_cms) + field_size(f.heading_decideg) +
         field_size(f.station_type) + field_size(f.sequence);
}

std::uint32_t twin_report_wire_size(std::uint32_t station, double time_s, double last_update_s, std::uint32_t site,
                                    double x_m, double y_m)
{
  const TwinReportFields f = twin_report_fields(station, time_s, last_update_s, site, x_m, y_m);
  return field_size(f.station_id) + field_size(f.time_ms) + field_size(f.last_update_ms) + field_size(f.site) +
         field_size(zigzag(f.latitude_cm)) + field_size(zigzag(f.longitude_cm));
}

std::uint32_t cam_wire_size_protobuf(std::uint32_t station, double time_s, double x_m, double y_m, double speed_mps,
                                     double heading_deg, std::uint32_t station_type, std::uint32_t sequence)
{
  const CamFields f = cam_fields(station, time_s, x_m, y_m, speed_mps, heading_deg, station_type, sequence);
  pb::Cam cam;
  cam.set_station_id(f.station_id);
  cam.set_generation_ms(f.generation_ms);
  cam.set_latitude_cm(f.latitude_cm);
  cam.set_longitude_cm(f.longitude_cm);
  cam.set_speed_cms(f.speed_cms);
  cam.set_heading_decideg(f.heading_decideg);
  cam.set_station_type(f.station_type);
  cam.set_sequence(f.sequence);
  return static_cast<std::uint32_t>(cam.ByteSizeLong());
}

std::uint32_t twin_report_wire_size_protobuf(std::uint32_t station, double time_s, double last_update_s,
                                             std::uint32_t site, double x_m, double y_m)
{
  const TwinReportFields f = twin_report_fields(station, time_s, last_update_s, site, x_m, y_m);
  pb::TwinReport report;
  report.set_station_id(f.station_id);
  report.set_time_ms(f.time_ms);
  report.set_last_update_ms(f.last_update_ms);
  report.set_site(f.site);
  report.set_latitude_cm(f.latitude_cm);
  report.set_longitude_cm(f.longitude_cm);
  return static_cast<std::uint32_t>(report.ByteSizeLong());
}

} // namespace v2x
