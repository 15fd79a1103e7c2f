// The SimGrid platform, built in code and loaded from XML: transfer times against hand computations, and the
// network-model flags those exact times need. One engine per test case (each case is its own process).
//
// What the flags do in SimGrid 3.32's CM02 model (src/kernel/resource/models/network_cm02.cpp):
// - network/model:CM02 sets latency-factor 1, bandwidth-factor 1 and weight-S 0 (LV08, the default, multiplies
//   latencies by 13.01 and bandwidths by 0.97).
// - network/crosstraffic (default 1) adds every flow to the links of the reverse route with weight 0.05; with
//   symmetrical routes those are the same links, so a lone flow gets bandwidth / 1.05.
// - network/TCP-gamma (default 4194304) bounds each flow's rate by gamma / (2 * route latency): 1.05 GB/s on a
//   2 ms route, less than a 10 Gb/s MEC link. 0 removes the bound.
// So exact "latency + size / bandwidth" needs all three: --cfg=network/model:CM02 --cfg=network/crosstraffic:0
// --cfg=network/TCP-gamma:0.
#include "config/loader.hpp"
#include "core/error.hpp"
#include "migration/registry.hpp"
#include "proto/scenario_defaults.hpp"
#include "support/temp_dir.hpp"
#include "support/test_engine.hpp"
#include "support/tiny_infra.hpp"
#include "topology/network_view.hpp"
#include "topology/platform.hpp"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <unistd.h>
#include <vector>

using namespace v2x;
using v2x::test::kExactFlags;
using v2x::test::TestEngine;
using v2x::test::TinyInfra;

namespace {

const std::string kSmallXml = std::string(V2X_TEST_DATA) + "/../../platforms/small.xml";


struct Transfer {
  sg4::Host* from;
  sg4::Host* to;
  std::uint64_t bytes;
};

/// Starts all transfers at time 0, runs the simulation, returns when each one ended.
std::vector<double> run_transfers(sg4::Engine& engine, const std::vector<Transfer>& transfers)
{
  std::vector<double> ends(transfers.size(), -1);
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    const Transfer t = transfers[i];
    sg4::Actor::create("transfer-" + std::to_string(i), t.from, [t, &ends, i] {
      sg4::Comm::sendto(t.from, t.to, t.bytes);
      ends[i] = sg4::Engine::get_clock();
    });
  }
  engine.run();
  return ends;
}

/// One MEC, one RSU: cell 1 MB/s and 2 ms, RSU-MEC link 100 MB/s and 1 ms.
InfrastructureConfig one_cell()
{
  return TinyInfra()
      .mec("m0", 0, 0)
      .rsu("r0", 0, 0, "m0")
      .cell_capacity(1e6)
      .cell_latency(0.002)
      .rsu_link(1e8, 0.001)
      .build();
}

std::vector<std::string> link_names(sg4::Host* from, sg4::Host* to)
{
  std::vector<sg4::Link*> links;
  double latency = 0;
  from->route_to(to, links, &latency);
  std::vector<std::string> names;
  for (const sg4::Link* l : links)
    names.push_back(l->get_name());
  return names;
}

/// The infrastructure of platforms/small.xml, as a scenario would describe it (default backhaul figures).
InfrastructureConfig small_as_config()
{
  return TinyInfra()
      .mec("m0", 0, 0)
      .mec("m1", 1000, 0)
      .rsu("r0", -250, 0, "m0")
      .rsu("r1", 250, 0, "m0")
      .rsu("r2", 750, 0, "m1")
      .rsu("r3", 1250, 0, "m1")
      .build();
}

