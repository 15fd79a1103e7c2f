#include "mobility/rsu_sites.hpp"

#include "mobility/projection.hpp"
#include "mobility/readers.hpp"
#include "proto/scenario_defaults.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <string_view>
#include <unordered_map>

namespace v2x {

namespace {

std::string metres(double v)
{
  char buf[64];
  if (std::abs(v) >= 10000)
    std::snprintf(buf, sizeof buf, "%.1f km", v / 1000);
  else
    std::snprintf(buf, sizeof buf, "%.0f m", v);
  return buf;
}

std::string range_text(double lo, double hi)
{
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.0f..%.0f", lo, hi);
  return buf;
}

std::string box_text(const BoundingBox& b)
{
  return "x " + range_text(b.min_x, b.max_x) + " m, y " + range_text(b.min_y, b.max_y) + " m";
}

std::string_view trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string_view> split(std::string_view line, char sep)
{
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t p = line.find(sep);
    out.push_back(trim(line.substr(0, p)));
    if (p == std::string_view::npos)
      return out;
    line.remove_prefix(p + 1);
  }
}

std::string lower(std::string_view s)
{
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool skipped(const char* b, const char* e)
{
  while (b < e && (*b == ' ' || *b == '\t'))
    ++b;
  return b == e || *b == '#';
}

} // namespace

std::vector<RsuSite> read_rsu_sites(const std::string& path, const std::string& what)
{
  {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
      throw InputError({path, 0, 0}, "", "", "cannot open RSU sites file: is a directory");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
      throw InputError({path, 0, 0}, "", "", std::string("cannot open RSU sites file: ") + std::strerror(errno));
    std::fclose(f);
  }
  TextBuffer in(path);
  const char* b = nullptr;
  const char* e = nullptr;
  do {
    if (!detail::next_line(in, b, e))
      throw InputError({path, in.line_of(in.end()), 0}, "", "", "empty " + what + " sites file: no header line");
  } while (skipped(b, e));

  // Header.
  const std::string_view header(b, static_cast<std::size_t>(e - b));
  const int header_line = in.line_of(b);
  const char sep = header.find(';') != std::string_view::npos ? ';' : ',';
  // Owned copies: the header's bytes live in the TextBuffer, which the next lines may move (a
  // heap-use-after-free found by fuzz_sites when an error on a later row named a column).
  std::vector<std::string> names;
  for (const std::string_view n : split(header, sep))
    names.emplace_back(n);
  int id_col = -1, x_col = -1, y_col = -1, lon_col = -1, lat_col = -1;
  bool junction = false;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string n = lower(names[i]);
    if (!n.empty() && static_cast<unsigned char>(n[0]) == 0xEF)  // UTF-8 byte-order mark
      n.erase(0, std::min<std::size_t>(3, n.size()));
    int* target = nullptr;
    if (n == "id" || n == "name" || n == "junction_id") {
      target = &id_col;
      junction = n == "junction_id";
    } else if (n == "x" || n == "x_m") {
      target = &x_col;
    } else if (n == "y" || n == "y_m") {
      target = &y_col;
    } else if (n == "lon" || n == "longitude") {
      target = &lon_col;
    } else if (n == "lat" || n == "latitude") {
      target = &lat_col;
    }
    if (target == nullptr)
      continue;
    if (*target >= 0)
      throw InputError({path, header_line, 0}, std::string(names[i]), "",
                       "two columns of the header give the same thing (" + std::string(names[*target]) + ")");
    *target = static_cast<int>(i);
  }
  const bool has_xy = x_col >= 0 && y_col >= 0;
  const bool has_lonlat = lon_col >= 0 && lat_col >= 0;
  if (id_col < 0 || (!has_xy && !has_lonlat))
    throw InputError({path, header_line, 0}, "", std::string(header.substr(0, 120)),
                     "not an " + what + " sites header: expected columns id,x,y (metres of the trace's frame), "
                     "id,lon,lat (WGS84 degrees) or junction_id,x,y,lon,lat");
  const std::size_t need = static_cast<std::size_t>(std::max({id_col, has_xy ? std::max(x_col, y_col) : 0,
                                                              has_lonlat ? std::max(lon_col, lat_col) : 0})) +
                           1;

