// Energy of a site (edge/energy.hpp) against the hand computation idle W x T + (full - idle) W x busy fraction x T,
// and SimGrid's host energy plugin, metering real executions, against the same formula: the cross-check that the
// meter's busy term (the twins' FCFS processing is not SimGrid executions) is what the plugin would give.
#include "edge/energy.hpp"
#include "edge/mec_ledger.hpp"
#include "proto/scenario_defaults.hpp"
#include "support/test_engine.hpp"
#include "support/tiny_infra.hpp"
#include "topology/infrastructure.hpp"
#include "topology/platform.hpp"

#include <catch2/catch.hpp>
#include <simgrid/plugins/energy.h>

using namespace v2x;
using v2x::test::kExactFlags;
using v2x::test::TestEngine;
using v2x::test::TinyInfra;
namespace sg4 = simgrid::s4u;

namespace {
// One 4-core MEC of 1 Gflop/s cores, 100 W idle and 300 W with every core busy (round figures: the formula is
// what is checked, not the figures), 7 W off.
constexpr double kIdle = 100, kFull = 300, kOff = 7;
constexpr std::uint32_t kCores = 4;

Infrastructure one_mec()
{
  InfrastructureConfig cfg = TinyInfra().mec("m0", 0, 0).rsu("r0", 0, 0, "m0").build();
  cfg.mecs[0].cores = kCores;
  cfg.mecs[0].core_speed_flops_per_s = 1e9;
  cfg.mecs[0].idle_w = kIdle;
  cfg.mecs[0].full_w = kFull;
  cfg.mecs[0].off_w = kOff;
  return Infrastructure::from_config(cfg);
}
} // namespace

TEST_CASE("energy plugin: real executions on a 4-core site give idle x T + (full - idle) x busy fraction x T",
          "[energy]")
{
  TestEngine engine(kExactFlags);
  EnergyMeter::init_plugin();
  const Infrastructure infra = one_mec();
  Platform p = Platform::build(infra, *engine);
  sg4::Host* mec = p.site_host(0);
  CHECK(sg_host_get_wattmin_at(mec, 0) == kIdle);  // the properties reached the plugin
  CHECK(sg_host_get_wattmax_at(mec, 0) == kFull);
  double energy = -1;
  // Two cores busy for 10 s from t = 0, one core for 5 s from t = 20, idle otherwise, until t = 30:
  // busy core-seconds 2 x 10 + 5 = 25 over 30 s.
  for (int k = 0; k < 2; ++k)
    sg4::Actor::create("w" + std::to_string(k), mec, [] { sg4::this_actor::execute(10e9); });
  sg4::Actor::create("late", mec, [] {
    sg4::this_actor::sleep_until(20);
    sg4::this_actor::execute(5e9);
  });
  sg4::Actor::create("meter", mec, [&] {
    sg4::this_actor::sleep_until(30);
    energy = sg_host_get_consumed_energy(sg4::Host::by_name("m0"));
  });
  (*engine).run();
  // By hand: 100 W x 30 s + (300 - 100) W x 25 core-s / 4 cores = 3000 + 1250 = 4250 J. The plugin integrates the
  // same piecewise-constant power exactly, so only rounding separates them (1e-6 relative is far above it).
  CHECK(energy_by_hand(kIdle, kFull, kCores, 30, 25) == Approx(4250).epsilon(1e-12));
  CHECK(energy == Approx(4250).epsilon(1e-6));
}

TEST_CASE("EnergyMeter: the plugin's idle meter plus the ledger's busy core-seconds equals the hand computation, and "
          "an off site draws its off power",
          "[energy]")
{
  TestEngine engine(kExactFlags);
  EnergyMeter::init_plugin();
  const Infrastructure infra = one_mec();
  Platform p = Platform::build(infra, *engine);
  const TwinConfig twin = schema_defaults().twin;
  MecLedger ledger(infra.sites(), twin, {}, true);
  EnergyMeter meter(p, infra.sites(), ledger);
  double at30 = -1, at50 = -1;
  sg4::Actor::create("meter", p.site_host(infra.cloud()), [&] {
    // 25 core-seconds of message processing (what twin_book's FCFS servers add), no SimGrid execution.
    ledger.add_busy(0, 25);
    sg4::this_actor::sleep_until(30);
    at30 = meter.energy_j(0);
    p.site_host(0)->turn_off();  // off from 30 to 40 s: 7 W
    sg4::this_actor::sleep_until(40);
    p.site_host(0)->turn_on();
    sg4::this_actor::sleep_until(50);
    at50 = meter.energy_j(0);
  });
  (*engine).run();
  // The same 4250 J as the plugin gives with real executions (previous test case), to 1e-6 relative.
  CHECK(at30 == Approx(energy_by_hand(kIdle, kFull, kCores, 30, 25)).epsilon(1e-6));
  CHECK(at30 == Approx(4250).epsilon(1e-6));
  // Then 10 s off (7 W) and 10 s idle (100 W): + 70 + 1000 J.
  CHECK(at50 == Approx(4250 + 70 + 1000).epsilon(1e-6));
}