/// This process's directory of written platforms, removed at exit.
const std::filesystem::path& scratch_dir()
{
  struct Scratch {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("v2x-test-platform-" + std::to_string(::getpid()));
    ~Scratch()
    {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static const Scratch scratch;
  return scratch.dir;
}

/// Writes an XML platform into a fresh temporary file and returns its path.
std::string write_platform(const std::string& name, const std::string& hosts_and_routes)
{
  const auto& dir = scratch_dir();
  std::filesystem::create_directories(dir);
  auto file = dir / name;
  std::ofstream out(file);
  out << "<?xml version=\"1.0\"?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
      << "<platform version=\"4.1\"><zone id=\"z\" routing=\"Full\">\n"
      << hosts_and_routes << "\n</zone></platform>\n";
  return file.string();
}

/// A minimal valid platform body (one MEC, one RSU with its cell, cloud, registry), with `rsu_props` and
/// `cell_props` as the v2x.* properties of the RSU and the cell host (after their v2x.role).
std::string tiny_body(const std::string& rsu_props, const std::string& cell_props)
{
  return R"(<host id="m0" speed="1Gf" core="4"><prop id="v2x.role" value="mec"/><prop id="v2x.x" value="0"/>
<prop id="v2x.y" value="0"/></host>
<host id="cloud" speed="1Gf"><prop id="v2x.role" value="cloud"/></host>
<host id="registry" speed="1Gf"><prop id="v2x.role" value="registry"/></host>
<host id="r0" speed="1Gf"><prop id="v2x.role" value="rsu"/>)" +
         rsu_props + R"(</host>
<host id="r0.cell" speed="1Gf"><prop id="v2x.role" value="cell"/>)" +
         cell_props + R"(</host>
<link id="r0.cell" bandwidth="1MBps" latency="2ms"/><link id="r0-m0" bandwidth="100MBps" latency="1ms"/>
<link id="m0-cloud" bandwidth="100MBps" latency="10ms"/><link id="registry-m0" bandwidth="10MBps" latency="20ms"/>
<route src="r0.cell" dst="r0"><link_ctn id="r0.cell"/></route>
<route src="r0.cell" dst="m0"><link_ctn id="r0.cell"/><link_ctn id="r0-m0"/></route>
<route src="r0.cell" dst="cloud"><link_ctn id="r0.cell"/><link_ctn id="r0-m0"/><link_ctn id="m0-cloud"/></route>
<route src="r0" dst="m0"><link_ctn id="r0-m0"/></route>
<route src="r0" dst="cloud"><link_ctn id="r0-m0"/><link_ctn id="m0-cloud"/></route>
<route src="m0" dst="cloud"><link_ctn id="m0-cloud"/></route>
<route src="m0" dst="registry"><link_ctn id="registry-m0"/></route>
<route src="cloud" dst="registry"><link_ctn id="m0-cloud"/><link_ctn id="registry-m0"/></route>)";
}

const std::string kGoodRsuProps = R"(<prop id="v2x.x" value="0"/><prop id="v2x.y" value="0"/>
<prop id="v2x.mec" value="m0"/>)";
const std::string kGoodCellProps = R"(<prop id="v2x.rsu" value="r0"/>)";

