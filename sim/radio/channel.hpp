#pragma once
// One RSU cell's 802.11p medium as a passive discrete-event model of EDCA (one access category for every sender of
// the channel), driven by an external calendar: the caller owns the clock, asks for next_event_s() and calls
// advance(); the channel never sleeps. Pure model: no SimGrid, no I/O.
//
// The medium is a sequence of busy periods (own exchanges, foreign frames given by occupy()) and idle periods. In an
// idle period, idle slots are counted after AIFS: the k-th slot boundary after AIFS is the absolute "idle-slot epoch"
// E0 + k, E0 being the epoch at which the previous idle period stopped counting (a partial slot does not count,
// IEEE 802.11-2016 §10.22.2.4). A contending sender's backoff counter is stored as the epoch at which it reaches 0,
// so counters freeze during busy periods for free, the next transmission is the smallest epoch in an ordered set
// (O(log n) per frame, no per-slot loop), and equal epochs transmit together and collide.
//
// Rules (IEEE 802.11-2016 §10.3.4.3 and §10.22.2):
// - counters are drawn uniformly in [0, CW]; a sender with counter k transmits at AIFS + k slots after the medium
//   went idle, frozen counters resuming after each busy period;
// - a frame offered while the sender's backoff counter is 0 (no backoff pending) transmits at once if the medium has
//   been idle for at least AIFS, at the end of AIFS if it has been idle for less; if the medium is busy, a backoff is
//   drawn (§10.22.2.2);
// - after every exchange (delivered or given up) the sender draws a new backoff in [0, CWmin] (post-backoff), which
//   counts down even when no frame waits;
// - unicast: success costs airtime + SIFS + ACK airtime; a failure (collision or PER) costs airtime + ACK timeout
//   (Phy::ack_timeout_s), doubles CW (CW = 2 CW + 1) up to CWmax and retries, up to Edca::retry_limit attempts;
//   success resets CW to CWmin. A collision keeps the medium busy for the longest of the colliding exchanges.
// - broadcast: one attempt, no ACK, CW stays CWmin; the medium is busy for the airtime only.
// - every sender of a channel uses the same AIFS (one access category per channel); foreign frames (occupy) make the
//   medium busy but do not corrupt own frames (no hidden-node interference).
#include "core/random.hpp"
#include "radio/phy.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace v2x::radio {

/// The end of one frame's life at the radio.
struct FrameOutcome {
  std::uint32_t sender;
  double done_s;          // end of the last exchange (ACK received, or the last ACK timeout)
  bool delivered;         // received by the RSU (unicast: acknowledged)
  std::uint32_t attempts; // transmissions of the frame
  double tx_start_s;      // start of its first transmission
};

/// What happened on the channel so far (for /channels and the metrics).
struct ChannelCounters {
  std::uint64_t offered = 0;    // frames offered
  std::uint64_t superseded = 0; // frames replaced by a newer one before their first attempt
  std::uint64_t withdrawn = 0;  // frames withdrawn before their first attempt or between attempts
  std::uint64_t attempts = 0;   // transmissions
  std::uint64_t retries = 0;    // transmissions beyond each frame's first
  std::uint64_t delivered = 0;  // frames delivered
  std::uint64_t failed = 0;     // frames given up: retry limit reached, or a broadcast's one attempt failed
  std::uint64_t collisions = 0; // transmission starts shared by two senders or more
  std::uint64_t collided = 0;   // transmissions that were part of a collision
  std::uint64_t errors = 0;     // single transmissions lost to the frame error probability
};

class Channel {
public:
  Channel(const Phy& phy, const Edca& edca, RandomStream rng);

