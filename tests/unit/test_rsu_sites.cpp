// RSU sites for a user's own trace (CSV file or grid over the trace's area), their placement into a scenario
// (cell parameters, nearest MEC, backhaul links, warnings), and the one-pass trace statistics behind
// `v2xsim trace info`.
#include "support/temp_dir.hpp"
#include "core/error.hpp"
#include "proto/scenario_defaults.hpp"
#include "mobility/cell_index.hpp"
#include "mobility/rsu_sites.hpp"
#include "mobility/trace_stats.hpp"

#include <catch2/catch.hpp>
#include "support/skip.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace fs = std::filesystem;
using namespace v2x;

namespace {

const std::string kTraces = std::string(V2X_TEST_DATA) + "/traces/";

struct TempDir : v2x::test::TempDir {
  TempDir() : v2x::test::TempDir("rsu_test") {}
};

InputError sites_error(const std::string& path)
{
  try {
    read_rsu_sites(path);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("no InputError for " << path);
  throw std::logic_error("unreachable");
}

// The default scenario's infrastructure (scenarios/default.textproto): nine RSUs of radius 480 m on a 3 x 3
// grid, four MECs at the quadrant centres, the loader's generated star backhaul.
InfrastructureConfig default_like()
{
  InfrastructureConfig inf = schema_defaults().infrastructure;
  const double p[] = {333.3, 1000, 1666.7};
  const char* mec_of[3][3] = {{"mec_sw", "mec_se", "mec_se"}, {"mec_sw", "mec_sw", "mec_ne"},
                              {"mec_nw", "mec_nw", "mec_ne"}};
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 3; ++i) {
      RsuConfig r = schema_rsu();
      r.id = "rsu_" + std::to_string(i) + std::to_string(j);
      r.x_m = p[i];
      r.y_m = p[j];
      r.cell_radius_m = 480;
      r.mec = mec_of[j][i];
      inf.rsus.push_back(r);
    }
  for (auto [id, x, y] : {std::tuple{"mec_sw", 500.0, 500.0}, std::tuple{"mec_se", 1500.0, 500.0},
                          std::tuple{"mec_nw", 500.0, 1500.0}, std::tuple{"mec_ne", 1500.0, 1500.0}}) {
    MecConfig m = schema_mec();
    m.id = id;
    m.x_m = x;
    m.y_m = y;
    inf.mecs.push_back(m);
  }
  for (const RsuConfig& r : inf.rsus)
    inf.links.push_back(LinkConfig{r.id, r.mec, inf.rsu_link_bandwidth_bps, inf.rsu_link_latency_s});
  for (std::size_t i = 0; i < inf.mecs.size(); ++i)
    for (std::size_t j = i + 1; j < inf.mecs.size(); ++j)
      inf.links.push_back(LinkConfig{inf.mecs[i].id, inf.mecs[j].id, 1.25e9, 0.002});
  for (const MecConfig& m : inf.mecs)
    inf.links.push_back(LinkConfig{m.id, "cloud", 125e6, 0.015});
  return inf;
}

std::string shared_dir()
{
  for (const std::string& d : {std::string("/work/shared/data/"), std::string(V2X_TEST_DATA) + "/../../../shared/data/"})
    if (fs::exists(d + "bologna_pasubio_tls_junctions.csv"))
      return d;
  return {};
}

} // namespace

