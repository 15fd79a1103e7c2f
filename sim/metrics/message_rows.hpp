#pragma once
// Which telemetry messages get a /messages row (output.messages_mode). The Recorder counts every message in the
// summary and the latency histogram before this choice, so sampling never changes the summary.
#include <cstdint>

namespace v2x {

enum class MessagesMode : std::uint8_t { All, Sampled, None };

struct MessageRows {
  MessagesMode mode = MessagesMode::All;
  std::uint32_t sample_every = 100; // SAMPLED: one row in sample_every (>= 1)

  MessageRows() = default;
  /// The boolean spelling (output.messages: true = ALL, false = NONE).
  MessageRows(bool all) // NOLINT(google-explicit-constructor): the older boolean form converts
      : mode(all ? MessagesMode::All : MessagesMode::None)
  {
  }
  MessageRows(MessagesMode m, std::uint32_t every)
      : mode(m)
      , sample_every(every)
  {
  }
  /// True when some message rows are written.
  explicit operator bool() const { return mode != MessagesMode::None; }

  /// SAMPLED keeps the message (station, seq) when splitmix64(station << 32 | seq) % sample_every == 0: a pure
  /// function of the message's identity, so the same rows in every run, independent of the order in which fates
  /// are known, and not phase-locked across stations (seq % N would keep every station's messages at the same
  /// instants when they start together).
  bool keeps(std::uint32_t station, std::uint32_t seq) const
  {
    switch (mode) {
    case MessagesMode::All:
      return true;
    case MessagesMode::None:
      return false;
    case MessagesMode::Sampled:
      break;
    }
    if (sample_every <= 1)
      return true;
    std::uint64_t z = (static_cast<std::uint64_t>(station) << 32 | seq) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z % sample_every == 0;
  }
};

} // namespace v2x
