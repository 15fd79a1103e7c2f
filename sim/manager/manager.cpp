#include "manager/manager.hpp"
#include "core/payload.hpp"
#include "core/daemon.hpp"

#include "core/log.hpp"

#include <simgrid/Exception.hpp>

#include <algorithm>
#include <cmath>
#include <unordered_map>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_manager_manager, v2x_manager, "Manager (migration triggers)");

namespace v2x {

namespace sg4 = simgrid::s4u;

Manager::Manager(ManagerDeps deps) : deps_(deps) {}

Snapshot Manager::snapshot(MigrationTrigger trigger, StationId subject) const
{
  deps_.operation.plane.sync();  // latencies and positions as of now
  Snapshot s;
  s.now = sg4::Engine::get_clock();
  s.trigger = trigger;
  s.subject = subject;
  s.stations = deps_.stations.views();
  s.sites = deps_.ledger.views();
  s.cloud = deps_.infra.cloud();
  s.rsu_baseline_latency_s = deps_.rsu_baseline_latency_s;
  return s;
}

MigrationRecord Manager::new_record(StationId s, SiteId from, SiteId to, MigrationReason reason,
                                    MigrationTrigger trigger)
{
  MigrationRecord r;
  r.id = next_id_++;
  r.station = s;
  r.from_site = from;
  r.to_site = to;
  r.reason = reason;
  r.trigger = trigger;
  r.mechanism = fixed_name(reason == MigrationReason::Policy || reason == MigrationReason::Manual ||
                                   reason == MigrationReason::Recovery
                               ? std::string(deps_.mechanism.name())
                               : std::string(reason == MigrationReason::Initial ? "place" : "remove"));
  r.policy = fixed_name(std::string(deps_.policy.name()));
  r.requested = sg4::Engine::get_clock();
  return r;
}

void Manager::reject(MigrationRecord rec, const std::string& why)
{
  // Recorded once until something changes: the station's RSU, the target or the reason.
  if (rec.station < deps_.stations.size()) {
    if (last_rejection_.size() <= rec.station)
      last_rejection_.resize(rec.station + 1);
    LastRejection& last = last_rejection_[rec.station];
    const RsuId rsu = deps_.stations.view(rec.station).rsu;
    if (last.set && last.rsu == rsu && last.target == rec.to_site && last.why == why)
      return;
    last = LastRejection{true, rsu, rec.to_site, why};
  }
  rec.outcome = MigrationOutcome::Rejected;
  rec.note = fixed_name(why);
  rec.finished = rec.requested;
  XBT_VERB("t=%.6f reject station %u -> %u: %s", rec.requested, rec.station, rec.to_site, why.c_str());
  deps_.operation.recorder.migration(rec);
  if (BatchDecider* b = deps_.policy.batch();
      b != nullptr && (rec.reason == MigrationReason::Policy || rec.reason == MigrationReason::Initial)) {
    const auto target = rec.to_site == kNone ? wire::kNoIndex : static_cast<std::int32_t>(rec.to_site);
    rejections_.push_back(wire::Rejection{rec.station, target, rec.requested, why});
    ++b->totals.rejections;
  }
}

void Manager::start(MigrationRecord rec, InstanceId current, bool use_mechanism)
{
  if (rec.station < last_rejection_.size())
    last_rejection_[rec.station].set = false;  // an operation starts: a later rejection is news again
  TwinRecord& tr = deps_.operation.twins.record(rec.station);
  tr.busy = true;
  deps_.stations.view(rec.station).twin_busy = true;
  const MigrationRun::Kind kind = rec.reason == MigrationReason::Initial ||
                                          rec.reason == MigrationReason::Recovery
                                      ? MigrationRun::Kind::Place
                                  : rec.reason == MigrationReason::Removal ? MigrationRun::Kind::Remove
                                                                           : MigrationRun::Kind::Migrate;
  Operations::Entry& entry = deps_.operation.operations.started(rec, kind == MigrationRun::Kind::Migrate);
  entry.down_before = deps_.operation.twins.downtime(rec.station, rec.requested);
  sg4::Actor::create("migration-" + std::to_string(rec.id), sg4::this_actor::get_host(),
                     MigrationRun(kind, entry, current, use_mechanism ? &deps_.mechanism : nullptr, deps_.operation));
}

void Manager::on_appear(StationId s)
{
  const Snapshot snap = snapshot(MigrationTrigger::Appear, s);
  place(s, deps_.policy.place(snap, s));
}

void Manager::deploy_cloud_twin(StationId s)
{
  CloudTwins* cloud = deps_.cloud_twins;
  if (cloud == nullptr || !cloud->has_twin(s) || cloud->ready(s))
    return;  // not HYBRID, or no room for it in the cloud (CloudTwins::rejected), or running already
  const double now = sg4::Engine::get_clock();
  const std::uint32_t epoch = cloud->epoch(s);
  if (!deps_.cold_start && now == 0.0) {
    // Steady-state start, as for the edge twins: it runs already, and the cloud holds the twin image.
    cloud->set_ready(s, epoch, now, false);
    SiteLoad& load = deps_.ledger.load(cloud->cloud());
    load.cached = load.cached || deps_.ledger.image_cache();
    return;
  }
  MigrationRecord rec = new_record(s, kNone, cloud->cloud(), MigrationReason::Initial, MigrationTrigger::Appear);
  rec.mechanism = fixed_name("cloud-twin");
  rec.note = fixed_name("hybrid: the station's full twin");
  const OperationDeps op = deps_.operation;
  sg4::Actor::create("cloud-twin-" + std::to_string(rec.id), sg4::this_actor::get_host(), [op, cloud, rec, epoch]() {
    MigrationRecord r = rec;
    sg4::Mailbox* reply = sg4::Mailbox::by_name("cloud-twin-" + std::to_string(r.id));
    op.orchestrator->put_init(std::make_unique<OrchestratorRequest>(OrchestratorRequest{
                                  OrchestratorRequest::Op::InstantiateCloudTwin, r.station, r.to_site, kNone, r.id,
                                  reply})
                                  .release(),
                              0)
        ->detach(delete_payload<OrchestratorRequest>);
    const std::unique_ptr<OrchestratorReply> done = reply->get_unique<OrchestratorReply>();
    op.plane.sync();  // the plane's events before now see the cloud twin as it was
    r.finished = sg4::Engine::get_clock();
    r.bytes = done->bytes;
    r.outcome = MigrationOutcome::Completed;
    if (!cloud->set_ready(r.station, epoch, r.finished, true)) {
      r.outcome = MigrationOutcome::Failed;
      r.note = fixed_name("hybrid: the station left before its full twin was ready");
    }
    op.recorder.migration(r);
  });
}

void Manager::place(StationId s, SiteId site)
{
  deploy_cloud_twin(s);  // the full twin's deployment is independent of the edge twin's placement
  MigrationRecord rec = new_record(s, kNone, site, MigrationReason::Initial, MigrationTrigger::Appear);
  if (site >= deps_.infra.sites().size()) {
    reject(rec, site == kNone ? "policy chose no site" : "unknown target");
    return;
  }
  if (!deps_.ledger.can_host(site)) {
    if (site == deps_.infra.cloud() || !deps_.ledger.can_host(deps_.infra.cloud())) {
      reject(rec, "no capacity on " + deps_.infra.sites()[site].name);
      return;
    }
    rec.note = fixed_name((deps_.ledger.is_down(site) ? "down: " : "full: ") + deps_.infra.sites()[site].name);
    site = rec.to_site = deps_.infra.cloud();
  }
  XBT_VERB("t=%.6f place station %u on %s", rec.requested, s, deps_.infra.sites()[site].name.c_str());
  deps_.ledger.reserve(site);
  deps_.operation.subscriptions.subscribe(s);  // the twin's session starts with its placement
  if (deps_.stations.view(s).kind == StationKind::Vehicle)
    ++vehicle_twins_;
  if (!deps_.cold_start && rec.requested == 0.0)
    return place_steady(rec);
  start(rec, kNone, false);
}

void Manager::place_steady(MigrationRecord rec)
{
  // The network was running before the trace began: the twin is deployed and serving, its site holds the image.
  const InstanceId i = deps_.operation.twins.create(rec.station, rec.to_site);
  deps_.operation.twins.record(rec.station).deployed = i;
  deps_.operation.plane.instance_created(i);
  SiteLoad& load = deps_.ledger.load(rec.to_site);
  load.cached = load.cached || deps_.ledger.image_cache();
  deps_.operation.twins.serve(rec.station, i, rec.requested);
  deps_.operation.plane.flush_session(rec.station);
  rec.mechanism = fixed_name("steady-state");
  rec.finished = rec.requested;
  rec.outcome = MigrationOutcome::Completed;
  deps_.operation.recorder.migration(rec);
}

void Manager::on_leave(StationId s)
{
  TwinRecord& tr = deps_.operation.twins.record(s);
  if (tr.busy) {
    tr.removal_pending = true;
    return;
  }
  if (tr.deployed == kNone)
    return;
  const SiteId site = deps_.operation.twins.instance(tr.deployed).site;
  tr.removal_pending = true;  // the twin is stopping (sampled as such) until the removal ends
  start(new_record(s, site, kNone, MigrationReason::Removal, MigrationTrigger::Leave), tr.deployed, false);
}

void Manager::on_done(StationId s)
{
  TwinRecord& tr = deps_.operation.twins.record(s);
  tr.busy = false;
  deps_.stations.view(s).twin_busy = false;
  if (tr.deployed == kNone) {  // removed
    if (deps_.faults != nullptr)
      deps_.faults->twin_gone(s, sg4::Engine::get_clock());  // it left while lost to a fault
    if (deps_.stations.view(s).kind == StationKind::Vehicle)
      --vehicle_twins_;
    maybe_finish();
    return;
  }
  if (tr.removal_pending) {
    tr.removal_pending = false;
    on_leave(s);
    return;
  }
  if (deps_.faults != nullptr && deps_.faults->twin_lost(s)) {
    if (deps_.policy.batch() != nullptr)  // asked in the snapshot of this instant, as a Recover event
      post_self(ManagerEvent::Type::Recover, s);
    else
      heal(s);
  }
  if (s < handover_pending_.size() && handover_pending_[s]) {
    // The handover that arrived during the operation: the policy hears of it now (through the mailbox, so that
    // a batch policy gets it in the snapshot of this instant like any other trigger).
    handover_pending_[s] = false;
    post_self(ManagerEvent::Type::Handover, s);
  }
}

void Manager::post_self(ManagerEvent::Type type, StationId s)
{
  deps_.operation.manager->put_init(std::make_unique<ManagerEvent>(ManagerEvent{type, s}).release(), 0)
      ->detach(delete_payload<ManagerEvent>);
}

bool Manager::keep_handover_if_busy(StationId s)
{
  if (!deps_.operation.twins.record(s).busy)
    return false;
  if (handover_pending_.size() <= s)
    handover_pending_.resize(s + 1);
  handover_pending_[s] = true;  // acted on when the twin's operation ends (on_done)
  return true;
}

void Manager::on_handover(StationId s)
{
  if (!deps_.stations.view(s).present || keep_handover_if_busy(s))
    return;
  decide(MigrationTrigger::Handover, s);
}

void Manager::request_move(StationId s, SiteId target, MigrationReason reason, MigrationTrigger trigger)
{
  const SiteId from = s < deps_.stations.size() ? deps_.stations.view(s).twin_site : kNone;
  MigrationRecord rec = new_record(s, from, target, reason, trigger);
  if (s >= deps_.stations.size() || !deps_.stations.view(s).present)
    return reject(rec, "station not present");
  TwinRecord& tr = deps_.operation.twins.record(s);
  if (tr.deployed == kNone)
    return reject(rec, "no twin deployed");
  if (tr.busy)
    return reject(rec, "twin busy");
  if (target >= deps_.infra.sites().size())
    return reject(rec, "unknown target");
  rec.from_site = deps_.operation.twins.instance(tr.deployed).site;
  if (target == rec.from_site)
    return reject(rec, "already there");
  if (deps_.ledger.is_down(target))
    return reject(rec, "site down: " + deps_.infra.sites()[target].name);
  if (!deps_.ledger.can_host(target))
    return reject(rec, "no capacity on " + deps_.infra.sites()[target].name);
  deps_.ledger.reserve(target);
  if (BatchDecider* b = deps_.policy.batch(); b != nullptr && reason == MigrationReason::Policy)
    ++b->totals.migrations_started;
  start(rec, tr.deployed, true);
}

void Manager::decide(MigrationTrigger trigger, StationId subject)
{
  const Snapshot snap = snapshot(trigger, subject);
  for (const Intent& i : deps_.policy.decide(snap))
    request_move(i.station, i.target, MigrationReason::Policy, trigger);
}

void Manager::manual(const ManualMigrationConfig& m)
{
  const StationId s = deps_.stations.find(m.station);
  const auto site = deps_.infra.find_site(m.to);
  if (s == kNone) {
    MigrationRecord rec = new_record(kNone, kNone, site.value_or(kNone), MigrationReason::Manual,
                                     MigrationTrigger::Api);
    return reject(rec, "unknown station " + m.station);
  }
  request_move(s, site.value_or(kNone), MigrationReason::Manual, MigrationTrigger::Api);
}

void Manager::maybe_finish()
{
  if (finish_reply_ != nullptr && vehicle_twins_ == 0) {
    finish_reply_->put_init(std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Finish}).release(), 0)
        ->detach(delete_payload<ManagerEvent>);
    finish_reply_ = nullptr;
  }
}