TEST_CASE("RSU sites CSV: id,x,y as written, junction_id,x,y,lon,lat prefixed, comments and blanks skipped", "[rsu]")
{
  TempDir tmp;
  auto plain = read_rsu_sites(tmp.write("plain.csv", "# my RSUs\nid,x,y\n\nnorth, 10.5 ,-3\n\"south\",0,1e3\r\n"));
  REQUIRE(plain.size() == 2);
  CHECK(plain[0].id == "north");
  CHECK(plain[0].x_m == 10.5);
  CHECK(plain[0].y_m == -3.0);
  CHECK(plain[0].line == 4);
  CHECK(plain[1].id == "south");
  CHECK(plain[1].y_m == 1000.0);
  CHECK(plain[1].line == 5);

  // The shared Bologna junctions file's form (first rows of bologna_pasubio_tls_junctions.csv).
  auto junctions = read_rsu_sites(tmp.write("j.csv", "junction_id,x,y,lon,lat\n0,403.54,415.47,11.309491,44.498834\n"
                                                     "a9,813.73,977.37,11.314847,44.503784\n"));
  REQUIRE(junctions.size() == 2);
  CHECK(junctions[0].id == "junction_0");
  CHECK(junctions[0].x_m == 403.54);
  CHECK(junctions[1].id == "junction_a9");
  CHECK(junctions[1].y_m == 977.37);

  // Semicolons, other column order and names.
  auto semi = read_rsu_sites(tmp.write("s.csv", "Y_M;Name;X_M\n2;r1;1\n"));
  REQUIRE(semi.size() == 1);
  CHECK(semi[0].id == "r1");
  CHECK(semi[0].x_m == 1.0);
  CHECK(semi[0].y_m == 2.0);
}

TEST_CASE("the shared Bologna junctions file gives its 15 signalised junctions", "[rsu][shared]")
{
  const std::string dir = shared_dir();
  if (dir.empty())
    V2X_SKIP("shared data not found (../shared/data beside the repository, or /work/shared/data)");
  auto sites = read_rsu_sites(dir + "bologna_pasubio_tls_junctions.csv");
  // The shared data's README: "the 15 signalised junctions of that network".
  REQUIRE(sites.size() == 15);
  CHECK(sites.front().id == "junction_0");
  CHECK(sites.back().id == "junction_m0");
  CHECK(sites.back().x_m == 375.06);
}

