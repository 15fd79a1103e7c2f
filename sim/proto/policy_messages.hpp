#pragma once
// The policy protocol (policy.proto) as plain structs: what the manager sends an external policy at one simulated
// instant and what it gets back. Only policy_codec.cpp turns them into bytes (this header includes no *.pb.h).
#include "core/enums.hpp"
#include "core/ids.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace v2x::wire {

/// PROTOCOL_VERSION of policy.proto; both sides check the other's.
inline constexpr std::uint32_t kPolicyProtocolVersion = 1;

inline constexpr std::int32_t kNoIndex = -1;

struct StationState {
  StationId id = 0;
  std::string name;
  StationKind kind = StationKind::Vehicle;
  MigrationTrigger trigger = MigrationTrigger::Tick;  // Appear, Handover, Tick or Api
  double x_m = 0, y_m = 0, speed_mps = 0, heading_deg = 0;
  std::int32_t rsu = kNoIndex;
  std::int32_t rsu_site = kNoIndex;
  std::int32_t twin_site = kNoIndex;
  bool twin_busy = false;
  double latency_s = 0;
  double aoi_s = 0;
};

struct SiteState {
  SiteId id = 0;
  std::string name;
  bool is_cloud = false;
  double x_m = 0, y_m = 0;
  double cpu_free_cores = 0;
  double memory_free_mb = 0;
  std::uint32_t pods_free = 0;
  double utilisation = 0;
  std::uint32_t ops_in_flight = 0;
  bool can_host = false;
  bool down = false;  // a fault took it down (MEC_DOWN)
};

struct Rejection {
  StationId station = 0;
  std::int32_t target_site = kNoIndex;
  double time_s = 0;
  std::string reason;
};

struct Totals {
  std::uint32_t migrations_started = 0;
  std::uint32_t rejections = 0;
  double downtime_s = 0;
  std::uint32_t vehicles_present = 0;
};

struct PolicySnapshot {
  std::uint32_t protocol_version = kPolicyProtocolVersion;
  double time_s = 0;
  std::vector<StationState> stations;
  std::vector<SiteState> sites;
  std::vector<SiteId> candidate_sites;
  std::vector<Rejection> rejections;
  std::int32_t cloud_site = kNoIndex;
  Totals totals;
  bool done = false;
  std::uint64_t sequence = 0;
};

struct PolicyIntent {
  StationId station = 0;
  std::int32_t target_site = kNoIndex;  // kNoIndex: no site
};

struct PolicyDecision {
  std::uint32_t protocol_version = kPolicyProtocolVersion;
  std::vector<PolicyIntent> intents;
  std::string error;  // non-empty: the policy gave up (fails the run)
};

} // namespace v2x::wire
