#pragma once
// Semantic validation of a translated scenario (after derived defaults are filled): ranges, references,
// unique ids, files, registry names. The first problem found is thrown as an InputError located by `locate`.
#include "config/loader.hpp"
#include "config/scenario.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace v2x {

/// Floors and ceilings of scenario values (each documented next to its field in sim/proto/scenario.proto).
/// They keep every value inside what SimGrid and the models take without overflow, abort or hang: SimGrid
/// counts cores in an int, converts latencies to picoseconds in an int64 (topology/infrastructure.cpp), and a
/// period of 1e-300 s would never let the clock advance.
namespace bounds {
inline constexpr double kMinPeriodS = 1e-3;          // every period/interval: ticks at most 1 kHz
inline constexpr double kMaxPeriodS = 1e6;           // and at least once in 11.6 days
inline constexpr double kMaxRateHz = 1e3;            // message rates (1 / kMinPeriodS)
inline constexpr double kMaxLatencyS = 1e3;          // any latency: 1e3 s = 1e15 ps, far from int64's 9.2e18
inline constexpr double kMaxBandwidthBps = 1e15;     // B/s (8 Pb/s)
inline constexpr double kMaxSpeedFlops = 1e18;       // flop/s per core
inline constexpr double kMaxFlops = 1e18;            // flop per message
inline constexpr double kMaxMemoryMb = 1e12;         // MB
inline constexpr double kMaxSizeB = 1e15;            // bytes of an image, a state or a message
inline constexpr std::uint32_t kMaxPayloadB = 65000;  // telemetry.payload_b: one message is one frame (IP: < 64 KiB)
inline constexpr double kMaxCoordinateM = 1e8;       // |x|, |y| (metres; the Earth is 4e7 m round)
inline constexpr double kMaxRadiusM = 1e6;           // a cell radius, a rate step's distance
inline constexpr double kMaxDurationS = 1e9;         // durations, start times, scheduled times (31 years)
inline constexpr std::uint32_t kMaxCores = 1u << 20; // per host (SimGrid: int)
inline constexpr std::uint32_t kMaxPodSlots = 1u << 20;
inline constexpr std::uint32_t kMaxConcurrentOps = 10000; // one actor each
inline constexpr std::uint32_t kMaxCooperationAreas = 10; // (2k+1)^2 = 441 subscriptions per twin at most
inline constexpr std::uint32_t kMaxSessionQueue = 10'000'000;
inline constexpr std::uint32_t kMaxPreCopyRounds = 10000;
inline constexpr std::uint32_t kMaxChunkRows = 1u << 20;          // rows per HDF5 chunk (HDF5: a chunk < 4 GiB)
inline constexpr std::uint64_t kMaxSeed = 9223372036854775807ull; // INT64_MAX: `run --seed` takes it back
} // namespace bounds

struct ValidationContext {
  /// Where a field path (e.g. "infrastructure.rsu[2].x_m") was written; the loader passes ScenarioDocument::locate.
  std::function<SourceLocation(const std::string& path)> locate;
  /// Which lists the loader generated (their errors then say so, and point at the enclosing message).
  bool generated_brokers = false;
  bool generated_links = false;
  bool generated_rate_steps = false;
};

void validate_scenario(const Scenario& s, const KnownNames& known, const ValidationContext& context);
/// The faults, random faults and healing (config/validate_faults.cpp); called by validate_scenario.
void validate_faults(const Scenario& s, const ValidationContext& context);

/// Shortest text that reads back as the same double (for error messages and summaries).
std::string number_text(double v);

} // namespace v2x
