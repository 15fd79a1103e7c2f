// Platform::build: the SimGrid platform of an Infrastructure, made in code, as a zone hierarchy whose every
// host-to-host route is the infrastructure graph's shortest path (Infrastructure::route):
//
//   "v2x" (full zone): the backbone. Its points are one zone per site and the registry's zone; its routes join
//   |                  each pair of them, gateways the site hosts and the registry host, over the graph's path.
//   +- "<site>.site" (star zone), one per MEC and the cloud
//   |    +- "<site>.host" (full zone): the site host alone; the star's point with no links (gateway the host)
//   |    +- "<rsu>.zone" (full zone), each RSU whose broker is on this site: the RSU host (the zone's gateway), its
//   |                    cell host and radio hosts; routes cell <-> RSU (cell link), radio <-> RSU (rate cap and
//   |                    cell link). The star's point for it carries the graph's path from the RSU to the site.
//   +- "registry.zone" (full zone): the registry host
//   +- "<rsu>.zone" at the top, with a backbone route to every site and the registry, for an RSU that cannot nest
//
// Every zone holds either hosts only or zones only: SimGrid 3.32 resolves a route between a host and a host of
// a nested zone in the wrong zone's table (the outer host's netpoint id indexes it), so no zone mixes the two.
// SimGrid composes a route from the source's zone up to the common ancestor and down, so an RSU nested under its
// home site (the site of its broker) reaches endpoint e over route(RSU, home) + route(home, e). An RSU nests only
// when that composition is the graph's route to every endpoint, link for link (the usual backhaul: the RSU linked
// to its MEC alone); otherwise it sits at the top with its own route to every endpoint, as the flat zone had.
// tests/sim/test_platform.cpp checks every route between hosts that exchange traffic against the graph.
//
// Memory: a full zone keeps a dense (its points)^2 table of route pointers (SimGrid 3.32 FullZone), a star zone
// one entry per point. One flat zone over every host had (RSUs x (2 + rate steps) + sites + 1)^2 entries (2,500
// RSUs: 25 GB with rate steps, 200 MB without) and a route per RSU and site; here the backbone has (sites + 1 +
// top-level RSUs)^2, each RSU zone (2 + rate steps)^2, the stars one entry per RSU: linear in RSUs at a fixed
// RSU-to-site ratio, quadratic only in sites.
#include "core/log.hpp"
#include "topology/platform.hpp"
#include "topology/site_power.hpp"

#include <stdexcept>
#include <unordered_map>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_topology_platform_build, v2x_topology, "SimGrid platform built in code");

