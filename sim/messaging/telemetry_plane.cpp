#include "messaging/telemetry_plane.hpp"

#include "core/daemon.hpp"
#include "core/log.hpp"
#include "manager/events.hpp"
#include "proto/wire_size.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_messaging_plane, v2x_messaging, "Telemetry plane");

namespace v2x {

namespace sg4 = simgrid::s4u;

namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kEtsiCheck_s = 0.1;  // EN 302 637-2 §6.1.3: T_CheckCamGen <= T_GenCamMin = 100 ms
constexpr double kEtsiMax_s = 1.0;    // T_GenCamMax
// The calendar's periodic lanes, one per period (core/calendar.hpp)
constexpr std::size_t kCamLane = 0, kRsuLane = 1, kDashboardLane = 2, kTsdbLane = 3;
} // namespace

TelemetryPlane::TelemetryPlane(PlaneConfig config, const Infrastructure& infra, const Platform& platform,
                               NetworkView& network, const MobilityTracker& mobility, const CellIndex& cells,
                               StationTable& stations, Subscriptions& subscriptions, BrokerNet& brokers,
                               TwinBook& twins, Recorder& recorder, std::uint64_t seed)
    : config_(std::move(config)), infra_(infra), platform_(platform), network_(network), mobility_(mobility)
    , cells_(cells), stations_(stations), subscriptions_(subscriptions), brokers_(brokers), twins_(twins)
    , recorder_(recorder), seed_(seed), rates_(config_.rate_steps), loss_(config_.loss)
{
  const auto& rsus = infra_.rsus();
  rsu_station_.assign(rsus.size(), kNone);
  const std::size_t nb = infra_.brokers().size(), ns = infra_.sites().size();
  rsu_routes_.assign(rsus.size(), nullptr);
  broker_site_routes_.assign(nb * ns, nullptr);
  broker_routes_.assign(nb * nb, nullptr);
  site_broker_routes_.assign(ns * nb, nullptr);
  channels_.reserve(rsus.size());
  for (RsuId r = 0; r < rsus.size(); ++r)
    channels_.push_back(ChannelState{radio::Channel(config_.phy, config_.edca, RandomStream(seed, StreamPurpose::Radio, r)),
                                     -1, 0, {}, {}, 0});
  // Carrier-sense neighbours: RSUs on the same channel whose cells a sender of r's cell can reach within range.
  auto channel_of = [&](RsuId r) { return r < config_.rsu_channel.size() ? config_.rsu_channel[r] : 0u; };
  for (RsuId r = 0; r < rsus.size(); ++r)
    for (RsuId q = 0; q < rsus.size(); ++q)
      if (q != r && channel_of(q) == channel_of(r) &&
          std::hypot(rsus[q].x_m - rsus[r].x_m, rsus[q].y_m - rsus[r].y_m) <=
              rsus[r].radius_m + config_.carrier_sense_range_m)
        channels_[r].neighbours.push_back(q);
}

// ---- optional parts: HYBRID sync stream, time-series store, state continuity ----

void TelemetryPlane::attach(CloudTwins* cloud, TsdbStore* tsdb, StateContinuity* continuity)
{
  cloud_ = cloud;
  tsdb_ = tsdb;
  continuity_ = continuity;
  if (cloud_ != nullptr)
    calendar_.push(cloud_->period_s(), Event{Ev::SyncTick, 0, 0});
}

void TelemetryPlane::migration_served(std::uint32_t migration, StationId station, InstanceId previous,
                                      InstanceId fresh)
{
  if (continuity_ == nullptr)
    return;
  sync();
  continuity_->served(migration, station, previous, fresh, now_);
}

std::uint32_t TelemetryPlane::new_batch(const CloudTwins::Batch& b)
{
  std::uint32_t i;
  if (!free_batches_.empty()) {
    i = free_batches_.back();
    free_batches_.pop_back();
    batches_[i] = b;
  } else {
    i = static_cast<std::uint32_t>(batches_.size());
    batches_.push_back(b);
  }
  return i;
}

void TelemetryPlane::sync_tick(double t)
{
  calendar_.push(static_cast<double>(++sync_ticks_ + 1) * cloud_->period_s(), Event{Ev::SyncTick, 0, 0});
  sg4::Host* cloud_host = platform_.site_host(cloud_->cloud());
  for (StationId s = 0; s < stations_.size(); ++s) {
    if (!cloud_->has_twin(s))
      continue;
    const InstanceId edge = twins_.serving(s);
    if (edge == kNone)
      continue;  // the edge twin is down: what it processed waits for the next tick
    CloudTwins::Batch b = cloud_->take(s);
    if (b.points == 0)
      continue;
    const double depart = twins_.charge(edge, t, cloud_->sync_flops());
    b.sent = depart;
    const SiteId site = twins_.instance(edge).site;
    const double arrive =
        depart + network_.transfer_time(platform_.site_host(site), cloud_host, cloud_->size_b(b), depart);
    calendar_.push(arrive, Event{Ev::SyncArrive, new_batch(b), 0});
  }
}

