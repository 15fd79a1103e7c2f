#include "topology/network_view.hpp"

#include <simgrid/Exception.hpp>
#include <simgrid/kernel/routing/NetPoint.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2x {

namespace sg4 = simgrid::s4u;

NetworkView::NetworkView(double latency_factor, double bandwidth_factor, double weight_s)
    : latency_factor_(latency_factor), bandwidth_factor_(bandwidth_factor), weight_s_(weight_s)
{
  epochs_.push_back(Epoch{-std::numeric_limits<double>::infinity(), {}});
}

std::uint32_t NetworkView::link_index(sg4::Link* l)
{
  auto [it, added] = link_ids_.emplace(l, static_cast<std::uint32_t>(capacity_.size()));
  if (added)
    capacity_.push_back(l->get_bandwidth() * bandwidth_factor_);
  return it->second;
}

const NetworkView::Route& NetworkView::route(const sg4::Host* from, const sg4::Host* to)
{
  // Keyed by the hosts themselves: a netpoint's id() is its index within its own zone, so in a zone hierarchy
  // hosts of different zones share ids (every site host of a per-site zone is 0), and an id key mixed their routes.
  const RouteKey key{from, to};
  auto it = routes_.find(key);
  if (it != routes_.end())
    return it->second;
  Route r;
  if (from != to) {
    std::vector<sg4::Link*> links;
    double unused = 0;
    from->route_to(to, links, &unused);
    // Summed link by link from the source, as SimGrid sums it (tests/sim/test_platform.cpp checks the two agree).
    double latency = 0;
    for (sg4::Link* l : links) {
      r.links.push_back(link_index(l));
      latency += l->get_latency();
    }
    r.latency_s = latency * latency_factor_;
    double penalty = latency;
    if (weight_s_ > 0)
      for (sg4::Link* l : links)
        penalty += weight_s_ / l->get_bandwidth();
    r.penalty = penalty > 0 ? penalty : 1.0;
  }
  return routes_.emplace(key, std::move(r)).first->second;
}

double NetworkView::share(std::uint32_t link, double t, double penalty) const
{
  // The epoch holding t: the last whose start is <= t (epochs are few: one per bulk flow start or end).
  auto it = std::upper_bound(epochs_.begin(), epochs_.end(), t,
                             [](double v, const Epoch& e) { return v < e.from_s; });
  const Epoch& e = it == epochs_.begin() ? epochs_.front() : *(it - 1);
  auto s = e.share.find(link);
  if (s == e.share.end())
    return capacity_[link];
  const LinkState& ls = s->second;
  if (ls.penalty == penalty)
    return ls.share;
  // Weighted water level: the newcomer (weight 1) gets s = (C - sum of the rates of the flows that stay below
  // their weighted level) / (1 + sum of the weights of the others), flow f's weight being penalty / penalty_f
  // (SimGrid's lmm: a variable's value is the constraint's level over its penalty).
  thread_local std::vector<std::pair<double, double>> keyed;  // (rate / weight, weight)
  keyed.clear();
  double weights = 0;
  for (const auto& [rate, p] : ls.flows) {
    const double w = penalty / p;
    keyed.emplace_back(rate / w, w);
    weights += w;
  }
  std::sort(keyed.begin(), keyed.end());
  const double capacity = capacity_[link];
  double below = 0, level = capacity;
  for (const auto& [key, w] : keyed) {
    level = (capacity - below) / (1 + weights);
    if (key >= level)
      break;
    below += key * w;
    weights -= w;
    level = capacity - below;
  }
  return std::max(level, 0.0);
}

double NetworkView::transfer_time(const Route& r, double bytes, double t) const
{
  if (r.links.empty())
    return r.latency_s;
  double rate = std::numeric_limits<double>::infinity();
  for (std::uint32_t l : r.links)
    rate = std::min(rate, share(l, t, r.penalty));
  return r.latency_s + (bytes > 0 ? bytes / rate : 0.0);
}