TEST_CASE("EnergyMeter under a MEC outage: idle W x up time + off W x down time + the busy term, by hand", "[energy]")
{
  // The fault injector marks the site down in the MEC ledger (MEC_DOWN) without turning its SimGrid host off (see
  // edge/energy.hpp for why): the meter swaps the idle power for the off power over the ledger's down time.
  TestEngine engine(kExactFlags);
  EnergyMeter::init_plugin();
  const Infrastructure infra = one_mec();
  Platform p = Platform::build(infra, *engine);
  const TwinConfig twin = schema_defaults().twin;
  MecLedger ledger(infra.sites(), twin, {}, true);
  EnergyMeter meter(p, infra.sites(), ledger);
  double at10 = -1, at25 = -1, at60 = -1, down25 = -1, down60 = -1;
  sg4::Actor::create("faults", p.site_host(infra.cloud()), [&] {
    ledger.add_busy(0, 12);  // 12 core-seconds of message processing before the outage
    sg4::this_actor::sleep_until(10);
    at10 = meter.energy_j(0);
    ledger.set_down(0, true, 10);  // down from 10 to 30 s
    sg4::this_actor::sleep_until(25);
    at25 = meter.energy_j(0);
    down25 = ledger.down_s(0, 25);
    sg4::this_actor::sleep_until(30);
    ledger.set_down(0, false, 30);
    ledger.add_busy(0, 8);  // 8 more after it
    sg4::this_actor::sleep_until(60);
    at60 = meter.energy_j(0);
    down60 = ledger.down_s(0, 60);
  });
  (*engine).run();
  CHECK(meter.off_w(0) == kOff);
  CHECK(down25 == Approx(15).epsilon(1e-12));
  CHECK(down60 == Approx(20).epsilon(1e-12));
  // By hand: 100 W x 10 s + 200 W x 12 / 4 = 1000 + 600 = 1600 J at 10 s; + 7 W x 15 s = 1705 J at 25 s;
  // at 60 s: 100 W x 40 s up + 7 W x 20 s down + 200 W x 20 core-s / 4 cores = 4000 + 140 + 1000 = 5140 J.
  CHECK(at10 == Approx(1600).epsilon(1e-9));
  CHECK(at25 == Approx(1705).epsilon(1e-9));
  CHECK(at60 == Approx(5140).epsilon(1e-9));
  CHECK(at60 == Approx(energy_by_hand(kIdle, kFull, kOff, kCores, 60, 20, 20)).epsilon(1e-12));
}

TEST_CASE("the energy defaults are two SPECpower_ssj2008 results per core: a one-socket MEC, a two-socket cloud",
          "[energy]")
{
  // scenario.proto, Energy: ASUSTeK RS500A-E10-PS4, 1 x AMD EPYC 7742 (64 cores), 51.4 W at active idle and 214 W
  // at 100 % target load (SPEC result power_ssj2008-20191125-01011); ASUSTeK RS700A-E9-RS4V2, 2 x EPYC 7742 (128
  // cores), 106 W and 430 W (power_ssj2008-20200313-01020).
  const Scenario& d = schema_defaults();
  CHECK(d.energy.idle_w_per_core * 64 == Approx(51.4).epsilon(1e-15));
  CHECK(d.energy.full_w_per_core * 64 == Approx(214.0).epsilon(1e-15));
  CHECK(d.energy.cloud_idle_w_per_core * 128 == Approx(106.0).epsilon(1e-15));
  CHECK(d.energy.cloud_full_w_per_core * 128 == Approx(430.0).epsilon(1e-15));
  CHECK(d.energy.off_w_per_core == 0);
  // The cloud's own figures follow from its cores (1024 by default) and the cloud class.
  CHECK(d.infrastructure.cloud.idle_w == Approx(106.0 / 128 * d.infrastructure.cloud.cores).epsilon(1e-15));
  CHECK(d.infrastructure.cloud.full_w == Approx(430.0 / 128 * d.infrastructure.cloud.cores).epsilon(1e-15));
}
