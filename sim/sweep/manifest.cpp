// Manifest CSV and reading a run's log.
#include "sweep/manifest.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace v2x::sweep {

namespace {

std::string number(double v, const char* format = "%.10g")
{
  char buf[40];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string optional_number(const std::optional<double>& v)
{
  return v ? number(*v) : std::string();
}

const char* const kFigureColumns[] = {"vehicles",      "vehicle_hours",    "messages_created", "messages_delivered",
                                      "messages_lost", "latency_p50_ms",   "latency_p95_ms",   "latency_p99_ms",
                                      "migrations",    "downtime_total_s", "simulated_s"};

std::vector<std::string> figure_fields(const std::optional<RunFigures>& f)
{
  if (!f)
    return std::vector<std::string>(std::size(kFigureColumns));
  return {number(f->vehicles),
          number(f->vehicle_hours),
          number(f->messages_created),
          number(f->messages_delivered),
          number(f->messages_lost),
          optional_number(f->latency_p50_ms),
          optional_number(f->latency_p95_ms),
          optional_number(f->latency_p99_ms),
          number(f->migrations),
          number(f->downtime_total_s),
          number(f->simulated_s)};
}

} // namespace

std::optional<RunFigures> parse_run_figures(const std::string& log)
{
  RunFigures f;
  bool vehicles = false, messages = false, latency = false, migrations = false, downtime = false, time = false;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    unsigned long long a = 0, b = 0, c = 0, d = 0, e = 0;
    double x = 0, y = 0, z = 0, u = 0, v = 0;
    if (std::sscanf(line.c_str(), "vehicles %llu (%llu RSUs, %lf vehicle-hours)", &a, &b, &x) == 3) {
      f.vehicles = static_cast<double>(a);
      f.vehicle_hours = x;
      vehicles = true;
    } else if (std::sscanf(line.c_str(), "messages %llu created: %llu delivered (%lf %%), %llu lost, %llu dropped", &a,
                           &b, &x, &c, &d) == 5) {
      f.messages_created = static_cast<double>(a);
      f.messages_delivered = static_cast<double>(b);
      f.messages_lost = static_cast<double>(c);
      messages = true;
    } else if (std::sscanf(line.c_str(), "latency p50 %lf ms, p95 %lf ms, p99 %lf ms (mean %lf ms, max %lf ms)", &x, &y,
                           &z, &u, &v) == 5) {
      f.latency_p50_ms = x;
      f.latency_p95_ms = y;
      f.latency_p99_ms = z;
      latency = true;
    } else if (line.rfind("latency", 0) == 0 && line.find("no message delivered") != std::string::npos) {
      latency = true;
    } else if (std::sscanf(line.c_str(), "migrations %llu completed, %llu rejected, %llu unfinished", &a, &b, &c) == 3 ||
               std::sscanf(line.c_str(), "migrations %llu completed, %llu rejected, %llu aborted", &a, &b, &c) == 3) {
      // ("aborted": the name of the third count before unfinished migrations were recorded)
      f.migrations = static_cast<double>(a);
      migrations = true;
    } else if (std::sscanf(line.c_str(), "twin downtime total %lf s,", &x) == 1) {
      f.downtime_total_s = x;
      downtime = true;
    } else if (std::sscanf(line.c_str(), "time %lf s simulated in %lf s wall", &x, &y) == 2) {
      f.simulated_s = x;
      time = true;
    }
    (void)e;
  }
  if (vehicles && messages && latency && migrations && downtime && time)
    return f;
  return std::nullopt;
}

std::string run_error_text(const std::string& log)
{
  std::istringstream in(log);
  std::string line, error, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos)
      continue;
    last = line;
    if (line.rfind("v2xsim: error:", 0) == 0 || line.rfind("v2xsim: internal error:", 0) == 0)
      error = line;
  }
  std::string text = error.empty() ? last : error;
  if (text.size() > 400) {
    text.resize(397);
    text += "...";
  }
  return text;
}