/// The scripted requests in time order (stable: equal times keep the scenario's order).
static std::vector<ManualMigrationConfig> sorted_manual(std::vector<ManualMigrationConfig> manual)
{
  std::stable_sort(manual.begin(), manual.end(), [](const auto& a, const auto& b) { return a.at_s < b.at_s; });
  return manual;
}

void Manager::handle(const ManagerEvent& ev)
{
  switch (ev.type) {
    case ManagerEvent::Type::Appear:
      on_appear(ev.station);
      break;
    case ManagerEvent::Type::Leave:
      on_leave(ev.station);
      break;
    case ManagerEvent::Type::Handover:
      on_handover(ev.station);
      break;
    case ManagerEvent::Type::Done:
      on_done(ev.station);
      break;
    case ManagerEvent::Type::Finish:
      finish_reply_ = ev.reply;
      maybe_finish();
      break;
    case ManagerEvent::Type::Tick:
      decide(MigrationTrigger::Tick, kNone);
      break;
    case ManagerEvent::Type::Manual:
      manual(manual_[ev.index]);
      break;
    case ManagerEvent::Type::Recover:
      heal(ev.station);
      break;
  }
}

wire::PolicySnapshot policy_world(const ManagerDeps& deps, BatchDecider& batch, double now)
{
  wire::PolicySnapshot snap;
  snap.time_s = now;
  const auto sites = deps.ledger.views();
  for (SiteId i = 0; i < sites.size(); ++i) {
    const SiteView& v = sites[i];
    const bool can_host = deps.ledger.can_host(i);
    snap.sites.push_back(wire::SiteState{i, std::string(v.name), v.is_cloud, v.x_m, v.y_m, v.cpu_free_cores,
                                         v.memory_free_mb, v.pods_free, v.utilisation,
                                         deps.ledger.load(i).ops_in_flight, can_host, v.down});
    if (can_host)
      snap.candidate_sites.push_back(i);
  }
  snap.cloud_site = deps.infra.cloud() == kNone ? wire::kNoIndex : static_cast<std::int32_t>(deps.infra.cloud());
  snap.totals = batch.totals;
  snap.totals.downtime_s = 0;
  snap.totals.vehicles_present = 0;
  for (StationId s = 0; s < deps.stations.size(); ++s) {
    snap.totals.downtime_s += deps.operation.twins.downtime(s, now);
    if (deps.stations.view(s).present && deps.stations.view(s).kind == StationKind::Vehicle)
      ++snap.totals.vehicles_present;
  }
  return snap;
}

