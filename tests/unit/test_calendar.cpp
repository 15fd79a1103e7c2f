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