TEST_CASE("bad RSU sites files are InputErrors naming the file, the line and the problem", "[rsu][errors]")
{
  TempDir tmp;
  struct Case {
    const char* name;
    const char* content;
    int line;
    const char* contains;
  };
  const Case cases[] = {
      {"empty.csv", "", 1, "empty"},
      {"comments.csv", "# nothing\n\n", 0, "empty"},
      {"no_y.csv", "id,x,lat\nr,1,2\n", 1, "expected columns id,x,y"},
      {"lon_only.csv", "id,lon,y\nr,11.3,44.5\n", 1, "expected columns id,x,y"},  // id,lon,lat is valid: test_projection.cpp
      {"twice_x.csv", "id,x,x_m,y\nr,1,1,2\n", 1, "two columns"},
      {"header_only.csv", "id,x,y\n", 1, "no RSU site"},
      {"short.csv", "id,x,y\nr0,1,2\nr1,3\n", 3, "fields"},
      {"no_id.csv", "id,x,y\nr0,1,2\n,3,4\n", 3, "missing RSU id"},
      {"no_x.csv", "id,x,y\nr0,,2\n", 2, "missing value"},
      {"text.csv", "id,x,y\nr0,1,north\n", 2, "not a finite number"},
      {"nan.csv", "id,x,y\nr0,nan,2\n", 2, "not a finite number"},
      {"inf.csv", "id,x,y\nr0,1,inf\n", 2, "not a finite number"},
      {"dup.csv", "id,x,y\nr0,1,2\nr1,1,2\n\nr0,5,6\n", 5, "used twice (first on line 2)"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string path = tmp.write(c.name, c.content);
    InputError e = sites_error(path);
    const std::string msg = e.what();
    INFO(msg);
    CHECK(e.where().file == path);
    CHECK(msg.rfind(path, 0) == 0);
    if (c.line > 0)
      CHECK(e.where().line == c.line);
    CHECK(msg.find(c.contains) != std::string::npos);
  }
  CHECK_THROWS_AS(read_rsu_sites(tmp.dir.string() + "/missing.csv"), InputError);
}

TEST_CASE("grid over a box: spacing, centring, ids, and coverage within spacing over sqrt 2", "[rsu]")
{
  BoundingBox box;
  box.add(0, 0);
  box.add(2000, 1000);
  // Hand computation: ceil(2000 / 500) = 4 columns, ceil(1000 / 500) = 2 rows, centred on (1000, 500):
  // x = 1000 + (c - 1.5) * 500 = 250, 750, 1250, 1750; y = 500 + (r - 0.5) * 500 = 250, 750.
  auto g = grid_rsu_sites(box, 500);
  REQUIRE(g.size() == 8);
  CHECK(g[0].id == "grid_0_0");
  CHECK(g[0].x_m == 250.0);
  CHECK(g[0].y_m == 250.0);
  CHECK(g[3].id == "grid_3_0");
  CHECK(g[3].x_m == 1750.0);
  CHECK(g[4].id == "grid_0_1");
  CHECK(g[7].x_m == 1750.0);
  CHECK(g[7].y_m == 750.0);

  // 2000 x 1000 at 700 m: ceil(2.86) = 3 by ceil(1.43) = 2, squares 2100 x 1400 overhanging the box evenly.
  auto h = grid_rsu_sites(box, 700);
  REQUIRE(h.size() == 6);
  CHECK(h[0].x_m == Approx(300.0));
  CHECK(h[0].y_m == Approx(150.0));
  CHECK(h[5].x_m == Approx(1700.0));
  CHECK(h[5].y_m == Approx(850.0));

  // Every point of the box is within spacing / sqrt(2) of a site (the corners of the squares), and points
  // just inside that distance exist: checked with the R-tree cell index against a radius a hair either side.
  const double reach = 700 / std::sqrt(2.0);
  std::vector<Cell> covering, short_of;
  for (const RsuSite& s : h) {
    covering.push_back(Cell{s.x_m, s.y_m, reach * (1 + 1e-9)});
    short_of.push_back(Cell{s.x_m, s.y_m, reach * 0.99});
  }
  const CellIndex full(covering), gappy(short_of);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> ux(0, 2000), uy(0, 1000);
  for (int i = 0; i < 20000; ++i) {
    const double x = ux(rng), y = uy(rng);
    REQUIRE(full.serving(x, y) != kNone);
  }
  // The square corner at (300 - 350, 150 - 350) is outside the box; the inner corner (650, 500) is shared by
  // four squares and is exactly `reach` from each of their sites.
  CHECK(full.serving(650, 500) != kNone);
  CHECK(gappy.serving(650, 500) == kNone);

  // A single point (one vehicle standing still) and a box smaller than one spacing give one site at the centre.
  BoundingBox point;
  point.add(12, 34);
  auto one = grid_rsu_sites(point, 300);
  REQUIRE(one.size() == 1);
  CHECK(one[0].x_m == 12.0);
  CHECK(one[0].y_m == 34.0);
}

TEST_CASE("grid errors: bad spacing, empty box, too many RSUs", "[rsu][errors]")
{
  BoundingBox box;
  box.add(0, 0);
  box.add(1e6, 1e6);
  for (double s : {0.0, -5.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    INFO(s);
    CHECK_THROWS_AS(grid_rsu_sites(box, s), InputError);
  }
  CHECK_THROWS_AS(grid_rsu_sites(BoundingBox{}, 100), InputError);
  try {
    grid_rsu_sites(box, 1000);  // 1000 x 1000 = 1e6 RSUs
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.field() == "--rsu-grid");
    CHECK(std::string(e.what()).find("1000 x 1000 RSUs") != std::string::npos);
  }
  CHECK(grid_rsu_sites(box, 10000).size() == kMaxGridRsus);    // 100 x 100: at the limit
  CHECK_THROWS_AS(grid_rsu_sites(box, 9999), InputError);         // ceil(100.01) = 101 x 101: over it
}

TEST_CASE("replacing RSUs: scenario cell parameters, nearest MEC, backhaul links replaced", "[rsu]")
{
  InfrastructureConfig inf = default_like();
  const std::size_t mec_links = 6 + 4;  // full mesh of 4 MECs + one cloud link each
  REQUIRE(inf.links.size() == 9 + mec_links);
  inf.rsu_link_latency_s = 0.004;
  std::vector<RsuSite> sites = {{"a", 100, 100, 2}, {"b", 1900, 1100, 3}, {"c", 1000, 1000, 4}};
  RsuPlacement p = replace_rsus(inf, sites, "sites.csv");
  CHECK(p.removed_rsus == 9);
  CHECK(p.removed_links == 9);
  CHECK(p.cell_from_scenario);
  CHECK(p.cell_radius_m == 480.0);              // the nine RSUs' radius
  CHECK(p.cell_capacity_bps == 750000.0);       // their (schema default) capacity
  CHECK(p.cell_latency_s == 0.002);
  REQUIRE(inf.rsus.size() == 3);
  CHECK(inf.rsus[0].mec == "mec_sw");  // (100, 100): 566 m from (500, 500)
  CHECK(inf.rsus[1].mec == "mec_ne");  // (1900, 1100): 566 m from (1500, 1500), 721 m from (1500, 500)
  CHECK(inf.rsus[2].mec == "mec_sw");  // (1000, 1000): 707 m from all four; the first listed wins
  CHECK(inf.rsus[1].cell_radius_m == 480.0);
  CHECK(p.rsus_per_mec.at("mec_sw") == 2);
  CHECK(p.far_rsus == 0);
  CHECK(p.farthest_mec_m == Approx(std::sqrt(2.0) * 500));
  CHECK(p.warnings.empty());
  REQUIRE(inf.links.size() == mec_links + 3);
  const LinkConfig& l = inf.links.back();
  CHECK(l.from == "c");
  CHECK(l.to == "mec_sw");
  CHECK(l.latency_s == 0.004);
  CHECK(l.bandwidth_bps == inf.rsu_link_bandwidth_bps);
  for (const LinkConfig& k : inf.links)
    CHECK(k.from.rfind("rsu_", 0) != 0);
}

TEST_CASE("replacing RSUs: differing radii fall back to the schema default, with a warning", "[rsu]")
{
  InfrastructureConfig inf = default_like();
  inf.rsus[4].cell_radius_m = 200;
  RsuPlacement p = replace_rsus(inf, {{"a", 0, 0, 0}}, "sites.csv");
  CHECK_FALSE(p.cell_from_scenario);
  CHECK(p.cell_radius_m == schema_rsu().cell_radius_m);
  CHECK(p.cell_capacity_bps == 750000.0);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].find("cell_radius_m") != std::string::npos);
}

