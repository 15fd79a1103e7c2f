// Validation of everything a user can get wrong in a scenario, before anything is built or run.
#include "config/validate.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <fstream>
#include <map>
#include <set>

namespace v2x {

std::string number_text(double v)
{
  return compact_number(v);
}

namespace {

/// The OFDM rates of the 10 MHz 802.11p channel in B/s: 3, 4.5, 6, 9, 12, 18, 24, 27 Mb/s / 8.
constexpr double kOfdmRates_Bps[] = {375000, 562500, 750000, 1125000, 1500000, 2250000, 3000000, 3375000};

std::string indexed(const std::string& list, std::size_t i)
{
  return list + "[" + std::to_string(i) + "]";
}

std::string join(const std::vector<std::string>& names)
{
  std::string s;
  for (const auto& n : names)
    s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "(none)" : s;
}

class Checker {
public:
  explicit Checker(const ValidationContext& context)
      : context_(context)
  {
  }

  [[noreturn]] void fail(const std::string& path, const std::string& value, const std::string& what) const
  {
    throw InputError(context_.locate ? context_.locate(path) : SourceLocation{}, path, value, what);
  }

  void finite(const std::string& path, double v) const
  {
    if (!std::isfinite(v))
      fail(path, number_text(v), "must be a finite number");
  }
  void positive(const std::string& path, double v, const std::string& note = "") const
  {
    if (!std::isfinite(v) || v <= 0)
      fail(path, number_text(v), "must be a finite number > 0" + note);
  }
  void non_negative(const std::string& path, double v, const std::string& note = "") const
  {
    if (!std::isfinite(v) || v < 0)
      fail(path, number_text(v), "must be a finite number >= 0" + note);
  }
  void at_least(const std::string& path, std::uint64_t v, std::uint64_t min) const
  {
    if (v < min)
      fail(path, std::to_string(v), "must be >= " + std::to_string(min));
  }
  /// A whole number in [min, max] (the ceiling keeps SimGrid's int counts and the memory a count costs sane).
  void count(const std::string& path, std::uint64_t v, std::uint64_t min, std::uint64_t max,
             const std::string& note = "") const
  {
    if (v < min || v > max)
      fail(path, std::to_string(v), "must be in " + std::to_string(min) + ".." + std::to_string(max) + note);
  }
  /// A finite number in [lo, hi]; lo_open makes it (lo, hi].
  void range(const std::string& path, double v, double lo, double hi, bool lo_open = false,
             const std::string& note = "") const
  {
    if (!std::isfinite(v) || (lo_open ? v <= lo : v < lo) || v > hi) {
      std::string what = "must be a finite number in ";
      what += lo_open ? "(" : "[";
      fail(path, number_text(v), what + number_text(lo) + ", " + number_text(hi) + "]" + note);
    }
  }
  /// A period or interval: 0 (off) when zero_allowed, else in [kMinPeriodS, kMaxPeriodS], so a run cannot hang
  /// on a tick of 1e-300 s.
  void period(const std::string& path, double v, bool zero_allowed) const
  {
    if (zero_allowed && v == 0)
      return;
    if (!std::isfinite(v) || v < bounds::kMinPeriodS || v > bounds::kMaxPeriodS)
      fail(path, number_text(v),
           "must be a finite period in [" + number_text(bounds::kMinPeriodS) + ", " + number_text(bounds::kMaxPeriodS) +
               "] s" + (zero_allowed ? " (or 0 = none)" : ""));
  }
  void bandwidth(const std::string& path, double v, const std::string& note = "") const
  {
    range(path, v, 0, bounds::kMaxBandwidthBps, true, " B/s" + note);
  }
  void latency(const std::string& path, double v, const std::string& note = "") const
  {
    range(path, v, 0, bounds::kMaxLatencyS, false, " s" + note);
  }
  void coordinate(const std::string& path, double v) const
  {
    range(path, v, -bounds::kMaxCoordinateM, bounds::kMaxCoordinateM, false, " m");
  }
  void duration(const std::string& path, double v, const std::string& note = "") const
  {
    range(path, v, 0, bounds::kMaxDurationS, false, " s" + note);
  }
  void size_b(const std::string& path, double v, bool zero_allowed) const
  {
    range(path, v, 0, bounds::kMaxSizeB, !zero_allowed, " B");
  }

