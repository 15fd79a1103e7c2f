// Makes geographic twins of test traces in metres: the inverse of what v2xsim does to a geographic trace.
// Not built by CMake (a fixture tool):  g++ -O2 tools/xy_to_lonlat.cpp $(pkg-config --cflags --libs proj) -o
// xy_to_lonlat
//   xy_to_lonlat offset SITES.csv PROJ          mean (easting - x, northing - y) over junction_id,x,y,lon,lat rows
//   xy_to_lonlat fcd DX DY PROJ < in.xml > out.xml   <vehicle x y> -> lon/lat (6 decimals, as SUMO's
//                                                   --fcd-output.geo writes), with SUMO's geo comment added
//   xy_to_lonlat sites DX DY PROJ < id,x,y > id,x,y,lon,lat
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <proj.h>
#include <regex>
#include <sstream>
#include <string>

namespace {

PJ* make(const char* def)
{
  PJ* p = proj_create_crs_to_crs(nullptr, "EPSG:4326", def, nullptr);
  if (!p) {
    std::cerr << "bad projection\n";
    std::exit(2);
  }
  return proj_normalize_for_visualization(nullptr, p);
}

} // namespace

int main(int argc, char** argv)
{
  if (argc < 4)
    return 2;
  const std::string mode = argv[1];
  if (mode == "offset") {
    PJ* p = make(argv[3]);
    std::ifstream in(argv[2]);
    std::string line;
    std::getline(in, line);
    double sx = 0, sy = 0;
    int n = 0;
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string id, x, y, lon, lat;
      std::getline(ss, id, ',');
      std::getline(ss, x, ',');
      std::getline(ss, y, ',');
      std::getline(ss, lon, ',');
      std::getline(ss, lat, ',');
      PJ_COORD c = proj_trans(p, PJ_FWD, proj_coord(std::stod(lon), std::stod(lat), 0, 0));
      sx += c.xy.x - std::stod(x);
      sy += c.xy.y - std::stod(y);
      ++n;
    }
    std::printf("%.2f %.2f\n", sx / n, sy / n);
    return 0;
  }
  const double dx = std::atof(argv[2]), dy = std::atof(argv[3]);
  PJ* p = make(argv[4]);
  const auto lonlat = [&](double x, double y, double& lon, double& lat) {
    PJ_COORD c = proj_trans(p, PJ_INV, proj_coord(x + dx, y + dy, 0, 0));
    lon = c.lp.lam;
    lat = c.lp.phi;
  };
  std::string line;
  char buf[64];
  if (mode == "sites") {
    std::getline(std::cin, line);
    std::cout << line << ",lon,lat\n";
    while (std::getline(std::cin, line)) {
      std::stringstream ss(line);
      std::string id, x, y;
      std::getline(ss, id, ',');
      std::getline(ss, x, ',');
      std::getline(ss, y, ',');
      double lon = 0, lat = 0;
      lonlat(std::stod(x), std::stod(y), lon, lat);
      std::snprintf(buf, sizeof buf, ",%.6f,%.6f", lon, lat);
      std::cout << line << buf << "\n";
    }
    return 0;
  }
  const std::regex xy(R"re( x="([-0-9.]+)" y="([-0-9.]+)")re");
  bool first = true;
  while (std::getline(std::cin, line)) {
    std::smatch m;
    if (std::regex_search(line, m, xy)) {
      double lon = 0, lat = 0;
      lonlat(std::stod(m[1]), std::stod(m[2]), lon, lat);
      std::snprintf(buf, sizeof buf, " x=\"%.6f\" y=\"%.6f\"", lon, lat);
      line = m.prefix().str() + buf + m.suffix().str();
    }
    std::cout << line << "\n";
    if (first) {
      std::cout << "<!-- made by tools/xy_to_lonlat.cpp from a trace in metres\n<configuration>\n    <output>\n"
                   "        <fcd-output.geo value=\"true\"/>\n    </output>\n</configuration>\n-->\n";
      first = false;
    }
  }
  return 0;
}