TEST_CASE("replacing RSUs far from every MEC warns (another area) and still attaches them", "[rsu]")
{
  InfrastructureConfig inf = default_like();
  // A user's trace in UTM metres (zone 32, Bologna): MECs at 0.5-1.5 km are ~4,900 km away.
  std::vector<RsuSite> sites = {{"u1", 686000, 4928000, 2}, {"u2", 687000, 4929000, 3}};
  RsuPlacement p = replace_rsus(inf, sites, "sites.csv");
  CHECK(p.far_rsus == 2);
  CHECK(p.farthest_mec_m == Approx(std::hypot(687000 - 1500.0, 4929000 - 1500.0)));
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].find("2 of 2 RSUs are more than 5000 m from every MEC") != std::string::npos);
  CHECK(inf.rsus[0].mec == "mec_ne");
  CHECK(inf.rsus[1].mec == "mec_ne");

  // Either side of kFarMecM = 5 km from the nearest MEC, mec_nw at (500, 1500).
  InfrastructureConfig near = default_like();
  CHECK(replace_rsus(near, {{"n", 500, 6499, 0}}, "sites.csv").far_rsus == 0);  // 4,999 m from mec_nw
  InfrastructureConfig far = default_like();
  CHECK(replace_rsus(far, {{"f", 500, 6501, 0}}, "sites.csv").far_rsus == 1);   // 5,001 m
}

