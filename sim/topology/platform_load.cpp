// Platform::load: a SimGrid XML platform whose hosts carry v2x.* properties (platforms/README.md). The
// infrastructure (sites, RSUs, brokers, graph) is derived from the hosts and from the routes SimGrid has.
#include "core/error.hpp"
#include "core/log.hpp"
#include "proto/scenario_defaults.hpp"
#include "topology/platform.hpp"
#include "topology/platform_check.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <expat.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <simgrid/Exception.hpp>
#include <simgrid/kernel/routing/NetPoint.hpp>
#include <tuple>
#include <unordered_map>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(v2x_topology_platform_load, v2x_topology, "SimGrid platform loaded from XML");

namespace v2x {
namespace {

using Node = Infrastructure::Node;

enum class Role { Rsu, Cell, Mec, Cloud, Registry };

const std::map<std::string, Role, std::less<>> kRoles{
    {"rsu", Role::Rsu}, {"cell", Role::Cell}, {"mec", Role::Mec}, {"cloud", Role::Cloud}, {"registry", Role::Registry}};

/// Reads the v2x.* properties of one host, with errors naming the file, the host and the property.
class HostProps {
public:
  HostProps(const std::string& file, const sg4::Host* host)
      : file_(file)
      , host_(host)
  {
  }

  std::string field(const std::string& property) const
  {
    return "host " + host_->get_name() + ", property " + property;
  }
  [[noreturn]] void fail(const std::string& property, const std::string& value, const std::string& what) const
  {
    throw InputError({file_, 0, 0}, field(property), value, what);
  }
  const char* raw(const std::string& property) const { return host_->get_property(property); }