namespace {

std::int32_t index_or_none(std::uint32_t i)
{
  return i == kNone ? wire::kNoIndex : static_cast<std::int32_t>(i);
}

SiteId site_of(std::int32_t target)
{
  return target < 0 ? kNone : static_cast<SiteId>(target);
}

} // namespace

// Batching. Every trigger reaches the manager through its mailbox, posted by actors on the manager's host (0-byte
// messages: no simulated delay). When the first event of an instant arrives, every other event of that instant
// that is already posted is in the mailbox too (the clock, the mobility driver and the vehicles all post in the
// scheduling round where their timers fire), so draining the mailbox while it is not empty, at the same clock,
// collects the instant without advancing time and without a zero-length wait that would reorder the manager
// against the other actors. The events are then executed in their arrival order, exactly as the built-in path
// handles them one by one, with the policy's intents put where the built-in policy's decisions would be: a
// built-in policy and its external re-implementation give the same datasets (tests/e2e/test_external_policy.py).
// A station asked about twice in one instant (say a handover and the tick) is asked once, at its first trigger.
void Manager::run_batched(BatchDecider& batch)
{
  std::vector<std::unique_ptr<ManagerEvent>> events;
  std::unique_ptr<ManagerEvent> next;
  while (true) {
    events.clear();
    events.push_back(next ? std::move(next) : deps_.operation.manager->get_unique<ManagerEvent>());
    const double now = sg4::Engine::get_clock();
    while (deps_.operation.manager->listen()) {
      std::unique_ptr<ManagerEvent> ev = deps_.operation.manager->get_unique<ManagerEvent>();
      if (sg4::Engine::get_clock() != now) {  // posted later (only with a delay between hosts): next instant
        next = std::move(ev);
        break;
      }
      events.push_back(std::move(ev));
    }
    decide_instant(batch, events);
  }
}

