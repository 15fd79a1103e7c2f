#pragma once
// Which RSU serves a position: the nearest RSU whose cell (disc of its radius) covers it. A Boost.Geometry
// R-tree keeps this fast with thousands of RSUs. No SimGrid here.
#include "core/ids.hpp"

#include <memory>
#include <vector>

namespace v2x {

struct Cell {
  double x_m = 0;
  double y_m = 0;
  double radius_m = 0;
};

class CellIndex {
public:
  explicit CellIndex(std::vector<Cell> cells);
  ~CellIndex();
  CellIndex(CellIndex&&) noexcept;
  CellIndex& operator=(CellIndex&&) noexcept;

  /// The nearest RSU whose cell covers (x, y) (ties: lower id), or kNone when no cell covers it.
  RsuId serving(double x_m, double y_m) const;
  /// Distance from (x, y) to RSU r's site, in metres.
  double distance(RsuId r, double x_m, double y_m) const;
  /// True if (x, y) is within range_m of RSU r's site (squared distances: no square root).
  bool within(RsuId r, double x_m, double y_m, double range_m) const;
  std::size_t size() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace v2x
