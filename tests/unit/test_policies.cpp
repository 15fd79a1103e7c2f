// Policies on hand-made snapshots (no engine): intents and placements.
#include "config/loader.hpp"
#include "proto/scenario_defaults.hpp"
#include "migration/registry.hpp"
#include "proto/scenario_document.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

using namespace v2x;

namespace {

struct World {
  std::vector<StationView> stations;
  std::vector<SiteView> sites{{"m0", false, 0, 0, 16, 1000, 100, 0},
                              {"m1", false, 1000, 0, 16, 1000, 100, 0},
                              {"cloud", true, 0, 0, 1000, 1e6, 1000, 0}};
  Snapshot snap(StationId subject = kNone, MigrationTrigger trigger = MigrationTrigger::Tick) const
  {
    return Snapshot{0.0, trigger, subject, stations, sites, 2};
  }
};

StationView vehicle(RsuId rsu, SiteId rsu_site, SiteId twin_site, bool busy = false)
{
  StationView v;
  v.present = true;
  v.kind = StationKind::Vehicle;
  v.rsu = rsu;
  v.rsu_site = rsu_site;
  v.twin_site = twin_site;
  v.twin_busy = busy;
  return v;
}

} // namespace

TEST_CASE("the registry knows the foundation's policies and mechanisms", "[policy]")
{
  for (const char* name : {"never", "cloud", "nearest"})
    CHECK(find_policy(name) != nullptr);
  CHECK(find_mechanism("stateless-restart") != nullptr);
  CHECK(find_policy("teleport") == nullptr);
}

TEST_CASE("nearest moves a twin to the MEC behind the vehicle's RSU, once, and not while busy", "[policy]")
{
  Scenario scenario = schema_defaults();
  auto policy = make_nearest_policy(scenario);
  World w;
  w.stations = {vehicle(1, 1, 0), vehicle(0, 0, 0), vehicle(1, 1, 0, true), vehicle(kNone, kNone, 0)};
  StationView rsu_station = vehicle(1, 1, 0);
  rsu_station.kind = StationKind::Rsu;
  w.stations.push_back(rsu_station);

  // Tick: only station 0 (elsewhere, idle). Not 1 (already there), 2 (busy), 3 (no coverage), 4 (an RSU).
  auto intents = policy->decide(w.snap());
  REQUIRE(intents.size() == 1);
  CHECK(intents[0].station == 0);
  CHECK(intents[0].target == 1);
  // Handover of station 1: nothing to do; of station 0: the same intent.
  CHECK(policy->decide(w.snap(1, MigrationTrigger::Handover)).empty());
  CHECK(policy->decide(w.snap(0, MigrationTrigger::Handover)).size() == 1);
  // Placement: the RSU's MEC, or the cloud out of coverage.
  CHECK(policy->place(w.snap(), 0) == 1);
  CHECK(policy->place(w.snap(), 3) == 2);
}

TEST_CASE("never and cloud place and never move", "[policy]")
{
  Scenario scenario = schema_defaults();
  World w;
  w.stations = {vehicle(1, 1, 0)};
  auto never = make_never_policy(scenario);
  auto cloud = make_cloud_policy(scenario);
  CHECK(never->decide(w.snap()).empty());
  CHECK(cloud->decide(w.snap()).empty());
  CHECK(never->place(w.snap(), 0) == 1);
  CHECK(cloud->place(w.snap(), 0) == 2);
}

// ---- the full set: registry, parameters, policies on hand-made snapshots ----