  // Rows.
  std::vector<RsuSite> sites;
  std::unordered_map<std::string, int> seen;  // id -> line
  while (detail::next_line(in, b, e)) {
    if (skipped(b, e))
      continue;
    const int line = in.line_of(b);
    const std::vector<std::string_view> f = split(std::string_view(b, static_cast<std::size_t>(e - b)), sep);
    if (f.size() < need)
      throw InputError({path, line, 0}, "", "",
                       "row has " + std::to_string(f.size()) + " fields, the header has " +
                           std::to_string(names.size()));
    RsuSite s;
    s.line = line;
    if (f[id_col].empty())
      throw InputError({path, line, 0}, std::string(names[id_col]), "", "missing " + what + " id");
    s.id = (junction ? "junction_" : "") + std::string(f[id_col]);
    s.has_xy = has_xy;
    s.has_lonlat = has_lonlat;
    std::vector<std::pair<int, double*>> cols;
    if (has_xy)
      cols.insert(cols.end(), {{x_col, &s.x_m}, {y_col, &s.y_m}});
    if (has_lonlat)
      cols.insert(cols.end(), {{lon_col, &s.lon_deg}, {lat_col, &s.lat_deg}});
    for (auto [col, out] : cols) {
      if (f[col].empty())
        throw InputError({path, line, 0}, std::string(names[col]), "", "missing value");
      if (!detail::parse_number(f[col], *out))
        throw InputError({path, line, 0}, std::string(names[col]), std::string(f[col]), "not a finite number");
    }
    if (has_lonlat && (std::abs(s.lon_deg) > 180 || std::abs(s.lat_deg) > 90))
      throw InputError({path, line, 0}, std::string(names[lon_col]), std::string(f[lon_col]) + "," + std::string(f[lat_col]),
                       "geographic position out of range (lon -180..180, lat -90..90)");
    const auto [it, inserted] = seen.emplace(s.id, line);
    if (!inserted)
      throw InputError({path, line, 0}, std::string(names[id_col]), s.id,
                       what + " id used twice (first on line " + std::to_string(it->second) + ")");
    sites.push_back(std::move(s));
  }
  if (sites.empty())
    throw InputError({path, header_line, 0}, "", "", "no " + what + " site: the file has a header and no rows");
  return sites;
}

void position_sites(std::vector<RsuSite>& sites, const std::string& projection, const std::string& source)
{
  if (sites.empty())
    return;
  if (projection.empty()) {
    for (const RsuSite& s : sites)
      if (!s.has_xy)
        throw InputError({source, s.line, 0}, "x,y", s.id,
                         "the trace is in metres and this sites file gives only lon/lat: give x,y columns in the "
                         "trace's frame (the trace carries no projection to place lon/lat with)");
    return;
  }
  const GeoProjection proj(projection);
  for (RsuSite& s : sites) {
    if (!s.has_lonlat)
      throw InputError({source, s.line, 0}, "lon,lat", s.id,
                       "the trace is geographic (projected with " + projection +
                           ") and this sites file gives only x,y: give lon,lat columns (WGS84 degrees)");
    if (!proj.forward(s.lon_deg, s.lat_deg, s.x_m, s.y_m))
      throw InputError({source, s.line, 0}, "lon,lat", s.id, "PROJ cannot project this site with " + projection);
  }
}

std::vector<RsuSite> grid_rsu_sites(const BoundingBox& box, double spacing_m)
{
  char value[64];
  std::snprintf(value, sizeof value, "%g", spacing_m);
  if (!std::isfinite(spacing_m) || spacing_m <= 0)
    throw InputError({}, "--rsu-grid", value, "the grid spacing must be a finite number of metres > 0");
  if (box.empty())
    throw InputError({}, "--rsu-grid", value, "the trace has no position to place a grid over");
  const double cols_d = std::max(1.0, std::ceil(box.width() / spacing_m));
  const double rows_d = std::max(1.0, std::ceil(box.height() / spacing_m));
  if (cols_d * rows_d > static_cast<double>(kMaxGridRsus))
    throw InputError({}, "--rsu-grid", value,
                     "a grid " + metres(spacing_m) + " apart over the trace's " + metres(box.width()) + " x " +
                         metres(box.height()) + " would make " + std::to_string(static_cast<long long>(cols_d)) +
                         " x " + std::to_string(static_cast<long long>(rows_d)) + " RSUs, more than " +
                         std::to_string(kMaxGridRsus) + ": use a larger spacing");
  const auto cols = static_cast<std::size_t>(cols_d);
  const auto rows = static_cast<std::size_t>(rows_d);
  const double cx = (box.min_x + box.max_x) / 2, cy = (box.min_y + box.max_y) / 2;
  std::vector<RsuSite> sites;
  sites.reserve(cols * rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      RsuSite s;
      s.id = "grid_" + std::to_string(c) + "_" + std::to_string(r);
      s.x_m = cx + (static_cast<double>(c) - static_cast<double>(cols - 1) / 2) * spacing_m;
      s.y_m = cy + (static_cast<double>(r) - static_cast<double>(rows - 1) / 2) * spacing_m;
      sites.push_back(std::move(s));
    }
  return sites;
}