  void distribution(const std::string& path, const Distribution& d) const
  {
    duration(path + ".value_s", d.value, " (a duration)");
    duration(path + ".min_s", d.min, " (a duration)");
    if (std::isnan(d.max) || d.max < 0)
      fail(path + ".max_s", number_text(d.max), "must be a number >= 0 (a duration)");
    const bool bounded = d.kind == Distribution::Kind::Uniform || d.kind == Distribution::Kind::Normal ||
                         d.kind == Distribution::Kind::Lognormal; // the laws that use min_s and max_s
    if (bounded && d.min > d.max)
      fail(path + ".min_s", number_text(d.min), "must be <= max_s (" + number_text(d.max) + ")");
    non_negative(path + ".stddev_s", d.stddev);
    non_negative(path + ".sigma", d.sigma);
    if (d.kind == Distribution::Kind::Uniform && !std::isfinite(d.max))
      fail(path + ".max_s", number_text(d.max), "must be finite for a uniform law");
    if ((d.kind == Distribution::Kind::Normal || d.kind == Distribution::Kind::Lognormal) &&
        (d.value < d.min || d.value > d.max))
      fail(path + ".value_s", number_text(d.value),
           "must lie within [min_s, max_s] = [" + number_text(d.min) + ", " + number_text(d.max) + "]");
  }

  void readable_file(const std::string& path, const std::string& file, const std::string& what) const
  {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status))
      fail(path, file, what + " not found");
    if (std::filesystem::is_directory(status))
      fail(path, file, what + " is a directory, not a file");
    std::ifstream in(file, std::ios::binary);
    if (!in)
      fail(path, file, what + " cannot be read");
  }

private:
  const ValidationContext& context_;
};

} // namespace

