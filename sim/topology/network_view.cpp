#include "topology/network_view.hpp"

#include <simgrid/Exception.hpp>
#include <simgrid/kernel/routing/NetPoint.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2x {

namespace sg4 = simgrid::s4u;

NetworkView::NetworkView(double latency_factor, double bandwidth_factor)
    : latency_factor_(latency_factor), bandwidth_factor_(bandwidth_factor)
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
  const std::uint64_t key = (static_cast<std::uint64_t>(from->get_netpoint()->id()) << 32) | to->get_netpoint()->id();
  auto it = routes_.find(key);
  if (it != routes_.end())
    return it->second;
  Route r;
  if (from != to) {
    std::vector<sg4::Link*> links;
    double unused = 0;
    from->route_to(to, links, &unused);
    // The latency is summed over the route's links: with a zone hierarchy, 3.32's route_to adds the latency of
    // inter-zone links to its out-parameter twice (seen here: a 2 ms MEC-to-MEC link gave 4 ms).
    double latency = 0;
    for (sg4::Link* l : links) {
      r.links.push_back(link_index(l));
      latency += l->get_latency();
    }
    r.latency_s = latency * latency_factor_;
  }
  return routes_.emplace(key, std::move(r)).first->second;
}

double NetworkView::share(std::uint32_t link, double t) const
{
  // The epoch holding t: the last whose start is <= t (epochs are few: one per bulk flow start or end).
  auto it = std::upper_bound(epochs_.begin(), epochs_.end(), t,
                             [](double v, const Epoch& e) { return v < e.from_s; });
  const Epoch& e = it == epochs_.begin() ? epochs_.front() : *(it - 1);
  auto s = e.share.find(link);
  return s == e.share.end() ? capacity_[link] : s->second;
}

double NetworkView::transfer_time(const Route& r, double bytes, double t) const
{
  if (r.links.empty())
    return r.latency_s;
  double rate = std::numeric_limits<double>::infinity();
  for (std::uint32_t l : r.links)
    rate = std::min(rate, share(l, t));
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
  std::unordered_map<std::uint32_t, double> residual;
  std::unordered_map<std::uint32_t, std::uint32_t> unfixed;  // per link: unfixed flows crossing it
  std::vector<double> rate(flows_.size(), -1.0);
  std::vector<std::uint32_t> bottleneck(flows_.size(), 0);
  std::size_t left = 0;
  for (FlowId f : active_) {
    for (std::uint32_t l : flows_[f].route.links) {
      residual.emplace(l, capacity_[l]);
      ++unfixed[l];
    }
    if (!flows_[f].route.links.empty())
      ++left;
  }
  while (left > 0) {
    std::uint32_t best = 0;
    double best_share = std::numeric_limits<double>::infinity();
    for (const auto& [l, n] : unfixed)
      if (n > 0 && (residual[l] / n < best_share || (residual[l] / n == best_share && l < best))) {
        best_share = residual[l] / n;
        best = l;
      }
    for (FlowId f : active_) {
      const auto& links = flows_[f].route.links;
      if (rate[f] >= 0 || std::find(links.begin(), links.end(), best) == links.end())
        continue;
      rate[f] = best_share;
      bottleneck[f] = best;
      --left;
      for (std::uint32_t l : links) {
        residual[l] -= best_share;
        --unfixed[l];
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
  for (const auto& [l, res] : residual) {
    const double free = std::max(res, 0.0);
    auto h = here.find(l);
    e.share.emplace(l, h == here.end() ? free : std::max(free, (free + h->second.second) / (h->second.first + 1)));
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
