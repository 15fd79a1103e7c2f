#pragma once
// The metrics recorder: the simulation reports events here; it keeps bounded buffers (one chunk per
// dataset) that it hands to the writer when full, and running statistics for the summary (latency
// percentiles from a log-binned histogram, relative error below 0.1 %), so memory never grows with
// simulated time.
#include "metrics/hdf5_writer.hpp"
#include "metrics/message_rows.hpp"
#include "metrics/observer.hpp"
#include "metrics/records.hpp"
#include "metrics/summary.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace v2x {

/// Streaming quantiles of positive values: log-spaced bins from 1 µs to 10^4 s, 0.05 % wide (46,000 bins,
/// 368 kB). The q-quantile is the value of rank ceil(q * count) (1-based, at least 1) in sorted order; it is
/// returned as the geometric centre of its bin, so within 0.025 % of the exact value. Values below 1 µs
/// (including 0 and negatives) and above 10^4 s are counted apart: a quantile that falls among them returns
/// the smallest resp. largest value seen. NaN is ignored.
class LatencyHistogram {
public:
  LatencyHistogram();
  void add(double seconds);
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double min() const { return min_; }
  double max() const { return max_; }
  /// q in [0, 1]; the bin centre holding the q-quantile (0 when empty).
  double quantile(double q) const;

private:
  std::vector<std::uint64_t> bins_;
  std::uint64_t below_ = 0; // values < 1 µs
  std::uint64_t above_ = 0; // values >= 10^4 s
  std::uint64_t count_ = 0;
  double sum_ = 0;
  double min_ = 0;
  double max_ = 0;
};

class Recorder {
public:
  /// writer may be null (nothing written; summary still computed). `rows` chooses the /messages rows (all, one
  /// in N by MessageRows::keeps, none; `false` = none); every message is counted in the summary and the latency
  /// histogram first, so those stay exact whatever is sampled.
  Recorder(Hdf5Writer* writer, std::uint32_t chunk_rows, MessageRows rows);
  /// What happens before `warmup_s` is recorded (messages flagged `warmup`) but left out of the summary.
  void set_warmup(double warmup_s)
  {
    warmup_s_ = warmup_s;
    summary_.warmup_s = warmup_s;
  }

  void message(MessageRecord r);
  void handover(const HandoverRecord& r);
  void migration(const MigrationRecord& r);
  void phase(const PhaseRecord& r);
  void station(const StationRecord& r);
  void twin_sample(const TwinSample& r);
  void mec_sample(const MecSample& r);
  void channel_sample(const ChannelSample& r);
  void continuity(const ContinuityRecord& r);
  /// A vehicle present from `appeared` to `left` (its presence after the warm-up counts).
  void vehicle_left(double appeared, double left)
  {
    summary_.vehicle_seconds += std::max(0.0, left - std::max(appeared, warmup_s_));
  }

  /// `observer` (may be null) sees every message, handover, migration and phase as it is recorded.
  void set_observer(RecordObserver* observer) { observer_ = observer; }
  /// Hands what is buffered to the writer (rows in the order they were recorded).
  void flush();
  /// The summary of what was recorded; simulated_s, wall_s, peak_rss_kb and rsus are the caller's to fill.
  Summary summary() const;
  const LatencyHistogram& latency() const { return latency_; }

private:
  template <class Row> void push(std::vector<Row>& buffer, const Row& row);

  Hdf5Writer* writer_;
  RecordObserver* observer_ = nullptr;
  std::uint32_t chunk_rows_;
  MessageRows message_rows_;
  std::vector<MessageRecord> messages_;
  std::vector<HandoverRecord> handovers_;
  std::vector<MigrationRecord> migrations_;
  std::vector<PhaseRecord> phases_;
  std::vector<StationRecord> stations_;
  std::vector<TwinSample> twins_;
  std::vector<MecSample> mecs_;
  std::vector<ChannelSample> channels_;
  std::vector<ContinuityRecord> continuity_;
  LatencyHistogram latency_;
  LatencyHistogram downtime_;
  Summary summary_;
  double warmup_s_ = 0;
  std::vector<bool> vehicle_;  // by station id: a vehicle (its messages are vehicle_messages)
};

} // namespace v2x