void Manager::decide_instant(BatchDecider& batch, const std::vector<std::unique_ptr<ManagerEvent>>& events)
{
  // The decision points, in trigger order, one per station.
  struct Point {
    StationId station;
    MigrationTrigger trigger;
    std::size_t event;
    std::int32_t target = wire::kNoIndex;
    bool answered = false;
  };
  std::vector<Point> points;
  std::unordered_map<StationId, std::size_t> point_of;
  std::vector<wire::StationState> asked;
  const double now = sg4::Engine::get_clock();
  auto add = [&](StationId s, MigrationTrigger trigger, std::size_t event) {
    if (s >= deps_.stations.size() || point_of.count(s) != 0)
      return;
    point_of.emplace(s, points.size());
    points.push_back(Point{s, trigger, event});
    const StationView& v = deps_.stations.view(s);
    asked.push_back(wire::StationState{s, deps_.stations.info(s).name, v.kind, trigger, v.x_m, v.y_m, v.speed_mps,
                                       v.heading_deg, index_or_none(v.rsu), index_or_none(v.rsu_site),
                                       index_or_none(v.twin_site), v.twin_busy, v.last_latency_s,
                                       deps_.operation.twins.age_of_information(s, now)});
  };
  // A station that appears at this instant is asked about at its appearance only, even when a tick comes first
  // (the built-in policies see it there without a twin: nothing to move).
  std::unordered_map<StationId, std::size_t> appears;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i]->type == ManagerEvent::Type::Appear)
      appears.emplace(events[i]->station, i);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const ManagerEvent& ev = *events[i];
    switch (ev.type) {
      case ManagerEvent::Type::Appear:
        add(ev.station, MigrationTrigger::Appear, i);
        break;
      case ManagerEvent::Type::Handover:
        if (deps_.stations.view(ev.station).present && !keep_handover_if_busy(ev.station))
          add(ev.station, MigrationTrigger::Handover, i);
        break;
      case ManagerEvent::Type::Tick:
        for (StationId s = 0; s < deps_.stations.size(); ++s)
          if (deps_.stations.view(s).present && (appears.empty() || appears.count(s) == 0))
            add(s, MigrationTrigger::Tick, i);
        break;
      case ManagerEvent::Type::Manual:
        if (const StationId s = deps_.stations.find(manual_[ev.index].station);
            s != kNone && deps_.stations.view(s).present)
          add(s, MigrationTrigger::Api, i);
        break;
      case ManagerEvent::Type::Recover:
        if (heal_due(ev.station))  // detected now: the policy is asked where (trigger RECOVERY)
          add(ev.station, MigrationTrigger::Fault, i);
        break;
      case ManagerEvent::Type::Leave:
      case ManagerEvent::Type::Done:
      case ManagerEvent::Type::Finish:
        break;
    }
  }

  // One round trip for the instant.
  std::vector<wire::PolicyIntent> unasked;  // intents for stations that were not asked about
  if (!points.empty()) {
    wire::PolicySnapshot snap = policy_world(deps_, batch, now);
    snap.stations = std::move(asked);
    snap.rejections = std::move(rejections_);
    rejections_.clear();
    snap.sequence = sequence_++;
    const wire::PolicyDecision decision = batch.decide_batch(snap);
    for (const wire::PolicyIntent& intent : decision.intents) {
      const auto it = point_of.find(intent.station);
      if (it == point_of.end()) {
        unasked.push_back(intent);
        continue;
      }
      Point& p = points[it->second];
      if (p.answered) {
        const StationId s = intent.station;
        reject(new_record(s, deps_.stations.view(s).twin_site, site_of(intent.target_site), MigrationReason::Policy,
                          p.trigger),
               "duplicate intent");
        continue;
      }
      p.answered = true;
      p.target = intent.target_site;
    }
  }

  // Execution, in event order.
  std::size_t next_point = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const ManagerEvent& ev = *events[i];
    if (ev.type == ManagerEvent::Type::Manual)
      manual(manual_[ev.index]);
    for (; next_point < points.size() && points[next_point].event == i; ++next_point) {
      const Point& p = points[next_point];
      const MigrationTrigger trigger = p.trigger;
      if (trigger == MigrationTrigger::Appear) {
        // No intent: the default placement (the MEC behind its RSU, else the cloud).
        const StationView& v = deps_.stations.view(p.station);
        place(p.station, p.answered ? site_of(p.target) : (v.rsu_site == kNone ? deps_.infra.cloud() : v.rsu_site));
      } else if (trigger == MigrationTrigger::Fault) {
        // A recovery: the policy's target, or the default rule without an intent.
        recover(p.station, p.answered && p.target != wire::kNoIndex ? site_of(p.target)
                                                                    : default_recovery_site(p.station));
      } else if (p.answered && p.target != wire::kNoIndex) {
        request_move(p.station, site_of(p.target), MigrationReason::Policy, trigger);
      }
    }
    switch (ev.type) {
      case ManagerEvent::Type::Leave:
      case ManagerEvent::Type::Done:
      case ManagerEvent::Type::Finish:
        handle(ev);
        break;
      default:
        break;
    }
  }
  for (const wire::PolicyIntent& intent : unasked)
    if (intent.target_site != wire::kNoIndex)
      request_move(intent.station, site_of(intent.target_site), MigrationReason::Policy, MigrationTrigger::Tick);
}

