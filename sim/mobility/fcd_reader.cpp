// SUMO FCD XML reader: a hand-written streaming scanner over the text buffer (no DOM, no callbacks), checking
// the well-formedness that matters for this format (tags closed and nested, attributes quoted and not repeated,
// entities known) and throwing InputError with the line for anything else. One <timestep> at a time in memory.
#include "mobility/readers.hpp"

#include <cstring>
#include <limits>
#include <string>

namespace v2x::detail {

namespace {

// Character classes by table: blank, and what may not appear in an element or attribute name.
struct CharClass {
  bool blank[256] = {};
  bool name_end[256] = {};
  constexpr CharClass()
  {
    for (unsigned char c : {' ', '\n', '\t', '\r'})
      blank[c] = name_end[c] = true;
    for (unsigned char c : {'>', '/', '=', '<', '"', '\''})
      name_end[c] = true;
  }
};
constexpr CharClass kClass;

inline bool is_blank(char c) { return kClass.blank[static_cast<unsigned char>(c)]; }
inline bool ends_name(char c) { return kClass.name_end[static_cast<unsigned char>(c)]; }

enum class Tok { NeedMore, Eof, Start, Empty, End, Comment, Other };

struct Attr {
  std::string_view name;
  std::string_view value;
  const char* at = nullptr;  // position of the name, for error lines
};

// Decodes XML entities of an attribute value into `out`; false (with `bad` set) on an unknown entity.
bool decode_entities(std::string_view v, std::string& out, std::string& bad)
{
  out.clear();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '&') {
      out += v[i];
      continue;
    }
    std::size_t semi = v.find(';', i);
    if (semi == std::string_view::npos) {
      bad = std::string(v.substr(i));
      return false;
    }
    std::string_view ent = v.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      unsigned long cp = 0;
      bool hex = ent[1] == 'x';
      auto [p, ec] = std::from_chars(ent.data() + (hex ? 2 : 1), ent.data() + ent.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || p != ent.data() + ent.size() || cp == 0 || cp > 0x10FFFF) {
        bad = "&" + std::string(ent) + ";";
        return false;
      }
      if (cp < 0x80) {  // UTF-8 encode
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      bad = "&" + std::string(ent) + ";";
      return false;
    }
    i = semi;
  }
  return true;
}

class FcdReader final : public TraceReader {
public:
  FcdReader(TextBuffer in, const std::string& projection) : in_(std::move(in)), geo_(projection) {}

  const char* format_name() const override { return "SUMO FCD XML"; }
  std::string projection() const override { return geo_.definition(); }

