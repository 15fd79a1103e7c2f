// Loading a scenario: parse, --set overrides, translation, path resolution, derived defaults, validation.
#include "config/loader.hpp"

#include "config/validate.hpp"
#include "proto/scenario_document.hpp"
#include "proto/scenario_defaults.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>

namespace v2x {

namespace {

/// The description an InputError was built with (its what() minus the location/field/value prefix).
std::string bare_what(const InputError& e)
{
  const std::string prefix = format_input_error(e.where(), e.field(), e.value(), "");
  const std::string all = e.what();
  return all.compare(0, prefix.size(), prefix) == 0 ? all.substr(prefix.size()) : all;
}

/// `path` as written, relative to the scenario file's folder unless absolute or empty.
std::string resolve(const std::string& path, const std::string& scenario_file)
{
  if (path.empty())
    return path;
  const std::filesystem::path p(path);
  if (p.is_absolute())
    return path;
  const std::filesystem::path folder = std::filesystem::path(scenario_file).parent_path();
  if (folder.empty())
    return path;
  return (folder / p).lexically_normal().string();
}

std::string nearest_mec(const RsuConfig& r, const std::vector<MecConfig>& mecs)
{
  std::string best;
  double best_d2 = std::numeric_limits<double>::infinity();
  for (const MecConfig& m : mecs) {
    const double d2 = (m.x_m - r.x_m) * (m.x_m - r.x_m) + (m.y_m - r.y_m) * (m.y_m - r.y_m);
    if (d2 < best_d2) { // strict: ties go to the MEC listed first
      best_d2 = d2;
      best = m.id;
    }
  }
  return best;
}

/// IEEE 802.11p / ETSI ITS-G5 on 10 MHz channels: 3, 4.5, 6, 9, 12, 18, 24, 27 Mb/s (IEEE 802.11-2016,
/// Table 17-4). Six of those rates over a 300 m cell; the distance breakpoints are illustrative, not measured.
std::vector<RateStep> default_rate_steps()
{
  constexpr double mbps = 1e6 / 8; // bytes per second in one Mb/s
  return {{50, 27 * mbps}, {100, 18 * mbps}, {150, 12 * mbps}, {200, 9 * mbps}, {250, 6 * mbps}, {300, 3 * mbps}};
}

} // namespace

Override parse_override(const std::string& arg)
{
  const std::size_t eq = arg.find('=');
  if (eq == std::string::npos)
    throw InputError(SourceLocation{}, "--set", arg, "expected field.path=value (no '=')");
  std::string path = arg.substr(0, eq);
  while (!path.empty() && std::isspace(static_cast<unsigned char>(path.back())))
    path.pop_back();
  while (!path.empty() && std::isspace(static_cast<unsigned char>(path.front())))
    path.erase(path.begin());
  if (path.empty())
    throw InputError(SourceLocation{}, "--set", arg, "expected field.path=value (no field path before '=')");
  return Override{path, arg.substr(eq + 1)};
}

Scenario load_scenario(const std::string& file, const std::vector<Override>& overrides, const KnownNames& known)
{
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw InputError(SourceLocation{file, 0, 0}, "", "", "is a directory, not a scenario file");
  ScenarioDocument doc = ScenarioDocument::load(file);
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const Override& o = overrides[i];
    try {
      if (o.clear)
        doc.clear(o.path, o.listed);
      else
        doc.set(o.path, o.value, o.listed);
    } catch (const InputError& e) {
      throw InputError(e.where(), e.field(), e.value(),
                       "--set " + o.path + "=" + o.value + " (override " + std::to_string(i + 1) + " of " +
                           std::to_string(overrides.size()) + "): " + bare_what(e));
    }
  }

  Scenario s = doc.to_scenario();
  s.source_file = file;
  s.source_text = doc.text();
  s.mobility.trace = resolve(s.mobility.trace, file);
  s.infrastructure.platform = resolve(s.infrastructure.platform, file);

  // Derived defaults (robust to invalid input: validation below reports it).
  InfrastructureConfig& inf = s.infrastructure;
  for (RsuConfig& r : inf.rsus)
    if (r.mec.empty())
      r.mec = nearest_mec(r, inf.mecs);

  ValidationContext context;
  context.locate = [&doc](const std::string& path) { return doc.locate(path); };

  if (inf.brokers.empty()) {
    context.generated_brokers = true;
    for (const MecConfig& m : inf.mecs)
      inf.brokers.push_back(BrokerConfig{"broker-" + m.id, m.id, schema_broker().service_flops});
    inf.brokers.push_back(BrokerConfig{"broker-cloud", "cloud", schema_broker().service_flops});
  }

  if (inf.links.empty() && inf.platform.empty()) {
    context.generated_links = true;
    for (const RsuConfig& r : inf.rsus)
      inf.links.push_back(LinkConfig{r.id, r.mec, inf.rsu_link_bandwidth_bps, inf.rsu_link_latency_s});
    for (std::size_t i = 0; i < inf.mecs.size(); ++i)
      for (std::size_t j = i + 1; j < inf.mecs.size(); ++j)
        inf.links.push_back(
            LinkConfig{inf.mecs[i].id, inf.mecs[j].id, inf.mec_link_bandwidth_bps, inf.mec_link_latency_s});
    for (const MecConfig& m : inf.mecs)
      inf.links.push_back(LinkConfig{m.id, "cloud", inf.cloud.link_bandwidth_bps, inf.cloud.link_latency_s});
  }

  if (s.network.rate_steps.empty()) {
    context.generated_rate_steps = true;
    s.network.rate_steps = default_rate_steps();
  }

  validate_scenario(s, known, context);
  return s;
}

} // namespace v2x
