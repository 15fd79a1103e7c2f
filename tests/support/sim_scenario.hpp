#pragma once
// Support for simulation tests: scenarios built in code over tiny platforms (TinyInfra) and traces written
// by the test, plus an observer that keeps every record.
#include "config/scenario.hpp"
#include "proto/scenario_defaults.hpp"
#include "run/run.hpp"
#include "metrics/observer.hpp"
#include "support/tiny_infra.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

namespace v2x::test {

struct Collected final : RecordObserver {
  std::vector<MessageRecord> messages;
  std::vector<HandoverRecord> handovers;
  std::vector<MigrationRecord> migrations;
  std::vector<PhaseRecord> phases;
  void on_message(const MessageRecord& r) override { messages.push_back(r); }
  void on_handover(const HandoverRecord& r) override { handovers.push_back(r); }
  void on_migration(const MigrationRecord& r) override { migrations.push_back(r); }
  void on_phase(const PhaseRecord& r) override { phases.push_back(r); }
};

/// Runs a scenario without writing output and returns every record (one engine per process: once per test).
inline Collected collect(const Scenario& s, Summary* summary = nullptr)
{
  Collected c;
  RunOptions options;
  options.write_output = false;
  options.observer = &c;
  if (std::getenv("V2X_TEST_LOG") != nullptr)  // tests/sim/main.cpp silences logs unless this is set
    options.engine_args = {"--log=v2x.thresh:verbose"};
  const RunResult result = run_scenario(s, options);
  if (summary != nullptr)
    *summary = result.summary;
  return c;
}

/// A scratch directory for this test process.
inline std::filesystem::path scratch_dir()
{
  auto dir = std::filesystem::temp_directory_path() / ("v2x-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

struct TracePoint {
  std::string id;
  double x, y, angle, speed;
};

/// Writes a SUMO FCD XML file with one timestep per second from t0 to t1 (inclusive); `at(t)` gives the
/// vehicles present at t.
inline std::string write_fcd(const std::string& name, double t0, double t1,
                             const std::function<std::vector<TracePoint>(double)>& at)
{
  const auto path = scratch_dir() / name;
  std::ofstream out(path);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<fcd-export>\n";
  for (double t = t0; t <= t1 + 1e-9; t += 1.0) {
    out << "  <timestep time=\"" << t << "\">\n";
    for (const TracePoint& p : at(t))
      out << "    <vehicle id=\"" << p.id << "\" x=\"" << p.x << "\" y=\"" << p.y << "\" angle=\"" << p.angle
          << "\" type=\"car\" speed=\"" << p.speed << "\" pos=\"0\" lane=\"e_0\" slope=\"0\"/>\n";
    out << "  </timestep>\n";
  }
  out << "</fcd-export>\n";
  return path.string();
}

/// A straight road on y = 0 with two cells: r0 at x = 0 on MEC m0, r1 at x = 1000 m on MEC m1, radius 600 m, a
/// 750 kB/s cell with 2 ms of radio latency, 1 Gb/s 1 ms RSU links, 10 Gb/s 2 ms between the MECs, a 100 Mb/s
/// 20 ms image registry. Tests adjust it before build().
inline TinyInfra two_mec_road()
{
  TinyInfra t;
  t.mec("m0", 0, 0)
      .mec("m1", 1000, 0)
      .rsu("r0", 0, 0, "m0")
      .rsu("r1", 1000, 0, "m1")
      .cell_radius(600)
      .cell_capacity(750000)
      .cell_latency(0.002)
      .rsu_link(125e6, 0.001)
      .mec_link(1.25e9, 0.002)
      .registry_link(12.5e6, 0.02);
  return t;
}

/// Orchestrator delays all constant, so that a migration's phases can be summed by hand.
inline OrchestratorConfig constant_orchestrator(double request, double scheduling, double start, double readiness,
                                                double terminate_request, double stop, double cleanup)
{
  OrchestratorConfig o = schema_defaults().orchestrator;
  o.request = Distribution::constant(request);
  o.scheduling = Distribution::constant(scheduling);
  o.container_start = Distribution::constant(start);
  o.readiness = Distribution::constant(readiness);
  o.terminate_request = Distribution::constant(terminate_request);
  o.container_stop = Distribution::constant(stop);
  o.cleanup = Distribution::constant(cleanup);
  o.readiness_from_probe = false;  // the readiness given, not the probe's law (as a scenario that sets it)
  return o;
}

} // namespace v2x::test
