#pragma once
// The telemetry plane's own event calendar: a binary min-heap on (time, insertion number), so that events at
// the same simulated time run in the order they were scheduled (deterministic, whatever the heap's layout).
// A plain heap was measured faster here than a calendar queue for the plane's event mix (most events are
// scheduled less than a few ms ahead): see tools/bench.sh.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace v2x {

template <class Event> class Calendar {
public:
  struct Entry {
    double time;
    std::uint64_t order;
    Event event;
  };

  void push(double time, const Event& e)
  {
    heap_.push_back(Entry{time, next_++, e});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  /// Time of the earliest event; +inf when empty.
  double next_time() const { return heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.front().time; }
  Entry pop()
  {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Entry e = heap_.back();
    heap_.pop_back();
    return e;
  }

private:
  static bool later(const Entry& a, const Entry& b) { return a.time > b.time || (a.time == b.time && a.order > b.order); }
  std::vector<Entry> heap_;
  std::uint64_t next_ = 0;
};

} // namespace v2x