void Manager::operator()()
{
  daemonize_self();
  manual_ = sorted_manual(deps_.manual);
  if (BatchDecider* batch = deps_.policy.batch()) {
    try {
      // RSUs exist from t = 0: their twins are placed first, in one batch.
      std::vector<std::unique_ptr<ManagerEvent>> rsus;
      for (StationId s = 0; s < deps_.stations.size(); ++s)
        if (deps_.stations.view(s).kind == StationKind::Rsu)
          rsus.push_back(std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Appear, s}));
      decide_instant(*batch, rsus);
      run_batched(*batch);
    } catch (const simgrid::ForcefulKillException&) {
      throw;  // the end of the run
    } catch (...) {
      if (deps_.error == nullptr)
        throw;
      if (!*deps_.error)
        *deps_.error = std::current_exception();
      XBT_VERB("the batch policy failed: the run stops");
      drain();
    }
    return;
  }
  // RSUs exist from t = 0: their twins are placed first.
  for (StationId s = 0; s < deps_.stations.size(); ++s)
    if (deps_.stations.view(s).kind == StationKind::Rsu)
      on_appear(s);
  while (true) {
    const std::unique_ptr<ManagerEvent> ev = deps_.operation.manager->get_unique<ManagerEvent>();
    handle(*ev);
  }
}

