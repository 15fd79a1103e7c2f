// Faults (topology/faults.hpp): the --fault syntax, target resolution, the random fault generator's availability
// against the alternating renewal process's, and the loss/recovery accounting.
#include "core/error.hpp"
#include "support/tiny_infra.hpp"
#include "topology/faults.hpp"
#include "topology/infrastructure.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace v2x;

namespace {

/// Fraction of [from, until) inside the intervals (each clipped to the window).
double down_fraction(const std::vector<std::pair<double, double>>& down, double from, double until)
{
  double total = 0;
  for (const auto& [a, b] : down)
    total += std::max(0.0, std::min(b, until) - std::max(a, from));
  return total / (until - from);
}

/// Standard deviation of the measured availability over a window T of an alternating renewal process with
/// exponential up (mean U) and down (mean D) times. Renewal-reward CLT (Ross, Stochastic Processes, Thm 3.6.2,
/// applied to the down time per cycle): Var = Var(D - r (U + D)) / (E[U + D] T), r = D / (U + D)
///   = ((1 - r)^2 D^2 + r^2 U^2) / ((U + D) T) = 2 U^2 D^2 / ((U + D)^3 T).
double availability_sd(double U, double D, double T)
{
  return std::sqrt(2 * U * U * D * D / (std::pow(U + D, 3) * T));
}

} // namespace

TEST_CASE("the fault option KIND:TARGET@AT+FOR[*FACTOR] is parsed, bad forms name --fault", "[faults]")
{
  const FaultConfig f = parse_fault_option("mec_down:mec_ne@100+60");
  CHECK(f.kind == FaultKind::MecDown);
  CHECK(f.target == "mec_ne");
  CHECK(f.at_s == 100);
  CHECK(f.for_s == 60);
  const FaultConfig d = parse_fault_option("MEC_DEGRADED:m0@1.5+2*0.25");
  CHECK(d.kind == FaultKind::MecDegraded);
  CHECK(d.factor == 0.25);
  CHECK(parse_fault_option("link_down:r0-m0@3+4").target == "r0-m0"); // a '-' in the target is no sign
  for (const char* bad : {"mec_down", "mec_down:m0", "mec_down:m0@1", "nope:m0@1+2", "mec_down:m0@x+2",
                          "mec_down:m0@1+2*", "mec_down:m0@1+2s"}) {
    INFO(bad);
    try {
      parse_fault_option(bad);
      FAIL("no error");
    } catch (const InputError& e) {
      CHECK(e.field() == "--fault");
      CHECK(e.value() == bad);
    }
  }
}

TEST_CASE("fault targets resolve by kind, and a kind that does not fit its target is an input error", "[faults]")
{
  const Infrastructure infra =
      Infrastructure::from_config(test::TinyInfra().mec("m0", 0, 0).mec("m1", 1000, 0).rsu("r0", 0, 0, "m0").build());
  CHECK(resolve_fault_target(FaultKind::MecDown, "m1", infra, "f", "") == 1);
  CHECK(resolve_fault_target(FaultKind::RsuDown, "r0", infra, "f", "") == 0);
  CHECK(resolve_fault_target(FaultKind::BrokerDown, "broker-m0", infra, "f", "") == 0);
  CHECK(resolve_fault_target(FaultKind::OrchestratorDown, "", infra, "f", "") == 0);
  // A link by either end first: the same edge.
  CHECK(resolve_fault_target(FaultKind::LinkDown, "r0-m0", infra, "f", "") ==
        resolve_fault_target(FaultKind::LinkDown, "m0-r0", infra, "f", ""));
  CHECK_THROWS_AS(resolve_fault_target(FaultKind::MecDown, "cloud", infra, "f", ""), InputError);
  CHECK_THROWS_AS(resolve_fault_target(FaultKind::MecDown, "r0", infra, "f", ""), InputError);
  CHECK_THROWS_AS(resolve_fault_target(FaultKind::RsuDown, "m0", infra, "f", ""), InputError);
  CHECK_THROWS_AS(resolve_fault_target(FaultKind::LinkDown, "r0-m1", infra, "f", ""), InputError);
  CHECK_THROWS_AS(resolve_fault_target(FaultKind::OrchestratorDown, "m0", infra, "f", ""), InputError);
}

