#include "mobility/cell_index.hpp"

#include "core/error.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <cmath>
#include <string>
#include <utility>

namespace v2x {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

struct CellIndex::Impl {
  using Point = bg::model::point<double, 2, bg::cs::cartesian>;
  using Box = bg::model::box<Point>;
  using Entry = std::pair<Point, RsuId>;

  std::vector<Cell> cells;
  bgi::rtree<Entry, bgi::rstar<16>> tree;
  double max_radius = 0;
  mutable std::vector<Entry> candidates;  // reused by serving(); CellIndex is not thread-safe
};

CellIndex::CellIndex(std::vector<Cell> cells) : impl_(std::make_unique<Impl>())
{
  std::vector<Impl::Entry> entries;
  entries.reserve(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const Cell& c = cells[i];
    std::string where = "rsus[" + std::to_string(i) + "]";
    if (!std::isfinite(c.x_m) || !std::isfinite(c.y_m))
      throw InputError({}, where + ".x_m/y_m", std::to_string(c.x_m) + "," + std::to_string(c.y_m),
                       "RSU position must be finite");
    if (!std::isfinite(c.radius_m) || c.radius_m < 0)
      throw InputError({}, where + ".cell_radius_m", std::to_string(c.radius_m), "must be a finite number >= 0");
    entries.emplace_back(Impl::Point(c.x_m, c.y_m), static_cast<RsuId>(i));
    impl_->max_radius = std::max(impl_->max_radius, c.radius_m);
  }
  impl_->tree = decltype(impl_->tree)(entries.begin(), entries.end());  // bulk load (packing)
  impl_->cells = std::move(cells);
}

CellIndex::~CellIndex() = default;
CellIndex::CellIndex(CellIndex&&) noexcept = default;
CellIndex& CellIndex::operator=(CellIndex&&) noexcept = default;

RsuId CellIndex::serving(double x_m, double y_m) const
{
  const Impl& m = *impl_;
  if (m.cells.empty() || !std::isfinite(x_m) || !std::isfinite(y_m))
    return kNone;
  // Candidates: sites within the largest radius (a box query), then the exact disc test per site.
  const double r = m.max_radius;
  Impl::Box box(Impl::Point(x_m - r, y_m - r), Impl::Point(x_m + r, y_m + r));
  m.candidates.clear();
  m.tree.query(bgi::intersects(box), std::back_inserter(m.candidates));
  RsuId best = kNone;
  double best_d2 = 0;
  for (const auto& [pt, id] : m.candidates) {
    const Cell& c = m.cells[id];
    double dx = x_m - c.x_m, dy = y_m - c.y_m;
    double d2 = dx * dx + dy * dy;
    if (d2 > c.radius_m * c.radius_m)
      continue;
    if (best == kNone || d2 < best_d2 || (d2 == best_d2 && id < best)) {
      best = id;
      best_d2 = d2;
    }
  }
  return best;
}

double CellIndex::distance(RsuId r, double x_m, double y_m) const
{
  const Cell& c = impl_->cells.at(r);
  return std::hypot(x_m - c.x_m, y_m - c.y_m);
}

bool CellIndex::within(RsuId r, double x_m, double y_m, double range_m) const
{
  const Cell& c = impl_->cells[r];
  const double dx = x_m - c.x_m, dy = y_m - c.y_m;
  return dx * dx + dy * dy <= range_m * range_m;
}

std::size_t CellIndex::size() const { return impl_->cells.size(); }

} // namespace v2x
