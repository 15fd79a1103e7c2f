// Infrastructure::from_config: the graph, shortest routes and their tie rules, broker choice, and the checks
// that turn a bad infrastructure into an InputError naming the field.
#include "core/error.hpp"
#include "proto/scenario_defaults.hpp"
#include "support/tiny_infra.hpp"
#include "topology/infrastructure.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

using namespace v2x;
using v2x::test::TinyInfra;

namespace {

/// Two MECs 1 km apart, an RSU at each; default backhaul: RSU-MEC 1 ms, MEC-MEC 2 ms, MEC-cloud 15 ms,
/// registry-MEC 20 ms.
InfrastructureConfig two_mecs()
{
  return TinyInfra().mec("m0", 0, 0).mec("m1", 1000, 0).rsu("r0", 0, 0, "m0").rsu("r1", 1000, 0, "m1").build();
}

std::vector<std::string> names(const Infrastructure& infra, const std::vector<Infrastructure::Edge>& edges)
{
  std::vector<std::string> out;
  for (auto e : edges)
    out.push_back(infra.link(e).name);
  return out;
}

/// The field path of the InputError that from_config throws ("" when it accepts the configuration).
std::string error_field(const InfrastructureConfig& cfg)
{
  try {
    Infrastructure::from_config(cfg);
  } catch (const InputError& e) {
    return e.field();
  }
  return "";
}

} // namespace

TEST_CASE("sites, RSUs, brokers and graph of the default backhaul", "[infrastructure]")
{
  Infrastructure infra = Infrastructure::from_config(two_mecs());

  REQUIRE(infra.sites().size() == 3);
  CHECK(infra.sites()[0].name == "m0");
  CHECK(infra.sites()[1].name == "m1");
  CHECK(infra.sites()[2].name == "cloud");
  CHECK(infra.sites()[2].is_cloud);
  CHECK(infra.cloud() == 2);
  CHECK(infra.sites()[2].cores == schema_defaults().infrastructure.cloud.cores);
  CHECK(infra.find_site("cloud") == SiteId{2});
  CHECK(infra.find_site("m1") == SiteId{1});
  CHECK_FALSE(infra.find_site("m9"));
  CHECK(infra.find_rsu("r1") == RsuId{1});

  REQUIRE(infra.rsus().size() == 2);
  CHECK(infra.rsus()[1].site == 1);
  CHECK(infra.rsus()[1].capacity_bps == schema_rsu().cell_capacity_bps);
  // TinyInfra adds broker-m0, broker-m1, broker-cloud: each RSU uses the one on its site.
  REQUIRE(infra.brokers().size() == 3);
  CHECK(infra.rsus()[0].broker == 0);
  CHECK(infra.rsus()[1].broker == 1);
  CHECK(infra.broker_of_site(2) == 2);
  CHECK(infra.find_broker("broker-cloud") == BrokerId{2});

  // Vertices: 2 MECs, cloud, registry, 2 RSUs. Edges: 2 RSU links, 1 MEC-MEC, 2 MEC-cloud, 2 registry links.
  CHECK(infra.node_count() == 6);
  CHECK(boost::num_edges(infra.graph()) == 7);
  CHECK(infra.node(infra.site_node(2)).kind == NodeKind::Cloud);
  CHECK(infra.node(infra.registry_node()).kind == NodeKind::Registry);
  CHECK(infra.node(infra.rsu_node(1)).name == "r1");
  CHECK(infra.node(infra.rsu_node(1)).index == 1);
}

TEST_CASE("routes follow the lowest latency and read the same both ways", "[infrastructure]")
{
  Infrastructure infra = Infrastructure::from_config(two_mecs());
  auto r0 = infra.rsu_node(0), r1 = infra.rsu_node(1);

  // r0 -> r1: 1 + 2 + 1 ms through the MEC mesh, not 1 + 15 + 15 + 1 ms through the cloud.
  CHECK(names(infra, infra.route(r0, r1)) == std::vector<std::string>{"r0-m0", "m0-m1", "r1-m1"});
  CHECK(names(infra, infra.route(r1, r0)) == std::vector<std::string>{"r1-m1", "m0-m1", "r0-m0"});
  CHECK(infra.route_latency(r0, r1) == Approx(0.004));
  CHECK(infra.route_latency(r1, r0) == Approx(0.004));
  CHECK(infra.route_latency(r0, infra.site_node(2)) == Approx(0.016));
  CHECK(infra.route(r0, r0).empty());
  CHECK(infra.route_latency(r0, r0) == 0);
  // registry -> cloud: through m0 or m1, 20 + 15 ms and 2 hops either way; m0 has the lower vertex index.
  CHECK(names(infra, infra.route(infra.registry_node(), infra.site_node(2))) ==
        std::vector<std::string>{"registry-m0", "m0-cloud"});
}