/// Loads `xml` expecting an InputError; returns it.
InputError load_error(const std::string& xml)
{
  TestEngine engine(kExactFlags);
  try {
    Platform::load(xml, schema_defaults().infrastructure, *engine);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("Platform::load accepted " << xml);
  throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("cell to MEC transfer takes the latency sum plus size over the narrowest bandwidth", "[platform]")
{
  TestEngine engine(kExactFlags);
  Infrastructure infra = Infrastructure::from_config(one_cell());
  Platform p = Platform::build(infra, *engine);
  auto ends = run_transfers(*engine, {{p.cell_host(0), p.site_host(0), 100000}});
  // 2 ms cell + 1 ms backhaul, then 1e5 B at min(1e6, 1e8) B/s = 0.1 s.
  CHECK(ends[0] == Approx(0.002 + 0.001 + 1e5 / 1e6).epsilon(1e-9));
}

TEST_CASE("two concurrent transfers through one cell share it: twice the bandwidth part", "[platform]")
{
  TestEngine engine(kExactFlags);
  Infrastructure infra = Infrastructure::from_config(one_cell());
  Platform p = Platform::build(infra, *engine);
  auto ends =
      run_transfers(*engine, {{p.cell_host(0), p.site_host(0), 100000}, {p.cell_host(0), p.site_host(0), 100000}});
  // Each gets 0.5e6 B/s of the cell: 3 ms + 1e5 / 0.5e6 = 0.203 s, both.
  CHECK(ends[0] == Approx(0.003 + 2 * 1e5 / 1e6).epsilon(1e-9));
  CHECK(ends[1] == Approx(0.003 + 2 * 1e5 / 1e6).epsilon(1e-9));
}

TEST_CASE("CM02 alone keeps cross-traffic: a lone flow gets bandwidth / 1.05", "[platform][model]")
{
  TestEngine engine({"--cfg=network/model:CM02"});
  Infrastructure infra = Infrastructure::from_config(one_cell());
  Platform p = Platform::build(infra, *engine);
  auto ends = run_transfers(*engine, {{p.cell_host(0), p.site_host(0), 100000}});
  // The reverse route (same links) carries 5 % of the flow: 1e5 B at 1e6 / 1.05 B/s.
  CHECK(ends[0] == Approx(0.003 + 1e5 * 1.05 / 1e6).epsilon(1e-9));
}

TEST_CASE("TCP-gamma bounds a fast flow on a short route unless set to 0", "[platform][model]")
{
  // MEC to MEC: 10 Gb/s = 1.25e9 B/s, 2 ms. 1.25e8 B.
  auto cfg = TinyInfra().mec("m0", 0, 0).mec("m1", 1000, 0).mec_link(1.25e9, 0.002).build();
  // Default gamma 4194304: rate bound 4194304 / (2 * 0.002) = 1.048576e9 B/s < 1.25e9.
  TestEngine engine({"--cfg=network/model:CM02", "--cfg=network/crosstraffic:0"});
  Platform p = Platform::build(Infrastructure::from_config(cfg), *engine);
  auto ends = run_transfers(*engine, {{p.site_host(0), p.site_host(1), 125000000}});
  CHECK(ends[0] == Approx(0.002 + 1.25e8 / (4194304 / (2 * 0.002))).epsilon(1e-9));
}

TEST_CASE("TCP-gamma 0: the MEC link's full bandwidth", "[platform][model]")
{
  auto cfg = TinyInfra().mec("m0", 0, 0).mec("m1", 1000, 0).mec_link(1.25e9, 0.002).build();
  TestEngine engine(kExactFlags);
  Platform p = Platform::build(Infrastructure::from_config(cfg), *engine);
  auto ends = run_transfers(*engine, {{p.site_host(0), p.site_host(1), 125000000}});
  CHECK(ends[0] == Approx(0.002 + 1.25e8 / 1.25e9).epsilon(1e-9));
}

TEST_CASE("built platform has the hosts and routes and brokers and backhaul latencies of the graph", "[platform]")
{
  TestEngine engine(kExactFlags);
  Infrastructure infra = Infrastructure::from_config(small_as_config());
  Platform p = Platform::build(infra, *engine);

  CHECK((*engine).get_host_count() == 4 * 2 + 3 + 1); // RSUs and cells, m0 m1 cloud, registry
  CHECK(p.rsu_host(2)->get_name() == "r2");
  CHECK(p.cell_host(2)->get_name() == "r2.cell");
  CHECK(p.site_host(1)->get_name() == "m1");
  CHECK(p.site_host(0)->get_core_count() == 16);   // MecConfig default
  CHECK(p.site_host(2)->get_core_count() == 1024); // CloudConfig default
  CHECK(p.site_host(0)->get_speed() == 1e9);
  CHECK(p.control_host() == p.site_host(infra.cloud()));
  CHECK(p.registry_host()->get_name() == "registry");
  REQUIRE(infra.brokers().size() == 3);
  CHECK(p.broker_host(1) == p.site_host(1));

  CHECK(link_names(p.cell_host(0), p.site_host(1)) == std::vector<std::string>{"r0.cell", "r0-m0", "m0-m1"});
  CHECK(link_names(p.site_host(1), p.cell_host(0)) == std::vector<std::string>{"m0-m1", "r0-m0", "r0.cell"});
  CHECK(link_names(p.cell_host(3), p.rsu_host(3)) == std::vector<std::string>{"r3.cell"});
  CHECK(link_names(p.registry_host(), p.site_host(2)) == std::vector<std::string>{"registry-m0", "m0-cloud"});
  CHECK(p.cell_host(0)->get_property("v2x.role") == nullptr); // properties only come with XML platforms

  // Every RSU -> site route in SimGrid is the graph's route.
  for (RsuId r = 0; r < infra.rsus().size(); ++r)
    for (SiteId s = 0; s < infra.sites().size(); ++s) {
      std::vector<std::string> expected;
      for (auto e : infra.route(infra.rsu_node(r), infra.site_node(s)))
        expected.push_back(infra.link(e).name);
      CHECK(link_names(p.rsu_host(r), p.site_host(s)) == expected);
      CHECK(p.rsu_site_latency(r, s) == Approx(infra.route_latency(infra.rsu_node(r), infra.site_node(s))));
    }

  // r0 -> m1: 1 ms (RSU link) + 2 ms (MEC mesh); r3 -> cloud: 1 ms + 15 ms.
  CHECK(p.backhaul_latency(0, 1) == Approx(0.003));
  CHECK(p.backhaul_latency(3, 2) == Approx(0.016));
  CHECK(p.cell_latency(0) == 0.002);
}

TEST_CASE("platforms/small.xml loads into the same infrastructure and timings as the built one", "[platform][xml]")
{
  TestEngine engine(kExactFlags);
  auto [infra, p] = Platform::load(kSmallXml, schema_defaults().infrastructure, *engine);

  REQUIRE(infra.sites().size() == 3);
  CHECK(infra.sites()[0].name == "m0");
  CHECK(infra.sites()[1].name == "m1");
  CHECK(infra.sites()[2].name == "cloud");
  CHECK(infra.sites()[2].is_cloud);
  CHECK(infra.sites()[0].cores == 16);
  CHECK(infra.sites()[2].cores == 1024);
  CHECK(infra.sites()[1].x_m == 1000);
  REQUIRE(infra.rsus().size() == 4);
  CHECK(infra.rsus()[2].name == "r2");
  CHECK(infra.rsus()[2].site == 1);
  CHECK(infra.rsus()[2].capacity_bps == 750000);
  CHECK(infra.rsus()[2].cell_latency_s == Approx(0.002));
  CHECK(infra.rsus()[2].radius_m == 300);
  REQUIRE(infra.brokers().size() == 3);
  CHECK(infra.brokers()[1].name == "broker-m1");
  CHECK(infra.rsus()[2].broker == 1);
  CHECK(infra.broker_of_site(infra.cloud()) == 2);
  CHECK(p.control_host()->get_name() == "cloud");
  CHECK(p.cell_host(1)->get_name() == "r1.cell");

  // The derived graph: sites, registry, RSUs and no junction (every link end is a host); one edge per link.
  CHECK(infra.node_count() == 3 + 1 + 4);
  CHECK(boost::num_edges(infra.graph()) == 4 + 1 + 2 + 2);
  CHECK(infra.route_latency(infra.rsu_node(0), infra.site_node(1)) == Approx(0.003));
  CHECK(p.backhaul_latency(0, 1) == Approx(0.003));
  CHECK(p.backhaul_latency(3, 2) == Approx(0.016));

  // r0's cell to m1: 2 + 1 + 2 ms, then 1e5 B at the cell's 750000 B/s.
  auto ends = run_transfers(*engine, {{p.cell_host(0), p.site_host(1), 100000}});
  CHECK(ends[0] == Approx(0.005 + 1e5 / 750000).epsilon(1e-9));
}

TEST_CASE("the built twin of small.xml gives the same transfer time", "[platform][xml]")
{
  TestEngine engine(kExactFlags);
  Platform p = Platform::build(Infrastructure::from_config(small_as_config()), *engine);
  auto ends = run_transfers(*engine, {{p.cell_host(0), p.site_host(1), 100000}});
  CHECK(ends[0] == Approx(0.005 + 1e5 / 750000).epsilon(1e-9));
}

TEST_CASE("XML platform: scenario values fill missing site properties", "[platform][xml]")
{
  TestEngine engine(kExactFlags);
  InfrastructureConfig defaults = schema_defaults().infrastructure;
  MecConfig m0 = schema_mec();
  m0.id = "m0";
  m0.memory_mb = 1234;
  defaults.mecs.push_back(m0);
  defaults.cloud.pod_slots = 77;
  auto xml = write_platform("defaults.xml", tiny_body(kGoodRsuProps, kGoodCellProps));
  auto [infra, p] = Platform::load(xml, defaults, *engine);
  CHECK(infra.sites()[0].memory_mb == 1234);  // from the scenario's MEC of that name
  CHECK(infra.sites()[0].cores == 4);         // the host's core attribute
  CHECK(infra.sites()[1].pod_slots == 77);    // from the scenario's cloud
  CHECK(infra.rsus()[0].capacity_bps == 1e6); // the cell link
  CHECK(infra.rsus()[0].radius_m == schema_rsu().cell_radius_m);
}

TEST_CASE("XML platform: a point on routes that is no host becomes a junction vertex", "[platform][xml]")
{
  // r0 reaches m0 through a router-like point between links r0-x and x-m0.
  std::string body = tiny_body(kGoodRsuProps, kGoodCellProps);
  auto replace_all = [&body](const std::string& from, const std::string& to) {
    for (auto at = body.find(from); at != std::string::npos; at = body.find(from, at + to.size()))
      body.replace(at, from.size(), to);
  };
  replace_all(
      R"(<link id="r0-m0" bandwidth="100MBps" latency="1ms"/>)",
      R"(<link id="r0-x" bandwidth="100MBps" latency="1ms"/><link id="x-m0" bandwidth="50MBps" latency="3ms"/>)");
  replace_all(R"(<link_ctn id="r0-m0"/>)", R"(<link_ctn id="r0-x"/><link_ctn id="x-m0"/>)");
  TestEngine engine(kExactFlags);
  auto [infra, p] = Platform::load(write_platform("junction.xml", body), schema_defaults().infrastructure, *engine);
  // m0, cloud, registry, r0, and one junction; edges r0-x, x-m0, m0-cloud, registry-m0.
  REQUIRE(infra.node_count() == 5);
  CHECK(infra.node(4).name == "junction:r0-x|x-m0");
  CHECK(infra.node(4).kind == NodeKind::Router);
  CHECK(boost::num_edges(infra.graph()) == 4);
  CHECK(infra.route_latency(infra.rsu_node(0), infra.site_node(1)) == Approx(0.001 + 0.003 + 0.010));
  CHECK(p.backhaul_latency(0, 0) == Approx(0.004));
  // The cell's transfer to m0: 2 + 1 + 3 ms, then 1e5 B at the cell's 1 MB/s (1MBps = 1e6 B/s).
  auto ends = run_transfers(*engine, {{p.cell_host(0), p.site_host(0), 100000}});
  CHECK(ends[0] == Approx(0.006 + 0.1).epsilon(1e-9));
}

TEST_CASE("XML platform: a host without v2x.role is an InputError naming file and host", "[platform][xml]")
{
  auto xml =
      write_platform("norole.xml", R"(<host id="stray" speed="1Gf"/>)" + tiny_body(kGoodRsuProps, kGoodCellProps));
  InputError e = load_error(xml);
  CHECK(e.where().file == xml);
  CHECK(e.field() == "host stray, property v2x.role");
}

TEST_CASE("XML platform: an RSU naming an unknown MEC is an InputError", "[platform][xml]")
{
  auto xml = write_platform("unknown-mec.xml", tiny_body(R"(<prop id="v2x.x" value="0"/><prop id="v2x.y" value="0"/>
<prop id="v2x.mec" value="m9"/>)",
                                                         kGoodCellProps));
  InputError e = load_error(xml);
  CHECK(e.where().file == xml);
  CHECK(e.field() == "host r0, property v2x.mec");
  CHECK(e.value() == "m9");
}

TEST_CASE("XML platform: a cell host without its RSU is an InputError", "[platform][xml]")
{
  auto xml = write_platform("cell-no-rsu.xml", tiny_body(kGoodRsuProps, ""));
  InputError e = load_error(xml);
  CHECK(e.field() == "host r0.cell, property v2x.rsu");
}

TEST_CASE("XML platform: a non-numeric coordinate is an InputError", "[platform][xml]")
{
  auto xml = write_platform("nan.xml", tiny_body(R"(<prop id="v2x.x" value="12m"/><prop id="v2x.y" value="0"/>
<prop id="v2x.mec" value="m0"/>)",
                                                 kGoodCellProps));
  InputError e = load_error(xml);
  CHECK(e.field() == "host r0, property v2x.x");
  CHECK(e.value() == "12m");
  CHECK(std::string(e.what()).find(xml) != std::string::npos);
}

