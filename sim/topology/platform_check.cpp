// The platform XML pre-scan (platform_check.hpp): expat over the file, one check per numeric attribute.
#include "topology/platform_check.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <strings.h>
#include <expat.h>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <type_traits>

namespace v2x {
namespace {

class PlatformPrescan {
public:
  explicit PlatformPrescan(const std::string& file)
      : file_(file)
  {
  }

  void run()
  {
    std::ifstream in(file_, std::ios::binary);
    if (!in)
      throw InputError({file_, 0, 0}, "", "", "cannot read the platform file");
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr),
                                                                                         XML_ParserFree);
    parser_ = parser.get();
    XML_SetUserData(parser_, this);
    XML_SetStartElementHandler(parser_, [](void* self, const XML_Char* name, const XML_Char** attrs) {
      static_cast<PlatformPrescan*>(self)->element(name, attrs);
    });
    char buf[65536];
    while (true) {
      in.read(buf, sizeof buf);
      const auto n = static_cast<int>(in.gcount());
      const bool last = n < static_cast<int>(sizeof buf);
      if (XML_Parse(parser_, buf, n, last) == XML_STATUS_ERROR) {
        if (error_)
          std::rethrow_exception(error_);
        throw InputError({file_, static_cast<int>(XML_GetCurrentLineNumber(parser_)),
                          static_cast<int>(XML_GetCurrentColumnNumber(parser_)) + 1},
                         "", "", std::string("not well-formed XML: ") + XML_ErrorString(XML_GetErrorCode(parser_)));
      }
      if (last)
        break;
    }
  }

private:
  enum class Kind { Count, Speed, Bandwidth, Latency, Radius };

  void element(const XML_Char* name, const XML_Char** attrs)
  {
    if (error_)
      return;
    try {
      check_element(name, attrs);
    } catch (...) {
      error_ = std::current_exception();
      XML_StopParser(parser_, XML_FALSE);
    }
  }

  const char* attr(const XML_Char** attrs, const char* key) const
  {
    for (int i = 0; attrs[i] != nullptr; i += 2)
      if (std::strcmp(attrs[i], key) == 0)
        return attrs[i + 1];
    return nullptr;
  }

  void check_element(const std::string& name, const XML_Char** attrs)
  {
    const char* id = attr(attrs, "id");
    const std::string label = name + (id != nullptr ? " '" + std::string(id) + "'" : std::string());
    const char* sharing = attr(attrs, "sharing_policy");
    const bool wifi = sharing != nullptr && std::strcmp(sharing, "WIFI") == 0;
    auto check = [&](const char* key, Kind kind) {
      if (const char* v = attr(attrs, key))
        value(label, key, v, kind, wifi);
    };
    if (name == "zone" || name == "AS") {
      // SimGrid 3.32 aborts on a routing it does not know ("Not a valid model!") and, with v2xsim's platforms, on
      // the ones it knows but v2xsim cannot use: None and Wifi refuse routes, Dijkstra and DijkstraCache crash
      // when asked for routes, Cluster and Vivaldi take no route between hosts.
      const char* routing = attr(attrs, "routing");
      if (routing != nullptr && strcasecmp(routing, "Full") != 0 && strcasecmp(routing, "Floyd") != 0)
        fail(label, "routing", routing, "v2xsim supports zones with routing Full or Floyd (platforms/README.md)");
    }
    if (name == "host" || name == "cluster" || name == "peer" || name == "cabinet") {
      check("core", Kind::Count);
      check("speed", Kind::Speed);
    }
    if (name == "link" || name == "backbone") {
      check("bandwidth", Kind::Bandwidth);
      check("latency", Kind::Latency);
    }
    if (name == "cluster" || name == "cabinet") {
      check("bw", Kind::Bandwidth);
      check("lat", Kind::Latency);
      check("bb_bw", Kind::Bandwidth);
      check("bb_lat", Kind::Latency);
      check("loopback_bw", Kind::Bandwidth);
      check("loopback_lat", Kind::Latency);
    }
    if (name == "peer") {
      check("bw_in", Kind::Bandwidth);
      check("bw_out", Kind::Bandwidth);
      check("lat", Kind::Latency);
    }
    if (name == "prop") {
      const char* key = attr(attrs, "id");
      const char* v = attr(attrs, "value");
      if (key != nullptr && v != nullptr && std::strcmp(key, "v2x.radius") == 0)
        value("prop v2x.radius", "value", v, Kind::Radius, false);
    }
  }

  [[noreturn]] void fail(const std::string& label, const char* key, const std::string& v, const std::string& what)
  {
    throw InputError({file_, static_cast<int>(XML_GetCurrentLineNumber(parser_)), 0},
                     "<" + label + "> attribute " + key, v, what);
  }

