#include "stations/obu.hpp"
#include "core/payload.hpp"

#include "manager/events.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "proto/wire_size.hpp"

#include <algorithm>
#include <cmath>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_stations_obu, v2x_stations, "Vehicles (OBUs)");

namespace v2x {

namespace sg4 = simgrid::s4u;

RadioModel::RadioModel(std::vector<RateStep> steps) : steps_(std::move(steps)) {}

std::size_t RadioModel::step(double distance_m) const
{
  for (std::size_t k = 0; k < steps_.size(); ++k)
    if (distance_m <= steps_[k].distance_m)
      return k;
  return steps_.empty() ? 0 : steps_.size() - 1;
}

bool update_vehicle_view(StationView& view, const Kinematics& k, const CellIndex& cells,
                         const std::vector<RsuInfo>& rsus)
{
  view.x_m = k.x_m;
  view.y_m = k.y_m;
  view.speed_mps = k.speed_mps;
  view.heading_deg = k.heading_deg;
  const RsuId rsu = cells.serving(k.x_m, k.y_m);
  const bool changed = rsu != view.rsu;
  view.rsu = rsu;
  view.rsu_site = rsu == kNone ? kNone : rsus[rsu].site;
  return changed;
}

Vehicle::Vehicle(StationId station, VehicleDeps deps) : station_(station), deps_(deps)
{
  xbt_assert(deps_.telemetry.rate_hz > 0, "telemetry rate must be positive (validated by config)");
}

void Vehicle::observe(double t)
{
  StationView& view = deps_.stations.view(station_);
  const RsuId before = view.rsu;
  const Kinematics k = deps_.mobility.at(deps_.stations.info(station_).vehicle, t);
  const bool handover = update_vehicle_view(view, k, deps_.cells, deps_.infra.rsus());
  deps_.path.moved(station_);
  if (!handover)
    return;
  deps_.recorder.handover(HandoverRecord{t, station_, before, view.rsu, k.x_m, k.y_m});
  auto event = std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Handover, station_, nullptr});
  deps_.manager->put_init(event.release(), 0)->detach(delete_payload<ManagerEvent>);
}

void Vehicle::operator()()
{
  const double period = 1.0 / deps_.telemetry.rate_hz;
  const double jitter_span = deps_.telemetry.start_jitter_s < 0 ? period : deps_.telemetry.start_jitter_s;
  RandomStream rng(deps_.seed, StreamPurpose::Telemetry, station_);
  const double first = sg4::Engine::get_clock() + jitter_span * rng.uniform();
  std::uint64_t slot = 0;  // send slots at first + k x period, computed from k (no accumulated rounding)
  double next = first;
  const std::uint32_t vehicle = deps_.stations.info(station_).vehicle;
  const bool is_bus = deps_.mobility.type(vehicle).find("bus") != std::string::npos;

  while (true) {
    sg4::this_actor::sleep_until(next);
    StationInfo& info = deps_.stations.info(station_);
    if (info.left)
      break;
    const double now = sg4::Engine::get_clock();
    observe(now);
    const StationView& view = deps_.stations.view(station_);

    MessageRecord m;
    m.station = station_;
    m.seq = info.sequence++;
    m.created = now;
    m.rsu = view.rsu;
    m.size_b = cam_wire_size(station_, now, view.x_m, view.y_m, view.speed_mps, view.heading_deg, is_bus ? 6 : 5,
                             m.seq);
    if (view.rsu == kNone) {
      constexpr double nan = std::numeric_limits<double>::quiet_NaN();
      m.at_rsu = m.at_broker = m.at_twin = m.processed = nan;
      m.outcome = MessageOutcome::NotSent;
      deps_.recorder.message(m);
    } else {
      const RsuInfo& rsu = deps_.infra.rsus()[view.rsu];
      m.broker = rsu.broker;
      const double d = deps_.cells.distance(view.rsu, view.x_m, view.y_m);
      deps_.path.carry(m, deps_.platform.radio_host(view.rsu, deps_.radio.step(d)),
                       {true, deps_.platform.backhaul_latency(view.rsu, rsu.broker)});
    }
    // Fixed schedule; a message still travelling at the next slot delays it (the OBU sends one at a time).
    if (deps_.telemetry.poisson)  // exponential gaps of mean `period`, from the station's stream
      next = std::max(next - period * std::log(1.0 - rng.uniform()), sg4::Engine::get_clock());
    else
      next = std::max(first + static_cast<double>(++slot) * period, sg4::Engine::get_clock());
  }
}

} // namespace v2x