  bool next(TraceStep& step) override
  {
    std::size_t n = 0;  // vehicles filled in step
    for (;;) {
      const char* p = in_.begin();
      const char* item = nullptr;
      Tok t = scan(p, item);
      if (t == Tok::NeedMore) {
        in_.fill();
        continue;
      }
      if (t == Tok::Eof) {
        if (where_ == Where::Prolog)
          in_.fail(in_.end(), "", "", "no <fcd-export> element: not an FCD trace");
        if (where_ != Where::Epilog || !open_.empty())
          in_.fail(in_.end(), "", "",
                   "unexpected end of file: <" + (open_.empty() ? std::string("fcd-export") : open_.back()) +
                       "> is not closed (truncated trace?)");
        return false;
      }
      // Everything below handles one complete item (views into the buffer are valid until consume/fill).
      if (t == Tok::Comment) {
        if (where_ == Where::Prolog && comment_.find("fcd-output.geo value=\"true\"") != std::string_view::npos)
          geo_xy_ = true;
        in_.consume_to(p);
        continue;
      }
      if (t == Tok::Other) {
        in_.consume_to(p);
        continue;
      }
      if (t == Tok::End) {
        if (open_.empty() || name_ != open_.back())
          in_.fail(item, "", std::string(name_),
                   open_.empty() ? "closing tag without an open element"
                                 : "closing tag does not match the open element <" + open_.back() + ">");
        open_.pop_back();
        in_.consume_to(p);
        if (where_ == Where::Root && open_.empty()) {
          where_ = Where::Epilog;
        } else if (where_ == Where::Step && open_.size() == 1) {
          where_ = Where::Root;
          finish_step(step, n);
          return true;
        }
        continue;
      }
      // Start or empty-element tag.
      if (where_ == Where::Epilog)
        in_.fail(item, "", std::string(name_), "element after the end of <fcd-export>");
      if (where_ == Where::Prolog) {
        if (name_ != "fcd-export")
          in_.fail(item, "", std::string(name_), "root element is not <fcd-export>: not a SUMO FCD trace");
        where_ = t == Tok::Empty ? Where::Epilog : Where::Root;
        if (t == Tok::Start)
          open_.emplace_back(name_);
        in_.consume_to(p);
        continue;
      }
      if (where_ == Where::Root && open_.size() == 1 && name_ == "timestep") {
        step.time_s = step_time(item);
        in_.consume_to(p);
        n = 0;
        ids_.clear();
        if (t == Tok::Empty) {
          finish_step(step, n);
          return true;
        }
        open_.emplace_back(name_);
        where_ = Where::Step;
        continue;
      }
      if (where_ == Where::Step && open_.size() == 2 && name_ == "vehicle") {
        read_vehicle(step, n, item);
      }
      // A vehicle's time is its timestep's: one outside any (or a timestep inside another) would be lost.
      if (where_ == Where::Root && open_.size() == 1 && name_ == "vehicle")
        in_.fail(item, "", std::string(name_), "<vehicle> outside a <timestep>: its time is unknown");
      if (where_ == Where::Step && name_ == "timestep")
        in_.fail(item, "", std::string(name_), "<timestep> inside another <timestep> (not closed)");
      // Anything else (persons, containers, children of vehicles, unknown elements) is skipped.
      if (t == Tok::Start)
        open_.emplace_back(name_);
      in_.consume_to(p);
    }
  }

private:
  enum class Where { Prolog, Root, Step, Epilog };

  void finish_step(TraceStep& step, std::size_t n)
  {
    if (step.vehicles.size() > n)
      step.vehicles.resize(n);
  }

  double step_time(const char* item)
  {
    const Attr* time = nullptr;
    for (const Attr& a : attrs_) {
      if (a.name == "time") {
        if (time)
          in_.fail(a.at, "time", "", "attribute repeated");
        time = &a;
      }
    }
    if (!time)
      in_.fail(item, "time", "", "<timestep> without a time attribute");
    double t = 0;
    if (!parse_number(time->value, t))
      in_.fail(time->at, "time", std::string(time->value), "not a finite number");
    if (std::abs(t) > kMaxTraceMagnitude)
      in_.fail(time->at, "time", std::string(time->value), kTraceMagnitudeError);
    if (have_time_ && !(t > last_time_))
      in_.fail(time->at, "time", std::string(time->value),
               "timestep is not after the previous one (" + std::to_string(last_time_) +
                   "): timesteps must strictly increase");
    have_time_ = true;
    last_time_ = t;
    return t;
  }

