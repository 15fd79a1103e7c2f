// The sweep's process pool: fork/exec of `v2xsim run`, waitpid polling, progress, manifest, signals.
#include "sweep/runner.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sched.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace v2x::sweep {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig)
{
  g_stop_signal = sig;
}

/// Installs the SIGINT/SIGTERM handlers for the lifetime of a sweep and restores the previous ones.
class StopSignals {
public:
  StopSignals()
  {
    g_stop_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals()
  {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string read_text(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  if (in)
    s << in.rdbuf();
  return s.str();
}

std::string duration_text(double seconds)
{
  const long long s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

/// Starts `argv` with stdout and stderr to `log_path`, stdin from /dev/null. The child gets SIGTERM if the
/// sweep dies (PR_SET_PDEATHSIG), so a killed sweep leaves no orphan runs. Returns the pid, or -1 with errno.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path)
{
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0)
    return -1;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent)
      ::_exit(128 + SIGTERM);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0)
      ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(args[0], args.data());
    const char* msg = "v2xsim: error: sweep: cannot execute the simulator: ";
    [[maybe_unused]] auto w1 = ::write(2, msg, std::strlen(msg));
    const char* why = std::strerror(errno);
    [[maybe_unused]] auto w2 = ::write(2, why, std::strlen(why));
    [[maybe_unused]] auto w3 = ::write(2, "\n", 1);
    ::_exit(127);
  }
  const int saved = errno;
  ::close(log_fd);
  errno = saved;
  return pid;
}

struct InFlight {
  std::size_t row;
  Clock::time_point start;
};

} // namespace

std::string run_output_path(const std::string& out_dir, const RunPoint& run)
{
  return (fs::path(out_dir) / "runs" / (run.id + ".h5")).string();
}

std::string run_log_path(const std::string& out_dir, const RunPoint& run)
{
  return (fs::path(out_dir) / "logs" / (run.id + ".log")).string();
}

