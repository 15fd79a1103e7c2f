// The telemetry path on a one-MEC platform: the 802.11p channel of one cell, the rate step by distance, coverage.
#include "radio/loss.hpp"
#include "radio/phy.hpp"
#include "run/run.hpp"
#include "proto/scenario_defaults.hpp"
#include "support/sim_scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

using namespace v2x;
using namespace v2x::test;

namespace {

// 802.11p rates of the two steps: <= 100 m 27 Mb/s, <= 300 m 3 Mb/s (B/s in the scenario).
constexpr double kFast = 3375000, kSlow = 375000;

Scenario one_cell(const std::function<std::vector<TracePoint>(double)>& trace)
{
  Scenario s = schema_defaults();
  s.infrastructure = TinyInfra()
                         .mec("m0", 0, 0)
                         .rsu("r0", 0, 0, "m0")
                         .cell_radius(300)
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
  s.network.rate_steps = {{100, kFast}, {300, kSlow}};
  s.output.sample_period_s = 0;
  return s;
}

/// IEEE 802.11-2016 clause 17 (Eq. 17-29) by hand, 10 MHz: T_PREAMBLE 32 + T_SIGNAL 8 = 40 µs, then 8 µs symbols
/// of N_DBPS data bits carrying 16 SERVICE bits, the 8 L bits of the PSDU and 6 tail bits.
double airtime_by_hand(std::uint32_t psdu_b, std::uint32_t n_dbps)
{
  return 40e-6 + 8e-6 * std::ceil((16.0 + 8.0 * psdu_b + 6.0) / n_dbps);
}

} // namespace

TEST_CASE("two vehicles sending at once in one cell both get their frames through the channel", "[sim]")
{
  // Two parked vehicles 5 m from the RSU (27 Mb/s step): both generate at t = 0, 1, 2, ... At 5 m the frame error
  // probability is ~2e-4 per attempt, so with 7 attempts nothing is lost; the two frames contend for one medium,
  // so one of them waits for the other's exchange.
  const radio::LossModel loss;
  REQUIRE(loss.per(5, kFast * 8e-6) < 1e-3);
  const Collected c = collect(one_cell([](double) {
    return std::vector<TracePoint>{{"a", 5, 0, 0, 0}, {"b", 0, 5, 0, 0}};
  }));
  const radio::Phy phy;
  const double aifs = radio::Edca::ocb(radio::AccessCategory::BestEffort).aifs_s(phy);
  REQUIRE(aifs == Approx(110e-6).epsilon(1e-12));  // SIFS 32 µs + 6 x 13 µs slots
  std::map<double, std::vector<MessageRecord>> by_time;
  for (const MessageRecord& m : c.messages) {
    if (m.cause == MessageCause::NoTwinYet)
      continue;  // reached the broker before the twins' first placement ended
    REQUIRE(m.outcome == MessageOutcome::Delivered);  // nothing lost on the radio so close
    CHECK(m.cause == MessageCause::Ok);
    by_time[m.created].push_back(m);
  }
  int checked = 0;
  for (auto& [t, pair] : by_time) {
    if (pair.size() != 2)
      continue;
    std::sort(pair.begin(), pair.end(), [](auto& x, auto& y) { return x.at_rsu < y.at_rsu; });
    for (const MessageRecord& m : pair) {
      // Its own exchange at 27 Mb/s (N_DBPS 216) and the ACK at the highest basic rate <= 27, 6 Mb/s.
      const double air = phy.airtime_s(m.size_b, 27);
      CHECK(air == Approx(airtime_by_hand(m.size_b, 216)).epsilon(1e-12));
      CHECK(m.at_rsu - t >= air + phy.sifs_s + phy.ack_airtime_s(27) - 1e-12);
      // Backhaul by hand from the end of the radio exchange: RSU link 1 ms + size / 125 MB/s.
      CHECK(m.at_broker - m.at_rsu == Approx(0.001 + m.size_b / 125e6).epsilon(1e-9));
    }
    // One medium: the second exchange starts after the first one ended and the medium was idle for AIFS.
    const double second_air = phy.airtime_s(pair[1].size_b, 27) + phy.sifs_s + phy.ack_airtime_s(27);
    CHECK(pair[1].at_rsu - pair[0].at_rsu >= aifs + second_air - 1e-12);
    ++checked;
  }
  CHECK(checked >= 9);
}

TEST_CASE("a vehicle far from its RSU sends at the rate of its distance step", "[sim]")
{
  // 150 m from the RSU: the 300 m step, 3 Mb/s (N_DBPS 24 on 10 MHz). A PSDU of L bytes then takes
  // 40 µs + 8 µs x ceil((16 + 8 L + 6) / 24), e.g. 848 µs for L = 300 B instead of 40 + 8 x ceil(2422 / 216) = 136 µs
  // at 27 Mb/s; the ACK (14 B) at 3 Mb/s takes 40 + 8 x ceil(134 / 24) = 88 µs, and SIFS 32 µs sits between.
  const Collected c = collect(one_cell([](double) { return std::vector<TracePoint>{{"far", 150, 0, 0, 0}}; }));
  const radio::Phy phy;
  CHECK(airtime_by_hand(300, 24) == Approx(848e-6).epsilon(1e-12));
  CHECK(phy.ack_airtime_s(3) == Approx(88e-6).epsilon(1e-12));
  REQUIRE(!c.messages.empty());
  double fastest = 1e9;
  std::size_t delivered = 0;
  for (const MessageRecord& m : c.messages) {
    if (m.outcome != MessageOutcome::Delivered) {
      if (m.cause == MessageCause::NoTwinYet)
        continue;  // before the twin's first placement ended
      CHECK(m.cause == MessageCause::Radio);  // a frame error probability of ~0.2 per attempt at 150 m
      continue;
    }
    ++delivered;
    const double exchange = airtime_by_hand(m.size_b, 24) + 32e-6 + 88e-6;
    CHECK(phy.airtime_s(m.size_b, 3) == Approx(airtime_by_hand(m.size_b, 24)).epsilon(1e-12));
    CHECK(m.at_rsu - m.created >= exchange - 1e-12);
    fastest = std::min(fastest, m.at_rsu - m.created - exchange);
    CHECK(m.at_broker - m.at_rsu == Approx(0.001 + m.size_b / 125e6).epsilon(1e-9));
  }
  REQUIRE(delivered >= 5);
  // A frame offered with the medium idle for long and no backoff pending goes at once (§10.22.2.2), and a first
  // attempt succeeds with probability ~0.8: the fastest frame took exactly its slow exchange (not the 27 Mb/s one).
  CHECK(fastest == Approx(0).margin(1e-9));
}

TEST_CASE("a vehicle outside every cell cannot send: its messages are recorded as not sent", "[sim]")
{
  const Collected c = collect(one_cell([](double) { return std::vector<TracePoint>{{"out", 400, 0, 0, 0}}; }));
  REQUIRE(c.messages.size() == 10);  // t = 0 .. 9 (it leaves at its last sample, t = 10)
  for (const MessageRecord& m : c.messages) {
    CHECK(m.outcome == MessageOutcome::NotSent);
    CHECK(m.cause == MessageCause::NoCoverage);
  }
}
