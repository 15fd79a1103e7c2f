#pragma once
// What a telemetry packet sees of the wired network without being a SimGrid activity. SimGrid carries every
// bulk flow (image pulls, state transfers, session flushes) as a real transfer; their starts and ends are
// reported here, and this view keeps, per link and per epoch between two such events, the bulk flows' rates (max-min
// by progressive filling, weighted as CM02 weights them: a flow's share of a saturated link is proportional to the
// inverse of its sharing penalty, its route's latency; src/surf/network_cm02.cpp and src/kernel/lmm/maxmin.cpp of
// SimGrid 3.32), and from them the share an additional (infinitesimal) flow of penalty p would get on that link:
// the weighted water level  s = (C_l - sum of the rates of the flows that stay below their level) / (1 + sum of
// p / p_f over the others). With equal penalties that is (C_l - rates of the flows bottlenecked elsewhere) /
// (1 + n_l). A telemetry packet crossing route R at time t takes  sum of latencies + size / min over l in R of
// s_l(t), which is what SimGrid's CM02 (TCP-gamma 0, cross-traffic 0) gives such a transfer.
// Error bound: the packets are not added to SimGrid's sharing, so bulk flows do not slow down for telemetry:
// on a link carrying telemetry at rate x, a bulk flow's rate is over-estimated by at most x / C_l of C_l, and
// telemetry packets do not share with each other (a packet's transmission part is under-estimated by the factor
// 1 / (1 - rho) of processor sharing, rho = the link's telemetry utilisation, 0.4 % per 100 vehicles at 10 Hz on
// a 1 Gb/s backhaul). tests/sim/test_network_view.cpp checks the shares against SimGrid transfers, and
// tests/sim/test_reference_plane.cpp the plane's per-message times against SimGrid transfers hop by hop.
#include <simgrid/s4u.hpp>

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace v2x {

class NetworkView {
public:
  struct Route {
    double latency_s = 0;
    std::vector<std::uint32_t> links;  // indices into the view's link table
    /// SimGrid's sharing penalty of a transfer on this route (CM02, src/surf/network_cm02.cpp): the sum of the
    /// links' latencies (before the latency factor) plus weight-S / bandwidth per link; 1 when that is 0. Max-min
    /// shares are weighted by its inverse: a flow on a longer route gets less of a shared link (RTT unfairness).
    double penalty = 1;
  };
  using FlowId = std::uint32_t;

  /// `latency_factor`, `bandwidth_factor`, `weight_s`: the network model's corrections and its weight-S
  /// (CM02: 1, 1, 0; LV08: 13.01, 0.97, 20537).
  explicit NetworkView(double latency_factor = 1.0, double bandwidth_factor = 1.0, double weight_s = 0.0);

  /// The SimGrid route between two hosts, cached.
  const Route& route(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to);
  /// Time for `bytes` to cross `r` starting at `t` (t at or after the oldest epoch not yet released).
  double transfer_time(const Route& r, double bytes, double t) const;
  double transfer_time(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to, double bytes, double t)
  {
    return transfer_time(route(from, to), bytes, t);
  }

  /// A bulk flow from `from` to `to` starts (resp. ends) at `t`; the caller runs it in SimGrid between the two.
  FlowId flow_started(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to, double t);
  void flow_ended(FlowId id, double t);
  /// Runs a blocking SimGrid transfer of `bytes` from `from` to `to`, reported as a bulk flow. LINK_DOWN: while a
  /// link of the route is down the transfer waits for it; one cut by a link going down (SimGrid fails the comm)
  /// starts again from its first byte once the link is back (a TCP transfer reset and retried).
  void bulk_transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes);
  /// LINK_DOWN (the caller turns the SimGrid link off or on as well): telemetry crossing it is lost.
  void set_link_up(simgrid::s4u::Link* link, bool up);
  /// Every link of `r` is up.
  bool route_up(const Route& r) const
  {
    if (links_down_ == 0)
      return true;
    for (std::uint32_t l : r.links)
      if (l < link_down_.size() && link_down_[l])
        return false;
    return true;
  }
  std::uint64_t failed_flows() const { return failed_flows_; }
  /// Forgets epochs that ended before `t` (the telemetry plane has processed every event before t).
  void release_before(double t);

  std::size_t active_flows() const { return active_.size(); }
  /// The share an extra flow of sharing penalty `penalty` (Route::penalty) would get on link `l` at time t (B/s).
  double share(std::uint32_t link, double t, double penalty = 1.0) const;

private:
  struct Flow {
    Route route;
    bool active = false;
  };
  struct LinkState {
    double share;    // a newcomer's share when its penalty is `penalty` (that of every flow here)
    double penalty;  // the penalty common to the bulk flows crossing the link; NaN when they differ
    std::vector<std::pair<double, double>> flows;  // (rate, penalty) of each bulk flow crossing the link
  };
  struct Epoch {
    double from_s;
    std::unordered_map<std::uint32_t, LinkState> share;  // links with bulk flows; others: full capacity
  };
  std::uint32_t link_index(simgrid::s4u::Link* l);
  void new_epoch(double t);

  double latency_factor_;
  double bandwidth_factor_;
  double weight_s_;
  std::vector<double> capacity_;  // B/s per link, after the bandwidth factor
  std::unordered_map<const simgrid::s4u::Link*, std::uint32_t> link_ids_;
  struct RouteKey {
    const simgrid::s4u::Host* from;
    const simgrid::s4u::Host* to;
    bool operator==(const RouteKey& o) const { return from == o.from && to == o.to; }
  };
  struct RouteKeyHash {
    std::size_t operator()(const RouteKey& k) const
    {
      const auto a = reinterpret_cast<std::uintptr_t>(k.from), b = reinterpret_cast<std::uintptr_t>(k.to);
      return std::hash<std::uintptr_t>()(a ^ (b * 0x9E3779B97F4A7C15ull));
    }
  };
  std::unordered_map<RouteKey, Route, RouteKeyHash> routes_;
  std::vector<Flow> flows_;
  std::vector<FlowId> free_flows_;
  std::vector<FlowId> active_;
  std::vector<Epoch> epochs_;  // by increasing from_s; the last is current
  std::vector<bool> link_down_;  // by link index (LINK_DOWN)
  std::uint32_t links_down_ = 0;
  std::uint64_t failed_flows_ = 0;
  simgrid::s4u::ConditionVariablePtr link_up_;  // created at the first fault; bulk transfers wait on it
  simgrid::s4u::MutexPtr link_mutex_;
};

} // namespace v2x
