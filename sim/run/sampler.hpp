#pragma once
#include "edge/energy.hpp"
#include "edge/mec_ledger.hpp"
#include "stations/station_table.hpp"
#include "edge/twin_book.hpp"
#include "messaging/telemetry_plane.hpp"
#include "metrics/recorder.hpp"

#include <functional>

namespace v2x {

/// Samples twins (placement, state, age of information), sites (reservations, busy CPU) and RSU channels (busy
/// ratio, MAC counts) periodically, after catching the telemetry plane up.
class Sampler {
public:
  /// `on_sample` (may be empty) is called after each sample with the simulated time: the run's progress hook.
  Sampler(double period_s, const StationTable& stations, TwinBook& twins, MecLedger& ledger,
          const std::vector<SiteInfo>& sites, Recorder& recorder, TelemetryPlane& plane,
          std::function<void(double)> on_sample = {});
  /// /mecs energy_j from `meter` (may be null: 0).
  void set_energy(const EnergyMeter* meter) { energy_ = meter; }
  void operator()();

private:
  const EnergyMeter* energy_ = nullptr;
  double period_s_;
  const StationTable& stations_;
  TwinBook& twins_;
  MecLedger& ledger_;
  const std::vector<SiteInfo>& sites_;
  Recorder& recorder_;
  TelemetryPlane& plane_;
  std::function<void(double)> on_sample_;
};

} // namespace v2x
