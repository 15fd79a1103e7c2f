#pragma once
// Seeded random streams. Every stream is derived from (master seed, purpose, entity id) with SplitMix64,
// so adding an entity or a purpose never shifts another stream: runs are reproducible bit for bit.
#include <cstdint>
#include <random>

namespace v2x {

enum class StreamPurpose : std::uint64_t {
  Orchestrator = 1,
  Telemetry = 2,
  Policy = 3,
  Mechanism = 4,
  Broker = 5,
  Radio = 6, // backoff draws and frame errors of the radio channels (entity: the channel)
  Fault = 7, // random faults (entity: random_fault entry << 20 | target)
  Test = 99,
};

/// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective mix of 64 bits.
constexpr std::uint64_t splitmix64(std::uint64_t x)
{
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A 64-bit Mersenne Twister seeded from (seed, purpose, entity).
class RandomStream {
public:
  RandomStream(std::uint64_t seed, StreamPurpose purpose, std::uint64_t entity = 0)
      : engine_(splitmix64(splitmix64(splitmix64(seed) ^ static_cast<std::uint64_t>(purpose)) ^ entity))
  {
  }
  /// Uniform on [0, 1).
  double uniform() { return std::generate_canonical<double, 53>(engine_); }
  std::mt19937_64& engine() { return engine_; }

private:
  std::mt19937_64 engine_;
};

} // namespace v2x