RsuPlacement replace_rsus(InfrastructureConfig& inf, const std::vector<RsuSite>& sites, const std::string& source,
                          double grid_spacing_m, double cell_radius_m)
{
  if (!inf.platform.empty())
    throw InputError({inf.platform}, "infrastructure.platform", inf.platform,
                     "the scenario's RSUs come from this platform file: new RSU sites cannot replace them (use "
                     "a scenario whose infrastructure is described in the scenario file)");
  if (inf.mecs.empty())
    throw InputError({}, "infrastructure.mec", "", "the scenario has no MEC to attach the new RSUs to");
  if (sites.empty())
    throw InputError({}, "infrastructure.rsu", "", "no RSU site to place");

  // Ids the scenario keeps: a new RSU may not take one (the error points at the site, not at the scenario).
  std::map<std::string, std::string> kept{{"cloud", "the cloud site"}};
  for (std::size_t i = 0; i < inf.mecs.size(); ++i)
    kept.emplace(inf.mecs[i].id, "infrastructure.mec[" + std::to_string(i) + "]");
  for (std::size_t i = 0; i < inf.routers.size(); ++i)
    kept.emplace(inf.routers[i], "infrastructure.router[" + std::to_string(i) + "]");
  for (std::size_t i = 0; i < inf.brokers.size(); ++i)
    kept.emplace(inf.brokers[i].id, "infrastructure.broker[" + std::to_string(i) + "]");
  for (const RsuSite& s : sites)
    if (auto it = kept.find(s.id); it != kept.end())
      throw InputError({source, s.line, 0}, "id", s.id,
                       "RSU id already used by the scenario's " + it->second + ": choose another id");

  RsuPlacement out;
  // Cell parameters: those every RSU of the scenario shares, field by field; else the schema's defaults.
  const RsuConfig& schema = schema_rsu();
  const auto shared = [&](double RsuConfig::*field, double& value) {
    bool same = !inf.rsus.empty();
    for (const RsuConfig& r : inf.rsus)
      same = same && r.*field == inf.rsus.front().*field;
    value = same ? inf.rsus.front().*field : schema.*field;
    return same;
  };
  bool radius_shared = shared(&RsuConfig::cell_radius_m, out.cell_radius_m);
  if (cell_radius_m > 0) {  // --cell-radius
    out.cell_radius_m = cell_radius_m;
    radius_shared = true;
  }
  const bool capacity_shared = shared(&RsuConfig::cell_capacity_bps, out.cell_capacity_bps);
  const bool latency_shared = shared(&RsuConfig::cell_latency_s, out.cell_latency_s);
  out.cell_from_scenario = radius_shared && capacity_shared && latency_shared;
  if (!inf.rsus.empty() && !out.cell_from_scenario)
    out.warnings.push_back(std::string("the scenario's RSUs differ in ") + (radius_shared ? "" : "cell_radius_m ") +
                           (capacity_shared ? "" : "cell_capacity_bps ") + (latency_shared ? "" : "cell_latency_s ") +
                           "so the new RSUs take the schema's default for that (radius " + metres(out.cell_radius_m) +
                           ")");

  // Remove the scenario's RSUs and the links that touch them.
  std::set<std::string> old_ids;
  for (const RsuConfig& r : inf.rsus)
    old_ids.insert(r.id);
  out.removed_rsus = inf.rsus.size();
  const std::size_t links_before = inf.links.size();
  inf.links.erase(std::remove_if(inf.links.begin(), inf.links.end(),
                                 [&](const LinkConfig& l) { return old_ids.count(l.from) || old_ids.count(l.to); }),
                  inf.links.end());
  out.removed_links = links_before - inf.links.size();
  inf.rsus.clear();

  // New RSUs, each on its nearest MEC.
  BoundingBox rsu_box, mec_box;
  for (const MecConfig& m : inf.mecs)
    mec_box.add(m.x_m, m.y_m);
  for (const RsuSite& s : sites) {
    RsuConfig r;
    r.id = s.id;
    r.x_m = s.x_m;
    r.y_m = s.y_m;
    r.cell_radius_m = out.cell_radius_m;
    r.cell_capacity_bps = out.cell_capacity_bps;
    r.cell_latency_s = out.cell_latency_s;
    double best = std::numeric_limits<double>::infinity();
    for (const MecConfig& m : inf.mecs) {
      const double d = std::hypot(m.x_m - s.x_m, m.y_m - s.y_m);
      if (d < best) {  // strict: ties go to the MEC listed first (as the loader does)
        best = d;
        r.mec = m.id;
      }
    }
    rsu_box.add(s.x_m, s.y_m);
    out.far_rsus += best > kFarMecM;
    out.farthest_mec_m = std::max(out.farthest_mec_m, best);
    ++out.rsus_per_mec[r.mec];
    inf.links.push_back(LinkConfig{r.id, r.mec, inf.rsu_link_bandwidth_bps, inf.rsu_link_latency_s});
    inf.rsus.push_back(std::move(r));
  }

  if (out.far_rsus > 0) {
    std::string attached;
    for (const auto& [mec, n] : out.rsus_per_mec)
      attached += (attached.empty() ? "" : ", ") + mec + ": " + std::to_string(n);
    out.warnings.push_back(std::to_string(out.far_rsus) + " of " + std::to_string(sites.size()) +
                           " RSUs are more than " + metres(kFarMecM) + " from every MEC of the scenario (farthest " +
                           metres(out.farthest_mec_m) + "): the MECs (" + box_text(mec_box) +
                           ") stand in another area than the RSUs (" + box_text(rsu_box) +
                           "). Each RSU uses its nearest MEC anyway (" + attached +
                           "), so MEC placement and migrations mean little; move the MECs (--set "
                           "infrastructure.mec[0].x_m=...) or use a scenario made for this area.");
  }
  if (grid_spacing_m > 0) {
    const double needed = grid_spacing_m / std::sqrt(2.0);
    if (out.cell_radius_m < needed)
      out.warnings.push_back("cell radius " + metres(out.cell_radius_m) + " leaves gaps in a grid " +
                             metres(grid_spacing_m) + " apart: the corners of each square are " + metres(needed) +
                             " from its RSU (spacing / sqrt 2); vehicles there are in no cell");
  }
  return out;
}