void TelemetryPlane::start_points(StationId station, double t)
{
  if (tsdb_ == nullptr)
    return;
  calendar_.push(t + tsdb_->period_s(), Event{Ev::TsdbPoint, station, tsdb_->next_epoch(station)});
}

void TelemetryPlane::tsdb_point(StationId station, double t)
{
  calendar_.push_periodic(t + tsdb_->period_s(), Event{Ev::TsdbPoint, station, tsdb_->epoch(station)}, kTsdbLane);
  SiteId from = kNone;
  if (cloud_ != nullptr) {
    if (cloud_->ready(station))
      from = cloud_->cloud();  // HYBRID: the full twin writes the data (once deployed)
  } else if (const InstanceId i = twins_.serving(station); i != kNone) {
    from = twins_.instance(i).site;
  }
  if (from == kNone)
    return;
  std::uint32_t slot;
  if (!free_points_.empty()) {
    slot = free_points_.back();
    free_points_.pop_back();
    points_[slot] = t;
  } else {
    slot = static_cast<std::uint32_t>(points_.size());
    points_.push_back(t);
  }
  const double arrive =
      t + network_.transfer_time(platform_.site_host(from), platform_.site_host(tsdb_->site()), tsdb_->point_b(), t);
  calendar_.push(arrive, Event{Ev::TsdbArrive, slot, 0});
}

// ---- the calendar ----

void TelemetryPlane::advance_to(double t)
{
  if (advancing_)
    return;  // a plane event's own effects (it never changes control state, so this is only a guard)
  advancing_ = true;
  while (calendar_.next_time() < t) {
    const auto entry = calendar_.pop();
    now_ = entry.time;
    ++events_;
    handle(entry.time, entry.event);
  }
  now_ = std::max(now_, t);
  network_.release_before(t);
  advancing_ = false;
}

void TelemetryPlane::handle(double t, const Event& e)
{
  switch (e.kind) {
  case Ev::ObuGenerate:
    if (obus_[e.a].station != kNone && obus_[e.a].epoch == e.b)
      generate_cam(e.a, t);
    break;
  case Ev::RsuGenerate:
    generate_rsu(e.a, t);
    break;
  case Ev::ChannelWake:
    if (channels_[e.a].version == e.b) {
      channels_[e.a].scheduled = -1;
      channel_event(e.a, t);
    }
    break;
  case Ev::Associated: {
    Obu& obu = obus_[e.a];
    if (obu.station != kNone && obu.rsu == e.b && obu.held != kNone && t >= obu.associated_at_s) {
      const std::uint32_t m = obu.held;
      obu.held = kNone;
      offer(obu, m, t);
    }
    break;
  }
  case Ev::BrokerArrive: {
    Message& m = messages_[e.a];
    if (faults_ != nullptr && faults_->broker_down(e.b)) {
      lose_to_fault(e.a);
      break;
    }
    m.rec.at_broker = t;
    calendar_.push(brokers_.serve(e.b, t), Event{Ev::BrokerDepart, e.a, e.b});
    break;
  }
  case Ev::BrokerDepart:
    broker_depart(e.a, e.b, t);
    break;
  case Ev::BridgeArrive: {
    Message& m = messages_[e.a];
    const SiteId site = twins_.instance(m.target).site;
    if (faults_ != nullptr && faults_->active() &&
        (faults_->broker_down(e.b) || cut(platform_.broker_host(e.b), platform_.site_host(site)))) {
      lose_to_fault(e.a);
      break;
    }
    const double served = brokers_.serve(e.b, t);
    calendar_.push(served + network_.transfer_time(platform_.broker_host(e.b), platform_.site_host(site), m.rec.size_b,
                                                    served),
                   Event{Ev::TwinArrive, e.a, 0});
    break;
  }
  case Ev::TwinArrive:
    twin_arrive(e.a, t);
    break;
  case Ev::TwinDone:
    twin_done(e.a, t);
    break;
  case Ev::Dashboard: {
    const TwinInstance& in = twins_.instance(e.a);
    if (!in.alive || in.generation != e.b)
      break;
    calendar_.push_periodic(t + config_.dashboard_period_s, e, kDashboardLane);
    if (twins_.serving(in.station) != e.a)
      break;
    const BrokerId dashboard = infra_.broker_of_site(infra_.cloud());
    if (faults_ != nullptr && faults_->active() &&
        (faults_->broker_down(dashboard) || cut(platform_.site_host(in.site), platform_.broker_host(dashboard))))
      break;  // the dashboard misses this report
    const double age = twins_.age_of_information(in.station, t);  // NaN until its first CAM
    const double last_update = std::isnan(age) ? 0.0 : t - age;
    const std::uint32_t size = twin_report_wire_size(in.station, t, last_update, in.site, 0, 0);
    const auto& route = cached_route(site_broker_routes_, in.site * infra_.brokers().size() + dashboard,
                                     platform_.site_host(in.site), platform_.broker_host(dashboard));
    calendar_.push(t + network_.transfer_time(route, size, t),
                   Event{Ev::DashboardArrive, 0, dashboard});
    break;
  }
  case Ev::DashboardArrive:
    if (faults_ != nullptr && faults_->broker_down(e.b))
      break;
    brokers_.serve(e.b, t);  // retained at the dashboard broker: its load is what matters here
    break;
  case Ev::SyncTick:
    sync_tick(t);
    break;
  case Ev::SyncArrive:
    calendar_.push(cloud_->receive(batches_[e.a], t), Event{Ev::SyncDone, e.a, 0});
    break;
  case Ev::SyncDone:
    cloud_->processed(batches_[e.a], t);
    free_batches_.push_back(e.a);
    break;
  case Ev::TsdbPoint:
    if (tsdb_->epoch(e.a) == e.b)
      tsdb_point(e.a, t);
    break;
  case Ev::TsdbArrive:
    tsdb_->write(points_[e.a], t);
    free_points_.push_back(e.a);
    break;
  }
}

