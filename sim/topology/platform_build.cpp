// Platform::build: the SimGrid platform of an Infrastructure, made in code, as a zone hierarchy:
//   top full zone "v2x" (the backbone; every link is created here)
//     "<site>.site" (full), one per MEC and the cloud: gateway the site host
//       "<site>.zone" (full): the site host alone (SimGrid gives it its loopback)
//       "<rsu>.zone" (full), for each RSU whose broker is at this site: the RSU host (gateway), its cell host and
//                    its radio hosts; routes cell <-> RSU (cell link), radio <-> RSU (rate cap + cell link)
//     "registry.zone" (full): the registry host
//     "<rsu>.zone" at the top level for an RSU that cannot be nested (below)
// Zone routes are the infrastructure graph's shortest paths between gateways: in the top zone between sites and
// the registry; in a site's zone between each RSU and the site host. SimGrid composes a route from the source up
// to the common ancestor and down, so RSU r -> endpoint e is route(r, home site) + route(home site, e). An RSU
// is nested under its broker's site only when that composition is the graph's own route to every endpoint (the
// usual star-of-sites backhaul); otherwise it sits at the top level with a zone route to every endpoint. Either
// way every host-to-host route is the one a single flat zone had (tests/sim/test_platform.cpp checks them).
// Memory: a full zone keeps a dense table of (its points)^2 entries. One flat zone over every host had
// (RSUs x (2 + rate steps) + sites)^2 (25,000 hosts: 5 GB) and RSUs x sites routes; now the top table has
// (sites + 1 + top-level RSUs)^2 entries, each site zone (1 + its RSUs)^2 and each RSU zone (2 + steps)^2: linear
// in RSUs when they nest, with one route per RSU.
#include "core/log.hpp"
#include "topology/platform.hpp"

#include <stdexcept>
#include <unordered_map>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_topology_platform_build, v2x_topology, "SimGrid platform built in code");

namespace v2x {
namespace {

/// Speed of the RSU and cell hosts: they only relay, the value matters only if someone computes there.
constexpr double kRelayHostSpeed = 1e9;

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
    sg4::NetZone* zone = nullptr; // the endpoint's own leaf zone (its host is the gateway)
    sg4::NetZone* top = nullptr;  // its child of the top zone: the site zone (sites) or its own zone (registry)
  };
  std::vector<Endpoint> endpoints;
  for (SiteId s = 0; s < sites.size(); ++s)
    endpoints.push_back({infra.site_node(s), infra.shortest_paths(infra.site_node(s))});
  endpoints.push_back({infra.registry_node(), infra.shortest_paths(infra.registry_node())});
  using Props = std::vector<const LinkProps*>;
  auto props_of = [&graph](const std::vector<Infrastructure::Edge>& edges, bool reversed) {
    Props out;
    out.reserve(edges.size());
    for (std::size_t i = 0; i < edges.size(); ++i)
      out.push_back(&graph[edges[reversed ? edges.size() - 1 - i : i]]);
    return out;
  };
  // Between endpoints: the tree of the lower vertex, as Infrastructure::route() does; [i][j] from i to j.
  const std::size_t ne = endpoints.size();
  std::vector<Props> between(ne * ne);
  for (std::size_t i = 0; i < ne; ++i)
    for (std::size_t j = i + 1; j < ne; ++j) {
      const bool i_low = endpoints[i].node < endpoints[j].node;
      const Endpoint& lo = i_low ? endpoints[i] : endpoints[j];
      const Endpoint& hi = i_low ? endpoints[j] : endpoints[i];
      auto edges = Infrastructure::path_from_root(lo.tree, hi.node);
      if (edges.empty())
        throw std::logic_error("Platform::build: no route between " +
                               (&lo == &endpoints.back() ? std::string("registry") : sites[&lo - &endpoints[0]].name) +
                               " and another endpoint");
      between[i * ne + j] = props_of(edges, !i_low);
      between[j * ne + i] = props_of(edges, i_low);
    }
  // The flat routes (RSU -> endpoint: the endpoint's tree, walked from the RSU), and each RSU's placement: under
  // its broker's site when every one of its routes is its route to that site followed by the site's route to the
  // endpoint (then SimGrid's hierarchical routing composes exactly the flat route), else at the top level with a
  // zone route to every endpoint.
  std::vector<std::vector<Props>> flat(rsus.size());
  std::vector<bool> nested(rsus.size(), false);
  std::size_t top_rsus = 0;
  for (RsuId r = 0; r < rsus.size(); ++r) {
    flat[r].resize(ne);
    for (std::size_t i = 0; i < ne; ++i) {
      auto edges = Infrastructure::path_from_root(endpoints[i].tree, infra.rsu_node(r));
      if (edges.empty())
        throw std::logic_error("Platform::build: no route between " + rsus[r].name + " and " +
                               (i < sites.size() ? sites[i].name : std::string("registry")));
      flat[r][i] = props_of(edges, true);
    }
    const SiteId home = infra.brokers()[rsus[r].broker].site;
    bool ok = true;
    for (std::size_t i = 0; ok && i < ne; ++i) {
      if (i == home)
        continue;
      Props composed = flat[r][home];
      composed.insert(composed.end(), between[home * ne + i].begin(), between[home * ne + i].end());
      ok = composed == flat[r][i];
    }
    nested[r] = ok;
    top_rsus += ok ? 0 : 1;
  }

