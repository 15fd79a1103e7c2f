#include "metrics/summary.hpp"

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <utility>

namespace v2x {

namespace {

constexpr std::array kFields{
    SummaryField{"vehicles", "count", &Summary::vehicles, nullptr},
    SummaryField{"rsus", "count", &Summary::rsus, nullptr},
    SummaryField{"messages_created", "count", &Summary::messages_created, nullptr},
    SummaryField{"messages_delivered", "count", &Summary::messages_delivered, nullptr},
    SummaryField{"messages_lost", "count", &Summary::messages_lost, nullptr},
    SummaryField{"messages_dropped", "count", &Summary::messages_dropped, nullptr},
    SummaryField{"messages_not_sent", "count", &Summary::messages_not_sent, nullptr},
    SummaryField{"cause_no_coverage", "count", &Summary::cause_no_coverage, nullptr},
    SummaryField{"cause_radio", "count", &Summary::cause_radio, nullptr},
    SummaryField{"cause_superseded", "count", &Summary::cause_superseded, nullptr},
    SummaryField{"cause_no_twin_yet", "count", &Summary::cause_no_twin_yet, nullptr},
    SummaryField{"cause_migration", "count", &Summary::cause_migration, nullptr},
    SummaryField{"cause_capacity", "count", &Summary::cause_capacity, nullptr},
    SummaryField{"cause_fault", "count", &Summary::cause_fault, nullptr},
    SummaryField{"cause_queue_full", "count", &Summary::cause_queue_full, nullptr},
    SummaryField{"cause_session_dropped", "count", &Summary::cause_session_dropped, nullptr},
    SummaryField{"cause_in_flight", "count", &Summary::cause_in_flight, nullptr},
    SummaryField{"vehicle_messages", "count", &Summary::vehicle_messages, nullptr},
    SummaryField{"warmup_s", "s", nullptr, &Summary::warmup_s},
    SummaryField{"messages_warmup", "count", &Summary::messages_warmup, nullptr},
    SummaryField{"aoi_mean_s", "s", nullptr, &Summary::aoi_mean_s},
    SummaryField{"aoi_p95_s", "s", nullptr, &Summary::aoi_p95_s},
    SummaryField{"latency_mean_s", "s", nullptr, &Summary::latency_mean_s},
    SummaryField{"latency_p50_s", "s", nullptr, &Summary::latency_p50_s},
    SummaryField{"latency_p95_s", "s", nullptr, &Summary::latency_p95_s},
    SummaryField{"latency_p99_s", "s", nullptr, &Summary::latency_p99_s},
    SummaryField{"latency_max_s", "s", nullptr, &Summary::latency_max_s},
    SummaryField{"handovers", "count", &Summary::handovers, nullptr},
    SummaryField{"cooperative_deliveries", "count", &Summary::cooperative_deliveries, nullptr},
    SummaryField{"migrations", "count", &Summary::migrations, nullptr},
    SummaryField{"migrations_rejected", "count", &Summary::migrations_rejected, nullptr},
    SummaryField{"migrations_unfinished", "count", &Summary::migrations_unfinished, nullptr},
    SummaryField{"migrations_failed", "count", &Summary::migrations_failed, nullptr},
    SummaryField{"downtime_total_s", "s", nullptr, &Summary::downtime_total_s},
    SummaryField{"downtime_mean_s", "s", nullptr, &Summary::downtime_mean_s},
    SummaryField{"downtime_max_s", "s", nullptr, &Summary::downtime_max_s},
    SummaryField{"vehicle_seconds", "s", nullptr, &Summary::vehicle_seconds},
    SummaryField{"faults", "count", &Summary::faults, nullptr},
    SummaryField{"fault_twins_lost", "count", &Summary::fault_twins_lost, nullptr},
    SummaryField{"fault_recoveries", "count", &Summary::fault_recoveries, nullptr},
    SummaryField{"fault_downtime_twin_s", "s", nullptr, &Summary::fault_downtime_twin_s},
    SummaryField{"recovery_mean_s", "s", nullptr, &Summary::recovery_mean_s},
    SummaryField{"recovery_p95_s", "s", nullptr, &Summary::recovery_p95_s},
    SummaryField{"recovery_max_s", "s", nullptr, &Summary::recovery_max_s},
    SummaryField{"energy_total_j", "J", nullptr, &Summary::energy_total_j},
    SummaryField{"energy_per_vehicle_hour_j", "J", nullptr, &Summary::energy_per_vehicle_hour_j},
    SummaryField{"cloud_aoi_mean_s", "s", nullptr, &Summary::cloud_aoi_mean_s},
    SummaryField{"cloud_aoi_p95_s", "s", nullptr, &Summary::cloud_aoi_p95_s},
    SummaryField{"sync_batches", "count", &Summary::sync_batches, nullptr},
    SummaryField{"sync_bytes", "B", nullptr, &Summary::sync_bytes},
    SummaryField{"sync_bytes_per_vehicle_hour", "B", nullptr, &Summary::sync_bytes_per_vehicle_hour},
    SummaryField{"cloud_twins_rejected", "count", &Summary::cloud_twins_rejected, nullptr},
    SummaryField{"cloud_twin_deploys", "count", &Summary::cloud_twin_deploys, nullptr},
    SummaryField{"cloud_deploy_mean_s", "s", nullptr, &Summary::cloud_deploy_mean_s},
    SummaryField{"cloud_first_serve_mean_s", "s", nullptr, &Summary::cloud_first_serve_mean_s},
    SummaryField{"cloud_first_serve_max_s", "s", nullptr, &Summary::cloud_first_serve_max_s},
    SummaryField{"tsdb_points", "count", &Summary::tsdb_points, nullptr},
    SummaryField{"tsdb_bytes_stored", "B", nullptr, &Summary::tsdb_bytes_stored},
    SummaryField{"tsdb_bytes_per_vehicle_hour", "B", nullptr, &Summary::tsdb_bytes_per_vehicle_hour},
    SummaryField{"tsdb_lag_p50_s", "s", nullptr, &Summary::tsdb_lag_p50_s},
    SummaryField{"tsdb_lag_p95_s", "s", nullptr, &Summary::tsdb_lag_p95_s},
    SummaryField{"continuity_migrations", "count", &Summary::continuity_migrations, nullptr},
    SummaryField{"state_lost", "count", &Summary::state_lost, nullptr},
    SummaryField{"state_rebuilt", "count", &Summary::state_rebuilt, nullptr},
    SummaryField{"state_rebuild_mean_s", "s", nullptr, &Summary::state_rebuild_mean_s},
    SummaryField{"duplicate_deliveries", "count", &Summary::duplicate_deliveries, nullptr},
    SummaryField{"simulated_s", "s", nullptr, &Summary::simulated_s},
    SummaryField{"wall_s", "s", nullptr, &Summary::wall_s},
    SummaryField{"peak_rss_kb", "kB", &Summary::peak_rss_kb, nullptr},
};

// Appends printf-style text to out.
[[gnu::format(printf, 2, 3)]] void append(std::string& out, const char* fmt, ...)
{
  std::array<char, 512> buffer{};
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(buffer.data(), buffer.size(), fmt, args);
  va_end(args);
  if (n > 0)
    out.append(buffer.data(), std::min(static_cast<std::size_t>(n), buffer.size() - 1));
}

double percent(std::uint64_t part, std::uint64_t whole)
{
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

} // namespace

std::span<const SummaryField> summary_fields()
{
  return kFields;
}

std::string format_summary(const Summary& s, const std::string& output_path)
{
  using ull = unsigned long long;
  std::string out;
  append(out, "vehicles       %llu (%llu RSUs, %.1f vehicle-hours)\n", static_cast<ull>(s.vehicles),
         static_cast<ull>(s.rsus), s.vehicle_seconds / 3600.0);
  append(out, "messages       %llu created: %llu delivered (%.2f %%), %llu lost, %llu dropped, %llu not sent\n",
         static_cast<ull>(s.messages_created), static_cast<ull>(s.messages_delivered),
         percent(s.messages_delivered, s.messages_created), static_cast<ull>(s.messages_lost),
         static_cast<ull>(s.messages_dropped), static_cast<ull>(s.messages_not_sent));
  {
    std::string causes;
    const std::pair<const char*, std::uint64_t> by_cause[] = {
        {"no coverage", s.cause_no_coverage}, {"radio", s.cause_radio},          {"superseded", s.cause_superseded},
        {"no twin yet", s.cause_no_twin_yet}, {"migration", s.cause_migration},  {"capacity", s.cause_capacity},
        {"fault", s.cause_fault},             {"queue full", s.cause_queue_full}, {"session dropped", s.cause_session_dropped},
        {"in flight", s.cause_in_flight}};
    for (const auto& [name, n] : by_cause)
      if (n > 0)
        append(causes, "%s%s %llu", causes.empty() ? "" : ", ", name, static_cast<ull>(n));
    if (!causes.empty())
      append(out, "not delivered  %s\n", causes.c_str());
  }
  if (s.warmup_s > 0)
    append(out, "warm-up        first %g s left out of these figures (%llu messages created then)\n", s.warmup_s,
           static_cast<ull>(s.messages_warmup));
  if (s.messages_delivered > 0)
    append(out, "latency        p50 %.3f ms, p95 %.3f ms, p99 %.3f ms (mean %.3f ms, max %.3f ms)\n",
           s.latency_p50_s * 1e3, s.latency_p95_s * 1e3, s.latency_p99_s * 1e3, s.latency_mean_s * 1e3,
           s.latency_max_s * 1e3);
  else
    append(out, "latency        no message delivered\n");
  if (s.aoi_mean_s > 0)
    append(out, "freshness      AoI mean %.3f ms, p95 %.3f ms (time-average over served twins)\n", s.aoi_mean_s * 1e3,
           s.aoi_p95_s * 1e3);
  append(out, "handovers      %llu\n", static_cast<ull>(s.handovers));
  append(out, "migrations     %llu completed, %llu rejected, %llu unfinished\n", static_cast<ull>(s.migrations),
         static_cast<ull>(s.migrations_rejected), static_cast<ull>(s.migrations_unfinished));
  append(out, "twin downtime  total %.3f s, mean %.3f ms per migration (max %.3f ms)\n", s.downtime_total_s,
         s.downtime_mean_s * 1e3, s.downtime_max_s * 1e3);
  if (s.faults > 0)
    append(out, "faults         %llu: %llu twins lost, %llu recovered (mean %.3f s, p95 %.3f s, max %.3f s), %.3f "
                "twin-s down\n",
           static_cast<ull>(s.faults), static_cast<ull>(s.fault_twins_lost), static_cast<ull>(s.fault_recoveries),
           s.recovery_mean_s, s.recovery_p95_s, s.recovery_max_s, s.fault_downtime_twin_s);
  append(out, "time           %.1f s simulated in %.2f s wall", s.simulated_s, s.wall_s);
  if (s.wall_s > 0)
    append(out, " (%.1fx real time)", s.simulated_s / s.wall_s);
  out += '\n';
  append(out, "peak memory    %.1f MB\n", static_cast<double>(s.peak_rss_kb) / 1024.0);
  out += "output         " + output_path + '\n';
  return out;
}

} // namespace v2x