// ---- messages ----

std::uint32_t TelemetryPlane::new_message()
{
  std::uint32_t i;
  if (!free_messages_.empty()) {
    i = free_messages_.back();
    free_messages_.pop_back();
  } else {
    i = static_cast<std::uint32_t>(messages_.size());
    messages_.emplace_back();
  }
  Message& m = messages_[i];
  m = Message{};
  m.live = true;
  m.rec.at_rsu = m.rec.at_broker = m.rec.at_twin = m.rec.processed = kNan;
  m.rec.site = kNone;
  return i;
}

void TelemetryPlane::free_message(std::uint32_t msg)
{
  messages_[msg].live = false;
  free_messages_.push_back(msg);
}

void TelemetryPlane::finish_message(std::uint32_t msg, MessageOutcome outcome, MessageCause cause)
{
  Message& m = messages_[msg];
  if (m.subscriber == kNone) {
    m.rec.outcome = outcome;
    m.rec.cause = cause;
    recorder_.message(m.rec);
  }
  free_message(msg);
}

// ---- stations ----

void TelemetryPlane::rsu_station(RsuId rsu, StationId station)
{
  rsu_station_[rsu] = station;
  if (cloud_ != nullptr)
    cloud_->appeared(station);
  start_points(station, 0.0);
  if (config_.rsu_rate_hz <= 0)
    return;
  RandomStream rng(seed_, StreamPurpose::Telemetry, station);
  calendar_.push_periodic(rng.uniform() / config_.rsu_rate_hz, Event{Ev::RsuGenerate, rsu, 0}, kRsuLane);
}

void TelemetryPlane::generate_rsu(RsuId rsu, double t)
{
  const StationId s = rsu_station_[rsu];
  const RsuInfo& info = infra_.rsus()[rsu];
  if (faults_ != nullptr && faults_->rsu_down(rsu)) {  // a downed RSU publishes nothing
    calendar_.push_periodic(t + 1.0 / config_.rsu_rate_hz, Event{Ev::RsuGenerate, rsu, 0}, kRsuLane);
    return;
  }
  const std::uint32_t i = new_message();
  MessageRecord& rec = messages_[i].rec;
  rec.station = s;
  rec.seq = stations_.info(s).sequence++;
  rec.created = rec.at_rsu = t;
  rec.rsu = rsu;
  rec.broker = info.broker;
  rec.size_b = static_cast<std::uint32_t>(config_.rsu_message_b);
  if (faults_ != nullptr && faults_->active())
    rec.broker = faults_->effective_broker(info.broker, t);  // reconnected to the fallback broker
  if (faults_ != nullptr && faults_->active() && cut(platform_.rsu_host(rsu), platform_.broker_host(rec.broker))) {
    finish_message(i, MessageOutcome::Lost, MessageCause::Fault);
    calendar_.push_periodic(t + 1.0 / config_.rsu_rate_hz, Event{Ev::RsuGenerate, rsu, 0}, kRsuLane);
    return;
  }
  calendar_.push(t + network_.transfer_time(platform_.rsu_host(rsu), platform_.broker_host(rec.broker), rec.size_b, t),
                 Event{Ev::BrokerArrive, i, rec.broker});
  // Fixed schedule from the RSU's own phase: t_k = t_0 + k / rate (the next slot after t).
  calendar_.push_periodic(t + 1.0 / config_.rsu_rate_hz, Event{Ev::RsuGenerate, rsu, 0}, kRsuLane);
}