TEST_CASE("replacing RSUs: grid gap warning from the cell radius and the spacing", "[rsu]")
{
  // 480 m cells: a grid 600 m apart needs 600 / sqrt(2) = 424 m (covered); 1000 m apart needs 707 m (gaps).
  InfrastructureConfig a = default_like();
  CHECK(replace_rsus(a, {{"g", 0, 0, 0}}, "sites.csv", 600).warnings.empty());
  InfrastructureConfig b = default_like();
  auto w = replace_rsus(b, {{"g", 0, 0, 0}}, "sites.csv", 1000).warnings;
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("leaves gaps") != std::string::npos);
  CHECK(w[0].find("707 m") != std::string::npos);
}

TEST_CASE("replacing RSUs: platform infrastructure, no MEC, no site are InputErrors", "[rsu][errors]")
{
  InfrastructureConfig inf = default_like();
  inf.platform = "platforms/small.xml";
  CHECK_THROWS_AS(replace_rsus(inf, {{"a", 0, 0, 0}}, "sites.csv"), InputError);
  InfrastructureConfig none = default_like();
  none.mecs.clear();
  CHECK_THROWS_AS(replace_rsus(none, {{"a", 0, 0, 0}}, "sites.csv"), InputError);
  InfrastructureConfig ok = default_like();
  CHECK_THROWS_AS(replace_rsus(ok, {}, "sites.csv"), InputError);
  // An id the scenario keeps for a MEC, a broker or the cloud: the error names the sites file and line.
  ok.brokers.push_back(BrokerConfig{"broker-mec_sw", "mec_sw", 20000});
  for (const char* id : {"mec_ne", "broker-mec_sw", "cloud"}) {
    InfrastructureConfig again = default_like();
    again.brokers = ok.brokers;
    try {
      replace_rsus(again, {{"a", 0, 0, 2}, {id, 0, 0, 3}}, "sites.csv");
      FAIL(id);
    } catch (const InputError& e) {
      CHECK(e.where().file == "sites.csv");
      CHECK(e.where().line == 3);
      CHECK(e.value() == id);
    }
  }
}

TEST_CASE("coverage warning when no cell reaches the trace's box", "[rsu]")
{
  BoundingBox b;
  b.add(0, 0);
  b.add(100, 100);
  CHECK(b.distance(50, 50) == 0.0);
  CHECK(b.distance(103, 104) == 5.0);  // 3-4-5 from the corner (100, 100)
  CHECK(b.distance(-10, 50) == 10.0);
  RsuConfig r = schema_rsu();
  r.x_m = 400;
  r.y_m = 50;
  r.cell_radius_m = 299;  // 300 m from the box's east side
  CHECK_FALSE(coverage_warning({r}, b).empty());
  r.cell_radius_m = 300;
  CHECK(coverage_warning({r}, b).empty());
}

TEST_CASE("trace statistics of a hand-made trace", "[rsu][trace]")
{
  TempDir tmp;
  const std::string p = tmp.write("t.csv", "time,id,x,y,speed\n"
                                           "10,a,0,0,1.5\n10,b,5,-2,0\n"
                                           "11,a,1,0,2\n"
                                           "13.5,c,-4,9,12.25\n13.5,b,6,-2,0.5\n13.5,a,2,1,3\n");
  const TraceStats st = scan_trace(p);
  CHECK(st.format == "CSV");
  CHECK(st.compression == Compression::None);
  CHECK(st.timesteps == 3);
  CHECK(st.rows == 6);
  CHECK(st.vehicles == 3);
  CHECK(st.most_at_once == 3);
  CHECK(st.most_at_once_time_s == 13.5);
  CHECK(st.first_s == 10.0);
  CHECK(st.last_s == 13.5);
  CHECK(st.min_interval_s == 1.0);
  CHECK(st.max_interval_s == 2.5);
  CHECK(st.box.min_x == -4.0);
  CHECK(st.box.max_x == 6.0);
  CHECK(st.box.min_y == -2.0);
  CHECK(st.box.max_y == 9.0);
  CHECK(st.speed_rows == 6);
  CHECK(st.min_speed_mps == 0.0);
  CHECK(st.max_speed_mps == 12.25);

  const TraceStats nospeed = scan_trace(tmp.write("n.csv", "time,id,x,y\n0,a,1,1\n"));
  CHECK(nospeed.speed_rows == 0);
  CHECK(nospeed.min_interval_s == 0.0);
}