namespace {

World two_mecs_and_rsus()
{
  World w;
  StationView r0, r1; // RSU stations: r0 at x = 0 behind m0, r1 at x = 1000 behind m1
  r0.present = r1.present = true;
  r0.kind = r1.kind = StationKind::Rsu;
  r0.rsu = 0;
  r0.rsu_site = 0;
  r1.x_m = 1000;
  r1.rsu = 1;
  r1.rsu_site = 1;
  w.stations = {r0, r1};
  return w;
}

StationView moving(double x, double speed, double heading, RsuId rsu, SiteId twin_site)
{
  StationView v = vehicle(rsu, rsu, twin_site);
  v.x_m = x;
  v.speed_mps = speed;
  v.heading_deg = heading;
  return v;
}

Snapshot at(const World& w, double now, StationId subject = kNone)
{
  Snapshot s = w.snap(subject, subject == kNone ? MigrationTrigger::Tick : MigrationTrigger::Handover);
  s.now = now;
  return s;
}

} // namespace

TEST_CASE("the registry holds every policy and mechanism of the design", "[policy]")
{
  CHECK(policy_names() ==
        std::vector<std::string>{"never", "cloud", "nearest", "hysteresis", "latency", "predictive", "load-aware"});
  CHECK(mechanism_names() ==
        std::vector<std::string>{"stateless-restart", "make-before-break", "stop-and-copy", "pre-copy", "post-copy"});
  Scenario scenario = schema_defaults();
  for (const PolicyInfo& p : policy_registry())
    CHECK(p.make(scenario)->name() == p.name);
  for (const MechanismInfo& m : mechanism_registry())
    CHECK(m.make(scenario)->name() == m.name);
}

TEST_CASE("every listed parameter is a scenario field and its listed default is the schema's", "[policy]")
{
  // The schema's defaults, read from a scenario that sets nothing.
  const Scenario schema = ScenarioDocument::parse("", "empty.textproto").to_scenario();
  std::vector<ParamInfo> params;
  for (const PolicyInfo& p : policy_registry())
    params.insert(params.end(), p.params.begin(), p.params.end());
  for (const MechanismInfo& m : mechanism_registry())
    params.insert(params.end(), m.params.begin(), m.params.end());
  REQUIRE(params.size() >= 14);
  for (const ParamInfo& p : params) {
    INFO(p.name);
    CHECK(!p.unit.empty());
    CHECK(!p.doc.empty());
    // A field path the document accepts, and setting the listed default changes nothing.
    ScenarioDocument doc = ScenarioDocument::parse("", "empty.textproto");
    doc.set(p.name, p.default_value);
    const Scenario set = doc.to_scenario();
    CHECK(set.twin.dirty_rate_bps == schema.twin.dirty_rate_bps);
    CHECK(set.twin.state_b == schema.twin.state_b);
    CHECK(set.twin.restore_bps == schema.twin.restore_bps);
    CHECK(set.migration.hysteresis.margin_m == schema.migration.hysteresis.margin_m);
    CHECK(set.migration.hysteresis.dwell_s == schema.migration.hysteresis.dwell_s);
    CHECK(set.migration.latency.threshold_s == schema.migration.latency.threshold_s);
    CHECK(set.migration.latency.window_s == schema.migration.latency.window_s);
    CHECK(set.migration.predictive.horizon_s == schema.migration.predictive.horizon_s);
    CHECK(set.migration.predictive.position_error_m == schema.migration.predictive.position_error_m);
    CHECK(set.migration.load_aware.max_utilisation == schema.migration.load_aware.max_utilisation);
    CHECK(set.migration.load_aware.slack_m == schema.migration.load_aware.slack_m);
    CHECK(set.migration.pre_copy.downtime_target_s == schema.migration.pre_copy.downtime_target_s);
    CHECK(set.migration.pre_copy.max_rounds == schema.migration.pre_copy.max_rounds);
    CHECK(set.migration.post_copy.switch_b == schema.migration.post_copy.switch_b);
    CHECK(set.migration.post_copy.fault_b == schema.migration.post_copy.fault_b);
  }
  // The structs' defaults (which the listing prints) are the schema's.
  const Scenario plain = schema_defaults();
  CHECK(plain.twin.dirty_rate_bps == schema.twin.dirty_rate_bps);
  CHECK(plain.twin.restore_bps == schema.twin.restore_bps);
  CHECK(plain.migration.hysteresis.margin_m == schema.migration.hysteresis.margin_m);
  CHECK(plain.migration.hysteresis.dwell_s == schema.migration.hysteresis.dwell_s);
  CHECK(plain.migration.latency.threshold_s == schema.migration.latency.threshold_s);
  CHECK(plain.migration.latency.window_s == schema.migration.latency.window_s);
  CHECK(plain.migration.predictive.horizon_s == schema.migration.predictive.horizon_s);
  CHECK(plain.migration.predictive.position_error_m == schema.migration.predictive.position_error_m);
  CHECK(plain.migration.load_aware.max_utilisation == schema.migration.load_aware.max_utilisation);
  CHECK(plain.migration.load_aware.slack_m == schema.migration.load_aware.slack_m);
  CHECK(plain.migration.pre_copy.downtime_target_s == schema.migration.pre_copy.downtime_target_s);
  CHECK(plain.migration.pre_copy.max_rounds == schema.migration.pre_copy.max_rounds);
  CHECK(plain.migration.post_copy.switch_b == schema.migration.post_copy.switch_b);
  CHECK(plain.migration.post_copy.fault_b == schema.migration.post_copy.fault_b);
}

