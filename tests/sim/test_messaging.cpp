// The messaging model against closed forms: a broker under Poisson arrivals is an M/M/1 (exponential work) or
// M/D/1 (constant work) FCFS queue; QoS 0 loses, QoS 1 keeps, the messages of a twin that is down.
#include "run/run.hpp"
#include "proto/scenario_defaults.hpp"
#include "support/sim_scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace v2x;
using namespace v2x::test;

namespace {

// 200 parked vehicles, Poisson sends at 35 Hz each: lambda = 7000 /s into one broker whose mean work is 1e5 flop on
// a 1 Gflop/s core, mu = 10000 /s, rho = 0.7. One 802.11p channel carries ~2000 frames/s at most, so the vehicles
// are spread over 40 cells (1 km apart: no carrier sense between them) of 5 vehicles each, 2 to 4 m from their RSU
// (no frame errors). Each channel is then busy ~6 % of the time and a frame's radio delay is a few hundred µs,
// nearly independent from frame to frame: displacing a Poisson process by i.i.d. delays keeps it Poisson, so the
// arrivals at the broker are the vehicles' Poisson sends (backhaul: no latency, near-infinite capacity).
constexpr int kVehicles = 200;
constexpr int kCells = 40;
constexpr double kRatePerVehicle = 35;
constexpr double kLambda = kVehicles * kRatePerVehicle;
constexpr double kMu = 1e4;

Scenario queue_scenario(bool exponential)
{
  Scenario s = schema_defaults();
  s.seed = 11;
  s.duration_s = 32;
  auto infra = TinyInfra().mec("m0", 0, 0, 128);
  for (int r = 0; r < kCells; ++r)
    infra.rsu("r" + std::to_string(r), 1000.0 * r, 0, "m0");
  infra.cell_radius(300).cell_capacity(1e13).cell_latency(0).rsu_link(1e13, 0);
  infra.config().mecs[0].pod_slots = 1000;
  infra.config().mecs[0].max_concurrent_ops = 1000;
  s.infrastructure = infra.build();
  for (BrokerConfig& b : s.infrastructure.brokers)
    b.service_flops = 1e9 / kMu;
  s.mobility.trace = write_fcd("parked.fcd.xml", 0, 40, [](double) {
    std::vector<TracePoint> v;
    for (int i = 0; i < kVehicles; ++i)
      v.push_back({"v" + std::to_string(i), 1000.0 * (i % kCells), 2.0 + 0.5 * (i / kCells), 0, 0});
    return v;
  });
  s.telemetry.rate_hz = kRatePerVehicle;
  s.telemetry.poisson = true;
  s.telemetry.rsu_rate_hz = 0;
  s.twin.dashboard_period_s = 0;
  s.twin.message_flops = 1;  // the twins are not under test
  s.orchestrator = constant_orchestrator(0, 0, 0.01, 0, 0, 0, 0);
  s.orchestrator.prepulled = {"*"};
  s.network.rate_steps = {{1000, 3375000}};  // 27 Mb/s
  s.migration.policy = "never";
  s.messaging.exponential_service = exponential;
  s.output.sample_period_s = 0;
  return s;
}

/// Mean time from the broker's host to the twin (the broker's sojourn: wait + service) after a 2 s warm-up
/// (the twins run on the broker's host: at_twin is the end of the broker's service).
double mean_broker_sojourn(const Collected& c, std::size_t& n)
{
  double sum = 0;
  n = 0;
  for (const MessageRecord& m : c.messages)
    if (m.outcome == MessageOutcome::Delivered && m.created > 2.0) {
      sum += m.at_twin - m.at_broker;
      ++n;
    }
  return sum / static_cast<double>(n);
}


} // namespace

TEST_CASE("a broker with exponential work under Poisson arrivals: M/M/1 mean sojourn 1/(mu - lambda)", "[sim][queue]")
{
  const Collected c = collect(queue_scenario(true));
  std::size_t n = 0;
  const double w = mean_broker_sojourn(c, n);
  REQUIRE(n > 150000);  // ~7000 /s over 30 s
  // M/M/1 (Kleinrock, Queueing Systems vol. 1, eq. 3.26): W = 1 / (mu - lambda) = 1/3000 s = 333.3 us.
  CHECK(w == Approx(1.0 / (kMu - kLambda)).epsilon(0.05));
}

TEST_CASE("a broker with constant work under Poisson arrivals: M/D/1 mean sojourn (Pollaczek-Khinchine)", "[sim][queue]")
{
  const Collected c = collect(queue_scenario(false));
  std::size_t n = 0;
  const double w = mean_broker_sojourn(c, n);
  REQUIRE(n > 150000);
  // Pollaczek-Khinchine with deterministic service: W = 1/mu + rho / (2 mu (1 - rho)) = 100 + 116.7 = 216.7 us.
  const double rho = kLambda / kMu;
  CHECK(w == Approx(1.0 / kMu + rho / (2 * kMu * (1 - rho))).epsilon(0.05));
}

