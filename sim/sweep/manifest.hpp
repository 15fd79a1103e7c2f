#pragma once
// The sweep manifest (CSV, one row per run) and what the runner reads from a run's log: the summary that
// `v2xsim run` prints (sim/metrics/summary.cpp's format_summary) and its error message.
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace v2x::sweep {

/// Key figures of a finished run, read back from the summary that `v2xsim run` prints (so at its printed
/// precision: latencies to the microsecond, downtime to the millisecond).
struct RunFigures {
  double vehicles = 0;
  double vehicle_hours = 0;
  double messages_created = 0;
  double messages_delivered = 0;
  double messages_lost = 0;
  std::optional<double> latency_p50_ms; // none when no message was delivered
  std::optional<double> latency_p95_ms;
  std::optional<double> latency_p99_ms;
  double migrations = 0;
  double downtime_total_s = 0;
  double simulated_s = 0;
};

/// The figures in `log` (a run's stdout and stderr), or nothing when the summary is not there in full.
std::optional<RunFigures> parse_run_figures(const std::string& log);

/// The error a failed run reported: its last "v2xsim: error:" or "v2xsim: internal error:" line, else its
/// last non-empty line; on one line, at most 400 characters.
std::string run_error_text(const std::string& log);

enum class RunStatus {
  Pending,     // not run yet
  Running,     // in flight when the manifest was written
  Complete,    // its output file exists (run now or by an earlier invocation)
  Failed,      // exited non-zero or without its output
  Interrupted, // stopped by a signal to the sweep
};
const char* status_name(RunStatus s);
std::optional<RunStatus> parse_status(const std::string& name);

struct ManifestRow {
  std::size_t index = 0;
  std::string run;
  std::vector<std::pair<std::string, std::string>> params; // (column, value)
  std::string output;
  RunStatus status = RunStatus::Pending;
  std::optional<int> exit_code; // exit status, or 128 + signal
  std::string error;
  std::optional<double> wall_s; // wall time of the child process
  std::optional<RunFigures> figures;
};

/// The manifest's header: index, run, the parameter columns, output, status, exit_code, error, wall_s, figures.
std::vector<std::string> manifest_columns(const std::vector<std::string>& param_columns);
/// Writes the manifest atomically (a temporary file renamed over `path`), so a killed sweep leaves the last
/// complete one. Throws std::runtime_error when it cannot write.
void write_manifest(const std::string& path, const std::vector<std::string>& param_columns,
                    const std::vector<ManifestRow>& rows);
/// Rows of an existing manifest as column -> value maps keyed by run id; empty when the file does not exist.
/// A row it cannot read (no run id, more fields than the header, a field that is not text) is skipped and
/// named through `warn` ("manifest.csv:LINE: ..."): the manifest is a cache of what the outputs on disk say.
std::map<std::string, std::map<std::string, std::string>>
read_manifest(const std::string& path, const std::function<void(const std::string&)>& warn = {});
/// A number of the manifest (wall_s, figures): finite, the whole field; false otherwise (never throws).
bool parse_manifest_number(const std::string& text, double& out);

/// CSV (RFC 4180): a field quoted when it holds a comma, quote, CR or LF; quotes doubled.
std::string csv_field(const std::string& text);
/// Splits one CSV record (no embedded line breaks).
std::vector<std::string> split_csv_line(const std::string& line);

} // namespace v2x::sweep
