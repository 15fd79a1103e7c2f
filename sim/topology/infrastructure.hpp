#pragma once
// The infrastructure: sites (MECs, then the cloud), RSUs, brokers, and the backhaul as a Boost.Graph
// graph whose vertices are nodes (RSU, MEC, cloud, router, image registry) and whose edges are links.
// Built from the scenario (with references checked) or derived from a loaded SimGrid platform.
#include "config/scenario.hpp"
#include "core/ids.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace v2x {

struct SiteInfo {
  std::string name;
  bool is_cloud = false;
  double x_m = 0, y_m = 0;
  std::uint32_t cores = 0;
  double core_speed_flops_per_s = 0;
  double memory_mb = 0;
  std::uint32_t pod_slots = 0;
  std::uint32_t max_concurrent_ops = 0;
  // W, for SimGrid's host energy plugin (host properties wattage_per_state "idle:full", wattage_off); all 0 =
  // no properties set (a platform XML's own, if any, apply).
  double idle_w = 0, full_w = 0, off_w = 0;
};

struct RsuInfo {
  std::string name;
  double x_m = 0, y_m = 0;
  double radius_m = 0;
  double capacity_bps = 0;
  double cell_latency_s = 0;
  SiteId site = kNone;     // MEC whose backhaul it uses
  BrokerId broker = kNone; // broker it publishes to (the one on its site, else the nearest by latency)
};

struct BrokerInfo {
  std::string name;
  SiteId site = kNone;
  double service_flops = 0;
};

enum class NodeKind : std::uint8_t { Rsu, Mec, Cloud, Router, Registry };

struct NodeProps {
  std::string name;
  NodeKind kind = NodeKind::Router;
  std::uint32_t index = kNone; // RsuId for Rsu, SiteId for Mec/Cloud
};

struct LinkProps {
  std::string name;
  double bandwidth_bps = 0;
  double latency_s = 0;
};

class Infrastructure {
public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, NodeProps, LinkProps>;
  using Node = Graph::vertex_descriptor;
  using Edge = Graph::edge_descriptor;

  /// Builds and checks the infrastructure of a scenario: unique names, links between known nodes, positive
  /// capacities, a connected backhaul. Throws InputError naming the field path
  /// (e.g. "infrastructure.link[3].to") and the value, and `source_file` (the scenario) when given.
  static Infrastructure from_config(const InfrastructureConfig& cfg, const std::string& source_file = "");

  const std::vector<SiteInfo>& sites() const { return sites_; }
  const std::vector<RsuInfo>& rsus() const { return rsus_; }
  const std::vector<BrokerInfo>& brokers() const { return brokers_; }
  SiteId cloud() const { return static_cast<SiteId>(sites_.size() - 1); }
  std::optional<SiteId> find_site(std::string_view name) const; // "cloud" names the cloud
  std::optional<RsuId> find_rsu(std::string_view name) const;
  std::optional<BrokerId> find_broker(std::string_view name) const;
  /// The broker a twin on `site` subscribes at: the first broker on that site, else the nearest by latency.
  BrokerId broker_of_site(SiteId site) const;

  const Graph& graph() const { return graph_; }
  Node rsu_node(RsuId r) const { return rsu_nodes_[r]; }
  Node site_node(SiteId s) const { return site_nodes_[s]; }
  Node registry_node() const { return registry_node_; }
  /// Shortest path by total latency (ties: fewer hops, then lower vertex index), as edges from a to b.
  /// The image registry is never a transit node (no path passes through it).
  /// Symmetric: route(b, a) is route(a, b) reversed (both come from the tree rooted at the lower index).
  /// Empty when a == b or when b cannot be reached from a.
  std::vector<Edge> route(Node a, Node b) const;
  /// Sum of the latencies along route(a, b); +infinity when unreachable, 0 when a == b.
  double route_latency(Node a, Node b) const;

  /// Shortest-path tree from one root. Preference between paths: lower total latency (compared in whole
  /// picoseconds, so that sums of the same latencies in another order tie), then fewer hops, then, vertex
  /// by vertex, the predecessor with the lower index.
  struct PathTree {
    Node root = 0;
    std::vector<double> latency_s;   // per vertex, summed from the root; +infinity when unreachable
    std::vector<std::uint32_t> hops; // per vertex
    std::vector<Node> parent;        // per vertex; parent[root] == root; kNoNode when unreachable
    std::vector<Edge> parent_edge;   // per vertex, the edge to parent (meaningless for root/unreachable)
    bool reaches(Node v) const { return parent[v] != kNoNode; }
  };
  static constexpr Node kNoNode = static_cast<Node>(-1);
  PathTree shortest_paths(Node root) const;
  /// The edges of the tree path from tree.root to b, in that order (empty when b is the root or unreachable).
  static std::vector<Edge> path_from_root(const PathTree& tree, Node b);

  const NodeProps& node(Node v) const { return graph_[v]; }
  const LinkProps& link(Edge e) const { return graph_[e]; }
  std::size_t node_count() const { return boost::num_vertices(graph_); }

  // For builders (from_config and the platform loader): sites, RSUs and brokers in id order; then the vertices
  // (a site's, an RSU's or the registry's vertex is recorded as site_node(), rsu_node(), registry_node());
  // then the links; then resolve_brokers().
  SiteId add_site(SiteInfo site);
  RsuId add_rsu(RsuInfo rsu);
  BrokerId add_broker(BrokerInfo broker);
  /// A vertex. NodeKind::Rsu, Mec and Cloud vertices must come in the order of their index (the RsuId or
  /// SiteId, checked: std::logic_error), at most one Registry vertex.
  Node add_node(NodeProps props);
  void add_link(Node a, Node b, LinkProps props);
  /// Sets RsuInfo::broker where it is kNone and the table behind broker_of_site(); call once sites, RSUs,
  /// brokers and the graph are complete. Throws std::logic_error when there is no broker at all.
  void resolve_brokers();

private:
  static Infrastructure from_config_checked(const InfrastructureConfig& cfg);
  std::vector<SiteInfo> sites_;
  std::vector<RsuInfo> rsus_;
  std::vector<BrokerInfo> brokers_;
  std::vector<Node> rsu_nodes_;
  std::vector<Node> site_nodes_;
  Node registry_node_ = kNoNode;
  Graph graph_;
  /// The graph's out-edges as flat arrays (CSR, in boost::out_edges order), for shortest_paths(): made at its
  /// first call after the last add_link(). 626 trees over a 625-MEC full mesh were 7 s on the adjacency list.
  struct Arc {
    Node target;
    std::int64_t latency_ps;
    double latency_s;
    Edge edge;
  };
  struct Arcs {
    std::vector<std::size_t> begin;  // per vertex, then one past the last
    std::vector<Arc> arcs;
    std::size_t edges = 0;           // edge count when they were made
    Arcs() = default;
    // A copy or a move of the Infrastructure starts without them: the edge descriptors point into the graph's
    // own storage.
    Arcs(const Arcs&) {}
    Arcs& operator=(const Arcs&)
    {
      begin.clear();
      arcs.clear();
      return *this;
    }
  };
  mutable Arcs arcs_;
  std::vector<BrokerId> site_broker_; // per site, filled by resolve_brokers()
};

} // namespace v2x
