#include "metrics/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>

namespace v2x {

namespace {

constexpr double kLowest = 1e-6;     // s: lower edge of the first bin
constexpr double kHighest = 1e4;     // s: upper edge of the last bin
constexpr double kBinRatio = 1.0005; // upper / lower edge of every bin (0.05 % wide)

/// The bin geometry, computed once (a function-local static: safe to use from other static initialisers).
struct BinScale {
  double log_lowest;
  double inverse_log_ratio;
  double log_ratio;
  std::size_t bins;
};

const BinScale& scale()
{
  static const BinScale s{std::log(kLowest), 1.0 / std::log(kBinRatio), std::log(kBinRatio),
                          static_cast<std::size_t>(std::ceil(std::log(kHighest / kLowest) / std::log(kBinRatio)))};
  return s;
}

} // namespace

LatencyHistogram::LatencyHistogram()
    : bins_(scale().bins, 0)
{
}

void LatencyHistogram::add(double seconds)
{
  if (std::isnan(seconds))
    return;
  if (count_ == 0) {
    min_ = seconds;
    max_ = seconds;
  } else {
    min_ = std::min(min_, seconds);
    max_ = std::max(max_, seconds);
  }
  ++count_;
  sum_ += seconds;
  if (seconds < kLowest) {
    ++below_;
    return;
  }
  const BinScale& sc = scale();
  const auto bin = static_cast<std::size_t>((std::log(seconds) - sc.log_lowest) * sc.inverse_log_ratio);
  if (bin >= bins_.size()) {
    ++above_;
    return;
  }
  ++bins_[bin];
}

double LatencyHistogram::quantile(double q) const
{
  if (count_ == 0)
    return 0.0;
  const double n = static_cast<double>(count_);
  // Rank of the q-quantile among the sorted values, 1-based. The small tolerance keeps q * n that should be an
  // integer (0.95 * 100) from being rounded up by its binary representation.
  const double exact_rank = std::ceil(std::clamp(q, 0.0, 1.0) * n - 1e-9);
  const auto rank = static_cast<std::uint64_t>(std::max(1.0, exact_rank));
  std::uint64_t seen = below_;
  if (rank <= seen)
    return min_;
  for (std::size_t i = 0; i < bins_.size(); ++i) {
    seen += bins_[i];
    if (rank <= seen)
      return std::exp(scale().log_lowest + (static_cast<double>(i) + 0.5) * scale().log_ratio);
  }
  return max_; // among the values above the last bin
}

Recorder::Recorder(Hdf5Writer* writer, std::uint32_t chunk_rows, MessageRows rows)
    : writer_(writer)
    , chunk_rows_(chunk_rows)
    , message_rows_(rows)
{
  if (chunk_rows_ == 0)
    throw std::invalid_argument("Recorder: chunk_rows must be at least 1");
  if (message_rows_.mode == MessagesMode::Sampled && message_rows_.sample_every == 0)
    throw std::invalid_argument("Recorder: message_sample_every must be at least 1");
}

template <class Row> void Recorder::push(std::vector<Row>& buffer, const Row& row)
{
  if (writer_ == nullptr)
    return;
  if (buffer.capacity() < chunk_rows_)
    buffer.reserve(chunk_rows_); // once, at the first row: streams that never record cost nothing
  buffer.push_back(row);
  if (buffer.size() >= chunk_rows_) {
    writer_->append(std::span<const Row>(buffer));
    buffer.clear();
  }
}

void Recorder::message(MessageRecord r)
{
  if (observer_ != nullptr)
    observer_->on_message(r);
  if (r.created < warmup_s_) {
    r.warmup = 1;
    ++summary_.messages_warmup;
    if (message_rows_.keeps(r.station, r.seq))
      push(messages_, r);
    return;
  }
  ++summary_.messages_created;
  if (r.station < vehicle_.size() && vehicle_[r.station])
    ++summary_.vehicle_messages;
  switch (r.cause) {
  case MessageCause::NoCoverage:
    ++summary_.cause_no_coverage;
    break;
  case MessageCause::Radio:
    ++summary_.cause_radio;
    break;
  case MessageCause::Superseded:
    ++summary_.cause_superseded;
    break;
  case MessageCause::NoTwinYet:
    ++summary_.cause_no_twin_yet;
    break;
  case MessageCause::Migration:
    ++summary_.cause_migration;
    break;
  case MessageCause::Capacity:
    ++summary_.cause_capacity;
    break;
  case MessageCause::Fault:
    ++summary_.cause_fault;
    break;
  case MessageCause::QueueFull:
    ++summary_.cause_queue_full;
    break;
  case MessageCause::SessionDropped:
    ++summary_.cause_session_dropped;
    break;
  case MessageCause::InFlight:
    ++summary_.cause_in_flight;
    break;
  case MessageCause::Ok:
    break;
  }
  switch (r.outcome) {
  case MessageOutcome::Delivered:
    ++summary_.messages_delivered;
    latency_.add(r.processed - r.created);
    break;
  case MessageOutcome::Lost:
    ++summary_.messages_lost;
    break;
  case MessageOutcome::Dropped:
    ++summary_.messages_dropped;
    break;
  case MessageOutcome::NotSent:
    ++summary_.messages_not_sent;
    break;
  }
  if (message_rows_.keeps(r.station, r.seq))
    push(messages_, r);
}

void Recorder::handover(const HandoverRecord& r)
{
  if (observer_ != nullptr)
    observer_->on_handover(r);
  if (r.time >= warmup_s_)
    ++summary_.handovers;
  push(handovers_, r);
}

void Recorder::migration(const MigrationRecord& r)
{
  if (observer_ != nullptr)
    observer_->on_migration(r);
  // Initial placements and removals are recorded but are not migrations: the counts and the downtime
  // statistics cover the moves of a twin, asked for by the policy or scripted.
  if ((r.reason == MigrationReason::Policy || r.reason == MigrationReason::Manual) && r.requested >= warmup_s_) {
    switch (r.outcome) {
    case MigrationOutcome::Completed:
      ++summary_.migrations;
      downtime_.add(r.downtime);
      break;
    case MigrationOutcome::Rejected:
      ++summary_.migrations_rejected;
      break;
    case MigrationOutcome::Unfinished:
      ++summary_.migrations_unfinished;
      break;
    case MigrationOutcome::Failed:
      ++summary_.migrations_failed;
      break;
    }
  }
  push(migrations_, r);
}

void Recorder::phase(const PhaseRecord& r)
{
  if (observer_ != nullptr)
    observer_->on_phase(r);
  push(phases_, r);
}

void Recorder::station(const StationRecord& r)
{
  if (r.kind == StationKind::Vehicle)
    ++summary_.vehicles;
  if (vehicle_.size() <= r.station)
    vehicle_.resize(r.station + 1);
  vehicle_[r.station] = r.kind == StationKind::Vehicle;
  push(stations_, r);
}

void Recorder::twin_sample(const TwinSample& r)
{
  push(twins_, r);
}

void Recorder::channel_sample(const ChannelSample& r)
{
  push(channels_, r);
}

void Recorder::continuity(const ContinuityRecord& r)
{
  push(continuity_, r);
}

void Recorder::mec_sample(const MecSample& r)
{
  push(mecs_, r);
}

void Recorder::flush()
{
  if (writer_ == nullptr)
    return;
  auto hand_over = [this](auto& buffer) {
    if (!buffer.empty()) {
      writer_->append(std::span<const typename std::decay_t<decltype(buffer)>::value_type>(buffer));
      buffer.clear();
    }
  };
  hand_over(stations_);
  hand_over(messages_);
  hand_over(handovers_);
  hand_over(migrations_);
  hand_over(phases_);
  hand_over(twins_);
  hand_over(mecs_);
  hand_over(channels_);
  hand_over(continuity_);
}

Summary Recorder::summary() const
{
  Summary s = summary_;
  s.latency_mean_s = latency_.mean();
  s.latency_p50_s = latency_.quantile(0.50);
  s.latency_p95_s = latency_.quantile(0.95);
  s.latency_p99_s = latency_.quantile(0.99);
  s.latency_max_s = latency_.max();
  s.downtime_total_s = downtime_.sum();
  s.downtime_mean_s = downtime_.mean();
  s.downtime_max_s = downtime_.max();
  return s;
}

} // namespace v2x