std::vector<RsuSite> mec_grid_sites(const BoundingBox& box, double spacing_m, int k)
{
  if (k < 1)
    throw InputError({}, "--mec-grid", std::to_string(k), "must be a whole number of RSUs >= 1");
  const std::vector<RsuSite> rsus = grid_rsu_sites(box, spacing_m);
  const auto cols = static_cast<std::size_t>(std::max(1.0, std::ceil(box.width() / spacing_m)));
  const auto rows = rsus.size() / cols;
  const auto kk = static_cast<std::size_t>(k);
  std::vector<RsuSite> mecs;
  for (std::size_t br = 0; br * kk < rows; ++br)
    for (std::size_t bc = 0; bc * kk < cols; ++bc) {
      RsuSite m;
      m.id = "mec_" + std::to_string(bc) + "_" + std::to_string(br);
      std::size_t n = 0;
      for (std::size_t r = br * kk; r < std::min(rows, (br + 1) * kk); ++r)
        for (std::size_t c = bc * kk; c < std::min(cols, (bc + 1) * kk); ++c) {
          m.x_m += rsus[r * cols + c].x_m;
          m.y_m += rsus[r * cols + c].y_m;
          ++n;
        }
      m.x_m /= static_cast<double>(n);
      m.y_m /= static_cast<double>(n);
      mecs.push_back(std::move(m));
    }
  return mecs;
}