void TelemetryPlane::vehicle_appeared(StationId station, double t)
{
  if (cloud_ != nullptr)
    cloud_->appeared(station);
  start_points(station, t);
  std::uint32_t slot;
  if (!free_obus_.empty()) {
    slot = free_obus_.back();
    free_obus_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(obus_.size());
    obus_.emplace_back();
  }
  if (station >= obu_of_station_.size())
    obu_of_station_.resize(station + 1, kNone);
  obu_of_station_[station] = slot;
  present_obus_.push_back(slot);
  Obu& obu = obus_[slot];
  const std::uint32_t epoch = obu.epoch + 1;
  obu = Obu{};
  obu.epoch = epoch;
  obu.station = station;
  obu.rng = RandomStream(seed_, StreamPurpose::Telemetry, station);
  const std::string& type = mobility_.type(stations_.info(station).vehicle);
  obu.public_transport = type.find("bus") != std::string::npos;
  obu.content = radio::CamContentClock(config_.path_points, obu.public_transport);
  const double period = 1.0 / config_.rate_hz;
  const double jitter = config_.start_jitter_s < 0 ? period : config_.start_jitter_s;
  obu.first_s = t + jitter * obu.rng.uniform();
  const StationView& v = stations_.view(station);
  obu.rsu = v.rsu;
  obu.associated_at_s = v.rsu == kNone ? t : t + config_.reassociation_s;
  calendar_.push_periodic(obu.first_s, Event{Ev::ObuGenerate, slot, obu.epoch}, kCamLane);
}

void TelemetryPlane::withdraw(Obu& obu, MessageCause cause)
{
  // The old cell's channel forgets the station, frames and backoff state alike (a station that left idle would
  // otherwise stay in every channel it ever used: memory growing with simulated time).
  if (obu.rsu != kNone && channels_[obu.rsu].channel.withdraw(obu.station))
    wake(obu.rsu);
  for (std::uint32_t k = 0; k < obu.queued; ++k)
    finish_message(obu.queue[k], MessageOutcome::Lost, cause);
  obu.queued = 0;
}

void TelemetryPlane::vehicle_left(StationId station, double t)
{
  if (cloud_ != nullptr)
    cloud_->left(station, t);
  if (tsdb_ != nullptr)
    tsdb_->next_epoch(station);  // its pending point event finds a newer epoch
  const std::uint32_t slot = obu_of_station_[station];
  Obu& obu = obus_[slot];
  withdraw(obu, MessageCause::Radio);
  if (obu.held != kNone)
    finish_message(obu.held, MessageOutcome::NotSent, MessageCause::NoCoverage);
  const std::uint32_t epoch = obu.epoch;
  obu = Obu{};
  obu.epoch = epoch;
  obu_of_station_[station] = kNone;
  present_obus_.erase(std::find(present_obus_.begin(), present_obus_.end(), slot));
  free_obus_.push_back(slot);  // its pending generation event finds the slot reused or empty: see generate_cam
}

void TelemetryPlane::beacon_tick(double t, std::vector<StationId>& handovers)
{
  for (std::uint32_t slot : present_obus_) {
    Obu& obu = obus_[slot];
    StationView& v = stations_.view(obu.station);
    const Kinematics k = mobility_.at(stations_.info(obu.station).vehicle, t, obu.track);
    v.x_m = k.x_m;
    v.y_m = k.y_m;
    v.speed_mps = k.speed_mps;
    v.heading_deg = k.heading_deg;
    subscriptions_.moved(obu.station);
    const RsuId next = faults_ != nullptr && faults_->any_rsu_down()
                           ? roam_up(obu.rsu, k.x_m, k.y_m)
                           : roam(cells_, infra_.rsus(), obu.rsu, k.x_m, k.y_m, config_.roaming_margin_db, loss_);
    if (next == obu.rsu)
      continue;
    recorder_.handover(HandoverRecord{t, obu.station, obu.rsu, next, k.x_m, k.y_m});
    withdraw(obu, MessageCause::Radio);  // frames in the old cell's MAC queue are lost with the association
    obu.rsu = next;
    v.rsu = next;
    v.rsu_site = next == kNone ? kNone : infra_.rsus()[next].site;
    if (next != kNone) {
      obu.associated_at_s = t + config_.reassociation_s;
      if (obu.held != kNone)
        calendar_.push(obu.associated_at_s, Event{Ev::Associated, slot, next});
    }
    handovers.push_back(obu.station);
  }
}

