#include "config/engine_args.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <unistd.h>

namespace v2x {
namespace {

using Check = std::function<std::string(const std::string&)>; // empty = ok, else what is wrong

Check one_of(std::vector<std::string> values)
{
  return [values](const std::string& v) -> std::string {
    if (std::find(values.begin(), values.end(), v) != values.end())
      return "";
    std::string s = "must be one of:";
    for (const auto& x : values)
      s += " " + x;
    return s;
  };
}

bool parse_double(const std::string& v, double& out)
{
  if (v.empty())
    return false;
  char* end = nullptr;
  out = std::strtod(v.c_str(), &end);
  return end == v.c_str() + v.size() && std::isfinite(out);
}

Check number_in(double lo, double hi, bool lo_open = false)
{
  return [=](const std::string& v) -> std::string {
    double x = 0;
    if (parse_double(v, x) && (lo_open ? x > lo : x >= lo) && x <= hi)
      return "";
    std::string what = "must be a number in ";
    what += lo_open ? "(" : "[";
    return what + compact_number(lo) + ", " + compact_number(hi) + "]";
  };
}

Check integer_in(long long lo, long long hi)
{
  return [=](const std::string& v) -> std::string {
    long long x = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec == std::errc() && p == v.data() + v.size() && x >= lo && x <= hi)
      return "";
    return "must be a whole number in " + std::to_string(lo) + ".." + std::to_string(hi);
  };
}

Check boolean()
{
  return one_of({"0", "1", "yes", "no", "on", "off", "true", "false"});
}

const std::map<std::string, Check>& keys()
{
  static const std::map<std::string, Check> k{
      // Models: Constant refuses links (v2xsim's platforms have them), ptask_L07 needs parallel tasks.
      {"network/model", one_of({"CM02", "LV08", "SMPI", "IB"})},
      {"cpu/model", one_of({"Cas01"})},
      {"host/model", one_of({"default", "compound"})},
      {"network/optim", one_of({"Full", "Lazy"})},
      {"cpu/optim", one_of({"Full", "Lazy", "TI"})},
      {"network/crosstraffic", boolean()},
      {"network/maxmin-selective-update", boolean()},
      {"cpu/maxmin-selective-update", boolean()},
      {"network/TCP-gamma", number_in(0, 1e12)},
      {"network/latency-factor", number_in(0, 1e6)},
      {"network/bandwidth-factor", number_in(0, 1e6, true)},
      {"network/weight-S", number_in(0, 1e12)},
      {"network/loopback-bw", number_in(0, 1e15, true)},
      {"network/loopback-lat", number_in(0, 1e3)},
      {"maxmin/precision", number_in(0, 1, true)},
      {"surf/precision", number_in(0, 1, true)},
      {"precision/timing", number_in(0, 1, true)},
      {"precision/work-amount", number_in(0, 1, true)},
      {"maxmin/concurrency-limit", integer_in(-1, 1 << 30)},
      // Contexts: thread is what ASan needs (sanitizers and raw stacks, see the Makefile's asan target).
      {"contexts/factory", one_of({"raw", "boost", "ucontext", "thread"})},
      {"contexts/stack-size", integer_in(16, 1 << 20)}, // KiB
      {"contexts/guard-size", integer_in(0, 64)},       // pages
      {"contexts/nthreads", integer_in(1, 1)},          // v2xsim is not thread-safe across actors
      {"debug/verbose-exit", boolean()},
      {"debug/clean-atexit", boolean()},
      {"exception/cutpath", boolean()},
  };
  return k;
}

bool is_identifier(const std::string& s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string lower(std::string s)
{
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void bad(const std::string& arg, const std::string& what)
{
  throw InputError(SourceLocation{}, "--engine-arg", arg, what);
}

void check_cfg(const std::string& arg, const std::string& setting)
{
  const std::size_t colon = setting.find(':');
  if (colon == std::string::npos || colon == 0)
    bad(arg, "expected --cfg=KEY:VALUE");
  const std::string key = setting.substr(0, colon);
  const std::string value = setting.substr(colon + 1);
  const auto it = keys().find(key);
  if (it == keys().end()) {
    std::string list;
    for (const auto& [k, c] : keys())
      list += (list.empty() ? "" : ", ") + k;
    bad(arg, "unknown or unsupported SimGrid configuration key '" + key + "'; known keys: " + list);
  }
  if (const std::string what = it->second(value); !what.empty())
    bad(arg, "SimGrid configuration " + key + " " + what);
}

/// A log appender's file (file:NAME, rollfile:SIZE:NAME, splitfile:SIZE:NAME): SimGrid aborts (xbt_die) when it
/// cannot open it, so its folder must exist and be writable, and SIZE be a whole number.
void check_log_file(const std::string& arg, const std::string& value)
{
  const std::size_t first = value.find(':');
  std::string name = value.substr(first + 1);
  if (value.rfind("file:", 0) != 0) {
    const std::size_t second = name.find(':');
    const std::string size = name.substr(0, second);
    if (second == std::string::npos || size.empty() ||
        !std::all_of(size.begin(), size.end(), [](char c) { return c >= '0' && c <= '9'; }))
      bad(arg, "a rolling or split log file is " + value.substr(0, first) + ":SIZE:NAME with SIZE in bytes");
    name = name.substr(second + 1);
  }
  if (name.empty())
    bad(arg, "the log file has no name");
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::path(name).parent_path();
  const std::filesystem::path where = folder.empty() ? std::filesystem::path(".") : folder;
  if (!std::filesystem::is_directory(where, ec))
    bad(arg, "the log file's folder " + where.string() + " does not exist");
  if (std::filesystem::is_directory(name, ec))
    bad(arg, "the log file " + name + " is a folder");
  if (::access(where.c_str(), W_OK | X_OK) != 0)
    bad(arg, "cannot write the log file in " + where.string());
}

void check_log(const std::string& arg, const std::string& setting)
{
  // CATEGORY.SETTING:VALUE, several separated by spaces (SimGrid's own syntax).
  std::size_t pos = 0;
  bool any = false;
  while (pos <= setting.size()) {
    std::size_t end = setting.find(' ', pos);
    if (end == std::string::npos)
      end = setting.size();
    const std::string one = setting.substr(pos, end - pos);
    pos = end + 1;
    if (one.empty())
      continue;
    any = true;
    const std::size_t colon = one.find(':');
    const std::size_t dot = one.rfind('.', colon);
    if (colon == std::string::npos || dot == std::string::npos || dot == 0)
      bad(arg, "expected --log=CATEGORY.SETTING:VALUE, e.g. --log=v2x.thresh:verbose");
    const std::string category = one.substr(0, dot);
    const std::string name = one.substr(dot + 1, colon - dot - 1);
    const std::string value = one.substr(colon + 1);
    if (!is_identifier(category))
      bad(arg, "log category '" + category + "' is not a name (letters, digits, '_')");
    if (name == "thresh" || name == "threshold") {
      static const std::vector<std::string> priorities{"trace",   "debug", "verbose", "info",
                                                       "warning", "error", "critical"};
      if (std::find(priorities.begin(), priorities.end(), lower(value)) == priorities.end())
        bad(arg, "unknown log priority '" + value + "': trace, debug, verbose, info, warning, error or critical");
    } else if (name == "add" || name == "additivity") {
      if (const std::string what = boolean()(lower(value)); !what.empty())
        bad(arg, "log additivity " + what);
    } else if (name == "app" || name == "appender") {
      if (value != "stdout" && value != "stderr" && value.rfind("file:", 0) != 0 && value.rfind("rollfile:", 0) != 0 &&
          value.rfind("splitfile:", 0) != 0)
        bad(arg, "log appender must be stdout, stderr, file:NAME, rollfile:SIZE:NAME or splitfile:SIZE:NAME");
      if (value != "stdout" && value != "stderr")
        check_log_file(arg, value);
    } else if (name != "fmt" && name != "format") {
      bad(arg, "unknown log setting '" + name + "': thresh, fmt, app or add");
    }
  }
  if (!any)
    bad(arg, "expected --log=CATEGORY.SETTING:VALUE");
}

} // namespace

std::vector<std::string> known_engine_keys()
{
  std::vector<std::string> out;
  for (const auto& [k, c] : keys())
    out.push_back(k);
  return out;
}

void validate_engine_args(const std::vector<std::string>& args)
{
  for (const std::string& a : args) {
    if (a.rfind("--cfg=", 0) == 0)
      check_cfg(a, a.substr(6));
    else if (a.rfind("--log=", 0) == 0)
      check_log(a, a.substr(6));
    else
      bad(a, "expected --cfg=KEY:VALUE or --log=CATEGORY.SETTING:VALUE (SimGrid options)");
  }
}

} // namespace v2x
