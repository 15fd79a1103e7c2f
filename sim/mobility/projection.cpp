#include "mobility/projection.hpp"

#include "core/error.hpp"

#include <cmath>
#include <cstdio>
#include <proj.h>

namespace v2x {

struct GeoProjection::Impl {
  PJ_CONTEXT* ctx = nullptr;
  PJ* pj = nullptr;
  ~Impl()
  {
    if (pj)
      proj_destroy(pj);
    if (ctx)
      proj_context_destroy(ctx);
  }
};

GeoProjection::GeoProjection(const std::string& definition, const std::string& field)
    : impl_(std::make_unique<Impl>())
    , definition_(definition)
{
  impl_->ctx = proj_context_create();
  proj_log_level(impl_->ctx, PJ_LOG_NONE);
  PJ* target = proj_create(impl_->ctx, definition.c_str());
  if (!target)
    throw InputError({}, field, definition,
                     std::string("not a projection PROJ accepts: ") +
                         proj_context_errno_string(impl_->ctx, proj_context_errno(impl_->ctx)));
  const PJ_TYPE type = proj_get_type(target);
  proj_destroy(target);
  if (type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS || type == PJ_TYPE_GEOGRAPHIC_CRS ||
      type == PJ_TYPE_GEODETIC_CRS || type == PJ_TYPE_GEOCENTRIC_CRS)
    throw InputError({}, field, definition,
                     "a geographic or geocentric CRS: the projection must give metres "
                     "east and north (e.g. +proj=utm +zone=32 +datum=WGS84)");
  PJ* op = proj_create_crs_to_crs(impl_->ctx, "EPSG:4326", definition.c_str(), nullptr);
  if (!op)
    throw InputError({}, field, definition,
                     std::string("PROJ finds no transformation from WGS84 lon/lat to it: ") +
                         proj_context_errno_string(impl_->ctx, proj_context_errno(impl_->ctx)));
  impl_->pj = proj_normalize_for_visualization(impl_->ctx, op); // lon, lat order whatever the CRS's axis order
  proj_destroy(op);
  if (!impl_->pj)
    throw InputError({}, field, definition, "PROJ cannot order its axes as lon, lat");
}

GeoProjection::GeoProjection(GeoProjection&&) noexcept = default;
GeoProjection& GeoProjection::operator=(GeoProjection&&) noexcept = default;
GeoProjection::~GeoProjection() = default;

std::string GeoProjection::utm_for(double lon_deg, double lat_deg)
{
  double lon = std::fmod(lon_deg + 180.0, 360.0);
  if (lon < 0)
    lon += 360.0;
  int zone = static_cast<int>(std::floor(lon / 6.0)) + 1;
  zone = zone < 1 ? 1 : zone > 60 ? 60 : zone;
  char buf[96];
  std::snprintf(buf, sizeof buf, "+proj=utm +zone=%d%s +datum=WGS84 +units=m +no_defs", zone,
                lat_deg < 0 ? " +south" : "");
  return buf;
}

bool GeoProjection::forward(double lon_deg, double lat_deg, double& x_m, double& y_m) const
{
  PJ_COORD out = proj_trans(impl_->pj, PJ_FWD, proj_coord(lon_deg, lat_deg, 0, 0));
  if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y))
    return false;
  x_m = out.xy.x;
  y_m = out.xy.y;
  return true;
}

bool GeoProjection::inverse(double x_m, double y_m, double& lon_deg, double& lat_deg) const
{
  PJ_COORD out = proj_trans(impl_->pj, PJ_INV, proj_coord(x_m, y_m, 0, 0));
  if (!std::isfinite(out.lp.lam) || !std::isfinite(out.lp.phi))
    return false;
  lon_deg = out.lp.lam;
  lat_deg = out.lp.phi;
  return true;
}

void LazyProjection::project(double lon_deg, double lat_deg, double& x_m, double& y_m)
{
  if (!proj_)
    proj_ = std::make_unique<GeoProjection>(wanted_.empty() ? GeoProjection::utm_for(lon_deg, lat_deg) : wanted_);
  if (!proj_->forward(lon_deg, lat_deg, x_m, y_m)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.9g,%.9g", lon_deg, lat_deg);
    throw InputError({}, "lon/lat", buf, "PROJ cannot project this position with " + proj_->definition());
  }
}

} // namespace v2x
