// One vehicle drives at 10 m/s along y = 0 from r0's cell (MEC m0) into r1's cell (MEC m1): the nearest
// policy migrates its twin once, with stateless-restart. Latency and downtime are checked against hand sums
// of the scenario's numbers.
#include "radio/phy.hpp"
#include "run/run.hpp"
#include "proto/scenario_defaults.hpp"
#include "migration/registry.hpp"
#include "support/sim_scenario.hpp"
#include "support/test_engine.hpp"
#include "edge/orchestrator.hpp"
#include "core/payload.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

using namespace v2x;
using namespace v2x::test;

namespace {

// Orchestrator delays (s), all constant.
constexpr double kRequest = 0.3, kScheduling = 0.05, kStart = 2.0, kReadiness = 0.5;
constexpr double kTermRequest = 0.3, kStop = 0.5, kCleanup = 0.1;

Scenario crossing_scenario(bool image_on_m1)
{
  Scenario s = schema_defaults();
  s.name = "crossing";
  s.seed = 7;
  // The two-MEC road with its RSUs 200 m apart around x = 500 (r0 at 400 m on m0, r1 at 600 m on m1), so that the
  // vehicle is within ~100 m of its RSU around the handover and the migration (an 802.11p frame at 3 Mb/s fails
  // there with probability ~0.07 per attempt, so practically never after 7 attempts).
  TinyInfra road = two_mec_road();
  road.config().rsus[0].x_m = 400;
  road.config().rsus[1].x_m = 600;
  s.infrastructure = road.build();
  s.mobility.trace = write_fcd("crossing.fcd.xml", 0, 80, [](double t) {
    return std::vector<TracePoint>{{"v0", 100 + 10 * t, 0, 90, 10}};
  });
  s.telemetry.rate_hz = 10;
  s.telemetry.start_jitter_s = 0;  // sends at t = 0, 0.1, 0.2, ...
  s.telemetry.rsu_rate_hz = 0;     // only the vehicle's traffic
  s.twin.dashboard_period_s = 0;
  s.twin.cpu_cores = 0.25;
  s.twin.message_flops = 2e5;
  s.twin.image_b = 150e6;
  s.orchestrator = constant_orchestrator(kRequest, kScheduling, kStart, kReadiness, kTermRequest, kStop, kCleanup);
  s.orchestrator.prepulled = image_on_m1 ? std::vector<std::string>{"*"} : std::vector<std::string>{"m0"};
  s.network.rate_steps = {{1000, 375000}};  // 3 Mb/s everywhere: the most robust 802.11p rate
  s.migration.policy = "nearest";
  s.migration.mechanism = "stateless-restart";
  s.output.sample_period_s = 0;
  return s;
}

struct Outcome {
  Collected records;
  Summary summary;
};

Outcome run(const Scenario& s)
{
  Outcome o;
  o.records = collect(s, &o.summary);
  return o;
}

const MigrationRecord& the_policy_migration(const Collected& c)
{
  auto it = std::find_if(c.migrations.begin(), c.migrations.end(),
                         [](const MigrationRecord& m) { return m.reason == MigrationReason::Policy; });
  REQUIRE(it != c.migrations.end());
  return *it;
}

} // namespace

