// ns-2 mobility reader for the files SUMO's traceExporter.py --ns2mobility-output writes:
//   $node_(i) set X_ x  /  set Y_ y  /  set Z_ z      (initial position, written before the first setdest)
//   $ns_ at t "$node_(i) setdest x y speed"
// traceExporter writes, for every FCD timestep t and every vehicle in it, a setdest with the vehicle's FCD
// position at t, so a setdest at t is read as the position at t (not as a destination to move to, which is how
// ns-2 itself would animate it): the timesteps come out equal to the FCD's, except that empty FCD timesteps have
// no lines. Node ids ("i") replace the SUMO vehicle ids, which the file does not contain. No angle.
#include "mobility/readers.hpp"

#include <limits>
#include <string>

namespace v2x::detail {

namespace {

class Ns2Reader final : public TraceReader {
public:
  explicit Ns2Reader(TextBuffer in) : in_(std::move(in)) {}

  const char* format_name() const override { return "ns-2 mobility"; }

  bool next(TraceStep& step) override
  {
    std::size_t n = 0;
    ids_.clear();
    bool started = false;
    if (has_pending_) {
      started = true;
      step.time_s = pending_time_;
      take(step, n) = std::move(pending_);
      ids_.insert(step.vehicles, 0);
      ++n;
      has_pending_ = false;
    }
    const char* b = nullptr;
    const char* e = nullptr;
    while (next_line(in_, b, e)) {
      line_ = b;
      const char* p = b;
      skip_blanks(p, e);
      if (p == e || *p == '#')
        continue;
      if (starts(p, e, "$node_(")) {
        // $node_(i) set X_ v: checked, then ignored (the first setdest gives the same position)
        p += 7;
        node_id(p, e);
        expect_word(p, e, "set");
        skip_blanks(p, e);
        std::string_view coord = word(p, e);
        if (coord != "X_" && coord != "Y_" && coord != "Z_")
          in_.fail(b, "set", std::string(coord), "expected X_, Y_ or Z_");
        number(p, e, coord == "X_" ? "X_" : coord == "Y_" ? "Y_" : "Z_");
        end_of_line(p, e);
        continue;
      }
      if (!starts(p, e, "$ns_"))
        fail_unsupported(b, e);
      p += 4;
      expect_word(p, e, "at");
      double t = number(p, e, "time");
      skip_blanks(p, e);
      if (p == e || *p != '"')
        fail_unsupported(b, e);
      ++p;
      skip_blanks(p, e);
      if (!starts(p, e, "$node_("))
        fail_unsupported(b, e);
      p += 7;
      std::string_view id = node_id(p, e);
      expect_word(p, e, "setdest");
      double x = number(p, e, "x");
      double y = number(p, e, "y");
      double speed = number(p, e, "speed");
      if (speed < 0)
        in_.fail(b, "speed", compact_number(speed), "a setdest speed must be >= 0 (m/s)");
      skip_blanks(p, e);
      if (p == e || *p != '"')
        in_.fail(b, "", std::string(b, e), "expected the closing quote after setdest x y speed");
      ++p;
      end_of_line(p, e);

      if (have_time_ && t < last_time_)
        in_.fail(b, "time", compact_number(t),
                 "time goes backwards (previous line: " + compact_number(last_time_) +
                     "): setdest lines must be in increasing time order");
      have_time_ = true;
      last_time_ = t;
      if (started && t != step.time_s) {
        pending_time_ = t;
        set(pending_, id, x, y, speed);
        has_pending_ = true;
        finish(step, n);
        return true;
      }
      if (!started) {
        started = true;
        step.time_s = t;
      }
      VehicleSample& v = take(step, n);
      set(v, id, x, y, speed);
      if (!ids_.insert(step.vehicles, static_cast<std::uint32_t>(n)))
        in_.fail(b, "node", v.id, "node given two setdest at time " + compact_number(t));
      ++n;
    }
    if (!started)
      return false;
    finish(step, n);
    return true;
  }

private:
  static void set(VehicleSample& v, std::string_view id, double x, double y, double speed)
  {
    v.id.assign(id);
    v.x_m = x;
    v.y_m = y;
    v.speed_mps = speed;
    v.angle_deg = 0;
    v.has_speed = true;
    v.has_angle = false;
    v.type.clear();
  }

  static VehicleSample& take(TraceStep& step, std::size_t n)
  {
    if (step.vehicles.size() <= n)
      step.vehicles.emplace_back();
    return step.vehicles[n];
  }

  static void finish(TraceStep& step, std::size_t n)
  {
    if (step.vehicles.size() > n)
      step.vehicles.resize(n);
  }

  static void skip_blanks(const char*& p, const char* e)
  {
    while (p < e && (*p == ' ' || *p == '\t'))
      ++p;
  }

  static bool starts(const char* p, const char* e, std::string_view s)
  {
    return static_cast<std::size_t>(e - p) >= s.size() && std::string_view(p, s.size()) == s;
  }

  static std::string_view word(const char*& p, const char* e)
  {
    const char* w = p;
    while (p < e && *p != ' ' && *p != '\t' && *p != '"')
      ++p;
    return {w, static_cast<std::size_t>(p - w)};
  }

  [[noreturn]] void fail_unsupported(const char* b, const char* e)
  {
    in_.fail(b, "", std::string(b, std::min<std::size_t>(e - b, 80)),
             "unsupported ns-2 line: expected '$node_(i) set X_|Y_|Z_ v' or '$ns_ at t \"$node_(i) setdest x y "
             "speed\"'");
  }

  // After "$node_(": the id up to ')'.
  std::string_view node_id(const char*& p, const char* e)
  {
    const char* close = static_cast<const char*>(std::memchr(p, ')', e - p));
    if (!close || close == p)
      in_.fail(line_, "node", "", "malformed $node_(id): missing id or ')'");
    std::string_view id(p, close - p);
    p = close + 1;
    return id;
  }

  void expect_word(const char*& p, const char* e, std::string_view w)
  {
    skip_blanks(p, e);
    std::string_view got = word(p, e);
    if (got != w)
      in_.fail(line_, "", std::string(got), "expected '" + std::string(w) + "'");
  }

  double number(const char*& p, const char* e, const char* field)
  {
    skip_blanks(p, e);
    std::string_view w = word(p, e);
    double v = 0;
    if (w.empty())
      in_.fail(line_, field, "", "missing value");
    if (!parse_number(w, v))
      in_.fail(line_, field, std::string(w), "not a finite number");
    if (std::abs(v) > kMaxTraceMagnitude)
      in_.fail(line_, field, std::string(w), kTraceMagnitudeError);
    return v;
  }

  void end_of_line(const char*& p, const char* e)
  {
    skip_blanks(p, e);
    if (p < e && *p == ';') {
      ++p;
      skip_blanks(p, e);
    }
    if (p < e && *p != '#')
      in_.fail(line_, "", std::string(p, std::min<std::size_t>(e - p, 40)), "unexpected text at the end of line");
  }

  TextBuffer in_;
  const char* line_ = nullptr;
  StepIdSet ids_;
  bool have_time_ = false;
  double last_time_ = -std::numeric_limits<double>::infinity();
  bool has_pending_ = false;
  double pending_time_ = 0;
  VehicleSample pending_;
};

} // namespace

std::unique_ptr<TraceReader> make_ns2_reader(TextBuffer in) { return std::make_unique<Ns2Reader>(std::move(in)); }

} // namespace v2x::detail
