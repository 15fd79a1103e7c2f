#pragma once
// Replays the trace: at each appear/leave event's time, catches the telemetry plane up, adds the vehicle's
// station (or marks it gone), tells the plane and the manager. When the trace is over, waits for the manager to
// have removed every vehicle twin. A trace error (the trace is streamed) stops the simulation and is rethrown
// after it.
#include "messaging/telemetry_plane.hpp"

#include <simgrid/s4u.hpp>

#include <exception>

namespace v2x {
class ManagerInbox;  // manager/events.hpp

struct MobilityDriverDeps {
  MobilityTracker& tracker;
  const CellIndex& cells;
  const Infrastructure& infra;
  StationTable& stations;
  TelemetryPlane& plane;
  Recorder& recorder;
  ManagerInbox* manager;
};

class MobilityDriver {
public:
  MobilityDriver(MobilityDriverDeps deps, double end_s, std::exception_ptr& error);
  void operator()();

private:
  void replay();

  MobilityDriverDeps deps_;
  double end_s_;  // 0 = until the trace ends
  std::exception_ptr& error_;
  StationId first_vehicle_station_ = 0;
};

} // namespace v2x
