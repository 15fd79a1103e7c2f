// CSV trace reader: SUMO's xml2csv.py FCD columns or the plain time,id,x,y[,speed,angle] form. Columns are
// located by header name (case-insensitive), so extra or reordered columns are fine. Rows must be grouped by
// time in increasing order; one timestep (plus one look-ahead row) is held in memory.
#include "mobility/readers.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <limits>
#include <string>

namespace v2x::detail {

namespace {

enum Col { kTime, kId, kX, kY, kLon, kLat, kSpeed, kAngle, kType, kCols };

constexpr std::array<const char*, kCols> kColName = {"time", "id", "x", "y", "lon", "lat", "speed", "angle", "type"};

// Header name -> column role (-1: ignored). SUMO's xml2csv prefixes element names: timestep_time, vehicle_x...
int column_role(std::string name)
{
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name == "timestep_time" || name == "time" || name == "t")
    return kTime;
  if (name.rfind("vehicle_", 0) == 0)
    name.erase(0, 8);
  for (int k = kId; k < kCols; ++k)
    if (name == kColName[k])
      return k;
  if (name == "heading")
    return kAngle;
  return -1;
}

class CsvReader final : public TraceReader {
public:
  CsvReader(TextBuffer in, const std::string& projection) : in_(std::move(in)), geo_proj_(projection)
  {
    read_header();
  }

  const char* format_name() const override { return "CSV"; }
  std::string projection() const override { return geo_proj_.definition(); }

  bool next(TraceStep& step) override
  {
    std::size_t n = 0;
    ids_.clear();
    bool started = false;
    if (pending_ != Pending::None) {
      started = true;
      step.time_s = pending_time_;
      if (pending_ == Pending::Vehicle) {
        take(step, n) = std::move(pending_sample_);
        ids_.insert(step.vehicles, 0);
        ++n;
      }
      pending_ = Pending::None;
    }
    const char* b = nullptr;
    const char* e = nullptr;
    while (next_line(in_, b, e)) {
      if (blank(b, e))
        continue;
      split(b, e);
      double t = number(kTime, b);
      if (have_time_ && t < last_time_)
        in_.fail(b, col_name_[kTime], std::string(field(kTime)),
                 "time goes backwards (previous row: " + std::to_string(last_time_) +
                     "): rows must be grouped by time in increasing order");
      bool new_step = !started || t != step.time_s;
      have_time_ = true;
      last_time_ = t;
      bool has_vehicle = !field(kId).empty();
      if (!has_vehicle) {
        for (int k : {kX, kY, kLon, kLat})
          if (col_[k] >= 0 && !field(k).empty())
            in_.fail(b, col_name_[kId], "", "row has a position but no vehicle id");
      }
      if (new_step && started) {
        // The row begins the next step: keep it for the next call.
        pending_time_ = t;
        pending_ = has_vehicle ? Pending::Vehicle : Pending::Empty;
        if (has_vehicle)
          fill_sample(pending_sample_, b);
        finish(step, n);
        return true;
      }
      if (!started) {
        started = true;
        step.time_s = t;
      }
      if (!has_vehicle)
        continue;  // an empty timestep (xml2csv writes one row with only the time)
      VehicleSample& v = take(step, n);
      fill_sample(v, b);
      if (!ids_.insert(step.vehicles, static_cast<std::uint32_t>(n)))
        in_.fail(b, col_name_[kId], v.id, "vehicle listed twice at time " + std::to_string(t));
      ++n;
    }
    if (!started)
      return false;
    finish(step, n);
    return true;
  }

private:
  enum class Pending { None, Vehicle, Empty };

  static bool blank(const char* b, const char* e)
  {
    for (; b < e; ++b)
      if (*b != ' ' && *b != '\t')
        return false;
    return true;
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

  void read_header()
  {
    const char* b = nullptr;
    const char* e = nullptr;
    do {
      if (!next_line(in_, b, e))
        in_.fail(in_.end(), "", "", "empty CSV trace: no header line");
    } while (blank(b, e));
    std::string_view line(b, e - b);
    sep_ = line.find(';') != std::string_view::npos ? ';' : ',';
    split(b, e);
    col_.fill(-1);
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      std::string name(fields_[i]);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
        name.pop_back();
      name.erase(0, std::min(name.find_first_not_of(" \t"), name.size()));
      int role = column_role(name);
      if (role < 0)
        continue;
      if (col_[role] >= 0)
        in_.fail(b, name, "", "two columns give the vehicle " + std::string(kColName[role]));
      col_[role] = static_cast<int>(i);
      col_name_[role] = name;
    }
    ncols_ = fields_.size();
    bool xy = col_[kX] >= 0 && col_[kY] >= 0;
    bool geo = col_[kLon] >= 0 && col_[kLat] >= 0;
    std::string missing;
    if (col_[kTime] < 0)
      missing = "time (or timestep_time)";
    else if (col_[kId] < 0)
      missing = "id (or vehicle_id)";
    else if (!xy && !geo)
      missing = "x and y (or vehicle_x/vehicle_y, or lon/lat)";
    if (!missing.empty())
      in_.fail(b, "", std::string(line.substr(0, 120)),
               "not a trace CSV header: no column " + missing +
                   " (expected SUMO xml2csv FCD columns or time,id,x,y[,speed,angle])");
    geo_ = !xy;
  }

