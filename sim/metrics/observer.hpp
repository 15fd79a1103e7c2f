#pragma once
// Observes what the recorder records, as it is recorded (tests assert on it; tools can stream it elsewhere).
#include "metrics/records.hpp"

namespace v2x {

class RecordObserver {
public:
  virtual ~RecordObserver() = default;
  virtual void on_message(const MessageRecord&) {}
  virtual void on_handover(const HandoverRecord&) {}
  virtual void on_migration(const MigrationRecord&) {}
  virtual void on_phase(const PhaseRecord&) {}
};

} // namespace v2x
