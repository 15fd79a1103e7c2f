#include "run/mobility_driver.hpp"
#include "core/payload.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "manager/events.hpp"

#include <cmath>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_run_mobility, v2x_run, "Mobility driver");

namespace v2x {

namespace sg4 = simgrid::s4u;

MobilityDriver::MobilityDriver(MobilityDriverDeps deps, double end_s, std::exception_ptr& error)
    : deps_(deps), end_s_(end_s), error_(error)
{
}

void MobilityDriver::operator()()
{
  first_vehicle_station_ = static_cast<StationId>(deps_.stations.size());
  try {
    replay();
  } catch (const std::exception& e) {
    XBT_ERROR("%s", e.what());
    error_ = std::current_exception();
    sg4::Actor::kill_all();
    return;
  }
  sg4::Mailbox* reply = sg4::Mailbox::by_name("mobility-driver");
  auto finish = std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Finish, kNone, reply});
  deps_.manager->post(*finish);
  reply->get_unique<ManagerEvent>();
}

void MobilityDriver::replay()
{
  std::vector<MobilityEvent> events;
  MobilityTracker& tracker = deps_.tracker;
  while (true) {
    const double t = tracker.next_event_time();
    if (std::isinf(t) || (end_s_ > 0 && t > end_s_))
      return;
    sg4::this_actor::sleep_until(t);
    if (error_)
      return;  // the manager's policy failed: the run stops here (the manager answers the Finish at once)
    deps_.plane.sync();  // plane events before t see the trace as it was before t
    events.clear();
    tracker.pop_events(t, events);
    for (const MobilityEvent& e : events) {
      const StationId station = first_vehicle_station_ + e.vehicle;
      if (e.type == MobilityEvent::Type::Appear) {
        const StationId added = deps_.stations.add(tracker.name(e.vehicle), StationKind::Vehicle, e.vehicle, t);
        xbt_assert(added == station, "vehicles are numbered in order of appearance");
        StationView& v = deps_.stations.view(station);
        const Kinematics k = tracker.at(e.vehicle, t);
        v.x_m = k.x_m;
        v.y_m = k.y_m;
        v.speed_mps = k.speed_mps;
        v.heading_deg = k.heading_deg;
        v.rsu = roam(deps_.cells, deps_.infra.rsus(), kNone, k.x_m, k.y_m, 0, deps_.plane.loss());
        v.rsu_site = v.rsu == kNone ? kNone : deps_.infra.rsus()[v.rsu].site;
        deps_.recorder.station(StationRecord{station, fixed_name(tracker.name(e.vehicle)), StationKind::Vehicle, t});
        deps_.plane.vehicle_appeared(station, t);
        deps_.manager->post(ManagerEvent{ManagerEvent::Type::Appear, station});
      } else {
        deps_.plane.vehicle_left(station, t);
        deps_.stations.mark_left(station);
        deps_.recorder.vehicle_left(deps_.stations.info(station).appeared, t);
        deps_.manager->post(ManagerEvent{ManagerEvent::Type::Leave, station});
      }
    }
  }
}

} // namespace v2x
