#pragma once
// Shared body of the libFuzzer harnesses of the trace readers (one harness per reader: fuzz_fcd.cpp,
// fuzz_csv.cpp, fuzz_ns2.cpp). The input bytes are a trace file (an in-memory file, so the real open path and
// the gzip/xz detection run too), read through with the reader named explicitly, then replayed through the
// MobilityTracker. An InputError is the normal outcome for a bad input; anything else is a finding: a crash, a
// sanitizer report, another exception, or a step that breaks what the readers promise (times strictly
// increasing, each id once per step, finite values).
#include "core/error.hpp"
#include "mobility/trace.hpp"
#include "mobility/tracker.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <set>
#include <string>
#include <vector>

namespace v2x::fuzz {

inline void finding(const char* what)
{
  std::fprintf(stderr, "v2x fuzz finding: %s\n", what);
  std::abort();
}

/// The input as a file that open_trace can open by path: a memfd rewritten for each input.
inline const std::string& input_file(const std::uint8_t* data, std::size_t size)
{
  static const int fd = memfd_create("v2x-fuzz-trace", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0 || ftruncate(fd, 0) != 0)
    finding("cannot make the in-memory input file");
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0)
      finding("cannot write the in-memory input file");
    done += static_cast<std::size_t>(n);
  }
  return path;
}

inline void check_reader(const std::string& path, TraceFormat format)
{
  auto reader = open_trace(path, format);
  TraceStep step;
  bool first = true;
  double last = 0;
  std::set<std::string> ids;
  while (reader->next(step)) {
    if (!std::isfinite(step.time_s))
      finding("non-finite timestep time");
    if (!first && !(step.time_s > last))
      finding("timesteps not strictly increasing");
    first = false;
    last = step.time_s;
    ids.clear();
    for (const VehicleSample& v : step.vehicles) {
      if (!ids.insert(v.id).second)
        finding("a vehicle twice in one step");
      if (!std::isfinite(v.x_m) || !std::isfinite(v.y_m) || !std::isfinite(v.speed_mps) ||
          !std::isfinite(v.angle_deg))
        finding("non-finite vehicle value");
    }
  }
}

inline void check_tracker(const std::string& path, TraceFormat format)
{
  MobilityOptions options;
  options.max_gap_s = 2.0;
  options.start_s = std::nan("");
  MobilityTracker tracker(open_trace(path, format), options);
  std::vector<MobilityEvent> events;
  std::vector<bool> present;
  for (int guard = 0; guard < 100000; ++guard) {
    const double t = tracker.next_event_time();
    if (std::isinf(t))
      return;
    if (!std::isfinite(t))
      finding("non-finite event time");
    events.clear();
    tracker.pop_events(t, events);
    if (events.empty())
      finding("pop_events at next_event_time returned nothing");
    for (const MobilityEvent& e : events) {
      if (e.vehicle >= present.size())
        present.resize(e.vehicle + 1, false);
      present[e.vehicle] = e.type == MobilityEvent::Type::Appear;
    }
    for (VehicleIndex v = 0; v < present.size(); ++v)
      if (present[v]) {
        const Kinematics k = tracker.at(v, t);
        if (!std::isfinite(k.x_m) || !std::isfinite(k.y_m) || !std::isfinite(k.speed_mps) ||
            !std::isfinite(k.heading_deg))
          finding("non-finite kinematics");
      }
  }
}

inline int run_one(const std::uint8_t* data, std::size_t size, TraceFormat format)
{
  const std::string& path = input_file(data, size);
  try {
    check_reader(path, format);
  } catch (const InputError&) {
    return 0;  // a bad trace, reported as such: the expected outcome
  } catch (const std::exception& e) {
    std::fprintf(stderr, "v2x fuzz finding: exception other than InputError from the reader: %s\n", e.what());
    std::abort();
  }
  try {
    check_tracker(path, format);
  } catch (const InputError&) {
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "v2x fuzz finding: exception other than InputError from the tracker: %s\n", e.what());
    std::abort();
  }
  return 0;
}

} // namespace v2x::fuzz