TEST_CASE("a vehicle crossing to another MEC's RSU: latency, handover and stateless-restart downtime", "[sim]")
{
  Scenario s = crossing_scenario(true);
  s.twin.cold_start = true;  // the vehicle is there at t = 0: a cold start places its twin through the orchestrator
  const Outcome o = run(s);
  const Collected& c = o.records;

  // Handover r0 -> r1 at a beacon tick (k x 0.1024 s) once r1's mean power beats r0's by the 3 dB roaming
  // margin. The default path loss (dual slope: 47.86 dB + 21 log10 d up to 100 m, + 38 log10(d / 100) beyond)
  // with x = 100 + 10 t, d0 = x - 400, d1 = 600 - x, by hand:
  //   tick 402, t = 41.1648 s, x = 511.648 m: PL(111.648) = 91.68 dB, PL(88.352) = 88.73 dB: 2.95 dB, stays;
  //   tick 403, t = 41.2672 s, x = 512.672 m: PL(112.672) = 91.83 dB, PL(87.328) = 88.62 dB: 3.20 dB, hands over.
  constexpr double kHandover = 403 * 0.1024;
  REQUIRE(c.handovers.size() == 1);
  CHECK(c.handovers[0].from_rsu == 0);
  CHECK(c.handovers[0].to_rsu == 1);
  CHECK(c.handovers[0].time == Approx(kHandover).margin(1e-6));
  CHECK(c.handovers[0].x == Approx(100 + 10 * kHandover).margin(1e-6));

  // Exactly one policy migration, m0 -> m1, requested at the handover (the trigger reaches the manager at once).
  const auto policy_migrations = std::count_if(c.migrations.begin(), c.migrations.end(), [](const auto& m) {
    return m.reason == MigrationReason::Policy;
  });
  REQUIRE(policy_migrations == 1);
  const MigrationRecord& m = the_policy_migration(c);
  CHECK(m.from_site == 0);
  CHECK(m.to_site == 1);
  CHECK(m.trigger == MigrationTrigger::Handover);
  CHECK(m.outcome == MigrationOutcome::Completed);
  CHECK(m.requested == Approx(kHandover).margin(1e-6));
  // Hand sum: terminate (request, stop, cleanup) then instantiate (request, scheduling, no pull: cached,
  // start, readiness).
  CHECK(m.finished - m.requested ==
        Approx(kTermRequest + kStop + kCleanup + kRequest + kScheduling + kStart + kReadiness).epsilon(1e-9));
  // Downtime: from the container stop to the new instance's readiness.
  const double downtime = kStop + kCleanup + kRequest + kScheduling + kStart + kReadiness;  // 3.45 s
  CHECK(m.downtime == Approx(downtime).epsilon(1e-9));
  CHECK(m.bytes == 0);

  // Latency of a message sent at t = 30 s (x = 400 m, at r0) through r0 to the twin on m0, by hand from the end of
  // its radio exchange (which takes at least its 3 Mb/s airtime + SIFS + ACK, plus random backoff and retries):
  // RSU link 1 ms + size / 125 MB/s, broker service 2e4 flop / 1 Gflop/s, twin service 2e5 flop / (0.25 x 1 Gflop/s)
  // (the broker runs on the twin's MEC host: no hop between them).
  const radio::Phy phy;
  auto at30 = std::find_if(c.messages.begin(), c.messages.end(),
                           [](const MessageRecord& r) { return std::abs(r.created - 30.0) < 1e-6; });
  REQUIRE(at30 != c.messages.end());
  REQUIRE(at30->outcome == MessageOutcome::Delivered);
  CHECK(at30->rsu == 0);
  CHECK(at30->at_rsu - at30->created >= phy.airtime_s(at30->size_b, 3) + phy.sifs_s + phy.ack_airtime_s(3) - 1e-12);
  CHECK(at30->at_broker - at30->at_rsu == Approx(0.001 + at30->size_b / 125e6).epsilon(1e-9));
  CHECK(at30->processed - at30->at_broker == Approx(2e-5 + 8e-4).epsilon(1e-9));
  CHECK(at30->site == 0);

  // After the handover, the re-association (0.1 s, until 41.1624 s) and before the stop (41.3624 s), messages go
  // r1 -> broker-m1 -> bridge to broker-m0 -> twin on m0: one more broker service and the m1-m0 link
  // (2 ms + size / 1.25 GB/s).
  auto bridged = std::find_if(c.messages.begin(), c.messages.end(), [&](const MessageRecord& r) {
    return r.created > m.requested + 0.1 + 0.01 && r.created < m.requested + kTermRequest - 0.05;
  });
  REQUIRE(bridged != c.messages.end());
  REQUIRE(bridged->outcome == MessageOutcome::Delivered);
  CHECK(bridged->rsu == 1);
  CHECK(bridged->site == 0);
  CHECK(bridged->at_broker - bridged->at_rsu == Approx(0.001 + bridged->size_b / 125e6).epsilon(1e-9));
  CHECK(bridged->processed - bridged->at_broker ==
        Approx(2e-5 + 0.002 + bridged->size_b / 1.25e9 + 2e-5 + 8e-4).epsilon(1e-9));

  // QoS 0: messages reaching the broker while no instance serves are lost (cause migration): rate x downtime,
  // within one. Messages lost on the radio (far from both RSUs near the ends of the road) have cause radio.
  const auto lost_in_migration = std::count_if(c.messages.begin(), c.messages.end(), [&](const MessageRecord& r) {
    return r.outcome == MessageOutcome::Lost && r.cause == MessageCause::Migration && r.created > m.requested;
  });
  CHECK(std::abs(static_cast<double>(lost_in_migration) - 10 * downtime) <= 1.0);
  for (const MessageRecord& r : c.messages)
    if (r.outcome == MessageOutcome::Lost && r.cause == MessageCause::Migration) {
      // it reached the broker while no instance served (or just before the stop, in the twin's 0.8 ms queue)
      CHECK(r.at_broker > m.finished - downtime - 1e-3);
      CHECK(r.at_broker < m.finished + 1e-9);
    }

  // The first placement takes request + scheduling + start + readiness: nothing is delivered before.
  const double placed = kRequest + kScheduling + kStart + kReadiness;
  for (const MessageRecord& r : c.messages)
    if (r.outcome == MessageOutcome::Delivered)
      CHECK(r.at_twin >= placed - 1e-9);

  // The vehicle leaves at t = 80 (its last sample); its twin is then removed.
  CHECK(o.summary.vehicles == 1);
  CHECK(o.summary.vehicle_seconds == Approx(80));
  CHECK(std::any_of(c.migrations.begin(), c.migrations.end(),
                    [](const MigrationRecord& r) { return r.reason == MigrationReason::Removal; }));
  // 10 Hz from t = 0 while present: 800 messages up to 79.9 s, plus the one at t = 80.0 when the vehicle's slot
  // runs before the driver's leave event at the same instant (same-time order is the engine's).
  CHECK(o.summary.messages_created >= 800);
  CHECK(o.summary.messages_created <= 801);
}


