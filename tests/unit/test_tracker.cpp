// MobilityTracker: event order and timing, interpolation, gaps, start time, max_vehicles, derived kinematics,
// bounded look-ahead, and agreement with the Bologna excerpt.
#include "mobility/tracker.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace v2x;
using Type = MobilityEvent::Type;

namespace {

const std::string kTraces = std::string(V2X_TEST_DATA) + "/traces/";

// In-memory trace; counts the steps handed out so tests can check how far the tracker read ahead.
class VectorReader final : public TraceReader {
public:
  explicit VectorReader(std::vector<TraceStep> steps, int* reads = nullptr) : steps_(std::move(steps)), reads_(reads)
  {
  }
  bool next(TraceStep& step) override
  {
    if (i_ == steps_.size())
      return false;
    step = steps_[i_++];
    if (reads_)
      ++*reads_;
    return true;
  }
  const char* format_name() const override { return "vector"; }

private:
  std::vector<TraceStep> steps_;
  std::size_t i_ = 0;
  int* reads_;
};

// Generated trace: `f(step index)` gives the step; stops after `n` steps.
class GeneratedReader final : public TraceReader {
public:
  GeneratedReader(std::size_t n, std::function<void(std::size_t, TraceStep&)> f, std::size_t* reads)
      : n_(n), f_(std::move(f)), reads_(reads)
  {
  }
  bool next(TraceStep& step) override
  {
    if (*reads_ == n_)
      return false;
    f_((*reads_)++, step);
    return true;
  }
  const char* format_name() const override { return "generated"; }

private:
  std::size_t n_;
  std::function<void(std::size_t, TraceStep&)> f_;
  std::size_t* reads_;
};

VehicleSample veh(std::string id, double x, double y, double speed = 0, double angle = 0)
{
  VehicleSample v;
  v.id = std::move(id);
  v.x_m = x;
  v.y_m = y;
  v.speed_mps = speed;
  v.angle_deg = angle;
  return v;
}

std::vector<MobilityEvent> all_events(MobilityTracker& m)
{
  std::vector<MobilityEvent> out;
  for (double t = m.next_event_time(); std::isfinite(t); t = m.next_event_time())
    m.pop_events(t, out);
  return out;
}

MobilityOptions opts(double gap = 2.0, double start = 0, std::uint32_t max = 0)
{
  MobilityOptions o;
  o.max_gap_s = gap;
  o.start_s = start;
  o.max_vehicles = max;
  return o;
}

} // namespace

TEST_CASE("appear at the first sample, leave at the last, Leave before Appear at equal times", "[tracker]")
{
  // a: 0..2, b: 1..3, c: 2..3 (appears when a leaves), d: 2..3 (after c in the trace).
  std::vector<TraceStep> steps = {
      {0, {veh("a", 0, 0)}},
      {1, {veh("a", 1, 0), veh("b", 0, 0)}},
      {2, {veh("d", 0, 0), veh("c", 0, 0), veh("a", 2, 0), veh("b", 1, 0)}},
      {3, {veh("b", 2, 0), veh("c", 1, 0), veh("d", 1, 0)}},
  };
  MobilityTracker m(std::make_unique<VectorReader>(steps), opts(1.0, 0));
  auto ev = all_events(m);
  // Expected by hand: indices a=0, b=1, d=2, c=3 (order in the trace at t=2); at t=2 a leaves (its last sample:
  // the trace ends without it) before d and c appear; at t=3 b, d, c leave in index order.
  std::vector<MobilityEvent> want = {
      {Type::Appear, 0, 0}, {Type::Appear, 1, 1}, {Type::Leave, 2, 0}, {Type::Appear, 2, 2},
      {Type::Appear, 2, 3}, {Type::Leave, 3, 1},  {Type::Leave, 3, 2}, {Type::Leave, 3, 3},
  };
  REQUIRE(ev.size() == want.size());
  for (std::size_t i = 0; i < ev.size(); ++i) {
    INFO(i);
    CHECK(ev[i].type == want[i].type);
    CHECK(ev[i].time_s == want[i].time_s);
    CHECK(ev[i].vehicle == want[i].vehicle);
  }
  CHECK(m.name(2) == "d");
  CHECK(m.name(3) == "c");
  CHECK(m.present() == 0);
  CHECK(m.appeared() == 4);
  CHECK(m.next_event_time() == std::numeric_limits<double>::infinity());
}

TEST_CASE("positions interpolate linearly, headings along the shorter arc, speeds linearly", "[tracker]")
{
  std::vector<TraceStep> steps = {
      {10, {veh("a", 0, 0, 2, 350)}},
      {12, {veh("a", 10, -4, 4, 10)}},
      {14, {veh("a", 10, -4, 0, 10)}},
  };
  MobilityTracker m(std::make_unique<VectorReader>(steps), opts(2.0, 10));
  std::vector<MobilityEvent> ev;
  m.pop_events(0, ev);
  REQUIRE(ev.size() == 1);
  Kinematics k = m.at(0, 1.0);  // trace time 11, halfway between the first two samples
  CHECK(k.x_m == Approx(5.0));
  CHECK(k.y_m == Approx(-2.0));
  CHECK(k.speed_mps == Approx(3.0));
  CHECK(k.heading_deg == Approx(0.0).margin(1e-9));  // 350 -> 10 through north, not through 180
  k = m.at(0, 0.5);
  CHECK(k.heading_deg == Approx(355.0));
  k = m.at(0, 2.0);  // exactly a sample
  CHECK(k.x_m == 10.0);
  CHECK(k.speed_mps == 4.0);
}

