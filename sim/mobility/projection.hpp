#pragma once
// Geographic positions (WGS84 lon/lat degrees) to metres, with PROJ: by default the UTM zone of a trace's first
// point, or a projection the scenario names (mobility.projection). Traces, RSU sites and MEC sites of one run
// go through the same projection, so that they share one frame. No SimGrid here; the only code that includes
// <proj.h> is projection.cpp.
#include <memory>
#include <string>

namespace v2x {

class GeoProjection {
public:
  /// `definition`: anything PROJ accepts as a target CRS, e.g. "+proj=utm +zone=32 +datum=WGS84 +units=m
  /// +no_defs", "EPSG:32632", or a local "+proj=tmerc +lat_0=44.5 +lon_0=11.3 +ellps=WGS84". Positions are
  /// transformed from EPSG:4326 in lon, lat order. Throws InputError (field `field`, value the definition)
  /// when PROJ refuses it or when its output is not in metres (a geographic target CRS).
  explicit GeoProjection(const std::string& definition, const std::string& field = "mobility.projection");
  GeoProjection(GeoProjection&&) noexcept;
  GeoProjection& operator=(GeoProjection&&) noexcept;
  ~GeoProjection();

  /// The UTM zone of (lon, lat) as a PROJ string: zone floor((lon + 180) / 6) + 1 (1..60), "+south" below the
  /// equator; WGS84. Norway's and Svalbard's exceptions to the zone grid are not applied (the projection is
  /// still conformal there, with a larger scale error).
  static std::string utm_for(double lon_deg, double lat_deg);

  /// (lon, lat) degrees -> (x, y) metres east/north in the projection. Returns false when PROJ cannot project
  /// the point (then x, y are untouched).
  bool forward(double lon_deg, double lat_deg, double& x_m, double& y_m) const;
  /// The inverse, for printing positions as lon/lat. False when PROJ cannot.
  bool inverse(double x_m, double y_m, double& lon_deg, double& lat_deg) const;

  const std::string& definition() const { return definition_; }

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string definition_;
};

/// What the readers use: the projection is made on the first point projected, from the given definition or,
/// when it is empty, from that point's UTM zone.
class LazyProjection {
public:
  explicit LazyProjection(std::string definition = {})
      : wanted_(std::move(definition))
  {
  }
  /// Throws InputError when the definition is refused or PROJ cannot project the point.
  void project(double lon_deg, double lat_deg, double& x_m, double& y_m);
  /// The definition in use: empty until a point was projected.
  std::string definition() const { return proj_ ? proj_->definition() : std::string(); }

private:
  std::string wanted_;
  std::unique_ptr<GeoProjection> proj_;
};

} // namespace v2x