double TelemetryPlane::next_generation(Obu& obu, double t) const
{
  const double period = 1.0 / config_.rate_hz;
  if (config_.trigger == CamTrigger::Etsi)
    return t + kEtsiCheck_s;
  if (config_.poisson)  // exponential gaps of mean `period`, from the station's stream
    return t - period * std::log(1.0 - obu.rng.uniform());
  return obu.first_s + static_cast<double>(++obu.slot) * period;  // from the slot number: no accumulated rounding
}

void TelemetryPlane::generate_cam(std::uint32_t slot, double t)
{
  Obu& obu = obus_[slot];
  const StationId s = obu.station;
  StationView& v = stations_.view(s);
  const Kinematics k = mobility_.at(stations_.info(s).vehicle, t, obu.track);
  v.x_m = k.x_m;
  v.y_m = k.y_m;
  v.speed_mps = k.speed_mps;
  v.heading_deg = k.heading_deg;
  subscriptions_.moved(s);
  if (config_.poisson)  // random gaps: the heap
    calendar_.push(next_generation(obu, t), Event{Ev::ObuGenerate, slot, obu.epoch});
  else
    calendar_.push_periodic(next_generation(obu, t), Event{Ev::ObuGenerate, slot, obu.epoch}, kCamLane);
  if (config_.trigger == CamTrigger::Etsi && obu.last_cam_s >= 0) {
    const double dh = std::abs(std::remainder(k.heading_deg - obu.last_heading_deg, 360.0));
    const bool due = dh > 4.0 || std::hypot(k.x_m - obu.last_x_m, k.y_m - obu.last_y_m) > 4.0 ||
                     std::abs(k.speed_mps - obu.last_speed_mps) > 0.5 || t - obu.last_cam_s >= kEtsiMax_s - 1e-9;
    if (!due)
      return;
  }
  obu.last_cam_s = t;
  obu.last_x_m = k.x_m;
  obu.last_y_m = k.y_m;
  obu.last_heading_deg = k.heading_deg;
  obu.last_speed_mps = k.speed_mps;

  const std::uint32_t i = new_message();
  MessageRecord& rec = messages_[i].rec;
  rec.station = s;
  rec.seq = stations_.info(s).sequence++;
  rec.created = t;
  rec.rsu = obu.rsu;
  const radio::CamContent content = obu.content.next(t);
  rec.size_b = radio::uplink_frame_b(config_.frame, static_cast<std::uint32_t>(subscriptions_.topic(s).size()), content);
  if (obu.rsu == kNone) {
    finish_message(i, MessageOutcome::NotSent, MessageCause::NoCoverage);
    return;
  }
  rec.broker = infra_.rsus()[obu.rsu].broker;
  if (faults_ != nullptr && faults_->rsu_down(obu.rsu)) {  // sent into a cell that is off (until the next beacon)
    finish_message(i, MessageOutcome::Lost, MessageCause::Fault);
    return;
  }
  if (t < obu.associated_at_s) {  // re-associating: the OBU holds its newest CAM
    if (obu.held != kNone)
      finish_message(obu.held, MessageOutcome::NotSent, MessageCause::Superseded);
    else
      calendar_.push(obu.associated_at_s, Event{Ev::Associated, slot, obu.rsu});
    obu.held = i;
    return;
  }
  offer(obu, i, t);
}

void TelemetryPlane::offer(Obu& obu, std::uint32_t msg, double t)
{
  const StationView& v = stations_.view(obu.station);
  const double d = cells_.distance(obu.rsu, v.x_m, v.y_m);
  const RateTiming& rt = timing(rates_.rate_bps(d) * 8e-6);
  const double airtime = config_.phy.airtime_dbps_s(messages_[msg].rec.size_b, rt.n_dbps);
  const bool replaced = channels_[obu.rsu].channel.offer(obu.station, t, airtime, loss_.per_below(d, rt.threshold_dbm),
                                                         true, rt.ack_airtime_s, rt.ack_timeout_s);
  if (replaced) {  // the newest frame not yet on the air is superseded
    finish_message(obu.queue[obu.queued - 1], MessageOutcome::NotSent, MessageCause::Superseded);
    obu.queue[obu.queued - 1] = msg;
  } else {
    xbt_assert(obu.queued < 2, "an OBU holds one frame on the air and one waiting");
    obu.queue[obu.queued++] = msg;
  }
  wake(obu.rsu);
}