  void read_vehicle(TraceStep& step, std::size_t& n, const char* item)
  {
    enum { kId, kX, kY, kLon, kLat, kSpeed, kAngle, kType, kCount };
    const Attr* a[kCount] = {};
    for (const Attr& at : attrs_) {
      int k = -1;
      std::string_view nm = at.name;
      switch (nm.size()) {
      case 1:
        k = nm[0] == 'x' ? kX : nm[0] == 'y' ? kY : -1;
        break;
      case 2:
        k = nm == "id" ? kId : -1;
        break;
      case 3:
        k = nm == "lon" ? kLon : nm == "lat" ? kLat : -1;
        break;
      case 4:
        k = nm == "type" ? kType : -1;
        break;
      case 5:
        k = nm == "speed" ? kSpeed : nm == "angle" ? kAngle : -1;
        break;
      default:
        break;
      }
      if (k < 0)
        continue;
      if (a[k])
        in_.fail(at.at, std::string(nm), "", "attribute repeated");
      a[k] = &at;
    }
    if (!a[kId])
      in_.fail(item, "id", "", "<vehicle> without an id attribute");
    if (step.vehicles.size() <= n)
      step.vehicles.emplace_back();
    VehicleSample& v = step.vehicles[n];
    text(*a[kId], v.id);
    if (v.id.empty())
      in_.fail(a[kId]->at, "id", "", "empty vehicle id");
    bool geo_attrs = a[kLon] || a[kLat];
    if (geo_attrs) {
      double lon = number(a[kLon], "lon", item), lat = number(a[kLat], "lat", item);
      check_geo(lon, lat, a[kLon]);
      project(lon, lat, v, a[kLon]);
    } else {
      double x = number(a[kX], "x", item), y = number(a[kY], "y", item);
      if (geo_xy_) {
        check_geo(x, y, a[kX]);
        project(x, y, v, a[kX]);
      } else {
        v.x_m = x;
        v.y_m = y;
      }
    }
    v.has_speed = a[kSpeed] != nullptr;
    v.speed_mps = v.has_speed ? number(a[kSpeed], "speed", item) : 0.0;
    v.has_angle = a[kAngle] != nullptr;
    v.angle_deg = v.has_angle ? number(a[kAngle], "angle", item) : 0.0;
    if (a[kType])
      text(*a[kType], v.type);
    else
      v.type.clear();
    if (!ids_.insert(step.vehicles, static_cast<std::uint32_t>(n)))
      in_.fail(item, "id", v.id, "vehicle listed twice in the timestep at time " + std::to_string(step.time_s));
    ++n;
  }

  void project(double lon, double lat, VehicleSample& v, const Attr* at)
  {
    try {
      geo_.project(lon, lat, v.x_m, v.y_m);
    } catch (const InputError& e) {
      in_.fail(at->at, e.field(), e.value(), bare_what(e));
    }
  }

  void check_geo(double lon, double lat, const Attr* at)
  {
    if (std::abs(lon) > 180 || std::abs(lat) > 90)
      in_.fail(at->at, "lon/lat", std::to_string(lon) + "," + std::to_string(lat),
               "geographic position out of range (the trace is declared as lon/lat)");
  }

  double number(const Attr* a, const char* field, const char* item)
  {
    if (!a)
      in_.fail(item, field, "", std::string("<vehicle> without a ") + field + " attribute");
    double v = 0;
    if (!parse_number(a->value, v))
      in_.fail(a->at, field, std::string(a->value), "not a finite number");
    if (std::abs(v) > kMaxTraceMagnitude)
      in_.fail(a->at, field, std::string(a->value), kTraceMagnitudeError);
    return v;
  }

  void text(const Attr& a, std::string& out)
  {
    if (a.value.find('&') == std::string_view::npos) {
      out.assign(a.value.data(), a.value.size());
      return;
    }
    std::string bad;
    if (!decode_entities(a.value, out, bad))
      in_.fail(a.at, std::string(a.name), bad, "unknown or malformed XML entity");
  }

