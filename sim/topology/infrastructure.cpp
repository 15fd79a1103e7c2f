#include "topology/infrastructure.hpp"

#include "core/error.hpp"
#include "core/log.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_topology_infrastructure, v2x_topology, "Infrastructure graph and its checks");

namespace v2x {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Latencies are compared in whole picoseconds so that the same latencies summed in another order tie.
/// Saturates at kMaxPs (validation bounds every latency to 1e3 s = 1e15 ps; a route of 1000 such links still fits).
constexpr std::int64_t kMaxPs = std::numeric_limits<std::int64_t>::max() / 4;
std::int64_t to_ps(double seconds)
{
  const double ps = seconds * 1e12;
  if (!(ps < static_cast<double>(kMaxPs)))
    return kMaxPs; // also NaN
  return ps <= 0 ? 0 : std::llround(ps);
}
std::int64_t add_ps(std::int64_t a, std::int64_t b)
{
  return a >= kMaxPs - b ? kMaxPs : a + b;
}

std::string text(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string path(const char* list, std::size_t i, const char* member)
{
  return std::string("infrastructure.") + list + "[" + std::to_string(i) + "]." + member;
}

[[noreturn]] void fail(std::string field, std::string value, const std::string& what)
{
  throw InputError({}, std::move(field), std::move(value), what);
}

void check_finite(double v, const std::string& field)
{
  if (!std::isfinite(v))
    fail(field, text(v), "must be a finite number");
}

void check_positive(double v, const std::string& field)
{
  if (!(v > 0) || !std::isfinite(v))
    fail(field, text(v), "must be a finite number > 0");
}

void check_non_negative(double v, const std::string& field)
{
  if (!(v >= 0) || !std::isfinite(v))
    fail(field, text(v), "must be a finite number >= 0");
}

SiteInfo site_of(const MecConfig& m)
{
  return SiteInfo{m.id,        false,       m.x_m,     m.y_m,     m.cores,  m.core_speed_flops_per_s,
                  m.memory_mb, m.pod_slots, m.max_concurrent_ops, m.idle_w, m.full_w, m.off_w};
}

SiteInfo site_of(const CloudConfig& c)
{
  return SiteInfo{"cloud",     true,        c.x_m,     c.y_m,     c.cores,  c.core_speed_flops_per_s,
                  c.memory_mb, c.pod_slots, c.max_concurrent_ops, c.idle_w, c.full_w, c.off_w};
}

} // namespace

Infrastructure Infrastructure::from_config(const InfrastructureConfig& cfg, const std::string& source_file)
{
  try {
    return from_config_checked(cfg);
  } catch (const InputError& e) {
    throw e.in_file(source_file);
  }
}

Infrastructure Infrastructure::from_config_checked(const InfrastructureConfig& cfg)
{
  Infrastructure infra;
  // Every name that becomes a SimGrid host or a graph vertex, with the field that declared it.
  std::unordered_map<std::string, std::string> declared{{"cloud", "the cloud"}, {"registry", "the image registry"}};
  auto declare = [&declared](const std::string& name, const std::string& field) {
    if (name.empty())
      fail(field, "", "must not be empty");
    auto [it, inserted] = declared.emplace(name, field);
    if (!inserted)
      fail(field, name, "name already used by " + it->second);
  };

  // Sites: the MECs in order, then the cloud.
  std::unordered_map<std::string, SiteId> site_by_name;
  for (std::size_t i = 0; i < cfg.mecs.size(); ++i) {
    const MecConfig& m = cfg.mecs[i];
    declare(m.id, path("mec", i, "id"));
    check_finite(m.x_m, path("mec", i, "x_m"));
    check_finite(m.y_m, path("mec", i, "y_m"));
    if (m.cores == 0)
      fail(path("mec", i, "cores"), "0", "a MEC needs at least one core");
    check_positive(m.core_speed_flops_per_s, path("mec", i, "core_speed_flops_per_s"));
    site_by_name.emplace(m.id, static_cast<SiteId>(i));
    infra.add_site(site_of(m));
  }
  check_finite(cfg.cloud.x_m, "infrastructure.cloud.x_m");
  check_finite(cfg.cloud.y_m, "infrastructure.cloud.y_m");
  if (cfg.cloud.cores == 0)
    fail("infrastructure.cloud.cores", "0", "the cloud needs at least one core");
  check_positive(cfg.cloud.core_speed_flops_per_s, "infrastructure.cloud.core_speed_flops_per_s");
  site_by_name.emplace("cloud", static_cast<SiteId>(cfg.mecs.size()));
  infra.add_site(site_of(cfg.cloud));

  for (std::size_t i = 0; i < cfg.routers.size(); ++i)
    declare(cfg.routers[i], "infrastructure.router[" + std::to_string(i) + "].id");

  for (std::size_t i = 0; i < cfg.rsus.size(); ++i) {
    const RsuConfig& r = cfg.rsus[i];
    declare(r.id, path("rsu", i, "id"));
    declare(r.id + ".cell", path("rsu", i, "id") + " (the host of its cell)");
    check_finite(r.x_m, path("rsu", i, "x_m"));
    check_finite(r.y_m, path("rsu", i, "y_m"));
    check_non_negative(r.cell_radius_m, path("rsu", i, "cell_radius_m"));
    check_positive(r.cell_capacity_bps, path("rsu", i, "cell_capacity_bps"));
    check_non_negative(r.cell_latency_s, path("rsu", i, "cell_latency_s"));
    RsuInfo info{r.id, r.x_m, r.y_m, r.cell_radius_m, r.cell_capacity_bps, r.cell_latency_s, kNone, kNone};
    if (r.mec.empty()) {
      // Nearest MEC by distance (ties: the first); the cloud when there is no MEC.
      info.site = static_cast<SiteId>(cfg.mecs.size());
      double best = kInfinity;
      for (std::size_t m = 0; m < cfg.mecs.size(); ++m) {
        double d = std::hypot(cfg.mecs[m].x_m - r.x_m, cfg.mecs[m].y_m - r.y_m);
        if (d < best) {
          best = d;
          info.site = static_cast<SiteId>(m);
        }
      }
    } else {
      auto it = site_by_name.find(r.mec);
      if (it == site_by_name.end())
        fail(path("rsu", i, "mec"), r.mec, "no MEC has this id");
      info.site = it->second;
    }
    infra.add_rsu(std::move(info));
  }

  // Vertices: sites (so that site_node(s) == s), the registry, routers, RSUs. Low indices for sites keep the
  // routes between an RSU and a site on the trees rooted at the sites (see route()).
  std::unordered_map<std::string, Node> node_by_name;
  for (SiteId s = 0; s < infra.sites_.size(); ++s) {
    const SiteInfo& site = infra.sites_[s];
    Node v = infra.add_node({site.name, site.is_cloud ? NodeKind::Cloud : NodeKind::Mec, s});
    node_by_name.emplace(site.name, v);
  }
  infra.add_node({"registry", NodeKind::Registry, kNone});
  for (const std::string& router : cfg.routers)
    node_by_name.emplace(router, infra.add_node({router, NodeKind::Router, kNone}));
  for (RsuId r = 0; r < infra.rsus_.size(); ++r) {
    Node v = infra.add_node({infra.rsus_[r].name, NodeKind::Rsu, r});
    node_by_name.emplace(infra.rsus_[r].name, v);
  }

  // Edges. Link names share one namespace with the cells' links ("<rsu>.cell").
  std::unordered_set<std::string> link_names;
  for (const RsuInfo& r : infra.rsus_)
    link_names.insert(r.name + ".cell");
  auto unique_link_name = [&link_names](std::string name, std::size_t index) {
    if (!link_names.insert(name).second) {
      name += "#" + std::to_string(index);
      while (!link_names.insert(name).second)
        name += "'";
    }
    return name;
  };

  check_positive(cfg.image_registry_bandwidth_bps, "infrastructure.image_registry_bandwidth_bps");
  check_non_negative(cfg.image_registry_latency_s, "infrastructure.image_registry_latency_s");
  // The registry serves the MECs; with no MEC at all it hangs off the cloud.
  std::vector<SiteId> registry_peers;
  for (SiteId s = 0; s + 1 < infra.sites_.size(); ++s)
    registry_peers.push_back(s);
  if (registry_peers.empty())
    registry_peers.push_back(infra.cloud());
  for (SiteId s : registry_peers) {
    std::string name = unique_link_name("registry-" + infra.sites_[s].name, s);
    infra.add_link(infra.registry_node_, infra.site_nodes_[s],
                   {std::move(name), cfg.image_registry_bandwidth_bps, cfg.image_registry_latency_s});
  }

  for (std::size_t i = 0; i < cfg.links.size(); ++i) {
    const LinkConfig& l = cfg.links[i];
    auto endpoint = [&](const std::string& name, const char* member) {
      auto it = node_by_name.find(name);
      if (it == node_by_name.end())
        fail(path("link", i, member), name, "no RSU, MEC, router or \"cloud\" has this name");
      return it->second;
    };
    Node a = endpoint(l.from, "from");
    Node b = endpoint(l.to, "to");
    if (a == b)
      fail(path("link", i, "to"), l.to, "a link must join two different nodes");
    check_positive(l.bandwidth_bps, path("link", i, "bandwidth_bps"));
    check_non_negative(l.latency_s, path("link", i, "latency_s"));
    infra.add_link(a, b, {unique_link_name(l.from + "-" + l.to, i), l.bandwidth_bps, l.latency_s});
  }

  // Brokers.
  if (cfg.brokers.empty())
    fail("infrastructure.broker", "", "no broker (the scenario loader adds one per MEC and one in the cloud)");
  std::unordered_set<std::string> broker_names;
  for (std::size_t i = 0; i < cfg.brokers.size(); ++i) {
    const BrokerConfig& b = cfg.brokers[i];
    if (b.id.empty())
      fail(path("broker", i, "id"), "", "must not be empty");
    if (!broker_names.insert(b.id).second)
      fail(path("broker", i, "id"), b.id, "another broker has this id");
    auto it = site_by_name.find(b.site);
    if (it == site_by_name.end())
      fail(path("broker", i, "site"), b.site, "must name a MEC or \"cloud\"");
    check_non_negative(b.service_flops, path("broker", i, "service_flops"));
    infra.add_broker(BrokerInfo{b.id, it->second, b.service_flops});
  }

  // Connectivity: every site and every RSU reachable from the first site (the registry is linked to the MECs
  // and, being no transit node, connects nothing else).
  const PathTree from_first = infra.shortest_paths(infra.site_nodes_[0]);
  const std::string why = "not connected to site '" + infra.sites_[0].name + "' by any chain of links";
  for (std::size_t s = 0; s + 1 < infra.sites_.size(); ++s)
    if (!from_first.reaches(infra.site_nodes_[s]))
      fail(path("mec", s, "id"), infra.sites_[s].name, why);
  if (!from_first.reaches(infra.site_nodes_[infra.cloud()]))
    fail("infrastructure.cloud", "cloud", why);
  for (RsuId r = 0; r < infra.rsus_.size(); ++r)
    if (!from_first.reaches(infra.rsu_nodes_[r]))
      fail(path("rsu", r, "id"), infra.rsus_[r].name, why);

  infra.resolve_brokers();
  XBT_DEBUG("infrastructure: %zu sites, %zu RSUs, %zu brokers, %zu vertices, %zu edges", infra.sites_.size(),
            infra.rsus_.size(), infra.brokers_.size(), infra.node_count(), boost::num_edges(infra.graph_));
  return infra;
}

std::optional<SiteId> Infrastructure::find_site(std::string_view name) const
{
  for (SiteId s = 0; s < sites_.size(); ++s)
    if (sites_[s].name == name)
      return s;
  return std::nullopt;
}

std::optional<RsuId> Infrastructure::find_rsu(std::string_view name) const
{
  for (RsuId r = 0; r < rsus_.size(); ++r)
    if (rsus_[r].name == name)
      return r;
  return std::nullopt;
}

std::optional<BrokerId> Infrastructure::find_broker(std::string_view name) const
{
  for (BrokerId b = 0; b < brokers_.size(); ++b)
    if (brokers_[b].name == name)
      return b;
  return std::nullopt;
}

BrokerId Infrastructure::broker_of_site(SiteId site) const
{
  if (site >= site_broker_.size())
    throw std::out_of_range("broker_of_site: site " + std::to_string(site) + " unknown or brokers not resolved");
  return site_broker_[site];
}

SiteId Infrastructure::add_site(SiteInfo site)
{
  sites_.push_back(std::move(site));
  return static_cast<SiteId>(sites_.size() - 1);
}

RsuId Infrastructure::add_rsu(RsuInfo rsu)
{
  rsus_.push_back(std::move(rsu));
  return static_cast<RsuId>(rsus_.size() - 1);
}

BrokerId Infrastructure::add_broker(BrokerInfo broker)
{
  brokers_.push_back(std::move(broker));
  return static_cast<BrokerId>(brokers_.size() - 1);
}

Infrastructure::Node Infrastructure::add_node(NodeProps props)
{
  const NodeKind kind = props.kind;
  const std::uint32_t index = props.index;
  const auto check = [&](bool ok) {
    if (!ok)
      throw std::logic_error("Infrastructure::add_node: vertex '" + props.name + "' out of order");
  };
  switch (kind) {
  case NodeKind::Rsu:
    check(index == rsu_nodes_.size() && index < rsus_.size());
    break;
  case NodeKind::Mec:
  case NodeKind::Cloud:
    check(index == site_nodes_.size() && index < sites_.size());
    break;
  case NodeKind::Registry:
    check(registry_node_ == kNoNode);
    break;
  case NodeKind::Router:
    break;
  }
  const Node v = boost::add_vertex(std::move(props), graph_);
  if (kind == NodeKind::Rsu)
    rsu_nodes_.push_back(v);
  else if (kind == NodeKind::Mec || kind == NodeKind::Cloud)
    site_nodes_.push_back(v);
  else if (kind == NodeKind::Registry)
    registry_node_ = v;
  return v;
}

void Infrastructure::add_link(Node a, Node b, LinkProps props)
{
  boost::add_edge(a, b, std::move(props), graph_);
}

Infrastructure::PathTree Infrastructure::shortest_paths(Node root) const
{
  const std::size_t n = node_count();
  PathTree tree;
  tree.root = root;
  tree.latency_s.assign(n, kInfinity);
  tree.hops.assign(n, std::numeric_limits<std::uint32_t>::max());
  tree.parent.assign(n, kNoNode);
  tree.parent_edge.resize(n);
  std::vector<std::int64_t> key(n, std::numeric_limits<std::int64_t>::max());
  std::vector<char> done(n, 0);

  if (arcs_.begin.size() != n + 1 || arcs_.edges != boost::num_edges(graph_)) {
    arcs_.begin.assign(1, 0);
    arcs_.arcs.clear();
    for (Node u = 0; u < n; ++u) {
      for (auto [e, end] = boost::out_edges(u, graph_); e != end; ++e)
        arcs_.arcs.push_back(Arc{boost::target(*e, graph_), to_ps(graph_[*e].latency_s), graph_[*e].latency_s, *e});
      arcs_.begin.push_back(arcs_.arcs.size());
    }
    arcs_.edges = boost::num_edges(graph_);
  }

  using Item = std::tuple<std::int64_t, std::uint32_t, Node>; // (latency in ps, hops, vertex)
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  key[root] = 0;
  tree.hops[root] = 0;
  tree.latency_s[root] = 0;
  tree.parent[root] = root;
  queue.emplace(0, 0, root);
  while (!queue.empty()) {
    auto [k, h, u] = queue.top();
    queue.pop();
    if (done[u])
      continue;
    done[u] = 1;
    if (u != root && graph_[u].kind == NodeKind::Registry)
      continue; // the image registry is an end point, never a transit node
    for (std::size_t a = arcs_.begin[u]; a < arcs_.begin[u + 1]; ++a) {
      const Arc& arc = arcs_.arcs[a];
      const Node v = arc.target;
      if (done[v])
        continue; // settled with a strictly better (latency, hops) than any path through u
      const std::int64_t nk = add_ps(k, arc.latency_ps);
      const std::uint32_t nh = h + 1;
      const bool better = nk < key[v] || (nk == key[v] && nh < tree.hops[v]);
      const bool tie_lower = nk == key[v] && nh == tree.hops[v] && u < tree.parent[v];
      if (better || tie_lower) {
        key[v] = nk;
        tree.hops[v] = nh;
        tree.parent[v] = u;
        tree.parent_edge[v] = arc.edge;
        tree.latency_s[v] = tree.latency_s[u] + arc.latency_s;
        if (better)
          queue.emplace(nk, nh, v);
      }
    }
  }
  return tree;
}

std::vector<Infrastructure::Edge> Infrastructure::path_from_root(const PathTree& tree, Node b)
{
  std::vector<Edge> edges;
  if (b == tree.root || !tree.reaches(b))
    return edges;
  for (Node v = b; v != tree.root; v = tree.parent[v])
    edges.push_back(tree.parent_edge[v]);
  std::reverse(edges.begin(), edges.end());
  return edges;
}

std::vector<Infrastructure::Edge> Infrastructure::route(Node a, Node b) const
{
  if (a == b)
    return {};
  const Node lo = std::min(a, b);
  std::vector<Edge> edges = path_from_root(shortest_paths(lo), std::max(a, b));
  if (a != lo)
    std::reverse(edges.begin(), edges.end());
  return edges;
}

double Infrastructure::route_latency(Node a, Node b) const
{
  if (a == b)
    return 0;
  return shortest_paths(std::min(a, b)).latency_s[std::max(a, b)];
}

void Infrastructure::resolve_brokers()
{
  if (brokers_.empty())
    throw std::logic_error("Infrastructure::resolve_brokers: no broker");
  std::vector<BrokerId> first_on_site(sites_.size(), kNone);
  for (auto b = static_cast<BrokerId>(brokers_.size()); b-- > 0;)
    first_on_site.at(brokers_[b].site) = b;

  // Trees rooted at the sites that hold a broker, built when first needed. Sites have the lowest vertex
  // indices, so these trees give the same routes as route(v, site_node(s)).
  std::unordered_map<SiteId, PathTree> trees;
  auto nearest = [&](Node from) {
    BrokerId best = kNone;
    std::int64_t best_ps = std::numeric_limits<std::int64_t>::max();
    for (BrokerId b = 0; b < brokers_.size(); ++b) {
      SiteId s = brokers_[b].site;
      auto it = trees.find(s);
      if (it == trees.end())
        it = trees.emplace(s, shortest_paths(site_nodes_[s])).first;
      if (!it->second.reaches(from))
        continue;
      std::int64_t ps = to_ps(it->second.latency_s[from]);
      if (ps < best_ps) {
        best_ps = ps;
        best = b;
      }
    }
    return best;
  };

  site_broker_.assign(sites_.size(), kNone);
  for (SiteId s = 0; s < sites_.size(); ++s)
    site_broker_[s] = first_on_site[s] != kNone ? first_on_site[s] : nearest(site_nodes_[s]);
  for (RsuId r = 0; r < rsus_.size(); ++r) {
    RsuInfo& rsu = rsus_[r];
    if (rsu.broker == kNone)
      rsu.broker = first_on_site.at(rsu.site) != kNone ? first_on_site[rsu.site] : nearest(rsu_nodes_[r]);
  }
}

} // namespace v2x