TEST_CASE("steady-state start: the twin of a vehicle present at t = 0 serves from t = 0, at no cost", "[sim]")
{
  // The crossing scenario with its default start (twin.cold_start false): the placement is recorded with
  // mechanism steady-state and zero duration, and the first CAM (t = 0) is delivered, where the cold start above
  // delivers nothing before request + scheduling + start + readiness. (One run per test case: SimGrid's engine is
  // once per process.)
  const Scenario warm = crossing_scenario(true);
  REQUIRE_FALSE(warm.twin.cold_start);
  const Outcome w = run(warm);
  const auto first = std::min_element(w.records.messages.begin(), w.records.messages.end(),
                                      [](const auto& a, const auto& b) { return a.created < b.created; });
  REQUIRE(first != w.records.messages.end());
  CHECK(first->created == 0.0);
  CHECK(first->outcome == MessageOutcome::Delivered);
  CHECK(first->site == 0);
  const auto steady = std::find_if(w.records.migrations.begin(), w.records.migrations.end(), [](const auto& m) {
    return m.reason == MigrationReason::Initial && m.station == 2;  // stations 0, 1: the RSUs; 2: the vehicle
  });
  REQUIRE(steady != w.records.migrations.end());
  CHECK(std::string(steady->mechanism.data()) == "steady-state");
  CHECK(steady->to_site == 0);
  CHECK(steady->requested == 0.0);
  CHECK(steady->finished == 0.0);
  CHECK(steady->bytes == 0);
}
TEST_CASE("an image missing from the target's cache is pulled over the registry link", "[sim]")
{
  Scenario s = crossing_scenario(false);
  s.orchestrator.image_cache = false;  // else r1's own twin, deployed on m1 at t = 0, leaves the image there
  const Outcome o = run(s);
  const MigrationRecord& m = the_policy_migration(o.records);
  // Pull = registry latency + 150 MB / 12.5 MB/s = 12.02 s, inside the downtime.
  const double pull = 0.02 + 150e6 / 12.5e6;
  CHECK(m.downtime == Approx(kStop + kCleanup + kRequest + kScheduling + pull + kStart + kReadiness).epsilon(1e-9));
  CHECK(m.bytes == 150e6);
  auto phase = std::find_if(o.records.phases.begin(), o.records.phases.end(), [&](const PhaseRecord& p) {
    return p.migration == m.id && std::string(p.phase.data()) == "instantiate.image_pull";
  });
  REQUIRE(phase != o.records.phases.end());
  CHECK(phase->end - phase->start == Approx(pull).epsilon(1e-9));
  CHECK(phase->bytes == 150e6);
}

