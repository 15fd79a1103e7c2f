#pragma once
// The scenario as the engine sees it: plain structs, units in names, translated from the Protobuf text
// format by proto/ and validated by config/. Defaults and documentation live in sim/proto/scenario.proto.
#include "core/distribution.hpp"

#include <cstdint>
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

struct TelemetryConfig {
  double rate_hz = 10;
  double rsu_rate_hz = 1;
  double rsu_message_b = 200;
  double area_size_m = 500;
  double start_jitter_s = -1;
  bool poisson = false;  // arrivals: exponential gaps of mean 1/rate_hz instead of a fixed period
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
};

struct RateStep {
  double distance_m = 0;
  double rate_bps = 0;
};

struct NetworkConfig {
  NetworkModel model = NetworkModel::Cm02;
  std::vector<RateStep> rate_steps;  // sorted by distance; filled with the 802.11p default when empty
};

struct OutputConfig {
  std::string path = "v2xsim-out.h5";
  bool messages = true;
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
