#pragma once
// The telemetry plane's own event calendar: a 4-ary min-heap on (time, insertion number), so that events at the
// same simulated time run in the order they were scheduled (deterministic, whatever the heap's layout: the key
// is a strict total order, so any correct heap pops the same sequence). Four children per node halve the depth of
// a binary heap, and a pop's sift-down (the costly part, with most events scheduled a few ms ahead of tens of
// thousands pending at city scale) touches half as many cache lines. A plain heap was measured faster here than a
// calendar queue for the plane's event mix: see tools/bench.sh. tests/unit/test_calendar.cpp holds it to
// std::priority_queue on random schedules.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
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
    sift_up(heap_.size() - 1);
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  /// Time of the earliest event; +inf when empty.
  double next_time() const { return heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.front().time; }
  Entry pop()
  {
    Entry top = heap_.front();
    Entry last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty())
      sift_down(std::move(last));
    return top;
  }

private:
  static constexpr std::size_t kArity = 4;
  static bool before(const Entry& a, const Entry& b) { return a.time < b.time || (a.time == b.time && a.order < b.order); }
  void sift_up(std::size_t i)
  {
    Entry e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!before(e, heap_[parent]))
        break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }
  /// Places `e` from the root down (the root's slot is free).
  void sift_down(Entry e)
  {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n)
        break;
      const std::size_t end = first + kArity < n ? first + kArity : n;
      std::size_t best = first;
      for (std::size_t c = first + 1; c < end; ++c)
        if (before(heap_[c], heap_[best]))
          best = c;
      if (!before(heap_[best], e))
        break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }
  std::vector<Entry> heap_;
  std::uint64_t next_ = 0;
};

} // namespace v2x