const TelemetryPlane::RateTiming& TelemetryPlane::timing(double rate_mbps)
{
  for (const RateTiming& r : timings_)
    if (r.rate_mbps == rate_mbps)
      return r;
  const radio::Phy& phy = config_.phy;
  timings_.push_back(RateTiming{rate_mbps, phy.n_dbps(rate_mbps), phy.ack_airtime_s(rate_mbps),
                                phy.ack_timeout_s(rate_mbps),
                                radio::min_sensitivity_dbm(rate_mbps) + loss_.params().sensitivity_offset_db});
  return timings_.back();
}

void TelemetryPlane::wake(RsuId rsu)
{
  ChannelState& c = channels_[rsu];
  const double next = c.channel.next_active_event_s();
  if (std::isinf(next) || (c.scheduled >= 0 && c.scheduled <= next))
    return;
  c.scheduled = std::max(next, now_);
  calendar_.push(c.scheduled, Event{Ev::ChannelWake, rsu, ++c.version});
}

void TelemetryPlane::channel_event(RsuId rsu, double t)
{
  ChannelState& c = channels_[rsu];
  outcomes_.clear();
  c.channel.advance(t, outcomes_);
  for (const radio::FrameOutcome& o : outcomes_) {
    const std::uint32_t slot = o.sender < obu_of_station_.size() ? obu_of_station_[o.sender] : kNone;
    if (slot == kNone || obus_[slot].queued == 0)
      continue;  // withdrawn meanwhile (recorded then)
    Obu& obu = obus_[slot];
    const std::uint32_t msg = obu.queue[0];
    obu.queue[0] = obu.queue[1];
    obu.queue[1] = kNone;
    --obu.queued;
    // The frame occupied the medium of every RSU on the same channel within carrier-sense range of its sender
    // (applied when its exchange ends: the neighbour defers from its next event on).
    const StationView& v = stations_.view(obu.station);
    for (RsuId q : c.neighbours)
      if (cells_.within(q, v.x_m, v.y_m, config_.carrier_sense_range_m)) {
        channels_[q].channel.occupy(o.tx_start_s, o.done_s);
        wake(q);
      }
    if (!o.delivered) {
      finish_message(msg, MessageOutcome::Lost, MessageCause::Radio);
      continue;
    }
    MessageRecord& rec = messages_[msg].rec;
    rec.at_rsu = o.done_s;
    const RsuId r = rec.rsu;
    if (faults_ != nullptr && faults_->active())
      rec.broker = faults_->effective_broker(rec.broker, o.done_s);  // reconnected to the fallback broker
    if (faults_ != nullptr && faults_->active() && cut(platform_.rsu_host(r), platform_.broker_host(rec.broker))) {
      finish_message(msg, MessageOutcome::Lost, MessageCause::Fault);
      continue;
    }
    calendar_.push(o.done_s + network_.transfer_time(platform_.rsu_host(r), platform_.broker_host(rec.broker),
                                                      rec.size_b, o.done_s),
                   Event{Ev::BrokerArrive, msg, rec.broker});
  }
  wake(rsu);
}

// ---- brokers and twins ----

MessageCause TelemetryPlane::no_instance_cause(StationId station)
{
  const TwinRecord& r = twins_.record(station);
  if (faults_ != nullptr && faults_->twin_lost(station))
    return MessageCause::Fault;  // its instance went with a MEC and has not been replaced yet
  if (r.ever_served)
    return MessageCause::Migration;
  return r.busy ? MessageCause::NoTwinYet : MessageCause::Capacity;
}

void TelemetryPlane::broker_depart(std::uint32_t msg, BrokerId broker, double t)
{
  const StationId station = messages_[msg].rec.station;
  subscriptions_.match(station, matched_);
  bool own = false;
  for (StationId s : matched_) {
    if (s == station) {
      own = true;
      continue;
    }
    const InstanceId target = twins_.serving(s);
    if (target == kNone)
      continue;  // QoS 0 for cooperation data: a twin that is down misses it
    const std::uint32_t copy = new_message();
    messages_[copy].rec = messages_[msg].rec;
    messages_[copy].subscriber = s;
    messages_[copy].target = target;
    messages_[copy].generation = twins_.instance(target).generation;
    deliver(copy, broker, t);
  }
  if (!own) {  // nobody subscribes to this station: its twin was never placed (rejected) or was removed
    const TwinRecord& r = twins_.record(station);
    finish_message(msg, MessageOutcome::Lost, r.ever_served ? MessageCause::Migration
                                              : r.busy      ? MessageCause::NoTwinYet
                                                            : MessageCause::Capacity);
    return;
  }
  const InstanceId target = twins_.serving(station);
  if (target == kNone) {
    undeliverable(msg, no_instance_cause(station));
    return;
  }
  messages_[msg].target = target;
  messages_[msg].generation = twins_.instance(target).generation;
  if (continuity_ != nullptr)
    continuity_->message(station);
  deliver(msg, broker, t);
}