TEST_CASE("the never policy keeps the twin where it was placed and messages are bridged back", "[sim]")
{
  Scenario s = crossing_scenario(true);
  s.migration.policy = "never";
  const Outcome o = run(s);
  for (const MigrationRecord& m : o.records.migrations)
    CHECK(m.reason != MigrationReason::Policy);
  // After the handover every delivered message was processed on m0.
  for (const MessageRecord& r : o.records.messages)
    if (r.outcome == MessageOutcome::Delivered)
      CHECK(r.site == 0);
  // Apart from radio losses (near the ends of the road), only before the first placement (2.85 s at 10 Hz).
  std::size_t lost_not_radio = 0;
  for (const MessageRecord& r : o.records.messages)
    if (r.outcome == MessageOutcome::Lost && r.cause != MessageCause::Radio) {
      ++lost_not_radio;
      CHECK(r.cause == MessageCause::NoTwinYet);
      CHECK(r.created < 2.85 + 1e-9);
    }
  CHECK(lost_not_radio < 30);
  CHECK(o.summary.cause_radio + o.summary.cause_no_twin_yet + o.summary.messages_delivered +
            o.summary.cause_superseded + o.summary.cause_in_flight + o.summary.cause_no_coverage ==
        o.summary.messages_created);
}

TEST_CASE("a scripted (manual) migration is validated and recorded with reason manual", "[sim]")
{
  Scenario s = crossing_scenario(true);
  s.migration.policy = "never";
  s.migration.manual = {{20.0, "v0", "cloud"}, {25.0, "nobody", "m1"}, {30.0, "v0", "cloud"}};
  const Outcome o = run(s);
  std::vector<MigrationRecord> manual;
  for (const MigrationRecord& m : o.records.migrations)
    if (m.reason == MigrationReason::Manual)
      manual.push_back(m);
  REQUIRE(manual.size() == 3);
  CHECK(manual[0].outcome == MigrationOutcome::Completed);
  CHECK(manual[0].to_site == 2);  // the cloud follows the two MECs
  CHECK(manual[0].trigger == MigrationTrigger::Api);
  CHECK(manual[1].outcome == MigrationOutcome::Rejected);
  CHECK(std::string(manual[1].note.data()).find("unknown station") != std::string::npos);
  CHECK(manual[2].outcome == MigrationOutcome::Rejected);  // already in the cloud
}

namespace sg4 = simgrid::s4u;

