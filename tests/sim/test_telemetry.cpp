// The telemetry path on a one-MEC platform: radio sharing, the rate cap by distance, coverage.
#include "run/run.hpp"
#include "proto/scenario_defaults.hpp"
#include "support/sim_scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace v2x;
using namespace v2x::test;

namespace {

constexpr double kCell = 750000;  // B/s
constexpr double kLatency = 0.002 + 0.001;  // cell + RSU-MEC link

Scenario one_cell(const std::function<std::vector<TracePoint>(double)>& trace)
{
  Scenario s = schema_defaults();
  s.infrastructure = TinyInfra()
                         .mec("m0", 0, 0)
                         .rsu("r0", 0, 0, "m0")
                         .cell_radius(300)
                         .cell_capacity(kCell)
                         .cell_latency(0.002)
                         .rsu_link(125e6, 0.001)
                         .build();
  s.mobility.trace = write_fcd("one_cell.fcd.xml", 0, 10, trace);
  s.telemetry.rate_hz = 1;
  s.telemetry.start_jitter_s = 0;
  s.telemetry.rsu_rate_hz = 0;
  s.twin.dashboard_period_s = 0;
  s.orchestrator = constant_orchestrator(0, 0, 0.5, 0, 0, 0, 0);
  s.orchestrator.prepulled = {"*"};
  s.network.rate_steps = {{100, 1e6}, {300, 1e5}};
  s.output.sample_period_s = 0;
  return s;
}


} // namespace

TEST_CASE("two vehicles sending at once in one cell share its capacity (max-min)", "[sim]")
{
  // Two parked vehicles 50 m from the RSU (rate cap 1 MB/s > cell): both send at t = 0, 1, 2, ...
  const Collected c = collect(one_cell([](double) {
    return std::vector<TracePoint>{{"a", 50, 0, 0, 0}, {"b", 0, 50, 0, 0}};
  }));
  std::map<double, std::vector<MessageRecord>> by_time;
  for (const MessageRecord& m : c.messages)
    by_time[m.created].push_back(m);
  int checked = 0;
  for (auto& [t, pair] : by_time) {
    if (pair.size() != 2)
      continue;
    std::sort(pair.begin(), pair.end(), [](auto& x, auto& y) { return x.size_b < y.size_b; });
    const double s1 = pair[0].size_b, s2 = pair[1].size_b;
    // Hand computation: both get C/2 until the smaller is done at 2 s1 / C; the other then has C alone.
    CHECK(pair[0].at_broker - t == Approx(kLatency + 2 * s1 / kCell).epsilon(1e-9));
    CHECK(pair[1].at_broker - t == Approx(kLatency + (s1 + s2) / kCell).epsilon(1e-9));
    // About twice the bandwidth time of one alone (s / C).
    CHECK((pair[1].at_broker - t - kLatency) / (s2 / kCell) == Approx(2.0).epsilon(0.1));
    ++checked;
  }
  CHECK(checked >= 9);
}

TEST_CASE("a vehicle far from its RSU sends at the rate of its distance step", "[sim]")
{
  // 250 m from the RSU: the 300 m step's 100 kB/s caps the uplink below the cell's 750 kB/s.
  const Collected c = collect(one_cell([](double) { return std::vector<TracePoint>{{"far", 250, 0, 0, 0}}; }));
  REQUIRE(!c.messages.empty());
  for (const MessageRecord& m : c.messages)
    CHECK(m.at_broker - m.created == Approx(kLatency + m.size_b / 1e5).epsilon(1e-9));
}

TEST_CASE("a vehicle outside every cell cannot send: its messages are recorded as not sent", "[sim]")
{
  const Collected c = collect(one_cell([](double) { return std::vector<TracePoint>{{"out", 400, 0, 0, 0}}; }));
  REQUIRE(c.messages.size() == 10);  // t = 0 .. 9 (it leaves at its last sample, t = 10)
  for (const MessageRecord& m : c.messages)
    CHECK(m.outcome == MessageOutcome::NotSent);
}