  auto* zone = sg4::create_full_zone("v2x"); // the top zone (the backbone): every link is created here
  auto child = [](const std::string& name, sg4::NetZone* parent) {
    auto* z = sg4::create_full_zone(name);
    z->set_parent(parent);
    return z;
  };

  Platform p;
  p.site_count_ = sites.size();
  for (SiteId s = 0; s < sites.size(); ++s) {
    Endpoint& e = endpoints[s];
    e.top = child(sites[s].name + ".site", zone);
    e.zone = child(sites[s].name + ".zone", e.top);
    e.host = e.zone->create_host(sites[s].name, sites[s].core_speed_flops_per_s)
                 ->set_core_count(static_cast<int>(sites[s].cores))
                 ->seal();
    p.site_hosts_.push_back(e.host);
  }
  Endpoint& reg = endpoints.back();
  reg.top = reg.zone = child("registry.zone", zone);
  reg.host = reg.zone->create_host("registry", kRelayHostSpeed)->seal();
  p.registry_host_ = reg.host;
  p.control_host_ = p.site_hosts_[infra.cloud()];
  for (const BrokerInfo& b : infra.brokers()) {
    p.broker_site_.push_back(b.site);
    p.broker_hosts_.push_back(p.site_hosts_.at(b.site));
  }
  std::vector<sg4::NetZone*> rsu_zones;
  for (RsuId r = 0; r < rsus.size(); ++r) {
    const SiteId home = infra.brokers()[rsus[r].broker].site;
    auto* z = child(rsus[r].name + ".zone", nested[r] ? endpoints[home].top : zone);
    rsu_zones.push_back(z);
    p.cell_hosts_.push_back(z->create_host(rsus[r].name + ".cell", kRelayHostSpeed)->seal());
    p.rsu_hosts_.push_back(z->create_host(rsus[r].name, kRelayHostSpeed)->seal());
    p.cell_latency_.push_back(rsus[r].cell_latency_s);
  }

  std::vector<sg4::Link*> cell_links;
  for (const RsuInfo& r : rsus)
    cell_links.push_back(zone->create_link(r.name + ".cell", r.capacity_bps)
                             ->set_latency(r.cell_latency_s)
                             ->set_sharing_policy(sg4::Link::SharingPolicy::SHARED)
                             ->seal());
  std::unordered_map<const LinkProps*, sg4::Link*> edge_links;
  for (auto [e, end] = boost::edges(graph); e != end; ++e) {
    const LinkProps& props = graph[*e];
    edge_links.emplace(&props, zone->create_link(props.name, props.bandwidth_bps)
                                   ->set_latency(props.latency_s)
                                   ->set_sharing_policy(sg4::Link::SharingPolicy::SHARED)
                                   ->seal());
  }
  auto to_links = [&edge_links](const Props& props) {
    std::vector<sg4::LinkInRoute> links;
    links.reserve(props.size());
    for (const LinkProps* l : props)
      links.emplace_back(edge_links.at(l));
    return links;
  };

