#pragma once
// On-board units and road-side units as the telemetry plane sees them: when each generates a message (on its own
// clock, whatever happens downstream), which RSU an OBU is attached to (kept until its link is lost or another
// RSU is better by the roaming margin, then a re-association time without frames), and the frame it holds (one:
// a newer CAM replaces an unsent older one). Passive state: the plane in messaging/ schedules it.
#include "core/ids.hpp"
#include "core/random.hpp"
#include "mobility/tracker.hpp"
#include "mobility/cell_index.hpp"
#include "radio/frame.hpp"
#include "radio/loss.hpp"
#include "topology/infrastructure.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace v2x {

/// CAM generation rule. FixedRate: every 1/rate (or exponential gaps of that mean). Etsi: EN 302 637-2 §6.1.3,
/// checked every 100 ms: a CAM when heading changed by > 4°, position by > 4 m or speed by > 0.5 m/s since the
/// last one, or 1 s has passed.
enum class CamTrigger : std::uint8_t { FixedRate, Etsi };

struct Obu {
  StationId station = kNone;
  std::uint32_t epoch = 0;     // incremented when the slot is reused: stale events carry an older one
  RandomStream rng{0, StreamPurpose::Telemetry, 0};
  double first_s = 0;          // first generation slot
  std::uint64_t slot = 0;      // generation slots so far (fixed rate: first + slot x period)
  TrackSegment track;          // the trace segment last interpolated on (MobilityTracker::at's cache)
  RsuId rsu = kNone;           // attached RSU (kNone: none)
  double associated_at_s = 0;  // frames go out from this time on (re-association)
  std::uint32_t held = kNone;  // message held while (re)associating, not yet offered to a channel
  std::uint32_t queue[2] = {kNone, kNone};  // messages offered to the channel: [0] oldest (on the air or next)
  std::uint32_t queued = 0;
  bool public_transport = false;
  radio::CamContentClock content{0, false};
  // Last CAM's kinematics (ETSI triggering).
  double last_cam_s = -1, last_x_m = 0, last_y_m = 0, last_heading_deg = 0, last_speed_mps = 0;
};

/// The roaming rule: the RSU `current` is kept while it covers (x, y) unless the nearest covering RSU's mean
/// received power (the loss model's path loss) is higher by more than `margin_db`; otherwise the nearest covering
/// RSU (kNone: none).
RsuId roam(const CellIndex& cells, const std::vector<RsuInfo>& rsus, RsuId current, double x_m, double y_m,
           double margin_db, const radio::LossModel& loss);

} // namespace v2x
