#pragma once
// Turns a trace stream into what the simulation needs: appear/leave events in time order and each present
// vehicle's kinematics at any time (linear interpolation between samples). Reads the trace ahead by
// max_gap + one step, so that a vehicle's departure is known at the time it was last seen. Memory grows
// with the vehicles present (and the look-ahead window), not with the trace's length. No SimGrid here.
#include "mobility/trace.hpp"

#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace v2x {

using VehicleIndex = std::uint32_t;  // dense, in order of first appearance (ties: order in the trace)

struct Kinematics {
  double x_m = 0;
  double y_m = 0;
  double speed_mps = 0;
  double heading_deg = 0;  // clockwise from north
};

/// The two samples that MobilityTracker::at() interpolates between at some instant, copied: at() of any trace time
/// in [a_t, b_t) is the same interpolation of them (samples are read in time order, so none ever comes between
/// them), which lets a caller that asks about one vehicle many times a second (the telemetry plane: every CAM and
/// every beacon) skip the track lookup. Empty (covers nothing) until at() fills it.
struct TrackSegment {
  double start = 0;  // the trace time of simulated t = 0
  double a_t = 0, b_t = 0;  // trace times; b_t <= a_t: empty
  double a_x = 0, a_y = 0, a_speed = 0, a_angle = 0;
  double b_x = 0, b_y = 0, b_speed = 0, b_angle = 0;
  bool b_speed_derived = false, b_angle_derived = false;
  bool hold = false;  // the gap is beyond max_gap_s: at() holds the first sample
};

struct MobilityEvent {
  enum class Type : std::uint8_t { Appear, Leave };
  Type type = Type::Appear;
  double time_s = 0;  // simulated time (trace time minus the start)
  VehicleIndex vehicle = 0;
};

struct MobilityOptions {
  double max_gap_s = 2.0;       // a vehicle unseen for longer than this has left (at its last sample)
  double start_s = 0;           // trace time of simulated time 0; NaN = the first timestep's time
  std::uint32_t max_vehicles = 0;  // keep only the first N vehicles to appear; 0 = all
};

class MobilityTracker {
public:
  MobilityTracker(std::unique_ptr<TraceReader> reader, MobilityOptions options);
  ~MobilityTracker();

  /// Simulated time of the next event not yet popped, +infinity when there is none left.
  double next_event_time();
  /// Appends to `out` every event with time <= t, ordered by (time, Leave before Appear, vehicle index).
  void pop_events(double t, std::vector<MobilityEvent>& out);
  /// Kinematics of a present vehicle at simulated time t (between its appearance and its leave time).
  /// Position is interpolated linearly between the samples around t; speed and heading likewise (heading
  /// along the shorter arc). t may not be before the last pop_events time minus max_gap.
  Kinematics at(VehicleIndex v, double t) const;
  /// at(v, t), from `cache` when it covers t (bit for bit the same), else from the track, refilling `cache`.
  Kinematics at(VehicleIndex v, double t, TrackSegment& cache) const;
  const std::string& name(VehicleIndex v) const;
  const std::string& type(VehicleIndex v) const;
  /// Vehicles that have appeared and not yet left (as of the last pop_events).
  std::size_t present() const;
  /// Vehicles that have appeared so far.
  std::size_t appeared() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace v2x
