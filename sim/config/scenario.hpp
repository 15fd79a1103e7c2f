#pragma once
// The scenario as the engine sees it: plain structs, units in names, translated from the Protobuf text
// format by proto/ and validated by config/. Defaults and documentation live in sim/proto/scenario.proto.
#include "core/distribution.hpp"
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
  TraceFormat format = TraceFormat::Auto;
  double max_gap_s = 2.0;
  double start_s = 0;
  std::uint32_t max_vehicles = 0;
  std::string projection;             // PROJ definition for geographic traces; empty = UTM zone of the first point
};

struct RsuConfig {
  std::string id;
  double x_m = 0, y_m = 0;
  double cell_radius_m = 300;
  double cell_capacity_bps = 750000;
  double cell_latency_s = 0.002;
  std::string mec;  // empty = nearest
  std::optional<std::uint32_t> channel; // radio channel; empty = NetworkConfig::radio.channel
};

struct MecConfig {
  std::string id;
  double x_m = 0, y_m = 0;
  std::uint32_t cores = 16;
  double core_speed_flops_per_s = 1e9;
  double memory_mb = 65536;
  std::uint32_t pod_slots = 110;
  std::uint32_t max_concurrent_ops = 4;
};

struct CloudConfig {
  double x_m = 0, y_m = 0;
  std::uint32_t cores = 1024;
  double core_speed_flops_per_s = 1e9;
  double memory_mb = 4194304;
  std::uint32_t pod_slots = 100000;
  std::uint32_t max_concurrent_ops = 64;
  double link_bandwidth_bps = 125e6;
  double link_latency_s = 0.015;
};

struct LinkConfig {
  std::string from, to;
  double bandwidth_bps = 125e6;
  double latency_s = 0.001;
};

struct BrokerConfig {
  std::string id;
  std::string site;  // MEC id or "cloud"
  double service_flops = 20000;
};

struct InfrastructureConfig {
  std::vector<RsuConfig> rsus;
  std::vector<MecConfig> mecs;
  CloudConfig cloud;
  std::vector<BrokerConfig> brokers;  // filled with defaults by the loader when the scenario has none
  std::vector<std::string> routers;
  std::vector<LinkConfig> links;      // filled with the default backhaul by the loader when empty
  double rsu_link_bandwidth_bps = 125e6;
  double rsu_link_latency_s = 0.001;
  double mec_link_bandwidth_bps = 1.25e9;
  double mec_link_latency_s = 0.002;
  std::string platform;  // resolved path of a SimGrid XML platform, or empty
  double image_registry_bandwidth_bps = 12.5e6;
  double image_registry_latency_s = 0.02;
};

// Encoded CAM part sizes in bytes (sim/radio/frame.hpp's CamSizes; sources in scenario.proto, Telemetry.CamSizes).
struct CamSizesConfig {
  double header_b = 8.625;
  double basic_container_b = 16.5;
  double high_frequency_b = 15.25;
  double low_frequency_b = 2.375;
  double path_point_b = 8.5;
  double special_vehicle_b = 0.75;
  double security_b = 83;
  double signer_digest_b = 9;
  double signer_certificate_b = 147;
};

enum class CamTriggering { FixedRate, Etsi };

struct TelemetryConfig {
  double rate_hz = 10;
  double rsu_rate_hz = 1;
  double rsu_message_b = 200;
  double area_size_m = 500;
  double start_jitter_s = -1;
  bool poisson = false;  // arrivals: exponential gaps of mean 1/rate_hz instead of a fixed period
  std::uint32_t payload_b = 0; // fixed payload (JSON OBU); 0 = ETSI CAM sizes
  CamSizesConfig cam_sizes;
  std::uint32_t path_history_points = 10;
  CamTriggering triggering = CamTriggering::FixedRate;
};

struct MessagingConfig {
  int qos = 0;                        // 0 or 1
  std::uint32_t session_queue = 1000; // messages kept per twin session at QoS 1
  bool exponential_service = false;   // broker work exponential of mean service_flops
};

