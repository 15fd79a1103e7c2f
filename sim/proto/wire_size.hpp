#pragma once
// Telemetry wire sizes. cam_wire_size / twin_report_wire_size compute
// the Protobuf serialised size arithmetically (no message, no allocation: they run once per simulated message).
// The *_fields functions expose the quantisation both share, and the *_protobuf functions build the real
// telemetry.proto message and return ByteSizeLong(): the reference the fast path is tested against.
#include <cstdint>

namespace v2x {

/// Serialised size in bytes of a Cam with these values (the simulated size of a telemetry message).
std::uint32_t cam_wire_size(std::uint32_t station, double time_s, double x_m, double y_m, double speed_mps,
                            double heading_deg, std::uint32_t station_type, std::uint32_t sequence);
/// Serialised size of a TwinReport.
std::uint32_t twin_report_wire_size(std::uint32_t station, double time_s, double last_update_s, std::uint32_t site,
                                    double x_m, double y_m);


/// A Cam's field values after quantisation to the units of telemetry.proto.
struct CamFields {
  std::uint32_t station_id = 0;
  std::uint64_t generation_ms = 0;   // ms, rounded; negative or NaN times -> 0
  std::int32_t latitude_cm = 0;      // cm of local y, rounded, saturated to int32
  std::int32_t longitude_cm = 0;     // cm of local x
  std::uint32_t speed_cms = 0;       // cm/s, rounded; negative -> 0
  std::uint32_t heading_decideg = 0; // 0.1 degree in [0, 3600), clockwise from north
  std::uint32_t station_type = 0;    // ETSI station type (5 passenger car, 15 road-side unit)
  std::uint32_t sequence = 0;
};

struct TwinReportFields {
  std::uint32_t station_id = 0;
  std::uint64_t time_ms = 0;
  std::uint64_t last_update_ms = 0;
  std::uint32_t site = 0;
  std::int32_t latitude_cm = 0;
  std::int32_t longitude_cm = 0;
};

CamFields cam_fields(std::uint32_t station, double time_s, double x_m, double y_m, double speed_mps, double heading_deg,
                     std::uint32_t station_type, std::uint32_t sequence);
TwinReportFields twin_report_fields(std::uint32_t station, double time_s, double last_update_s, std::uint32_t site,
                                    double x_m, double y_m);

/// Reference sizes: the real telemetry.proto messages' ByteSizeLong() (allocates; for tests and checks).
std::uint32_t cam_wire_size_protobuf(std::uint32_t station, double time_s, double x_m, double y_m, double speed_mps,
                                     double heading_deg, std::uint32_t station_type, std::uint32_t sequence);
std::uint32_t twin_report_wire_size_protobuf(std::uint32_t station, double time_s, double last_update_s,
                                             std::uint32_t site, double x_m, double y_m);

} // namespace v2x
