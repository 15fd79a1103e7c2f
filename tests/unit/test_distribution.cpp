// Random streams and duration laws: reproducibility and moments against their closed forms.
#include "core/distribution.hpp"
#include "core/random.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace v2x;

TEST_CASE("random streams are reproducible and independent across entities", "[random]")
{
  RandomStream a(42, StreamPurpose::Test, 1), b(42, StreamPurpose::Test, 1), c(42, StreamPurpose::Test, 2);
  for (int i = 0; i < 100; ++i) {
    const double x = a.uniform();
    CHECK(x == b.uniform());
    CHECK(x != c.uniform());
    CHECK(x >= 0.0);
    CHECK(x < 1.0);
  }
  // SplitMix64 reference value: splitmix64(0) = 0xE220A8397B1DCDAF (Vigna's splitmix64.c, first output for seed 0).
  CHECK(splitmix64(0) == 0xE220A8397B1DCDAFULL);
}

namespace {
std::vector<double> draw(const Distribution& d, int n)
{
  RandomStream rng(7, StreamPurpose::Test);
  std::vector<double> xs(n);
  for (double& x : xs)
    x = d.sample(rng);
  return xs;
}
double mean(const std::vector<double>& xs)
{
  double s = 0;
  for (double x : xs)
    s += x;
  return s / static_cast<double>(xs.size());
}
} // namespace

TEST_CASE("duration laws match their closed-form moments", "[random]")
{
  constexpr int n = 200000;
  // Standard error of a mean is sd / sqrt(n): the tolerances below are about 5 standard errors.
  SECTION("constant")
  {
    for (double x : draw(Distribution::constant(0.3), 100))
      CHECK(x == 0.3);
  }
  SECTION("uniform(0.2, 0.4): mean 0.3, bounds")
  {
    const auto xs = draw(Distribution::uniform(0.2, 0.4), n);
    CHECK(mean(xs) == Approx(0.3).margin(5 * 0.0577 / std::sqrt(n)));
    CHECK(*std::min_element(xs.begin(), xs.end()) >= 0.2);
    CHECK(*std::max_element(xs.begin(), xs.end()) <= 0.4);
  }
  SECTION("exponential(mean 0.05): mean and P(X > mean) = 1/e")
  {
    Distribution d{Distribution::Kind::Exponential, 0.05, 0, 1e9, 0, 0};
    const auto xs = draw(d, n);
    CHECK(mean(xs) == Approx(0.05).margin(5 * 0.05 / std::sqrt(n)));
    const double above = std::count_if(xs.begin(), xs.end(), [](double x) { return x > 0.05; }) / double(n);
    CHECK(above == Approx(std::exp(-1.0)).margin(0.005));
  }
  SECTION("lognormal(median 2, sigma 0.35): median 2, p99 = 2 exp(2.326 sigma) = 4.51 s, mean 2 exp(sigma^2/2)")
  {
    Distribution d{Distribution::Kind::Lognormal, 2.0, 0, 1e9, 0, 0.35};
    auto xs = draw(d, n);
    std::sort(xs.begin(), xs.end());
    CHECK(xs[n / 2] == Approx(2.0).epsilon(0.01));
    CHECK(xs[static_cast<std::size_t>(0.99 * n)] == Approx(2.0 * std::exp(2.3263 * 0.35)).epsilon(0.02));
    CHECK(mean(xs) == Approx(d.mean()).epsilon(0.01));
    CHECK(d.mean() == Approx(2.0 * std::exp(0.35 * 0.35 / 2)));
  }
  SECTION("normal truncated to [min, max]")
  {
    Distribution d{Distribution::Kind::Normal, 1.0, 0.5, 1.5, 1.0, 0};
    for (double x : draw(d, 1000)) {
      CHECK(x >= 0.5);
      CHECK(x <= 1.5);
    }
  }
}