TEST_CASE("XML platform: a capacity that contradicts the cell link is an InputError", "[platform][xml]")
{
  auto xml = write_platform("capacity.xml",
                            tiny_body(kGoodRsuProps + R"(<prop id="v2x.capacity" value="5e5"/>)", kGoodCellProps));
  InputError e = load_error(xml);
  CHECK(e.field() == "host r0, property v2x.capacity");
}

TEST_CASE("XML platform: a missing route to a site is an InputError", "[platform][xml]")
{
  std::string body = tiny_body(kGoodRsuProps, kGoodCellProps);
  const std::string route = R"(<route src="r0" dst="cloud"><link_ctn id="r0-m0"/><link_ctn id="m0-cloud"/></route>)";
  body.erase(body.find(route), route.size());
  InputError e = load_error(write_platform("noroute.xml", body));
  CHECK(e.field() == "host r0, property v2x.role");
  CHECK(std::string(e.what()).find("no route to host cloud") != std::string::npos);
}

TEST_CASE("XML platform: a file SimGrid cannot parse is an InputError naming it", "[platform][xml]")
{
  // A host after the routes breaks SimGrid's DTD.
  auto xml = write_platform("order.xml", tiny_body(kGoodRsuProps, kGoodCellProps) + R"(<host id="late" speed="1Gf"/>)");
  InputError e = load_error(xml);
  CHECK(e.where().file == xml);
  CHECK(std::string(e.what()).find("invalid SimGrid platform") != std::string::npos);
}

