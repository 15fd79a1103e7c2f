#pragma once
// RSU: publishes its own status to its broker at telemetry.rsu_rate_hz for its own twin, over its backhaul.
#include "messaging/telemetry_path.hpp"

namespace v2x {

class Rsu {
public:
  Rsu(RsuId rsu, StationId station, const TelemetryConfig& telemetry, const Infrastructure& infra,
      const Platform& platform, StationTable& stations, TelemetryPath& path, std::uint64_t seed);
  void operator()();

private:
  RsuId rsu_;
  StationId station_;
  const TelemetryConfig& telemetry_;
  const Infrastructure& infra_;
  const Platform& platform_;
  StationTable& stations_;
  TelemetryPath& path_;
  std::uint64_t seed_;
};

} // namespace v2x
