// EDCA on one 802.11p channel as a passive discrete-event model (see channel.hpp for the rules and their clauses).
#include "radio/channel.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace v2x::radio {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
} // namespace

Channel::Channel(const Phy& phy, const Edca& edca, RandomStream rng)
    : phy_(phy)
    , edca_(edca)
    , aifs_s_(edca.aifs_s(phy))
    , rng_(std::move(rng))
{
  if (!(phy_.slot_s > 0) || !(aifs_s_ > 0))
    throw std::invalid_argument("channel: slot time and AIFS must be > 0");
  if (edca_.cw_max < edca_.cw_min || edca_.retry_limit < 1)
    throw std::invalid_argument("channel: needs CWmin <= CWmax and a retry limit >= 1");
}

std::int64_t Channel::epoch_at(double t) const
{
  if (busy_ || t < idle_since_ + aifs_s_)
    return epoch_base_;
  // a slot boundary computed by epoch_time() lands within rounding of t: count it
  return epoch_base_ + static_cast<std::int64_t>(std::floor((t - idle_since_ - aifs_s_) / phy_.slot_s + 1e-6));
}

double Channel::epoch_time(std::int64_t epoch) const
{
  return idle_since_ + aifs_s_ + static_cast<double>(epoch - epoch_base_) * phy_.slot_s;
}

double Channel::next_event_s() const
{
  if (busy_)
    return tx_ ? tx_end_ : busy_until_;
  double t = kInf;
  if (!contenders_.empty())
    t = epoch_time(contenders_.begin()->first);
  if (!foreign_.empty())
    t = std::min(t, foreign_.begin()->first);
  return t;
}

double Channel::next_active_event_s() const
{
  if (tx_)
    return tx_end_;
  if (contenders_.empty())
    return kInf;  // only foreign busy periods pending (or nothing): they wait for the next call
  return next_event_s();
}

void Channel::draw_backoff(Sender& s, std::uint32_t cw)
{
  const auto k = std::min<std::uint64_t>(cw, static_cast<std::uint64_t>(rng_.uniform() * (cw + 1.0)));
  s.target = epoch_at(now_) + static_cast<std::int64_t>(k);
}

void Channel::begin_busy(double t)
{
  busy_ = true;
  busy_start_ = t;
  busy_until_ = t;
}

void Channel::merge_foreign()
{
  while (!foreign_.empty() && foreign_.begin()->first <= busy_until_) {
    busy_until_ = std::max(busy_until_, foreign_.begin()->second);
    foreign_.erase(foreign_.begin());
  }
}

void Channel::start_tx(double t, std::uint32_t id, Sender& s)
{
  const Frame& f = *s.frame;
  s.transmitting = true;
  if (s.attempts == 0)
    s.first_tx_s = t;
  ++s.attempts;
  ++counters_.attempts;
  if (s.attempts > 1)
    ++counters_.retries;
  // drawn for every attempt, needed or not, so the stream does not depend on whether it collides
  const bool error = rng_.uniform() < f.per;
  if (!tx_) {
    tx_ = true;
    tx_start_ = t;
    tx_end_ = t;
  }
  tx_senders_.push_back(Transmitter{id, error});
  // the exchange's length: success airtime + SIFS + ACK; failure airtime + ACK timeout; broadcast airtime
  const bool collision = tx_senders_.size() > 1;
  for (const Transmitter& x : tx_senders_) {
    const Frame& g = *senders_.at(x.id).frame;
    const bool ok = !collision && !x.error;
    const double d = g.airtime_s + (!g.unicast ? 0 : ok ? phy_.sifs_s + g.ack_airtime_s : g.ack_timeout_s);
    tx_end_ = std::max(tx_end_, tx_start_ + d);
  }
  busy_until_ = std::max(busy_until_, tx_end_);
  merge_foreign();
}

void Channel::contend(std::uint32_t id, Sender& s, double t)
{
  const bool counter_zero = s.target == kNoBackoff || s.target <= epoch_at(t);
  if (!counter_zero) {
    contenders_.emplace(s.target, id);
    return;
  }
  if (!busy_) {
    if (t >= idle_since_ + aifs_s_) { // idle for AIFS or more: transmit at once (§10.22.2.2)
      const std::int64_t frozen = epoch_at(t);
      begin_busy(t);
      epoch_base_ = frozen;
      start_tx(t, id, s);
      return;
    }
    s.target = epoch_base_; // still in AIFS: transmit when it ends
    contenders_.emplace(s.target, id);
    return;
  }
  if (tx_ && t == tx_start_ && busy_start_ == tx_start_) { // sensed the same idle medium as the frame just started
    start_tx(t, id, s);
    return;
  }
  draw_backoff(s, s.cw); // busy medium: a backoff first
  contenders_.emplace(s.target, id);
}

void Channel::finish(std::uint32_t id, Sender& s, bool delivered)
{
  done_.push_back(FrameOutcome{id, tx_end_, delivered, s.attempts, s.first_tx_s});
  if (delivered)
    ++counters_.delivered;
  else
    ++counters_.failed;
  s.frame.reset();
  s.attempts = 0;
  s.cw = edca_.cw_min;
  if (s.withdrawn) {
    senders_.erase(id);
    return;
  }
  draw_backoff(s, edca_.cw_min); // post-backoff (§10.22.2.2)
  if (s.next) {
    s.frame = s.next;
    s.next.reset();
    contenders_.emplace(s.target, id);
  }
}