  // Scans one item at p: a tag (filling name_ and attrs_), a comment, a PI/declaration, or end of data.
  // Advances p past it; returns NeedMore (p unchanged) if the buffer ends inside the item and more may come.
  Tok scan(const char*& p, const char*& item)
  {
    const char* e = in_.end();
    const bool eof = in_.at_eof();
    const char* s = p;
    while (s < e && is_blank(*s))
      ++s;
    if (s == e) {
      in_.consume_to(s);
      return eof ? Tok::Eof : Tok::NeedMore;
    }
    item = s;
    if (*s != '<')
      in_.fail(s, "", std::string(s, std::min<std::size_t>(20, e - s)), "unexpected text outside a tag");
    auto incomplete = [&](const char* what) -> Tok {
      if (!eof) {
        in_.consume_to(item);
        return Tok::NeedMore;
      }
      in_.fail(item, "", "", std::string("unexpected end of file inside ") + what + " (truncated trace?)");
    };
    const char* q = s + 1;
    if (q == e)
      return incomplete("a tag");
    if (*q == '?') {
      const void* f = memmem(q, e - q, "?>", 2);
      if (!f)
        return incomplete("a processing instruction");
      p = static_cast<const char*>(f) + 2;
      return Tok::Other;
    }
    if (*q == '!') {
      if (e - q < 3)
        return incomplete("a declaration");
      if (q[1] == '-' && q[2] == '-') {
        const void* f = memmem(q + 3, e - q - 3, "-->", 3);
        if (!f)
          return incomplete("a comment");
        comment_ = std::string_view(q + 3, static_cast<const char*>(f) - (q + 3));
        p = static_cast<const char*>(f) + 3;
        return Tok::Comment;
      }
      const char* f = static_cast<const char*>(std::memchr(q, '>', e - q));
      if (!f)
        return incomplete("a declaration");
      if (std::memchr(q, '[', f - q))
        in_.fail(item, "", "", "DOCTYPE internal subsets and CDATA are not supported in FCD traces");
      p = f + 1;
      return Tok::Other;
    }
    bool closing = *q == '/';
    if (closing)
      ++q;
    const char* n0 = q;
    while (q < e && !ends_name(*q))
      ++q;
    if (q == e)
      return incomplete("a tag");
    if (q == n0)
      in_.fail(item, "", "", "malformed tag: no element name");
    name_ = std::string_view(n0, q - n0);
    attrs_.clear();
    for (;;) {
      const char* b = q;
      while (q < e && is_blank(*q))
        ++q;
      if (q == e)
        return incomplete("a tag");
      if (*q == '>') {
        p = q + 1;
        return closing ? Tok::End : Tok::Start;
      }
      if (*q == '/') {
        if (q + 1 == e)
          return incomplete("a tag");
        if (q[1] != '>' || closing)
          in_.fail(q, "", std::string(name_), "malformed tag: '/' not followed by '>'");
        p = q + 2;
        return Tok::Empty;
      }
      if (closing)
        in_.fail(q, "", std::string(name_), "malformed closing tag");
      if (q == b)
        in_.fail(q, "", std::string(name_), "malformed tag: attributes must be separated by blanks");
      const char* a0 = q;
      while (q < e && !ends_name(*q))
        ++q;
      if (q == e)
        return incomplete("a tag");
      std::string_view an(a0, q - a0);
      if (an.empty())
        in_.fail(q, "", std::string(name_), "malformed tag: expected an attribute name");
      while (q < e && is_blank(*q))
        ++q;
      if (q == e)
        return incomplete("a tag");
      if (*q != '=')
        in_.fail(q, std::string(an), "", "malformed attribute: expected '=' after the name");
      ++q;
      while (q < e && is_blank(*q))
        ++q;
      if (q == e)
        return incomplete("a tag");
      char quote = *q;
      if (quote != '"' && quote != '\'')
        in_.fail(q, std::string(an), "", "malformed attribute: value not quoted");
      ++q;
      const char* close = q;  // values are short: a byte loop beats memchr calls
      while (close < e && *close != quote && *close != '<')
        ++close;
      if (close == e)
        return incomplete("an attribute value");
      if (*close == '<')
        in_.fail(close, std::string(an), "", "malformed attribute: '<' in the value");
      std::string_view val(q, close - q);
      attrs_.push_back({an, val, a0});
      q = close + 1;
    }
  }

  TextBuffer in_;
  Where where_ = Where::Prolog;
  std::vector<std::string> open_;  // names of the open elements, root first
  std::string_view name_;
  std::string_view comment_;
  std::vector<Attr> attrs_;
  bool geo_xy_ = false;  // x/y hold lon/lat (SUMO --fcd-output.geo, declared in the configuration comment)
  LazyProjection geo_;
  StepIdSet ids_;
  bool have_time_ = false;
  double last_time_ = -std::numeric_limits<double>::infinity();
};

} // namespace

std::unique_ptr<TraceReader> make_fcd_reader(TextBuffer in, const std::string& projection)
{
  return std::make_unique<FcdReader>(std::move(in), projection);
}

} // namespace v2x::detail
