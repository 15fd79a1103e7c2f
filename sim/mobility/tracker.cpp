// MobilityTracker: look-ahead over the trace stream, appear/leave events, interpolation.
//
// A vehicle's presence runs from its first sample to its last sample before a gap longer than max_gap (or the
// end of the trace). Gaps up to max_gap are interpolated across. The leave time of a presence is known once a
// step later than last_seen + max_gap has been read, so an event at trace time T is final when the trace has
// been read past T + max_gap (or to its end). Details the contract leaves open:
//  - A presence of zero length (one sample, or ending at or before the start time) gives no events, and its
//    vehicle gets no index unless it appears again later.
//  - A vehicle that reappears after a longer gap gets a new Appear with the same index.
//  - Presences that begin before the start time appear at simulated time 0.
//  - Memory: samples are kept from (last pop time - max_gap) up to the read-ahead; the id -> index table keeps
//    one entry per distinct vehicle id (a name and a few integers), which at() and name() need.
#include "mobility/tracker.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <stdexcept>
#include <unordered_set>

namespace v2x {

namespace {

constexpr double kEps = 1e-6;  // s: slack on time comparisons (trace times are printed decimals)
constexpr VehicleIndex kNoIndex = std::numeric_limits<VehicleIndex>::max();
constexpr double kRad = 3.14159265358979323846 / 180.0;

/// std::fmod(a, 360) without the library call where the result is a plain subtraction: for a in [0, 1080) it is
/// a, a - 360 or a - 720, each exact (Sterbenz: y / 2 <= x <= 2 y makes x - y exact, and fmod is exact), so the
/// value is fmod's bit for bit.
double fmod_360(double a)
{
  if (a >= 0 && a < 360.0)
    return a;
  if (a >= 360.0 && a < 720.0)
    return a - 360.0;
  if (a >= 720.0 && a < 1080.0)
    return a - 720.0;
  return std::fmod(a, 360.0);
}

double normalize_deg(double a)
{
  if (a > -360.0 && a < 0)  // fmod keeps a (the dividend's sign)
    return a + 360.0;
  a = fmod_360(a);
  return a < 0 ? a + 360.0 : a;
}

struct Sample {
  double t = 0;  // trace time
  double x = 0, y = 0, speed = 0, angle = 0;
  bool speed_derived = false;  // speed/angle are those of the segment arriving here (from positions)
  bool angle_derived = false;
  bool first = false;          // first sample of its presence
};

struct Track {
  std::string name;
  std::string type;
  VehicleIndex index = kNoIndex;
  bool ignored = false;  // beyond max_vehicles
  bool active = false;   // presence being read (leave not yet known)
  bool listed = false;   // in Impl::with_samples
  bool in_active = false;  // in Impl::active
  std::uint32_t presence = 0;
  double first_seen = 0, last_seen = 0;  // current presence, trace time
  std::deque<Sample> samples;
};

struct Pending {
  double time = 0;  // trace time (Appear: clamped to the start)
  MobilityEvent::Type type = MobilityEvent::Type::Appear;
  std::uint32_t track = 0;
  std::uint32_t presence = 0;
  std::uint64_t seq = 0;  // read order
};

struct Later {
  bool operator()(const Pending& a, const Pending& b) const
  {
    if (a.time != b.time)
      return a.time > b.time;
    if (a.type != b.type)
      return a.type == MobilityEvent::Type::Appear;  // Leave first
    return a.seq > b.seq;
  }
};

} // namespace

struct MobilityTracker::Impl {
  std::unique_ptr<TraceReader> reader;
  MobilityOptions opt;
  double start = 0;
  bool start_known = false;
  double horizon = -std::numeric_limits<double>::infinity();  // time of the last step read (trace time)
  bool eof = false;
  TraceStep step;

  std::deque<Track> tracks;  // deque: name()/type() references stay valid while tracks are added
  std::unordered_map<std::string, std::uint32_t> by_name;
  std::vector<std::uint32_t> track_of;  // VehicleIndex -> track
  std::vector<std::uint32_t> active;    // tracks with a presence being read
  std::vector<std::uint32_t> with_samples;
  std::unordered_set<std::uint64_t> dropped;  // (track << 32 | presence) of zero-length presences
  std::priority_queue<Pending, std::vector<Pending>, Later> heap;
  std::uint64_t seq = 0;
  std::deque<MobilityEvent> ready;  // final, ordered, indices assigned, not yet popped
  std::vector<Pending> group;

