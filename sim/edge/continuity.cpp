#include "edge/continuity.hpp"

#include <cmath>
#include <limits>

namespace v2x {

namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
} // namespace

StateContinuity::StateContinuity(double state_window_s, bool carries_state, const TwinBook& twins,
                                 Recorder& recorder)
    : window_s_(state_window_s), carries_state_(carries_state), twins_(twins), recorder_(recorder)
{
}

bool StateContinuity::old_subscribes(const Open& o) const
{
  if (o.old == kNone)
    return false;
  const TwinInstance& in = twins_.instance(o.old);
  return in.alive && in.generation == o.old_generation && !in.stopped;
}

void StateContinuity::served(std::uint32_t migration, StationId station, InstanceId previous, InstanceId fresh,
                             double now)
{
  if (station >= open_.size())
    open_.resize(station + 1);
  Open& o = open_[station];
  if (o.active)
    maybe_write(o, true);
  o = Open{};
  o.active = true;
  o.row.migration = migration;
  o.row.station = station;
  o.row.state_carried = carries_state_ ? 1 : 0;
  o.row.served = now;
  const double age = twins_.age_of_information(station, now);
  o.row.state_age_s = carries_state_ ? age : kNan;
  o.row.rebuild_s = carries_state_ ? 0.0 : kNan;
  o.row.duplicates = 0;
  o.row.cloud_age_s = cloud_ != nullptr ? cloud_->age_of_information(station, now) : kNan;
  o.ready = carries_state_;
  if (previous != kNone && previous != fresh) {
    o.old = previous;
    o.old_generation = twins_.instance(previous).generation;
  }
  ++migrations_;
  if (!carries_state_)
    ++lost_;
  if (window_s_ <= 0 && !o.ready) {  // no window to rebuild
    o.row.rebuild_s = 0;
    o.ready = true;
    ++rebuilt_;
  }
  maybe_write(o, false);
}

void StateContinuity::message(StationId station)
{
  if (station >= open_.size() || !open_[station].active)
    return;
  Open& o = open_[station];
  if (old_subscribes(o)) {
    ++o.row.duplicates;
    ++duplicates_;
  } else {
    maybe_write(o, false);
  }
}

void StateContinuity::processed(StationId station, double created, double done)
{
  if (station >= open_.size() || !open_[station].active)
    return;
  Open& o = open_[station];
  if (!o.ready) {
    if (!o.any) {
      o.any = true;
      o.first_created = created;
    }
    if (created - o.first_created >= window_s_ - 1e-9) {
      o.row.rebuild_s = done - o.row.served;
      o.ready = true;
      ++rebuilt_;
      rebuild_total_s_ += o.row.rebuild_s;
    }
  }
  maybe_write(o, false);
}

void StateContinuity::maybe_write(Open& o, bool force)
{
  if (!o.active || (!force && (!o.ready || old_subscribes(o))))
    return;
  recorder_.continuity(o.row);
  o.active = false;
}

void StateContinuity::finish(double)
{
  for (Open& o : open_)
    if (o.active)
      maybe_write(o, true);
}

} // namespace v2x