TEST_CASE("gaps up to max_gap are bridged; a longer gap is a leave and a later return an appear", "[tracker]")
{
  std::vector<TraceStep> steps;
  for (int t = 0; t <= 10; ++t) {
    TraceStep s{static_cast<double>(t), {veh("keep", t, 0)}};
    // "gappy" is missing at t = 3, 4 (gap 3 - 2 = ... last seen 2, back at 5: gap 3 s > 2 s) and at t = 7 (gap 2 s).
    if (t != 3 && t != 4 && t != 7)
      s.vehicles.push_back(veh("gappy", 10 * t, 0));
    steps.push_back(s);
  }
  MobilityTracker m(std::make_unique<VectorReader>(steps), opts(2.0, 0));
  auto ev = all_events(m);
  std::vector<std::tuple<Type, double, VehicleIndex>> got;
  for (const auto& e : ev)
    got.emplace_back(e.type, e.time_s, e.vehicle);
  std::vector<std::tuple<Type, double, VehicleIndex>> want = {
      {Type::Appear, 0, 0}, {Type::Appear, 0, 1}, {Type::Leave, 2, 1}, {Type::Appear, 5, 1},
      {Type::Leave, 10, 0}, {Type::Leave, 10, 1},
  };
  CHECK(got == want);
}

TEST_CASE("interpolation across a bridged gap, and reading ahead on demand", "[tracker]")
{
  std::vector<TraceStep> steps = {{0, {veh("a", 0, 0)}}, {2, {veh("a", 20, 0)}}, {3, {veh("a", 30, 0)}}};
  int reads = 0;
  MobilityTracker m(std::make_unique<VectorReader>(steps, &reads), opts(2.0, 0));
  std::vector<MobilityEvent> ev;
  m.pop_events(0, ev);
  CHECK(m.at(0, 1.0).x_m == Approx(10.0));  // across the 2 s gap (= max_gap)
  CHECK(m.at(0, 2.5).x_m == Approx(25.0));
}

TEST_CASE("start time: NaN means the first timestep, earlier presences appear at 0", "[tracker]")
{
  std::vector<TraceStep> steps = {
      {100, {veh("a", 0, 0)}}, {101, {veh("a", 1, 0), veh("b", 0, 0)}}, {102, {veh("a", 2, 0), veh("b", 1, 0)}}};
  {
    MobilityTracker m(std::make_unique<VectorReader>(steps), opts(1.0, std::nan("")));
    auto ev = all_events(m);
    REQUIRE(ev.size() == 4);
    CHECK(ev[0].time_s == 0.0);
    CHECK(ev[1].time_s == 1.0);
    CHECK(ev[2].time_s == 2.0);
  }
  {
    // start at 101.5: a and b are both under way, they appear at 0; their leave is at 102 - 101.5.
    MobilityTracker m(std::make_unique<VectorReader>(steps), opts(1.0, 101.5));
    auto ev = all_events(m);
    REQUIRE(ev.size() == 4);
    CHECK(ev[0].type == Type::Appear);
    CHECK(ev[0].time_s == 0.0);
    CHECK(ev[1].time_s == 0.0);
    CHECK(ev[2].time_s == 0.5);
    CHECK(m.at(0, 0.0).x_m == Approx(1.5));  // a at trace time 101.5
  }
  {
    // A presence that ends before the start gives no events.
    MobilityTracker m(std::make_unique<VectorReader>(steps), opts(0.5, 102));
    CHECK(all_events(m).empty());
  }
}

TEST_CASE("steps further apart than max_gap: every sample is a presence of zero length", "[tracker]")
{
  std::vector<TraceStep> steps = {{0, {veh("a", 0, 0)}}, {1, {veh("a", 1, 0)}}, {2, {veh("a", 2, 0)}}};
  MobilityTracker m(std::make_unique<VectorReader>(steps), opts(0.5, 0));
  CHECK(all_events(m).empty());
  CHECK(m.appeared() == 0);
}

TEST_CASE("max_vehicles keeps the first N to appear; one-sample presences give no events", "[tracker]")
{
  std::vector<TraceStep> steps = {
      {0, {veh("once", 0, 0), veh("a", 0, 0)}},
      {1, {veh("a", 1, 0), veh("b", 0, 0), veh("c", 0, 0)}},
      {2, {veh("a", 2, 0), veh("b", 1, 0), veh("c", 1, 0)}},
  };
  MobilityTracker m(std::make_unique<VectorReader>(steps), opts(1.0, 0, 2));
  auto ev = all_events(m);
  std::set<std::string> names;
  for (const auto& e : ev)
    names.insert(m.name(e.vehicle));
  // "once" is seen at one instant only (no duration); a and b are the first two with a duration.
  CHECK(names == std::set<std::string>{"a", "b"});
  CHECK(ev.size() == 4);
  CHECK(m.appeared() == 2);
}

