#pragma once
// State continuity across migrations (/continuity, one row per migration that served again). A mechanism that
// carries the twin's state (stop-and-copy, pre-copy, post-copy: Mechanism::carries_state) serves again with the
// state it had when it stopped: its age then is that of the newest CAM in it. One that does not (stateless-
// restart, make-before-break) starts an instance with no state: it holds its window again (twin.state_window_s)
// once it has processed CAMs spanning that long, `rebuild_s` after it started serving. Make-before-break's new
// instance subscribes while the old one still does, until the old one's container is stopped: MQTT delivers each
// of the station's messages to both meanwhile, and those are counted as duplicates (the old instance's copy is not
// processed: the count is what the model adds). A row is written once what it reports is known: the state is
// there (carried or rebuilt) and the old instance no longer subscribes; rows still open at the end (or at the
// station's next migration) are written as they are (rebuild_s NaN: not rebuilt).
#include "edge/sync.hpp"
#include "edge/twin_book.hpp"
#include "metrics/recorder.hpp"

#include <vector>

namespace v2x {

class StateContinuity {
public:
  StateContinuity(double state_window_s, bool carries_state, const TwinBook& twins, Recorder& recorder);
  /// twin.mode HYBRID: rows report the cloud twin's age when the edge twin serves again.
  void set_cloud(const CloudTwins* cloud) { cloud_ = cloud; }
  bool carries_state() const { return carries_state_; }

  /// Migration `migration` of `station`: `fresh` serves from `now`; `previous` served just before (kNone: none).
  void served(std::uint32_t migration, StationId station, InstanceId previous, InstanceId fresh, double now);
  /// One of `station`'s own messages leaves a broker towards its twin: a duplicate if an old instance still
  /// subscribes beside the serving one.
  void message(StationId station);
  /// The serving instance of `station` processed its CAM created at `created`, at `done`.
  void processed(StationId station, double created, double done);
  /// Writes the rows still open.
  void finish(double end);

  std::uint64_t migrations() const { return migrations_; }
  std::uint64_t state_lost() const { return lost_; }
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t rebuilt() const { return rebuilt_; }
  double rebuild_total_s() const { return rebuild_total_s_; }

private:
  struct Open {
    bool active = false;
    ContinuityRecord row;
    InstanceId old = kNone;
    std::uint32_t old_generation = 0;
    double first_created = 0;
    bool any = false;     // a CAM was processed since serving
    bool ready = false;   // state carried or rebuilt
  };
  bool old_subscribes(const Open& o) const;
  void maybe_write(Open& o, bool force);

  double window_s_;
  bool carries_state_;
  const TwinBook& twins_;
  Recorder& recorder_;
  const CloudTwins* cloud_ = nullptr;
  std::vector<Open> open_;  // by station
  std::uint64_t migrations_ = 0, lost_ = 0, duplicates_ = 0, rebuilt_ = 0;
  double rebuild_total_s_ = 0;
};

} // namespace v2x