TEST_CASE("policy and mechanism parameters out of range are input errors naming the field", "[policy]")
{
  const std::string good = V2X_TEST_DATA "/scenarios/good.textproto";
  const KnownNames known{policy_names(), mechanism_names()};
  const std::map<std::string, std::string> bad = {
      {"migration.pre_copy.max_rounds", "0"},          {"migration.pre_copy.downtime_target_s", "0"},
      {"migration.load_aware.max_utilisation", "1.5"}, {"migration.latency.threshold_s", "-1"},
      {"migration.hysteresis.dwell_s", "-2"},          {"migration.predictive.horizon_s", "-5"},
      {"migration.post_copy.fault_b", "-1"},           {"twin.dirty_rate_bps", "-1"}};
  CHECK_NOTHROW(load_scenario(good, {}, known));
  for (const auto& [path, value] : bad) {
    INFO(path << " = " << value);
    try {
      load_scenario(good, {{path, value}}, known);
      FAIL("no InputError");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
}

TEST_CASE("hysteresis moves only past the margin and after the dwell time", "[policy]")
{
  Scenario scenario = schema_defaults();
  scenario.migration.hysteresis = {100, 2};
  auto policy = make_hysteresis_policy(scenario);
  World w = two_mecs_and_rsus();
  w.stations.push_back(moving(530, 0, 90, 1, 0)); // served by r1 (m1), twin on m0
  // 530 m from m0, 470 m from m1: an advantage of 60 m < 100 m: never.
  for (double t = 0; t <= 10; t += 1)
    CHECK(policy->decide(at(w, t)).empty());
  // At 600 m: 200 m advantage. Seen first at t = 11; the intent comes at t = 13 (dwell 2 s), not before.
  w.stations[2].x_m = 600;
  CHECK(policy->decide(at(w, 11)).empty());
  CHECK(policy->decide(at(w, 12)).empty());
  auto intents = policy->decide(at(w, 13));
  REQUIRE(intents.size() == 1);
  CHECK(intents[0].station == 2);
  CHECK(intents[0].target == 1);
  // Going back below the margin restarts the dwell.
  CHECK(policy->decide(at(w, 20)).empty()); // a new dwell starts at 20
  w.stations[2].x_m = 520;
  CHECK(policy->decide(at(w, 21)).empty());
  w.stations[2].x_m = 600;
  CHECK(policy->decide(at(w, 22)).empty());
  CHECK(policy->decide(at(w, 23)).empty());
  CHECK(policy->decide(at(w, 24)).size() == 1);
  // A twin in the cloud moves to any MEC after the dwell.
  w.stations[2].twin_site = 2;
  w.stations[2].x_m = 510;
  CHECK(policy->decide(at(w, 30)).empty());
  CHECK(policy->decide(at(w, 32)).size() == 1);
}

TEST_CASE("latency moves after the threshold was exceeded for the window", "[policy]")
{
  Scenario scenario = schema_defaults();
  scenario.migration.latency = {0.02, 3, 1.5};
  auto policy = make_latency_policy(scenario);
  World w = two_mecs_and_rsus();
  w.stations.push_back(moving(900, 10, 90, 1, 0));
  w.stations[2].last_latency_s = 0.05;
  CHECK(policy->decide(at(w, 0)).empty());
  CHECK(policy->decide(at(w, 1)).empty());
  CHECK(policy->decide(at(w, 2)).empty());
  auto intents = policy->decide(at(w, 3));
  REQUIRE(intents.size() == 1);
  CHECK(intents[0].target == 1);
  // One sample below the threshold restarts the window.
  CHECK(policy->decide(at(w, 4)).empty());
  w.stations[2].last_latency_s = 0.01;
  CHECK(policy->decide(at(w, 5)).empty());
  w.stations[2].last_latency_s = 0.05;
  CHECK(policy->decide(at(w, 6)).empty());
  CHECK(policy->decide(at(w, 8)).empty());
  CHECK(policy->decide(at(w, 9)).size() == 1);
  // Already on the RSU's MEC: high latency is not the placement's fault; no intent.
  w.stations[2].twin_site = 1;
  for (double t = 10; t <= 20; t += 1)
    CHECK(policy->decide(at(w, t)).empty());
}

TEST_CASE("predictive targets the MEC of the RSU nearest to the dead-reckoned position", "[policy]")
{
  Scenario scenario = schema_defaults();
  scenario.migration.predictive = {5, 0};
  auto policy = make_predictive_policy(scenario);
  World w = two_mecs_and_rsus();
  // At x = 460 heading east (90 deg) at 10 m/s: in 5 s at x = 510, nearer r1 (hand computation).
  w.stations.push_back(moving(460, 10, 90, 0, 0));
  auto intents = policy->decide(at(w, 0));
  REQUIRE(intents.size() == 1);
  CHECK(intents[0].target == 1);
  // At x = 440: x = 490 in 5 s, still r0's: nothing. Heading west from 460: nothing either.
  w.stations[2].x_m = 440;
  CHECK(policy->decide(at(w, 0)).empty());
  w.stations[2].x_m = 460;
  w.stations[2].heading_deg = 270;
  CHECK(policy->decide(at(w, 0)).empty());
  // Heading north (0 deg) at 10 m/s from (460, -500): in 5 s at (460, -450), nearer r0.
  w.stations[2].heading_deg = 0;
  w.stations[2].y_m = -500;
  CHECK(policy->decide(at(w, 0)).empty());
}

TEST_CASE("predictive position error is drawn from the seeded stream", "[policy]")
{
  Scenario scenario = schema_defaults();
  scenario.migration.predictive = {5, 400}; // 400 m of error around x = 500: either MEC, often
  World w = two_mecs_and_rsus();
  w.stations.push_back(moving(450, 10, 90, 0, 0));
  auto sequence = [&](std::uint64_t seed) {
    scenario.seed = seed;
    auto policy = make_predictive_policy(scenario);
    std::vector<int> moves;
    for (int i = 0; i < 64; ++i)
      moves.push_back(static_cast<int>(policy->decide(at(w, i)).size()));
    return moves;
  };
  const auto a = sequence(1);
  CHECK(a == sequence(1));
  CHECK(a != sequence(2));
  // Both outcomes occur (P(all equal) = 2 x 0.5^64).
  CHECK(std::count(a.begin(), a.end(), 1) > 0);
  CHECK(std::count(a.begin(), a.end(), 0) > 0);
}

TEST_CASE("load-aware fills the nearest MEC up to its cap and counts its own intents", "[policy]")
{
  Scenario scenario = schema_defaults();
  scenario.twin.cpu_cores = 0.25;
  scenario.twin.memory_mb = 256;
  scenario.migration.load_aware = {0.75, 0};
  auto policy = make_load_aware_policy(scenario);
  World w;
  // m0: 1 core, 1 twin already (0.25 reserved, utilisation 0.25): room for 2 more under the 0.75 cap.
  w.sites[0] = SiteView{"m0", false, 0, 0, 0.75, 1000, 10, 0.25};
  w.sites[1] = SiteView{"m1", false, 1000, 0, 16, 1000, 100, 0};
  // Four vehicles near m0 with twins in the cloud.
  for (int i = 0; i < 4; ++i)
    w.stations.push_back(moving(10.0 * i, 0, 90, 0, 2));
  auto intents = policy->decide(w.snap());
  REQUIRE(intents.size() == 4);
  std::map<SiteId, int> per_site;
  for (const Intent& i : intents)
    per_site[i.target]++;
  CHECK(per_site[0] == 2); // 0.25 + 2 x 0.25 = 0.75 <= 0.75; a third would be 1.0
  CHECK(per_site[1] == 2);
  // A twin already on m0 stays there even though m0 has no room left (it is the nearest).
  w.sites[0] = SiteView{"m0", false, 0, 0, 0.25, 1000, 10, 0.75};
  w.stations = {moving(10, 0, 90, 0, 0)};
  CHECK(policy->decide(w.snap()).empty());
  // Placement: the nearest with room, else the cloud.
  CHECK(policy->place(w.snap(), 0) == 1);
  w.sites[1] = SiteView{"m1", false, 1000, 0, 0.0, 1000, 100, 1.0};
  CHECK(policy->place(w.snap(), 0) == 2);
}

TEST_CASE("load-aware balances among MECs within the slack", "[policy]")
{
  Scenario scenario = schema_defaults();
  scenario.migration.load_aware = {1.0, 300};
  auto policy = make_load_aware_policy(scenario);
  World w;
  w.sites[0] = SiteView{"m0", false, 0, 0, 8, 1000, 100, 0.5};     // 16 cores, half reserved
  w.sites[1] = SiteView{"m1", false, 250, 0, 12, 1000, 100, 0.25}; // 16 cores, a quarter reserved
  w.stations = {moving(0, 0, 90, 0, 2)};
  // m1 is 250 m farther than m0, within the 300 m slack, and less utilised.
  CHECK(policy->place(w.snap(), 0) == 1);
  w.sites[1].x_m = 400; // beyond the slack: the nearest
  CHECK(policy->place(w.snap(), 0) == 0);
}

// ---- mechanisms on a fake clock: transfers take bytes / B, everything else no time ----

namespace {

struct FakeContext final : MigrationContext {
  double bandwidth_bps;
  double clock = 0;
  InstanceId serving = 0;
  InstanceId next = 1;
  double down_since = -1, downtime = 0;
  std::vector<std::pair<std::string, double>> transfers; // name, bytes
  std::vector<std::string> calls;

  explicit FakeContext(double bw)
      : bandwidth_bps(bw)
  {
  }
  double now() const override { return clock; }
  SiteId source() const override { return 0; }
  SiteId target() const override { return 1; }
  InstanceId current() const override { return 0; }
  InstanceId instantiate(SiteId) override
  {
    calls.push_back("instantiate");
    return next++;
  }
  void serve(InstanceId i) override
  {
    calls.push_back("serve");
    if (down_since >= 0)
      downtime += clock - down_since;
    down_since = -1;
    serving = i;
  }
  void terminate(InstanceId) override { calls.push_back("terminate"); }
  void transfer(SiteId, SiteId, double bytes, std::string_view name) override
  {
    calls.push_back("transfer");
    transfers.emplace_back(std::string(name), bytes);
    clock += bytes / bandwidth_bps;
  }
  void stop_serving() override
  {
    calls.push_back("stop");
    down_since = clock;
  }
  void restore(InstanceId, double) override { calls.push_back("restore"); }
  void set_fault_delay(InstanceId, double d) override { calls.push_back(d > 0 ? "fault_on" : "fault_off"); }
  double fetch_time(SiteId, SiteId, double) const override { return 0.01; }
};

Scenario pre_copy_numbers(double state_b, double dirty_bps, double target_s, std::uint32_t max_rounds)
{
  Scenario s = schema_defaults();
  s.twin.state_b = state_b;
  s.twin.dirty_rate_bps = dirty_bps;
  s.migration.pre_copy = {target_s, max_rounds};
  return s;
}

} // namespace

TEST_CASE("pre-copy rounds on a fake clock follow M (D/B)^i exactly", "[mechanism]")
{
  // M = 500 MB, B = 125 MB/s, D = 50 MB/s: D/B = 0.4. Target 30 ms: the rest must be <= B x 0.03 = 3.75 MB.
  // By hand: 500, 200, 80, 32, 12.8, 5.12 MB live, then 2.048 MB <= 3.75 MB stopped.
  auto mech = make_pre_copy(pre_copy_numbers(500e6, 50e6, 0.03, 30));
  FakeContext ctx(125e6);
  mech->execute(ctx);
  const std::vector<double> expected{500e6, 200e6, 80e6, 32e6, 12.8e6, 5.12e6, 2.048e6};
  REQUIRE(ctx.transfers.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    CHECK(ctx.transfers[i].second == Approx(expected[i]).epsilon(1e-12));
  CHECK(ctx.transfers.front().first == "pre_copy.round.0");
  CHECK(ctx.transfers.back().first == "pre_copy.stop_copy");
  CHECK(ctx.downtime == Approx(2.048e6 / 125e6).epsilon(1e-12));
  // Closed form of the geometric series: total = (M/B) (1 - r^7) / (1 - r).
  CHECK(ctx.clock == Approx(4.0 * (1 - std::pow(0.4, 7)) / 0.6).epsilon(1e-12));
  CHECK(ctx.calls == std::vector<std::string>{"instantiate", "transfer", "transfer", "transfer", "transfer", "transfer",
                                              "transfer", "stop", "transfer", "restore", "serve", "terminate"});
}

TEST_CASE("pre-copy stops after max_rounds and caps a round at the state size", "[mechanism]")
{
  // Max 3 live rounds: 500, 200, 80 MB, then 32 MB stopped (0.256 s of downtime).
  auto mech = make_pre_copy(pre_copy_numbers(500e6, 50e6, 0.03, 3));
  FakeContext ctx(125e6);
  mech->execute(ctx);
  REQUIRE(ctx.transfers.size() == 4);
  CHECK(ctx.transfers.back().second == Approx(32e6));
  CHECK(ctx.downtime == Approx(0.256));
  // D > B never converges: every round sends the whole state again (capped), max_rounds of them.
  auto diverging = make_pre_copy(pre_copy_numbers(100e6, 200e6, 0.03, 5));
  FakeContext ctx2(125e6);
  diverging->execute(ctx2);
  REQUIRE(ctx2.transfers.size() == 6);
  for (const auto& t : ctx2.transfers)
    CHECK(t.second == Approx(100e6));
}

TEST_CASE("stop-and-copy and post-copy act in their documented order", "[mechanism]")
{
  Scenario s = schema_defaults();
  s.twin.state_b = 10e6;
  FakeContext sc(125e6);
  make_stop_and_copy(s)->execute(sc);
  CHECK(sc.calls == std::vector<std::string>{"instantiate", "stop", "transfer", "restore", "serve", "terminate"});
  CHECK(sc.downtime == Approx(10e6 / 125e6));

  s.migration.post_copy = {1e6, 4096};
  FakeContext pc(125e6);
  make_post_copy(s)->execute(pc);
  CHECK(pc.calls == std::vector<std::string>{"instantiate", "stop", "transfer", "restore", "fault_on", "serve",
                                             "transfer", "fault_off", "terminate"});
  REQUIRE(pc.transfers.size() == 2);
  CHECK(pc.transfers[0].second == 1e6);
  CHECK(pc.transfers[1].second == 9e6);
  CHECK(pc.downtime == Approx(1e6 / 125e6));

  FakeContext mbb(125e6);
  make_make_before_break(s)->execute(mbb);
  CHECK(mbb.calls == std::vector<std::string>{"instantiate", "serve", "terminate"});
  CHECK(mbb.downtime == 0);
}

TEST_CASE("never: a vehicle appearing outside coverage moves once, to the MEC of its first RSU", "[policy]")
{
  Scenario scenario = schema_defaults();
  auto never = make_never_policy(scenario);
  World w;
  w.stations = {vehicle(kNone, kNone, kNone), vehicle(0, 0, kNone)};
  CHECK(never->place(w.snap(), 0) == 2);  // uncovered: the cloud, provisionally
  CHECK(never->place(w.snap(), 1) == 0);  // covered: the MEC behind its RSU, for good
  w.stations[0].twin_site = 2;
  w.stations[1].twin_site = 0;
  CHECK(never->decide(w.snap()).empty());  // still uncovered
  w.stations[0].rsu = 1;
  w.stations[0].rsu_site = 1;
  w.stations[0].twin_busy = true;  // its placement still running: wait
  CHECK(never->decide(w.snap(0, MigrationTrigger::Handover)).empty());
  w.stations[0].twin_busy = false;
  auto intents = never->decide(w.snap(0, MigrationTrigger::Handover));
  REQUIRE(intents.size() == 1);
  CHECK(intents[0].station == 0);
  CHECK(intents[0].target == 1);
  // After that one move, never again, whatever the vehicle does.
  w.stations[0].twin_site = 1;
  w.stations[0].rsu_site = 0;
  CHECK(never->decide(w.snap()).empty());
  w.stations[1].rsu_site = 1;  // the covered-at-birth vehicle never moved and never will
  CHECK(never->decide(w.snap()).empty());
}

TEST_CASE("latency's default threshold: threshold_factor x the RSU's baseline latency", "[policy]")
{
  Scenario scenario = schema_defaults();  // threshold_s = 0 (derived), factor 1.5, window 3 s
  REQUIRE(scenario.migration.latency.threshold_s == 0);
  REQUIRE(scenario.migration.latency.threshold_factor == 1.5);
  auto policy = make_latency_policy(scenario);
  World w = two_mecs_and_rsus();
  w.stations.push_back(moving(900, 10, 90, 1, 0));  // in RSU 1's cell (behind m1), twin on m0
  const std::vector<double> baseline = {0.003, 0.004};  // RSU 1: 4 ms, so the threshold is 6 ms
  const auto snap = [&](double now) {
    Snapshot s = at(w, now);
    s.rsu_baseline_latency_s = baseline;
    return s;
  };
  w.stations[2].last_latency_s = 0.0059;  // below 6 ms: stays
  for (double t = 0; t <= 5; t += 1)
    CHECK(policy->decide(snap(t)).empty());
  w.stations[2].last_latency_s = 0.0061;  // above 6 ms for the 3 s window: moves to m1
  CHECK(policy->decide(snap(6)).empty());
  CHECK(policy->decide(snap(8)).empty());
  auto intents = policy->decide(snap(9));
  REQUIRE(intents.size() == 1);
  CHECK(intents[0].target == 1);
  // Without a baseline (a hand-made snapshot) the fallback is 20 ms: 6.1 ms does not move it.
  auto fallback = make_latency_policy(scenario);
  for (double t = 0; t <= 10; t += 1)
    CHECK(fallback->decide(at(w, t)).empty());
  // An explicit threshold_s wins over the derived one.
  scenario.migration.latency.threshold_s = 0.01;
  auto fixed = make_latency_policy(scenario);
  for (double t = 0; t <= 10; t += 1)
    CHECK(fixed->decide(snap(t)).empty());
}