  /// One value: a number and a unit suffix (SimGrid checks the unit itself); a speed may list pstates.
  void value(const std::string& label, const char* key, const std::string& text, Kind kind, bool wifi)
  {
    if (kind == Kind::Count) {
      long long n = 0;
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || p != text.data() + text.size() || n < 1 || n > kMaxCores)
        fail(label, key, text, "a core count must be a whole number in 1.." + std::to_string(kMaxCores));
      return;
    }
    std::size_t start = 0;
    do {
      std::size_t end = kind == Kind::Speed ? text.find(',', start) : std::string::npos;
      if (end == std::string::npos)
        end = text.size();
      const std::string item = text.substr(start, end - start);
      start = end + 1;
      const char* b = item.c_str();
      while (*b == ' ')
        ++b;
      char* unit = nullptr;
      errno = 0;
      const double v = std::strtod(b, &unit);
      if (unit == b || errno == ERANGE || !std::isfinite(v))
        fail(label, key, text, "not a finite number (with an optional unit, e.g. 1Gf, 125MBps, 2ms)");
      switch (kind) {
      case Kind::Speed: {
        if (!(v > 0))
          fail(label, key, text, "a speed must be > 0");
        const double scale = speed_unit(unit);
        if (scale == 0)
          fail(label, key, text, "unknown speed unit '" + std::string(unit) + "' (f or flops, with a prefix: Gf, Mf)");
        if (v * scale > kMaxSpeedFlops)
          fail(label, key, text, "a speed must be at most 1e+18 flop/s per core");
        break;
      }
      case Kind::Bandwidth: {
        if (!(v > 0))
          fail(label, key, text, "a bandwidth must be > 0");
        const double scale = bandwidth_unit(unit);
        if (scale == 0)
          fail(label, key, text,
               "unknown bandwidth unit '" + std::string(unit) + "' (Bps or bps, with a prefix: MBps, GiBps, Gbps)");
        if (v * scale > kMaxBandwidthBps)
          fail(label, key, text, "a bandwidth must be at most 1e+15 B/s");
        break;
      }
      case Kind::Latency: {
        if (v < 0 || (v == 0 && !wifi))
          fail(label, key, text, wifi ? "a latency must be >= 0" : "a latency must be > 0 (0 only on WIFI links)");
        const double scale = time_unit(unit);
        if (scale > 0 && v * scale > 1e3)
          fail(label, key, text, "a latency must be at most 1000 s");
        break;
      }
      case Kind::Radius:
        if (!(v > 0) || v > 1e6 || *unit != '\0')
          fail(label, key, text, "a cell radius must be a number of metres in (0, 1e+06]");
        break;
      case Kind::Count:
        break;
      }
    } while (start <= text.size() && kind == Kind::Speed);
  }

  static double time_unit(const char* unit)
  {
    static const std::map<std::string, double, std::less<>> kUnits{
        {"", 1},       {"s", 1},  {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9},
        {"ps", 1e-12}, {"m", 60}, {"h", 3600},  {"d", 86400}, {"w", 604800}};
    const auto it = kUnits.find(std::string_view(unit));
    return it == kUnits.end() ? 0 : it->second; // an unknown unit: SimGrid reports it
  }

  /// SimGrid's units (xbt's parse_units): a base unit with no prefix, a decimal prefix (k, M, G, T, P, E, Z, Y)
  /// or, for bandwidths, a binary one (Ki, Mi, ...); no unit at all is the base unit. 0: unknown.
  static double scaled_unit(std::string_view unit, std::string_view base, double base_scale, bool binary)
  {
    if (unit.empty() || unit == base)
      return base_scale;
    if (unit.size() <= base.size() || unit.substr(unit.size() - base.size()) != base)
      return 0;
    const std::string_view prefix = unit.substr(0, unit.size() - base.size());
    static constexpr std::string_view kDecimal[] = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
    static constexpr std::string_view kBinary[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
    double scale = base_scale;
    for (std::string_view d : kDecimal) {
      scale *= 1000;
      if (prefix == d)
        return scale;
    }
    scale = base_scale;
    for (std::string_view b : kBinary) {
      scale *= 1024;
      if (binary && prefix == b)
        return scale;
    }
    return 0;
  }

  static double speed_unit(const char* unit)
  {
    const std::string_view u(unit);
    if (u.size() > 5 && u.substr(u.size() - 5) == "flops") { // kiloflops, megaflops, ... (the long prefixes)
      static const std::map<std::string, double, std::less<>> kLong{
          {"flops", 1},         {"kiloflops", 1e3},  {"megaflops", 1e6},  {"gigaflops", 1e9}, {"teraflops", 1e12},
          {"petaflops", 1e15},  {"exaflops", 1e18},  {"zetaflops", 1e21}, {"yottaflops", 1e24}};
      const auto it = kLong.find(u);
      return it == kLong.end() ? 0 : it->second;
    }
    return u == "flops" ? 1 : scaled_unit(u, "f", 1, false);
  }

  static double bandwidth_unit(const char* unit)
  {
    const std::string_view u(unit);
    const double bytes = scaled_unit(u, "Bps", 1, true);
    return bytes > 0 ? bytes : u.empty() ? 1 : scaled_unit(u, "bps", 0.125, true);
  }

  static constexpr long long kMaxCores = 1 << 20; // as infrastructure.mec[i].cores (config/validate.hpp)
  static constexpr double kMaxSpeedFlops = 1e18;   // as bounds::kMaxSpeedFlops
  static constexpr double kMaxBandwidthBps = 1e15; // as bounds::kMaxBandwidthBps
  const std::string& file_;
  XML_Parser parser_ = nullptr;
  std::exception_ptr error_;
};

} // namespace

void check_platform_xml(const std::string& path)
{
  PlatformPrescan(path).run();
}

} // namespace v2x
