#pragma once
// The scenario as the engine sees it: plain structs, units in names, translated from the Protobuf text
// format by proto/ and validated by config/. Defaults and documentation live in sim/proto/scenario.proto only:
// the members here are value-initialised (zero, empty, the first enumerator), and the translation
// (ScenarioDocument::to_scenario) fills every field from the schema, defaults included. Code that needs a
// default without a file takes it from proto/scenario_defaults.hpp (schema_defaults(), schema_rsu(), ...).
#include "core/distribution.hpp"
#include "core/enums.hpp"
#include "metrics/message_rows.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace v2x {

enum class TraceFormat { Auto, SumoFcd, Csv, Ns2 };
enum class NetworkModel { Cm02, Lv08 };

struct MobilityConfig {
  std::string trace;                  // resolved path
  TraceFormat format{};
  double max_gap_s{};
  double start_s{};
  std::uint32_t max_vehicles{};
  std::string projection;             // PROJ definition for geographic traces; empty = UTM zone of the first point
};

struct RsuConfig {
  std::string id;
  double x_m{}, y_m{};
  double cell_radius_m{};
  double cell_capacity_bps{};
  double cell_latency_s{};
  std::string mec;  // empty = nearest
  std::optional<std::uint32_t> channel; // radio channel; empty = NetworkConfig::radio.channel
};

struct MecConfig {
  std::string id;
  double x_m{}, y_m{};
  std::uint32_t cores{};
  double core_speed_flops_per_s{};
  double memory_mb{};
  std::uint32_t pod_slots{};
  std::uint32_t max_concurrent_ops{};
  double idle_w{};  // 0 = EnergyConfig::idle_w_per_core x cores
  double full_w{};  // 0 = EnergyConfig::full_w_per_core x cores
  double off_w{};   // EnergyConfig::off_w_per_core x cores
};

struct CloudConfig {
  double x_m{}, y_m{};
  std::uint32_t cores{};
  double core_speed_flops_per_s{};
  double memory_mb{};
  std::uint32_t pod_slots{};
  std::uint32_t max_concurrent_ops{};
  double link_bandwidth_bps{};
  double link_latency_s{};
  double idle_w{};  // 0 = EnergyConfig::cloud_idle_w_per_core x cores
  double full_w{};  // 0 = EnergyConfig::cloud_full_w_per_core x cores
  double off_w{};
};

struct LinkConfig {
  std::string from, to;
  double bandwidth_bps{};
  double latency_s{};
};

struct BrokerConfig {
  std::string id;
  std::string site;  // MEC id or "cloud"
  double service_flops{};
};

struct InfrastructureConfig {
  std::vector<RsuConfig> rsus;
  std::vector<MecConfig> mecs;
  CloudConfig cloud;
  std::vector<BrokerConfig> brokers;  // filled with defaults by the loader when the scenario has none
  std::vector<std::string> routers;
  std::vector<LinkConfig> links;      // filled with the default backhaul by the loader when empty
  double rsu_link_bandwidth_bps{};
  double rsu_link_latency_s{};
  double mec_link_bandwidth_bps{};
  double mec_link_latency_s{};
  std::string platform;  // resolved path of a SimGrid XML platform, or empty
  double image_registry_bandwidth_bps{};
  double image_registry_latency_s{};
};

// Encoded CAM part sizes in bytes (sim/radio/frame.hpp's CamSizes; sources in scenario.proto, Telemetry.CamSizes).
struct CamSizesConfig {
  double header_b{};
  double basic_container_b{};
  double high_frequency_b{};
  double low_frequency_b{};
  double path_point_b{};
  double special_vehicle_b{};
  double security_b{};
  double signer_digest_b{};
  double signer_certificate_b{};
};

enum class CamTriggering { FixedRate, Etsi };

struct TelemetryConfig {
  double rate_hz{};
  double rsu_rate_hz{};
  double rsu_message_b{};
  double area_size_m{};
  double start_jitter_s{};
  bool poisson{};  // arrivals: exponential gaps of mean 1/rate_hz instead of a fixed period
  std::uint32_t payload_b{}; // fixed payload (JSON OBU); 0 = ETSI CAM sizes
  CamSizesConfig cam_sizes;
  std::uint32_t path_history_points{};
  CamTriggering triggering{};
};

struct MessagingConfig {
  int qos{};                        // 0 or 1
  std::uint32_t session_queue{}; // messages kept per twin session at QoS 1
  bool exponential_service{};   // broker work exponential of mean service_flops
};

enum class TwinMode { Edge, Cloud, Hybrid };

// twin.hybrid (documented in scenario.proto, Hybrid).
struct HybridConfig {
  double cloud_cpu_cores{};
  double cloud_memory_mb{};
  double sync_period_s{};
  double sync_header_b{};
  double sync_point_b{};
  double sync_flops{};
  double cloud_point_flops{};
};

struct TwinConfig {
  std::uint32_t cooperation_areas{};  // areas around the station whose CAMs the twin also subscribes to
  double cpu_cores{};
  double memory_mb{};
  double image_b{};
  double state_b{};
  double message_flops{};
  double dashboard_period_s{};
  double dashboard_message_b{};
  double dirty_rate_bps{};
  double restore_bps{};  // 0 = restoring transferred state takes no time
  TwinMode mode{};
  double state_window_s{};
  HybridConfig hybrid;
  bool cold_start{};     // false: the twins of stations present at t = 0 serve from t = 0 (steady state)
};