namespace {

// One parked vehicle in r0's cell (MEC m0) at 10 Hz; a scripted migration of its twin to m1 at t = 20 s with
// stateless-restart: downtime = stop 0.5 + cleanup 0.1 + request 0.3 + scheduling 0.05 + start 2 + readiness 0.5.
constexpr double kDowntime = 0.5 + 0.1 + 0.3 + 0.05 + 2.0 + 0.5;

Scenario restart_scenario(int qos, std::uint32_t session_queue)
{
  Scenario s = schema_defaults();
  s.infrastructure = TinyInfra().mec("m0", 0, 0).mec("m1", 1000, 0).rsu("r0", 0, 0, "m0").cell_radius(300).build();
  s.mobility.trace = write_fcd("one.fcd.xml", 0, 40, [](double) {
    return std::vector<TracePoint>{{"v0", 5, 0, 0, 0}};  // 5 m from r0: no frame error at 27 Mb/s
  });
  s.telemetry.rate_hz = 10;
  s.telemetry.start_jitter_s = 0;
  s.telemetry.rsu_rate_hz = 0;
  s.twin.dashboard_period_s = 0;
  s.orchestrator = constant_orchestrator(0.3, 0.05, 2.0, 0.5, 0.3, 0.5, 0.1);
  s.orchestrator.prepulled = {"*"};
  s.network.rate_steps = {{1000, 3375000}};
  s.migration.policy = "never";
  s.migration.manual = {{20.0, "v0", "m1"}};
  s.messaging.qos = qos;
  s.messaging.session_queue = session_queue;
  s.output.sample_period_s = 0;
  return s;
}

std::size_t count(const Collected& c, MessageOutcome o, double from = 0, double to = 1e9)
{
  return static_cast<std::size_t>(std::count_if(c.messages.begin(), c.messages.end(), [&](const MessageRecord& m) {
    return m.outcome == o && m.created >= from && m.created < to;
  }));
}

const MigrationRecord& manual_migration(const Collected& c)
{
  auto it = std::find_if(c.migrations.begin(), c.migrations.end(),
                         [](const MigrationRecord& m) { return m.reason == MigrationReason::Manual; });
  REQUIRE(it != c.migrations.end());
  return *it;
}

} // namespace

TEST_CASE("QoS 0 loses rate x downtime messages across a stateless restart", "[sim][qos]")
{
  const Collected c = collect(restart_scenario(0, 0));
  const MigrationRecord& m = manual_migration(c);
  REQUIRE(m.downtime == Approx(kDowntime).epsilon(1e-9));
  CHECK(std::abs(static_cast<double>(count(c, MessageOutcome::Lost, 19.0)) - 10 * kDowntime) <= 1.0);
  for (const MessageRecord& r : c.messages)
    if (r.outcome == MessageOutcome::Lost && r.created >= 19.0)
      CHECK(r.cause == MessageCause::Migration);  // none on the radio 5 m from the RSU
}

TEST_CASE("QoS 1 loses no message across a stateless restart: they arrive when the twin is back", "[sim][qos]")
{
  const Collected c = collect(restart_scenario(1, 1000));
  const MigrationRecord& m = manual_migration(c);
  CHECK(count(c, MessageOutcome::Lost) == 0);
  CHECK(count(c, MessageOutcome::Dropped) == 0);
  CHECK(count(c, MessageOutcome::Delivered) == c.messages.size());
  // The ones published during the downtime reach the new instance on m1 together, once it serves (after the
  // bridge from broker-m0 to broker-m1: 2 ms of MEC link plus their bytes at 1.25 GB/s, and broker service).
  const double back = m.finished;
  std::size_t kept = 0;
  for (const MessageRecord& r : c.messages)
    if (r.created > m.requested + 0.3 && r.created < back - 0.01) {
      ++kept;
      CHECK(r.site == 1);
      CHECK(r.at_twin >= back);
      CHECK(r.at_twin < back + 0.01);
    }
  CHECK(std::abs(static_cast<double>(kept) - 10 * kDowntime) <= 1.0);
}

TEST_CASE("QoS 1 with a bounded session drops what does not fit, and records the drops", "[sim][qos]")
{
  const Collected c = collect(restart_scenario(1, 10));
  // About 34.5 messages meet the downtime; the session keeps 10, the rest is dropped.
  CHECK(count(c, MessageOutcome::Lost) == 0);
  CHECK(std::abs(static_cast<double>(count(c, MessageOutcome::Dropped, 19.0)) - (10 * kDowntime - 10)) <= 1.0);
}

TEST_CASE("cooperation: a twin gets the CAMs of the areas around its station, and only those", "[sim][topics]")
{
  // A and B parked in area 0_0 (500 m areas) 5 m from r0, C in area 3_0 (1600 m east, under r1): with cooperation_areas = 1
  // each of A's and B's twins also subscribes to v2x/<area>/+/cam for the 3 x 3 areas around 0_0, which do not
  // include 3_0. So every CAM of A that reaches its own twin also reaches B's (both serve from the same
  // instant), and vice versa; C's reach nobody else, and nobody's reach C's twin.
  Scenario s = restart_scenario(0, 0);
  s.migration.manual.clear();
  s.infrastructure = TinyInfra().mec("m0", 0, 0).rsu("r0", 0, 0, "m0").rsu("r1", 1600, 0, "m0").cell_radius(300)
                         .build();
  s.mobility.trace = write_fcd("three.fcd.xml", 0, 20, [](double) {
    return std::vector<TracePoint>{{"A", 3, 4, 0, 0}, {"B", 4, 3, 0, 0}, {"C", 1600, 5, 0, 0}};
  });
  s.twin.cooperation_areas = 1;
  Summary summary;
  const Collected c = collect(s, &summary);
  std::size_t delivered_ab = 0;
  for (const MessageRecord& m : c.messages)
    if (m.outcome == MessageOutcome::Delivered && m.station != 4)  // stations: r0, r1, then A, B, C
      ++delivered_ab;
  REQUIRE(delivered_ab > 300);
  CHECK(summary.cooperative_deliveries == delivered_ab);
}
