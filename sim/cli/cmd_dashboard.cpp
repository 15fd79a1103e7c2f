// `v2xsim dashboard RUN.h5 [-o DIR]` and `v2xsim export --influx RUN.h5 [-o FILE]`: thin fronts of the Python
// scripts analysis/dashboard.py and analysis/export_influx.py, run with Debian's /usr/bin/python3 (the one
// with h5py, pandas and plotly).
//
// The script is looked for, in order: in $V2X_ANALYSIS_DIR when set (and only there), in the source tree the
// executable was built from (V2X_SOURCE_DIR, a compile definition), in <exe dir>/../share/v2xsim/analysis and
// in <exe dir>/analysis. Not found: an input error (exit 2) naming every place looked in.
#include "cli/commands.hpp"
#include "core/error.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sys/wait.h>

#ifndef V2X_SOURCE_DIR
#define V2X_SOURCE_DIR ""
#endif

namespace v2x::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";

fs::path executable_dir()
{
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : self.parent_path();
}

fs::path find_script(const std::string& name)
{
  std::vector<fs::path> places;
  if (const char* dir = std::getenv("V2X_ANALYSIS_DIR"); dir != nullptr && *dir != '\0') {
    places.emplace_back(dir);
  } else {
    if (*V2X_SOURCE_DIR != '\0')
      places.push_back(fs::path{V2X_SOURCE_DIR} / "analysis");
    const fs::path exe = executable_dir();
    if (!exe.empty()) {
      places.push_back(exe / ".." / "share" / "v2xsim" / "analysis");
      places.push_back(exe / "analysis");
    }
  }
  std::string looked;
  for (const fs::path& dir : places) {
    const fs::path script = dir / name;
    std::error_code ec;
    if (fs::is_regular_file(script, ec))
      return script.lexically_normal();
    looked += (looked.empty() ? "" : ", ") + script.lexically_normal().string();
  }
  throw InputError({}, "", "", "analysis script " + name + " not found (looked in: " + (looked.empty() ? "nowhere" : looked) +
                   "); set V2X_ANALYSIS_DIR to the folder holding it");
}

/// Runs python3 SCRIPT ARGS... in a child and returns its exit status (128 + signal when a signal ended it).
int run_python(const fs::path& script, const std::vector<std::string>& args)
{
  if (access(kPython, X_OK) != 0)
    throw InputError({}, "", "", std::string{kPython} + " not found: install Debian's python3 with python3-h5py, "
                     "python3-pandas and python3-plotly (make deps)");
  std::vector<std::string> argv_storage{kPython, script.string()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error(std::string{"fork: "} + std::strerror(errno));
  if (pid == 0) {
    execv(kPython, argv.data());
    std::cerr << "v2xsim: error: cannot run " << kPython << ": " << std::strerror(errno) << "\n";
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw std::runtime_error(std::string{"waitpid: "} + std::strerror(errno));
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

void require_file(const std::string& run)
{
  std::error_code ec;
  if (!fs::is_regular_file(run, ec))
    throw InputError(SourceLocation{run, 0, 0}, "", "", std::string{"no such run file"} +
                     (fs::exists(run + ".partial", ec) ? std::string{" ("} + run + ".partial exists: the run did not finish)"
                                                       : std::string{}));
}

} // namespace

int dashboard(const DashboardArgs& args)
{
  require_file(args.run);
  const fs::path script = find_script("dashboard.py");
  std::vector<std::string> py{args.run};
  if (!args.out.empty()) {
    py.push_back("-o");
    py.push_back(args.out);
  }
  return run_python(script, py);
}

int export_influx(const ExportArgs& args)
{
  require_file(args.run);
  const fs::path script = find_script("export_influx.py");
  std::vector<std::string> py{args.run};
  if (!args.out.empty()) {
    py.push_back("-o");
    py.push_back(args.out);
  }
  if (args.every > 0) {
    py.push_back("--every");
    py.push_back(std::to_string(args.every));
  }
  if (!args.epoch.empty()) {
    py.push_back("--epoch");
    py.push_back(args.epoch);
  }
  return run_python(script, py);
}

} // namespace v2x::cli
