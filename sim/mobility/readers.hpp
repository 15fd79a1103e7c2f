#pragma once
// Internal to mobility/: the concrete trace readers and helpers they share. Not part of the public API.
#include "mobility/input_stream.hpp"
#include "mobility/projection.hpp"
#include "mobility/trace.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace v2x::detail {

/// `projection`: the PROJ definition for geographic positions (empty: the UTM zone of the first point).
std::unique_ptr<TraceReader> make_fcd_reader(TextBuffer in, const std::string& projection);
std::unique_ptr<TraceReader> make_csv_reader(TextBuffer in, const std::string& projection);
std::unique_ptr<TraceReader> make_ns2_reader(TextBuffer in);

/// The description an InputError was made with, without its location/field/value prefix (to re-throw it at
/// the reader's file and line).
inline std::string bare_what(const InputError& e)
{
  const std::string prefix = format_input_error(e.where(), e.field(), e.value(), "");
  const std::string all = e.what();
  return all.compare(0, prefix.size(), prefix) == 0 ? all.substr(prefix.size()) : all;
}

/// Next line of `in` without its '\n' (and '\r'): [b, e), valid until the next call. False at the end.
/// Consumed up to the line's end, so in.line_of(b) is its line number.
inline bool next_line(TextBuffer& in, const char*& b, const char*& e)
{
  for (;;) {
    const char* p = in.begin();
    const char* end = in.end();
    if (const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      b = p;
      e = static_cast<const char*>(nl);
      in.consume_to(e + 1);
      break;
    }
    if (!in.fill()) {
      if (in.begin() == in.end())
        return false;
      b = in.begin();
      e = in.end();
      in.consume_to(e);
      break;
    }
  }
  if (e > b && e[-1] == '\r')
    --e;
  return true;
}

/// Fast path for the plain decimals traces are made of ("-12.345"): at most 15 significant digits, so the
/// digits are an exact integer and one division by an exact power of ten gives the correctly rounded double
/// (Clinger's fast path). False (out untouched) for anything else, which the caller hands to from_chars.
inline bool parse_simple_decimal(const char* p, const char* e, double& out)
{
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  bool neg = p < e && *p == '-';
  if (neg)
    ++p;
  std::uint64_t m = 0;
  int digits = 0, significant = 0, frac = 0;
  bool dot = false;
  for (; p < e; ++p) {
    char c = *p;
    if (c >= '0' && c <= '9') {
      m = m * 10 + static_cast<unsigned>(c - '0');
      ++digits;
      significant += (significant > 0 || c != '0');
      frac += dot;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  if (digits == 0 || significant > 15 || frac > 15)
    return false;
  double v = static_cast<double>(m) / kPow10[frac];
  out = neg ? -v : v;
  return true;
}

/// The largest magnitude of any number in a trace (times in s, coordinates in m, speeds in m/s, angles): far
/// beyond any real trace (31 years, 25 times round the Earth), and far from where arithmetic on it overflows
/// (a route latency or a simulated time in picoseconds, squared distances).
inline constexpr double kMaxTraceMagnitude = 1e9;
inline constexpr const char* kTraceMagnitudeError = "out of range: a trace's times, coordinates and speeds are at "
                                                    "most 1e+09 in magnitude";

/// Parses the whole of `s` (surrounding blanks allowed) as a finite number; false if it is not one.
inline bool parse_number(std::string_view s, double& out)
{
  if (parse_simple_decimal(s.data(), s.data() + s.size(), out))  // common case first
    return true;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  if (s.empty())
    return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

/// Ids seen in the current step, to reject a vehicle listed twice. Open addressing over indices into the step's
/// vehicle vector (stable while the vector grows); clear() is O(1) (generation stamps).
class StepIdSet {
public:
  void clear()
  {
    ++generation_;
    count_ = 0;
  }
  /// Records vehicles[i].id; returns false if an equal id was recorded since the last clear().
  bool insert(const std::vector<VehicleSample>& vehicles, std::uint32_t i)
  {
    if ((count_ + 1) * 2 > slots_.size())
      grow(vehicles, i);
    const std::string& id = vehicles[i].id;
    std::size_t mask = slots_.size() - 1;
    for (std::size_t h = std::hash<std::string_view>{}(id) & mask;; h = (h + 1) & mask) {
      Slot& s = slots_[h];
      if (s.generation != generation_) {
        s = {i, generation_};
        ++count_;
        return true;
      }
      if (vehicles[s.index].id == id)
        return false;
    }
  }

private:
  struct Slot {
    std::uint32_t index = 0;
    std::uint32_t generation = 0;
  };
  void grow(const std::vector<VehicleSample>& vehicles, std::uint32_t upto)
  {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    ++generation_;
    count_ = 0;
    for (std::uint32_t j = 0; j < upto; ++j)
      insert(vehicles, j);  // the ids before `upto` are distinct: they were all inserted
  }
  std::vector<Slot> slots_;
  std::uint32_t generation_ = 1;
  std::size_t count_ = 0;
};

} // namespace v2x::detail