// Power of the sites (scenario.proto, Energy).
struct EnergyConfig {
  double idle_w_per_core{};        // MEC class
  double full_w_per_core{};
  double off_w_per_core{};         // every site, while down
  double cloud_idle_w_per_core{};  // cloud class
  double cloud_full_w_per_core{};
};

// The time-series store (scenario.proto, TimeSeriesStore).
struct TsdbConfig {
  bool enabled{};
  std::string site;  // MEC id or "cloud"
  double point_period_s{};
  double point_b{};
  double write_flops{};
  double cores{};
};

struct OrchestratorConfig {
  Distribution request;
  Distribution scheduling;
  Distribution container_start;
  Distribution readiness;
  Distribution terminate_request;
  Distribution container_stop;
  Distribution cleanup;
  bool image_cache{};
  std::vector<std::string> prepulled;
  bool readiness_from_probe{};     // readiness absent: from the probe below (else the distribution `readiness`)
  double readiness_initial_delay_s{};
  double readiness_period_s{};
  double termination_grace_period_s{};
  double termination_shutdown_s{}; // < 0: the twin does not exit on SIGTERM
};

struct ManualMigrationConfig {
  double at_s{};
  std::string station;
  std::string to;
};

// Policy and mechanism parameters (documented, with their defaults, in sim/proto/scenario.proto).
struct HysteresisConfig {
  double margin_m{};
  double dwell_s{};
};

struct LatencyPolicyConfig {
  double threshold_s{};       // 0 = threshold_factor x the RSU's baseline latency
  double window_s{};
  double threshold_factor{};
};

struct PredictiveConfig {
  double horizon_s{};
  double position_error_m{};
};

struct LoadAwareConfig {
  double max_utilisation{};
  double slack_m{};
};

struct PreCopyConfig {
  double downtime_target_s{};
  std::uint32_t max_rounds{};
};

struct PostCopyConfig {
  double switch_b{};
  double fault_b{};
};

struct ExternalPolicyConfig {
  std::string command;
  std::string endpoint;
  double timeout_s{};
};

struct MigrationConfig {
  std::string policy{};
  std::string mechanism{};
  double decision_interval_s{};
  std::vector<ManualMigrationConfig> manual;
  HysteresisConfig hysteresis;
  LatencyPolicyConfig latency;
  PredictiveConfig predictive;
  LoadAwareConfig load_aware;
  PreCopyConfig pre_copy;
  PostCopyConfig post_copy;
  ExternalPolicyConfig external;
};

struct RateStep {
  double distance_m{};
  double rate_bps{};
};

enum class RadioAccessCategory { Background, BestEffort, Video, Voice };

// Loss by distance (sim/radio/loss.hpp's LossParams; sources in scenario.proto, Network.Radio.Loss).
struct RadioLossConfig {
  double tx_power_dbm{};
  double antenna_gains_db{};
  double reference_loss_db{};
  double exponent_near{};
  double exponent_far{};
  double breakpoint_m{};
  double nakagami_m_near{};
  double nakagami_m_far{};
  double nakagami_distance_m{};
  double sensitivity_offset_db{};
};

// The 802.11p access network (sim/radio; documented in scenario.proto, Network.Radio).
struct RadioConfig {
  std::uint32_t channel{};
  double carrier_sense_range_m{};
  RadioAccessCategory access_category{};
  std::uint32_t retry_limit{};
  double basic_rate_mbps{};
  RadioLossConfig loss;
  double roaming_margin_db{};
  double reassociation_s{};
};

struct NetworkConfig {
  NetworkModel model{};
  std::vector<RateStep> rate_steps;  // sorted by distance; filled with the 802.11p default when empty
  RadioConfig radio;
};

struct OutputConfig {
  std::string path{};
  MessageRows messages{}; // output.messages (bool) + messages_mode + message_sample_every
  double sample_period_s{};
  std::uint32_t chunk_rows{};
  std::uint32_t compression{};
  double warmup_s{};  // s: excluded from the summary (rows flagged)
};

// Faults and healing (documented, with their defaults, in sim/proto/scenario.proto: Fault, RandomFaults, Healing).

struct FaultConfig {
  FaultKind kind{};
  std::string target;
  double at_s{};
  double for_s{};
  double factor{};
};

struct RandomFaultConfig {
  FaultKind kind{};
  std::vector<std::string> targets;
  double mtbf_s{};
  double mttr_s{};
  double factor{};
  double start_s{};
  double end_s{};  // 0 = duration_s
};

struct HealingConfig {
  double detection_delay_s{};
  bool keep_image_cache{};
  bool recover{};
  std::string broker_fallback;  // empty: clients of a downed broker wait for it
  double reconnect_s{};
};

struct Scenario {
  std::string name{};
  std::uint64_t seed{};
  double duration_s{};
  MobilityConfig mobility;
  InfrastructureConfig infrastructure;
  TelemetryConfig telemetry;
  TwinConfig twin;
  OrchestratorConfig orchestrator;
  MigrationConfig migration;
  NetworkConfig network;
  OutputConfig output;
  MessagingConfig messaging;
  EnergyConfig energy;
  TsdbConfig tsdb;
  std::vector<std::string> engine_args;  // extra SimGrid arguments (scenario field engine_arg)
  std::vector<FaultConfig> faults;
  std::vector<RandomFaultConfig> random_faults;
  HealingConfig healing;

  std::string source_file;  // the scenario file as given
  std::string source_text;  // its text after --set overrides (recorded in the output)
};

} // namespace v2x
