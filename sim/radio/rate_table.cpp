// Rate by distance (see rate_table.hpp).
#include "radio/rate_table.hpp"

#include <utility>

namespace v2x::radio {

RateTable::RateTable(std::vector<RateStep> steps)
    : steps_(std::move(steps))
{
}

std::size_t RateTable::step(double distance_m) const
{
  for (std::size_t k = 0; k < steps_.size(); ++k)
    if (distance_m <= steps_[k].distance_m)
      return k;
  return steps_.empty() ? 0 : steps_.size() - 1;
}

double RateTable::rate_bps(double distance_m) const
{
  return steps_.empty() ? 0 : steps_[step(distance_m)].rate_bps;
}

} // namespace v2x::radio