struct TwinConfig {
  std::uint32_t cooperation_areas = 0;  // areas around the station whose CAMs the twin also subscribes to
  double cpu_cores = 0.25;
  double memory_mb = 256;
  double image_b = 150e6;
  double state_b = 1e6;
  double message_flops = 2e5;
  double dashboard_period_s = 1;
  double dashboard_message_b = 500;
  double dirty_rate_bps = 1e4;
  double restore_bps = 0;  // 0 = restoring transferred state takes no time
};

struct OrchestratorConfig {
  Distribution request;
  Distribution scheduling;
  Distribution container_start;
  Distribution readiness;
  Distribution terminate_request;
  Distribution container_stop;
  Distribution cleanup;
  bool image_cache = true;
  std::vector<std::string> prepulled;
};

struct ManualMigrationConfig {
  double at_s = 0;
  std::string station;
  std::string to;
};

// Policy and mechanism parameters (documented, with their defaults, in sim/proto/scenario.proto).
struct HysteresisConfig {
  double margin_m = 50;
  double dwell_s = 2;
};

struct LatencyPolicyConfig {
  double threshold_s = 0;       // 0 = threshold_factor x the RSU's baseline latency
  double window_s = 3;
  double threshold_factor = 1.5;
};

struct PredictiveConfig {
  double horizon_s = 5;
  double position_error_m = 0;
};

struct LoadAwareConfig {
  double max_utilisation = 0.8;
  double slack_m = 0;
};

struct PreCopyConfig {
  double downtime_target_s = 0.3;
  std::uint32_t max_rounds = 30;
};

struct PostCopyConfig {
  double switch_b = 262144;
  double fault_b = 4096;
};

struct ExternalPolicyConfig {
  std::string command;
  std::string endpoint;
  double timeout_s = 10;
};

struct MigrationConfig {
  std::string policy = "nearest";
  std::string mechanism = "stateless-restart";
  double decision_interval_s = 1;
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
  double distance_m = 0;
  double rate_bps = 0;
};

enum class RadioAccessCategory { Background, BestEffort, Video, Voice };

// Loss by distance (sim/radio/loss.hpp's LossParams; sources in scenario.proto, Network.Radio.Loss).
struct RadioLossConfig {
  double tx_power_dbm = 20;
  double antenna_gains_db = 0;
  double reference_loss_db = 47.86;
  double exponent_near = 2.1;
  double exponent_far = 3.8;
  double breakpoint_m = 100;
  double nakagami_m_near = 1.5;
  double nakagami_m_far = 0.75;
  double nakagami_distance_m = 80;
  double sensitivity_offset_db = 0;
};

// The 802.11p access network (sim/radio; documented in scenario.proto, Network.Radio).
struct RadioConfig {
  std::uint32_t channel = 0;
  double carrier_sense_range_m = 250;
  RadioAccessCategory access_category = RadioAccessCategory::BestEffort;
  std::uint32_t retry_limit = 7;
  double basic_rate_mbps = 6;
  RadioLossConfig loss;
  double roaming_margin_db = 3;
  double reassociation_s = 0.05;
};

struct NetworkConfig {
  NetworkModel model = NetworkModel::Cm02;
  std::vector<RateStep> rate_steps;  // sorted by distance; filled with the 802.11p default when empty
  RadioConfig radio;
};

struct OutputConfig {
  std::string path = "v2xsim-out.h5";
  MessageRows messages; // output.messages (bool) + messages_mode + message_sample_every
  double sample_period_s = 1;
  std::uint32_t chunk_rows = 8192;
  std::uint32_t compression = 1;
};

struct Scenario {
  std::string name = "unnamed";
  std::uint64_t seed = 1;
  double duration_s = 0;
  MobilityConfig mobility;
  InfrastructureConfig infrastructure;
  TelemetryConfig telemetry;
  TwinConfig twin;
  OrchestratorConfig orchestrator;
  MigrationConfig migration;
  NetworkConfig network;
  OutputConfig output;
  MessagingConfig messaging;
  std::vector<std::string> engine_args;  // extra SimGrid arguments (scenario field engine_arg)

  std::string source_file;  // the scenario file as given
  std::string source_text;  // its text after --set overrides (recorded in the output)
};

} // namespace v2x