void validate_scenario(const Scenario& s, const KnownNames& known, const ValidationContext& context)
{
  const Checker c(context);

  c.duration("duration_s", s.duration_s, " (0 = until the trace ends)");
  if (s.seed > bounds::kMaxSeed)
    c.fail("seed", std::to_string(s.seed), "must be at most " + std::to_string(bounds::kMaxSeed));

  // mobility
  if (s.mobility.trace.empty())
    c.fail("mobility.trace", "", "a mobility trace is required (path relative to the scenario file)");
  c.readable_file("mobility.trace", s.mobility.trace, "trace file");
  c.range("mobility.max_gap_s", s.mobility.max_gap_s, 0, bounds::kMaxDurationS, true, " s");
  c.duration("mobility.start_s", s.mobility.start_s);

  // infrastructure: ids first (references are checked against them)
  const InfrastructureConfig& inf = s.infrastructure;
  if (inf.rsus.empty())
    c.fail("infrastructure.rsu", "", "at least one RSU is required");
  if (inf.mecs.empty())
    c.fail("infrastructure.mec", "", "at least one MEC is required");

  std::map<std::string, std::string> ids; // id -> path of its first use
  const auto claim = [&](const std::string& path, const std::string& id, const std::string& note) {
    if (id.empty())
      c.fail(path, id, "an id is required" + note);
    if (id == "cloud")
      c.fail(path, id, "'cloud' is reserved for the cloud site" + note);
    const auto [it, inserted] = ids.emplace(id, path);
    if (!inserted)
      c.fail(path, id, "duplicate id: already used by " + it->second + note);
  };
  // in the schema's order (RSUs, MECs, routers, brokers), so the later of two duplicates is the one reported
  for (std::size_t i = 0; i < inf.rsus.size(); ++i)
    claim(indexed("infrastructure.rsu", i) + ".id", inf.rsus[i].id, "");
  std::set<std::string> mec_ids;
  std::vector<std::string> mec_list;
  for (std::size_t i = 0; i < inf.mecs.size(); ++i) {
    claim(indexed("infrastructure.mec", i) + ".id", inf.mecs[i].id, "");
    mec_ids.insert(inf.mecs[i].id);
    mec_list.push_back(inf.mecs[i].id);
  }
  for (std::size_t i = 0; i < inf.routers.size(); ++i)
    claim(indexed("infrastructure.router", i) + ".id", inf.routers[i], "");
  const std::string broker_note = context.generated_brokers ? " (default broker generated for each MEC)" : "";
  for (std::size_t i = 0; i < inf.brokers.size(); ++i)
    claim(indexed("infrastructure.broker", i) + ".id", inf.brokers[i].id, broker_note);

  const std::string mec_choices = "; MECs: " + join(mec_list);
  for (std::size_t i = 0; i < inf.rsus.size(); ++i) {
    const RsuConfig& r = inf.rsus[i];
    const std::string p = indexed("infrastructure.rsu", i);
    c.coordinate(p + ".x_m", r.x_m);
    c.coordinate(p + ".y_m", r.y_m);
    c.range(p + ".cell_radius_m", r.cell_radius_m, 0, bounds::kMaxRadiusM, true, " m");
    c.bandwidth(p + ".cell_capacity_bps", r.cell_capacity_bps);
    c.latency(p + ".cell_latency_s", r.cell_latency_s);
    if (mec_ids.count(r.mec) == 0)
      c.fail(p + ".mec", r.mec, "unknown MEC" + mec_choices);
  }
  // A site's power after the per-core defaults were applied (scenario.proto, Energy): 0 <= idle <= full. The
  // per-core defaults first, so that a bad one is named rather than the MEC power derived from it.
  constexpr double kMaxWatts = 1e12;
  c.range("energy.idle_w_per_core", s.energy.idle_w_per_core, 0, kMaxWatts, false, " W");
  c.range("energy.full_w_per_core", s.energy.full_w_per_core, 0, kMaxWatts, false, " W");
  c.range("energy.off_w_per_core", s.energy.off_w_per_core, 0, kMaxWatts, false, " W");
  c.range("energy.cloud_idle_w_per_core", s.energy.cloud_idle_w_per_core, 0, kMaxWatts, false, " W");
  c.range("energy.cloud_full_w_per_core", s.energy.cloud_full_w_per_core, 0, kMaxWatts, false, " W");
  if (s.energy.full_w_per_core < s.energy.idle_w_per_core)
    c.fail("energy.full_w_per_core", number_text(s.energy.full_w_per_core),
           "must be at least idle_w_per_core (" + number_text(s.energy.idle_w_per_core) + " W)");
  auto power = [&](const std::string& p, double idle_w, double full_w) {
    c.range(p + ".idle_w", idle_w, 0, kMaxWatts, false, " W");
    c.range(p + ".full_w", full_w, 0, kMaxWatts, false, " W");
    if (full_w < idle_w)
      c.fail(p + ".full_w", number_text(full_w), "must be at least idle_w (" + number_text(idle_w) + " W)");
  };
  for (std::size_t i = 0; i < inf.mecs.size(); ++i) {
    const MecConfig& m = inf.mecs[i];
    const std::string p = indexed("infrastructure.mec", i);
    c.coordinate(p + ".x_m", m.x_m);
    c.coordinate(p + ".y_m", m.y_m);
    c.count(p + ".cores", m.cores, 1, bounds::kMaxCores);
    c.range(p + ".core_speed_flops_per_s", m.core_speed_flops_per_s, 0, bounds::kMaxSpeedFlops, true, " flop/s");
    c.range(p + ".memory_mb", m.memory_mb, 0, bounds::kMaxMemoryMb, true, " MB");
    c.count(p + ".pod_slots", m.pod_slots, 1, bounds::kMaxPodSlots);
    c.count(p + ".max_concurrent_ops", m.max_concurrent_ops, 1, bounds::kMaxConcurrentOps);
    power(p, m.idle_w, m.full_w);
  }
  const CloudConfig& cloud = inf.cloud;
  c.coordinate("infrastructure.cloud.x_m", cloud.x_m);
  c.coordinate("infrastructure.cloud.y_m", cloud.y_m);
  c.count("infrastructure.cloud.cores", cloud.cores, 1, bounds::kMaxCores);
  c.range("infrastructure.cloud.core_speed_flops_per_s", cloud.core_speed_flops_per_s, 0, bounds::kMaxSpeedFlops, true,
          " flop/s");
  c.range("infrastructure.cloud.memory_mb", cloud.memory_mb, 0, bounds::kMaxMemoryMb, true, " MB");
  c.count("infrastructure.cloud.pod_slots", cloud.pod_slots, 1, bounds::kMaxPodSlots);
  c.count("infrastructure.cloud.max_concurrent_ops", cloud.max_concurrent_ops, 1, bounds::kMaxConcurrentOps);
  c.bandwidth("infrastructure.cloud.link_bandwidth_bps", cloud.link_bandwidth_bps);
  c.latency("infrastructure.cloud.link_latency_s", cloud.link_latency_s);
  power("infrastructure.cloud", cloud.idle_w, cloud.full_w);

  for (std::size_t i = 0; i < inf.brokers.size(); ++i) {
    const BrokerConfig& b = inf.brokers[i];
    const std::string p = indexed("infrastructure.broker", i);
    if (b.site != "cloud" && mec_ids.count(b.site) == 0)
      c.fail(p + ".site", b.site, "unknown site: a MEC id or \"cloud\"" + mec_choices + broker_note);
    c.range(p + ".service_flops", b.service_flops, 0, bounds::kMaxFlops, false, " flop");
  }

  c.bandwidth("infrastructure.rsu_link_bandwidth_bps", inf.rsu_link_bandwidth_bps);
  c.latency("infrastructure.rsu_link_latency_s", inf.rsu_link_latency_s);
  c.bandwidth("infrastructure.mec_link_bandwidth_bps", inf.mec_link_bandwidth_bps);
  c.latency("infrastructure.mec_link_latency_s", inf.mec_link_latency_s);
  c.bandwidth("infrastructure.image_registry_bandwidth_bps", inf.image_registry_bandwidth_bps);
  c.latency("infrastructure.image_registry_latency_s", inf.image_registry_latency_s);

  // links join network nodes: RSUs, MECs, routers and the cloud (brokers run on sites, they are not nodes)
  std::set<std::string> nodes{"cloud"};
  for (const auto& r : inf.rsus)
    nodes.insert(r.id);
  for (const auto& m : inf.mecs)
    nodes.insert(m.id);
  for (const auto& r : inf.routers)
    nodes.insert(r);
  const std::string link_note = context.generated_links ? " (default backhaul link)" : "";
  for (std::size_t i = 0; i < inf.links.size(); ++i) {
    const LinkConfig& l = inf.links[i];
    const std::string p = indexed("infrastructure.link", i);
    if (nodes.count(l.from) == 0)
      c.fail(p + ".from", l.from, "unknown node: an RSU, MEC or router id, or \"cloud\"" + link_note);
    if (nodes.count(l.to) == 0)
      c.fail(p + ".to", l.to, "unknown node: an RSU, MEC or router id, or \"cloud\"" + link_note);
    if (l.from == l.to)
      c.fail(p + ".to", l.to, "a link cannot join a node to itself" + link_note);
    c.bandwidth(p + ".bandwidth_bps", l.bandwidth_bps, link_note);
    c.latency(p + ".latency_s", l.latency_s, link_note);
  }
  if (!inf.platform.empty())
    c.readable_file("infrastructure.platform", inf.platform, "platform file");

  // telemetry
  c.range("telemetry.rate_hz", s.telemetry.rate_hz, 1 / bounds::kMaxPeriodS, bounds::kMaxRateHz, false, " Hz");
  if (s.telemetry.rsu_rate_hz != 0)
    c.range("telemetry.rsu_rate_hz", s.telemetry.rsu_rate_hz, 1 / bounds::kMaxPeriodS, bounds::kMaxRateHz, false,
            " Hz (or 0 = none)");
  c.size_b("telemetry.rsu_message_b", s.telemetry.rsu_message_b, false);
  c.count("telemetry.payload_b", s.telemetry.payload_b, 0, bounds::kMaxPayloadB,
          " B (0 = ETSI CAM sizes; a message is sent in one frame)");
  c.range("telemetry.area_size_m", s.telemetry.area_size_m, 1, bounds::kMaxRadiusM, false, " m");
  if (s.telemetry.start_jitter_s != -1)
    c.duration("telemetry.start_jitter_s", s.telemetry.start_jitter_s, " (or -1 = one period)");
  c.count("messaging.session_queue", s.messaging.session_queue, 0, bounds::kMaxSessionQueue);
  const CamSizesConfig& cam = s.telemetry.cam_sizes;
  c.positive("telemetry.cam_sizes.header_b", cam.header_b);
  c.positive("telemetry.cam_sizes.basic_container_b", cam.basic_container_b);
  c.positive("telemetry.cam_sizes.high_frequency_b", cam.high_frequency_b);
  c.non_negative("telemetry.cam_sizes.low_frequency_b", cam.low_frequency_b);
  c.non_negative("telemetry.cam_sizes.path_point_b", cam.path_point_b);
  c.non_negative("telemetry.cam_sizes.special_vehicle_b", cam.special_vehicle_b);
  c.non_negative("telemetry.cam_sizes.security_b", cam.security_b, " (0 = unsigned)");
  c.non_negative("telemetry.cam_sizes.signer_digest_b", cam.signer_digest_b);
  c.non_negative("telemetry.cam_sizes.signer_certificate_b", cam.signer_certificate_b);
  if (s.telemetry.path_history_points > 40)
    c.fail("telemetry.path_history_points", std::to_string(s.telemetry.path_history_points),
           "must be in 0..40 (EN 302 637-2 PathHistory SIZE(0..40))");
  if (s.messaging.qos == 1 && s.messaging.session_queue == 0)
    c.fail("messaging.session_queue", "0", "must be at least 1 with QoS 1 (the messages kept per twin session)");

  // twin
  c.range("twin.cpu_cores", s.twin.cpu_cores, 0, bounds::kMaxCores, true, " cores");
  c.range("twin.memory_mb", s.twin.memory_mb, 0, bounds::kMaxMemoryMb, true, " MB");
  c.size_b("twin.image_b", s.twin.image_b, true);
  c.size_b("twin.state_b", s.twin.state_b, true);
  c.range("twin.message_flops", s.twin.message_flops, 0, bounds::kMaxFlops, false, " flop");
  c.period("twin.dashboard_period_s", s.twin.dashboard_period_s, true);
  c.size_b("twin.dashboard_message_b", s.twin.dashboard_message_b, false);
  c.range("twin.dirty_rate_bps", s.twin.dirty_rate_bps, 0, bounds::kMaxBandwidthBps, false, " B/s");
  c.range("twin.restore_bps", s.twin.restore_bps, 0, bounds::kMaxBandwidthBps, false, " B/s (0 = instantaneous)");
  c.count("twin.cooperation_areas", s.twin.cooperation_areas, 0, bounds::kMaxCooperationAreas,
          " (areas each side: a twin subscribes to (2k+1)^2 areas)");
  c.range("twin.state_window_s", s.twin.state_window_s, 0, bounds::kMaxDurationS, false, " s");
  const HybridConfig& hy = s.twin.hybrid;
  c.range("twin.hybrid.cloud_cpu_cores", hy.cloud_cpu_cores, 0, bounds::kMaxCores, true, " cores");
  c.range("twin.hybrid.cloud_memory_mb", hy.cloud_memory_mb, 0, bounds::kMaxMemoryMb, true, " MB");
  c.period("twin.hybrid.sync_period_s", hy.sync_period_s, false);
  c.size_b("twin.hybrid.sync_header_b", hy.sync_header_b, true);
  c.size_b("twin.hybrid.sync_point_b", hy.sync_point_b, true);
  c.range("twin.hybrid.sync_flops", hy.sync_flops, 0, bounds::kMaxFlops, false, " flop");
  c.range("twin.hybrid.cloud_point_flops", hy.cloud_point_flops, 0, bounds::kMaxFlops, false, " flop");
  // tsdb
  if (s.tsdb.enabled) {
    if (s.tsdb.site != "cloud" && mec_ids.count(s.tsdb.site) == 0)
      c.fail("tsdb.site", s.tsdb.site, "unknown site: a MEC id or \"cloud\"" + mec_choices);
    c.period("tsdb.point_period_s", s.tsdb.point_period_s, false);
    c.size_b("tsdb.point_b", s.tsdb.point_b, true);
    c.range("tsdb.write_flops", s.tsdb.write_flops, 0, bounds::kMaxFlops, false, " flop");
    c.range("tsdb.cores", s.tsdb.cores, 0, bounds::kMaxCores, true, " cores");
  }

  // orchestrator
  const OrchestratorConfig& o = s.orchestrator;
  // The probe and grace settings first: the readiness and container_stop laws are derived from them.
  c.range("orchestrator.readiness_initial_delay_s", o.readiness_initial_delay_s, 0, bounds::kMaxDurationS, false, " s");
  c.period("orchestrator.readiness_period_s", o.readiness_period_s, false);
  c.range("orchestrator.termination_grace_period_s", o.termination_grace_period_s, 0, bounds::kMaxDurationS, false, " s");
  if (o.termination_shutdown_s != -1)
    c.range("orchestrator.termination_shutdown_s", o.termination_shutdown_s, 0, bounds::kMaxDurationS, false,
            " s (or -1: the twin does not exit on SIGTERM)");
  c.distribution("orchestrator.request", o.request);
  c.distribution("orchestrator.scheduling", o.scheduling);
  c.distribution("orchestrator.container_start", o.container_start);
  c.distribution("orchestrator.readiness", o.readiness);
  c.distribution("orchestrator.terminate_request", o.terminate_request);
  c.distribution("orchestrator.container_stop", o.container_stop);
  c.distribution("orchestrator.cleanup", o.cleanup);
  for (std::size_t i = 0; i < o.prepulled.size(); ++i)
    if (o.prepulled[i] != "*" && mec_ids.count(o.prepulled[i]) == 0)
      c.fail(indexed("orchestrator.prepulled", i), o.prepulled[i], "unknown MEC (or \"*\" for all)" + mec_choices);

  // migration
  const MigrationConfig& mig = s.migration;
  if (std::find(known.policies.begin(), known.policies.end(), mig.policy) == known.policies.end())
    c.fail("migration.policy", mig.policy, "unknown policy; valid policies: " + join(known.policies));
  if (std::find(known.mechanisms.begin(), known.mechanisms.end(), mig.mechanism) == known.mechanisms.end())
    c.fail("migration.mechanism", mig.mechanism, "unknown mechanism; valid mechanisms: " + join(known.mechanisms));
  c.period("migration.decision_interval_s", mig.decision_interval_s, false);
  for (std::size_t i = 0; i < mig.manual.size(); ++i) {
    const ManualMigrationConfig& m = mig.manual[i];
    const std::string p = indexed("migration.manual", i);
    c.duration(p + ".at_s", m.at_s);
    if (m.station.empty())
      c.fail(p + ".station", m.station, "a station id is required (a vehicle id from the trace, or an RSU id)");
    if (m.to != "cloud" && mec_ids.count(m.to) == 0)
      c.fail(p + ".to", m.to, "unknown target: a MEC id or \"cloud\"" + mec_choices);
  }

  c.range("migration.hysteresis.margin_m", mig.hysteresis.margin_m, 0, bounds::kMaxRadiusM, false, " m");
  c.duration("migration.hysteresis.dwell_s", mig.hysteresis.dwell_s);
  c.range("migration.latency.threshold_s", mig.latency.threshold_s, 0, bounds::kMaxLatencyS, false,
          " s (0 = derived from the path)");
  c.positive("migration.latency.threshold_factor", mig.latency.threshold_factor);
  c.duration("migration.latency.window_s", mig.latency.window_s);
  c.duration("migration.predictive.horizon_s", mig.predictive.horizon_s);
  c.range("migration.predictive.position_error_m", mig.predictive.position_error_m, 0, bounds::kMaxRadiusM, false,
          " m");
  c.positive("migration.load_aware.max_utilisation", mig.load_aware.max_utilisation);
  if (mig.load_aware.max_utilisation > 1)
    c.fail("migration.load_aware.max_utilisation", number_text(mig.load_aware.max_utilisation),
           "must be in (0, 1] (a share of the MEC's cores)");
  c.range("migration.load_aware.slack_m", mig.load_aware.slack_m, 0, bounds::kMaxRadiusM, false, " m");
  c.range("migration.pre_copy.downtime_target_s", mig.pre_copy.downtime_target_s, 0, bounds::kMaxDurationS, true, " s");
  c.count("migration.pre_copy.max_rounds", mig.pre_copy.max_rounds, 1, bounds::kMaxPreCopyRounds);
  c.size_b("migration.post_copy.switch_b", mig.post_copy.switch_b, true);
  c.size_b("migration.post_copy.fault_b", mig.post_copy.fault_b, true);

  // network
  const std::string step_note = context.generated_rate_steps ? " (default 802.11p table)" : "";
  for (std::size_t i = 0; i < s.network.rate_steps.size(); ++i) {
    const RateStep& r = s.network.rate_steps[i];
    const std::string p = indexed("network.rate_step", i);
    c.range(p + ".distance_m", r.distance_m, 0, bounds::kMaxRadiusM, true, " m" + step_note);
    c.range(p + ".rate_bps", r.rate_bps, 0, bounds::kMaxBandwidthBps, true, " B/s" + step_note);
    // The telemetry plane times frames with the 802.11p PHY (radio/phy.hpp), which knows only the OFDM rates
    // of the 10 MHz channel (IEEE 802.11-2016, Table 17-4): any other rate has no N_DBPS nor sensitivity.
    if (r.rate_bps > 0 && std::find(std::begin(kOfdmRates_Bps), std::end(kOfdmRates_Bps), r.rate_bps) ==
                              std::end(kOfdmRates_Bps))
      c.fail(p + ".rate_bps", number_text(r.rate_bps),
             "must be an 802.11p OFDM rate of the 10 MHz channel in B/s: 375000, 562500, 750000, 1125000, "
             "1500000, 2250000, 3000000 or 3375000 (3, 4.5, 6, 9, 12, 18, 24, 27 Mb/s)" + step_note);
    if (i > 0 && r.distance_m <= s.network.rate_steps[i - 1].distance_m)
      c.fail(p + ".distance_m", number_text(r.distance_m),
             "rate steps must be in increasing distance (previous step: " +
                 number_text(s.network.rate_steps[i - 1].distance_m) + " m)" + step_note);
  }

  const RadioConfig& radio = s.network.radio;
  c.positive("network.radio.carrier_sense_range_m", radio.carrier_sense_range_m);
  if (radio.retry_limit < 1 || radio.retry_limit > 255)
    c.fail("network.radio.retry_limit", std::to_string(radio.retry_limit), "must be in 1..255 (attempts per frame)");
  if (radio.basic_rate_mbps != 3 && radio.basic_rate_mbps != 6 && radio.basic_rate_mbps != 12)
    c.fail("network.radio.basic_rate_mbps", number_text(radio.basic_rate_mbps),
           "must be 3, 6 or 12 (the mandatory rates of a 10 MHz channel, Mb/s)");
  const RadioLossConfig& loss = radio.loss;
  c.finite("network.radio.loss.tx_power_dbm", loss.tx_power_dbm);
  c.finite("network.radio.loss.antenna_gains_db", loss.antenna_gains_db);
  c.finite("network.radio.loss.reference_loss_db", loss.reference_loss_db);
  c.positive("network.radio.loss.exponent_near", loss.exponent_near);
  c.positive("network.radio.loss.exponent_far", loss.exponent_far);
  c.positive("network.radio.loss.breakpoint_m", loss.breakpoint_m);
  if (!(loss.nakagami_m_near >= 0.5) || !std::isfinite(loss.nakagami_m_near))
    c.fail("network.radio.loss.nakagami_m_near", number_text(loss.nakagami_m_near),
           "must be a finite number >= 0.5 (Nakagami's m)");
  if (!(loss.nakagami_m_far >= 0.5) || !std::isfinite(loss.nakagami_m_far))
    c.fail("network.radio.loss.nakagami_m_far", number_text(loss.nakagami_m_far),
           "must be a finite number >= 0.5 (Nakagami's m)");
  c.non_negative("network.radio.loss.nakagami_distance_m", loss.nakagami_distance_m);
  c.finite("network.radio.loss.sensitivity_offset_db", loss.sensitivity_offset_db);
  c.non_negative("network.radio.roaming_margin_db", radio.roaming_margin_db);
  c.non_negative("network.radio.reassociation_s", radio.reassociation_s);

  // output
  if (s.output.path.empty())
    c.fail("output.path", "", "an output path is required");
  c.period("output.sample_period_s", s.output.sample_period_s, true);
  c.count("output.chunk_rows", s.output.chunk_rows, 1, bounds::kMaxChunkRows, " (rows per HDF5 chunk)");
  if (s.output.messages.mode == MessagesMode::Sampled)
    c.count("output.message_sample_every", s.output.messages.sample_every, 1, 1u << 31,
            " (one message row in N with messages_mode SAMPLED)");
  if (s.output.compression > 9)
    c.fail("output.compression", std::to_string(s.output.compression), "deflate level must be in 0..9");
  c.duration("output.warmup_s", s.output.warmup_s, " (0 = no warm-up)");
  if (s.duration_s > 0 && s.output.warmup_s >= s.duration_s)
    c.fail("output.warmup_s", number_text(s.output.warmup_s),
           "must be shorter than duration_s (" + number_text(s.duration_s) + " s): nothing would be measured");

  validate_faults(s, context);
}

} // namespace v2x
