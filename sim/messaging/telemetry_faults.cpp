// The telemetry plane under faults (issue 12): downed RSUs, brokers and links, twins lost with their MEC.
#include "messaging/telemetry_plane.hpp"

#include <cmath>
#include <limits>

namespace v2x {

bool TelemetryPlane::cut(const simgrid::s4u::Host* a, const simgrid::s4u::Host* b)
{
  return a != b && !network_.route_up(network_.route(a, b));
}

void TelemetryPlane::lose_to_fault(std::uint32_t msg)
{
  if (messages_[msg].subscriber != kNone)
    free_message(msg);
  else
    finish_message(msg, MessageOutcome::Lost, MessageCause::Fault);
}

RsuId TelemetryPlane::roam_up(RsuId current, double x_m, double y_m) const
{
  // roam() (stations/obu.cpp) with the downed RSUs left out: the nearest covering RSU that is up, kept unless
  // another is better by the roaming margin. A scan of every RSU: only while an RSU is down.
  const auto& rsus = infra_.rsus();
  RsuId best = kNone;
  double best_d = std::numeric_limits<double>::infinity();
  for (RsuId r = 0; r < rsus.size(); ++r) {
    if (faults_->rsu_down(r))
      continue;
    const double d = cells_.distance(r, x_m, y_m);
    if (d <= rsus[r].radius_m && d < best_d) {
      best_d = d;
      best = r;
    }
  }
  if (current == kNone || best == kNone || best == current || faults_->rsu_down(current))
    return best;
  const double here = cells_.distance(current, x_m, y_m);
  if (here > rsus[current].radius_m)
    return best;
  return loss_.mean_rx_dbm(best_d) > loss_.mean_rx_dbm(here) + config_.roaming_margin_db ? best : current;
}

void TelemetryPlane::rsu_failed(RsuId rsu)
{
  for (std::uint32_t slot : present_obus_) {
    Obu& obu = obus_[slot];
    if (obu.rsu != rsu)
      continue;
    withdraw(obu, MessageCause::Fault); // frames in the cell's MAC go with it
    if (obu.held != kNone) {
      finish_message(obu.held, MessageOutcome::Lost, MessageCause::Fault);
      obu.held = kNone;
    }
  }
}

void TelemetryPlane::broker_failed(BrokerId broker)
{
  for (auto& session : sessions_) {
    std::size_t kept = 0;
    for (std::size_t k = 0; k < session.size(); ++k) {
      if (session[k].broker == broker) {
        MessageRecord m = session[k];
        m.outcome = MessageOutcome::Lost;
        m.cause = MessageCause::Fault; // the QoS 1 session went with the broker
        recorder_.message(m);
      } else {
        session[kept++] = session[k];
      }
    }
    session.resize(kept);
  }
}

} // namespace v2x