void Channel::end_tx()
{
  now_ = tx_end_;
  const bool collision = tx_senders_.size() > 1;
  if (collision) {
    ++counters_.collisions;
    counters_.collided += tx_senders_.size();
  }
  std::vector<Transmitter> done;
  done.swap(tx_senders_);
  tx_ = false;
  std::sort(done.begin(), done.end(), [](const Transmitter& a, const Transmitter& b) { return a.id < b.id; });
  for (const Transmitter& x : done) {
    Sender& s = senders_.at(x.id);
    s.transmitting = false;
    if (!collision && x.error)
      ++counters_.errors;
    const bool ok = !collision && !x.error;
    if (ok) {
      finish(x.id, s, true);
    } else if (s.frame->unicast && s.attempts < edca_.retry_limit && !s.withdrawn) {
      s.cw = std::min(2 * s.cw + 1, edca_.cw_max);
      draw_backoff(s, s.cw);
      contenders_.emplace(s.target, x.id);
    } else {
      finish(x.id, s, false);
    }
  }
}

void Channel::step()
{
  if (busy_) {
    if (tx_) {
      end_tx();
      return;
    }
    now_ = busy_until_;
    merge_foreign();
    if (busy_until_ > now_)
      return;
    busy_total_s_ += busy_until_ - busy_start_;
    busy_ = false;
    idle_since_ = busy_until_;
    return;
  }
  const double t_tx = contenders_.empty() ? kInf : epoch_time(contenders_.begin()->first);
  const double t_foreign = foreign_.empty() ? kInf : foreign_.begin()->first;
  if (t_tx <= t_foreign) {
    const std::int64_t epoch = contenders_.begin()->first;
    now_ = t_tx;
    begin_busy(t_tx);
    epoch_base_ = epoch;
    while (!contenders_.empty() && contenders_.begin()->first == epoch) {
      const std::uint32_t id = contenders_.begin()->second;
      contenders_.erase(contenders_.begin());
      start_tx(t_tx, id, senders_.at(id));
    }
    return;
  }
  // a foreign frame: counters freeze at the last whole idle slot before it (never past the next transmission)
  std::int64_t frozen = epoch_at(t_foreign);
  if (!contenders_.empty())
    frozen = std::min(frozen, std::max(epoch_base_, contenders_.begin()->first - 1));
  const double to = foreign_.begin()->second;
  foreign_.erase(foreign_.begin());
  now_ = t_foreign;
  begin_busy(t_foreign);
  epoch_base_ = frozen;
  busy_until_ = to;
  merge_foreign();
}

void Channel::run_until(double t)
{
  for (double next = next_event_s(); next <= t && next < kInf; next = next_event_s())
    step();
  if (std::isfinite(t))
    now_ = std::max(now_, t);
}

bool Channel::offer(std::uint32_t sender, double t, double airtime_s, double per, bool unicast, double ack_airtime_s,
                    double ack_timeout_s)
{
  if (!(airtime_s > 0) || !std::isfinite(airtime_s) || !(per >= 0 && per <= 1))
    throw std::invalid_argument("channel: a frame needs a finite airtime > 0 and an error probability in [0, 1]");
  run_until(t);
  t = now_;
  ++counters_.offered;
  const auto [it, inserted] = senders_.try_emplace(sender);
  Sender& s = it->second;
  if (inserted)
    s.cw = edca_.cw_min;
  const Frame f{airtime_s, per, unicast, ack_airtime_s, ack_timeout_s};
  if (s.frame) {
    if (s.attempts == 0) { // not on the air yet: replaced in place, keeping its place in the contention
      s.frame = f;
      ++counters_.superseded;
      return true;
    }
    const bool replaced = s.next.has_value();
    if (replaced)
      ++counters_.superseded;
    s.next = f;
    return replaced;
  }
  s.frame = f;
  contend(sender, s, t);
  return false;
}

bool Channel::offer(std::uint32_t sender, double t, double airtime_s, double per, bool unicast, double rate_mbps)
{
  return offer(sender, t, airtime_s, per, unicast, phy_.ack_airtime_s(rate_mbps), phy_.ack_timeout_s(rate_mbps));
}

bool Channel::withdraw(std::uint32_t sender)
{
  const auto it = senders_.find(sender);
  if (it == senders_.end())
    return false;
  Sender& s = it->second;
  const bool had_next = s.next.has_value();
  if (had_next)
    ++counters_.withdrawn;
  s.next.reset();
  if (s.transmitting) {
    s.withdrawn = true;
    return true;
  }
  const bool had_frame = s.frame.has_value();
  if (had_frame) {
    contenders_.erase({s.target, sender});
    ++counters_.withdrawn;
  }
  senders_.erase(it);
  return had_frame || had_next;
}

void Channel::advance(double until_s, std::vector<FrameOutcome>& out)
{
  run_until(until_s);
  out.insert(out.end(), done_.begin(), done_.end());
  done_.clear();
}

void Channel::occupy(double from_s, double to_s)
{
  from_s = std::max(from_s, now_);
  if (!(to_s > from_s))
    return;
  if (busy_ && from_s <= busy_until_) {
    busy_until_ = std::max(busy_until_, to_s);
    return;
  }
  foreign_.emplace(from_s, to_s);
}

double Channel::busy_time_s(double t) const
{
  if (!busy_)
    return busy_total_s_;
  return busy_total_s_ + std::max(0.0, std::min(t, busy_until_) - busy_start_);
}

} // namespace v2x::radio
