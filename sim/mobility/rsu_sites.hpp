#pragma once
// Where the RSUs stand, when a user brings a trace of their own: sites from a CSV file or a regular grid over
// the trace's area, turned into the scenario's RSU list (cell parameters from the scenario, nearest MEC,
// backhaul links). No SimGrid here.
#include "config/scenario.hpp"
#include "mobility/trace_stats.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace v2x {

struct RsuSite {
  std::string id;
  double x_m = 0;
  double y_m = 0;
  int line = 0;            // line in the sites file (0 for generated sites)
  bool has_xy = true;      // the file gave x,y (metres of the trace's frame)
  bool has_lonlat = false; // the file gave lon,lat (WGS84 degrees)
  double lon_deg = 0;
  double lat_deg = 0;
};

/// Reads RSU sites from a CSV file (plain, .gz or .xz). The first non-blank, non-'#' line is a header with ','
/// or ';' separators naming (case-insensitively) an id column and x, y columns in the trace's metres, or lon,
/// lat columns in WGS84 degrees, or both:
///   id,x,y                         ids used as written
///   id,lon,lat                     geographic sites (for geographic traces: see position_sites)
///   junction_id,x,y,lon,lat        SUMO junction ids (the shared Bologna file): RSU id "junction_<id>"
/// (also accepted: name for id, x_m/y_m for x/y, longitude/latitude for lon/lat). Other columns are ignored.
/// Blank lines and lines starting with '#' are skipped. Throws InputError naming file, line, column and value
/// for: a missing file, no header or no id and x/y or lon/lat columns, a row with fewer fields than the header,
/// an empty id, a coordinate that is not a finite number (or lon/lat out of range), an id used twice (the
/// message names the earlier line), no site at all. `what` names the sites in messages ("RSU", "MEC").
std::vector<RsuSite> read_rsu_sites(const std::string& path, const std::string& what = "RSU");

/// Gives every site of `sites` its position in the trace's frame: for a geographic trace (`projection` not
/// empty) the site's lon/lat through that projection, else its x,y. Throws InputError (naming `source` and the
/// site's line) when a geographic trace meets sites without lon/lat, or a trace in metres meets sites without
/// x,y (lon/lat cannot be placed in a frame whose projection is unknown).
void position_sites(std::vector<RsuSite>& sites, const std::string& projection, const std::string& source);

/// Most RSUs a grid may make: each RSU is a SimGrid host with an actor and a twin of its own.
constexpr std::size_t kMaxGridRsus = 10000;

/// A square grid of sites `spacing_m` apart, centred on `box` and covering it: ceil(width / spacing) columns
/// (at least 1) by ceil(height / spacing) rows, each site the centre of a spacing x spacing square, the squares
/// together containing the box. Ids "grid_<column>_<row>", from 0 at the south-west corner, listed row by row.
/// Every point of the box is then within spacing / sqrt(2) of a site. Throws InputError (field "--rsu-grid")
/// for a spacing that is not a finite number > 0, an empty box, or more than kMaxGridRsus sites.
std::vector<RsuSite> grid_rsu_sites(const BoundingBox& box, double spacing_m);

/// An RSU farther than this from its nearest MEC is reported: an edge cluster serves RSUs within a city
/// district, a few kilometres (ETSI MEC deployments at aggregation sites), not across another region.
constexpr double kFarMecM = 5000;

struct RsuPlacement {
  double cell_radius_m = 0;          // given to every new RSU
  double cell_capacity_bps = 0;
  double cell_latency_s = 0;
  bool cell_from_scenario = false;   // true: the values every RSU of the scenario shared; false: the schema's
  std::size_t removed_rsus = 0;      // the scenario's own RSUs, replaced
  std::size_t removed_links = 0;     // backhaul links that touched them, replaced
  std::map<std::string, std::size_t> rsus_per_mec;  // new RSUs attached to each MEC
  std::size_t far_rsus = 0;          // new RSUs farther than kFarMecM from their nearest MEC
  double farthest_mec_m = 0;         // largest distance of a new RSU to its nearest MEC
  std::vector<std::string> warnings; // what a user should know before trusting the results
};

/// Replaces the RSUs of `inf` with `sites`. Each new RSU gets the cell radius, capacity and latency that all
/// the scenario's RSUs share (per field; the schema's default for a field on which they differ, or when there
/// were none) and the nearest MEC (ties: the MEC listed first). Backhaul links touching a replaced RSU are
/// removed and each new RSU is linked to its MEC with the scenario's rsu_link_bandwidth_bps/latency_s. Nothing
/// else changes. With grid_spacing_m > 0 (a grid), warns when the cell radius leaves gaps (radius below
/// spacing / sqrt(2)). Warns when RSUs are more than kFarMecM from every MEC (a trace of another area than the
/// scenario's): the run still works, with every RSU on its nearest MEC. Throws InputError when the
/// infrastructure comes from a platform file, has no MEC, `sites` is empty, or a site's id is already the id of
/// a MEC, router or broker of the scenario, or "cloud" (that error names `source` and the site's line).
/// With cell_radius_m > 0 (--cell-radius), every new RSU gets that radius instead.
RsuPlacement replace_rsus(InfrastructureConfig& inf, const std::vector<RsuSite>& sites, const std::string& source,
                          double grid_spacing_m = 0, double cell_radius_m = 0);

/// MEC sites for `--mec-grid K` over the grid that grid_rsu_sites(box, spacing_m) makes: one MEC per block of
/// K x K RSUs (blocks from the south-west corner; the last column/row of blocks may be narrower), at the mean
/// position of its block's RSUs, id "mec_<block column>_<block row>". Throws InputError for k < 1 and as
/// grid_rsu_sites does.
std::vector<RsuSite> mec_grid_sites(const BoundingBox& box, double spacing_m, int k);

/// Replaces the MECs of `inf` with `sites`: each new MEC has the capacity of the scenario's first MEC (the
/// schema's defaults when there is none). Links and brokers are cleared and the RSUs' MEC choices reset (the
/// loader makes them again from the new MECs: a broker per MEC, each RSU on its nearest MEC, MEC mesh and cloud
/// links). Returns the number of MECs removed. Throws InputError (naming `source` and the site's line) for an
/// id that is "cloud" or an RSU's, and when the infrastructure comes from a platform file.
std::size_t replace_mecs(InfrastructureConfig& inf, const std::vector<RsuSite>& sites, const std::string& source);

/// Warnings about a layout over a trace: when one MEC serves most RSUs (more than half of them, and more than
/// twice its fair share, with at least 2 MECs and 4 RSUs), and when MECs lie outside the trace's bounding box
/// by more than the largest cell radius.
std::vector<std::string> layout_warnings(const InfrastructureConfig& inf, const BoundingBox& trace_box);

/// A warning (empty string if none) when no RSU's cell reaches the trace's bounding box: no vehicle of the
/// trace would ever be covered (typically a trace in another coordinate frame than the scenario's RSUs).
std::string coverage_warning(const std::vector<RsuConfig>& rsus, const BoundingBox& trace_box);

} // namespace v2x