  std::size_t present = 0;
  std::size_t appeared = 0;
  double last_pop = -std::numeric_limits<double>::infinity();  // sim time
  double last_prune = -std::numeric_limits<double>::infinity();

  static std::uint64_t key(std::uint32_t track, std::uint32_t presence)
  {
    return (static_cast<std::uint64_t>(track) << 32) | presence;
  }

  bool final_at(double trace_time) const { return eof || trace_time + opt.max_gap_s + kEps < horizon; }

  void end_presence(std::uint32_t id)
  {
    Track& tr = tracks[id];
    tr.active = false;
    if (tr.ignored)
      return;
    if (tr.last_seen <= std::max(tr.first_seen, start) + kEps)
      dropped.insert(key(id, tr.presence));
    else
      heap.push({tr.last_seen, MobilityEvent::Type::Leave, id, tr.presence, seq++});
  }

  void read_step()
  {
    if (eof)
      return;
    if (!reader->next(step)) {
      eof = true;
      for (std::uint32_t id : active) {
        if (tracks[id].active)
          end_presence(id);
        tracks[id].in_active = false;
      }
      active.clear();
      return;
    }
    const double t = step.time_s;
    if (!start_known) {
      start = t;
      start_known = true;
    }
    horizon = t;
    for (VehicleSample& v : step.vehicles) {
      auto it = by_name.find(v.id);
      std::uint32_t id = 0;
      if (it == by_name.end()) {
        id = static_cast<std::uint32_t>(tracks.size());
        tracks.emplace_back();
        tracks.back().name = v.id;
        by_name.emplace(v.id, id);
      } else {
        id = it->second;
      }
      Track& tr = tracks[id];
      if (tr.ignored)
        continue;
      if (tr.active && t > tr.last_seen + opt.max_gap_s + kEps)
        end_presence(id);  // back after a longer gap: the old presence ended at its last sample
      if (!tr.active) {
        tr.active = true;
        ++tr.presence;
        tr.first_seen = t;
        if (!tr.in_active) {
          tr.in_active = true;
          active.push_back(id);
        }
        heap.push({std::max(t, start), MobilityEvent::Type::Appear, id, tr.presence, seq++});
      }
      tr.last_seen = t;
      if (!v.type.empty() && tr.type != v.type)
        tr.type = v.type;
      append(tr, v, t);
      if (!tr.listed) {
        tr.listed = true;
        with_samples.push_back(id);
      }
    }
    // Presences whose gap now exceeds max_gap end at their last sample.
    for (std::size_t i = 0; i < active.size();) {
      Track& tr = tracks[active[i]];
      if (tr.ignored || !tr.active || t > tr.last_seen + opt.max_gap_s + kEps) {
        if (tr.active && !tr.ignored)
          end_presence(active[i]);
        tr.active = false;
        tr.in_active = false;
        active[i] = active.back();
        active.pop_back();
      } else {
        ++i;
      }
    }
  }

  static void append(Track& tr, const VehicleSample& v, double t)
  {
    Sample s;
    s.t = t;
    s.x = v.x_m;
    s.y = v.y_m;
    s.speed = v.speed_mps;
    s.angle = normalize_deg(v.angle_deg);
    s.speed_derived = !v.has_speed;
    s.angle_derived = !v.has_angle;
    s.first = tr.first_seen == t;
    if (!s.first && !tr.samples.empty() && (s.speed_derived || s.angle_derived)) {
      Sample& p = tr.samples.back();
      double dx = s.x - p.x, dy = s.y - p.y, dt = t - p.t;
      double d = std::hypot(dx, dy);
      if (s.speed_derived)
        s.speed = dt > 0 ? d / dt : 0.0;
      if (s.angle_derived)
        s.angle = d > 1e-9 ? normalize_deg(std::atan2(dx, dy) / kRad) : p.angle;  // standing: keep heading
      if (p.first) {  // the first sample of a presence takes its outgoing segment's values
        if (p.speed_derived)
          p.speed = s.speed;
        if (p.angle_derived)
          p.angle = s.angle;
      }
    }
    tr.samples.push_back(s);
  }

