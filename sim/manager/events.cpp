#include "manager/events.hpp"

#include <mutex>
#include <utility>
#include <vector>

namespace v2x {

namespace sg4 = simgrid::s4u;

ManagerInbox::ManagerInbox() : mutex_(sg4::Mutex::create()), ready_(sg4::ConditionVariable::create()) {}

ManagerInbox::~ManagerInbox()
{
  // The manager may still wait on ready_ when a run stops (a daemon is not unwound before the engine goes), and
  // SimGrid aborts when a condition variable is destroyed while waited on: one reference is kept until the
  // process exits (as NetworkView's and MecLedger's).
  static auto* const kept = new std::vector<std::pair<sg4::MutexPtr, sg4::ConditionVariablePtr>>();
  kept->emplace_back(std::move(mutex_), std::move(ready_));
}

void ManagerInbox::post(ManagerEvent event)
{
  queue_.push_back(event);
  if (waiting_)
    ready_->notify_one();
}

std::unique_ptr<ManagerEvent> ManagerInbox::get()
{
  if (queue_.empty()) {
    std::unique_lock lock(*mutex_);
    while (queue_.empty()) {
      waiting_ = true;
      ready_->wait(lock);
      waiting_ = false;
    }
  }
  auto event = std::make_unique<ManagerEvent>(queue_.front());
  queue_.pop_front();
  return event;
}

} // namespace v2x
