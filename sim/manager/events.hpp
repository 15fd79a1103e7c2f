#pragma once
// Control messages between actors: move-only structs with an enum class type, sent as unique_ptr payloads
// through mailboxes and received with get_unique<T>(). Each value says its direction.
#include "core/ids.hpp"
#include "migration/mechanism.hpp"

#include <simgrid/s4u/Mailbox.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include <cstdint>
#include <deque>
#include <memory>

namespace v2x {

struct ManagerEvent {
  enum class Type : std::uint8_t {
    Appear,    // MobilityDriver -> Manager: a station appeared (its view is filled)
    Leave,     // MobilityDriver -> Manager: a station left
    Handover,  // Vehicle -> Manager: the vehicle changed RSU (location trigger)
    Done,      // MigrationRun -> Manager: the operation on `station`'s twin ended
    Finish,    // MobilityDriver -> Manager: the trace is over; reply on `reply` once every vehicle twin is gone
    Tick,      // ManagerClock -> Manager: periodic decision
    Manual,    // ManagerClock -> Manager: scripted request number `index` is due (the manager's API)
    Recover,   // FaultInjector -> Manager: the health check finds `station`'s twin lost to a fault (heal it)
  };
  Type type = Type::Appear;
  StationId station = kNone;
  simgrid::s4u::Mailbox* reply = nullptr;
  std::uint32_t index = 0;
};

/// The manager's inbox: the events every actor posts to the manager, in posting order, received one by one. A
/// queue in memory with a SimGrid semaphore for the manager to wait on, not a mailbox: a detached comm
/// per event costs SimGrid 3.32 time linear in the comms outstanding when it completes, which made the 30,000
/// Appear events of a city's first instant take minutes. Posting never blocks and takes no simulated time (the
/// events' senders all run on the manager's host, where a zero-byte comm took none either); actors are
/// cooperative, so post() and get() need no lock. A semaphore, not a condition variable with its mutex: the
/// manager is a daemon killed while it waits, and unwinding a std::unique_lock unlocks the mutex, a simcall that
/// deadlocks SimGrid's thread contexts (make asan) while the maestro joins the dying actor's thread.
class ManagerInbox {
public:
  ManagerInbox();
  ~ManagerInbox();
  ManagerInbox(const ManagerInbox&) = delete;
  ManagerInbox& operator=(const ManagerInbox&) = delete;

  void post(ManagerEvent event);
  /// The oldest event; waits (simulated time passes) while there is none.
  std::unique_ptr<ManagerEvent> get();
  /// An event is waiting.
  bool listen() const { return !queue_.empty(); }

private:
  std::deque<ManagerEvent> queue_;
  simgrid::s4u::SemaphorePtr ready_;  // released when an event comes while the manager waits
  bool waiting_ = false;
};

struct OrchestratorRequest {
  enum class Op : std::uint8_t {
    Instantiate,  // MigrationRun -> Orchestrator: deploy an instance of `station`'s twin on `site`
    Terminate,    // MigrationRun -> Orchestrator: delete `instance`
    InstantiateCloudTwin,  // Manager (cloud-twin actor) -> Orchestrator: deploy `station`'s full twin on `site`,
                           // the cloud (twin.mode HYBRID; no edge instance: the reply's instance is kNone)
  };
  Op op = Op::Instantiate;
  StationId station = kNone;
  SiteId site = kNone;
  InstanceId instance = kNone;
  std::uint32_t migration = 0;  // for the phase records
  simgrid::s4u::Mailbox* reply = nullptr;
};

struct OrchestratorReply {  // Orchestrator -> MigrationRun
  InstanceId instance = kNone;
  double bytes = 0;  // moved on the network (image pull)
};

} // namespace v2x