NetworkView::FlowId NetworkView::flow_started(const sg4::Host* from, const sg4::Host* to, double t)
{
  FlowId id;
  if (!free_flows_.empty()) {
    id = free_flows_.back();
    free_flows_.pop_back();
  } else {
    id = static_cast<FlowId>(flows_.size());
    flows_.emplace_back();
  }
  flows_[id] = Flow{route(from, to), true};
  active_.push_back(id);
  new_epoch(t);
  return id;
}

void NetworkView::flow_ended(FlowId id, double t)
{
  flows_[id].active = false;
  active_.erase(std::find(active_.begin(), active_.end(), id));
  free_flows_.push_back(id);
  new_epoch(t);
}

void NetworkView::bulk_transfer(sg4::Host* from, sg4::Host* to, double bytes)
{
  while (true) {
    if (link_up_) {  // a link has been down (else nothing to wait for)
      std::unique_lock lock(*link_mutex_);
      while (!route_up(route(from, to)))
        link_up_->wait(lock);
    }
    const FlowId id = flow_started(from, to, sg4::Engine::get_clock());
    try {
      sg4::Comm::sendto(from, to, static_cast<std::uint64_t>(bytes));
      flow_ended(id, sg4::Engine::get_clock());
      return;
    } catch (const simgrid::NetworkFailureException&) {
      flow_ended(id, sg4::Engine::get_clock());  // cut by a link going down: again from the start once it is back
      ++failed_flows_;
    }
  }
}

void NetworkView::set_link_up(sg4::Link* link, bool up)
{
  if (!link_up_) {
    link_up_ = sg4::ConditionVariable::create();
    link_mutex_ = sg4::Mutex::create();
    // A run that ends at its duration leaves transfers waiting on these; SimGrid aborts when such an object is
    // destroyed while waited on (as MecLedger::create_slots): one reference kept until the process exits.
    static auto* const kept = new std::vector<std::pair<sg4::ConditionVariablePtr, sg4::MutexPtr>>();
    kept->emplace_back(link_up_, link_mutex_);
  }
  const std::uint32_t l = link_index(link);
  if (link_down_.size() <= l)
    link_down_.resize(l + 1, false);
  if (link_down_[l] == !up)
    return;
  link_down_[l] = !up;
  links_down_ += up ? -1 : 1;
  if (up)
    link_up_->notify_all();
}

