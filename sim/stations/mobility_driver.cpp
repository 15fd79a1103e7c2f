#include "stations/mobility_driver.hpp"
#include "core/payload.hpp"

#include "manager/events.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

#include <cmath>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_stations_mobility, v2x_stations, "Mobility driver");

namespace v2x {

namespace sg4 = simgrid::s4u;

MobilityDriver::MobilityDriver(MobilityTracker& tracker, VehicleDeps vehicle_deps, double end_s,
                               std::exception_ptr& error)
    : tracker_(tracker), deps_(vehicle_deps), end_s_(end_s), error_(error)
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
  deps_.manager->put_init(finish.release(), 0)->detach(delete_payload<ManagerEvent>);
  reply->get_unique<ManagerEvent>();
}

void MobilityDriver::replay()
{
  std::vector<MobilityEvent> events;
  while (true) {
    const double t = tracker_.next_event_time();
    if (std::isinf(t) || (end_s_ > 0 && t > end_s_))
      return;
    sg4::this_actor::sleep_until(t);
    events.clear();
    tracker_.pop_events(t, events);
    for (const MobilityEvent& e : events) {
      const StationId station = first_vehicle_station_ + e.vehicle;
      if (e.type == MobilityEvent::Type::Appear) {
        const StationId added = deps_.stations.add(tracker_.name(e.vehicle), StationKind::Vehicle, e.vehicle, t);
        xbt_assert(added == station, "vehicles are numbered in order of appearance");
        update_vehicle_view(deps_.stations.view(station), tracker_.at(e.vehicle, t), deps_.cells,
                            deps_.infra.rsus());
        deps_.recorder.station(StationRecord{station, fixed_name(tracker_.name(e.vehicle)), StationKind::Vehicle, t});
        sg4::Actor::create("vehicle-" + tracker_.name(e.vehicle), sg4::this_actor::get_host(),
                           Vehicle(station, deps_));
        deps_.manager->put_init(
            std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Appear, station}).release(), 0)
            ->detach(delete_payload<ManagerEvent>);
      } else {
        deps_.stations.mark_left(station);
        deps_.recorder.vehicle_left(t - deps_.stations.info(station).appeared);
        deps_.manager->put_init(
            std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Leave, station}).release(), 0)
            ->detach(delete_payload<ManagerEvent>);
      }
    }
  }
}

} // namespace v2x