  // Moves the earliest group of final events (one trace time) to `ready`, filtered and ordered.
  void finalize_group()
  {
    group.clear();
    const double t = heap.top().time;
    while (!heap.empty() && heap.top().time == t) {
      group.push_back(heap.top());
      heap.pop();
    }
    // Heap order is (time, Leave first, read order); appears of new vehicles take indices in read order.
    std::vector<MobilityEvent> leaves, appears;
    for (const Pending& p : group) {
      Track& tr = tracks[p.track];
      if (p.type == MobilityEvent::Type::Leave) {
        if (!tr.ignored && tr.index != kNoIndex)
          leaves.push_back({MobilityEvent::Type::Leave, t - start, tr.index});
        continue;
      }
      if (auto d = dropped.find(key(p.track, p.presence)); d != dropped.end()) {
        dropped.erase(d);
        continue;
      }
      if (tr.ignored)
        continue;
      if (tr.index == kNoIndex) {
        if (opt.max_vehicles > 0 && track_of.size() >= opt.max_vehicles) {
          tr.ignored = true;
          tr.samples.clear();
          continue;
        }
        tr.index = static_cast<VehicleIndex>(track_of.size());
        track_of.push_back(p.track);
      }
      appears.push_back({MobilityEvent::Type::Appear, t - start, tr.index});
    }
    auto by_index = [](const MobilityEvent& a, const MobilityEvent& b) { return a.vehicle < b.vehicle; };
    std::sort(leaves.begin(), leaves.end(), by_index);
    std::sort(appears.begin(), appears.end(), by_index);
    ready.insert(ready.end(), leaves.begin(), leaves.end());
    ready.insert(ready.end(), appears.begin(), appears.end());
  }

  // Makes `ready` non-empty if any event is left; false when none is.
  bool fill_ready()
  {
    while (ready.empty()) {
      if (heap.empty()) {
        if (eof)
          return false;
        read_step();
        continue;
      }
      if (!final_at(heap.top().time)) {
        read_step();
        continue;
      }
      finalize_group();
    }
    return true;
  }

