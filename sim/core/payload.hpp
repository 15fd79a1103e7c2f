#pragma once
// Payloads of detached comms (put_init(...)->detach()). A detached comm that is never received (the run stops
// on an input error, or ends at its duration with messages still queued) is destroyed by the engine with its
// payload: detach(delete_payload<T>) gives it the deleter, so that nothing leaks (LeakSanitizer, make asan).
namespace v2x {

template <class T> void delete_payload(void* p)
{
  delete static_cast<T*>(p);
}

} // namespace v2x
