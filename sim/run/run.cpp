#include "run/run.hpp"

#include "edge/continuity.hpp"
#include "edge/energy.hpp"
#include "edge/orchestrator.hpp"
#include "edge/sync.hpp"
#include "edge/tsdb.hpp"
#include "run/sampler.hpp"
#include "run/version.hpp"
#include "stations/station_table.hpp"
#include "edge/twin_book.hpp"
#include "manager/fault_injector.hpp"
#include "manager/manager.hpp"
#include "topology/faults.hpp"
#include "messaging/broker.hpp"
#include "messaging/subscriptions.hpp"
#include "messaging/telemetry_plane.hpp"
#include "run/mobility_driver.hpp"
#include "run/sampler.hpp"
#include "stations/station_table.hpp"
#include "topology/network_view.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "metrics/hdf5_writer.hpp"
#include "metrics/recorder.hpp"
#include "migration/registry.hpp"
#include "mobility/cell_index.hpp"
#include "mobility/tracker.hpp"
#include "topology/platform.hpp"

#include <simgrid/s4u.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_run_run, v2x_run, "Run builder");

namespace v2x {

namespace sg4 = simgrid::s4u;

std::uint64_t peak_rss_kb()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss);
}

namespace {

std::vector<std::string> engine_arguments(const Scenario& s, const RunOptions& options)
{
  std::vector<std::string> args{"v2xsim"};
  // CM02: max-min sharing with the links' latencies as given (no TCP correction factors, see SIMGRID-3.32.md).
  args.emplace_back(s.network.model == NetworkModel::Cm02 ? "--cfg=network/model:CM02"
                                                          : "--cfg=network/model:LV08");
  // No reverse-direction ACK flows (they would take 5 % of each link), and no TCP window cap (gamma / 2 RTT,
  // below a 10 Gb/s MEC link at 2 ms): a transfer lasts exactly its route's latency + size / bottleneck share.
  args.emplace_back("--cfg=network/crosstraffic:0");
  args.emplace_back("--cfg=network/TCP-gamma:0");
  args.emplace_back("--log=root.thresh:warning");
  args.emplace_back("--log=root.fmt:[%10.6r]%e[%c/%p]%e%m%n");
  // A run_until() end leaves actors alive by design; SimGrid warns about it at exit.
  args.emplace_back("--log=ker_engine.thresh:error");
  // Relay hosts (RSUs, cells, the registry) have no power figures by design: the plugin warns about each.
  args.emplace_back("--log=host_energy.thresh:error");
  for (const auto& a : s.engine_args)
    args.push_back(a);
  for (const auto& a : options.engine_args)
    args.push_back(a);
  return args;
}

/// The telemetry plane's parameters from the scenario.
PlaneConfig plane_config(const Scenario& s, std::size_t rsus)
{
  PlaneConfig c;
  c.rate_hz = s.telemetry.rate_hz;
  c.poisson = s.telemetry.poisson;
  c.start_jitter_s = s.telemetry.start_jitter_s;
  c.rsu_rate_hz = s.telemetry.rsu_rate_hz;
  c.rsu_message_b = s.telemetry.rsu_message_b;
  c.trigger = s.telemetry.triggering == CamTriggering::Etsi ? CamTrigger::Etsi : CamTrigger::FixedRate;
  c.frame.qos = s.messaging.qos;
  c.frame.payload_b = s.telemetry.payload_b;
  const CamSizesConfig& z = s.telemetry.cam_sizes;
  c.frame.cam = radio::CamSizes{z.header_b,    z.basic_container_b, z.high_frequency_b,
                                z.low_frequency_b, z.path_point_b,   z.special_vehicle_b,
                                z.security_b,  z.signer_digest_b,   z.signer_certificate_b};
  c.path_points = s.telemetry.path_history_points;
  c.rate_steps = s.network.rate_steps;
  const RadioConfig& radio = s.network.radio;
  c.phy.basic_rate_mbps = radio.basic_rate_mbps;
  c.edca = radio::Edca::ocb(static_cast<radio::AccessCategory>(static_cast<int>(radio.access_category)));
  c.edca.retry_limit = radio.retry_limit;
  const RadioLossConfig& l = radio.loss;
  c.loss = radio::LossParams{l.tx_power_dbm,  l.antenna_gains_db, l.reference_loss_db, l.exponent_near,
                             l.exponent_far,  l.breakpoint_m,     l.nakagami_m_near,   l.nakagami_m_far,
                             l.nakagami_distance_m, l.sensitivity_offset_db};
  c.carrier_sense_range_m = radio.carrier_sense_range_m;
  c.roaming_margin_db = radio.roaming_margin_db;
  c.reassociation_s = radio.reassociation_s;
  // Channel numbers: an RSU's own, else the scenario's default (RSUs of an XML platform: the default).
  c.rsu_channel.assign(rsus, radio.channel);
  if (s.infrastructure.rsus.size() == rsus)
    for (std::size_t r = 0; r < rsus; ++r)
      c.rsu_channel[r] = s.infrastructure.rsus[r].channel.value_or(radio.channel);
  c.qos = s.messaging.qos;
  c.session_queue = s.messaging.session_queue;
  c.dashboard_period_s = s.twin.dashboard_period_s;
  return c;
}

/// The policy that runs: twin.mode CLOUD puts every twin in the cloud and keeps it there (the `cloud` policy).
std::string policy_name(const Scenario& s)
{
  return s.twin.mode == TwinMode::Cloud ? "cloud" : s.migration.policy;
}

} // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options)
{
  const auto wall_start = std::chrono::steady_clock::now();

  std::vector<std::string> args = engine_arguments(scenario, options);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());
  EnergyMeter::init_plugin();  // before the platform: the plugin meters the hosts created from now on

  // Infrastructure and platform.
  std::optional<Infrastructure> infra;
  std::optional<Platform> platform;
  if (!scenario.infrastructure.platform.empty()) {
    auto loaded = Platform::load(scenario.infrastructure.platform, scenario.infrastructure, engine);
    infra.emplace(std::move(loaded.first));
    platform.emplace(std::move(loaded.second));
  } else {
    infra.emplace(Infrastructure::from_config(scenario.infrastructure, scenario.source_file));
    platform.emplace(Platform::build(*infra, engine));  // the radio is the telemetry plane's model, not SimGrid links
  }

  // Faults: the schedule (scheduled, then random up to the run's duration), its targets checked against the
  // infrastructure before anything runs.
  const std::vector<FaultEvent> fault_schedule = build_fault_schedule(scenario, *infra, scenario.duration_s);
  FaultState faults(infra->sites().size(), infra->rsus().size(), infra->brokers().size());
  FaultState* fault_state = fault_schedule.empty() ? nullptr : &faults;  // no faults: the models' paths unchanged
  if (!scenario.healing.broker_fallback.empty()) {
    const auto b = infra->find_broker(scenario.healing.broker_fallback);
    if (!b)
      throw InputError({scenario.source_file}, "healing.broker_fallback", scenario.healing.broker_fallback,
                       "unknown broker");
    faults.set_fallback(*b);
  }

  // Mobility.
  MobilityOptions mobility_options;
  mobility_options.max_gap_s = scenario.mobility.max_gap_s;
  mobility_options.start_s = scenario.mobility.start_s > 0 ? scenario.mobility.start_s : std::nan("");
  mobility_options.max_vehicles = scenario.mobility.max_vehicles;
  MobilityTracker tracker(open_trace(scenario.mobility.trace, scenario.mobility.format, scenario.mobility.projection),
                          mobility_options);
  std::vector<Cell> cells;
  for (const RsuInfo& r : infra->rsus())
    cells.push_back(Cell{r.x_m, r.y_m, r.radius_m});
  const CellIndex cell_index(std::move(cells));
  // A cell larger than the radio's rate ladder: its outer ring is served at the last step's rate, where the loss
  // model's frame errors rise (issue 10: the ladder must cover the cell radius).
  if (!scenario.network.rate_steps.empty()) {
    const double ladder = scenario.network.rate_steps.back().distance_m;
    std::size_t beyond = 0;
    double widest = 0;
    for (const RsuInfo& r : infra->rsus())
      if (r.radius_m > ladder) {
        ++beyond;
        widest = std::max(widest, r.radius_m);
      }
    if (beyond > 0)
      std::fprintf(stderr,
                   "v2xsim: warning: %zu of %zu RSU cells reach beyond the radio rate ladder's last step (%g m; cell "
                   "radius up to %g m): vehicles there send at its rate (network.rate_step)\n",
                   beyond, infra->rsus().size(), ladder, widest);
  }

  // Output.
  const std::string out_path = options.output_path.empty() ? scenario.output.path : options.output_path;
  std::unique_ptr<Hdf5Writer> writer;
  if (options.write_output) {
    RunMetadata meta{version_text(), options.command_line,         scenario.name,
                     scenario.source_text, scenario.seed, policy_name(scenario),
                     scenario.migration.mechanism};
    writer = std::make_unique<Hdf5Writer>(out_path, meta, scenario.output.chunk_rows, scenario.output.compression);
    std::vector<SiteRecord> sites;
    for (SiteId s = 0; s < infra->sites().size(); ++s) {
      const SiteInfo& i = infra->sites()[s];
      sites.push_back(SiteRecord{s, fixed_name(i.name), static_cast<std::uint8_t>(i.is_cloud), i.x_m, i.y_m, i.cores,
                                 i.memory_mb, i.pod_slots});
    }
    writer->write_sites(sites);
    std::vector<RsuRecord> rsus;
    for (RsuId r = 0; r < infra->rsus().size(); ++r) {
      const RsuInfo& i = infra->rsus()[r];
      rsus.push_back(RsuRecord{r, fixed_name(i.name), i.x_m, i.y_m, i.radius_m, i.site, i.broker});
    }
    writer->write_rsus(rsus);
    std::vector<BrokerRecord> brokers;
    for (BrokerId b = 0; b < infra->brokers().size(); ++b)
      brokers.push_back(BrokerRecord{b, fixed_name(infra->brokers()[b].name), infra->brokers()[b].site});
    writer->write_brokers(brokers);
  }
  Recorder recorder(writer.get(), scenario.output.chunk_rows, scenario.output.messages);
  recorder.set_observer(options.observer);
  recorder.set_warmup(scenario.output.warmup_s);

  // Shared state.
  StationTable stations;
  MecLedger ledger(infra->sites(), scenario.twin, scenario.orchestrator.prepulled, scenario.orchestrator.image_cache);
  ledger.create_slots();
  TwinBook twins(stations, infra->sites(), scenario.twin, ledger);
  BrokerNet brokers(infra->brokers(), infra->sites(), ledger, scenario.messaging.exponential_service, scenario.seed);
  NetworkView network(scenario.network.model == NetworkModel::Lv08 ? 13.01 : 1.0,
                      scenario.network.model == NetworkModel::Lv08 ? 0.97 : 1.0,
                      scenario.network.model == NetworkModel::Lv08 ? 20537.0 : 0.0);  // SimGrid 3.32's LV08 weight-S
  Subscriptions subscriptions(stations, scenario.telemetry.area_size_m, scenario.twin.cooperation_areas);
  TelemetryPlane plane(plane_config(scenario, infra->rsus().size()), *infra, *platform, network, tracker, cell_index,
                       stations, subscriptions, brokers, twins, recorder, scenario.seed);
  // Optional parts: the cloud twins of HYBRID, the time-series store, state continuity (always on: it only records).
  std::optional<CloudTwins> cloud_twins;
  if (scenario.twin.mode == TwinMode::Hybrid)
    cloud_twins.emplace(scenario.twin.hybrid, infra->sites(), infra->cloud(), ledger, stations);
  std::optional<TsdbStore> tsdb;
  if (scenario.tsdb.enabled) {
    const std::optional<SiteId> site = infra->find_site(scenario.tsdb.site);
    if (!site)
      throw InputError({scenario.source_file}, "tsdb.site", scenario.tsdb.site, "no MEC or \"cloud\" has this name");
    tsdb.emplace(scenario.tsdb, infra->sites(), *site, ledger);
  }
  EnergyMeter energy(*platform, infra->sites(), ledger);
  // Control changes first catch the plane up to now (see messaging/telemetry_plane.hpp).
  twins.set_before_change([&plane] { plane.sync(); });
  twins.set_faults(fault_state);
  brokers.set_faults(fault_state);
  plane.set_faults(fault_state);
  twins.set_warmup(scenario.output.warmup_s);
  subscriptions.set_before_change([&plane] { plane.sync(); });

  const PolicyInfo* policy_info = find_policy(policy_name(scenario));
  const MechanismInfo* mechanism_info = find_mechanism(scenario.migration.mechanism);
  if (policy_info == nullptr)
    throw InputError({scenario.source_file}, "migration.policy", scenario.migration.policy, "unknown policy");
  if (mechanism_info == nullptr)
    throw InputError({scenario.source_file}, "migration.mechanism", scenario.migration.mechanism,
                     "unknown mechanism");
  std::unique_ptr<Policy> policy = policy_info->make(scenario);
  std::unique_ptr<Mechanism> mechanism = mechanism_info->make(scenario);
  StateContinuity continuity(scenario.twin.state_window_s, mechanism->carries_state(), twins, recorder);
  continuity.set_cloud(cloud_twins ? &*cloud_twins : nullptr);
  plane.attach(cloud_twins ? &*cloud_twins : nullptr, tsdb ? &*tsdb : nullptr, &continuity);
  if (BatchDecider* batch = policy->batch())  // external: start the process and connect, before the run
    batch->open();
  std::exception_ptr error;  // from the mobility driver (a bad trace line) or the manager (a failing policy)

  sg4::Host* control = platform->control_host();
  sg4::Mailbox* manager_box = sg4::Mailbox::by_name("manager");
  sg4::Mailbox* orchestrator_box = sg4::Mailbox::by_name("orchestrator");

  sg4::Actor::create("orchestrator", control,
                     Orchestrator(OrchestratorDeps{scenario.orchestrator, scenario.twin, *platform, network, ledger,
                                                   twins, recorder, scenario.seed, fault_state},
                                  orchestrator_box));
  Operations operations;
  const OperationDeps operation_deps{*platform, twins,      plane,           subscriptions,
                                     network,   recorder,   operations,      orchestrator_box,
                                     manager_box, scenario.twin.restore_bps, fault_state};
  ManagerDeps manager_deps{*infra,          stations,
                           ledger,          *policy,
                           *mechanism,      operation_deps,
                           scenario.migration.manual, scenario.twin.cold_start,
                           &error};
  // The latency policy's default threshold: each RSU's uncongested latency to the MEC behind it, as the telemetry
  // plane computes it with nothing else on the way: a 300 B frame's exchange on an idle channel at the rate of
  // half the cell radius (AIFS + airtime + SIFS + ACK), the route's latency, the broker's and the twin's service.
  std::vector<double> rsu_baseline_latency(infra->rsus().size(), 0.0);
  {
    const PlaneConfig pc = plane_config(scenario, infra->rsus().size());
    const radio::RateTable rates(pc.rate_steps);
    for (RsuId r = 0; r < rsu_baseline_latency.size(); ++r) {
      const RsuInfo& rsu = infra->rsus()[r];
      if (rsu.site == kNone)
        continue;
      const double mbps = rates.rate_bps(rsu.radius_m / 2) * 8e-6;
      const double radio = mbps > 0 ? pc.edca.aifs_s(pc.phy) + pc.phy.airtime_s(300, mbps) + pc.phy.sifs_s +
                                          pc.phy.ack_airtime_s(mbps)
                                    : 0.0;
      const SiteInfo& site = infra->sites()[rsu.site];
      const BrokerInfo& broker = infra->brokers()[rsu.broker];
      rsu_baseline_latency[r] = radio + platform->rsu_site_latency(r, rsu.site) +
                                broker.service_flops / infra->sites()[broker.site].core_speed_flops_per_s +
                                scenario.twin.message_flops / (site.core_speed_flops_per_s * scenario.twin.cpu_cores);
    }
  }
  manager_deps.rsu_baseline_latency_s = rsu_baseline_latency;
  manager_deps.faults = fault_state;
  manager_deps.healing = &scenario.healing;
  manager_deps.cloud_twins = cloud_twins ? &*cloud_twins : nullptr;
  if (fault_state != nullptr)
    sg4::Actor::create("faults", control,
                       FaultInjector(FaultInjectorDeps{fault_schedule, faults, scenario.healing, *infra, twins, ledger,
                                                       plane, network, manager_box,
                                                       cloud_twins ? &*cloud_twins : nullptr}));
  sg4::Actor::create("manager", control, Manager(manager_deps));
  if (scenario.migration.decision_interval_s > 0 || !scenario.migration.manual.empty())
    sg4::Actor::create("manager-clock", control,
                       ManagerClock(scenario.migration.decision_interval_s, scenario.migration.manual, manager_box));
  // The orchestrator, the manager, its clock, the sampler and the RSU publishers are daemons (they daemonize
  // themselves, see core/daemon.hpp): the run ends with the mobility driver, or at duration_s.
  if (scenario.output.sample_period_s > 0) {
    Sampler sampler(scenario.output.sample_period_s, stations, twins, ledger, infra->sites(), recorder, plane,
                    options.progress ? std::function<void(double)>([&](double t) {
                      options.progress(RunProgress{t, recorder.summary().messages_created});
                    })
                                     : std::function<void(double)>());
    sampler.set_energy(&energy);
    sg4::Actor::create("sampler", control, sampler);
  }
  sg4::Actor::create("telemetry-clock", control, TelemetryClock(plane, manager_box));

  // RSUs are stations from t = 0, with twins of their own.
  for (RsuId r = 0; r < infra->rsus().size(); ++r) {
    const RsuInfo& info = infra->rsus()[r];
    const StationId s = stations.add(info.name, StationKind::Rsu, kNone, 0.0);
    StationView& v = stations.view(s);
    v.x_m = info.x_m;
    v.y_m = info.y_m;
    v.rsu = r;
    v.rsu_site = info.site;
    recorder.station(StationRecord{s, fixed_name(info.name), StationKind::Rsu, 0.0});
    plane.rsu_station(r, s);
  }

  MobilityDriverDeps mobility_deps{tracker,  cell_index, *infra,      stations,
                                   plane,    recorder,   manager_box};
  sg4::Actor::create("mobility", control, MobilityDriver(mobility_deps, scenario.duration_s, error));

  if (scenario.duration_s > 0)
    engine.run_until(scenario.duration_s);
  else
    engine.run();
  if (error)
    std::rethrow_exception(error);  // the writer's destructor removes the partial file

  const double end = sg4::Engine::get_clock();
  RunResult result;
  if (BatchDecider* batch = policy->batch()) {
    wire::PolicySnapshot last = policy_world(manager_deps, *batch, end);
    last.done = true;
    batch->finish(last);
    result.policy_round_trips = batch->round_trips();
    result.policy_round_trip_s = batch->round_trip_s();
  }
  plane.finish(end);  // messages still travelling, QoS 1 sessions never delivered, the twins' ages
  faults.close(end);  // twins still lost at the end: downtime up to it
  operations.record_unfinished(end, twins, recorder);
  for (StationId s = 0; s < stations.size(); ++s)
    if (stations.view(s).present && stations.view(s).kind == StationKind::Vehicle)
      recorder.vehicle_left(stations.info(s).appeared, end);
  recorder.flush();
  result.summary = recorder.summary();
  result.summary.rsus = infra->rsus().size();
  result.summary.cooperative_deliveries = plane.cooperative_deliveries();
  result.summary.aoi_mean_s = twins.ages().mean();
  result.summary.aoi_p95_s = twins.ages().quantile(0.95);
  result.summary.simulated_s = end;
  result.summary.faults = fault_schedule.size();
  result.summary.fault_twins_lost = faults.twins_lost();
  result.summary.fault_downtime_twin_s = faults.downtime_s();
  {
    std::vector<double> r = faults.recoveries();
    std::sort(r.begin(), r.end());
    result.summary.fault_recoveries = r.size();
    if (!r.empty()) {
      double sum = 0;
      for (double x : r)
        sum += x;
      result.summary.recovery_mean_s = sum / static_cast<double>(r.size());
      // The value of rank ceil(0.95 n) (1-based), as the recorder's quantiles.
      const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(r.size()) - 1e-9));
      result.summary.recovery_p95_s = r[std::max<std::size_t>(rank, 1) - 1];
      result.summary.recovery_max_s = r.back();
    }
  }
  const double vehicle_hours = result.summary.vehicle_seconds / 3600.0;
  auto per_vehicle_hour = [&](double x) { return vehicle_hours > 0 ? x / vehicle_hours : 0.0; };
  result.summary.energy_total_j = energy.total_j();
  result.summary.energy_per_vehicle_hour_j = per_vehicle_hour(result.summary.energy_total_j);
  if (cloud_twins) {
    result.summary.cloud_aoi_mean_s = cloud_twins->ages().mean();
    result.summary.cloud_aoi_p95_s = cloud_twins->ages().quantile(0.95);
    result.summary.sync_batches = cloud_twins->batches();
    result.summary.sync_bytes = cloud_twins->bytes();
    result.summary.sync_bytes_per_vehicle_hour = per_vehicle_hour(cloud_twins->bytes());
    result.summary.cloud_twins_rejected = cloud_twins->rejected();
    // The cloud twins' deployments (appearance -> ready) and time to first serve (appearance -> first batch).
    const auto mean = [](const std::vector<double>& v) {
      return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    };
    const std::vector<double>& first = cloud_twins->first_serve_times();
    result.summary.cloud_twin_deploys = cloud_twins->deploys();
    result.summary.cloud_deploy_mean_s = mean(cloud_twins->deploy_times());
    result.summary.cloud_first_serve_mean_s = mean(first);
    result.summary.cloud_first_serve_max_s = first.empty() ? 0.0 : *std::max_element(first.begin(), first.end());
  }
  if (tsdb) {
    result.summary.tsdb_points = tsdb->points();
    result.summary.tsdb_bytes_stored = tsdb->bytes_stored();
    result.summary.tsdb_bytes_per_vehicle_hour = per_vehicle_hour(tsdb->bytes_stored());
    result.summary.tsdb_lag_p50_s = tsdb->lag().quantile(0.50);
    result.summary.tsdb_lag_p95_s = tsdb->lag().quantile(0.95);
  }
  result.summary.continuity_migrations = continuity.migrations();
  result.summary.state_lost = continuity.state_lost();
  result.summary.state_rebuilt = continuity.rebuilt();
  result.summary.state_rebuild_mean_s =
      continuity.rebuilt() > 0 ? continuity.rebuild_total_s() / static_cast<double>(continuity.rebuilt()) : 0.0;
  result.summary.duplicate_deliveries = continuity.duplicates();
  // The only figures that differ between two runs of the same scenario and seed (datasets are bit-identical).
  result.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  result.summary.peak_rss_kb = peak_rss_kb();
  if (writer) {
    std::vector<FaultRecord> rows;
    for (const FaultEvent& f : fault_schedule)
      rows.push_back(FaultRecord{f.id, f.kind, fixed_name(f.target), f.index, f.start, f.end, f.factor,
                                 static_cast<std::uint8_t>(f.random), faults.lost_by(f.id), faults.recovered_by(f.id)});
    writer->write_faults(rows);
    writer->write_summary(result.summary);
    writer->commit();
    result.output_path = out_path;
  }
  return result;
}

} // namespace v2x