const char* status_name(RunStatus s)
{
  switch (s) {
  case RunStatus::Pending:
    return "pending";
  case RunStatus::Running:
    return "running";
  case RunStatus::Complete:
    return "complete";
  case RunStatus::Failed:
    return "failed";
  case RunStatus::Interrupted:
    return "interrupted";
  }
  return "?";
}

std::optional<RunStatus> parse_status(const std::string& name)
{
  for (const RunStatus s :
       {RunStatus::Pending, RunStatus::Running, RunStatus::Complete, RunStatus::Failed, RunStatus::Interrupted})
    if (name == status_name(s))
      return s;
  return std::nullopt;
}

std::string csv_field(const std::string& text)
{
  if (text.find_first_of(",\"\r\n") == std::string::npos)
    return text;
  std::string s = "\"";
  for (const char c : text) {
    if (c == '"')
      s += '"';
    s += c;
  }
  return s + '"';
}

std::vector<std::string> split_csv_line(const std::string& line)
{
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::string> manifest_columns(const std::vector<std::string>& param_columns)
{
  std::vector<std::string> columns{"index", "run"};
  columns.insert(columns.end(), param_columns.begin(), param_columns.end());
  for (const char* c : {"output", "status", "exit_code", "error", "wall_s"})
    columns.emplace_back(c);
  for (const char* c : kFigureColumns)
    columns.emplace_back(c);
  return columns;
}

void write_manifest(const std::string& path, const std::vector<std::string>& param_columns,
                    const std::vector<ManifestRow>& rows)
{
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw IoError(tmp, std::string("cannot write the manifest: ") + std::strerror(errno));
    auto write_record = [&](const std::vector<std::string>& fields) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        out << (i ? "," : "") << csv_field(fields[i]);
      out << '\n';
    };
    write_record(manifest_columns(param_columns));
    for (const ManifestRow& r : rows) {
      std::vector<std::string> fields{std::to_string(r.index), r.run};
      for (const auto& column : param_columns) {
        std::string value;
        for (const auto& [c, v] : r.params)
          if (c == column)
            value = v;
        fields.push_back(value);
      }
      fields.push_back(r.output);
      fields.emplace_back(status_name(r.status));
      fields.push_back(r.exit_code ? std::to_string(*r.exit_code) : std::string());
      fields.push_back(r.error);
      fields.push_back(r.wall_s ? number(*r.wall_s, "%.3f") : std::string());
      for (auto& f : figure_fields(r.figures))
        fields.push_back(std::move(f));
      write_record(fields);
    }
    out.flush();
    if (!out) {
      const int err = errno;
      out.close();
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored); // a full disk: no empty manifest.csv.tmp left behind
      throw IoError(tmp, std::string("cannot write the manifest: ") + std::strerror(err));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw IoError(path, "cannot rename " + tmp + " to it: " + ec.message());
  }
}

bool parse_manifest_number(const std::string& text, double& out)
{
  if (text.empty() || text.size() > 64)
    return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v))
    return false;
  out = v;
  return true;
}

std::map<std::string, std::map<std::string, std::string>>
read_manifest(const std::string& path, const std::function<void(const std::string&)>& warn)
{
  std::map<std::string, std::map<std::string, std::string>> rows;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return rows;
  const auto note = [&](std::size_t line, const std::string& what) {
    if (warn)
      warn(escape_text(path) + ":" + std::to_string(line) + ": " + what +
           " (row ignored: the outputs on disk say "
           "which runs are complete)");
  };
  std::string line;
  if (!std::getline(in, line))
    return rows;
  const std::vector<std::string> header = split_csv_line(line);
  if (std::find(header.begin(), header.end(), "run") == header.end()) {
    note(1, "the header has no 'run' column: not a manifest, or a corrupt one");
    return rows;
  }
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty())
      continue;
    const std::vector<std::string> fields = split_csv_line(line);
    if (fields.size() != header.size()) {
      note(number, std::to_string(fields.size()) + " fields where the header has " + std::to_string(header.size()));
      continue;
    }
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size(); ++i)
      row[header[i]] = fields[i];
    if (row["run"].empty()) {
      note(number, "no run id");
      continue;
    }
    rows[row["run"]] = std::move(row);
  }
  return rows;
}

} // namespace v2x::sweep
