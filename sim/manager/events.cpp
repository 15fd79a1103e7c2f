#include "manager/events.hpp"

#include <utility>
#include <vector>

namespace v2x {

namespace sg4 = simgrid::s4u;

ManagerInbox::ManagerInbox() : ready_(sg4::Semaphore::create(0)) {}

ManagerInbox::~ManagerInbox()
{
  // The manager may still wait on ready_ when a run stops (a daemon is not unwound before the engine goes), and
  // SimGrid aborts when a synchronisation object is destroyed while waited on: one reference is kept until the
  // process exits (as NetworkView's and MecLedger's).
  static auto* const kept = new std::vector<sg4::SemaphorePtr>();
  kept->push_back(std::move(ready_));
}

void ManagerInbox::post(ManagerEvent event)
{
  queue_.push_back(event);
  if (waiting_)
    ready_->release();
}

std::unique_ptr<ManagerEvent> ManagerInbox::get()
{
  while (queue_.empty()) {  // a release left over from an earlier wait only makes one more turn
    waiting_ = true;
    ready_->acquire();
    waiting_ = false;
  }
  auto event = std::make_unique<ManagerEvent>(queue_.front());
  queue_.pop_front();
  return event;
}

} // namespace v2x