void TelemetryPlane::deliver(std::uint32_t msg, BrokerId from, double t)
{
  Message& m = messages_[msg];
  const SiteId site = twins_.instance(m.target).site;
  const BrokerId sub = faults_ != nullptr && faults_->active()
                           ? faults_->effective_broker(infra_.broker_of_site(site), t)  // twin reconnected
                           : infra_.broker_of_site(site);
  if (faults_ != nullptr && faults_->active() &&
      (faults_->broker_down(sub) ||
       cut(platform_.broker_host(from), sub != from ? platform_.broker_host(sub) : platform_.site_host(site)))) {
    lose_to_fault(msg);  // the twin's broker is down, or the way to it is cut
    return;
  }
  if (sub != from) {  // bridge to the broker where the twin subscribes, then its service
    const auto& route = cached_route(broker_routes_, from * infra_.brokers().size() + sub, platform_.broker_host(from),
                                     platform_.broker_host(sub));
    calendar_.push(t + network_.transfer_time(route, m.rec.size_b, t),
                   Event{Ev::BridgeArrive, msg, sub});
    return;
  }
  sg4::Host* here = platform_.broker_host(from);
  if (here == platform_.site_host(site)) {
    twin_arrive(msg, t);  // on the broker's host: no further event
    return;
  }
  const auto& route =
      cached_route(broker_site_routes_, from * infra_.sites().size() + site, here, platform_.site_host(site));
  calendar_.push(t + network_.transfer_time(route, m.rec.size_b, t),
                 Event{Ev::TwinArrive, msg, 0});
}

void TelemetryPlane::twin_arrive(std::uint32_t msg, double t)
{
  Message& m = messages_[msg];
  const StationId owner = m.subscriber == kNone ? m.rec.station : m.subscriber;
  const TwinInstance& in = twins_.instance(m.target);
  if (twins_.serving(owner) != m.target || in.generation != m.generation) {
    // The instance stopped serving while the message travelled.
    if (m.subscriber != kNone)
      free_message(msg);
    else
      undeliverable(msg, no_instance_cause(owner));
    return;
  }
  m.rec.at_twin = t;
  m.rec.site = in.site;
  calendar_.push(twins_.process(m.target, t), Event{Ev::TwinDone, msg, 0});
}

void TelemetryPlane::twin_done(std::uint32_t msg, double t)
{
  Message& m = messages_[msg];
  const TwinInstance& in = twins_.instance(m.target);
  if (!in.alive || in.generation != m.generation) {  // the instance was deleted with the message in its queue
    if (m.subscriber != kNone)
      free_message(msg);
    else
      finish_message(msg, MessageOutcome::Lost, in.killed ? MessageCause::Fault : MessageCause::Migration);
    return;
  }
  if (m.subscriber != kNone) {
    ++cooperative_;
    free_message(msg);
    return;
  }
  m.rec.processed = t;
  twins_.processed(m.rec.station, m.rec.created, t);
  if (cloud_ != nullptr)
    cloud_->edge_processed(m.rec.station, m.rec.created);
  if (continuity_ != nullptr)
    continuity_->processed(m.rec.station, m.rec.created, t);
  stations_.view(m.rec.station).last_latency_s = t - m.rec.created;
  finish_message(msg, MessageOutcome::Delivered, MessageCause::Ok);
}

void TelemetryPlane::undeliverable(std::uint32_t msg, MessageCause cause)
{
  Message& m = messages_[msg];
  if (config_.qos == 1) {
    const StationId s = m.rec.station;
    if (s >= sessions_.size())
      sessions_.resize(s + 1);
    if (sessions_[s].size() < config_.session_queue) {
      sessions_[s].push_back(m.rec);  // recorded when delivered, or when dropped with the session
      free_message(msg);
      return;
    }
    finish_message(msg, MessageOutcome::Dropped, MessageCause::QueueFull);
    return;
  }
  finish_message(msg, MessageOutcome::Lost, cause);
}

// ---- QoS 1 sessions, dashboards ----

void TelemetryPlane::instance_created(InstanceId instance)
{
  if (config_.dashboard_period_s <= 0)
    return;
  sync();
  calendar_.push_periodic(now_ + config_.dashboard_period_s, Event{Ev::Dashboard, instance, twins_.instance(instance).generation}, kDashboardLane);
}