TEST_CASE("trace statistics agree across the Bologna excerpt's three formats and two compressions", "[rsu][trace]")
{
  const TraceStats fcd = scan_trace(kTraces + "bologna_60s.fcd.xml.gz");
  const TraceStats xz = scan_trace(kTraces + "bologna_60s.fcd.xml.xz");
  const TraceStats csv = scan_trace(kTraces + "bologna_60s.fcd.csv.gz");
  const TraceStats ns2 = scan_trace(kTraces + "bologna_60s.ns2mobility.tcl.gz");
  CHECK(fcd.compression == Compression::Gzip);
  CHECK(xz.compression == Compression::Xz);
  CHECK(fcd.timesteps == 60);  // the excerpt's name: 60 s at SUMO's 1 s period
  // The CSV and ns-2 files print two decimals: their times, positions and speeds are the FCD's within half of
  // the last digit (0.005); the counts are exact.
  for (const TraceStats* o : {&xz, &csv, &ns2}) {
    INFO(o->format);
    CHECK(o->timesteps == fcd.timesteps);
    CHECK(o->rows == fcd.rows);
    CHECK(o->vehicles == fcd.vehicles);
    CHECK(o->most_at_once == fcd.most_at_once);
    CHECK(o->first_s == Approx(fcd.first_s).margin(0.005));
    CHECK(o->last_s == Approx(fcd.last_s).margin(0.005));
    // traceExporter and xml2csv write the FCD's two decimals (ns-2 times to one decimal).
    CHECK(o->box.min_x == Approx(fcd.box.min_x).margin(0.005));
    CHECK(o->box.max_y == Approx(fcd.box.max_y).margin(0.005));
    CHECK(o->max_speed_mps == Approx(fcd.max_speed_mps).margin(0.005));
  }
}

TEST_CASE("trace statistics of the shared Bologna trace match its README", "[rsu][trace][shared]")
{
  const std::string dir = shared_dir();
  if (dir.empty())
    V2X_SKIP("shared data not found (../shared/data beside the repository, or /work/shared/data)");
  // README: 201 vehicles, 37,206 rows, at most 82 at once, t = 600..1199 s, bbox x -0.30..1830.97,
  // y -0.63..1341.39.
  for (const char* name : {"bologna_pasubio_small.fcd.xy.xml.gz", "bologna_pasubio_small.fcd.xy.csv.gz",
                           "bologna_pasubio_small.ns2mobility.tcl.gz"}) {
    INFO(name);
    const TraceStats st = scan_trace(dir + name);
    CHECK(st.vehicles == 201);
    CHECK(st.rows == 37206);
    CHECK(st.most_at_once == 82);
    CHECK(st.first_s == 600.0);
    CHECK(st.last_s == 1199.0);
    CHECK(st.box.min_x == Approx(-0.30).margin(1e-9));
    CHECK(st.box.max_x == Approx(1830.97).margin(1e-9));
    CHECK(st.box.min_y == Approx(-0.63).margin(1e-9));
    CHECK(st.box.max_y == Approx(1341.39).margin(1e-9));
  }
}

TEST_CASE("the --cell-radius option gives every new RSU that radius", "[rsu]")
{
  InfrastructureConfig inf = default_like();
  RsuPlacement p = replace_rsus(inf, {{"a", 0, 0, 0}, {"b", 100, 0, 0}}, "sites.csv", 0, 250);
  CHECK(p.cell_radius_m == 250.0);
  CHECK(p.cell_from_scenario);  // capacity and latency still the scenario's
  for (const RsuConfig& r : inf.rsus)
    CHECK(r.cell_radius_m == 250.0);
}

