// Geographic positions to metres with PROJ (mobility/projection.hpp), and how traces and site files use it.
#include "support/temp_dir.hpp"
#include "core/error.hpp"
#include "mobility/projection.hpp"
#include "mobility/rsu_sites.hpp"
#include "mobility/trace.hpp"
#include "mobility/trace_stats.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace v2x;

namespace {

const std::string kTraces = std::string(V2X_TEST_DATA) + "/traces/";
const std::string kUtm32 = "+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs";

struct TempDir : v2x::test::TempDir {
  TempDir() : v2x::test::TempDir("proj_test") {}
};

std::vector<TraceStep> read_all(const std::string& path, const std::string& projection = {})
{
  auto reader = open_trace(path, TraceFormat::Auto, projection);
  std::vector<TraceStep> out;
  TraceStep s;
  while (reader->next(s))
    out.push_back(s);
  return out;
}

} // namespace

TEST_CASE("UTM zones from lon/lat: 6-degree zones from 180 W, +south below the equator", "[projection]")
{
  CHECK(GeoProjection::utm_for(11.3, 44.5) == kUtm32); // Bologna
  CHECK(GeoProjection::utm_for(-180, 10) == "+proj=utm +zone=1 +datum=WGS84 +units=m +no_defs");
  CHECK(GeoProjection::utm_for(179.99, 10) == "+proj=utm +zone=60 +datum=WGS84 +units=m +no_defs");
  CHECK(GeoProjection::utm_for(180, 10) == "+proj=utm +zone=1 +datum=WGS84 +units=m +no_defs"); // = -180
  CHECK(GeoProjection::utm_for(-43.2, -22.9) == "+proj=utm +zone=23 +south +datum=WGS84 +units=m +no_defs");
}

TEST_CASE("UTM on the central meridian: x = 500 km, y = k0 x the meridian arc", "[projection]")
{
  // Zone 32's central meridian is 9 E. At 45 N the WGS84 meridian arc from the equator is 4,984,944.378 m;
  // UTM's scale there is k0 = 0.9996: y = 4,982,950.400 m. PROJ's Poder/Engsager series is exact to the mm.
  const GeoProjection p(kUtm32);
  double x = 0, y = 0;
  REQUIRE(p.forward(9.0, 45.0, x, y));
  CHECK(x == Approx(500000.0).margin(0.001));
  CHECK(y == Approx(0.9996 * 4984944.378).margin(0.002));
  double lon = 0, lat = 0;
  REQUIRE(p.inverse(x, y, lon, lat));
  CHECK(lon == Approx(9.0).margin(1e-9));
  CHECK(lat == Approx(45.0).margin(1e-9));
  // An EPSG code names the same projection.
  const GeoProjection e("EPSG:32632");
  double xe = 0, ye = 0;
  REQUIRE(e.forward(9.0, 45.0, xe, ye));
  CHECK(xe == Approx(x).margin(1e-6));
  CHECK(ye == Approx(y).margin(1e-6));
}

TEST_CASE("a projection PROJ refuses, or one that is not in metres, is an input error naming the field", "[projection]")
{
  try {
    GeoProjection p("+proj=nonsense");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.field() == "mobility.projection");
    CHECK(e.value() == "+proj=nonsense");
  }
  CHECK_THROWS_AS(GeoProjection("EPSG:4326"), InputError); // geographic: degrees, not metres
}

TEST_CASE("a geographic trace gets the UTM zone of its first point: SUMO's metres plus its net offset", "[projection]")
{
  // The same SUMO 1.15 run (3 x 3 grid of 200 m near Bologna, a net with a UTM zone 32 projection) written with
  // and without --fcd-output.geo. SUMO's metres are UTM minus the net's offset, so the projected geo trace must
  // be the metres trace shifted by one constant vector, to SUMO's 6 decimals of a degree (0.08 m east, 0.11 m
  // north; 0.2 m allows both plus rounding of the metres' 2 decimals).
  auto xy = read_all(kTraces + "grid_utm32.fcd.xy.xml.gz");
  auto geo_reader = open_trace(kTraces + "grid_utm32.fcd.geo.xml.gz");
  CHECK(geo_reader->projection().empty()); // nothing read yet
  std::vector<TraceStep> geo;
  TraceStep s;
  while (geo_reader->next(s))
    geo.push_back(s);
  CHECK(geo_reader->projection() == kUtm32);
  REQUIRE(xy.size() == geo.size());
  const double dx = geo[0].vehicles[0].x_m - xy[0].vehicles[0].x_m;
  const double dy = geo[0].vehicles[0].y_m - xy[0].vehicles[0].y_m;
  CHECK(dx == Approx(680000).margin(1.0)); // the net's offset, to the metre
  CHECK(dy == Approx(4930000).margin(1.0));
  int n = 0;
  for (std::size_t i = 0; i < xy.size(); ++i) {
    REQUIRE(xy[i].vehicles.size() == geo[i].vehicles.size());
    for (std::size_t j = 0; j < xy[i].vehicles.size(); ++j, ++n) {
      CHECK(geo[i].vehicles[j].x_m - dx == Approx(xy[i].vehicles[j].x_m).margin(0.2));
      CHECK(geo[i].vehicles[j].y_m - dy == Approx(xy[i].vehicles[j].y_m).margin(0.2));
    }
  }
  CHECK(n == 600);
  // A trace in metres has no projection.
  CHECK(scan_trace(kTraces + "grid_utm32.fcd.xy.xml.gz").projection.empty());
  CHECK(scan_trace(kTraces + "grid_utm32.fcd.geo.xml.gz").projection == kUtm32);
}