TEST_CASE("XML platform: a missing file is an InputError", "[platform][xml]")
{
  InputError e = load_error("/nonexistent/platform.xml");
  CHECK(e.where().file == "/nonexistent/platform.xml");
}

// ---- the zone hierarchy against the infrastructure graph ----
//
// Every route between hosts that exchange traffic, as SimGrid resolves it through the zone hierarchy
// (Host::route_to), must be the infrastructure graph's shortest path link for link (Infrastructure::route, its
// own Dijkstra), with the same latency; and the NetworkView (the telemetry plane's route cache) must hand out
// the same routes. The pairs: a cell and an RSU to the sites (uplink to the broker, and the latency table the
// latency policy reads), every two sites both ways (bridging, state transfers, fetches, dashboards), the
// registry and every site both ways (image pulls).

namespace {

std::string repo_root()
{
  return std::filesystem::weakly_canonical(std::filesystem::path(V2X_TEST_DATA) / ".." / "..").string();
}

/// The infrastructure of a scenario file, as `v2xsim run` loads it (generated brokers and links included);
/// the trace is replaced by a tiny one (its content does not matter to the platform).
Infrastructure infrastructure_of(const std::string& scenario)
{
  const std::string tiny_trace = repo_root() + "/scenarios/tiny/two_cells.fcd.xml";
  const Scenario s = load_scenario(scenario, {Override{"mobility.trace", tiny_trace}},
                                   KnownNames{policy_names(), mechanism_names()});
  return Infrastructure::from_config(s.infrastructure, scenario);
}

struct RouteCheck {
  std::size_t routes = 0;
  std::size_t mismatched = 0;
  std::string first_mismatch;
};

/// `from` -> `to` in SimGrid against `expected` (graph edges from `from`), plus `prefix` links (the cell).
void check_route(RouteCheck& c, NetworkView& view, sg4::Host* from, sg4::Host* to,
                 const std::vector<const sg4::Link*>& prefix, const std::vector<const LinkProps*>& expected)
{
  ++c.routes;
  std::vector<sg4::Link*> links;
  double latency = 0;
  from->route_to(to, links, &latency);
  std::vector<std::string> got, want;
  for (const sg4::Link* l : links)
    got.push_back(l->get_name());
  double want_latency = 0;
  for (const sg4::Link* l : prefix) {
    want.push_back(l->get_name());
    want_latency += l->get_latency();
  }
  for (const LinkProps* l : expected) {
    want.push_back(l->name);
    want_latency += l->latency_s;
  }
  const NetworkView::Route& cached = view.route(from, to);
  // SimGrid adds the latency of a zone's route before the routes inside its children, so its sum runs in another
  // order than the graph path's: equal within a few ulps (1e-12 relative); the view sums in path order, exactly.
  const bool ok = got == want && cached.links.size() == want.size() &&
                  std::abs(latency - want_latency) <= 1e-12 * want_latency && cached.latency_s == want_latency;
  if (!ok && c.mismatched++ == 0) {
    std::string g, w;
    for (const auto& n : got)
      g += n + " ";
    for (const auto& n : want)
      w += n + " ";
    c.first_mismatch = from->get_name() + " -> " + to->get_name() + ": SimGrid [" + g + "] " +
                       std::to_string(latency) + " s, view " + std::to_string(cached.latency_s) + " s; graph [" + w +
                       "] " + std::to_string(want_latency) + " s";
  }
}

/// Checks the routes of `infra`'s built platform. `all_rsu_sites`: every RSU to every site (else to its broker's
/// site, the cloud and the registry only: the city has 2,500 x 626). `graph_samples`: pairs also checked against
/// Infrastructure::route() itself (one Dijkstra each), the rest against the trees that route() is defined by.
RouteCheck check_platform_routes(const Infrastructure& infra, bool all_rsu_sites)
{
  TestEngine engine(kExactFlags);
  const Platform p = Platform::build(infra, *engine);
  NetworkView view;
  const auto& sites = infra.sites();
  std::vector<Infrastructure::PathTree> trees;  // per site, then the registry
  for (SiteId s = 0; s < sites.size(); ++s)
    trees.push_back(infra.shortest_paths(infra.site_node(s)));
  trees.push_back(infra.shortest_paths(infra.registry_node()));
  // route(a, b) as Infrastructure::route defines it: the tree of the lower vertex, reversed when a is higher.
  auto graph_route = [&](std::size_t ta, Infrastructure::Node a, std::size_t tb, Infrastructure::Node b) {
    const bool a_low = a < b;
    std::vector<Infrastructure::Edge> e = Infrastructure::path_from_root(trees[a_low ? ta : tb], a_low ? b : a);
    if (!a_low)
      std::reverse(e.begin(), e.end());
    std::vector<const LinkProps*> out;
    for (const auto& edge : e)
      out.push_back(&infra.link(edge));
    return out;
  };
  const std::size_t reg = sites.size();
  RouteCheck c;
  for (SiteId a = 0; a < sites.size(); ++a) {
    for (SiteId b = 0; b < sites.size(); ++b)
      if (a != b)
        check_route(c, view, p.site_host(a), p.site_host(b), {},
                    graph_route(a, infra.site_node(a), b, infra.site_node(b)));
    check_route(c, view, p.registry_host(), p.site_host(a), {},
                graph_route(reg, infra.registry_node(), a, infra.site_node(a)));
    check_route(c, view, p.site_host(a), p.registry_host(), {},
                graph_route(a, infra.site_node(a), reg, infra.registry_node()));
  }
  constexpr std::size_t kNoTree = static_cast<std::size_t>(-1);  // RSUs are never the lower vertex of a pair
  for (RsuId r = 0; r < infra.rsus().size(); ++r) {
    const SiteId home = infra.brokers()[infra.rsus()[r].broker].site;
    std::vector<std::size_t> ends;
    for (SiteId s = 0; s < sites.size(); ++s)
      if (all_rsu_sites || s == home || s == infra.cloud())
        ends.push_back(s);
    std::vector<sg4::Link*> cell_links;
    double unused = 0;
    p.cell_host(r)->route_to(p.rsu_host(r), cell_links, &unused);
    REQUIRE(cell_links.size() == 1);
    const std::vector<const sg4::Link*> cell{cell_links[0]};
    for (std::size_t s : ends) {
      const auto up = graph_route(kNoTree, infra.rsu_node(r), s, infra.site_node(static_cast<SiteId>(s)));
      const auto down = graph_route(s, infra.site_node(static_cast<SiteId>(s)), kNoTree, infra.rsu_node(r));
      check_route(c, view, p.rsu_host(r), p.site_host(static_cast<SiteId>(s)), {}, up);
      check_route(c, view, p.site_host(static_cast<SiteId>(s)), p.rsu_host(r), {}, down);
      check_route(c, view, p.cell_host(r), p.site_host(static_cast<SiteId>(s)), cell, up);
      // The latency table the latency policy's threshold reads: summed from the RSU, as the view sums.
      double sum = 0;
      for (const LinkProps* l : up)
        sum += l->latency_s;
      if (p.rsu_site_latency(r, static_cast<SiteId>(s)) != sum && c.mismatched++ == 0)
        c.first_mismatch = "rsu_site_latency(" + infra.rsus()[r].name + ", " + sites[s].name + ")";
    }
    check_route(c, view, p.rsu_host(r), p.registry_host(), {},
                graph_route(kNoTree, infra.rsu_node(r), reg, infra.registry_node()));
  }
  // The shortcut above is Infrastructure::route() itself: a sample of pairs through its own Dijkstra.
  for (SiteId a = 0; a < sites.size(); a += std::max<std::size_t>(1, sites.size() / 7)) {
    const SiteId b = static_cast<SiteId>((a * 5 + 3) % sites.size());
    std::vector<const LinkProps*> direct;
    for (const auto& e : infra.route(infra.site_node(a), infra.site_node(b)))
      direct.push_back(&infra.link(e));
    CHECK((a == b || direct == graph_route(a, infra.site_node(a), b, infra.site_node(b))));
    const RsuId r = static_cast<RsuId>((a * 37) % infra.rsus().size());
    direct.clear();
    for (const auto& e : infra.route(infra.rsu_node(r), infra.site_node(a)))
      direct.push_back(&infra.link(e));
    CHECK(direct == graph_route(kNoTree, infra.rsu_node(r), a, infra.site_node(a)));
  }
  return c;
}

} // namespace