std::string manifest_path(const std::string& out_dir, const Shard& shard)
{
  if (shard.count <= 1)
    return (fs::path(out_dir) / "manifest.csv").string();
  return (fs::path(out_dir) /
          ("manifest-shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".csv"))
      .string();
}

bool output_complete(const std::string& path)
{
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return false;
  std::ifstream in(path, std::ios::binary);
  char signature[8] = {};
  in.read(signature, sizeof signature);
  return in.gcount() == 8 && std::memcmp(signature, "\x89HDF\r\n\x1a\n", 8) == 0;
}

std::vector<std::string> run_command(const std::string& executable, const SweepSpec& spec, const RunPoint& run,
                                     const std::string& output)
{
  std::vector<std::string> argv{executable, "run", spec.base};
  for (const auto& s : run.sets) {
    argv.emplace_back("--set");
    argv.push_back(s);
  }
  if (run.seed) {
    argv.emplace_back("--seed");
    argv.push_back(std::to_string(*run.seed));
  }
  argv.emplace_back("-o");
  argv.push_back(output);
  return argv;
}

std::size_t available_cores()
{
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<std::size_t>(CPU_COUNT(&set));
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<std::size_t>(n) : 1;
}

SweepOutcome run_sweep(const SweepSpec& spec, const std::vector<RunPoint>& runs, const RunnerOptions& options)
{
  if (options.jobs < 1)
    throw std::invalid_argument("run_sweep: jobs must be at least 1");
  {
    std::error_code ec;
    const auto st = fs::status(options.out_dir, ec);
    if (fs::exists(st) && !fs::is_directory(st))
      throw IoError(options.out_dir, "the sweep's output folder is a file");
    for (const char* sub : {"runs", "logs"}) {
      fs::create_directories(fs::path(options.out_dir) / sub, ec);
      if (ec)
        throw IoError((fs::path(options.out_dir) / sub).string(), "cannot create the folder: " + ec.message());
    }
  }

  SweepOutcome outcome;
  outcome.runs = runs.size();
  outcome.manifest = manifest_path(options.out_dir, options.shard);

  std::vector<std::string> param_columns;
  for (const Axis& a : spec.axes)
    param_columns.push_back(a.column);

  // Debris of a killed sweep (SIGKILL, power cut): this shard's manifest.tmp and its runs' .partial files.
  // Only this shard's: another shard may be writing its own in the same folder right now.
  {
    std::error_code ec;
    fs::remove(outcome.manifest + ".tmp", ec);
    for (const RunPoint& run : runs)
      fs::remove(run_output_path(options.out_dir, run) + ".partial", ec);
  }

  // Rows: complete outputs are skipped (their figures from their log, their wall time from the old manifest).
  // The old manifest is only a cache: the outputs on disk say which runs are complete, so a stale or corrupt
  // manifest costs at most the wall times of the rows it cannot read (each named in a warning).
  const auto previous = read_manifest(outcome.manifest, [&options](const std::string& warning) {
    if (options.progress)
      *options.progress << "sweep: warning: " << warning << "\n";
  });
  std::vector<ManifestRow> rows;
  std::vector<std::size_t> queue;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunPoint& run = runs[i];
    ManifestRow row;
    row.index = run.index;
    row.run = run.id;
    row.params = run.params;
    row.output = run_output_path(options.out_dir, run);
    if (output_complete(row.output)) {
      row.status = RunStatus::Complete;
      row.exit_code = 0;
      row.figures = parse_run_figures(read_text(run_log_path(options.out_dir, run)));
      const auto old = previous.find(run.id);
      if (old != previous.end() && old->second.count("wall_s") && !old->second.at("wall_s").empty()) {
        double wall = 0;
        if (parse_manifest_number(old->second.at("wall_s"), wall))
          row.wall_s = wall;
        else if (options.progress)
          *options.progress << "sweep: warning: " << outcome.manifest << ": row of run " << escape_text(run.id)
                            << ": wall_s '" << escape_text(old->second.at("wall_s"))
                            << "' is not a number (ignored; the run is complete on disk)\n";
      }
      ++outcome.skipped;
    } else {
      queue.push_back(i);
    }
    rows.push_back(std::move(row));
  }

  std::ostream* out = options.progress;
  const std::size_t total = runs.size();
  if (out)
    *out << "sweep " << spec.name << ": " << total << " runs"
         << (options.shard.count > 1
                 ? " (shard " + std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count) + ")"
                 : std::string())
         << ", " << outcome.skipped << " already complete, " << queue.size() << " to run, " << options.jobs
         << " at once; output " << options.out_dir << "\n"
         << std::flush;

  StopSignals signals;
  std::map<pid_t, InFlight> running;
  std::size_t next = 0;
  const Clock::time_point started = Clock::now();
  Clock::time_point last_manifest = Clock::time_point::min();
  Clock::time_point last_draw = Clock::time_point::min();
  bool forwarded = false;
  bool redraw = true;
  std::size_t finished_now = 0;
  std::size_t eta_finished = 0;    // finished_now when eta_end was estimated
  Clock::time_point eta_end = started;

  auto done_count = [&] { return outcome.skipped + outcome.completed; };
  auto draw = [&](bool force) {
    if (!out || !options.terminal)
      return;
    const Clock::time_point now = Clock::now();
    if (!force && now - last_draw < std::chrono::milliseconds(500))
      return;
    last_draw = now;
    std::string eta = "?";
    const std::size_t left = queue.size() - next + running.size();
    if (finished_now > 0) {
      // Estimated when a run finishes (mean time per finished run x runs left), then counted down between
      // finishes: the ETA ticks instead of growing while runs are in flight.
      if (finished_now != eta_finished) {
        eta_finished = finished_now;
        const double elapsed = std::chrono::duration<double>(now - started).count();
        eta_end = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                            elapsed / static_cast<double>(finished_now) * static_cast<double>(left)));
      }
      eta = duration_text(std::max(0.0, std::chrono::duration<double>(eta_end - now).count()));
    } else if (left == 0) {
      eta = "0:00";
    }
    *out << "\r\033[K[" << done_count() + outcome.failed + outcome.interrupted << "/" << total << "] " << done_count()
         << " done, " << running.size() << " running, " << outcome.failed << " failed, ETA " << eta << std::flush;
  };
  auto save = [&](bool force) {
    const Clock::time_point now = Clock::now();
    if (!force && now - last_manifest < std::chrono::seconds(1))
      return;
    last_manifest = now;
    write_manifest(outcome.manifest, param_columns, rows);
  };
  auto report = [&](const ManifestRow& row) {
    if (!out || options.terminal) {
      if (out && row.status == RunStatus::Failed) // on a terminal, failures still get a line of their own
        *out << "\r\033[KFAILED " << row.run << " (exit " << row.exit_code.value_or(-1) << "): " << row.error << "\n";
      return;
    }
    *out << "[" << done_count() + outcome.failed + outcome.interrupted << "/" << total << "] "
         << status_name(row.status) << " " << row.run;
    if (row.wall_s)
      *out << " (" << duration_text(*row.wall_s) << ")";
    if (row.status == RunStatus::Failed)
      *out << " exit " << row.exit_code.value_or(-1) << ": " << row.error;
    *out << "\n" << std::flush;
  };

  save(true);
  while (true) {
    if (g_stop_signal != 0 && !forwarded) {
      forwarded = true;
      for (const auto& [pid, _] : running)
        ::kill(pid, SIGTERM);
    }
    while (g_stop_signal == 0 && running.size() < options.jobs && next < queue.size()) {
      ManifestRow& row = rows[queue[next]];
      const RunPoint& run = runs[queue[next]];
      ++next;
      std::error_code ec;
      fs::remove(row.output + ".partial", ec); // left by a killed run: never complete, overwritten anyway
      const pid_t pid =
          spawn(run_command(options.executable, spec, run, row.output), run_log_path(options.out_dir, run));
      if (pid < 0) {
        row.status = RunStatus::Failed;
        row.error = std::string("cannot start the run: ") + std::strerror(errno);
        ++outcome.failed;
        report(row);
        continue;
      }
      row.status = RunStatus::Running;
      running.emplace(pid, InFlight{queue[next - 1], Clock::now()});
    }
    if (running.empty())
      break;
    draw(redraw); // after the launches, so that the line counts the runs just started
    redraw = false;

    bool reaped = false;
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      const pid_t r = ::waitpid(it->first, &status, WNOHANG);
      if (r == 0 || (r < 0 && errno == EINTR)) {
        ++it;
        continue;
      }
      reaped = true;
      ManifestRow& row = rows[it->second.row];
      const RunPoint& run = runs[it->second.row];
      row.wall_s = std::chrono::duration<double>(Clock::now() - it->second.start).count();
      const std::string log = read_text(run_log_path(options.out_dir, run));
      int code = -1;
      int signal = 0;
      if (r > 0 && WIFEXITED(status))
        code = WEXITSTATUS(status);
      else if (r > 0 && WIFSIGNALED(status)) {
        signal = WTERMSIG(status);
        code = 128 + signal;
      }
      row.exit_code = code;
      // The output file proves completion whatever the exit: it gets its final name only when the run has
      // ended well, and a SIGTERM between that rename and the exit must not turn a complete run into an
      // interrupted one (the run defers such a signal until it has printed its summary, core/cleanup.hpp).
      if (output_complete(row.output)) {
        row.status = RunStatus::Complete;
        row.figures = parse_run_figures(log);
        row.error.clear();
        ++outcome.completed;
      } else if (g_stop_signal != 0) {
        row.status = RunStatus::Interrupted;
        row.error = "interrupted by signal " + std::to_string(g_stop_signal) + " to the sweep";
        ++outcome.interrupted;
      } else {
        row.status = RunStatus::Failed;
        if (signal != 0)
          row.error = std::string("killed by signal ") + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
        else if (code == 0)
          row.error = "exited with status 0 but did not write " + row.output;
        else
          row.error = run_error_text(log);
        ++outcome.failed;
      }
      ++finished_now;
      report(row);
      it = running.erase(it);
    }
    redraw = redraw || reaped;
    save(false);
    if (!reaped) {
      const timespec pause{0, 50'000'000}; // 50 ms; a signal cuts it short
      ::nanosleep(&pause, nullptr);
    }
  }
  for (std::size_t k = next; k < queue.size(); ++k) { // never started because the sweep was stopped
    rows[queue[k]].status = RunStatus::Interrupted;
    rows[queue[k]].error = "not started: the sweep was stopped";
    ++outcome.interrupted;
  }
  outcome.signal = g_stop_signal;
  save(true);
  draw(true);
  if (out) {
    if (options.terminal)
      *out << "\n";
    *out << "sweep " << spec.name << ": " << done_count() << " of " << total << " runs complete (" << outcome.completed
         << " now, " << outcome.skipped << " before), " << outcome.failed << " failed";
    if (outcome.interrupted)
      *out << ", " << outcome.interrupted << " interrupted";
    *out << "; manifest " << outcome.manifest << "\n" << std::flush;
  }
  return outcome;
}

} // namespace v2x::sweep
