#include "stations/obu.hpp"

namespace v2x {

RsuId roam(const CellIndex& cells, const std::vector<RsuInfo>& rsus, RsuId current, double x_m, double y_m,
           double margin_m)
{
  const RsuId best = cells.serving(x_m, y_m);
  if (current == kNone || best == kNone || best == current)
    return best;
  const double here = cells.distance(current, x_m, y_m);
  if (here > rsus[current].radius_m)
    return best;  // link lost
  return cells.distance(best, x_m, y_m) < here - margin_m ? best : current;
}

} // namespace v2x
