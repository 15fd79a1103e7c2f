#pragma once
// Replays the trace: at each appear/leave event's time, creates the vehicle's station and actor, or marks it
// gone, and tells the manager. When the trace is over, waits for the manager to have removed every vehicle
// twin. A trace error (the trace is streamed) stops the simulation and is rethrown after it.
#include "stations/obu.hpp"

#include <exception>

namespace v2x {

class MobilityDriver {
public:
  MobilityDriver(MobilityTracker& tracker, VehicleDeps vehicle_deps, double end_s, std::exception_ptr& error);
  void operator()();

private:
  void replay();

  MobilityTracker& tracker_;
  VehicleDeps deps_;
  double end_s_;  // 0 = until the trace ends
  std::exception_ptr& error_;
  StationId first_vehicle_station_ = 0;
};

} // namespace v2x
