#include "stations/obu.hpp"

namespace v2x {

RsuId roam(const CellIndex& cells, const std::vector<RsuInfo>& rsus, RsuId current, double x_m, double y_m,
           double margin_db, const radio::LossModel& loss)
{
  const RsuId best = cells.serving(x_m, y_m);
  if (current == kNone || best == kNone || best == current)
    return best;
  const double here = cells.distance(current, x_m, y_m);
  if (here > rsus[current].radius_m)
    return best;  // link lost
  return loss.mean_rx_dbm(cells.distance(best, x_m, y_m)) > loss.mean_rx_dbm(here) + margin_db ? best : current;
}

} // namespace v2x