void Manager::drain()
{
  // The run stops without killing anyone: the mobility driver sees the error at its next step and ends the
  // trace, and the daemons go with it, as at a normal end. Killing every actor here (Actor::kill_all) would kill
  // senders in the middle of a detached put whose comm SimGrid then never starts, so that nothing frees its
  // payload (LeakSanitizer, make asan). Until then every event is received and dropped, and the driver's Finish
  // is answered at once.
  while (true) {
    const std::unique_ptr<ManagerEvent> ev = deps_.operation.manager->get_unique<ManagerEvent>();
    if (ev->type == ManagerEvent::Type::Finish && ev->reply != nullptr)
      ev->reply->put_init(std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Finish}).release(), 0)
          ->detach(delete_payload<ManagerEvent>);
  }
}

ManagerClock::ManagerClock(double tick_interval_s, std::vector<ManualMigrationConfig> manual,
                           sg4::Mailbox* manager)
    : tick_interval_s_(tick_interval_s), manual_(sorted_manual(std::move(manual))), manager_(manager)
{
}

void ManagerClock::operator()()
{
  daemonize_self();
  std::size_t next_manual = 0;
  std::uint64_t ticks = 1;
  while (true) {
    // Ticks at k x interval, computed from k (no accumulated rounding).
    const double tick_at = tick_interval_s_ > 0 ? static_cast<double>(ticks) * tick_interval_s_ : INFINITY;
    const double manual_at = next_manual < manual_.size() ? manual_[next_manual].at_s : INFINITY;
    if (std::isinf(tick_at) && std::isinf(manual_at))
      return;
    auto event = std::make_unique<ManagerEvent>();
    if (manual_at <= tick_at) {
      sg4::this_actor::sleep_until(manual_at);
      event->type = ManagerEvent::Type::Manual;
      event->index = static_cast<std::uint32_t>(next_manual++);
    } else {
      sg4::this_actor::sleep_until(tick_at);
      event->type = ManagerEvent::Type::Tick;
      ++ticks;
    }
    manager_->put_init(event.release(), 0)->detach(delete_payload<ManagerEvent>);
  }
}

