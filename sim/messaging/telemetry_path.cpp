#include "messaging/telemetry_path.hpp"

#include "core/log.hpp"

#include <cmath>
#include <limits>
#include <numeric>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_messaging_telemetry, v2x_messaging, "Telemetry path");

namespace v2x {

namespace sg4 = simgrid::s4u;

namespace {
constexpr std::int64_t kNoArea = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kAreaStride = 1 << 20;  // area key = ix * stride + iy (|iy| < 2^19 areas)

std::string area_name(std::int64_t key)
{
  const std::int64_t ix = static_cast<std::int64_t>(std::floor(static_cast<double>(key) / kAreaStride + 0.5));
  const std::int64_t iy = key - ix * kAreaStride;
  return std::to_string(ix) + "_" + std::to_string(iy);
}
} // namespace

TelemetryPath::TelemetryPath(const Infrastructure& infra, const Platform& platform, BrokerNet& brokers,
                             TwinBook& twins, StationTable& stations, Recorder& recorder,
                             const MessagingConfig& messaging, const TelemetryConfig& telemetry,
                             std::uint32_t cooperation_areas)
    : infra_(infra), platform_(platform), brokers_(brokers), twins_(twins), stations_(stations), recorder_(recorder)
    , messaging_(messaging), area_size_m_(telemetry.area_size_m), cooperation_areas_(cooperation_areas)
{
}

std::int64_t TelemetryPath::area_of(double x_m, double y_m) const
{
  const auto ix = static_cast<std::int64_t>(std::floor(x_m / area_size_m_));
  const auto iy = static_cast<std::int64_t>(std::floor(y_m / area_size_m_));
  return ix * kAreaStride + iy;
}

const std::string& TelemetryPath::topic(const MessageRecord& m)
{
  const StationView& v = stations_.view(m.station);
  if (m.station >= topics_.size())
    topics_.resize(m.station + 1);
  StationTopic& t = topics_[m.station];
  const std::int64_t area = area_of(v.x_m, v.y_m);
  if (t.topic.empty() || t.area != area) {
    t.area = area;
    t.topic = "v2x/" + area_name(area) + "/" + stations_.info(m.station).name +
              (v.kind == StationKind::Rsu ? "/status" : "/cam");
  }
  return t.topic;
}

std::vector<std::string> TelemetryPath::area_filters(std::int64_t area) const
{
  std::vector<std::string> out;
  const auto k = static_cast<std::int64_t>(cooperation_areas_);
  for (std::int64_t dx = -k; dx <= k; ++dx)
    for (std::int64_t dy = -k; dy <= k; ++dy)
      out.push_back("v2x/" + area_name(area + dx * kAreaStride + dy) + "/+/cam");
  return out;
}

void TelemetryPath::subscribe(StationId station)
{
  if (station >= subscribed_area_.size())
    subscribed_area_.resize(station + 1, kNoArea);
  subscriptions_.subscribe("v2x/+/" + stations_.info(station).name + "/#", station);
  if (cooperation_areas_ > 0 && stations_.view(station).kind == StationKind::Vehicle) {
    const StationView& v = stations_.view(station);
    subscribed_area_[station] = area_of(v.x_m, v.y_m);
    for (const std::string& f : area_filters(subscribed_area_[station]))
      subscriptions_.subscribe(f, station);
  }
}

void TelemetryPath::unsubscribe(StationId station)
{
  subscriptions_.unsubscribe("v2x/+/" + stations_.info(station).name + "/#", station);
  if (station < subscribed_area_.size() && subscribed_area_[station] != kNoArea) {
    for (const std::string& f : area_filters(subscribed_area_[station]))
      subscriptions_.unsubscribe(f, station);
    subscribed_area_[station] = kNoArea;
  }
}

void TelemetryPath::moved(StationId station)
{
  if (cooperation_areas_ == 0 || station >= subscribed_area_.size() || subscribed_area_[station] == kNoArea)
    return;
  const StationView& v = stations_.view(station);
  const std::int64_t area = area_of(v.x_m, v.y_m);
  if (area == subscribed_area_[station])
    return;
  for (const std::string& f : area_filters(subscribed_area_[station]))
    subscriptions_.unsubscribe(f, station);
  subscribed_area_[station] = area;
  for (const std::string& f : area_filters(area))
    subscriptions_.subscribe(f, station);
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

double TelemetryPath::bridge(BrokerId from, SiteId site, std::uint32_t size_b, double served)
{
  if (served > sg4::Engine::get_clock())
    sg4::this_actor::sleep_until(served);
  const BrokerId sub_broker = infra_.broker_of_site(site);
  sg4::Host* here = platform_.broker_host(from);
  if (sub_broker != from) {  // bridge to the broker where the twin subscribes, then its service
    sg4::Comm::sendto(here, platform_.broker_host(sub_broker), size_b);
    sg4::this_actor::sleep_until(brokers_.serve(sub_broker, sg4::Engine::get_clock()));
    here = platform_.broker_host(sub_broker);
  }
  if (here != platform_.site_host(site))
    sg4::Comm::sendto(here, platform_.site_host(site), size_b);
  return sg4::Engine::get_clock();
}

void TelemetryPath::to_own_twin(MessageRecord& m, double served)
{
  const InstanceId target = twins_.serving(m.station);
  if (target == kNone) {
    undeliverable(m);
    return;
  }
  const SiteId site = twins_.instance(target).site;
  if (infra_.broker_of_site(site) == m.broker && platform_.broker_host(m.broker) == platform_.site_host(site)) {
    delivered(m, target, site, served);  // on the broker's host: no further activity on the hot path
    return;
  }
  const double arrival = bridge(m.broker, site, m.size_b, served);
  if (twins_.serving(m.station) != target) {  // the instance stopped serving while the message travelled
    undeliverable(m);
    return;
  }
  delivered(m, target, site, arrival);
}

void TelemetryPath::to_cooperating_twin(const MessageRecord& m, StationId subscriber, double served)
{
  const InstanceId target = twins_.serving(subscriber);
  if (target == kNone)
    return;  // QoS 0 for cooperation data: a twin that is down misses it
  const SiteId site = twins_.instance(target).site;
  double arrival = served;
  if (infra_.broker_of_site(site) != m.broker || platform_.broker_host(m.broker) != platform_.site_host(site)) {
    arrival = bridge(m.broker, site, m.size_b, served);
    if (twins_.serving(subscriber) != target)
      return;
  }
  twins_.process(target, arrival, std::numeric_limits<double>::quiet_NaN());
  ++cooperative_;
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

  // The broker serves messages first-come first-served and routes each by its topic with the subscriptions it
  // has when the message arrives.
  const double served = brokers_.serve(m.broker, m.at_broker);
  matched_.clear();
  subscriptions_.match(topic(m), [this](TopicTree::Subscriber s) { matched_.push_back(s); });
  bool own = false;
  for (StationId s : matched_)
    own = own || s == m.station;
  if (own) {
    to_own_twin(m, served);
  } else {  // nobody subscribes to this station (its twin is not placed, or was removed): lost
    m.outcome = MessageOutcome::Lost;
    recorder_.message(m);
  }
  if (matched_.size() > (own ? 1u : 0u)) {
    const std::vector<StationId> others = matched_;  // the carrier may block: later messages reuse matched_
    for (StationId s : others)
      if (s != m.station)
        to_cooperating_twin(m, s, served);
  }
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
    sg4::Comm::sendto(sub_host, platform_.site_host(site),
                      static_cast<std::uint64_t>(std::accumulate(bytes.begin(), bytes.end(), 0.0)));
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

void TelemetryPath::publish_dashboard(StationId station, SiteId site, std::uint32_t size_b)
{
  const BrokerId dashboard = infra_.broker_of_site(infra_.cloud());
  sg4::Comm::sendto(platform_.site_host(site), platform_.broker_host(dashboard), size_b);
  sg4::this_actor::sleep_until(brokers_.serve(dashboard, sg4::Engine::get_clock()));
  subscriptions_.retain("v2x/dashboard/" + stations_.info(station).name + "/state", size_b);
}

} // namespace v2x