std::size_t replace_mecs(InfrastructureConfig& inf, const std::vector<RsuSite>& sites, const std::string& source)
{
  if (!inf.platform.empty())
    throw InputError({inf.platform}, "infrastructure.platform", inf.platform,
                     "the scenario's MECs come from this platform file: new MEC sites cannot replace them");
  if (sites.empty())
    throw InputError({}, "infrastructure.mec", "", "no MEC site to place");
  std::set<std::string> rsu_ids;
  for (const RsuConfig& r : inf.rsus)
    rsu_ids.insert(r.id);
  for (const RsuSite& s : sites)
    if (s.id == "cloud" || rsu_ids.count(s.id))
      throw InputError({source, s.line, 0}, "id", s.id,
                       s.id == "cloud" ? "\"cloud\" is the cloud site's name: choose another MEC id"
                                       : "MEC id already used by an RSU: choose another id");
  const MecConfig model = inf.mecs.empty() ? schema_mec() : inf.mecs.front();
  const std::size_t removed = inf.mecs.size();
  inf.mecs.clear();
  for (const RsuSite& s : sites) {
    MecConfig m = model;
    m.id = s.id;
    m.x_m = s.x_m;
    m.y_m = s.y_m;
    inf.mecs.push_back(std::move(m));
  }
  // What referred to the old MECs is made again by the loader from the new ones.
  inf.links.clear();
  inf.brokers.clear();
  for (RsuConfig& r : inf.rsus)
    r.mec.clear();
  return removed;
}

std::vector<std::string> layout_warnings(const InfrastructureConfig& inf, const BoundingBox& trace_box)
{
  std::vector<std::string> out;
  std::map<std::string, std::size_t> per_mec;
  for (const RsuConfig& r : inf.rsus)
    ++per_mec[r.mec];
  if (inf.mecs.size() >= 2 && inf.rsus.size() >= 4) {
    const auto busiest = std::max_element(per_mec.begin(), per_mec.end(),
                                          [](const auto& a, const auto& b) { return a.second < b.second; });
    const double share = static_cast<double>(busiest->second) / static_cast<double>(inf.rsus.size());
    if (share > 0.5 && share > 2.0 / static_cast<double>(inf.mecs.size()))
      out.push_back(std::to_string(busiest->second) + " of " + std::to_string(inf.rsus.size()) +
                    " RSUs attach to MEC " + busiest->first + " (of " + std::to_string(inf.mecs.size()) +
                    " MECs): its twins will overflow it while the others idle. Place MECs under the RSUs "
                    "(--mec-grid K with --rsu-grid, or --mec-sites FILE).");
  }
  if (!trace_box.empty()) {
    double radius = 0;
    for (const RsuConfig& r : inf.rsus)
      radius = std::max(radius, r.cell_radius_m);
    std::string outside;
    std::size_t n = 0;
    for (const MecConfig& m : inf.mecs)
      if (trace_box.distance(m.x_m, m.y_m) > radius) {
        outside += (n++ ? ", " : "") + m.id + " (" + metres(trace_box.distance(m.x_m, m.y_m)) + " away)";
      }
    if (n > 0)
      out.push_back(std::to_string(n) + " of " + std::to_string(inf.mecs.size()) +
                    " MECs lie outside the trace's area (" + box_text(trace_box) + ") by more than a cell radius (" +
                    metres(radius) + "): " + outside + ". Are they in the trace's frame? (--mec-sites FILE or "
                    "--mec-grid K place MECs over the trace.)");
  }
  return out;
}

std::string coverage_warning(const std::vector<RsuConfig>& rsus, const BoundingBox& trace_box)
{
  if (trace_box.empty() || rsus.empty())
    return {};
  BoundingBox rsu_box;
  for (const RsuConfig& r : rsus) {
    if (trace_box.distance(r.x_m, r.y_m) <= r.cell_radius_m)
      return {};
    rsu_box.add(r.x_m, r.y_m);
  }
  return "no RSU cell reaches the trace's area (" + box_text(trace_box) + "; RSUs at " + box_text(rsu_box) +
         "): no vehicle will ever be connected. Is the trace in another coordinate frame? Place RSUs over it with "
         "--rsu-sites FILE.csv or --rsu-grid METRES.";
}

} // namespace v2x
