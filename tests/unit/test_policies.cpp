// Policies on hand-made snapshots (no engine): intents and placements.
#include "migration/registry.hpp"

#include <catch2/catch.hpp>

using namespace v2x;

namespace {

struct World {
  std::vector<StationView> stations;
  std::vector<SiteView> sites{{"m0", false, 0, 0, 16, 1000, 100, 0}, {"m1", false, 1000, 0, 16, 1000, 100, 0},
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
  Scenario scenario;
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
  Scenario scenario;
  World w;
  w.stations = {vehicle(1, 1, 0)};
  auto never = make_never_policy(scenario);
  auto cloud = make_cloud_policy(scenario);
  CHECK(never->decide(w.snap()).empty());
  CHECK(cloud->decide(w.snap()).empty());
  CHECK(never->place(w.snap(), 0) == 1);
  CHECK(cloud->place(w.snap(), 0) == 2);
}