void NetworkView::new_epoch(double t)
{
  // Progressive filling (max-min) over the active bulk flows: repeatedly saturate the link with the smallest
  // fair share among the unfixed flows crossing it; the flows crossing it are fixed at that share, with it as
  // their bottleneck.
  // Weighted as SimGrid's lmm weights them: flow f gets (the level of its bottleneck) x weight_f, weight_f =
  // p0 / penalty_f relative to the first active flow's penalty p0 (all 1, exactly, when the penalties are equal:
  // then this is the plain max-min of equal shares, bit for bit as before the weights).
  std::unordered_map<std::uint32_t, double> residual;
  std::unordered_map<std::uint32_t, double> unfixed;  // per link: sum of the weights of the unfixed flows on it
  std::vector<double> rate(flows_.size(), -1.0);
  std::vector<double> weight(flows_.size(), 1.0);
  std::vector<std::uint32_t> bottleneck(flows_.size(), 0);
  std::size_t left = 0;
  const double p0 = active_.empty() ? 1.0 : flows_[active_.front()].route.penalty;
  for (FlowId f : active_) {
    weight[f] = p0 / flows_[f].route.penalty;
    for (std::uint32_t l : flows_[f].route.links) {
      residual.emplace(l, capacity_[l]);
      unfixed[l] += weight[f];
    }
    if (!flows_[f].route.links.empty())
      ++left;
  }
  std::unordered_map<std::uint32_t, std::uint32_t> unfixed_count;
  for (FlowId f : active_)
    for (std::uint32_t l : flows_[f].route.links)
      ++unfixed_count[l];
  while (left > 0) {
    std::uint32_t best = 0;
    double best_share = std::numeric_limits<double>::infinity();
    for (const auto& [l, n] : unfixed)
      if (unfixed_count[l] > 0 && (residual[l] / n < best_share || (residual[l] / n == best_share && l < best))) {
        best_share = residual[l] / n;
        best = l;
      }
    for (FlowId f : active_) {
      const auto& links = flows_[f].route.links;
      if (rate[f] >= 0 || std::find(links.begin(), links.end(), best) == links.end())
        continue;
      rate[f] = weight[f] * best_share;
      bottleneck[f] = best;
      --left;
      for (std::uint32_t l : links) {
        residual[l] -= rate[f];
        unfixed[l] -= weight[f];
        --unfixed_count[l];
      }
    }
  }
  // What a newcomer gets on l: it shares equally with the flows bottlenecked on l what the flows bottlenecked
  // elsewhere leave (or the residual, if larger).
  std::unordered_map<std::uint32_t, std::pair<std::uint32_t, double>> here;  // link -> (flows, their rates)
  for (FlowId f : active_)
    if (rate[f] >= 0) {
      auto& h = here[bottleneck[f]];
      ++h.first;
      h.second += rate[f];
    }
  Epoch e{t, {}};
  std::vector<double> on_link;  // reused: the rates of the flows crossing one link
  for (const auto& [l, res] : residual) {
    const double free = std::max(res, 0.0);
    auto h = here.find(l);
    double s = h == here.end() ? free : std::max(free, (free + h->second.second) / (h->second.first + 1));
    // That is the water level s = (C - sum of the rates below s) / (1 + flows at or above s) when every flow
    // bottlenecked elsewhere runs below it. A flow bottlenecked elsewhere at or above it (a tie: a pull whose two
    // links have the same capacity is fixed on one of them, and the other shows no free capacity) is slowed to
    // the level by a newcomer too, so the level is then found from all the rates on l.
    bool consistent = true;
    on_link.clear();
    for (FlowId f : active_) {
      const auto& links = flows_[f].route.links;
      if (rate[f] < 0 || std::find(links.begin(), links.end(), l) == links.end())
        continue;
      on_link.push_back(rate[f]);
      if (bottleneck[f] != l && rate[f] > s)
        consistent = false;
    }
    if (!consistent) {
      std::sort(on_link.begin(), on_link.end());
      double below = 0;  // sum of the rates under the level
      const double capacity = capacity_[l];
      for (std::size_t k = 0; k < on_link.size(); ++k) {
        s = (capacity - below) / static_cast<double>(1 + on_link.size() - k);
        if (on_link[k] >= s)
          break;
        below += on_link[k];
        s = capacity - below;  // every flow below the level: the newcomer takes what they leave
      }
    }
    LinkState state{s, std::numeric_limits<double>::quiet_NaN(), {}};
    for (FlowId f : active_) {
      const auto& links = flows_[f].route.links;
      if (rate[f] >= 0 && std::find(links.begin(), links.end(), l) != links.end())
        state.flows.emplace_back(rate[f], flows_[f].route.penalty);
    }
    bool uniform = !state.flows.empty();
    for (const auto& fl : state.flows)
      uniform = uniform && fl.second == state.flows.front().second;
    if (uniform)
      state.penalty = state.flows.front().second;
    e.share.emplace(l, std::move(state));
  }
  if (epochs_.back().from_s == t)
    epochs_.back() = std::move(e);
  else
    epochs_.push_back(std::move(e));
}

void NetworkView::release_before(double t)
{
  // Keep the epoch holding t and every later one.
  std::size_t keep = 0;
  while (keep + 1 < epochs_.size() && epochs_[keep + 1].from_s <= t)
    ++keep;
  if (keep > 0)
    epochs_.erase(epochs_.begin(), epochs_.begin() + static_cast<std::ptrdiff_t>(keep));
}

} // namespace v2x
