#include "metrics/records.hpp"

#include "metrics/hdf5_schema.hpp"

#include <algorithm>
#include <array>

namespace v2x {

FixedName fixed_name(const std::string& s)
{
  FixedName out{}; // zero-filled: the bytes after the text are NUL, so equal names give equal bytes
  // Keep at most 31 bytes so that a reader expecting a terminator always finds one. Cutting a UTF-8
  // sequence in half would leave an invalid tail: back up to the start of the last whole character.
  std::size_t n = std::min(s.size(), out.size() - 1);
  if (n < s.size()) {
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0U) == 0x80U)
      --n;
  }
  std::copy_n(s.begin(), n, out.begin());
  return out;
}

} // namespace v2x

// ---- the HDF5 layout of each record (see hdf5_schema.hpp and SCHEMA.md) ----

namespace v2x {

namespace {

constexpr std::array kSiteColumns{
    V2X_COLUMN(SiteRecord, site, "id"),
    V2X_COLUMN(SiteRecord, name, "text"),
    Column{"is_cloud", offsetof(SiteRecord, is_cloud), ColumnType::Bool, "bool"},
    V2X_COLUMN(SiteRecord, x, "m"),
    V2X_COLUMN(SiteRecord, y, "m"),
    V2X_COLUMN(SiteRecord, cores, "cores"),
    V2X_COLUMN(SiteRecord, memory_mb, "MB"),
    V2X_COLUMN(SiteRecord, pod_slots, "count"),
};
static_assert(std::is_same_v<decltype(SiteRecord::is_cloud), std::uint8_t>);

constexpr std::array kRsuColumns{
    V2X_COLUMN(RsuRecord, rsu, "id"),    V2X_COLUMN(RsuRecord, name, "text"), V2X_COLUMN(RsuRecord, x, "m"),
    V2X_COLUMN(RsuRecord, y, "m"),       V2X_COLUMN(RsuRecord, radius, "m"),  V2X_COLUMN(RsuRecord, site, "id"),
    V2X_COLUMN(RsuRecord, broker, "id"),
};

constexpr std::array kBrokerColumns{
    V2X_COLUMN(BrokerRecord, broker, "id"),
    V2X_COLUMN(BrokerRecord, name, "text"),
    V2X_COLUMN(BrokerRecord, site, "id"),
};

constexpr std::array kMessageColumns{
    V2X_COLUMN(MessageRecord, station, "id"),  V2X_COLUMN(MessageRecord, seq, "count"),
    V2X_COLUMN(MessageRecord, rsu, "id"),      V2X_COLUMN(MessageRecord, broker, "id"),
    V2X_COLUMN(MessageRecord, site, "id"),     V2X_COLUMN(MessageRecord, size_b, "B"),
    V2X_COLUMN(MessageRecord, created, "s"),   V2X_COLUMN(MessageRecord, at_rsu, "s"),
    V2X_COLUMN(MessageRecord, at_broker, "s"), V2X_COLUMN(MessageRecord, at_twin, "s"),
    V2X_COLUMN(MessageRecord, processed, "s"), V2X_COLUMN(MessageRecord, outcome, "enum"), V2X_COLUMN(MessageRecord, cause, "enum"),
    Column{"warmup", offsetof(MessageRecord, warmup), ColumnType::Bool, "bool"},
};
static_assert(std::is_same_v<decltype(MessageRecord::warmup), std::uint8_t>);

constexpr std::array kHandoverColumns{
    V2X_COLUMN(HandoverRecord, time, "s"),      V2X_COLUMN(HandoverRecord, station, "id"),
    V2X_COLUMN(HandoverRecord, from_rsu, "id"), V2X_COLUMN(HandoverRecord, to_rsu, "id"),
    V2X_COLUMN(HandoverRecord, x, "m"),         V2X_COLUMN(HandoverRecord, y, "m"),
};

constexpr std::array kMigrationColumns{
    V2X_COLUMN(MigrationRecord, id, "id"),        V2X_COLUMN(MigrationRecord, station, "id"),
    V2X_COLUMN(MigrationRecord, from_site, "id"), V2X_COLUMN(MigrationRecord, to_site, "id"),
    V2X_COLUMN(MigrationRecord, reason, "enum"),  V2X_COLUMN(MigrationRecord, trigger, "enum"),
    V2X_COLUMN(MigrationRecord, outcome, "enum"), V2X_COLUMN(MigrationRecord, mechanism, "text"),
    V2X_COLUMN(MigrationRecord, policy, "text"),  V2X_COLUMN(MigrationRecord, note, "text"),
    V2X_COLUMN(MigrationRecord, requested, "s"),  V2X_COLUMN(MigrationRecord, finished, "s"),
    V2X_COLUMN(MigrationRecord, downtime, "s"),   V2X_COLUMN(MigrationRecord, bytes, "B"),
};

constexpr std::array kPhaseColumns{
    V2X_COLUMN(PhaseRecord, migration, "id"), V2X_COLUMN(PhaseRecord, phase, "text"),
    V2X_COLUMN(PhaseRecord, site, "id"),      V2X_COLUMN(PhaseRecord, start, "s"),
    V2X_COLUMN(PhaseRecord, end, "s"),        V2X_COLUMN(PhaseRecord, bytes, "B"),
};

constexpr std::array kStationColumns{
    V2X_COLUMN(StationRecord, station, "id"),
    V2X_COLUMN(StationRecord, name, "text"),
    V2X_COLUMN(StationRecord, kind, "enum"),
    V2X_COLUMN(StationRecord, appeared, "s"),
};

constexpr std::array kTwinColumns{
    V2X_COLUMN(TwinSample, time, "s"),
    V2X_COLUMN(TwinSample, station, "id"),
    V2X_COLUMN(TwinSample, site, "id"),
    V2X_COLUMN(TwinSample, state, "enum"),
    V2X_COLUMN(TwinSample, age_of_information, "s"),
};

constexpr std::array kMecColumns{
    V2X_COLUMN(MecSample, time, "s"),
    V2X_COLUMN(MecSample, site, "id"),
    V2X_COLUMN(MecSample, cpu_reserved_cores, "cores"),
    V2X_COLUMN(MecSample, memory_reserved_mb, "MB"),
    V2X_COLUMN(MecSample, pods, "count"),
    V2X_COLUMN(MecSample, ops_in_flight, "count"),
    V2X_COLUMN(MecSample, cpu_busy, "1"),
    V2X_COLUMN(MecSample, energy_j, "J"),
};

constexpr std::array kContinuityColumns{
    V2X_COLUMN(ContinuityRecord, migration, "id"),   V2X_COLUMN(ContinuityRecord, station, "id"),
    V2X_COLUMN(ContinuityRecord, state_carried, "bool"), V2X_COLUMN(ContinuityRecord, served, "s"),
    V2X_COLUMN(ContinuityRecord, state_age_s, "s"),  V2X_COLUMN(ContinuityRecord, rebuild_s, "s"),
    V2X_COLUMN(ContinuityRecord, duplicates, "count"), V2X_COLUMN(ContinuityRecord, cloud_age_s, "s"),
};

constexpr std::array kChannelColumns{
    V2X_COLUMN(ChannelSample, time, "s"),        V2X_COLUMN(ChannelSample, rsu, "id"),
    V2X_COLUMN(ChannelSample, busy, "1"),        V2X_COLUMN(ChannelSample, frames, "count"),
    V2X_COLUMN(ChannelSample, attempts, "count"), V2X_COLUMN(ChannelSample, retries, "count"),
    V2X_COLUMN(ChannelSample, failures, "count"), V2X_COLUMN(ChannelSample, collisions, "count"),
    V2X_COLUMN(ChannelSample, contending, "count"),
};

constexpr std::array kFaultColumns{
    V2X_COLUMN(FaultRecord, fault, "id"),        V2X_COLUMN(FaultRecord, kind, "enum"),
    V2X_COLUMN(FaultRecord, target, "text"),     V2X_COLUMN(FaultRecord, target_index, "id"),
    V2X_COLUMN(FaultRecord, start, "s"),         V2X_COLUMN(FaultRecord, end, "s"),
    V2X_COLUMN(FaultRecord, factor, "1"),
    Column{"random", offsetof(FaultRecord, random), ColumnType::Bool, "bool"},
    V2X_COLUMN(FaultRecord, twins_lost, "count"), V2X_COLUMN(FaultRecord, twins_recovered, "count"),
};
static_assert(std::is_same_v<decltype(FaultRecord::random), std::uint8_t>);

const TableSpec kSites{"/infrastructure/sites", "MEC sites then the cloud, one row per site, in site id order",
                       sizeof(SiteRecord), kSiteColumns};
const TableSpec kRsus{"/infrastructure/rsus", "road-side units, one row per RSU, in RSU id order", sizeof(RsuRecord),
                      kRsuColumns};
const TableSpec kBrokers{"/infrastructure/brokers", "MQTT brokers, one row per broker, in broker id order",
                         sizeof(BrokerRecord), kBrokerColumns};
const TableSpec kMessages{"/messages",
                          "one row per telemetry message, recorded when its fate is known; times are simulated s, "
                          "NaN for the hops it did not reach",
                          sizeof(MessageRecord), kMessageColumns};
const TableSpec kHandovers{"/handovers",
                           "one row per change of a vehicle's serving RSU (entering or leaving coverage "
                           "included)",
                           sizeof(HandoverRecord), kHandoverColumns};
const TableSpec kMigrations{"/migrations",
                            "one row per twin placement operation (initial placement, migration, removal), recorded "
                            "when it ends",
                            sizeof(MigrationRecord), kMigrationColumns};
const TableSpec kPhases{"/migration_phases", "one row per timed phase of a placement operation", sizeof(PhaseRecord),
                        kPhaseColumns};
const TableSpec kStations{"/stations", "one row per station (vehicle or RSU) when it appears, in station id order",
                          sizeof(StationRecord), kStationColumns};
const TableSpec kTwins{"/twins", "periodic sample of every twin: placement, state and age of information",
                       sizeof(TwinSample), kTwinColumns};
const TableSpec kMecs{"/mecs", "periodic sample of every site's load", sizeof(MecSample), kMecColumns};
const TableSpec kContinuity{"/continuity",
                            "one row per migration that served again: whether the state was carried, its age, the "
                            "time to rebuild it, and the messages delivered twice during an overlap",
                            sizeof(ContinuityRecord), kContinuityColumns};
const TableSpec kChannels{"/channels", "periodic sample of every RSU's 802.11p channel", sizeof(ChannelSample),
                          kChannelColumns};

const TableSpec kFaults{"/faults",
                        "one row per fault of the run (scheduled, then random), written at the end: kind, target, "
                        "scheduled start and end, and the twins it took down",
                        sizeof(FaultRecord), kFaultColumns};

constexpr std::array<const TableSpec*, 13> kAllTables{&kSites,      &kRsus,   &kBrokers,  &kMessages, &kHandovers,
                                                      &kMigrations, &kPhases, &kStations, &kTwins,    &kMecs,
                                                      &kChannels,   &kFaults,   &kContinuity};

constexpr std::array<const char*, 4> kMessageOutcomeNames{"delivered", "lost", "dropped", "not_sent"};
constexpr std::array<const char*, 11> kMessageCauseNames{
    "ok", "no_coverage", "radio", "superseded", "no_twin_yet", "migration", "capacity", "fault", "queue_full",
    "session_dropped", "in_flight"};
constexpr std::array<const char*, 5> kMigrationReasonNames{"initial", "policy", "manual", "removal", "recovery"};
constexpr std::array<const char*, 6> kMigrationTriggerNames{"appear", "handover", "tick", "api", "leave", "fault"};
constexpr std::array<const char*, 6> kFaultKindNames{"mec_down", "link_down",         "broker_down",
                                                     "rsu_down", "orchestrator_down", "mec_degraded"};
constexpr std::array<const char*, 4> kMigrationOutcomeNames{"completed", "rejected", "unfinished", "failed"};
constexpr std::array<const char*, 2> kStationKindNames{"vehicle", "rsu"};
constexpr std::array<const char*, 5> kTwinStateNames{"absent", "starting", "serving", "migrating", "stopping"};
static_assert(static_cast<int>(MessageOutcome::NotSent) == 3 && static_cast<int>(MessageCause::InFlight) == 10 && static_cast<int>(MigrationReason::Recovery) == 4 &&
                  static_cast<int>(MigrationTrigger::Fault) == 5 && static_cast<int>(FaultKind::MecDegraded) == 5 &&
                  static_cast<int>(MigrationOutcome::Failed) == 3 &&
                  static_cast<int>(StationKind::Rsu) == 1 && static_cast<int>(TwinState::Stopping) == 4,
              "enum names above must follow the enumerators of records.hpp and core/ids.hpp");

} // namespace

std::span<const char* const> enum_names(ColumnType t)
{
  switch (t) {
  case ColumnType::MessageOutcome:
    return kMessageOutcomeNames;
  case ColumnType::MessageCause:
    return kMessageCauseNames;
  case ColumnType::MigrationReason:
    return kMigrationReasonNames;
  case ColumnType::MigrationTrigger:
    return kMigrationTriggerNames;
  case ColumnType::MigrationOutcome:
    return kMigrationOutcomeNames;
  case ColumnType::StationKind:
    return kStationKindNames;
  case ColumnType::TwinState:
    return kTwinStateNames;
  case ColumnType::FaultKind:
    return kFaultKindNames;
  default:
    return {};
  }
}

// clang-format off
template <> const TableSpec& table_spec<SiteRecord>() { return kSites; }
template <> const TableSpec& table_spec<RsuRecord>() { return kRsus; }
template <> const TableSpec& table_spec<BrokerRecord>() { return kBrokers; }
template <> const TableSpec& table_spec<MessageRecord>() { return kMessages; }
template <> const TableSpec& table_spec<ContinuityRecord>() { return kContinuity; }
template <> const TableSpec& table_spec<HandoverRecord>() { return kHandovers; }
template <> const TableSpec& table_spec<MigrationRecord>() { return kMigrations; }
template <> const TableSpec& table_spec<PhaseRecord>() { return kPhases; }
template <> const TableSpec& table_spec<StationRecord>() { return kStations; }
template <> const TableSpec& table_spec<TwinSample>() { return kTwins; }
template <> const TableSpec& table_spec<MecSample>() { return kMecs; }
template <> const TableSpec& table_spec<ChannelSample>() { return kChannels; }
template <> const TableSpec& table_spec<FaultRecord>() { return kFaults; }
// clang-format on

std::span<const TableSpec* const> all_table_specs()
{
  return kAllTables;
}

} // namespace v2x
