// `v2xsim trace info FILE` and the trace options of `v2xsim run` (--trace, --trace-format, --rsu-sites,
// --rsu-grid): a user's own trace and RSU placement swapped into a scenario in one command.
#include "cli/commands.hpp"
#include "topology/faults.hpp"
#include "config/validate.hpp"
#include "mobility/projection.hpp"
#include "mobility/rsu_sites.hpp"
#include "proto/scenario_document.hpp"
#include "mobility/trace_stats.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
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

int trace_info(const std::string& file, const std::string& format, const std::string& projection)
{
  const TraceStats st = scan_trace(file, format_named("--format", format).format, projection);
  std::ostringstream o;
  o << "file: " << file << "\n";
  o << "format: " << st.format << " (" << compression_name(st.compression) << ")\n";
  if (st.geographic())
    o << "coordinates: geographic (lon/lat, WGS84), projected with " << st.projection
      << (projection.empty() ? " (the UTM zone of its first point; --projection or mobility.projection to choose)"
                             : "")
      << "\n";
  else
    o << "coordinates: metres (x, y as written)\n";
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
  if (st.geographic() && !st.box.empty()) {
    const GeoProjection proj(st.projection);
    double lon0 = 0, lat0 = 0, lon1 = 0, lat1 = 0;
    if (proj.inverse(st.box.min_x, st.box.min_y, lon0, lat0) && proj.inverse(st.box.max_x, st.box.max_y, lon1, lat1))
      o << "bounding box (lon/lat): " << fixed(lon0, 6) << ", " << fixed(lat0, 6) << " .. " << fixed(lon1, 6) << ", "
        << fixed(lat1, 6) << "\n";
  }
  if (st.speed_rows > 0)
    o << "speed: " << general(st.min_speed_mps) << " .. " << general(st.max_speed_mps) << " m/s (given in "
      << st.speed_rows << " of " << st.rows << " rows)\n";
  else if (st.rows > 0)
    o << "speed: not in the trace (derived from positions during a run)\n";
  std::cout << o.str();
  return 0;
}

namespace {

std::string exact(double v)  // a double that reads back to itself
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

Override layout(const std::string& path, const std::string& value)
{
  return Override{path, value, false, false};
}

Override layout_clear(const std::string& path)
{
  return Override{path, "", true, false};
}

/// "id (x, y m[, lon, lat])" for the printed layout.
std::string position_text(const std::string& id, double x, double y, const GeoProjection* proj)
{
  std::string out = id + " (" + fixed(x, 1) + ", " + fixed(y, 1) + " m";
  double lon = 0, lat = 0;
  if (proj && proj->inverse(x, y, lon, lat))
    out += "; lon " + fixed(lon, 6) + ", lat " + fixed(lat, 6);
  return out + ")";
}

} // namespace

std::vector<Override> base_overrides(const RunArgs& args, std::size_t engine_args_in_file, std::size_t faults_in_file)
{
  std::vector<Override> overrides;
  if (!args.trace.empty()) {
    // Absolute, so that the loader does not resolve it against the scenario's folder.
    overrides.push_back(
        Override{"mobility.trace", std::filesystem::absolute(args.trace).lexically_normal().string()});
    // A user's own trace runs whole unless --duration (or --set duration_s=...) says otherwise.
    overrides.push_back(Override{"duration_s", "0"});
  }
  if (!args.trace_format.empty())
    overrides.push_back(Override{"mobility.format", format_named("--trace-format", args.trace_format).schema});
  for (const auto& s : args.sets)
    overrides.push_back(parse_override(s));
  if (args.seed >= 0)
    overrides.push_back(Override{"seed", std::to_string(args.seed)});
  if (args.duration_s >= 0)
    overrides.push_back(Override{"duration_s", exact(args.duration_s)});
  for (std::size_t i = 0; i < args.engine_args.size(); ++i)
    overrides.push_back(
        Override{"engine_arg[" + std::to_string(engine_args_in_file + i) + "]", args.engine_args[i]});
  // --fault KIND:TARGET@AT+FOR[*FACTOR]: one fault { } appended after the file's (written into the stored scenario).
  for (std::size_t i = 0; i < args.faults.size(); ++i) {
    const FaultConfig f = parse_fault_option(args.faults[i]);
    const std::string p = "fault[" + std::to_string(faults_in_file + i) + "].";
    std::string kind = fault_kind_name(f.kind);
    for (char& c : kind)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    overrides.push_back(Override{p + "kind", kind});
    overrides.push_back(Override{p + "target", f.target});
    overrides.push_back(Override{p + "at_s", exact(f.at_s)});
    overrides.push_back(Override{p + "for_s", exact(f.for_s)});
    if (f.kind == FaultKind::MecDegraded)
      overrides.push_back(Override{p + "factor", exact(f.factor)});
  }
  return overrides;
}

