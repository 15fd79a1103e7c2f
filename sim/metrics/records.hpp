#pragma once
// Rows of the HDF5 datasets, one struct per dataset. Plain data: the recorder streams them to the writer
// in chunks. Times are simulated seconds; NaN where an event did not happen (e.g. at_twin of a lost message).
// The HDF5 layout (names, types, units) is documented in sim/metrics/SCHEMA.md (README "Output").
#include "core/enums.hpp"
#include "core/ids.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace v2x {

using FixedName = std::array<char, 32>; // NUL-padded fixed-length string (HDF5 H5T_STR_NULLPAD)
FixedName fixed_name(const std::string& s);

struct MessageRecord {
  std::uint32_t station = 0;
  std::uint32_t seq = 0;     // per-station counter
  std::uint32_t rsu = kNone; // RSU that took the uplink
  std::uint32_t broker = kNone;
  std::uint32_t site = kNone; // site of the twin instance that processed it
  std::uint32_t size_b = 0;   // serialised (= simulated) size
  double created = 0;         // generation time at the station
  double at_rsu = 0;          // last byte through the radio hop
  double at_broker = 0;       // last byte at the broker's host
  double at_twin = 0;         // handed to the twin instance (after broker service and any bridge)
  double processed = 0;       // twin finished processing it
  MessageOutcome outcome = MessageOutcome::Delivered;
  MessageCause cause = MessageCause::Ok;
  std::uint8_t warmup = 0;    // 1: created before output.warmup_s (left out of the summary); set by the Recorder
};

struct HandoverRecord {
  double time = 0;
  std::uint32_t station = 0;
  std::uint32_t from_rsu = kNone; // kNone: entered coverage
  std::uint32_t to_rsu = kNone;   // kNone: left coverage
  double x = 0;
  double y = 0;
};

struct MigrationRecord {
  std::uint32_t id = 0;
  std::uint32_t station = 0;
  std::uint32_t from_site = kNone; // kNone for an initial placement
  std::uint32_t to_site = kNone;   // kNone for a removal
  MigrationReason reason = MigrationReason::Policy;
  MigrationTrigger trigger = MigrationTrigger::Tick;
  MigrationOutcome outcome = MigrationOutcome::Completed;
  FixedName mechanism{};
  FixedName policy{};
  FixedName note{};     // why a request was rejected, or "unfinished at end of run"; empty otherwise
  double requested = 0; // the manager accepted the intent
  double finished = 0;  // last phase ended
  double downtime = 0;  // s during which no instance served the twin
  double bytes = 0;     // B moved on the network (image pulls, state)
};

struct PhaseRecord {
  std::uint32_t migration = 0; // MigrationRecord::id
  FixedName phase{};           // e.g. "terminate.request", "instantiate.image_pull"
  std::uint32_t site = kNone;  // where the phase ran
  double start = 0;
  double end = 0;
  double bytes = 0;
};

struct StationRecord {
  std::uint32_t station = 0;
  FixedName name{};
  StationKind kind = StationKind::Vehicle;
  double appeared = 0;
};


struct TwinSample {
  double time = 0;
  std::uint32_t station = 0;
  std::uint32_t site = kNone; // site of the serving instance; kNone while none serves
  TwinState state = TwinState::Absent;
  double age_of_information = 0; // s since generation of the newest CAM processed; NaN when none yet
};

struct MecSample {
  double time = 0;
  std::uint32_t site = 0;
  double cpu_reserved_cores = 0; // sum of the twins' requests
  double memory_reserved_mb = 0;
  std::uint32_t pods = 0;
  std::uint32_t ops_in_flight = 0; // orchestrator operations running there
  double cpu_busy = 0;             // fraction of the site's cores busy processing messages over the last period
  double energy_j = 0;             // J consumed by the site from t = 0 to this sample (edge/energy.hpp)
};

/// State continuity of one migration (edge/continuity.hpp).
struct ContinuityRecord {
  std::uint32_t migration = 0;    // MigrationRecord::id
  std::uint32_t station = 0;
  std::uint8_t state_carried = 0; // 1: the mechanism carried the state; 0: the new instance started without it
  double served = 0;              // the new instance started serving
  double state_age_s = 0;         // carried: age of the newest CAM in the state at `served`; NaN when lost
  double rebuild_s = 0;           // lost: s from `served` until it processed CAMs spanning twin.state_window_s;
                                  // 0 when carried; NaN when not rebuilt before the row was closed
  std::uint32_t duplicates = 0;   // messages MQTT delivered to the old instance too while both subscribed
  double cloud_age_s = 0;         // twin.mode HYBRID: the cloud twin's age of information at `served`; else NaN
};

/// One RSU channel over one sample period (channel busy ratio and the MAC's counts in it).
struct ChannelSample {
  double time = 0;              // end of the period
  std::uint32_t rsu = 0;
  double busy = 0;              // fraction of the period the medium was busy (CBR): own frames and foreign ones
  std::uint32_t frames = 0;     // frames offered in the period
  std::uint32_t attempts = 0;   // transmissions
  std::uint32_t retries = 0;    // transmissions beyond each frame's first
  std::uint32_t failures = 0;   // frames given up (retry limit)
  std::uint32_t collisions = 0; // transmission starts shared by two senders or more
  std::uint32_t contending = 0; // senders in contention at the sample time
};

/// Static description of the infrastructure, written once at the start.
struct SiteRecord {
  std::uint32_t site = 0;
  FixedName name{};
  std::uint8_t is_cloud = 0;
  double x = 0, y = 0;
  std::uint32_t cores = 0;
  double memory_mb = 0;
  std::uint32_t pod_slots = 0;
};

struct RsuRecord {
  std::uint32_t rsu = 0;
  FixedName name{};
  double x = 0, y = 0;
  double radius = 0;
  std::uint32_t site = 0;   // MEC whose backhaul it uses
  std::uint32_t broker = 0; // broker it publishes to
};

/// One fault of the run (scheduled or random), written at the end with what it did.
struct FaultRecord {
  std::uint32_t fault = 0;
  FaultKind kind = FaultKind::MecDown;
  FixedName target{};            // MEC, link ("A-B"), broker or RSU name; "orchestrator"
  std::uint32_t target_index = kNone; // SiteId, link number, BrokerId, RsuId (0 for the orchestrator)
  double start = 0;              // s
  double end = 0;                // s: scheduled end (it may lie beyond the run's end)
  double factor = 1;             // MEC_DEGRADED: share of the CPU speed left (1 otherwise)
  std::uint8_t random = 0;       // drawn from random_fault (1) or scheduled (0)
  std::uint32_t twins_lost = 0;  // twin instances that went with it (serving or being deployed there)
  std::uint32_t twins_recovered = 0; // of those, twins that served again before the run ended
};

struct BrokerRecord {
  std::uint32_t broker = 0;
  FixedName name{};
  std::uint32_t site = 0;
};

} // namespace v2x
