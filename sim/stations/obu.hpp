#pragma once
// Vehicle (OBU): publishes a CAM every 1/rate seconds while it is in the trace, from the position it has at
// send time, through the cell of the RSU that serves it (handover as it moves). Out of every cell, its
// messages are recorded as not sent.
#include "messaging/telemetry_path.hpp"
#include "mobility/cell_index.hpp"
#include "mobility/tracker.hpp"

#include <simgrid/s4u.hpp>

namespace v2x {

/// Radio rate cap by distance: the rate of the first step whose distance is >= d (the last step beyond).
class RadioModel {
public:
  explicit RadioModel(std::vector<RateStep> steps);
  /// Index of the step for distance d: the first whose distance is >= d, the last beyond them all.
  std::size_t step(double distance_m) const;
  const std::vector<RateStep>& steps() const { return steps_; }

private:
  std::vector<RateStep> steps_;
};

struct VehicleDeps {
  const TelemetryConfig& telemetry;
  const Infrastructure& infra;
  const Platform& platform;
  const MobilityTracker& mobility;
  const CellIndex& cells;
  const RadioModel& radio;
  StationTable& stations;
  TelemetryPath& path;
  Recorder& recorder;
  simgrid::s4u::Mailbox* manager;
  std::uint64_t seed;
};

class Vehicle {
public:
  Vehicle(StationId station, VehicleDeps deps);
  void operator()();

private:
  /// Updates the station's kinematics and serving RSU at time t; records and reports a handover.
  void observe(double t);

  StationId station_;
  VehicleDeps deps_;
};

/// Updates a vehicle station's view (position, RSU) at time t; returns true when its RSU changed.
bool update_vehicle_view(StationView& view, const Kinematics& k, const CellIndex& cells,
                         const std::vector<RsuInfo>& rsus);

} // namespace v2x