TEST_CASE("the --mec-grid option: one MEC per K x K RSUs of the grid, at its block's mean position", "[rsu]")
{
  BoundingBox box;
  box.add(0, 0);
  box.add(1000, 600);
  // A 200 m grid: ceil(5) = 5 columns x ceil(3) = 3 rows at x = 100..900, y = 100..500. K = 2: blocks of
  // columns {0,1} {2,3} {4} and rows {0,1} {2}: 3 x 2 = 6 MECs.
  const std::vector<RsuSite> mecs = mec_grid_sites(box, 200, 2);
  REQUIRE(mecs.size() == 6);
  CHECK(mecs[0].id == "mec_0_0");
  CHECK(mecs[0].x_m == Approx(200));  // mean of 100 and 300
  CHECK(mecs[0].y_m == Approx(200));
  CHECK(mecs[2].id == "mec_2_0");
  CHECK(mecs[2].x_m == Approx(900));  // the narrow last column of blocks
  CHECK(mecs[5].id == "mec_2_1");
  CHECK(mecs[5].y_m == Approx(500));
  CHECK(mec_grid_sites(box, 200, 10).size() == 1);  // one block holds the whole grid
  CHECK_THROWS_AS(mec_grid_sites(box, 200, 0), InputError);

  // Every RSU of the grid is nearer its own block's MEC than any other (so nearest-MEC attaches by block).
  InfrastructureConfig inf = default_like();
  replace_mecs(inf, mecs, "--mec-grid");
  CHECK(inf.mecs.size() == 6);
  CHECK(inf.links.empty());
  CHECK(inf.brokers.empty());
  RsuPlacement p = replace_rsus(inf, grid_rsu_sites(box, 200), "--rsu-grid", 200);
  CHECK(p.rsus_per_mec.at("mec_0_0") == 4);
  CHECK(p.rsus_per_mec.at("mec_2_0") == 2);
  CHECK(p.rsus_per_mec.at("mec_2_1") == 1);
  CHECK(layout_warnings(inf, box).empty());
}

TEST_CASE("replacing MECs keeps the first MEC's capacity and refuses clashing ids", "[rsu]")
{
  InfrastructureConfig inf = default_like();
  inf.mecs[0].cores = 7;
  CHECK(replace_mecs(inf, {{"east", 1500, 500, 2}}, "m.csv") == 4);
  REQUIRE(inf.mecs.size() == 1);
  CHECK(inf.mecs[0].cores == 7);
  CHECK(inf.mecs[0].x_m == 1500);
  for (const RsuConfig& r : inf.rsus)
    CHECK(r.mec.empty());  // the loader attaches them to their nearest new MEC
  InfrastructureConfig other = default_like();
  try {
    replace_mecs(other, {{"cloud", 0, 0, 3}}, "m.csv");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.where().file == "m.csv");
    CHECK(e.where().line == 3);
  }
  CHECK_THROWS_AS(replace_mecs(other, {{other.rsus[0].id, 0, 0, 2}}, "m.csv"), InputError);
}

TEST_CASE("layout warnings: one MEC serving most RSUs, MECs outside the trace's area", "[rsu]")
{
  InfrastructureConfig inf = default_like();  // MECs at (500|1500, 500|1500), RSUs radius 480
  BoundingBox box;
  box.add(0, 0);
  box.add(2000, 2000);
  CHECK(layout_warnings(inf, box).empty());  // 9 RSUs spread over the 4 MECs as the default scenario does
  // 7 of 9 RSUs on mec_sw: more than half and more than twice its fair share (2.25).
  for (std::size_t i = 0; i < 7; ++i)
    inf.rsus[i].mec = "mec_sw";
  auto w = layout_warnings(inf, box);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("7 of 9 RSUs attach to MEC mec_sw") != std::string::npos);
  // A trace 500 m east of mec_ne's column: the western MECs are 1000 m outside (more than 480 m), the eastern
  // ones inside.
  BoundingBox east;
  east.add(1500, 0);
  east.add(3000, 2000);
  w = layout_warnings(default_like(), east);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("2 of 4 MECs lie outside the trace's area") != std::string::npos);
  CHECK(w[0].find("mec_sw") != std::string::npos);
  CHECK(w[0].find("mec_ne") == std::string::npos);
}
