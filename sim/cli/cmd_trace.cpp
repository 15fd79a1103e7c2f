// `v2xsim trace info FILE` and the trace options of `v2xsim run` (--trace, --trace-format, --rsu-sites,
// --rsu-grid): a user's own trace and RSU placement swapped into a scenario in one command.
#include "cli/commands.hpp"
#include "config/validate.hpp"
#include "mobility/rsu_sites.hpp"
#include "mobility/trace_stats.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

namespace v2x::cli {

namespace {

struct FormatName {
  const char* cli;     // as typed after --trace-format / --format
  const char* schema;  // the scenario enum value (mobility.format)
  TraceFormat format;
};
constexpr FormatName kFormats[] = {{"auto", "AUTO", TraceFormat::Auto},
                                   {"fcd", "SUMO_FCD", TraceFormat::SumoFcd},
                                   {"csv", "CSV", TraceFormat::Csv},
                                   {"ns2", "NS2", TraceFormat::Ns2}};

const FormatName& format_named(const std::string& option, const std::string& text)
{
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const FormatName& f : kFormats) {
    std::string schema = f.schema;
    std::transform(schema.begin(), schema.end(), schema.begin(), [](unsigned char c) { return std::tolower(c); });
    if (t == f.cli || t == schema)
      return f;
  }
  throw InputError({}, option, text, "unknown trace format: auto, fcd, csv or ns2");
}

std::string fixed(double v, int decimals)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string general(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void warn(const std::string& text)
{
  std::cerr << "v2xsim: warning: " << text << "\n";
}

std::string trace_summary(const TraceStats& st)
{
  return st.format + " (" + compression_name(st.compression) + "), " + std::to_string(st.vehicles) + " vehicles, " +
         std::to_string(st.rows) + " rows, t = " + general(st.first_s) + " .. " + general(st.last_s) + " s, at most " +
         std::to_string(st.most_at_once) + " at once";
}

} // namespace

int trace_info(const std::string& file, const std::string& format)
{
  const TraceStats st = scan_trace(file, format_named("--format", format).format);
  std::ostringstream o;
  o << "file: " << file << "\n";
  o << "format: " << st.format << " (" << compression_name(st.compression) << ")\n";
  o << "vehicles: " << st.vehicles << "\n";
  o << "rows: " << st.rows << "\n";
  o << "timesteps: " << st.timesteps << "\n";
  if (st.timesteps > 0) {
    o << "time span: " << general(st.first_s) << " .. " << general(st.last_s) << " s ("
      << general(st.last_s - st.first_s) << " s)\n";
    if (st.timesteps > 1)
      o << "step interval: " << general(st.min_interval_s) << " .. " << general(st.max_interval_s) << " s\n";
    o << "most at once: " << st.most_at_once << " (first at t = " << general(st.most_at_once_time_s) << " s)\n";
    o << "mean at once: " << fixed(static_cast<double>(st.rows) / static_cast<double>(st.timesteps), 1) << "\n";
  }
  if (!st.box.empty())
    o << "bounding box: x " << fixed(st.box.min_x, 2) << " .. " << fixed(st.box.max_x, 2) << " m, y "
      << fixed(st.box.min_y, 2) << " .. " << fixed(st.box.max_y, 2) << " m (" << fixed(st.box.width(), 1) << " x "
      << fixed(st.box.height(), 1) << " m)\n";
  if (st.speed_rows > 0)
    o << "speed: " << general(st.min_speed_mps) << " .. " << general(st.max_speed_mps) << " m/s (given in "
      << st.speed_rows << " of " << st.rows << " rows)\n";
  else if (st.rows > 0)
    o << "speed: not in the trace (derived from positions during a run)\n";
  std::cout << o.str();
  return 0;
}

Scenario load_for_run(const RunArgs& args)
{
  const bool new_trace = !args.trace.empty();
  const bool new_sites = !args.rsu_sites.empty();
  if (!new_trace && args.trace_format.empty() && !new_sites && !args.rsu_grid)
    return load(args.scenario, args.sets, args.seed);

  // 1. The RSU sites file first: its errors name it (file:line), whatever the scenario holds.
  std::vector<RsuSite> sites;
  if (new_sites)
    sites = read_rsu_sites(args.rsu_sites);

  // 2. The new trace, read through once: its errors name the trace (file:line) before anything else runs, and
  //    the grid needs its bounding box. Then the scenario with the trace swapped in, validated.
  std::vector<Override> overrides;
  for (const auto& s : args.sets)
    overrides.push_back(parse_override(s));
  if (args.seed >= 0)
    overrides.push_back(Override{"seed", std::to_string(args.seed)});
  std::optional<TraceFormat> format;
  if (!args.trace_format.empty()) {
    const FormatName& f = format_named("--trace-format", args.trace_format);
    format = f.format;
    overrides.push_back(Override{"mobility.format", f.schema});
  }
  std::optional<TraceStats> stats;
  if (new_trace) {
    stats = scan_trace(args.trace, format.value_or(TraceFormat::Auto));
    // Absolute, so that the loader does not resolve it against the scenario's folder.
    overrides.push_back(
        Override{"mobility.trace", std::filesystem::absolute(args.trace).lexically_normal().string()});
  }
  Scenario scenario = load_scenario(args.scenario, overrides, known_names());
  // The scenario's own trace, when RSUs are placed over it (grid) or checked against it (sites file).
  if ((args.rsu_grid || new_sites) && !stats)
    stats = scan_trace(scenario.mobility.trace, scenario.mobility.format);

  // 3. RSU placement, then the scenario validated again: the new RSUs' errors point at the sites file's lines.
  std::vector<std::string> warnings;
  std::ostringstream notes;
  std::string origin;
  if (args.rsu_grid) {
    sites = grid_rsu_sites(stats->box, args.rsu_grid_m);
    origin = "a grid " + general(args.rsu_grid_m) + " m apart over the trace's area (--rsu-grid)";
  } else if (new_sites) {
    origin = args.rsu_sites + " (--rsu-sites)";
  }
  if (!sites.empty()) {
    const RsuPlacement p = replace_rsus(scenario.infrastructure, sites, new_sites ? args.rsu_sites : "--rsu-grid",
                                        args.rsu_grid ? args.rsu_grid_m : 0);
    ValidationContext context;
    context.generated_links = true;
    const std::string sites_file = new_sites ? args.rsu_sites : std::string();
    context.locate = [&](const std::string& path) {
      const std::string prefix = "infrastructure.rsu[";
      if (path.compare(0, prefix.size(), prefix) == 0) {
        const std::size_t i = std::stoul(path.substr(prefix.size()));
        return SourceLocation{sites_file, i < sites.size() ? sites[i].line : 0, 0};
      }
      return SourceLocation{scenario.source_file, 0, 0};
    };
    validate_scenario(scenario, known_names(), context);
    warnings.insert(warnings.end(), p.warnings.begin(), p.warnings.end());
    notes << "RSUs: " << sites.size() << " from " << origin << " replace the scenario's " << p.removed_rsus
          << "; cell radius " << general(p.cell_radius_m) << " m, capacity " << general(p.cell_capacity_bps)
          << " B/s, latency " << general(p.cell_latency_s) << " s ("
          << (p.cell_from_scenario ? "as the scenario's RSUs" : "schema defaults") << "); on their nearest MEC:";
    for (const auto& [mec, n] : p.rsus_per_mec)
      notes << " " << mec << " " << n;
    notes << "\n";
    scenario.source_text += "\n# v2xsim run: infrastructure.rsu replaced by " + std::to_string(sites.size()) +
                            " RSUs from " + origin + ", each linked to its nearest MEC\n";
  }
  if (new_trace) {
    notes << "trace: " << args.trace << ": " << trace_summary(*stats) << "\n";
    scenario.source_text += "\n# v2xsim run: mobility.trace replaced by --trace " + args.trace + "\n";
  }
  if (stats) {
    const std::string w = coverage_warning(scenario.infrastructure.rsus, stats->box);
    if (!w.empty())
      warnings.push_back(w);
  }
  for (const auto& w : warnings)
    warn(w);
  if (!args.quiet)
    std::cout << notes.str();
  return scenario;
}

} // namespace v2x::cli
