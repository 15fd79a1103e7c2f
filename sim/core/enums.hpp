#pragma once
// Enumerations that cross layers: outcomes, reasons and triggers that the models produce, policies read and the
// metrics record. Their names in HDF5 are in metrics/records.cpp (enum_names), in the same order.
#include <cstdint>

namespace v2x {

enum class MessageOutcome : std::uint8_t {
  Delivered = 0, // processed by a serving twin instance
  Lost = 1,      // reached the broker while no instance of the twin was serving (QoS 0)
  Dropped = 2,   // dropped from a full queue
  NotSent = 3,   // the vehicle was out of every cell
};

/// Why a message ended as it did (its outcome gives the what). Every message has exactly one.
enum class MessageCause : std::uint8_t {
  Ok = 0,             // processed by its twin
  NoCoverage = 1,     // the OBU was out of every cell (or re-associating and the frame was replaced)
  Radio = 2,          // the frame exhausted its retries (collisions, errors by distance) or was cut by a handover
  Superseded = 3,     // a newer CAM replaced it in the OBU before it reached the air
  NoTwinYet = 4,      // the twin's first placement was still pending
  Migration = 5,      // the twin had no serving instance because it was migrating (or its instance stopped)
  Capacity = 6,       // the twin was in no site (placement rejected for capacity)
  Fault = 7,          // a failed component (MEC, link, broker, RSU) was on its path
  QueueFull = 8,      // a QoS 1 session was full
  SessionDropped = 9, // kept in a QoS 1 session that was discarded (twin removed, run ended)
  InFlight = 10,      // still on its way when the run ended
};

enum class MigrationReason : std::uint8_t {
  Initial = 0, // first placement when the station appears
  Policy = 1,  // the policy asked for it
  Manual = 2,  // scripted in the scenario (the manager's API)
  Removal = 3, // the station left: twin deleted
  Recovery = 4, // self-healing: the twin's instance was lost to a fault, re-placed (cold: its state went with it)
};

enum class MigrationTrigger : std::uint8_t {
  Appear = 0,   // station appeared
  Handover = 1, // vehicle changed RSU (location trigger)
  Tick = 2,     // manager's periodic decision tick
  Api = 3,      // manual request
  Leave = 4,    // station left
  Fault = 5,    // the manager detected a twin lost to a fault (healing.detection_delay_s after it)
};

enum class MigrationOutcome : std::uint8_t {
  Completed = 0,
  Rejected = 1, // refused before starting (no capacity, already migrating, ...)
  Unfinished = 2,  // still running when the run ended (recorded then, with what it had done)
  Failed = 3,      // a fault took the instance it deployed (its MEC went down): note "fault: <site> down"
};

/// What a fault takes down (scenario.proto, Fault.Kind; names in /faults: mec_down, link_down, ...).
enum class FaultKind : std::uint8_t {
  MecDown = 0,
  LinkDown = 1,
  BrokerDown = 2,
  RsuDown = 3,
  OrchestratorDown = 4,
  MecDegraded = 5,
};

enum class TwinState : std::uint8_t { Absent = 0, Starting = 1, Serving = 2, Migrating = 3, Stopping = 4 };

} // namespace v2x