  /// A frame of `airtime_s` (per attempt; the channel adds the ACK exchange for unicast) becomes ready at t; `per` is
  /// its per-attempt error probability (distance). If the sender already holds a frame not yet on the air (no attempt
  /// yet), the new one replaces it and true is returned (the old one is superseded, no outcome; its backoff state
  /// carries over). A frame offered while the sender's frame is being sent or retried waits for it (replacing, and
  /// returning true for, an earlier waiting frame), then contends after its post-backoff. `ack_airtime_s` and
  /// `ack_timeout_s` are those of the frame's rate (Phy::ack_airtime_s, Phy::ack_timeout_s). t before the time of
  /// the last processed event counts as that time.
  bool offer(std::uint32_t sender, double t, double airtime_s, double per, bool unicast, double ack_airtime_s,
             double ack_timeout_s);
  /// The same for a frame sent at `rate_mbps` (ACK timings from the Phy given to the constructor).
  bool offer(std::uint32_t sender, double t, double airtime_s, double per, bool unicast = true, double rate_mbps = 6);
  /// The sender left or handed over: its frames not on the air are dropped (no outcome) and its state is forgotten;
  /// a frame being transmitted ends its attempt and is not retried. True if a frame was dropped or cut short.
  bool withdraw(std::uint32_t sender);
  /// Time of the next channel event; +inf when nothing is pending.
  double next_event_s() const;
  /// Time of the next event that can end a frame or change a sender's state: next_event_s(), except that foreign
  /// busy periods (occupy()) while no frame contends and none is on the air give +inf. Those only move the idle-slot
  /// epochs and the busy time, and run_until() processes them in order before anything later (an offer, advance(),
  /// busy_time_s() after advance()), so a caller may leave them to the next such call: the channel ends in the same
  /// state as if each had had its own event. The telemetry plane wakes a channel only at these times.
  double next_active_event_s() const;
  /// Processes every channel event with time <= until_s and appends the frames finished by them (and by events an
  /// offer() processed first) to `out`, in time order.
  void advance(double until_s, std::vector<FrameOutcome>& out);
  /// A foreign frame in carrier-sense range: the medium is busy in [from_s, to_s) (from_s before the last processed
  /// event counts from it; an empty interval is ignored).
  void occupy(double from_s, double to_s);

  /// Busy time (s) of the medium in [0, t), for t at or after the last processed event and before the next one
  /// (call after advance(t)): the busy time in [a, b) is busy_time_s(b) - busy_time_s(a).
  double busy_time_s(double t) const;
  const ChannelCounters& counters() const { return counters_; }
  /// Senders with a frame in contention (waiting for their backoff to end).
  std::size_t contending() const { return contenders_.size(); }
  const Phy& phy() const { return phy_; }
  const Edca& edca() const { return edca_; }

private:
  struct Frame {
    double airtime_s;
    double per;
    bool unicast;
    double ack_airtime_s;
    double ack_timeout_s;
  };
  struct Sender {
    std::optional<Frame> frame;       // held: contending, or on the air (attempts > 0)
    std::optional<Frame> next;        // offered while `frame` was on the air
    std::uint32_t cw = 0;             // current contention window
    std::uint32_t attempts = 0;       // attempts of `frame` so far
    std::int64_t target = kNoBackoff; // idle-slot epoch at which its backoff counter reaches 0
    double first_tx_s = 0;
    bool transmitting = false;
    bool withdrawn = false; // withdrawn while transmitting: forget it after this attempt
  };
  static constexpr std::int64_t kNoBackoff = std::numeric_limits<std::int64_t>::min();

  void run_until(double t);                    // processes events <= t into done_
  void step();                                 // processes the next event
  std::int64_t epoch_at(double t) const;       // idle-slot epoch reached at t (the frozen one while busy)
  double epoch_time(std::int64_t epoch) const; // when an epoch's slot boundary comes in the current idle period
  void begin_busy(double t);
  void start_tx(double t, std::uint32_t id, Sender& s);
  void finish(std::uint32_t id, Sender& s, bool delivered);
  void merge_foreign();
  void end_tx();
  void contend(std::uint32_t id, Sender& s, double t);
  void draw_backoff(Sender& s, std::uint32_t cw);

  Phy phy_;
  Edca edca_;
  double aifs_s_;
  RandomStream rng_;
  std::unordered_map<std::uint32_t, Sender> senders_;
  std::set<std::pair<std::int64_t, std::uint32_t>> contenders_; // (target epoch, sender)
  std::set<std::pair<double, double>> foreign_;                 // occupy() intervals not merged yet, by start
  std::vector<FrameOutcome> done_;

  double now_ = 0; // time of the last processed event
  bool busy_ = false;
  double busy_start_ = 0;       // start of the current busy period
  double busy_until_ = 0;       // end of the current busy period
  double idle_since_ = 0;       // start of the current idle period
  std::int64_t epoch_base_ = 0; // epoch of the first slot boundary after AIFS (idle), or the frozen epoch (busy)
  double busy_total_s_ = 0;     // busy time of the finished busy periods

  bool tx_ = false; // an own exchange is in progress
  double tx_start_ = 0;
  double tx_end_ = 0;
  struct Transmitter {
    std::uint32_t id;
    bool error; // the frame error draw of this attempt (matters when it does not collide)
  };
  std::vector<Transmitter> tx_senders_;
  ChannelCounters counters_;
};

} // namespace v2x::radio
