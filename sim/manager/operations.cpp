#include "manager/operations.hpp"

#include "edge/twin_book.hpp"
#include "metrics/recorder.hpp"

namespace v2x {

void Operations::record_unfinished(double end, const TwinBook& twins, Recorder& recorder)
{
  for (auto& [id, e] : entries_) {
    MigrationRecord r = e.record;
    r.outcome = MigrationOutcome::Unfinished;
    r.finished = end;
    r.downtime = e.migration ? twins.downtime(r.station, end) - e.down_before : 0.0;
    r.note = fixed_name("unfinished at end of run");
    recorder.migration(r);
  }
  entries_.clear();
}

} // namespace v2x
