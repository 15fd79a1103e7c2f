#include "stations/station_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace v2x {


StationId StationTable::add(std::string name, StationKind kind, std::uint32_t vehicle, double now)
{
  const auto id = static_cast<StationId>(views_.size());
  StationView v;
  v.present = true;
  v.kind = kind;
  views_.push_back(v);
  by_name_.emplace(name, id);
  info_.push_back(StationInfo{std::move(name), vehicle, now, false, 0});
  return id;
}

StationId StationTable::find(const std::string& name) const
{
  auto it = by_name_.find(name);
  return it == by_name_.end() ? kNone : it->second;
}

} // namespace v2x
