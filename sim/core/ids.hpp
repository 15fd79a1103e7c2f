#pragma once
// Dense integer identities. Stations (vehicles and RSUs) are numbered in order of appearance; sites are
// the MECs in scenario order followed by the cloud. Names live in tables; hot paths carry indices.
#include <cstdint>
#include <limits>

namespace v2x {

using StationId = std::uint32_t;  // index into the station table (vehicles and RSUs)
using RsuId = std::uint32_t;      // index into infrastructure.rsus
using SiteId = std::uint32_t;     // index into infrastructure.sites (MECs, then the cloud)
using BrokerId = std::uint32_t;   // index into infrastructure.brokers
using InstanceId = std::uint32_t; // index into the twin book's instances (reused once retired)

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

enum class StationKind : std::uint8_t { Vehicle = 0, Rsu = 1 };

} // namespace v2x