// ---- MigrationRun ----

MigrationRun::MigrationRun(Kind kind, Operations::Entry& entry, InstanceId current, Mechanism* mechanism,
                           const OperationDeps& deps)
    : kind_(kind), entry_(&entry), record_(entry.record), current_(current), mechanism_(mechanism), deps_(deps)
{
}

double MigrationRun::now() const
{
  return sg4::Engine::get_clock();
}

OrchestratorReply MigrationRun::call(OrchestratorRequest::Op op, SiteId site, InstanceId instance)
{
  auto req = std::make_unique<OrchestratorRequest>(
      OrchestratorRequest{op, record_.station, site, instance, record_.id, reply_});
  deps_.orchestrator->put_init(req.release(), 0)->detach(delete_payload<OrchestratorRequest>);
  std::unique_ptr<OrchestratorReply> reply = reply_->get_unique<OrchestratorReply>();
  record_.bytes += reply->bytes;
  return *reply;
}

InstanceId MigrationRun::instantiate(SiteId site)
{
  const InstanceId i = call(OrchestratorRequest::Op::Instantiate, site, kNone).instance;
  deps_.twins.record(record_.station).deployed = i;
  deps_.plane.instance_created(i);
  return i;
}

void MigrationRun::serve(InstanceId instance)
{
  if (instance != kNone && !deps_.twins.instance(instance).alive) {
    failed_ = true;  // a fault took the new instance before it could serve
    return;
  }
  const InstanceId previous = deps_.twins.serving(record_.station);
  deps_.twins.serve(record_.station, instance, now());
  if (deps_.faults != nullptr)
    deps_.faults->twin_serving(record_.station, now());
  if (kind_ == Kind::Migrate)
    deps_.plane.migration_served(record_.id, record_.station, previous, instance);
  deps_.plane.flush_session(record_.station);
}

void MigrationRun::terminate(InstanceId instance)
{
  if (failed_ && deps_.twins.serving(record_.station) == instance)
    return;  // the new instance was lost to a fault: the one serving stays (make-before-break)
  call(OrchestratorRequest::Op::Terminate, deps_.twins.instance(instance).site, instance);
  TwinRecord& tr = deps_.twins.record(record_.station);
  if (tr.deployed == instance)
    tr.deployed = kNone;
}

