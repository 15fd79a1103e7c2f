#pragma once
// Faults (issue 12): the schedule of outages of a run, resolved against its infrastructure, and the state the
// models read while it runs. No SimGrid here: the FaultInjector actor (manager/fault_injector.hpp) applies the
// schedule on SimGrid's clock and sets this state; the telemetry plane, the twin book, the brokers, the ledger and
// the orchestrator read it.
//
// Kinds and targets (the full semantics, with what SimGrid 3.32's static routes allow, in scenario.proto, Fault):
//   MEC_DOWN / MEC_DEGRADED: a MEC (a SiteId, never the cloud);  LINK_DOWN: a backhaul link (an edge of the
//   infrastructure graph, by its name "A-B" or "B-A");  BROKER_DOWN: a broker;  RSU_DOWN: an RSU;
//   ORCHESTRATOR_DOWN: the orchestrator (target "orchestrator" or empty).
// Random faults: per target, an alternating renewal process from the run's seed: up ~ Exp(mtbf), down ~ Exp(mttr),
// starting up at start_s, no failure starting after end_s (a failure that starts before end_s lasts its full
// repair time). Its long-run availability is mtbf / (mtbf + mttr).
#include "config/scenario.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "topology/infrastructure.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace v2x {

/// The name of a kind as --fault writes it ("mec_down", ...) and /faults records it.
const char* fault_kind_name(FaultKind k);
/// Parses a kind name, either case ("mec_down" or "MEC_DOWN"); false when unknown.
bool parse_fault_kind(const std::string& text, FaultKind& out);
/// "KIND:TARGET@AT+FOR" or "KIND:TARGET@AT+FOR*FACTOR" (`v2xsim run --fault`); InputError naming "--fault".
FaultConfig parse_fault_option(const std::string& arg);

/// One outage of the run, resolved.
struct FaultEvent {
  std::uint32_t id = 0; // row of /faults (scheduled faults first, in scenario order, then random ones)
  FaultKind kind = FaultKind::MecDown;
  std::string target;          // as written (the link's SimGrid name for LINK_DOWN)
  std::uint32_t index = kNone; // SiteId, RsuId, BrokerId, or the link's edge number in the graph's edge order
  double start = 0;
  double end = 0;
  double factor = 1; // MEC_DEGRADED: share of the CPU speed left
  bool random = false;
};

/// The index a fault's target has in `infra` (see FaultEvent::index); InputError naming `field` and the target
/// when unknown or when the kind does not fit it (the cloud is no MEC; a broker is no link).
std::uint32_t resolve_fault_target(FaultKind kind, const std::string& target, const Infrastructure& infra,
                                   const std::string& field, const std::string& source_file);

/// Down intervals [start, end) of one random target: up ~ Exp(mtbf_s), down ~ Exp(mttr_s), alternating from
/// `from_s` (up), no failure starting at or after `until_s`.
std::vector<std::pair<double, double>> random_down_intervals(RandomStream& rng, double mtbf_s, double mttr_s,
                                                             double from_s, double until_s);

/// Every fault of the run: the scenario's scheduled ones, then the random ones (entry i, target j drawn from the
/// stream (seed, Fault, i << 20 | j)) up to `horizon_s` (the run's duration). Checks the targets against `infra`
/// (InputError naming fault[i].target / random_fault[i].target[j]).
std::vector<FaultEvent> build_fault_schedule(const Scenario& s, const Infrastructure& infra, double horizon_s);

/// What is down now, and the twins that faults took down (for healing and the summary).
class FaultState {
public:
  FaultState(std::size_t sites, std::size_t rsus, std::size_t brokers);

  bool active() const { return active_ > 0; } // some fault is under way (the models' fast path when not)
  void begin() { ++active_; }
  void end() { --active_; }