TEST_CASE("mobility.projection chooses the projection of lon/lat attributes and CSV columns", "[projection]")
{
  TempDir tmp;
  const char* head = "<fcd-export>\n";
  auto xml = tmp.write("geo.xml", std::string(head) +
                                      "<timestep time=\"0\"><vehicle id=\"a\" lon=\"11.000\" lat=\"45.000\"/>"
                                      "<vehicle id=\"b\" lon=\"11.001\" lat=\"45.001\"/></timestep></fcd-export>\n");
  auto csv = tmp.write("geo.csv", "time;id;lon;lat\n0;a;11.000;45.000\n0;b;11.001;45.001\n");
  // A transverse Mercator centred on a, scale 1: a at the origin; b at N cos(45) 0.001 deg east and about
  // M 0.001 deg north (78.847 m, 111.132 m on WGS84 at 45 deg), to the series' third-order terms (< 1 mm here).
  const std::string local = "+proj=tmerc +lat_0=45 +lon_0=11 +k=1 +ellps=WGS84 +units=m";
  for (const auto& path : {xml, csv}) {
    auto steps = read_all(path, local);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].vehicles.at(0).x_m == Approx(0).margin(1e-6));
    CHECK(steps[0].vehicles.at(0).y_m == Approx(0).margin(1e-6));
    CHECK(steps[0].vehicles.at(1).x_m == Approx(78.847).margin(0.005));
    CHECK(steps[0].vehicles.at(1).y_m == Approx(111.132).margin(0.005));
    // The default: UTM zone 32 (11 E is in 6..12 E).
    auto utm = read_all(path);
    CHECK(utm[0].vehicles.at(0).x_m > 600000);
    CHECK(utm[0].vehicles.at(0).y_m > 4980000);
  }
  // A bad projection is the trace's error at the first geographic position, naming file and line.
  try {
    read_all(csv, "+proj=nonsense");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.where().file == csv);
    CHECK(e.where().line == 2);
    CHECK(std::string(e.what()).find("not a projection PROJ accepts") != std::string::npos);
  }
}

TEST_CASE("site files with lon,lat: projected for a geographic trace, x,y for one in metres", "[projection][rsu]")
{
  TempDir tmp;
  // The shared Bologna junctions: SUMO's metres and their lon/lat (net: UTM 32, offset 683200.42, 4929458.50).
  auto both = read_rsu_sites(kTraces + "bologna_junctions.csv");
  REQUIRE(both.size() == 15);
  CHECK(both[0].has_xy);
  CHECK(both[0].has_lonlat);
  CHECK(both[0].lon_deg == 11.309491);
  auto metric = both;
  position_sites(metric, "", "j.csv");
  CHECK(metric[0].x_m == 403.54); // as written
  auto geo = both;
  position_sites(geo, kUtm32, "j.csv");
  for (std::size_t i = 0; i < geo.size(); ++i) { // 6 decimals of a degree: within 0.1 m
    CHECK(geo[i].x_m - 683200.42 == Approx(both[i].x_m).margin(0.1));
    CHECK(geo[i].y_m - 4929458.50 == Approx(both[i].y_m).margin(0.1));
  }
  // Only lon/lat: fine for a geographic trace; an error naming the file and line for one in metres.
  auto ll = read_rsu_sites(tmp.write("ll.csv", "id,lon,lat\nr0,11.309491,44.498834\n"), "MEC");
  CHECK_FALSE(ll[0].has_xy);
  auto ll_metric = ll;
  try {
    position_sites(ll_metric, "", "ll.csv");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.where().file == "ll.csv");
    CHECK(e.where().line == 2);
  }
  position_sites(ll, kUtm32, "ll.csv");
  CHECK(ll[0].x_m == Approx(683603.96).margin(0.1));
  // Only x,y with a geographic trace: an error (they would be in another frame).
  auto xy = read_rsu_sites(tmp.write("xy.csv", "id,x,y\nr0,1,2\n"));
  CHECK_THROWS_AS(position_sites(xy, kUtm32, "xy.csv"), InputError);
  // Out-of-range degrees are the file's error.
  CHECK_THROWS_AS(read_rsu_sites(tmp.write("bad.csv", "id,lon,lat\nr0,200,44\n")), InputError);
}
