#pragma once
// A migration policy decides *when* and *where* a twin should run. It sees a read-only snapshot of the world
// and returns intents; the manager validates and executes them with a mechanism. Policies never touch SimGrid
// and do no I/O (ns-3 MobilityModel's public-non-virtual/private-virtual split: every decision goes through
// decide()/place(), which log it the same way for every policy).
#include "core/ids.hpp"
#include "core/enums.hpp"
#include "proto/policy_messages.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace v2x {

/// What the policy may know of a station. Indexed by StationId; `present` is false before it appears and
/// after it leaves.
struct StationView {
  bool present = false;
  StationKind kind = StationKind::Vehicle;
  double x_m = 0, y_m = 0;
  double speed_mps = 0;
  double heading_deg = 0;   // clockwise from north
  RsuId rsu = kNone;        // serving RSU (kNone: out of coverage)
  SiteId rsu_site = kNone;  // the MEC behind the serving RSU
  // The twin:
  SiteId twin_site = kNone;  // where the serving instance runs (kNone: none serves now)
  bool twin_busy = false;    // an operation (placement, migration, removal) is running for this twin
  double last_latency_s = 0; // end-to-end latency of its newest delivered message
};

struct SiteView {
  std::string_view name;
  bool is_cloud = false;
  double x_m = 0, y_m = 0;
  double cpu_free_cores = 0;
  double memory_free_mb = 0;
  std::uint32_t pods_free = 0;
  double utilisation = 0;  // reserved CPU / cores
  bool down = false;       // a fault took the site down (MEC_DOWN): the manager admits nothing there
};

struct Snapshot {
  double now = 0;
  MigrationTrigger trigger = MigrationTrigger::Tick;
  StationId subject = kNone;  // station whose event triggered the decision; kNone for a tick
  std::span<const StationView> stations;
  std::span<const SiteView> sites;
  SiteId cloud = kNone;
  /// By RsuId: the uncongested latency, s, from a vehicle in that RSU's cell to a twin on the MEC behind the RSU
  /// (radio access + the backhaul route's link latencies, from the platform; no queueing, transfer or service
  /// time). Empty when the run does not give it (tests' hand-made snapshots).
  std::span<const double> rsu_baseline_latency_s;
};

/// A request to run `station`'s twin on `target`.
struct Intent {
  StationId station = kNone;
  SiteId target = kNone;
};

/// A policy that takes every decision of one simulated instant at once (the external policy: one round trip per
/// instant). The manager collects the instant's triggers, asks once, then executes the answer in trigger order.
class BatchDecider {
public:
  virtual ~BatchDecider() = default;
  /// Checks the configuration and connects (before the engine runs); InputError naming the field otherwise.
  virtual void open() = 0;
  /// The intents for every station of `s` (throws InputError when the policy fails: the run fails).
  virtual wire::PolicyDecision decide_batch(const wire::PolicySnapshot& s) = 0;
  /// The run is over: tells the policy (s.done) and ends the conversation. Never throws.
  virtual void finish(const wire::PolicySnapshot& s) noexcept = 0;
  /// Round trips so far and their total wall time (encode, send, wait, receive, decode).
  virtual std::uint64_t round_trips() const = 0;
  virtual double round_trip_s() const = 0;

  /// Cumulative figures the manager keeps for the snapshots (policy migrations started, rejections).
  wire::Totals totals;
};

class Policy {
public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  /// Non-null for a policy that decides per instant, in batches (then decide() and place() are not used).
  virtual BatchDecider* batch() { return nullptr; }

  /// Intents for this snapshot (logged; at most one per station).
  std::vector<Intent> decide(const Snapshot& s);
  /// Where a twin goes when its station appears.
  SiteId place(const Snapshot& s, StationId station);

protected:
  /// Calls f(station) for the station whose event triggered the decision, or for every station on a tick.
  template <class F> static void for_each_candidate(const Snapshot& s, F&& f)
  {
    if (s.subject != kNone) {
      f(s.subject);
      return;
    }
    for (StationId id = 0; id < s.stations.size(); ++id)
      f(id);
  }
  /// The MEC behind the station's current RSU, or the cloud when it is out of coverage.
  static SiteId rsu_site_or_cloud(const Snapshot& s, StationId station)
  {
    const SiteId site = s.stations[station].rsu_site;
    return site == kNone || (site < s.sites.size() && s.sites[site].down) ? s.cloud : site;  // never a downed MEC
  }

private:
  virtual void do_decide(const Snapshot& s, std::vector<Intent>& out) = 0;
  virtual SiteId do_place(const Snapshot& s, StationId station) = 0;
};

} // namespace v2x
