// Platform::build: the SimGrid platform of an Infrastructure, made in code. One full zone; routes only where
// traffic goes (site <-> site, site <-> registry, RSU -> site/registry, cell -> RSU/site/registry), so that
// the number of routes grows as RSUs x sites, not RSUs squared.
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

} // namespace

Platform Platform::build(const Infrastructure& infra, sg4::Engine& engine, const std::vector<RateStep>& rate_steps)
{
  if (engine.host_by_name_or_null("registry") != nullptr)
    throw std::logic_error("Platform::build: the engine already has a platform (build it once per engine)");

  const auto& sites = infra.sites();
  const auto& rsus = infra.rsus();
  const auto& graph = infra.graph();
  auto* zone = sg4::create_full_zone("v2x");

  Platform p;
  p.site_count_ = sites.size();
  for (const RsuInfo& r : rsus) {
    p.cell_hosts_.push_back(zone->create_host(r.name + ".cell", kRelayHostSpeed)->seal());
    p.rsu_hosts_.push_back(zone->create_host(r.name, kRelayHostSpeed)->seal());
    p.cell_latency_.push_back(r.cell_latency_s);
  }
  for (const SiteInfo& s : sites) {
    sg4::Host* h = zone->create_host(s.name, s.core_speed_flops_per_s)->set_core_count(static_cast<int>(s.cores));
    set_power_properties(h, s);  // before seal(): the energy plugin reads them when the host is created
    p.site_hosts_.push_back(h->seal());
  }
  p.registry_host_ = zone->create_host("registry", kRelayHostSpeed)->seal();
  p.control_host_ = p.site_hosts_[infra.cloud()];
  for (const BrokerInfo& b : infra.brokers()) {
    p.broker_site_.push_back(b.site);
    p.broker_hosts_.push_back(p.site_hosts_.at(b.site));
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
  auto to_links = [&](const std::vector<Infrastructure::Edge>& edges, bool reversed) {
    std::vector<sg4::LinkInRoute> links;
    links.reserve(edges.size() + 1);
    for (std::size_t i = 0; i < edges.size(); ++i)
      links.emplace_back(edge_links.at(&graph[edges[reversed ? edges.size() - 1 - i : i]]));
    return links;
  };

  // Route endpoints: every site and the registry, each with the shortest-path tree rooted at its vertex.
  struct Endpoint {
    Infrastructure::Node node;
    sg4::Host* host;
    Infrastructure::PathTree tree;
  };
  std::vector<Endpoint> endpoints;
  for (SiteId s = 0; s < sites.size(); ++s)
    endpoints.push_back({infra.site_node(s), p.site_hosts_[s], infra.shortest_paths(infra.site_node(s))});
  endpoints.push_back({infra.registry_node(), p.registry_host_, infra.shortest_paths(infra.registry_node())});

  // Between endpoints: the tree of the lower vertex, as Infrastructure::route() does.
  for (std::size_t i = 0; i < endpoints.size(); ++i)
    for (std::size_t j = i + 1; j < endpoints.size(); ++j) {
      const Endpoint& lo = endpoints[i].node < endpoints[j].node ? endpoints[i] : endpoints[j];
      const Endpoint& hi = &lo == &endpoints[i] ? endpoints[j] : endpoints[i];
      auto edges = Infrastructure::path_from_root(lo.tree, hi.node);
      if (edges.empty())
        throw std::logic_error("Platform::build: no route between " + lo.host->get_name() + " and " +
                               hi.host->get_name());
      zone->add_route(lo.host->get_netpoint(), hi.host->get_netpoint(), nullptr, nullptr, to_links(edges, false), true);
    }

  // RSUs and cells to every endpoint: the endpoint's tree, walked from the RSU.
  p.rsu_site_latency_.assign(rsus.size() * sites.size(), 0);
  for (RsuId r = 0; r < rsus.size(); ++r) {
    sg4::Host* rsu = p.rsu_hosts_[r];
    sg4::Host* cell = p.cell_hosts_[r];
    const sg4::LinkInRoute cell_link(cell_links[r]);
    zone->add_route(cell->get_netpoint(), rsu->get_netpoint(), nullptr, nullptr, {cell_link}, true);
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      auto edges = Infrastructure::path_from_root(endpoints[i].tree, infra.rsu_node(r));
      if (edges.empty())
        throw std::logic_error("Platform::build: no route between " + rsu->get_name() + " and " +
                               endpoints[i].host->get_name());
      std::vector<sg4::LinkInRoute> links = to_links(edges, true);
      if (i < sites.size()) {
        double latency = 0;
        for (const auto& l : links)
          latency += l.get_link()->get_latency();
        p.rsu_site_latency_[r * sites.size() + i] = latency;
      }
      zone->add_route(rsu->get_netpoint(), endpoints[i].host->get_netpoint(), nullptr, nullptr, links, true);
      links.insert(links.begin(), cell_link);
      zone->add_route(cell->get_netpoint(), endpoints[i].host->get_netpoint(), nullptr, nullptr, links, true);
    }
  }
  // Radio hosts: one per RSU and rate step, routed only to the RSU and to the site of the RSU's broker.
  p.radio_steps_ = rate_steps.size();
  for (RsuId r = 0; r < rsus.size(); ++r) {
    const sg4::LinkInRoute cell_link(cell_links[r]);
    const SiteId broker_site = infra.brokers()[rsus[r].broker].site;
    auto backhaul = to_links(Infrastructure::path_from_root(endpoints[broker_site].tree, infra.rsu_node(r)), true);
    for (std::size_t k = 0; k < rate_steps.size(); ++k) {
      const std::string suffix = "." + std::to_string(k);
      sg4::Host* radio = zone->create_host(rsus[r].name + ".cell" + suffix, kRelayHostSpeed)->seal();
      sg4::Link* cap = zone->create_link(rsus[r].name + ".radio" + suffix, rate_steps[k].rate_bps)
                           ->set_latency(0)
                           ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                           ->seal();
      p.radio_hosts_.push_back(radio);
      zone->add_route(radio->get_netpoint(), p.rsu_hosts_[r]->get_netpoint(), nullptr, nullptr,
                      {sg4::LinkInRoute(cap), cell_link}, true);
      std::vector<sg4::LinkInRoute> links{sg4::LinkInRoute(cap), cell_link};
      links.insert(links.end(), backhaul.begin(), backhaul.end());
      zone->add_route(radio->get_netpoint(), p.site_hosts_[broker_site]->get_netpoint(), nullptr, nullptr, links,
                      true);
    }
  }
  zone->seal();
  XBT_VERB("platform: %zu RSUs, %zu sites, %zu backhaul links", rsus.size(), sites.size(), edge_links.size());
  return p;
}

double Platform::backhaul_latency(RsuId r, BrokerId b) const
{
  return rsu_site_latency_[r * site_count_ + broker_site_[b]];
}

} // namespace v2x
