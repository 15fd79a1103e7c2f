// The policy protocol's translation (sim/proto/policy_codec.*): plain structs <-> bytes, and what a peer can get
// wrong (bytes that are no message, another protocol version, a policy's own error) as InputError.
#include "core/error.hpp"
#include "proto/policy_codec.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace v2x;
using namespace v2x::wire;

namespace {

PolicySnapshot sample()
{
  PolicySnapshot s;
  s.time_s = 12.5;
  s.sequence = 42;
  s.cloud_site = 2;
  s.stations.push_back(StationState{7, "veh0", StationKind::Vehicle, MigrationTrigger::Handover, 1.5, -2.5, 13.9,
                                    90, 1, 1, 0, false, 0.0031, 0.25});
  s.stations.push_back(StationState{0, "r0", StationKind::Rsu, MigrationTrigger::Appear, 200, 0, 0, 0, 0, 0, kNoIndex,
                                    false, 0, std::numeric_limits<double>::quiet_NaN()});
  s.stations.push_back(StationState{9, "veh2", StationKind::Vehicle, MigrationTrigger::Api, 0, 0, 0, 0, kNoIndex,
                                    kNoIndex, 1, true, 0, 0});
  s.stations.push_back(StationState{10, "veh3", StationKind::Vehicle, MigrationTrigger::Tick, 0, 0, 0, 0, 0, 0, 0,
                                    false, 0, 0});
  s.sites.push_back(SiteState{0, "mec0", false, 200, 100, 15.5, 65000, 108, 0.03, 2, true});
  s.sites.push_back(SiteState{1, "mec1", false, 800, 100, 0, 0, 0, 1, 0, false, true});  // down (a fault)
  s.sites.push_back(SiteState{2, "cloud", true, 0, 0, 1000, 4e6, 99999, 0, 0, true});
  s.candidate_sites = {0, 2};
  s.rejections.push_back(Rejection{7, 99, 11.0, "unknown target"});
  s.totals = Totals{3, 1, 4.75, 2};
  return s;
}

std::string error_of(std::string_view bytes)
{
  try {
    decode_decision(bytes);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("a snapshot survives encoding field by field", "[policy-protocol]")
{
  const PolicySnapshot in = sample();
  const PolicySnapshot out = decode_snapshot(encode_snapshot(in));
  CHECK(out.protocol_version == kPolicyProtocolVersion);
  CHECK(out.time_s == in.time_s);
  CHECK(out.sequence == 42);
  CHECK(out.cloud_site == 2);
  CHECK_FALSE(out.done);
  REQUIRE(out.stations.size() == in.stations.size());
  for (std::size_t i = 0; i < in.stations.size(); ++i) {
    const StationState &a = in.stations[i], &b = out.stations[i];
    CHECK(b.id == a.id);
    CHECK(b.name == a.name);
    CHECK(b.kind == a.kind);
    CHECK(b.trigger == a.trigger);
    CHECK(b.x_m == a.x_m);
    CHECK(b.y_m == a.y_m);
    CHECK(b.speed_mps == a.speed_mps);
    CHECK(b.heading_deg == a.heading_deg);
    CHECK(b.rsu == a.rsu);
    CHECK(b.rsu_site == a.rsu_site);
    CHECK(b.twin_site == a.twin_site);
    CHECK(b.twin_busy == a.twin_busy);
    CHECK(b.latency_s == a.latency_s);
    CHECK((std::isnan(a.aoi_s) ? std::isnan(b.aoi_s) : b.aoi_s == a.aoi_s));
  }
  REQUIRE(out.sites.size() == 3);
  CHECK(out.sites[1].name == "mec1");
  CHECK(out.sites[0].cpu_free_cores == 15.5);
  CHECK(out.sites[0].pods_free == 108);
  CHECK(out.sites[0].ops_in_flight == 2);
  CHECK(out.sites[2].is_cloud);
  CHECK_FALSE(out.sites[1].can_host);
  CHECK(out.sites[1].down);
  CHECK_FALSE(out.sites[0].down);
  CHECK(out.candidate_sites == std::vector<SiteId>{0, 2});
  REQUIRE(out.rejections.size() == 1);
  CHECK(out.rejections[0].station == 7);
  CHECK(out.rejections[0].target_site == 99);
  CHECK(out.rejections[0].time_s == 11.0);
  CHECK(out.rejections[0].reason == "unknown target");
  CHECK(out.totals.migrations_started == 3);
  CHECK(out.totals.rejections == 1);
  CHECK(out.totals.downtime_s == 4.75);
  CHECK(out.totals.vehicles_present == 2);
}

TEST_CASE("a decision survives encoding, 'no site' included", "[policy-protocol]")
{
  PolicyDecision d;
  d.intents = {{7, 1}, {0, kNoIndex}, {4000000000u, 0}};
  const PolicyDecision out = decode_decision(encode_decision(d));
  REQUIRE(out.intents.size() == 3);
  CHECK(out.intents[0].station == 7);
  CHECK(out.intents[0].target_site == 1);
  CHECK(out.intents[1].target_site == kNoIndex);
  CHECK(out.intents[2].station == 4000000000u);
  CHECK(decode_decision(encode_decision(PolicyDecision{})).intents.empty());
}

TEST_CASE("what a policy can get wrong is an InputError naming it", "[policy-protocol]")
{
  CHECK_THAT(error_of("\xff\xfe\xfd garbage"), Catch::Contains("malformed answer"));
  CHECK_THAT(error_of(""), Catch::Contains("without protocol_version"));  // an empty frame
  PolicyDecision other;
  other.protocol_version = 99;
  CHECK_THAT(error_of(encode_decision(other)), Catch::Contains("protocol version 99") &&
                                                     Catch::Contains("speaks version 1"));
  PolicyDecision gave_up;
  gave_up.error = "request of protocol version 2, this client speaks version 1";
  CHECK_THAT(error_of(encode_decision(gave_up)), Catch::Contains("the policy reported: request of protocol"));
}

TEST_CASE("a snapshot of another version is refused", "[policy-protocol]")
{
  PolicySnapshot s = sample();
  s.protocol_version = 2;
  CHECK_THROWS_WITH(decode_snapshot(encode_snapshot(s)), Catch::Contains("protocol version 2"));
}
