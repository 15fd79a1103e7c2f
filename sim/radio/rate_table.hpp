#pragma once
// Radio rate by distance to the RSU: a copy, under the radio model, of actors/vehicle.hpp's RadioModel with the same
// semantics (the vehicle code switches to it when the telemetry plane is rebuilt). Pure model.
#include "config/scenario.hpp"

#include <cstddef>
#include <vector>

namespace v2x::radio {

/// Rate cap by distance: the rate of the first step whose distance is >= d (the last step beyond them all).
/// Steps are those of Network.rate_step (sorted by increasing distance, rates in B/s).
class RateTable {
public:
  explicit RateTable(std::vector<RateStep> steps);
  /// Index of the step for distance d: the first whose distance is >= d, the last beyond them all (0 when empty).
  std::size_t step(double distance_m) const;
  /// Rate (B/s) at distance d; 0 when there are no steps.
  double rate_bps(double distance_m) const;
  const std::vector<RateStep>& steps() const { return steps_; }

private:
  std::vector<RateStep> steps_;
};

} // namespace v2x::radio
