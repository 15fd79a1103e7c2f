// describe(): what a loaded scenario would run, for `v2xsim validate` and run logs.
#include "config/loader.hpp"
#include "config/validate.hpp"

#include <sstream>

namespace v2x {

namespace {

/// "750000 B/s (6 Mb/s)"
std::string rate_text(double bytes_per_s)
{
  return number_text(bytes_per_s) + " B/s (" + number_text(bytes_per_s * 8 / 1e6) + " Mb/s)";
}

std::string latency_text(double s)
{
  return number_text(s * 1e3) + " ms";
}

std::string format_name(TraceFormat f)
{
  switch (f) {
  case TraceFormat::SumoFcd:
    return "SUMO FCD";
  case TraceFormat::Csv:
    return "CSV";
  case TraceFormat::Ns2:
    return "ns-2";
  case TraceFormat::Auto:
    break;
  }
  return "auto-detected";
}

constexpr std::size_t kListed = 8; // RSUs/MECs listed one per line before "... and N more"

} // namespace

std::string describe(const Scenario& s)
{
  std::ostringstream o;
  const InfrastructureConfig& inf = s.infrastructure;
  o << "scenario '" << s.name << "'";
  if (!s.source_file.empty())
    o << " from " << s.source_file;
  o << "\n";
  o << "  seed " << s.seed << ", duration "
    << (s.duration_s > 0 ? number_text(s.duration_s) + " s" : std::string("until the trace ends")) << "\n";

  o << "mobility: trace " << s.mobility.trace << " (" << format_name(s.mobility.format) << "), a vehicle unseen for "
    << number_text(s.mobility.max_gap_s) << " s has left, trace time " << number_text(s.mobility.start_s)
    << " s = simulated 0, "
    << (s.mobility.max_vehicles > 0 ? "first " + std::to_string(s.mobility.max_vehicles) + " vehicles"
                                    : std::string("all vehicles"))
    << "\n";

  o << "infrastructure: " << inf.rsus.size() << " RSUs, " << inf.mecs.size() << " MECs + cloud, " << inf.brokers.size()
    << " brokers, " << inf.routers.size() << " routers, " << inf.links.size() << " backhaul links; platform "
    << (inf.platform.empty() ? std::string("generated from the layout") : "from " + inf.platform) << "\n";
  for (std::size_t i = 0; i < inf.rsus.size() && i < kListed; ++i) {
    const RsuConfig& r = inf.rsus[i];
    o << "  RSU " << r.id << " at (" << number_text(r.x_m) << ", " << number_text(r.y_m) << ") m, cell radius "
      << number_text(r.cell_radius_m) << " m, capacity " << rate_text(r.cell_capacity_bps) << ", latency "
      << latency_text(r.cell_latency_s) << ", backhaul to " << r.mec << "\n";
  }
  if (inf.rsus.size() > kListed)
    o << "  ... and " << inf.rsus.size() - kListed << " more RSUs\n";
  for (std::size_t i = 0; i < inf.mecs.size() && i < kListed; ++i) {
    const MecConfig& m = inf.mecs[i];
    o << "  MEC " << m.id << " at (" << number_text(m.x_m) << ", " << number_text(m.y_m) << ") m: " << m.cores
      << " cores x " << number_text(m.core_speed_flops_per_s) << " flop/s, " << number_text(m.memory_mb) << " MiB, "
      << m.pod_slots << " pod slots, " << m.max_concurrent_ops << " orchestrator operations at once\n";
  }
  if (inf.mecs.size() > kListed)
    o << "  ... and " << inf.mecs.size() - kListed << " more MECs\n";
  o << "  cloud: " << inf.cloud.cores << " cores x " << number_text(inf.cloud.core_speed_flops_per_s) << " flop/s, "
    << number_text(inf.cloud.memory_mb) << " MiB, " << inf.cloud.pod_slots << " pod slots; MEC link "
    << rate_text(inf.cloud.link_bandwidth_bps) << ", " << latency_text(inf.cloud.link_latency_s) << "\n";
  o << "  brokers:";
  for (std::size_t i = 0; i < inf.brokers.size() && i < kListed; ++i)
    o << " " << inf.brokers[i].id << "@" << inf.brokers[i].site;
  if (inf.brokers.size() > kListed)
    o << " ... and " << inf.brokers.size() - kListed << " more";
  o << "\n";
  o << "  image registry: " << rate_text(inf.image_registry_bandwidth_bps) << ", "
    << latency_text(inf.image_registry_latency_s) << " to each MEC\n";

  o << "telemetry: " << number_text(s.telemetry.rate_hz) << " Hz per vehicle, RSU status "
    << number_text(s.telemetry.rsu_rate_hz) << " Hz x " << number_text(s.telemetry.rsu_message_b) << " B, topic areas "
    << number_text(s.telemetry.area_size_m) << " m, start jitter "
    << (s.telemetry.start_jitter_s < 0 ? std::string("one period") : number_text(s.telemetry.start_jitter_s) + " s")
    << "\n";

  o << "twin: " << number_text(s.twin.cpu_cores) << " cores, " << number_text(s.twin.memory_mb) << " MiB, image "
    << number_text(s.twin.image_b) << " B, state " << number_text(s.twin.state_b) << " B, "
    << number_text(s.twin.message_flops) << " flop per message, dashboard "
    << (s.twin.dashboard_period_s > 0 ? "every " + number_text(s.twin.dashboard_period_s) + " s x " +
                                            number_text(s.twin.dashboard_message_b) + " B"
                                      : std::string("off"))
    << "\n  mode " << (s.twin.mode == TwinMode::Hybrid ? "HYBRID (edge twin + cloud twin, sync every " +
                                                            number_text(s.twin.hybrid.sync_period_s) + " s)"
                       : s.twin.mode == TwinMode::Cloud ? std::string("CLOUD")
                                                         : std::string("EDGE"))
    << ", state window " << number_text(s.twin.state_window_s) << " s"
    << (s.tsdb.enabled ? ", time-series store on " + s.tsdb.site : std::string()) << "\n";

  const OrchestratorConfig& orch = s.orchestrator;
  o << "orchestrator: request " << orch.request.describe() << ", scheduling " << orch.scheduling.describe()
    << ", container start " << orch.container_start.describe() << ", readiness "
    << (orch.readiness_from_probe ? "probe every " + number_text(orch.readiness_period_s) + " s after " +
                                        number_text(orch.readiness_initial_delay_s) + " s"
                                  : orch.readiness.describe())
    << "\n  terminate: request " << orch.terminate_request.describe() << ", container stop "
    << orch.container_stop.describe() << ", cleanup " << orch.cleanup.describe() << "\n  image cache "
    << (orch.image_cache ? "on" : "off") << ", prepulled on: ";
  if (orch.prepulled.empty())
    o << "none";
  for (std::size_t i = 0; i < orch.prepulled.size(); ++i)
    o << (i > 0 ? ", " : "") << orch.prepulled[i];
  o << "\n";

  o << "migration: policy " << s.migration.policy << ", mechanism " << s.migration.mechanism << ", decision every "
    << number_text(s.migration.decision_interval_s) << " s, " << s.migration.manual.size()
    << " scripted manual migrations\n";

  if (!s.faults.empty() || !s.random_faults.empty()) {
    static const char* const kinds[] = {"MEC_DOWN", "LINK_DOWN", "BROKER_DOWN", "RSU_DOWN", "ORCHESTRATOR_DOWN",
                                        "MEC_DEGRADED"};
    o << "faults: " << s.faults.size() << " scheduled, " << s.random_faults.size()
      << " random entries; healing: detection after " << number_text(s.healing.detection_delay_s) << " s"
      << (s.healing.recover ? "" : ", no recovery") << "\n";
    for (const FaultConfig& f : s.faults)
      o << "  " << kinds[static_cast<int>(f.kind)] << " " << (f.target.empty() ? "orchestrator" : f.target)
        << " at " << number_text(f.at_s) << " s for " << number_text(f.for_s) << " s"
        << (f.kind == FaultKind::MecDegraded ? " (CPU x " + number_text(f.factor) + ")" : std::string()) << "\n";
    for (const RandomFaultConfig& r : s.random_faults) {
      o << "  random " << kinds[static_cast<int>(r.kind)] << " on";
      for (const auto& t : r.targets)
        o << " " << t;
      o << ": MTBF " << number_text(r.mtbf_s) << " s, MTTR " << number_text(r.mttr_s) << " s (availability "
        << number_text(r.mtbf_s / (r.mtbf_s + r.mttr_s)) << ")\n";
    }
  }

  o << "network: " << (s.network.model == NetworkModel::Cm02 ? "CM02 (latencies as given)" : "LV08 (SimGrid TCP model)")
    << "; radio rate by distance:";
  for (const RateStep& r : s.network.rate_steps)
    o << " <=" << number_text(r.distance_m) << " m " << number_text(r.rate_bps * 8 / 1e6) << " Mb/s;";
  o << "\n";

  o << "output: " << s.output.path << ", " << (s.output.messages.mode == MessagesMode::All       ? std::string("one row per message")
      : s.output.messages.mode == MessagesMode::None ? std::string("no per-message rows")
                                                     : "one message row in " + std::to_string(s.output.messages.sample_every))
    << ", samples "
    << (s.output.sample_period_s > 0 ? "every " + number_text(s.output.sample_period_s) + " s" : std::string("off"))
    << ", " << s.output.chunk_rows << " rows per chunk, deflate " << s.output.compression << "\n";
  return o.str();
}

} // namespace v2x