TEST_CASE("speed and heading are derived from positions when the trace has none", "[tracker]")
{
  auto nokin = [](std::string id, double x, double y) {
    VehicleSample v = veh(std::move(id), x, y);
    v.has_speed = v.has_angle = false;
    return v;
  };
  std::vector<TraceStep> steps = {
      {0, {nokin("a", 0, 0)}}, {1, {nokin("a", 3, 4)}}, {2, {nokin("a", 3, 4)}}, {3, {nokin("a", 3, 0)}}};
  MobilityTracker m(std::make_unique<VectorReader>(steps), opts(2.0, 0));
  std::vector<MobilityEvent> ev;
  m.pop_events(0, ev);
  // 0..1: moved (3, 4) in 1 s: 5 m/s, heading atan2(3, 4) = 36.87 deg clockwise from north.
  Kinematics k = m.at(0, 0.5);
  CHECK(k.speed_mps == Approx(5.0));
  CHECK(k.heading_deg == Approx(36.8699).epsilon(1e-4));
  CHECK(m.at(0, 0.0).speed_mps == Approx(5.0));  // the first sample takes its outgoing segment's values
  // 1..2: standing: speed 0, heading kept.
  k = m.at(0, 1.5);
  CHECK(k.speed_mps == 0.0);
  CHECK(k.heading_deg == Approx(36.8699).epsilon(1e-4));
  // 2..3: due south at 4 m/s.
  k = m.at(0, 2.5);
  CHECK(k.speed_mps == Approx(4.0));
  CHECK(k.heading_deg == Approx(180.0));
}

TEST_CASE("look-ahead stays within max_gap plus a step, memory does not grow with the trace", "[tracker]")
{
  // 200 vehicles, each present 50 s then replaced by a new one, over 20,000 steps of 0.1 s.
  std::size_t reads = 0;
  auto gen = [](std::size_t i, TraceStep& s) {
    s.time_s = 0.1 * static_cast<double>(i);
    s.vehicles.resize(200);
    for (std::size_t k = 0; k < 200; ++k) {
      std::size_t generation = (i + k * 2) / 500;  // staggered replacements
      s.vehicles[k] = veh("v" + std::to_string(k) + "_" + std::to_string(generation), static_cast<double>(i), k);
    }
  };
  MobilityTracker m(std::make_unique<GeneratedReader>(20000, gen, &reads), opts(1.0, 0));
  std::vector<MobilityEvent> ev;
  std::size_t max_present = 0;
  for (double t = 0; t < 1990; t += 1.0) {
    m.pop_events(t, ev);
    max_present = std::max(max_present, m.present());
    // Read up to t + max_gap (1 s) plus one step: steps 0..10(t+1)+1, so at most 10 t + 12 of them.
    CHECK(reads <= static_cast<std::size_t>(10 * t + 12.5));
    CHECK(reads >= static_cast<std::size_t>(10 * t + 10.5));
  }
  CHECK(max_present <= 200);
  CHECK(m.appeared() > 1000);  // 200 vehicles renewed every 50 s over ~2000 s
}

TEST_CASE("Bologna excerpt: present counts and positions match the trace", "[tracker]")
{
  // Independent expectation from the trace itself: first and last time of each vehicle (no gaps in this trace).
  std::map<std::string, std::pair<double, double>> span;
  std::map<std::pair<std::string, double>, std::pair<double, double>> pos;
  {
    auto r = open_trace(kTraces + "bologna_60s.fcd.xml.gz");
    TraceStep s;
    while (r->next(s))
      for (const auto& v : s.vehicles) {
        auto [it, fresh] = span.emplace(v.id, std::make_pair(s.time_s, s.time_s));
        it->second.second = s.time_s;
        pos[{v.id, s.time_s}] = {v.x_m, v.y_m};
      }
  }
  MobilityTracker m(open_trace(kTraces + "bologna_60s.fcd.xml.gz"), opts(2.0, std::nan("")));
  std::vector<MobilityEvent> ev;
  for (int t = 0; t < 60; ++t) {
    m.pop_events(t, ev);
    std::size_t want = 0;
    for (const auto& [id, s] : span)
      want += s.first < s.second && s.first <= 600 + t && 600 + t < s.second;
    INFO("t = " << t);
    CHECK(m.present() == want);
  }
  // Every appeared vehicle's position at a whole second equals its sample there.
  int checked = 0;
  for (VehicleIndex v = 0; v < m.appeared(); ++v) {
    auto it = pos.find({m.name(v), 659.0});
    if (it == pos.end())
      continue;
    Kinematics k = m.at(v, 59.0);
    CHECK(k.x_m == it->second.first);
    CHECK(k.y_m == it->second.second);
    ++checked;
  }
  CHECK(checked > 30);
}
