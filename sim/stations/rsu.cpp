#include "stations/rsu.hpp"
#include "core/daemon.hpp"

#include "core/random.hpp"

#include <algorithm>

namespace v2x {

namespace sg4 = simgrid::s4u;

Rsu::Rsu(RsuId rsu, StationId station, const TelemetryConfig& telemetry, const Infrastructure& infra,
         const Platform& platform, StationTable& stations, TelemetryPath& path, std::uint64_t seed)
    : rsu_(rsu), station_(station), telemetry_(telemetry), infra_(infra), platform_(platform), stations_(stations)
    , path_(path), seed_(seed)
{
}

void Rsu::operator()()
{
  daemonize_self();
  if (telemetry_.rsu_rate_hz <= 0)
    return;
  const double period = 1.0 / telemetry_.rsu_rate_hz;
  RandomStream rng(seed_, StreamPurpose::Telemetry, station_);
  const double first = period * rng.uniform();
  std::uint64_t slot = 0;
  double next = first;
  const RsuInfo& info = infra_.rsus()[rsu_];
  while (true) {
    sg4::this_actor::sleep_until(next);
    MessageRecord m;
    m.station = station_;
    m.seq = stations_.info(station_).sequence++;
    m.created = sg4::Engine::get_clock();
    m.rsu = rsu_;
    m.broker = info.broker;
    m.size_b = static_cast<std::uint32_t>(telemetry_.rsu_message_b);
    path_.carry(m, platform_.rsu_host(rsu_), {});
    next = std::max(first + static_cast<double>(++slot) * period, sg4::Engine::get_clock());
  }
}

} // namespace v2x
