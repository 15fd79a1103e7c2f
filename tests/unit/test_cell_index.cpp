// CellIndex: nearest covering cell, ties to the lower id, uncovered = kNone; agrees with brute force on
// thousands of RSUs.
#include "mobility/cell_index.hpp"

#include "core/error.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <random>

using namespace v2x;

TEST_CASE("serving cell: nearest covering, ties to the lower id, kNone when uncovered", "[cells]")
{
  // Cells 0 and 1 overlap; 2 is small and far; 3 sits on 0's site (a tie with 0).
  CellIndex idx({{0, 0, 300}, {400, 0, 300}, {5000, 5000, 10}, {0, 0, 100}});
  CHECK(idx.size() == 4);
  CHECK(idx.serving(150, 0) == 0);     // 150 m from 0 (covers, 300) and 250 m from 1: 0 is nearer
  CHECK(idx.serving(250, 0) == 1);     // 250 vs 150
  CHECK(idx.serving(200, 0) == 0);     // equidistant from 0 and 1: lower id
  CHECK(idx.serving(50, 0) == 0);      // 0 and 3 at the same distance: lower id
  CHECK(idx.serving(-300, 0) == 0);    // on the edge: covered (distance <= radius)
  CHECK(idx.serving(-300.001, 0) == kNone);
  CHECK(idx.serving(5005, 5000) == 2);
  CHECK(idx.serving(5011, 5000) == kNone);
  CHECK(idx.serving(690, 0) == 1);     // only 1 covers (290 m)
  CHECK(idx.distance(1, 400, 30) == Approx(30.0));
  CHECK(CellIndex({}).serving(0, 0) == kNone);
}

TEST_CASE("a smaller cell nearer wins over a larger one that also covers", "[cells]")
{
  CellIndex idx({{0, 0, 1000}, {100, 0, 50}});
  CHECK(idx.serving(90, 0) == 1);   // 10 m from 1 (covers), 90 m from 0
  CHECK(idx.serving(160, 0) == 0);  // 60 m from 1: outside its 50 m cell
}

TEST_CASE("invalid cells are InputErrors", "[cells]")
{
  CHECK_THROWS_AS(CellIndex({{0, 0, -1}}), InputError);
  CHECK_THROWS_AS(CellIndex({{std::nan(""), 0, 10}}), InputError);
}

TEST_CASE("agrees with brute force over 3,000 RSUs with mixed radii", "[cells]")
{
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> coord(0, 20000), radius(50, 600);
  std::vector<Cell> cells(3000);
  for (auto& c : cells)
    c = {coord(rng), coord(rng), radius(rng)};
  cells[17] = cells[16];  // an exact tie
  CellIndex idx(cells);
  auto brute = [&](double x, double y) {
    RsuId best = kNone;
    double bd = 0;
    for (RsuId i = 0; i < cells.size(); ++i) {
      double d2 = (x - cells[i].x_m) * (x - cells[i].x_m) + (y - cells[i].y_m) * (y - cells[i].y_m);
      if (d2 <= cells[i].radius_m * cells[i].radius_m && (best == kNone || d2 < bd)) {
        best = i;
        bd = d2;
      }
    }
    return best;
  };
  int covered = 0;
  for (int i = 0; i < 20000; ++i) {
    double x = coord(rng), y = coord(rng);
    RsuId want = brute(x, y);
    REQUIRE(idx.serving(x, y) == want);
    covered += want != kNone;
  }
  CHECK(covered > 1000);  // the test exercises both outcomes
  CHECK(idx.serving(cells[16].x_m + 1, cells[16].y_m) == 16);

  // Speed, reported (not asserted tightly: the machine is shared): queries per second.
  auto t0 = std::chrono::steady_clock::now();
  RsuId sink = 0;
  for (int i = 0; i < 200000; ++i)
    sink ^= idx.serving(coord(rng), coord(rng));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("CellIndex: 3000 RSUs, " << 200000 / secs << " queries/s (" << sink << ")");
  CHECK(secs < 5.0);
}