TEST_CASE("zone hierarchy: the default scenario's routes are the graph's shortest paths", "[platform][zones]")
{
  const Infrastructure infra = infrastructure_of(repo_root() + "/scenarios/default.textproto");
  const RouteCheck c = check_platform_routes(infra, true);
  INFO(c.first_mismatch);
  CHECK(c.mismatched == 0);
  // 5 sites: 20 site pairs, 10 registry routes; 9 RSUs x 5 sites x 3 routes + 9 to the registry.
  CHECK(c.routes == 20 + 10 + 9 * 5 * 3 + 9);
}

TEST_CASE("zone hierarchy: a bridged MEC-to-MEC route is the 2 ms MEC link, not a detour", "[platform][zones]")
{
  // The regression of the first hierarchy (commit 57d6b8e): a CAM bridged between two MECs of the default
  // topology took 40 ms instead of 2 ms, because the route cache keyed routes by netpoint ids, which a zone
  // hierarchy repeats in every zone (each site host was point 0 of its own zone, like the registry host).
  const Infrastructure infra = infrastructure_of(repo_root() + "/scenarios/default.textproto");
  TestEngine engine(kExactFlags);
  const Platform p = Platform::build(infra, *engine);
  NetworkView view;
  const double pull = view.route(p.registry_host(), p.site_host(0)).latency_s;  // cached first, as in a run
  CHECK(pull == Approx(infra.route_latency(infra.registry_node(), infra.site_node(0))));
  CHECK(view.route(p.site_host(0), p.site_host(1)).latency_s == Approx(0.002).epsilon(1e-12));  // mec_link default
  CHECK(link_names(p.site_host(0), p.site_host(1)) == std::vector<std::string>{"mec_sw-mec_se"});
}

