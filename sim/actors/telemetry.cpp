#include "actors/telemetry.hpp"

#include "core/log.hpp"

#include <cmath>
#include <numeric>
#include <limits>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_actors_telemetry, v2x_actors, "Telemetry path");

namespace v2x {

namespace sg4 = simgrid::s4u;

TelemetryPath::TelemetryPath(const Infrastructure& infra, const Platform& platform, BrokerNet& brokers,
                             TwinBook& twins, StationTable& stations, Recorder& recorder,
                             const MessagingConfig& messaging)
    : infra_(infra), platform_(platform), brokers_(brokers), twins_(twins), stations_(stations), recorder_(recorder)
    , messaging_(messaging)
{
}

void TelemetryPath::undeliverable(MessageRecord& m)
{
  if (messaging_.qos == 1) {
    std::vector<MessageRecord>& session = twins_.record(m.station).session;
    if (session.size() < messaging_.session_queue) {
      session.push_back(m);  // recorded when delivered, or when dropped with the session
      return;
    }
    m.outcome = MessageOutcome::Dropped;
  } else {
    m.outcome = MessageOutcome::Lost;
  }
  recorder_.message(m);
}

void TelemetryPath::delivered(MessageRecord& m, InstanceId target, SiteId site, double at_twin)
{
  m.at_twin = at_twin;
  m.site = site;
  m.processed = twins_.process(target, at_twin, m.created);
  m.outcome = MessageOutcome::Delivered;
  stations_.view(m.station).last_latency_s = m.processed - m.created;
  recorder_.message(m);
}

void TelemetryPath::flush_session(StationId station)
{
  TwinRecord& record = twins_.record(station);
  const InstanceId target = twins_.serving(station);
  if (record.session.empty() || target == kNone)
    return;
  std::vector<MessageRecord> kept;
  kept.swap(record.session);
  const SiteId site = twins_.instance(target).site;
  const BrokerId sub_broker = infra_.broker_of_site(site);
  sg4::Host* sub_host = platform_.broker_host(sub_broker);
  // One bridge transfer per broker that kept messages, carrying them all, in broker order.
  std::vector<double> bytes(infra_.brokers().size(), 0.0);
  for (const MessageRecord& m : kept)
    bytes[m.broker] += m.size_b;
  for (BrokerId b = 0; b < bytes.size(); ++b)
    if (bytes[b] > 0 && b != sub_broker)
      sg4::Comm::sendto(platform_.broker_host(b), sub_host, static_cast<std::uint64_t>(bytes[b]));
  if (sub_host != platform_.site_host(site))
    sg4::Comm::sendto(sub_host, platform_.site_host(site), static_cast<std::uint64_t>(
                                                                std::accumulate(bytes.begin(), bytes.end(), 0.0)));
  if (twins_.serving(station) != target) {  // moved again meanwhile: keep them for the next instance
    record.session.insert(record.session.begin(), kept.begin(), kept.end());
    return;
  }
  const double now = sg4::Engine::get_clock();
  for (MessageRecord& m : kept)
    delivered(m, target, site, now);
}

void TelemetryPath::drop_session(StationId station)
{
  std::vector<MessageRecord> kept;
  kept.swap(twins_.record(station).session);
  for (MessageRecord& m : kept) {
    m.outcome = MessageOutcome::Lost;
    recorder_.message(m);
  }
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
    undeliverable(m);
    return;
  }
  const SiteId site = twins_.instance(target).site;
  const BrokerId sub_broker = infra_.broker_of_site(site);
  sg4::Host* here = platform_.broker_host(m.broker);
  if (sub_broker == m.broker && here == platform_.site_host(site)) {
    // Local subscriber: handed over when the broker has served it; no further activity on the hot path.
    delivered(m, target, site, served);
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

  if (twins_.serving(m.station) != target) {  // the instance stopped serving while the message travelled
    undeliverable(m);
    return;
  }
  delivered(m, target, site, sg4::Engine::get_clock());
}

} // namespace v2x
