#pragma once
// Run summary: computed by the recorder from what it saw, written as attributes of /summary and printed.
#include <cstdint>
#include <span>
#include <string>

namespace v2x {

struct Summary {
  std::uint64_t vehicles = 0; // vehicles that appeared
  std::uint64_t rsus = 0;
  std::uint64_t messages_created = 0; // all telemetry messages (incl. not sent)
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_lost = 0;
  std::uint64_t messages_dropped = 0;
  std::uint64_t messages_not_sent = 0;
  // Messages by cause (MessageCause); with messages_delivered (cause ok) they add up to messages_created.
  std::uint64_t cause_no_coverage = 0;
  std::uint64_t cause_radio = 0;
  std::uint64_t cause_superseded = 0;
  std::uint64_t cause_no_twin_yet = 0;
  std::uint64_t cause_migration = 0;
  std::uint64_t cause_capacity = 0;
  std::uint64_t cause_fault = 0;
  std::uint64_t cause_queue_full = 0;
  std::uint64_t cause_session_dropped = 0;
  std::uint64_t cause_in_flight = 0;
  std::uint64_t vehicle_messages = 0; // messages created by OBUs (the rest: RSUs)
  // Warm-up (output.warmup_s): what happened before it is left out of every other figure of the summary.
  double warmup_s = 0;
  std::uint64_t messages_warmup = 0;  // messages created before warmup_s (not in messages_created)
  double aoi_mean_s = 0;              // time-average age of information over served twin-time (vehicles)
  double aoi_p95_s = 0;               // 95th percentile of the age of information over served twin-time
  double latency_mean_s = 0; // created -> processed, delivered messages only
  double latency_p50_s = 0;
  double latency_p95_s = 0;
  double latency_p99_s = 0;
  double latency_max_s = 0;
  std::uint64_t handovers = 0;
  std::uint64_t cooperative_deliveries = 0;  // CAMs handed to other stations' twins (cooperation subscriptions)
  std::uint64_t migrations = 0; // completed, reason Policy or Manual
  std::uint64_t migrations_rejected = 0;
  std::uint64_t migrations_unfinished = 0;
  std::uint64_t migrations_failed = 0;  // a fault took the instance they deployed
  double downtime_total_s = 0; // sum over completed migrations
  double downtime_mean_s = 0;
  double downtime_max_s = 0;
  double vehicle_seconds = 0; // sum of the vehicles' presence
  // Faults (issue 12): /faults rows, twin instances they took down, twin-seconds without an instance because of
  // them (loss -> serving again, leaving or the run's end), recovery time (loss -> serving again) over recoveries.
  std::uint64_t faults = 0;
  std::uint64_t fault_twins_lost = 0;
  std::uint64_t fault_recoveries = 0;
  double fault_downtime_twin_s = 0;
  double recovery_mean_s = 0;
  double recovery_p95_s = 0;
  double recovery_max_s = 0;
  // Energy (edge/energy.hpp): every site from t = 0 to the end; per vehicle-hour = energy_total_j / vehicle h.
  double energy_total_j = 0;
  double energy_per_vehicle_hour_j = 0;
  // twin.mode HYBRID (edge/sync.hpp): the cloud twins' age of information (vehicles) and the sync stream.
  double cloud_aoi_mean_s = 0;
  double cloud_aoi_p95_s = 0;
  std::uint64_t sync_batches = 0;
  double sync_bytes = 0;                  // B on the backhaul, edge twins to cloud twins
  double sync_bytes_per_vehicle_hour = 0;
  std::uint64_t cloud_twins_rejected = 0; // stations whose cloud twin found no room in the cloud
  std::uint64_t cloud_twin_deploys = 0;   // cloud twins deployed through the orchestrator (not steady-state)
  double cloud_deploy_mean_s = 0;         // their mean appearance -> ready
  double cloud_first_serve_mean_s = 0;    // vehicles' cloud twins: mean appearance -> first sync batch processed
  double cloud_first_serve_max_s = 0;
  // Time-series store (edge/tsdb.hpp).
  std::uint64_t tsdb_points = 0;
  double tsdb_bytes_stored = 0;
  double tsdb_bytes_per_vehicle_hour = 0;
  double tsdb_lag_p50_s = 0;  // ingest lag: written - the point's time
  double tsdb_lag_p95_s = 0;
  // State continuity (edge/continuity.hpp, /continuity).
  std::uint64_t continuity_migrations = 0; // migrations that served again
  std::uint64_t state_lost = 0;            // of which the new instance started without the state
  std::uint64_t state_rebuilt = 0;         // of those, rebuilt its state window before the end
  double state_rebuild_mean_s = 0;
  std::uint64_t duplicate_deliveries = 0;  // messages delivered to two instances during make-before-break
  double simulated_s = 0;
  double wall_s = 0;
  std::uint64_t peak_rss_kb = 0;
};

/// One field of Summary, for code that handles every field the same way (the HDF5 /summary attributes,
/// tests). Exactly one of `count` and `value` is set.
struct SummaryField {
  const char* name; // the member's name, also the attribute's name in /summary
  const char* unit; // "count", "s", "kB"
  std::uint64_t Summary::*count;
  double Summary::*value;
};

/// Every field of Summary, in declaration order.
std::span<const SummaryField> summary_fields();

/// A short human-readable summary (several lines, each ending with '\n').
std::string format_summary(const Summary& s, const std::string& output_path);

} // namespace v2x