void MigrationRun::transfer(SiteId from, SiteId to, double bytes, std::string_view name)
{
  const double start = now();
  if (deps_.faults != nullptr && (deps_.faults->site_down(from) || deps_.faults->site_down(to))) {
    // A MEC at one end is down: its state is gone, nothing to send (the new instance starts without it).
    deps_.recorder.phase(PhaseRecord{record_.id, fixed_name(std::string(name) + ".lost"), to, start, start, 0});
    return;
  }
  deps_.network.bulk_transfer(deps_.platform.site_host(from), deps_.platform.site_host(to), bytes);
  record_.bytes += bytes;
  deps_.recorder.phase(PhaseRecord{record_.id, fixed_name(std::string(name)), to, start, now(), bytes});
}

void MigrationRun::stop_serving()
{
  deps_.twins.serve(record_.station, kNone, now());
}

void MigrationRun::restore(InstanceId instance, double bytes)
{
  if (deps_.restore_bps <= 0 || bytes <= 0)
    return;
  const double start = now();
  sg4::this_actor::sleep_for(bytes / deps_.restore_bps);
  deps_.recorder.phase(PhaseRecord{record_.id, fixed_name("restore"), deps_.twins.instance(instance).site, start,
                                   now(), 0});
}

void MigrationRun::set_fault_delay(InstanceId instance, double delay_s)
{
  deps_.twins.set_fault_delay(instance, delay_s);
}

double MigrationRun::fetch_time(SiteId from, SiteId to, double bytes) const
{
  sg4::Host* src = deps_.platform.site_host(from);
  sg4::Host* dst = deps_.platform.site_host(to);
  std::vector<sg4::Link*> links;
  double there = 0;
  dst->route_to(src, links, &there);  // the request
  links.clear();
  double back = 0;
  src->route_to(dst, links, &back);   // the reply
  double bandwidth = INFINITY;
  for (const sg4::Link* l : links)
    bandwidth = std::min(bandwidth, l->get_bandwidth());
  return there + back + (bytes > 0 ? bytes / bandwidth : 0.0);
}

void MigrationRun::operator()()
{
  reply_ = sg4::Mailbox::by_name("operation-" + std::to_string(record_.station));
  const double down_before = entry_->down_before = deps_.twins.downtime(record_.station, now());
  if (record_.reason == MigrationReason::Recovery)
    lost_since_ = deps_.faults->lost_since(record_.station);
  switch (kind_) {
    case Kind::Place:
      serve(instantiate(record_.to_site));
      break;
    case Kind::Remove:
      terminate(current_);
      deps_.subscriptions.unsubscribe(record_.station);  // the twin is gone with its subscriptions and session
      deps_.plane.drop_session(record_.station);
      break;
    case Kind::Migrate:
      mechanism_->execute(*this);
      break;
  }
  record_.finished = now();
  record_.downtime = kind_ == Kind::Migrate ? deps_.twins.downtime(record_.station, now()) - down_before : 0.0;
  record_.outcome = MigrationOutcome::Completed;
  if (record_.reason == MigrationReason::Recovery && !failed_)
    record_.downtime = now() - lost_since_;  // fault -> serving again: detection delay + this re-placement
  if (failed_) {
    record_.outcome = MigrationOutcome::Failed;
    const SiteId to = record_.to_site;
    record_.note = fixed_name("fault: " + (to != kNone ? deps_.platform.site_host(to)->get_name()
                                                      : std::string("target")) + " down");
    // The deployed instance is the one that still serves, if any (none: the twin is lost, the manager heals it).
    TwinRecord& tr = deps_.twins.record(record_.station);
    const InstanceId serving = deps_.twins.serving(record_.station);
    if (serving != kNone)
      tr.deployed = serving;  // (the lost ones' deployed instance stays the dead one: its removal finds it gone)
  }
  deps_.recorder.migration(record_);
  const StationId station = record_.station;
  deps_.operations.finished(record_.id);  // record_ is gone with its entry
  deps_.manager->put_init(std::make_unique<ManagerEvent>(ManagerEvent{ManagerEvent::Type::Done, station}).release(), 0)
      ->detach(delete_payload<ManagerEvent>);
}

} // namespace v2x