TEST_CASE("equal latencies: fewer hops win even when the float sums differ", "[infrastructure]")
{
  // In doubles 0.7 + 0.1 = 0.7999999999999999 < 0.8: compared in picoseconds both are 0.8 s, so the direct
  // link (1 hop) wins over the two-hop path through the router.
  auto cfg = TinyInfra()
                 .mec("m0", 0, 0)
                 .mec("m1", 10, 0)
                 .router("x")
                 .link("m0", "x", 1e9, 0.7)
                 .link("x", "m1", 1e9, 0.1)
                 .link("m0", "m1", 1e9, 0.8)
                 .link("m1", "cloud", 1e9, 0.01)
                 .build();
  REQUIRE(0.7 + 0.1 < 0.8);
  Infrastructure infra = Infrastructure::from_config(cfg);
  CHECK(names(infra, infra.route(infra.site_node(0), infra.site_node(1))) == std::vector<std::string>{"m0-m1"});
}

TEST_CASE("equal latency and hops: the lower vertex index wins, whatever the names", "[infrastructure]")
{
  // Diamond m0 - {rb, ra} - m1; routers get vertices in declaration order, so "rb" has the lower index.
  auto cfg = TinyInfra()
                 .mec("m0", 0, 0)
                 .mec("m1", 10, 0)
                 .router("rb")
                 .router("ra")
                 .link("m0", "ra", 1e9, 0.001)
                 .link("ra", "m1", 1e9, 0.001)
                 .link("m0", "rb", 1e9, 0.001)
                 .link("rb", "m1", 1e9, 0.001)
                 .link("m1", "cloud", 1e9, 0.01)
                 .build();
  Infrastructure infra = Infrastructure::from_config(cfg);
  CHECK(names(infra, infra.route(infra.site_node(0), infra.site_node(1))) ==
        std::vector<std::string>{"m0-rb", "rb-m1"});
  CHECK(names(infra, infra.route(infra.site_node(1), infra.site_node(0))) ==
        std::vector<std::string>{"rb-m1", "m0-rb"});
}

TEST_CASE("without a broker on its site, an RSU and a site use the nearest by route latency", "[infrastructure]")
{
  auto cfg = TinyInfra()
                 .mec("m0", 0, 0)
                 .mec("m1", 1000, 0)
                 .rsu("r0", 0, 0, "m0")
                 .broker("b-cloud", "cloud")
                 .broker("b-m1", "m1")
                 .build();
  Infrastructure infra = Infrastructure::from_config(cfg);
  // r0 -> m1: 1 + 2 ms; r0 -> cloud: 1 + 15 ms.
  CHECK(infra.rsus()[0].broker == 1);
  CHECK(infra.broker_of_site(0) == 1); // m0 -> m1 2 ms, m0 -> cloud 15 ms
  CHECK(infra.broker_of_site(1) == 1);
  CHECK(infra.broker_of_site(2) == 0);
}

TEST_CASE("an RSU without a MEC goes to the nearest one", "[infrastructure]")
{
  InfrastructureConfig cfg = two_mecs();
  cfg.rsus[1].mec.clear();
  cfg.rsus[1].x_m = 600; // nearer m1 (400 m) than m0 (600 m)
  Infrastructure infra = Infrastructure::from_config(cfg);
  CHECK(infra.rsus()[1].site == 1);
}

TEST_CASE("links get unique names, registry links one per MEC", "[infrastructure]")
{
  auto cfg = TinyInfra().mec("m0", 0, 0).mec("m1", 10, 0).build();
  cfg.links.push_back(LinkConfig{"m0", "m1", 1e9, 0.005}); // a second, parallel m0-m1 link
  Infrastructure infra = Infrastructure::from_config(cfg);
  std::vector<std::string> all;
  for (auto [e, end] = boost::edges(infra.graph()); e != end; ++e)
    all.push_back(infra.link(*e).name);
  std::sort(all.begin(), all.end());
  CHECK(all == std::vector<std::string>{"m0-cloud", "m0-m1", "m0-m1#3", "m1-cloud", "registry-m0", "registry-m1"});
  // The faster of the parallel links carries the route (2 ms default mesh link against 5 ms).
  CHECK(infra.route_latency(infra.site_node(0), infra.site_node(1)) == Approx(0.002));
}