TEST_CASE("orchestrator: a delete frees its operation slot at SIGTERM (helm uninstall without --wait), the pod's "
          "resources when its termination ends",
          "[sim][orchestrator]")
{
  // One MEC that runs one orchestrator operation at a time. Twin A is deployed at t = 0; at t = 10 its delete and
  // the deployment of twin B are asked for at once. OSM's Helm connector deletes with `helm delete --purge` (Helm 2)
  // / `helm uninstall` (Helm 3) without --wait (n2vc/k8s_helm_conn.py): the command returns once the API objects are
  // deleted, while the kubelet sends SIGTERM and waits out the grace period (Kubernetes "Termination of Pods"; the
  // Pod object, and so its resource requests on the node, stays until its containers stopped). By hand:
  //   A's delete: request 0.3 s -> slot taken and freed at 10.3 (SIGTERM); stop 30 s -> 40.3; cleanup 0.1 -> 40.4.
  //   B: request 0.3 + scheduling 0.05 -> 10.35, the slot is free (no queue), start 2 + readiness 0.5 -> 12.85.
  // With --wait the slot would be held to 40.4 and B would be ready at 40.4 + 2.5 = 42.9.
  v2x::test::TestEngine engine(kExactFlags);
  InfrastructureConfig cfg = TinyInfra().mec("m0", 0, 0).rsu("r0", 0, 0, "m0").build();
  cfg.mecs[0].max_concurrent_ops = 1;
  const Infrastructure infra = Infrastructure::from_config(cfg);
  Platform platform = Platform::build(infra, *engine);
  Scenario sc = schema_defaults();
  sc.orchestrator = constant_orchestrator(0.3, 0.05, 2.0, 0.5, 0.3, 30.0, 0.1);
  sc.orchestrator.prepulled = {"*"};
  MecLedger ledger(infra.sites(), sc.twin, sc.orchestrator.prepulled, true);
  ledger.create_slots();
  StationTable stations;
  const StationId a = stations.add("a", StationKind::Rsu, kNone, 0), b = stations.add("b", StationKind::Rsu, kNone, 0);
  TwinBook twins(stations, infra.sites(), sc.twin, ledger);
  NetworkView network;
  Recorder recorder(nullptr, 1024, MessageRows(false));
  sg4::Mailbox* inbox = sg4::Mailbox::by_name("orchestrator");
  sg4::Actor::create("orchestrator", platform.control_host(),
                     Orchestrator(OrchestratorDeps{sc.orchestrator, sc.twin, platform, network, ledger, twins,
                                                   recorder, 1, nullptr},
                                  inbox));
  double b_ready = -1, a_deleted = -1;
  std::uint32_t pods_at_20 = 0, pods_at_41 = 0;
  const auto ask = [inbox](OrchestratorRequest::Op op, StationId s, InstanceId i, sg4::Mailbox* reply) {
    inbox->put_init(std::make_unique<OrchestratorRequest>(OrchestratorRequest{op, s, 0, i, 0, reply}).release(), 0)
        ->detach(delete_payload<OrchestratorRequest>);
  };
  sg4::Actor::create("driver", platform.control_host(), [&] {
    sg4::Mailbox* ra = sg4::Mailbox::by_name("reply-a");
    sg4::Mailbox* rb = sg4::Mailbox::by_name("reply-b");
    ledger.reserve(0);  // the manager reserves before it asks
    ask(OrchestratorRequest::Op::Instantiate, a, kNone, ra);
    const InstanceId ia = ra->get_unique<OrchestratorReply>()->instance;
    sg4::this_actor::sleep_until(10);
    ask(OrchestratorRequest::Op::Terminate, a, ia, ra);
    ledger.reserve(0);
    ask(OrchestratorRequest::Op::Instantiate, b, kNone, rb);
    sg4::Actor::create("a-deleted", platform.control_host(), [&, ra] {
      ra->get_unique<OrchestratorReply>();
      a_deleted = sg4::Engine::get_clock();
    });
    rb->get_unique<OrchestratorReply>();
    b_ready = sg4::Engine::get_clock();
    sg4::this_actor::sleep_until(20);
    pods_at_20 = ledger.load(0).pods;
    sg4::this_actor::sleep_until(41);
    pods_at_41 = ledger.load(0).pods;
  });
  (*engine).run_until(50);
  CHECK(b_ready == Approx(12.85).epsilon(1e-12));
  CHECK(a_deleted == Approx(40.4).epsilon(1e-12));
  CHECK(pods_at_20 == 2);  // A is terminating: its pod still holds its requests
  CHECK(pods_at_41 == 1);
}

