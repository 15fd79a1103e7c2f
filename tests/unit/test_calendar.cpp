// The plane's calendar (core/calendar.hpp, a 4-ary heap) against std::priority_queue on (time, insertion number):
// the same events in the same order, ties at equal times in the order they were scheduled.
#include "core/calendar.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <tuple>
#include <vector>

TEST_CASE("calendar pops what std::priority_queue pops, ties in scheduling order", "[calendar]")
{
  v2x::Calendar<std::uint32_t> calendar;
  using Key = std::tuple<double, std::uint64_t, std::uint32_t>;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> reference;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> ahead(0.0, 0.01);
  std::uniform_int_distribution<int> coin(0, 9);
  double now = 0;
  std::uint64_t order = 0;
  std::uint32_t id = 0;
  std::size_t popped = 0;
  for (int step = 0; step < 200000; ++step) {
    if (coin(rng) < 6 || reference.empty()) {
      // Many ties: times on a 1 ms grid half of the time.
      const double t = coin(rng) < 5 ? now + 1e-3 * static_cast<int>(ahead(rng) * 1e3) : now + ahead(rng);
      calendar.push(t, id);
      reference.emplace(t, order++, id++);
    } else {
      REQUIRE(calendar.next_time() == std::get<0>(reference.top()));
      const auto e = calendar.pop();
      REQUIRE(e.time == std::get<0>(reference.top()));
      REQUIRE(e.event == std::get<2>(reference.top()));
      now = e.time;
      reference.pop();
      ++popped;
    }
    REQUIRE(calendar.size() == reference.size());
  }
  CHECK(popped > 50000);
  CHECK(calendar.empty() == reference.empty());
}

TEST_CASE("calendar lanes keep the order of one heap", "[calendar]")
{
  // Periodic events in lanes (each lane its own period, the next one scheduled a period after the one popped, new
  // ones at a random phase: deep inserts, some beyond the lane's search, which go to the heap) mixed with
  // short-lived heap events: the same sequence as std::priority_queue on (time, insertion number).
  v2x::Calendar<std::uint32_t> calendar;
  using Key = std::tuple<double, std::uint64_t, std::uint32_t>;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> reference;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double period[v2x::Calendar<std::uint32_t>::kLanes] = {0.1, 1.0, 0.5, 0.1};
  std::vector<int> lane_of;  // event id -> lane, -1: heap
  double now = 0;
  std::uint64_t order = 0;
  auto push = [&](double t, int lane) {
    const auto id = static_cast<std::uint32_t>(lane_of.size());
    lane_of.push_back(lane);
    if (lane < 0)
      calendar.push(t, id);
    else
      calendar.push_periodic(t, id, static_cast<std::size_t>(lane));
    reference.emplace(t, order++, id);
  };
  for (int i = 0; i < 300; ++i)  // stations at random phases
    push(unit(rng) * period[i % 4], i % 4);
  std::size_t popped = 0;
  for (int step = 0; step < 300000; ++step) {
    REQUIRE(calendar.next_time() == std::get<0>(reference.top()));
    const auto e = calendar.pop();
    REQUIRE(e.time == std::get<0>(reference.top()));
    REQUIRE(e.order == std::get<1>(reference.top()));
    REQUIRE(e.event == std::get<2>(reference.top()));
    reference.pop();
    now = e.time;
    ++popped;
    const int lane = lane_of[e.event];
    if (lane >= 0) {
      push(now + period[lane], lane);           // its next period
      if (unit(rng) < 0.3)
        push(now + 1e-4 * unit(rng), -1);       // a frame or a hop
      if (unit(rng) < 0.002)
        push(now + unit(rng) * period[lane], lane);  // a newcomer at a random phase
    }
    REQUIRE(calendar.size() == reference.size());
  }
  CHECK(popped == 300000);
}