  void prune(double t_sim)
  {
    double bound = t_sim + start - opt.max_gap_s - kEps;  // at() may be asked from here on
    for (std::size_t i = 0; i < with_samples.size();) {
      Track& tr = tracks[with_samples[i]];
      auto& s = tr.samples;
      while (s.size() >= 2 && s[1].t <= bound)
        s.pop_front();
      if (tr.ignored || (!tr.active && !s.empty() && s.back().t < bound))
        s.clear();
      if (s.empty()) {
        std::deque<Sample>().swap(s);  // give the memory back
        tr.listed = false;
        with_samples[i] = with_samples.back();
        with_samples.pop_back();
      } else {
        ++i;
      }
    }
  }
};

MobilityTracker::MobilityTracker(std::unique_ptr<TraceReader> reader, MobilityOptions options)
    : impl_(std::make_unique<Impl>())
{
  if (!reader)
    throw std::invalid_argument("MobilityTracker: no trace reader");
  if (!(options.max_gap_s >= 0) || !std::isfinite(options.max_gap_s))
    throw InputError({}, "mobility.max_gap_s", std::to_string(options.max_gap_s), "must be a finite number >= 0");
  if (std::isinf(options.start_s))
    throw InputError({}, "mobility.start_s", std::to_string(options.start_s), "must be finite (or NaN: first step)");
  impl_->reader = std::move(reader);
  impl_->opt = options;
  impl_->start_known = !std::isnan(options.start_s);
  impl_->start = impl_->start_known ? options.start_s : 0.0;
}

MobilityTracker::~MobilityTracker() = default;

double MobilityTracker::next_event_time()
{
  Impl& m = *impl_;
  if (!m.fill_ready())
    return std::numeric_limits<double>::infinity();
  return m.ready.front().time_s;
}

void MobilityTracker::pop_events(double t, std::vector<MobilityEvent>& out)
{
  Impl& m = *impl_;
  if (!m.start_known)
    m.read_step();
  while (!m.eof && !(m.horizon > t + m.start + m.opt.max_gap_s + kEps))
    m.read_step();
  for (;;) {
    while (!m.ready.empty() && m.ready.front().time_s <= t) {
      const MobilityEvent& e = m.ready.front();
      if (e.type == MobilityEvent::Type::Appear) {
        ++m.present;
        if (e.vehicle >= m.appeared)
          m.appeared = e.vehicle + 1;
      } else {
        --m.present;
      }
      out.push_back(e);
      m.ready.pop_front();
    }
    if (!m.ready.empty() || m.heap.empty() || m.heap.top().time - m.start > t || !m.final_at(m.heap.top().time))
      break;
    m.finalize_group();
  }
  if (t > m.last_pop)
    m.last_pop = t;
  if (m.last_pop >= m.last_prune + 1.0) {
    m.prune(m.last_pop);
    m.last_prune = m.last_pop;
  }
}

namespace {
Kinematics interpolate(const TrackSegment& g, double tt)
{
  if (g.a_t == tt || g.hold)
    return {g.a_x, g.a_y, g.a_speed, g.a_angle};
  double f = (tt - g.a_t) / (g.b_t - g.a_t);
  Kinematics k;
  k.x_m = g.a_x + f * (g.b_x - g.a_x);
  k.y_m = g.a_y + f * (g.b_y - g.a_y);
  k.speed_mps = g.b_speed_derived ? g.b_speed : g.a_speed + f * (g.b_speed - g.a_speed);
  if (g.b_angle_derived) {
    k.heading_deg = g.b_angle;
  } else {
    double d = fmod_360(g.b_angle - g.a_angle + 540.0) - 180.0;  // shorter arc, in [-180, 180)
    k.heading_deg = normalize_deg(g.a_angle + f * d);
  }
  return k;
}
} // namespace

Kinematics MobilityTracker::at(VehicleIndex v, double t) const
{
  TrackSegment scratch;
  return at(v, t, scratch);
}

Kinematics MobilityTracker::at(VehicleIndex v, double t, TrackSegment& cache) const
{
  Impl& m = *impl_;
  const double tt = t + m.start;
  if (tt >= cache.a_t && tt < cache.b_t && cache.start == m.start)
    return interpolate(cache, tt);
  if (v >= m.track_of.size())
    throw std::out_of_range("MobilityTracker::at: vehicle index " + std::to_string(v) + " has not appeared");
  const Track& tr = m.tracks[m.track_of[v]];
  while (!m.eof && m.horizon < tt && tr.active && !tr.samples.empty() && tr.samples.back().t < tt)
    m.read_step();  // asked beyond what was read: read on (results do not depend on how far we have read;
                    // tracks is a deque, so tr stays valid)
  const auto& s = tr.samples;
  if (s.empty())
    throw std::out_of_range("MobilityTracker::at: no samples kept for vehicle '" + tr.name + "' at t=" +
                            std::to_string(t) + " (before the last pop time minus max_gap, or after it left)");
  // The first sample after tt: nearly always the last or the one before (the window kept is a few samples, and
  // the plane asks about the present), so from the end first.
  auto it = s.end();
  if (s.back().t > tt) {
    if (s.size() >= 2 && s[s.size() - 2].t <= tt)
      it = s.end() - 1;
    else
      it = std::upper_bound(s.begin(), s.end(), tt, [](double x, const Sample& a) { return x < a.t; });
  }
  if (it == s.begin())
    return {s.front().x, s.front().y, s.front().speed, s.front().angle};
  const Sample& a = *(it - 1);
  if (it == s.end())
    return {a.x, a.y, a.speed, a.angle};
  const Sample& b = *it;
  const TrackSegment g{m.start, a.t, b.t, a.x, a.y, a.speed, a.angle, b.x, b.y, b.speed, b.angle,
                       b.speed_derived, b.angle_derived, b.t - a.t > m.opt.max_gap_s + kEps};
  if (!b.first)  // a presence's first sample takes its outgoing segment's values when the next one is read
    cache = g;
  return interpolate(g, tt);
}

const std::string& MobilityTracker::name(VehicleIndex v) const { return impl_->tracks.at(impl_->track_of.at(v)).name; }

const std::string& MobilityTracker::type(VehicleIndex v) const { return impl_->tracks.at(impl_->track_of.at(v)).type; }

std::size_t MobilityTracker::present() const { return impl_->present; }

std::size_t MobilityTracker::appeared() const { return impl_->appeared; }

} // namespace v2x