  bool site_down(SiteId s) const { return s < site_down_.size() && site_down_[s]; }
  double site_speed(SiteId s) const { return s < site_speed_.size() ? site_speed_[s] : 1.0; }
  bool rsu_down(RsuId r) const { return r < rsu_down_.size() && rsu_down_[r]; }
  bool broker_down(BrokerId b) const { return b < broker_down_.size() && broker_down_[b]; }
  bool orchestrator_down() const { return orchestrator_down_; }
  bool any_rsu_down() const { return rsus_down_ > 0; }
  void set_site_down(SiteId s, bool down, std::uint32_t fault = kNone)
  {
    site_down_[s] = down;
    site_fault_[s] = down ? fault : kNone;
  }
  std::uint32_t site_fault(SiteId s) const { return s < site_fault_.size() ? site_fault_[s] : kNone; }
  /// ORCHESTRATOR_DOWN: requests received before this time wait until it (time-based, so that a request and the
  /// fault's end at one instant need no ordering).
  double orchestrator_down_until() const { return orchestrator_until_; }
  void set_orchestrator_down_until(double t) { orchestrator_until_ = t; }
  void set_site_speed(SiteId s, double factor) { site_speed_[s] = factor; }
  void set_rsu_down(RsuId r, bool down)
  {
    if (rsu_down_[r] != down)
      rsus_down_ += down ? 1 : -1;
    rsu_down_[r] = down;
  }
  void set_broker_down(BrokerId b, bool down) { broker_down_[b] = down; }
  /// healing.broker_fallback: the clients of a downed broker b reconnect to `fallback` from `at` on.
  void set_fallback(BrokerId fallback) { fallback_ = fallback; }
  void set_reconnect_at(BrokerId b, double at)
  {
    if (reconnect_at_.size() <= b)
      reconnect_at_.resize(b + 1, std::numeric_limits<double>::infinity());
    reconnect_at_[b] = at;
  }
  /// The broker b's clients use at t: b, or the fallback once they have reconnected while b is down.
  BrokerId effective_broker(BrokerId b, double t) const
  {
    if (fallback_ == kNone || fallback_ == b || !broker_down(b) || b >= reconnect_at_.size() || t < reconnect_at_[b])
      return b;
    return fallback_;
  }
  void set_orchestrator_down(bool down) { orchestrator_down_ = down; }

  // Twins lost to a fault: from the instant their instance went to the instant one serves again (recovery
  // time), or to the station's leaving or the run's end (counted as downtime, not as a recovery).
  bool twin_lost(StationId s) const { return s < lost_since_.size() && !std::isnan(lost_since_[s]); }
  double lost_since(StationId s) const
  {
    return twin_lost(s) ? lost_since_[s] : std::numeric_limits<double>::quiet_NaN();
  }
  std::uint32_t lost_fault(StationId s) const { return twin_lost(s) ? lost_fault_[s] : kNone; }
  /// `s`'s twin has no instance since `t` because of fault `fault` (no effect when it is already lost).
  void lose_twin(StationId s, double t, std::uint32_t fault);
  /// An instance of `s`'s twin serves again at `t`: a recovery (if it was lost).
  void twin_serving(StationId s, double t);
  /// `s` left, or the run ended, at `t` with its twin still lost.
  void twin_gone(StationId s, double t);
  /// Ends every loss at `t` (the end of the run).
  void close(double t);

  double downtime_s() const { return downtime_s_; } // twin-seconds without an instance because of faults
  std::uint64_t twins_lost() const { return twins_lost_; }
  const std::vector<double>& recoveries() const { return recoveries_; } // fault -> serving again, s
  std::uint64_t unrecovered() const { return unrecovered_; }
  /// Per fault id: twins it took down, and how many of them served again.
  std::uint32_t lost_by(std::uint32_t fault) const { return fault < lost_by_.size() ? lost_by_[fault] : 0; }
  std::uint32_t recovered_by(std::uint32_t fault) const
  {
    return fault < recovered_by_.size() ? recovered_by_[fault] : 0;
  }

private:
  std::uint32_t active_ = 0;
  std::vector<bool> site_down_;
  std::vector<std::uint32_t> site_fault_;
  double orchestrator_until_ = -1;
  std::vector<double> site_speed_;
  std::vector<bool> rsu_down_;
  std::uint32_t rsus_down_ = 0;
  std::vector<bool> broker_down_;
  BrokerId fallback_ = kNone;
  std::vector<double> reconnect_at_;
  bool orchestrator_down_ = false;
  std::vector<double> lost_since_;
  std::vector<std::uint32_t> lost_fault_;
  std::vector<std::uint32_t> lost_by_, recovered_by_;
  std::vector<double> recoveries_;
  double downtime_s_ = 0;
  std::uint64_t twins_lost_ = 0;
  std::uint64_t unrecovered_ = 0;
};

} // namespace v2x