void TelemetryPlane::flush_session(StationId station)
{
  sync();
  const InstanceId target = twins_.serving(station);
  if (station >= sessions_.size() || sessions_[station].empty() || target == kNone)
    return;
  std::vector<MessageRecord> kept;
  kept.swap(sessions_[station]);
  const SiteId site = twins_.instance(target).site;
  const BrokerId sub_broker = infra_.broker_of_site(site);
  sg4::Host* sub_host = platform_.broker_host(sub_broker);
  // One bulk transfer per broker that kept messages, carrying them all, in broker order.
  std::vector<double> bytes(infra_.brokers().size(), 0.0);
  for (const MessageRecord& m : kept)
    bytes[m.broker] += m.size_b;
  for (BrokerId b = 0; b < bytes.size(); ++b)
    if (bytes[b] > 0 && b != sub_broker)
      network_.bulk_transfer(platform_.broker_host(b), sub_host, bytes[b]);
  if (sub_host != platform_.site_host(site))
    network_.bulk_transfer(sub_host, platform_.site_host(site), std::accumulate(bytes.begin(), bytes.end(), 0.0));
  sync();
  if (twins_.serving(station) != target) {  // moved again meanwhile: keep them for the next instance
    if (station >= sessions_.size())
      sessions_.resize(station + 1);
    sessions_[station].insert(sessions_[station].begin(), kept.begin(), kept.end());
    return;
  }
  const double now = sg4::Engine::get_clock();
  for (const MessageRecord& r : kept) {
    const std::uint32_t i = new_message();
    messages_[i].rec = r;
    messages_[i].target = target;
    messages_[i].generation = twins_.instance(target).generation;
    twin_arrive(i, now);
  }
}

void TelemetryPlane::drop_session(StationId station)
{
  sync();
  if (station >= sessions_.size())
    return;
  std::vector<MessageRecord> kept;
  kept.swap(sessions_[station]);
  for (MessageRecord& m : kept) {
    m.outcome = MessageOutcome::Lost;
    m.cause = MessageCause::SessionDropped;
    recorder_.message(m);
  }
}

void TelemetryPlane::finish(double end)
{
  advance_to(end);
  for (std::uint32_t i = 0; i < messages_.size(); ++i)
    if (messages_[i].live) {
      finish_message(i, MessageOutcome::Lost, MessageCause::InFlight);
    }
  for (StationId s = 0; s < sessions_.size(); ++s)
    drop_session(s);
  twins_.close_ages(end);
  if (cloud_ != nullptr)
    cloud_->close(end);
  if (continuity_ != nullptr)
    continuity_->finish(end);
}

void TelemetryPlane::sample_channels(double t, double period_s)
{
  for (RsuId r = 0; r < channels_.size(); ++r) {
    ChannelState& c = channels_[r];
    channel_event(r, t);  // the channel's events up to t (the plane is in sync: only those at t remain)
    const radio::ChannelCounters& n = c.channel.counters();
    const double busy = c.channel.busy_time_s(t);
    ChannelSample row;
    row.time = t;
    row.rsu = r;
    row.busy = period_s > 0 ? (busy - c.busy_last) / period_s : 0.0;
    row.frames = static_cast<std::uint32_t>(n.offered - c.last.offered);
    row.attempts = static_cast<std::uint32_t>(n.attempts - c.last.attempts);
    row.retries = static_cast<std::uint32_t>(n.retries - c.last.retries);
    row.failures = static_cast<std::uint32_t>(n.failed - c.last.failed);
    row.collisions = static_cast<std::uint32_t>(n.collisions - c.last.collisions);
    row.contending = static_cast<std::uint32_t>(c.channel.contending());
    c.last = n;
    c.busy_last = busy;
    recorder_.channel_sample(row);
  }
}

// ---- the beacon clock ----

TelemetryClock::TelemetryClock(TelemetryPlane& plane, ManagerInbox* manager) : plane_(plane), manager_(manager) {}

void TelemetryClock::operator()()
{
  daemonize_self();
  std::vector<StationId> handovers;
  const double interval = plane_.beacon_interval_s();
  for (std::uint64_t k = 1;; ++k) {
    sg4::this_actor::sleep_until(static_cast<double>(k) * interval);
    plane_.sync();
    handovers.clear();
    plane_.beacon_tick(static_cast<double>(k) * interval, handovers);
    for (StationId s : handovers)
      manager_->post(ManagerEvent{ManagerEvent::Type::Handover, s, nullptr});
  }
}

} // namespace v2x