namespace v2x {
namespace {

/// Speed of the RSU and cell hosts: they only relay, the value matters only if someone computes there.
constexpr double kRelayHostSpeed = 1e9;

sg4::NetZone* child_zone(sg4::NetZone* zone, sg4::NetZone* parent)
{
  zone->set_parent(parent);
  return zone;
}

} // namespace

Platform Platform::build(const Infrastructure& infra, sg4::Engine& engine, const std::vector<RateStep>& rate_steps)
{
  if (engine.host_by_name_or_null("registry") != nullptr)
    throw std::logic_error("Platform::build: the engine already has a platform (build it once per engine)");

  const auto& sites = infra.sites();
  const auto& rsus = infra.rsus();
  const auto& graph = infra.graph();

  // Route endpoints: every site and the registry, each with the shortest-path tree rooted at its vertex.
  struct Endpoint {
    Infrastructure::Node node;
    Infrastructure::PathTree tree;
    sg4::Host* host = nullptr;
    sg4::NetZone* top = nullptr;  // its point in the backbone: the site's star zone, or the registry's zone
  };
  std::vector<Endpoint> endpoints;
  endpoints.reserve(sites.size() + 1);
  for (SiteId s = 0; s < sites.size(); ++s)
    endpoints.push_back({infra.site_node(s), infra.shortest_paths(infra.site_node(s))});
  endpoints.push_back({infra.registry_node(), infra.shortest_paths(infra.registry_node())});
  const std::size_t ne = endpoints.size();
  const std::size_t registry = ne - 1;
  auto endpoint_name = [&](std::size_t i) { return i == registry ? std::string("registry") : sites[i].name; };

  // The route between two endpoints, as edges from i to j: the tree of the lower vertex, as
  // Infrastructure::route() and the flat zone did.
  auto between = [&](std::size_t i, std::size_t j) {
    const bool i_low = endpoints[i].node < endpoints[j].node;
    const Endpoint& lo = i_low ? endpoints[i] : endpoints[j];
    const Endpoint& hi = i_low ? endpoints[j] : endpoints[i];
    std::vector<Infrastructure::Edge> edges = Infrastructure::path_from_root(lo.tree, hi.node);
    if (edges.empty())
      throw std::logic_error("Platform::build: no route between " + endpoint_name(i) + " and " + endpoint_name(j));
    if (!i_low)
      std::reverse(edges.begin(), edges.end());
    return edges;
  };
  // RSU r to endpoint i, as edges from the RSU: the endpoint's tree walked from the RSU (sites and the registry
  // have lower vertex indices than RSUs, so this is Infrastructure::route() too).
  auto rsu_to = [&](RsuId r, std::size_t i) {
    std::vector<Infrastructure::Edge> edges = Infrastructure::path_from_root(endpoints[i].tree, infra.rsu_node(r));
    if (edges.empty())
      throw std::logic_error("Platform::build: no route between " + rsus[r].name + " and " + endpoint_name(i));
    std::reverse(edges.begin(), edges.end());
    return edges;
  };


  // Backbone paths, [i * ne + j] from i to j.
  std::vector<std::vector<Infrastructure::Edge>> backbone(ne * ne);
  for (std::size_t i = 0; i < ne; ++i)
    for (std::size_t j = i + 1; j < ne; ++j) {
      backbone[i * ne + j] = between(i, j);
      backbone[j * ne + i].assign(backbone[i * ne + j].rbegin(), backbone[i * ne + j].rend());
    }

  // Which RSUs nest under their home site: every route is the home route followed by the home's backbone route.
  // The route from RSU r to endpoint i is endpoint i's tree walked from the RSU up to its root (rsu_to); it is
  // compared edge by edge in place (2,500 RSUs x 626 endpoints at city scale: no vector per pair).
  std::vector<SiteId> home(rsus.size());
  std::vector<char> nested(rsus.size(), 1);
  std::size_t top_rsus = 0;
  for (RsuId r = 0; r < rsus.size(); ++r) {
    home[r] = infra.brokers()[rsus[r].broker].site;
    const std::vector<Infrastructure::Edge> to_home = rsu_to(r, home[r]);
    for (std::size_t i = 0; i < ne && nested[r]; ++i) {
      if (i == home[r])
        continue;
      const Infrastructure::PathTree& tree = endpoints[i].tree;
      const auto& b = backbone[home[r] * ne + i];
      const std::size_t length = to_home.size() + b.size();
      std::size_t k = 0;
      bool same_route = tree.reaches(infra.rsu_node(r));
      for (Infrastructure::Node v = infra.rsu_node(r); same_route && v != tree.root; v = tree.parent[v], ++k)
        same_route = k < length &&
                     &graph[tree.parent_edge[v]] == &graph[k < to_home.size() ? to_home[k] : b[k - to_home.size()]];
      nested[r] = same_route && k == length ? 1 : 0;
    }
    top_rsus += nested[r] ? 0 : 1;
  }

  // Zones, then hosts (each in its leaf zone). SimGrid 3.32 checks every new link's and zone's name against all
  // the zones already in the tree (a recursive walk): the links are made while the backbone is the only zone, and
  // the zones are attached to their parents once all exist, or the platform takes time quadratic in the RSUs.
  auto* top = sg4::create_full_zone("v2x");
  // Links, all in the backbone zone (the zone that creates a link does not matter to routing), in the flat
  // platform's order: cells, backhaul edges, then the radio caps.
  std::vector<sg4::Link*> cell_links;
  for (const RsuInfo& r : rsus)
    cell_links.push_back(top->create_link(r.name + ".cell", r.capacity_bps)
                             ->set_latency(r.cell_latency_s)
                             ->set_sharing_policy(sg4::Link::SharingPolicy::SHARED)
                             ->seal());
  std::unordered_map<const LinkProps*, sg4::Link*> edge_links;
  for (auto [e, end] = boost::edges(graph); e != end; ++e) {
    const LinkProps& props = graph[*e];
    edge_links.emplace(&props, top->create_link(props.name, props.bandwidth_bps)
                                   ->set_latency(props.latency_s)
                                   ->set_sharing_policy(sg4::Link::SharingPolicy::SHARED)
                                   ->seal());
  }
  std::vector<sg4::Link*> radio_caps;  // [r * rate steps + k]
  for (const RsuInfo& r : rsus)
    for (std::size_t k = 0; k < rate_steps.size(); ++k)
      radio_caps.push_back(top->create_link(r.name + ".radio." + std::to_string(k), rate_steps[k].rate_bps)
                               ->set_latency(0)
                               ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                               ->seal());

  std::vector<sg4::NetZone*> site_star(sites.size());
  std::vector<sg4::NetZone*> site_leaf(sites.size());
  for (SiteId s = 0; s < sites.size(); ++s) {
    site_star[s] = sg4::create_star_zone(sites[s].name + ".site");
    site_leaf[s] = sg4::create_full_zone(sites[s].name + ".host");
  }
  sg4::NetZone* registry_zone = sg4::create_full_zone("registry.zone");
  std::vector<sg4::NetZone*> rsu_zones(rsus.size());
  for (RsuId r = 0; r < rsus.size(); ++r)
    rsu_zones[r] = sg4::create_full_zone(rsus[r].name + ".zone");
  for (SiteId s = 0; s < sites.size(); ++s) {
    endpoints[s].top = child_zone(site_star[s], top);
    child_zone(site_leaf[s], endpoints[s].top);
  }
  endpoints[registry].top = child_zone(registry_zone, top);
  // Top-level RSU zones now; the nested ones (and every RSU's hosts) after the backbone routes, which SimGrid
  // checks by walking the tree under the backbone (shorter without them).
  for (RsuId r = 0; r < rsus.size(); ++r)
    if (!nested[r])
      child_zone(rsu_zones[r], top);

  Platform p;
  p.site_count_ = sites.size();
  for (SiteId s = 0; s < sites.size(); ++s) {
    sg4::Host* h = site_leaf[s]
                       ->create_host(sites[s].name, sites[s].core_speed_flops_per_s)
                       ->set_core_count(static_cast<int>(sites[s].cores));
    set_power_properties(h, sites[s]);  // before seal(): the energy plugin reads them when the host is created
    p.site_hosts_.push_back(h->seal());
    endpoints[s].host = p.site_hosts_.back();
  }
  p.registry_host_ = endpoints[registry].top->create_host("registry", kRelayHostSpeed)->seal();
  endpoints[registry].host = p.registry_host_;
  p.control_host_ = p.site_hosts_[infra.cloud()];
  for (const BrokerInfo& b : infra.brokers()) {
    p.broker_site_.push_back(b.site);
    p.broker_hosts_.push_back(p.site_hosts_.at(b.site));
  }

  auto to_links = [&](const std::vector<Infrastructure::Edge>& edges) {
    std::vector<sg4::LinkInRoute> links;
    links.reserve(edges.size());
    for (const Infrastructure::Edge& e : edges)
      links.emplace_back(edge_links.at(&graph[e]));
    return links;
  };

  // The backbone: between every two endpoints, and from every top-level RSU to every endpoint.
  for (std::size_t i = 0; i < ne; ++i)
    for (std::size_t j = i + 1; j < ne; ++j)
      top->add_route(endpoints[i].top->get_netpoint(), endpoints[j].top->get_netpoint(),
                     endpoints[i].host->get_netpoint(), endpoints[j].host->get_netpoint(),
                     to_links(backbone[i * ne + j]), true);
  for (RsuId r = 0; r < rsus.size(); ++r)
    if (nested[r])
      child_zone(rsu_zones[r], endpoints[home[r]].top);
  // RSU hosts (a zone needs its parent first: it takes its models from it).
  for (RsuId r = 0; r < rsus.size(); ++r) {
    p.cell_hosts_.push_back(rsu_zones[r]->create_host(rsus[r].name + ".cell", kRelayHostSpeed)->seal());
    p.rsu_hosts_.push_back(rsu_zones[r]->create_host(rsus[r].name, kRelayHostSpeed)->seal());
    p.cell_latency_.push_back(rsus[r].cell_latency_s);
  }
  // Sites' stars: the site host's point has no links; a nested RSU's point has its path to the site.
  for (SiteId s = 0; s < sites.size(); ++s)
    endpoints[s].top->add_route(site_leaf[s]->get_netpoint(), nullptr, endpoints[s].host->get_netpoint(), nullptr, {},
                                true);
  p.rsu_site_latency_.assign(rsus.size() * sites.size(), 0);
  for (RsuId r = 0; r < rsus.size(); ++r) {
    sg4::Host* rsu = p.rsu_hosts_[r];
    rsu_zones[r]->add_route(p.cell_hosts_[r]->get_netpoint(), rsu->get_netpoint(), nullptr, nullptr,
                            {sg4::LinkInRoute(cell_links[r])}, true);
    for (SiteId s = 0; s < sites.size(); ++s) {
      // Summed link by link from the RSU (rsu_to's order, walked in place), as SimGrid sums a route's latency;
      // each link has its graph edge's latency.
      const Infrastructure::PathTree& tree = endpoints[s].tree;
      if (!tree.reaches(infra.rsu_node(r)))
        throw std::logic_error("Platform::build: no route between " + rsus[r].name + " and " + sites[s].name);
      double latency = 0;
      for (Infrastructure::Node v = infra.rsu_node(r); v != tree.root; v = tree.parent[v])
        latency += graph[tree.parent_edge[v]].latency_s;
      p.rsu_site_latency_[r * sites.size() + s] = latency;
    }
    if (nested[r]) {
      endpoints[home[r]].top->add_route(rsu_zones[r]->get_netpoint(), nullptr, rsu->get_netpoint(), nullptr,
                                        to_links(rsu_to(r, home[r])), true);
    } else {
      for (std::size_t i = 0; i < ne; ++i)
        top->add_route(rsu_zones[r]->get_netpoint(), endpoints[i].top->get_netpoint(), rsu->get_netpoint(),
                       endpoints[i].host->get_netpoint(), to_links(rsu_to(r, i)), true);
    }
  }
  // Radio hosts: one per RSU and rate step, in the RSU's zone, routed to the RSU (rate cap + cell link); through
  // the zone's gateway (the RSU) they reach every endpoint.
  p.radio_steps_ = rate_steps.size();
  for (RsuId r = 0; r < rsus.size(); ++r) {
    const sg4::LinkInRoute cell_link(cell_links[r]);
    for (std::size_t k = 0; k < rate_steps.size(); ++k) {
      const std::string suffix = "." + std::to_string(k);
      sg4::Host* radio = rsu_zones[r]->create_host(rsus[r].name + ".cell" + suffix, kRelayHostSpeed)->seal();
      sg4::Link* cap = radio_caps[r * rate_steps.size() + k];
      p.radio_hosts_.push_back(radio);
      rsu_zones[r]->add_route(radio->get_netpoint(), p.rsu_hosts_[r]->get_netpoint(), nullptr, nullptr,
                              {sg4::LinkInRoute(cap), cell_link}, true);
    }
  }
  for (sg4::NetZone* z : rsu_zones)
    z->seal();
  for (SiteId s = 0; s < sites.size(); ++s) {
    site_leaf[s]->seal();
    endpoints[s].top->seal();
  }
  endpoints[registry].top->seal();
  top->seal();
  XBT_VERB("platform: %zu RSUs (%zu at the top level), %zu sites, %zu backhaul links", rsus.size(), top_rsus,
           sites.size(), edge_links.size());
  return p;
}

double Platform::backhaul_latency(RsuId r, BrokerId b) const
{
  return rsu_site_latency_[r * site_count_ + broker_site_[b]];
}

} // namespace v2x