namespace {
void check_bench_routes(const std::string& n, bool all_rsu_sites)
{
  const Infrastructure infra = infrastructure_of(repo_root() + "/scenarios/bench/bench_" + n + ".textproto");
  const RouteCheck c = check_platform_routes(infra, all_rsu_sites);
  INFO("bench_" << n << ": " << c.first_mismatch);
  CHECK(c.routes > infra.rsus().size() * 7);
  CHECK(c.mismatched == 0);
}
} // namespace

// One case per topology: one SimGrid engine per process.
TEST_CASE("zone hierarchy: bench_100's routes are the graph's shortest paths", "[platform][zones]")
{
  check_bench_routes("100", true);
}

TEST_CASE("zone hierarchy: bench_1000's routes are the graph's shortest paths", "[platform][zones]")
{
  check_bench_routes("1000", true);
}

TEST_CASE("zone hierarchy: bench_5000's routes are the graph's shortest paths", "[platform][zones]")
{
  check_bench_routes("5000", false);
}

TEST_CASE("zone hierarchy: the city topology's routes are the graph's shortest paths", "[platform][zones][city]")
{
  // The bench's city (tools/make_city_scenario.py, as tools/bench.sh calls it but with one vehicle and 1 s:
  // the trace does not matter here): 2,500 RSUs, 625 MECs.
  v2x::test::TempDir dir("platform_city");
  const std::string cmd = "/usr/bin/python3 " + repo_root() + "/tools/make_city_scenario.py --out-dir " +
                          dir.dir.string() + " --vehicles 1 --duration 1 > /dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const Infrastructure infra = infrastructure_of((dir.dir / "city.textproto").string());
  REQUIRE(infra.rsus().size() == 2500);
  REQUIRE(infra.sites().size() == 626);
  const RouteCheck c = check_platform_routes(infra, false);
  INFO(c.first_mismatch);
  CHECK(c.mismatched == 0);
  // 626 x 625 site pairs, 2 x 626 registry routes; 2,500 RSUs x (3 routes to their site and the cloud + 1).
  CHECK(c.routes == 626 * 625 + 2 * 626 + 2500 * (2 * 3 + 1));
}
