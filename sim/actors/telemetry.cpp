#include "actors/telemetry.hpp"

#include "core/log.hpp"

#include <cmath>
#include <limits>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_actors_telemetry, v2x_actors, "Telemetry path");

namespace v2x {

namespace sg4 = simgrid::s4u;

TelemetryPath::TelemetryPath(const Infrastructure& infra, const Platform& platform, BrokerNet& brokers,
                             TwinBook& twins, StationTable& stations, Recorder& recorder)
    : infra_(infra), platform_(platform), brokers_(brokers), twins_(twins), stations_(stations), recorder_(recorder)
{
}

void TelemetryPath::carry(MessageRecord& m, sg4::Host* src, const Uplink& uplink)
{
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  m.at_twin = nan;
  m.processed = nan;
  m.site = kNone;

  // Uplink: radio cell + backhaul to the broker's host, one transfer.
  sg4::Comm::sendto(src, platform_.broker_host(m.broker), m.size_b);
  m.at_broker = sg4::Engine::get_clock();
  m.at_rsu = uplink.from_cell ? m.at_broker - uplink.after_cell_latency_s : m.created;

  // The broker serves messages first-come first-served and routes each with the subscriptions it has when
  // the message arrives (QoS 0: no serving twin instance now, the message is lost).
  const double served = brokers_.serve(m.broker, m.at_broker);
  const InstanceId target = twins_.serving(m.station);
  if (target == kNone) {
    m.outcome = MessageOutcome::Lost;
    recorder_.message(m);
    return;
  }
  const SiteId site = twins_.instance(target).site;
  const BrokerId sub_broker = infra_.broker_of_site(site);
  sg4::Host* here = platform_.broker_host(m.broker);
  if (sub_broker == m.broker && here == platform_.site_host(site)) {
    // Local subscriber: handed over when the broker has served it; no further activity on the hot path.
    m.at_twin = served;
    m.site = site;
    m.processed = twins_.process(target, served, m.created);
    m.outcome = MessageOutcome::Delivered;
    stations_.view(m.station).last_latency_s = m.processed - m.created;
    recorder_.message(m);
    return;
  }
  sg4::this_actor::sleep_until(served);
  if (sub_broker != m.broker) {  // bridge to the broker where the twin subscribes
    sg4::Comm::sendto(here, platform_.broker_host(sub_broker), m.size_b);
    sg4::this_actor::sleep_until(brokers_.serve(sub_broker, sg4::Engine::get_clock()));
    here = platform_.broker_host(sub_broker);
  }
  if (here != platform_.site_host(site))
    sg4::Comm::sendto(here, platform_.site_host(site), m.size_b);

  const double now = sg4::Engine::get_clock();
  if (twins_.serving(m.station) != target) {  // the instance stopped serving while the message travelled
    m.outcome = MessageOutcome::Lost;
    recorder_.message(m);
    return;
  }
  m.at_twin = now;
  m.site = site;
  m.processed = twins_.process(target, now, m.created);
  m.outcome = MessageOutcome::Delivered;
  stations_.view(m.station).last_latency_s = m.processed - m.created;
  recorder_.message(m);
}

} // namespace v2x
