#pragma once
// The stations (RSUs first, then vehicles in order of appearance) and what is known of each now. The views
// are what policies read; the rest is the actors' bookkeeping.
#include "core/ids.hpp"
#include "migration/policy.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace v2x {

struct StationInfo {
  std::string name;
  std::uint32_t vehicle = kNone;  // VehicleIndex in the mobility tracker (vehicles only)
  double appeared = 0;
  bool left = false;
  std::uint32_t sequence = 0;     // messages created so far
};

class StationTable {
public:
  StationId add(std::string name, StationKind kind, std::uint32_t vehicle, double now);
  void mark_left(StationId s) { info_[s].left = true; views_[s].present = false; }

  StationView& view(StationId s) { return views_[s]; }
  const StationView& view(StationId s) const { return views_[s]; }
  StationInfo& info(StationId s) { return info_[s]; }
  const StationInfo& info(StationId s) const { return info_[s]; }
  const std::vector<StationView>& views() const { return views_; }
  std::size_t size() const { return views_.size(); }
  /// kNone when no station has that name.
  StationId find(const std::string& name) const;

private:
  std::vector<StationView> views_;
  std::vector<StationInfo> info_;
  std::unordered_map<std::string, StationId> by_name_;
};

} // namespace v2x