  std::optional<double> number(const std::string& property) const
  {
    const char* s = raw(property);
    if (s == nullptr)
      return std::nullopt;
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s, &end);
    while (end != nullptr && *end == ' ')
      ++end;
    if (end == s || *end != '\0' || errno == ERANGE || !std::isfinite(v))
      fail(property, s, "not a finite number");
    return v;
  }
  double number_or(const std::string& property, double fallback) const { return number(property).value_or(fallback); }
  /// A coordinate, m: as the scenario's x_m/y_m (config/validate.hpp, kMaxCoordinateM).
  double coordinate(const std::string& property, double v) const
  {
    if (std::fabs(v) > 1e8)
      fail(property, raw(property), "must be a number of metres in [-1e+08, 1e+08]");
    return v;
  }
  double required_number(const std::string& property) const
  {
    auto v = number(property);
    if (!v)
      fail(property, "", "missing (required on a host with v2x.role " + std::string(raw("v2x.role")) + ")");
    return *v;
  }
  double positive_or(const std::string& property, double fallback, double max) const
  {
    double v = number_or(property, fallback);
    if (!(v > 0) || v > max)
      fail(property, raw(property), "must be a number in (0, " + compact_number(max) + "]");
    return v;
  }
  double non_negative_or(const std::string& property, double fallback) const
  {
    double v = number_or(property, fallback);
    if (v < 0)
      fail(property, raw(property), "must be >= 0");
    return v;
  }
  std::uint32_t count_or(const std::string& property, std::uint32_t fallback) const
  {
    auto v = number(property);
    if (!v)
      return fallback;
    if (*v < 0 || *v != std::floor(*v) || *v > 4294967295.0)
      fail(property, raw(property), "must be a whole number >= 0");
    return static_cast<std::uint32_t>(*v);
  }

private:
  const std::string& file_;
  const sg4::Host* host_;
};

/// Hosts in the order of the file: zones depth first in creation order, hosts by their rank in their zone.
std::vector<sg4::Host*> hosts_in_file_order(const sg4::Engine& engine)
{
  std::map<const sg4::NetZone*, std::size_t> zone_rank;
  std::vector<const sg4::NetZone*> stack{engine.get_netzone_root()};
  while (!stack.empty()) {
    const sg4::NetZone* z = stack.back();
    stack.pop_back();
    zone_rank.emplace(z, zone_rank.size());
    auto children = z->get_children();
    for (auto it = children.rbegin(); it != children.rend(); ++it)
      stack.push_back(*it);
  }
  std::vector<sg4::Host*> hosts = engine.get_all_hosts();
  auto key = [&zone_rank](const sg4::Host* h) {
    return std::make_tuple(zone_rank.at(h->get_englobing_zone()), h->get_netpoint()->id(), h->get_name());
  };
  std::sort(hosts.begin(), hosts.end(), [&key](const sg4::Host* a, const sg4::Host* b) { return key(a) < key(b); });
  return hosts;
}

template <typename T> const T* find_by_id(const std::vector<T>& items, const std::string& id)
{
  auto it = std::find_if(items.begin(), items.end(), [&id](const T& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}

bool same_value(double a, double b)
{
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

} // namespace

std::pair<Infrastructure, Platform> Platform::load(const std::string& xml_path, const InfrastructureConfig& defaults,
                                                   sg4::Engine& engine)
{
  const SourceLocation where{xml_path, 0, 0};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(xml_path, ec))
    throw InputError(where, "", "", "cannot read the platform file");
  if (engine.get_host_count() != 0)
    throw std::logic_error("Platform::load: the engine already has a platform (load it once per engine)");
  check_platform_xml(xml_path); // before SimGrid parses it
  try {
    engine.load_platform(xml_path);
  } catch (const simgrid::Exception& e) {
    throw InputError(where, "", "", std::string("invalid SimGrid platform: ") + e.what());
  } catch (const std::exception& e) {
    throw InputError(where, "", "", std::string("invalid SimGrid platform: ") + e.what());
  }

  // Sort the hosts by role.
  std::vector<sg4::Host*> mec_hosts, rsu_hosts, cell_hosts;
  sg4::Host* cloud_host = nullptr;
  sg4::Host* registry_host = nullptr;
  for (sg4::Host* h : hosts_in_file_order(engine)) {
    HostProps props(xml_path, h);
    const char* role = props.raw("v2x.role");
    if (role == nullptr)
      props.fail("v2x.role", "", "missing: every host needs a role (rsu, cell, mec, cloud or registry)");
    auto it = kRoles.find(role);
    if (it == kRoles.end())
      props.fail("v2x.role", role, "unknown role (rsu, cell, mec, cloud or registry)");
    switch (it->second) {
    case Role::Mec:
      mec_hosts.push_back(h);
      break;
    case Role::Rsu:
      rsu_hosts.push_back(h);
      break;
    case Role::Cell:
      cell_hosts.push_back(h);
      break;
    case Role::Cloud:
      if (cloud_host != nullptr)
        props.fail("v2x.role", role, "a second cloud host (the first is " + cloud_host->get_name() + ")");
      if (h->get_name() != "cloud")
        props.fail("v2x.role", role, "the cloud host must be named \"cloud\"");
      cloud_host = h;
      break;
    case Role::Registry:
      if (registry_host != nullptr)
        props.fail("v2x.role", role, "a second registry host (the first is " + registry_host->get_name() + ")");
      registry_host = h;
      break;
    }
  }
  if (cloud_host == nullptr)
    throw InputError(where, "v2x.role", "cloud", "no host has this role (one host named \"cloud\" must)");
  if (registry_host == nullptr)
    throw InputError(where, "v2x.role", "registry", "no host has this role (exactly one must)");

  Infrastructure infra;
  Platform p;

  // Sites: the MECs in file order, then the cloud. Cores and speed are the host's own.
  std::vector<sg4::Host*> site_hosts = mec_hosts;
  site_hosts.push_back(cloud_host);
  std::unordered_map<std::string, SiteId> site_by_name;
  for (SiteId s = 0; s < site_hosts.size(); ++s) {
    sg4::Host* h = site_hosts[s];
    HostProps props(xml_path, h);
    const bool is_cloud = h == cloud_host;
    SiteInfo site;
    site.name = h->get_name();
    site.is_cloud = is_cloud;
    if (is_cloud) {
      const CloudConfig& c = defaults.cloud;
      site.x_m = props.coordinate("v2x.x", props.number_or("v2x.x", c.x_m));
      site.y_m = props.coordinate("v2x.y", props.number_or("v2x.y", c.y_m));
      site.memory_mb = props.non_negative_or("v2x.memory_mb", c.memory_mb);
      site.pod_slots = props.count_or("v2x.pod_slots", c.pod_slots);
      site.max_concurrent_ops = props.count_or("v2x.max_ops", c.max_concurrent_ops);
    } else {
      const MecConfig* given = find_by_id(defaults.mecs, site.name);
      const MecConfig m = given != nullptr ? *given : schema_mec();
      site.x_m = props.coordinate("v2x.x", props.required_number("v2x.x"));
      site.y_m = props.coordinate("v2x.y", props.required_number("v2x.y"));
      site.memory_mb = props.non_negative_or("v2x.memory_mb", m.memory_mb);
      site.pod_slots = props.count_or("v2x.pod_slots", m.pod_slots);
      site.max_concurrent_ops = props.count_or("v2x.max_ops", m.max_concurrent_ops);
    }
    site.cores = static_cast<std::uint32_t>(h->get_core_count());
    if (props.raw("v2x.cores") != nullptr && props.count_or("v2x.cores", 0) != site.cores)
      props.fail("v2x.cores", props.raw("v2x.cores"),
                 "differs from the host's core count " + std::to_string(site.cores) + " (set the core attribute)");
    site.core_speed_flops_per_s = h->get_speed();
    site_by_name.emplace(site.name, s);
    infra.add_site(std::move(site));
  }

  // RSUs and their cells.
  std::unordered_map<std::string, RsuId> rsu_by_name;
  for (RsuId r = 0; r < rsu_hosts.size(); ++r)
    rsu_by_name.emplace(rsu_hosts[r]->get_name(), r);
  std::vector<sg4::Host*> cell_of(rsu_hosts.size(), nullptr);
  for (sg4::Host* c : cell_hosts) {
    HostProps props(xml_path, c);
    const char* rsu = props.raw("v2x.rsu");
    if (rsu == nullptr)
      props.fail("v2x.rsu", "", "missing: a cell host must name its RSU host");
    auto it = rsu_by_name.find(rsu);
    if (it == rsu_by_name.end())
      props.fail("v2x.rsu", rsu, "no host with v2x.role rsu has this name");
    if (cell_of[it->second] != nullptr)
      props.fail("v2x.rsu", rsu, "this RSU already has the cell host " + cell_of[it->second]->get_name());
    cell_of[it->second] = c;
  }
  for (RsuId r = 0; r < rsu_hosts.size(); ++r) {
    sg4::Host* h = rsu_hosts[r];
    HostProps props(xml_path, h);
    if (cell_of[r] == nullptr)
      props.fail("v2x.role", "rsu", "no host with v2x.role cell names this RSU in its v2x.rsu");
    const RsuConfig* given = find_by_id(defaults.rsus, h->get_name());
    const RsuConfig d = given != nullptr ? *given : schema_rsu();
    RsuInfo info;
    info.name = h->get_name();
    info.x_m = props.coordinate("v2x.x", props.required_number("v2x.x"));
    info.y_m = props.coordinate("v2x.y", props.required_number("v2x.y"));
    info.radius_m = props.positive_or("v2x.radius", d.cell_radius_m, 1e6); // m, as cell_radius_m

    // The cell link: the one link of the route from the cell host to the RSU host.
    std::vector<sg4::Link*> links;
    double latency = 0;
    cell_of[r]->route_to(h, links, &latency);
    if (links.size() != 1)
      HostProps(xml_path, cell_of[r])
          .fail("v2x.rsu", info.name,
                "the route from this cell host to its RSU must be exactly one link (the cell), it has " +
                    std::to_string(links.size()));
    info.capacity_bps = links[0]->get_bandwidth();
    info.cell_latency_s = links[0]->get_latency();
    if (auto v = props.number("v2x.capacity"); v && !same_value(*v, info.capacity_bps))
      props.fail("v2x.capacity", props.raw("v2x.capacity"),
                 "differs from the bandwidth of the cell link " + links[0]->get_name());
    if (auto v = props.number("v2x.cell_latency"); v && !same_value(*v, info.cell_latency_s))
      props.fail("v2x.cell_latency", props.raw("v2x.cell_latency"),
                 "differs from the latency of the cell link " + links[0]->get_name());

    if (const char* mec = props.raw("v2x.mec")) {
      auto it = site_by_name.find(mec);
      if (it == site_by_name.end())
        props.fail("v2x.mec", mec, "no host with v2x.role mec (or the cloud) has this name");
      info.site = it->second;
    } else { // the nearest MEC, the first on ties; the cloud when there is no MEC
      info.site = infra.cloud();
      double best = std::numeric_limits<double>::infinity();
      for (SiteId s = 0; s < infra.cloud(); ++s) {
        double dist = std::hypot(infra.sites()[s].x_m - info.x_m, infra.sites()[s].y_m - info.y_m);
        if (dist < best) {
          best = dist;
          info.site = s;
        }
      }
    }
    infra.add_rsu(std::move(info));
  }

  // Brokers: one per site, "broker-<site>", with the service time of the scenario's broker on that site if any.
  for (SiteId s = 0; s < infra.sites().size(); ++s) {
    const std::string& name = infra.sites()[s].name;
    auto given = std::find_if(defaults.brokers.begin(), defaults.brokers.end(),
                              [&name](const BrokerConfig& b) { return b.site == name; });
    double flops = given != defaults.brokers.end() ? given->service_flops : schema_broker().service_flops;
    infra.add_broker(BrokerInfo{"broker-" + name, s, flops});
  }

  // Routes SimGrid must have: between sites, registry <-> site, RSU -> site, cell -> site.
  auto require_route = [&](sg4::Host* from, sg4::Host* to, std::vector<sg4::Link*>& links, double& latency) {
    links.clear();
    latency = 0;
    from->route_to(to, links, &latency);
    if (links.empty())
      HostProps(xml_path, from)
          .fail("v2x.role", from->get_property("v2x.role"),
                "no route to host " + to->get_name() + " (v2xsim needs one)");
  };

  // The graph: one vertex per site, the registry, each RSU; one edge per link of the routes, its ends found
  // from the routes themselves (after the links of route(A, H), the route A -> B is at H when it continues
  // with route(H, B)); ends that no host explains become routers named after the two links they join.
  std::vector<sg4::Host*> graph_hosts = site_hosts;
  graph_hosts.push_back(registry_host);
  graph_hosts.insert(graph_hosts.end(), rsu_hosts.begin(), rsu_hosts.end());
  std::unordered_map<const sg4::Host*, Node> node_of;
  for (SiteId s = 0; s < infra.sites().size(); ++s) {
    Node v = infra.add_node({infra.sites()[s].name, infra.sites()[s].is_cloud ? NodeKind::Cloud : NodeKind::Mec, s});
    node_of.emplace(site_hosts[s], v);
  }
  node_of.emplace(registry_host, infra.add_node({registry_host->get_name(), NodeKind::Registry, kNone}));
  for (RsuId r = 0; r < infra.rsus().size(); ++r) {
    Node v = infra.add_node({infra.rsus()[r].name, NodeKind::Rsu, r});
    node_of.emplace(rsu_hosts[r], v);
  }

  struct RouteRec {
    sg4::Host* from;
    sg4::Host* to;
    std::vector<sg4::Link*> links;
  };
  std::vector<RouteRec> routes;
  std::map<std::pair<const sg4::Host*, std::vector<sg4::Link*>>, sg4::Host*> reached; // (from, links) -> host
  auto record = [&](sg4::Host* from, sg4::Host* to) {
    RouteRec rec{from, to, {}};
    double latency = 0;
    require_route(from, to, rec.links, latency);
    reached.emplace(std::make_pair(from, rec.links), to);
    std::vector<sg4::Link*> back(rec.links.rbegin(), rec.links.rend());
    reached.emplace(std::make_pair(to, std::move(back)), from);
    routes.push_back(std::move(rec));
    return latency;
  };
  for (std::size_t i = 0; i < site_hosts.size(); ++i) {
    for (std::size_t j = i + 1; j < site_hosts.size(); ++j)
      record(site_hosts[i], site_hosts[j]);
    record(site_hosts[i], registry_host);
  }
  p.site_count_ = site_hosts.size();
  p.rsu_site_latency_.assign(rsu_hosts.size() * site_hosts.size(), 0);
  for (RsuId r = 0; r < rsu_hosts.size(); ++r)
    for (SiteId s = 0; s < site_hosts.size(); ++s)
      p.rsu_site_latency_[r * site_hosts.size() + s] = record(rsu_hosts[r], site_hosts[s]);
  for (RsuId r = 0; r < rsu_hosts.size(); ++r) {
    std::vector<sg4::Link*> links;
    double latency = 0;
    for (sg4::Host* s : site_hosts)
      require_route(cell_of[r], s, links, latency);
  }

  std::unordered_map<std::string, Node> junctions;
  std::set<std::tuple<const sg4::Link*, Node, Node>> edges;
  auto add_edge = [&](const sg4::Link* l, Node a, Node b) {
    if (a == b || !edges.emplace(l, std::min(a, b), std::max(a, b)).second)
      return;
    infra.add_link(a, b, {l->get_name(), l->get_bandwidth(), l->get_latency()});
  };
  for (const RouteRec& rec : routes) {
    Node prev = node_of.at(rec.from);
    for (std::size_t i = 0; i + 1 < rec.links.size(); ++i) {
      std::vector<sg4::Link*> prefix(rec.links.begin(), rec.links.begin() + static_cast<long>(i) + 1);
      auto it = reached.find(std::make_pair(rec.from, prefix));
      Node next;
      if (it != reached.end() && it->second != rec.to) {
        next = node_of.at(it->second);
      } else {
        std::string a = rec.links[i]->get_name(), b = rec.links[i + 1]->get_name();
        std::string name = "junction:" + std::min(a, b) + "|" + std::max(a, b);
        auto j = junctions.find(name);
        if (j == junctions.end())
          j = junctions.emplace(name, infra.add_node({name, NodeKind::Router, kNone})).first;
        next = j->second;
      }
      add_edge(rec.links[i], prev, next);
      prev = next;
    }
    add_edge(rec.links.back(), prev, node_of.at(rec.to));
  }
  infra.resolve_brokers();

  // The Platform's maps.
  p.rsu_hosts_ = rsu_hosts;
  p.cell_hosts_ = cell_of;
  p.site_hosts_ = site_hosts;
  p.registry_host_ = registry_host;
  p.control_host_ = cloud_host;
  for (const RsuInfo& r : infra.rsus())
    p.cell_latency_.push_back(r.cell_latency_s);
  for (const BrokerInfo& b : infra.brokers()) {
    p.broker_site_.push_back(b.site);
    p.broker_hosts_.push_back(site_hosts[b.site]);
  }
  XBT_VERB("platform %s: %zu RSUs, %zu sites, %zu graph vertices (%zu junctions)", xml_path.c_str(), infra.rsus().size(),
           infra.sites().size(), infra.node_count(), junctions.size());
  return {std::move(infra), std::move(p)};
}

} // namespace v2x