  // Splits [b, e) at the separator into fields_ (views; quoted fields unquoted, "" unescaped into scratch).
  void split(const char* b, const char* e)
  {
    fields_.clear();
    std::size_t scratch_used = 0;
    const char* p = b;
    for (;;) {
      if (p < e && *p == '"') {
        const char* q = p + 1;
        bool escaped = false;
        for (;; ++q) {
          if (q >= e)
            in_.fail(p, "", "", "unterminated quoted field (quoted fields may not span lines)");
          if (*q == '"') {
            if (q + 1 < e && q[1] == '"') {
              escaped = true;
              ++q;
              continue;
            }
            break;
          }
        }
        std::string_view f(p + 1, q - p - 1);
        if (escaped) {
          if (scratch_.size() <= scratch_used)
            scratch_.emplace_back();
          std::string& s = scratch_[scratch_used++];
          s.clear();
          for (std::size_t i = 0; i < f.size(); ++i) {
            s += f[i];
            if (f[i] == '"')
              ++i;
          }
          f = s;
        }
        fields_.push_back(f);
        p = q + 1;
        if (p < e && *p != sep_)
          in_.fail(p, "", "", "text after a closing quote");
      } else {
        const char* q = static_cast<const char*>(std::memchr(p, sep_, e - p));
        if (!q)
          q = e;
        fields_.emplace_back(p, q - p);
        p = q;
      }
      if (p >= e)
        break;
      ++p;  // separator
      if (p == e) {
        fields_.emplace_back();
        break;
      }
    }
  }

  std::string_view field(int role) const
  {
    int c = col_[role];
    if (c < 0 || static_cast<std::size_t>(c) >= fields_.size())
      return {};
    std::string_view f = fields_[c];
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t'))
      f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t'))
      f.remove_suffix(1);
    return f;
  }

  double number(int role, const char* line)
  {
    if (fields_.size() < ncols_)
      in_.fail(line, "", "",
               "row has " + std::to_string(fields_.size()) + " fields, the header has " + std::to_string(ncols_));
    std::string_view f = field(role);
    if (f.empty())
      in_.fail(line, col_name_[role], "", "missing value");
    double v = 0;
    if (!parse_number(f, v))
      in_.fail(line, col_name_[role], std::string(f), "not a finite number");
    if (std::abs(v) > kMaxTraceMagnitude)
      in_.fail(line, col_name_[role], std::string(f), kTraceMagnitudeError);
    return v;
  }

  void fill_sample(VehicleSample& v, const char* line)
  {
    v.id.assign(field(kId));
    if (geo_) {
      double lon = number(kLon, line), lat = number(kLat, line);
      if (std::abs(lon) > 180 || std::abs(lat) > 90)
        in_.fail(line, col_name_[kLon], std::string(field(kLon)) + "," + std::string(field(kLat)),
                 "geographic position out of range");
      try {
        geo_proj_.project(lon, lat, v.x_m, v.y_m);
      } catch (const InputError& e) {
        in_.fail(line, col_name_[kLon], e.value(), bare_what(e));
      }
    } else {
      v.x_m = number(kX, line);
      v.y_m = number(kY, line);
    }
    v.has_speed = col_[kSpeed] >= 0;
    v.speed_mps = v.has_speed ? number(kSpeed, line) : 0.0;
    v.has_angle = col_[kAngle] >= 0;
    v.angle_deg = v.has_angle ? number(kAngle, line) : 0.0;
    v.type.assign(field(kType));
  }

  TextBuffer in_;
  char sep_ = ',';
  std::array<int, kCols> col_{};
  std::array<std::string, kCols> col_name_;
  std::size_t ncols_ = 0;
  bool geo_ = false;
  LazyProjection geo_proj_;
  std::vector<std::string_view> fields_;
  // Unescaped quoted fields, viewed by fields_: a deque, whose growth does not move the strings (a vector's
  // would, leaving the views of a row's earlier fields dangling; found by the fuzz harness).
  std::deque<std::string> scratch_;
  StepIdSet ids_;
  bool have_time_ = false;
  double last_time_ = -std::numeric_limits<double>::infinity();
  Pending pending_ = Pending::None;
  double pending_time_ = 0;
  VehicleSample pending_sample_;
};

} // namespace

std::unique_ptr<TraceReader> make_csv_reader(TextBuffer in, const std::string& projection)
{
  return std::make_unique<CsvReader>(std::move(in), projection);
}

} // namespace v2x::detail