TEST_CASE("an isolated router is allowed but unreachable", "[infrastructure]")
{
  auto cfg = TinyInfra().mec("m0", 0, 0).router("spare").build();
  Infrastructure infra = Infrastructure::from_config(cfg);
  Infrastructure::Node spare = infra.node_count() - 1;
  REQUIRE(infra.node(spare).name == "spare");
  CHECK(infra.route(infra.site_node(0), spare).empty());
  CHECK(std::isinf(infra.route_latency(infra.site_node(0), spare)));
}

TEST_CASE("bad infrastructures are InputErrors naming the field", "[infrastructure][errors]")
{
  InfrastructureConfig cfg = two_mecs();
  // Default links in TinyInfra order: [0] r0-m0, [1] r1-m1, [2] m0-m1, [3] m0-cloud, [4] m1-cloud.
  REQUIRE(error_field(cfg).empty());

  SECTION("link to an unknown node")
  {
    cfg.links[3].to = "nowhere";
    CHECK(error_field(cfg) == "infrastructure.link[3].to");
  }
  SECTION("link from an unknown node")
  {
    cfg.links[0].from = "registry"; // the registry's links are implicit
    CHECK(error_field(cfg) == "infrastructure.link[0].from");
  }
  SECTION("link to itself")
  {
    cfg.links[2].to = "m0";
    CHECK(error_field(cfg) == "infrastructure.link[2].to");
  }
  SECTION("zero bandwidth")
  {
    cfg.links[1].bandwidth_bps = 0;
    CHECK(error_field(cfg) == "infrastructure.link[1].bandwidth_bps");
  }
  SECTION("negative latency")
  {
    cfg.links[4].latency_s = -0.001;
    CHECK(error_field(cfg) == "infrastructure.link[4].latency_s");
  }
  SECTION("a name used twice")
  {
    cfg.rsus[1].id = "m1";
    CHECK(error_field(cfg) == "infrastructure.rsu[1].id");
  }
  SECTION("a reserved name")
  {
    cfg.mecs[0].id = "registry";
    CHECK(error_field(cfg) == "infrastructure.mec[0].id");
  }
  SECTION("a name clashing with a cell host")
  {
    cfg.routers.push_back("r0.cell");
    CHECK(error_field(cfg) == "infrastructure.rsu[0].id (the host of its cell)");
  }
  SECTION("an RSU's unknown MEC")
  {
    cfg.rsus[0].mec = "m7";
    CHECK(error_field(cfg) == "infrastructure.rsu[0].mec");
  }
  SECTION("a cell without capacity")
  {
    cfg.rsus[1].cell_capacity_bps = 0;
    CHECK(error_field(cfg) == "infrastructure.rsu[1].cell_capacity_bps");
  }
  SECTION("a MEC without cores")
  {
    cfg.mecs[1].cores = 0;
    CHECK(error_field(cfg) == "infrastructure.mec[1].cores");
  }
  SECTION("a broker on an unknown site")
  {
    cfg.brokers[2].site = "moon";
    CHECK(error_field(cfg) == "infrastructure.broker[2].site");
  }
  SECTION("two brokers with one id")
  {
    cfg.brokers[1].id = cfg.brokers[0].id;
    CHECK(error_field(cfg) == "infrastructure.broker[1].id");
  }
  SECTION("no broker")
  {
    cfg.brokers.clear();
    CHECK(error_field(cfg) == "infrastructure.broker");
  }
  SECTION("registry without bandwidth")
  {
    cfg.image_registry_bandwidth_bps = 0;
    CHECK(error_field(cfg) == "infrastructure.image_registry_bandwidth_bps");
  }
  SECTION("an RSU cut off")
  {
    cfg.links.erase(cfg.links.begin() + 1); // r1-m1
    CHECK(error_field(cfg) == "infrastructure.rsu[1].id");
  }
  SECTION("a MEC cut off")
  {
    cfg.links.erase(cfg.links.begin() + 4); // m1-cloud
    cfg.links.erase(cfg.links.begin() + 2); // m0-m1
    CHECK(error_field(cfg) == "infrastructure.mec[1].id");
  }
  SECTION("the cloud cut off")
  {
    cfg.links.erase(cfg.links.begin() + 3, cfg.links.end());
    CHECK(error_field(cfg) == "infrastructure.cloud");
  }
}

TEST_CASE("the error message carries the field and the value", "[infrastructure][errors]")
{
  InfrastructureConfig cfg = two_mecs();
  cfg.links[3].to = "nowhere";
  try {
    Infrastructure::from_config(cfg);
    FAIL("accepted a link to an unknown node");
  } catch (const InputError& e) {
    CHECK(e.value() == "nowhere");
    CHECK(std::string(e.what()).find("infrastructure.link[3].to") != std::string::npos);
  }
}
