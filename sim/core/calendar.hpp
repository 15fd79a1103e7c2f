#pragma once
// The telemetry plane's own event calendar: a 4-ary min-heap on (time, insertion number), so that events at the
// same simulated time run in the order they were scheduled (deterministic, whatever the heap's layout: the key
// is a strict total order, so any correct heap pops the same sequence). Four children per node halve the depth of
// a binary heap, and a pop's sift-down (the costly part, with most events scheduled a few ms ahead of tens of
// thousands pending at city scale) touches half as many cache lines. A plain heap was measured faster here than a
// calendar queue for the plane's event mix: see tools/bench.sh. tests/unit/test_calendar.cpp holds it to
// std::priority_queue on random schedules.
//
// The heap holds 16-byte nodes (time, and one word of insertion number << 26 | slot) and the events sit in a slab
// by slot: a node's four children share one or two cache lines, and a sift moves 16 bytes, not the event. Limits
// (std::length_error beyond them, never reached by a run that fits in memory): 2^26 (67 million) events pending
// at once, 2^38 (2.7e11) events scheduled in a run.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
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

  void push(double time, const Event& e) { push_heap(make_node(time, e)); }
  /// The same, for an event that recurs with the period of its `lane` (0 .. kLanes - 1; one lane per period,
  /// see the header): the same order, cheaper.
  void push_periodic(double time, const Event& e, std::size_t lane)
  {
    const Node n = make_node(time, e);
    Lane& l = lanes_[lane];
    std::size_t i = l.nodes.size();
    for (std::size_t steps = 0; i > l.head && before(n, l.nodes[i - 1]); --i)
      if (++steps > kLaneSearch) {
        push_heap(n);  // far from the end: not worth the shift
        return;
      }
    if (i == l.nodes.size())
      l.nodes.push_back(n);
    else
      l.nodes.insert(l.nodes.begin() + static_cast<std::ptrdiff_t>(i), n);
    if (i == l.head)
      front_[lane] = n;
  }
  bool empty() const { return size() == 0; }
  std::size_t size() const
  {
    std::size_t n = heap_.size();
    for (const Lane& l : lanes_)
      n += l.nodes.size() - l.head;
    return n;
  }
  /// Time of the earliest event; +inf when empty.
  double next_time() const
  {
    double t = heap_.empty() ? kEnd.time : heap_.front().time;
    for (const Node& f : front_)
      t = f.time < t ? f.time : t;
    return t;
  }
  Entry pop()
  {
    std::size_t from = kLanes;  // kLanes: the heap
    const Node* best = heap_.empty() ? &kEnd : &heap_.front();
    for (std::size_t k = 0; k < kLanes; ++k)
      if (before(front_[k], *best)) {
        best = &front_[k];
        from = k;
      }
    Node top;
    if (from < kLanes) {
      Lane& l = lanes_[from];
      top = l.nodes[l.head++];
      if (l.head == l.nodes.size()) {
        l.nodes.clear();
        l.head = 0;
        front_[from] = kEnd;
      } else {
        front_[from] = l.nodes[l.head];
        if (l.head >= 4096 && l.head * 2 >= l.nodes.size()) {  // compact: the lane's memory stays bounded
          l.nodes.erase(l.nodes.begin(), l.nodes.begin() + static_cast<std::ptrdiff_t>(l.head));
          l.head = 0;
        }
      }
    } else {
      top = heap_.front();
      const Node last = heap_.back();
      heap_.pop_back();
      if (!heap_.empty())
        sift_down(last);
    }
    const auto slot = static_cast<std::uint32_t>(top.key & kSlotMask);
    free_.push_back(slot);
    return Entry{top.time, top.key >> kSlotBits, events_[slot]};
  }

private:
  struct Node {
    double time;
    std::uint64_t key;  // insertion number << kSlotBits | slot: ordered by insertion number
  };
  struct Lane {
    std::vector<Node> nodes;  // sorted; those before `head` are popped
    std::size_t head = 0;
  };

public:
  static constexpr std::size_t kLanes = 4;

private:
  static constexpr std::size_t kArity = 4;
  static constexpr std::size_t kLaneSearch = 64;
  static constexpr unsigned kSlotBits = 26;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  static constexpr std::size_t kMaxSlots = std::size_t{1} << kSlotBits;
  static constexpr std::uint64_t kMaxOrder = std::uint64_t{1} << (64 - kSlotBits);

  static bool before(const Node& a, const Node& b) { return a.time < b.time || (a.time == b.time && a.key < b.key); }
  Node make_node(double time, const Event& e)
  {
    std::uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
      events_[slot] = e;
    } else {
      if (events_.size() >= kMaxSlots)
        throw std::length_error("event calendar: more than 2^26 events pending at once");
      slot = static_cast<std::uint32_t>(events_.size());
      events_.push_back(e);
    }
    if (next_ >= kMaxOrder)
      throw std::length_error("event calendar: more than 2^38 events scheduled in one run");
    return Node{time, (next_++ << kSlotBits) | slot};
  }
  void push_heap(const Node& n)
  {
    heap_.push_back(n);
    sift_up(heap_.size() - 1);
  }
  void sift_up(std::size_t i)
  {
    const Node e = heap_[i];
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
  void sift_down(const Node e)
  {
    const std::size_t n = heap_.size();
    Node* h = heap_.data();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n)
        break;
      std::size_t best = first;
      if (first + kArity <= n) {  // a full family: no bound checks
        if (before(h[first + 1], h[best]))
          best = first + 1;
        if (before(h[first + 2], h[best]))
          best = first + 2;
        if (before(h[first + 3], h[best]))
          best = first + 3;
      } else {
        for (std::size_t c = first + 1; c < n; ++c)
          if (before(h[c], h[best]))
            best = c;
      }
      if (!before(h[best], e))
        break;
      h[i] = h[best];
      i = best;
    }
    h[i] = e;
  }
  std::vector<Node> heap_;
  static constexpr Node kEnd{std::numeric_limits<double>::infinity(), ~std::uint64_t{0}};  // an empty source
  Lane lanes_[kLanes];
  Node front_[kLanes] = {kEnd, kEnd, kEnd, kEnd};  // each lane's first node (kEnd: empty)
  std::vector<Event> events_;        // by slot
  std::vector<std::uint32_t> free_;  // free slots
  std::uint64_t next_ = 0;
};

} // namespace v2x