TEST_CASE("HYBRID: the cloud twin of a vehicle appearing later is deployed through the orchestrator, its time to "
          "first serve by hand",
          "[sim][hybrid]")
{
  // The crossing road (steady-state start, images everywhere, constant delays) with the vehicle appearing at
  // t = 5 s: its edge twin (m0) and its cloud twin are both deployed from 5 s, each request + scheduling + start +
  // readiness = 2.85 s (no pull, no queue), ready at 7.85 s; the RSUs' cloud twins were there at t = 0. The CAMs
  // (10 Hz from 5 s, no jitter) that reach the edge twin after 7.85 s: the one of 7.9 s by the 8 s sync tick. The
  // cloud twin's first batch: 8 s + the edge twin's sync work (50 kflop on 0.25 core of 1 Gflop/s) + the m0-cloud
  // link (15 ms + (100 + 48) B at 125 MB/s) + one point's processing (200 kflop on 1 core): served 3.0154 s after
  // the appearance.
  Scenario s = crossing_scenario(true);
  TinyInfra road = two_mec_road();
  road.config().rsus[0].x_m = 400;
  road.config().rsus[1].x_m = 600;
  road.cloud_link(125e6, 0.015);
  s.infrastructure = road.build();
  s.mobility.trace = write_fcd("late.fcd.xml", 0, 40, [](double t) {
    return t < 5 ? std::vector<TracePoint>{} : std::vector<TracePoint>{{"v0", 100 + 10 * t, 0, 90, 10}};
  });
  s.twin.mode = TwinMode::Hybrid;
  s.duration_s = 30;
  const Outcome o = run(s);
  const double deploy = kRequest + kScheduling + kStart + kReadiness;
  std::vector<MigrationRecord> cloud;
  for (const MigrationRecord& m : o.records.migrations)
    if (std::string(m.mechanism.data()) == "cloud-twin")
      cloud.push_back(m);
  REQUIRE(cloud.size() == 1);  // the vehicle's: the RSUs' cloud twins run from t = 0 (steady state)
  CHECK(cloud[0].station == 2);
  CHECK(cloud[0].requested == Approx(5.0).epsilon(1e-12));
  CHECK(cloud[0].finished - cloud[0].requested == Approx(deploy).epsilon(1e-9));
  CHECK(cloud[0].outcome == MigrationOutcome::Completed);
  CHECK(cloud[0].bytes == 0);  // the cloud holds the image (the steady RSU cloud twins)
  std::size_t phases = 0;
  for (const PhaseRecord& p : o.records.phases)
    if (p.migration == cloud[0].id) {
      ++phases;
      CHECK(p.site == cloud[0].to_site);
    }
  CHECK(phases == 5);  // request, scheduling, image_pull (0 B), container_start, readiness
  CHECK(o.summary.cloud_twin_deploys == 1);
  CHECK(o.summary.cloud_deploy_mean_s == Approx(deploy).epsilon(1e-9));
  const double path = 5e4 / (1e9 * 0.25) + 0.015 + 148 / 125e6 + 2e5 / 1e9;
  CHECK(o.summary.cloud_first_serve_mean_s == Approx(8.0 + path - 5.0).epsilon(1e-9));
  CHECK(o.summary.cloud_first_serve_max_s == Approx(8.0 + path - 5.0).epsilon(1e-9));
}