TEST_CASE("random faults: measured availability matches MTBF / (MTBF + MTTR) within its confidence interval",
          "[faults]")
{
  const double U = 100, D = 20; // MTBF, MTTR (s)
  const double A = U / (U + D); // 0.8333
  SECTION("one long run: within 3 sd (a 0.3 % chance of failing by luck; the seed is fixed, so it does not)")
  {
    const double T = 1e6; // about 8,300 cycles
    RandomStream rng(1, StreamPurpose::Fault, 0);
    const auto down = random_down_intervals(rng, U, D, 0, T);
    const double measured = 1 - down_fraction(down, 0, T);
    const double sd = availability_sd(U, D, T); // 0.00215
    INFO("measured " << measured << ", expected " << A << " +- " << 3 * sd);
    CHECK(std::abs(measured - A) < 3 * sd);
    // The pieces: mean up time and mean repair time.
    double up = 0, repair = 0, last = 0;
    for (const auto& [a, b] : down) {
      up += a - last;
      repair += b - a;
      last = b;
    }
    const double n = static_cast<double>(down.size());
    CHECK(std::abs(up / n - U) < 3 * U / std::sqrt(n)); // exponential: sd = mean
    CHECK(std::abs(repair / n - D) < 3 * D / std::sqrt(n));
  }
  SECTION("the 95 % interval covers the true availability in about 95 % of 400 independent runs")
  {
    const double T = 1e5;
    const double sd = availability_sd(U, D, T);
    int covered = 0;
    for (std::uint64_t seed = 1; seed <= 400; ++seed) {
      RandomStream rng(seed, StreamPurpose::Fault, 0);
      const double measured = 1 - down_fraction(random_down_intervals(rng, U, D, 0, T), 0, T);
      covered += std::abs(measured - A) < 1.96 * sd;
    }
    // Binomial(400, 0.95): mean 380, sd 4.4. [365, 395] is mean +- 3.4 sd; an interval formula off by 20 % in
    // its width would cover 88 % or 99 %, outside it.
    INFO("covered " << covered << " of 400");
    CHECK(covered >= 365);
    CHECK(covered <= 395);
  }
}

TEST_CASE("random faults start up at start_s and no failure starts at or after the end", "[faults]")
{
  RandomStream rng(7, StreamPurpose::Fault, 3);
  const auto down = random_down_intervals(rng, 10, 5, 50, 400);
  REQUIRE(!down.empty());
  CHECK(down.front().first > 50);
  for (std::size_t k = 0; k < down.size(); ++k) {
    CHECK(down[k].first < 400);
    CHECK(down[k].second > down[k].first);
    if (k > 0)
      CHECK(down[k].first > down[k - 1].second); // alternating: never two failures at once
  }
}

TEST_CASE("FaultState: downtime runs from the loss to serving again, or to leaving", "[faults]")
{
  FaultState st(2, 1, 1);
  st.lose_twin(3, 10.0, 0);
  st.lose_twin(3, 12.0, 0); // already lost: no effect
  st.lose_twin(5, 10.0, 0);
  CHECK(st.twin_lost(3));
  CHECK(st.lost_since(3) == 10.0);
  st.twin_serving(3, 17.5); // recovered after 7.5 s
  st.twin_serving(3, 20.0); // no longer lost: nothing
  st.twin_gone(5, 30.0);    // left after 20 s, never recovered
  CHECK(st.recoveries() == std::vector<double>{7.5});
  CHECK(st.downtime_s() == 27.5);
  CHECK(st.twins_lost() == 2);
  CHECK(st.unrecovered() == 1);
  CHECK(st.lost_by(0) == 2);
  CHECK(st.recovered_by(0) == 1);
}
