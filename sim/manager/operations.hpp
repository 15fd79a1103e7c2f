#pragma once
// The manager's operations in flight (placements, migrations, removals): each MigrationRun keeps its record
// here while it runs, so that the operations still running when the run ends are recorded too, as unfinished,
// with what they had done (bytes moved, downtime so far).
#include "metrics/records.hpp"

#include <cstdint>
#include <map>

namespace v2x {

class Recorder;
class TwinBook;

class Operations {
public:
  struct Entry {
    MigrationRecord record;
    double down_before = 0;  // the twin's downtime when the operation started (migrations: its own downtime)
    bool migration = false;
  };

  /// The entry of a starting operation (stable until finished() or record_unfinished()).
  Entry& started(const MigrationRecord& record, bool migration)
  {
    Entry& e = entries_[record.id];
    e.record = record;
    e.migration = migration;
    return e;
  }
  void finished(std::uint32_t id) { entries_.erase(id); }
  std::size_t size() const { return entries_.size(); }

  /// Records every operation still running at `end` (in id order: the order they were accepted) with outcome
  /// unfinished, `finished` = end, and empties the table.
  void record_unfinished(double end, const TwinBook& twins, Recorder& recorder);

private:
  std::map<std::uint32_t, Entry> entries_;  // by MigrationRecord::id
};

} // namespace v2x