Scenario load_for_run(const RunArgs& args, double* trace_span_s)
{
  if (args.duration_s >= 0 && !std::isfinite(args.duration_s))
    throw InputError({}, "--duration", exact(args.duration_s), "must be a finite number of seconds >= 0");
  if (args.cell_radius_m != 0 && !(std::isfinite(args.cell_radius_m) && args.cell_radius_m > 0))
    throw InputError({}, "--cell-radius", exact(args.cell_radius_m), "must be a finite number of metres > 0");
  if (args.mec_grid > 0 && !args.rsu_grid)
    throw InputError({}, "--mec-grid", std::to_string(args.mec_grid), "needs --rsu-grid (K x K RSUs of the grid)");
  const bool new_trace = !args.trace.empty();
  const bool new_rsus = !args.rsu_sites.empty() || args.rsu_grid;
  const bool new_mecs = !args.mec_sites.empty() || args.mec_grid > 0;
  const bool layout_change = new_rsus || new_mecs || args.cell_radius_m > 0;

  // 1. Site files first: their errors name them (file:line), whatever the scenario holds.
  std::vector<RsuSite> rsu_sites, mec_sites;
  if (!args.rsu_sites.empty())
    rsu_sites = read_rsu_sites(args.rsu_sites, "RSU");
  if (!args.mec_sites.empty())
    mec_sites = read_rsu_sites(args.mec_sites, "MEC");

  // 2. The scenario with the trace and the plain overrides, validated (pass 1).
  const Scenario in_file = ScenarioDocument::load(args.scenario).to_scenario();
  std::vector<Override> overrides = base_overrides(args, in_file.engine_args.size(), in_file.faults.size());
  Scenario scenario = load_scenario(args.scenario, overrides, known_names());
  if (!new_trace && !layout_change)
    return scenario;

  // 3. The trace read through once: its errors name it (file:line) before anything runs; the grid needs its
  //    box; a geographic trace gets its projection written into the scenario (the stored scenario says it).
  const TraceStats stats = scan_trace(scenario.mobility.trace, scenario.mobility.format, scenario.mobility.projection);
  if (trace_span_s)
    *trace_span_s = stats.last_s - stats.first_s;
  if (stats.geographic() && scenario.mobility.projection.empty())
    overrides.push_back(Override{"mobility.projection", stats.projection});
  std::unique_ptr<GeoProjection> proj;
  if (stats.geographic())
    proj = std::make_unique<GeoProjection>(stats.projection);
  if (!args.rsu_sites.empty())
    position_sites(rsu_sites, stats.projection, args.rsu_sites);
  if (!args.mec_sites.empty())
    position_sites(mec_sites, stats.projection, args.mec_sites);

  // 4. The layout on a copy of the infrastructure, then written back into the document as overrides, so that
  //    the stored scenario text is what runs (pass 2).
  std::vector<std::string> warnings;
  std::ostringstream notes;
  InfrastructureConfig inf = scenario.infrastructure;
  std::string mec_origin, rsu_origin;
  if (new_mecs) {
    if (args.mec_grid > 0) {
      mec_sites = mec_grid_sites(stats.box, args.rsu_grid_m, args.mec_grid);
      mec_origin = "one per " + std::to_string(args.mec_grid) + " x " + std::to_string(args.mec_grid) +
                   " RSUs of the grid (--mec-grid)";
    } else {
      mec_origin = args.mec_sites + " (--mec-sites)";
    }
    const std::size_t removed = replace_mecs(inf, mec_sites, args.mec_sites.empty() ? "--mec-grid" : args.mec_sites);
    notes << "MECs: " << mec_sites.size() << " from " << mec_origin << " replace the scenario's " << removed
          << " (capacity of its first MEC; one broker each; links generated)\n";
    overrides.push_back(layout_clear("infrastructure.mec"));
    overrides.push_back(layout_clear("infrastructure.link"));
    overrides.push_back(layout_clear("infrastructure.broker"));
    for (std::size_t i = 0; i < inf.mecs.size(); ++i) {
      const MecConfig& m = inf.mecs[i];
      const std::string p = "infrastructure.mec[" + std::to_string(i) + "].";
      overrides.push_back(layout(p + "id", m.id));
      overrides.push_back(layout(p + "x_m", exact(m.x_m)));
      overrides.push_back(layout(p + "y_m", exact(m.y_m)));
      overrides.push_back(layout(p + "cores", std::to_string(m.cores)));
      overrides.push_back(layout(p + "core_speed_flops_per_s", exact(m.core_speed_flops_per_s)));
      overrides.push_back(layout(p + "memory_mb", exact(m.memory_mb)));
      overrides.push_back(layout(p + "pod_slots", std::to_string(m.pod_slots)));
      overrides.push_back(layout(p + "max_concurrent_ops", std::to_string(m.max_concurrent_ops)));
    }
  }
  if (args.rsu_grid) {
    rsu_sites = grid_rsu_sites(stats.box, args.rsu_grid_m);
    rsu_origin = "a grid " + general(args.rsu_grid_m) + " m apart over the trace's area (--rsu-grid)";
  } else if (!args.rsu_sites.empty()) {
    rsu_origin = args.rsu_sites + " (--rsu-sites)";
  }
  // Whether the scenario file lists its links (then they are rewritten) or lets the loader make them.
  const bool listed_links = !new_mecs && !ScenarioDocument::load(args.scenario).to_scenario().infrastructure.links.empty();
  if (new_rsus) {
    const RsuPlacement p = replace_rsus(inf, rsu_sites, !args.rsu_sites.empty() ? args.rsu_sites : "--rsu-grid",
                                        args.rsu_grid ? args.rsu_grid_m : 0, args.cell_radius_m);
    warnings.insert(warnings.end(), p.warnings.begin(), p.warnings.end());
    notes << "RSUs: " << rsu_sites.size() << " from " << rsu_origin << " replace the scenario's " << p.removed_rsus
          << "; cell radius " << general(p.cell_radius_m) << " m"
          << (args.cell_radius_m > 0 ? " (--cell-radius)" : "") << ", capacity " << general(p.cell_capacity_bps)
          << " B/s, latency " << general(p.cell_latency_s) << " s ("
          << (p.cell_from_scenario ? "as the scenario's RSUs" : "schema defaults") << "); on their nearest MEC:";
    for (const auto& [mec, n] : p.rsus_per_mec)
      notes << " " << mec << " " << n;
    notes << "\n";
    overrides.push_back(layout_clear("infrastructure.rsu"));
    for (std::size_t i = 0; i < inf.rsus.size(); ++i) {
      const RsuConfig& r = inf.rsus[i];
      const std::string q = "infrastructure.rsu[" + std::to_string(i) + "].";
      overrides.push_back(layout(q + "id", r.id));
      overrides.push_back(layout(q + "x_m", exact(r.x_m)));
      overrides.push_back(layout(q + "y_m", exact(r.y_m)));
      overrides.push_back(layout(q + "cell_radius_m", exact(r.cell_radius_m)));
      overrides.push_back(layout(q + "cell_capacity_bps", exact(r.cell_capacity_bps)));
      overrides.push_back(layout(q + "cell_latency_s", exact(r.cell_latency_s)));
      overrides.push_back(layout(q + "mec", r.mec));
    }
    if (listed_links) {
      overrides.push_back(layout_clear("infrastructure.link"));
      for (std::size_t i = 0; i < inf.links.size(); ++i) {
        const LinkConfig& l = inf.links[i];
        const std::string q = "infrastructure.link[" + std::to_string(i) + "].";
        overrides.push_back(layout(q + "from", l.from));
        overrides.push_back(layout(q + "to", l.to));
        overrides.push_back(layout(q + "bandwidth_bps", exact(l.bandwidth_bps)));
        overrides.push_back(layout(q + "latency_s", exact(l.latency_s)));
      }
    }
  } else {
    for (std::size_t i = 0; i < scenario.infrastructure.rsus.size(); ++i) {
      const std::string q = "infrastructure.rsu[" + std::to_string(i) + "].";
      if (args.cell_radius_m > 0)
        overrides.push_back(layout(q + "cell_radius_m", exact(args.cell_radius_m)));
      if (new_mecs)
        overrides.push_back(layout(q + "mec", ""));  // the nearest of the new MECs
    }
    if (args.cell_radius_m > 0)
      notes << "RSUs: the scenario's " << scenario.infrastructure.rsus.size() << " with cell radius "
            << general(args.cell_radius_m) << " m (--cell-radius)\n";
  }

  scenario = load_scenario(args.scenario, overrides, known_names());
  if (new_rsus)
    scenario.source_text += "\n# v2xsim run: infrastructure.rsu replaced by " + std::to_string(rsu_sites.size()) +
                            " RSUs from " + rsu_origin + "\n";
  if (new_mecs)
    scenario.source_text += "# v2xsim run: infrastructure.mec replaced by " + std::to_string(mec_sites.size()) +
                            " MECs from " + mec_origin + "\n";
  if (new_trace)
    scenario.source_text += "# v2xsim run: mobility.trace replaced by --trace " + args.trace + "\n";

  // 5. What was chosen, printed; what a user should know, warned.
  if (new_trace) {
    notes << "trace: " << args.trace << ": " << trace_summary(stats) << "\n";
    notes << "duration: "
          << (scenario.duration_s > 0 ? general(scenario.duration_s) + " s"
                                      : "the whole trace (" + general(stats.last_s - stats.first_s) +
                                            " s; --duration S to cut it)")
          << "\n";
  }
  if (stats.geographic())
    notes << "projection: " << stats.projection << " (geographic trace; positions below in its metres)\n";
  if (new_mecs || new_rsus) {
    const InfrastructureConfig& fin = scenario.infrastructure;
    notes << "MEC sites (" << fin.mecs.size() << "):\n";
    for (const MecConfig& m : fin.mecs)
      notes << "  " << position_text(m.id, m.x_m, m.y_m, proj.get()) << "\n";
    constexpr std::size_t kListed = 40;
    notes << "RSU sites (" << fin.rsus.size();
    if (fin.rsus.size() > kListed && !args.verbose)
      notes << "; the first " << kListed << " here, -v lists all, the output's scenario_text has them";
    notes << "):\n";
    for (std::size_t i = 0; i < fin.rsus.size() && (args.verbose || i < kListed); ++i)
      notes << "  " << position_text(fin.rsus[i].id, fin.rsus[i].x_m, fin.rsus[i].y_m, proj.get()) << " -> "
            << fin.rsus[i].mec << "\n";
  }
  const std::string w = coverage_warning(scenario.infrastructure.rsus, stats.box);
  if (!w.empty())
    warnings.push_back(w);
  else {
    const std::vector<std::string> lw = layout_warnings(scenario.infrastructure, stats.box);
    warnings.insert(warnings.end(), lw.begin(), lw.end());
  }
  for (const auto& text : warnings)
    warn(text);
  if (!args.quiet)
    std::cout << notes.str();
  return scenario;
}

} // namespace v2x::cli
