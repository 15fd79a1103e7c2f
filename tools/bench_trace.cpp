// Trace reading benchmark: reads a mobility trace with v2x::open_trace and prints timesteps, rows, rows/s
// and peak RSS. Usage: bench_trace TRACE [auto|fcd|csv|ns2]
#include "core/error.hpp"
#include "mobility/trace.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

int main(int argc, char** argv)
{
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s TRACE [auto|fcd|csv|ns2]\n", argv[0]);
    return 2;
  }
  v2x::TraceFormat format = v2x::TraceFormat::Auto;
  if (argc == 3) {
    std::string f = argv[2];
    if (f == "fcd")
      format = v2x::TraceFormat::SumoFcd;
    else if (f == "csv")
      format = v2x::TraceFormat::Csv;
    else if (f == "ns2")
      format = v2x::TraceFormat::Ns2;
    else if (f != "auto") {
      std::fprintf(stderr, "unknown format '%s' (auto, fcd, csv, ns2)\n", argv[2]);
      return 2;
    }
  }
  try {
    auto start = std::chrono::steady_clock::now();
    auto reader = v2x::open_trace(argv[1], format);
    v2x::TraceStep step;
    std::uint64_t steps = 0, rows = 0;
    double checksum = 0;  // keeps the reads observable
    while (reader->next(step)) {
      ++steps;
      rows += step.vehicles.size();
      for (const auto& v : step.vehicles)
        checksum += v.x_m;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    // CPU time too: on a shared machine wall-clock rows/s depends on the load, rows per CPU second much less.
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
    std::printf("format %s\ntimesteps %llu\nrows %llu\nwall seconds %.3f\nrows/s %.0f\nCPU seconds %.3f\n"
                "rows per CPU second %.0f\npeak RSS %.1f MiB\nsum(x) %.6g\n",
                reader->format_name(), static_cast<unsigned long long>(steps), static_cast<unsigned long long>(rows),
                secs, secs > 0 ? rows / secs : 0.0, cpu, cpu > 0 ? rows / cpu : 0.0, ru.ru_maxrss / 1024.0, checksum);
  } catch (const v2x::InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