  // Top zone: between the endpoints' top-level zones, gateways their hosts.
  for (std::size_t i = 0; i < ne; ++i)
    for (std::size_t j = i + 1; j < ne; ++j)
      zone->add_route(endpoints[i].top->get_netpoint(), endpoints[j].top->get_netpoint(), endpoints[i].host->get_netpoint(),
                      endpoints[j].host->get_netpoint(), to_links(between[i * ne + j]), true);

  p.rsu_site_latency_.assign(rsus.size() * sites.size(), 0);
  for (RsuId r = 0; r < rsus.size(); ++r) {
    sg4::Host* rsu = p.rsu_hosts_[r];
    sg4::Host* cell = p.cell_hosts_[r];
    rsu_zones[r]->add_route(cell->get_netpoint(), rsu->get_netpoint(), nullptr, nullptr,
                            {sg4::LinkInRoute(cell_links[r])}, true);
    for (SiteId s = 0; s < sites.size(); ++s) {
      double latency = 0;
      for (const LinkProps* l : flat[r][s])
        latency += edge_links.at(l)->get_latency();
      p.rsu_site_latency_[r * sites.size() + s] = latency;
    }
    if (nested[r]) {
      // Inside the home site's zone: RSU zone <-> the site host's zone; the rest goes through the site's gateway.
      const Endpoint& home = endpoints[infra.brokers()[rsus[r].broker].site];
      home.top->add_route(rsu_zones[r]->get_netpoint(), home.zone->get_netpoint(), rsu->get_netpoint(),
                          home.host->get_netpoint(), to_links(flat[r][&home - &endpoints[0]]), true);
    } else {
      for (std::size_t i = 0; i < ne; ++i)
        zone->add_route(rsu_zones[r]->get_netpoint(), endpoints[i].top->get_netpoint(), rsu->get_netpoint(),
                        endpoints[i].host->get_netpoint(), to_links(flat[r][i]), true);
    }
  }
  // Radio hosts: one per RSU and rate step, in the RSU's zone, routed to the RSU (rate cap + cell link); through
  // the RSU zone's gateway they reach every endpoint (the site of the RSU's broker is the one used).
  p.radio_steps_ = rate_steps.size();
  for (RsuId r = 0; r < rsus.size(); ++r) {
    const sg4::LinkInRoute cell_link(cell_links[r]);
    for (std::size_t k = 0; k < rate_steps.size(); ++k) {
      const std::string suffix = "." + std::to_string(k);
      sg4::Host* radio = rsu_zones[r]->create_host(rsus[r].name + ".cell" + suffix, kRelayHostSpeed)->seal();
      sg4::Link* cap = zone->create_link(rsus[r].name + ".radio" + suffix, rate_steps[k].rate_bps)
                           ->set_latency(0)
                           ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                           ->seal();
      p.radio_hosts_.push_back(radio);
      rsu_zones[r]->add_route(radio->get_netpoint(), p.rsu_hosts_[r]->get_netpoint(), nullptr, nullptr,
                              {sg4::LinkInRoute(cap), cell_link}, true);
    }
  }
  for (auto* z : rsu_zones)
    z->seal();
  for (Endpoint& e : endpoints) {
    e.zone->seal();
    e.top->seal();
  }
  zone->seal();
  XBT_VERB("platform: %zu RSUs (%zu at the top level), %zu sites, %zu backhaul links", rsus.size(), top_rsus,
           sites.size(), edge_links.size());
  return p;
}

double Platform::backhaul_latency(RsuId r, BrokerId b) const
{
  return rsu_site_latency_[r * site_count_ + broker_site_[b]];
}

} // namespace v2x
