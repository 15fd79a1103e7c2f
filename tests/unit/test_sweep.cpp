// Sweep runner: sweep files, expansion, ids, shards, manifest, log parsing, and the process pool driven with a
// fake simulator (a shell script that behaves like `v2xsim run`), so no engine runs here.
#include "metrics/summary.hpp"
#include "sweep/manifest.hpp"
#include "sweep/runner.hpp"
#include "sweep/sweep_spec.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace v2x;
using namespace v2x::sweep;

namespace {

class TempDir {
public:
  TempDir()
  {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("v2x-sweep-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir()
  {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string file(const std::string& name, const std::string& text) const
  {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return (path_ / name).string();
  }

private:
  fs::path path_;
};

std::string slurp(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string param(const RunPoint& r, const std::string& column)
{
  for (const auto& [c, v] : r.params)
    if (c == column)
      return v;
  return "<none>";
}

/// A sweep text over `base` (a file name in the same folder).
std::string sweep_text(const std::string& body)
{
  return "base: \"base.textproto\"\n" + body;
}

} // namespace

TEST_CASE("sweep file: cross product in the documented order with the last axis fastest", "[sweep]")
{
  TempDir dir;
  dir.file("base.textproto", "name: \"b\"\n");
  const std::string file = dir.file("s.textproto", sweep_text(R"(
    name: "cmp"
    policy: "never"
    policy: "nearest"
    mechanism: "stateless-restart"
    axis { field: "telemetry.rate_hz" value: "1" value: "5" value: "10" }
    seeds { first: 7 count: 2 }
    set: "duration_s=30"
  )"));
  const SweepSpec spec = load_sweep(file);
  CHECK(spec.name == "cmp");
  CHECK(spec.base == (dir.path() / "base.textproto").string());
  REQUIRE(spec.axes.size() == 4);
  CHECK(spec.axes[0].column == "policy");
  CHECK(spec.axes[2].column == "telemetry.rate_hz");
  CHECK(spec.axes[3].column == "seed");

  const auto runs = expand(spec);
  REQUIRE(runs.size() == 2 * 1 * 3 * 2); // 12
  // index = ((policy * 1 + mechanism) * 3 + rate) * 2 + seed
  CHECK(param(runs[0], "policy") == "never");
  CHECK(param(runs[0], "telemetry.rate_hz") == "1");
  CHECK(param(runs[0], "seed") == "7");
  CHECK(param(runs[1], "seed") == "8");
  CHECK(param(runs[1], "telemetry.rate_hz") == "1");
  CHECK(param(runs[2], "telemetry.rate_hz") == "5");
  CHECK(param(runs[6], "policy") == "nearest");
  CHECK(param(runs[6], "telemetry.rate_hz") == "1");
  CHECK(param(runs[11], "telemetry.rate_hz") == "10");
  CHECK(runs[11].index == 11);
  CHECK(runs[11].seed == 8u);
  CHECK(runs[5].sets == std::vector<std::string>{"duration_s=30", "migration.policy=never",
                                                 "migration.mechanism=stateless-restart", "telemetry.rate_hz=10"});
  const auto argv = run_command("/bin/v2xsim", spec, runs[5], "o.h5");
  CHECK(argv == std::vector<std::string>{"/bin/v2xsim", "run", spec.base, "--set", "duration_s=30", "--set",
                                         "migration.policy=never", "--set", "migration.mechanism=stateless-restart",
                                         "--set", "telemetry.rate_hz=10", "--seed", "8", "-o", "o.h5"});
}

TEST_CASE("sweep file: no axes gives one run of the base scenario", "[sweep]")
{
  TempDir dir;
  dir.file("base.textproto", "");
  const auto runs = expand(load_sweep(dir.file("s.textproto", sweep_text(""))));
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].params.empty());
  CHECK(runs[0].sets.empty());
  CHECK(!runs[0].seed);
}

TEST_CASE("sweep ranges: arithmetic and geometric values by hand", "[sweep]")
{
  const SourceLocation at{"f", 1, 1};
  // 0.1 + k * 0.1 accumulates to 0.30000000000000004 at k = 2: written with 12 digits it is 0.3
  CHECK(range_values(0.1, 0.5, 0.1, std::nullopt, at, "r") ==
        std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5"});
  // 0, 0.3, 0.6, 0.9 (1.2 > 1)
  CHECK(range_values(0, 1, 0.3, std::nullopt, at, "r") == std::vector<std::string>{"0", "0.3", "0.6", "0.9"});
  // log(1000) / log(10) = 2.9999999999999996 in doubles: still 4 values
  CHECK(range_values(1, 1000, std::nullopt, 10.0, at, "r") == std::vector<std::string>{"1", "10", "100", "1000"});
  CHECK(range_values(2, 2, 1.0, std::nullopt, at, "r") == std::vector<std::string>{"2"});
  CHECK_THROWS_AS(range_values(0, 1, 0.0, std::nullopt, at, "r"), InputError);
  CHECK_THROWS_AS(range_values(0, 1, 0.5, 2.0, at, "r"), InputError);
  CHECK_THROWS_AS(range_values(1, 0, 0.5, std::nullopt, at, "r"), InputError);
  CHECK_THROWS_AS(range_values(0, 10, std::nullopt, 2.0, at, "r"), InputError);  // geometric from 0
  CHECK_THROWS_AS(range_values(0, 1e6, 1.0, std::nullopt, at, "r"), InputError); // 1,000,001 values
}

TEST_CASE("sweep file: a range axis expands through the file", "[sweep]")
{
  TempDir dir;
  dir.file("base.textproto", "");
  const SweepSpec spec = load_sweep(
      dir.file("s.textproto", sweep_text("axis { field: \"twin.state_b\" range { from: 1e6 to: 4e6 factor: 2 } }\n")));
  REQUIRE(spec.axes.size() == 1);
  CHECK(spec.axes[0].values == std::vector<std::string>{"1000000", "2000000", "4000000"});
}

TEST_CASE("sweep file: input errors name the file and line", "[sweep]")
{
  TempDir dir;
  dir.file("base.textproto", "");
  auto error_of = [&](const std::string& body) -> std::string {
    try {
      load_sweep(dir.file("s.textproto", body));
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string f = (dir.path() / "s.textproto").string();
  CHECK_THAT(error_of("policy: \"never\"\n"), Catch::Contains("needs a base scenario"));
  CHECK_THAT(error_of(sweep_text("seed: 1\nseeds { count: 2 }\n")), Catch::Contains("not both"));
  CHECK_THAT(error_of(sweep_text("\npolicy: \"a\"\npolicy: \"a\"\n")),
             Catch::Contains(f + ":3:1") && Catch::Contains("value listed twice"));
  CHECK_THAT(error_of(sweep_text("axis { field: \"migration.policy\" value: \"x\" }\n")),
             Catch::Contains("sweep's own"));
  CHECK_THAT(error_of(sweep_text("axis { field: \"a.b\" value: \"1\" }\naxis { field: \"a.b\" value: \"2\" }\n")),
             Catch::Contains(f + ":3:1") && Catch::Contains("swept twice"));
  CHECK_THAT(error_of(sweep_text("axis { field: \"a.b\" }\n")), Catch::Contains("needs value entries or a range"));
  CHECK_THAT(error_of(sweep_text("\n\npolicyy: \"x\"\n")), Catch::Contains(f + ":4:") && Catch::Contains("policyy"));
  CHECK_THAT(error_of(sweep_text("trace: \"missing.xml\"\n")), Catch::Contains("no such trace file"));
  CHECK_THAT(error_of("base: \"nowhere.textproto\"\n"), Catch::Contains("cannot open the base scenario"));
  CHECK_THAT(error_of(sweep_text("set: \"novalue\"\n")), Catch::Contains("expected field.path=value"));
}

TEST_CASE("sweep ids: stable and distinct, file-name safe, and change with the inputs", "[sweep]")
{
  TempDir dir;
  dir.file("base.textproto", "name: \"one\"\n");
  dir.file("trace_a.fcd.xml", "");
  const std::string body = sweep_text(R"(policy: "never" policy: "nearest" trace: "trace_a.fcd.xml"
                                         axis { field: "infrastructure.mec[0].cores" value: "8" value: "16" }
                                         seeds { first: 1 count: 3 })");
  const auto a = expand(load_sweep(dir.file("s.textproto", body)));
  const auto b = expand(load_sweep(dir.file("s.textproto", body)));
  REQUIRE(a.size() == 12);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].id == b[i].id);
    ids.insert(a[i].id);
    CHECK(a[i].id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") ==
          std::string::npos);
  }
  CHECK(ids.size() == a.size());
  // "never", cores "8", the trace's stem "trace_a" with its '_' (the separator) made '-', seed 1
  CHECK(a[0].id.rfind("never_8_trace-a_seed1_", 0) == 0);
  // the trace goes to --set resolved against the sweep file's folder
  CHECK(std::find(a[0].sets.begin(), a[0].sets.end(), "mobility.trace=" + (dir.path() / "trace_a.fcd.xml").string()) !=
        a[0].sets.end());

  dir.file("base.textproto", "name: \"two\"\n"); // another base scenario: other ids, so no stale reuse
  const auto c = expand(load_sweep(dir.file("s.textproto", body)));
  CHECK(c[0].id != a[0].id);
  CHECK(c[0].id.substr(0, c[0].id.size() - 8) == a[0].id.substr(0, a[0].id.size() - 8));
}

TEST_CASE("sweep shards: a deterministic partition of the runs", "[sweep]")
{
  TempDir dir;
  dir.file("base.textproto", "");
  const auto runs = expand(load_sweep(dir.file("s.textproto", sweep_text("seeds { first: 1 count: 10 }"))));
  REQUIRE(runs.size() == 10);
  std::multiset<std::size_t> seen;
  for (std::size_t i = 0; i < 3; ++i)
    for (const RunPoint& r : select_shard(runs, parse_shard(std::to_string(i) + "/3")))
      seen.insert(r.index);
  CHECK(seen == std::multiset<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}); // each run exactly once
  const auto shard0 = select_shard(runs, Shard{0, 3});
  REQUIRE(shard0.size() == 4);
  CHECK((shard0[0].index == 0 && shard0[1].index == 3 && shard0[2].index == 6 && shard0[3].index == 9));
  CHECK(select_shard(runs, parse_shard("0/1")).size() == 10);
  CHECK(parse_shard("3/4").index == 3);
  for (const char* bad : {"4/4", "1", "a/2", "1/0", "-1/2", "1/2x", ""})
    CHECK_THROWS_AS(parse_shard(bad), InputError);
  CHECK(manifest_path("d", Shard{}) == "d/manifest.csv");
  CHECK(manifest_path("d", Shard{2, 5}) == "d/manifest-shard-2-of-5.csv");
}

TEST_CASE("sweep manifest: CSV quoting round trip", "[sweep]")
{
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(split_csv_line("1,\"a,b\",\"say \"\"hi\"\"\",,x") ==
        std::vector<std::string>{"1", "a,b", "say \"hi\"", "", "x"});

  TempDir dir;
  const std::string path = (dir.path() / "manifest.csv").string();
  ManifestRow row;
  row.index = 4;
  row.run = "r4";
  row.params = {{"policy", "nearest"}, {"seed", "3"}};
  row.output = "o/runs/r4.h5";
  row.status = RunStatus::Failed;
  row.exit_code = 2;
  row.error = "v2xsim: error: x.textproto:3:1: field 'a' = '1,2': bad";
  row.wall_s = 1.25;
  write_manifest(path, {"policy", "seed"}, {row});
  CHECK(!fs::exists(path + ".tmp"));
  const auto read = read_manifest(path);
  REQUIRE(read.count("r4") == 1);
  const auto& r = read.at("r4");
  CHECK(r.at("index") == "4");
  CHECK(r.at("policy") == "nearest");
  CHECK(r.at("status") == "failed");
  CHECK(r.at("exit_code") == "2");
  CHECK(r.at("error") == row.error);
  CHECK(r.at("wall_s") == "1.250");
  CHECK(r.at("latency_p50_ms").empty());
  CHECK(slurp(path).rfind("index,run,policy,seed,output,status,exit_code,error,wall_s,vehicles,", 0) == 0);
}

TEST_CASE("sweep log: the key figures read back from format_summary's text", "[sweep]")
{
  Summary s;
  s.vehicles = 146;
  s.rsus = 9;
  s.vehicle_seconds = 7200; // 2.0 vehicle-hours
  s.messages_created = 1000;
  s.messages_delivered = 990;
  s.messages_lost = 7;
  s.messages_dropped = 2;
  s.messages_not_sent = 1;
  s.latency_p50_s = 0.0123456; // printed in ms with 3 decimals: 12.346
  s.latency_p95_s = 0.05;
  s.latency_p99_s = 0.25;
  s.latency_mean_s = 0.02;
  s.latency_max_s = 1.5;
  s.migrations = 31;
  s.downtime_total_s = 97.25;
  s.simulated_s = 300;
  s.wall_s = 2.5;
  const std::string text = "some note\n" + format_summary(s, "out.h5");
  const auto f = parse_run_figures(text);
  REQUIRE(f);
  CHECK(f->vehicles == 146);
  CHECK(f->vehicle_hours == Approx(2.0));
  CHECK(f->messages_created == 1000);
  CHECK(f->messages_delivered == 990);
  CHECK(f->messages_lost == 7);
  REQUIRE(f->latency_p50_ms);
  CHECK(*f->latency_p50_ms == Approx(12.346));
  CHECK(*f->latency_p95_ms == Approx(50.0));
  CHECK(*f->latency_p99_ms == Approx(250.0));
  CHECK(f->migrations == 31);
  CHECK(f->downtime_total_s == Approx(97.25));
  CHECK(f->simulated_s == Approx(300));

  s.messages_delivered = 0; // "no message delivered": no latencies, still a summary
  const auto g = parse_run_figures(format_summary(s, "out.h5"));
  REQUIRE(g);
  CHECK(!g->latency_p50_ms);
  CHECK(!parse_run_figures("vehicles 3 (1 RSUs, 0.1 vehicle-hours)\n")); // cut short: not a summary
}

TEST_CASE("sweep log: the error line of a failed run", "[sweep]")
{
  CHECK(run_error_text("loading\nv2xsim: error: s.textproto:4:3: field 'x': bad\n\n") ==
        "v2xsim: error: s.textproto:4:3: field 'x': bad");
  CHECK(run_error_text("terminate called after throwing\nAborted\n") == "Aborted");
  CHECK(run_error_text(std::string(1000, 'x')).size() == 400);
}

TEST_CASE("sweep outputs: complete only with the final name and the HDF5 signature", "[sweep]")
{
  TempDir dir;
  const std::string good = dir.file("a.h5", std::string("\x89HDF\r\n\x1a\n", 8) + "rest");
  const std::string partial = dir.file("b.h5.partial", std::string("\x89HDF\r\n\x1a\n", 8));
  const std::string junk = dir.file("c.h5", "not hdf5 at all");
  const std::string empty = dir.file("d.h5", "");
  CHECK(output_complete(good));
  CHECK(!output_complete((dir.path() / "b.h5").string())); // only its .partial exists
  CHECK(!output_complete(junk));
  CHECK(!output_complete(empty));
  CHECK(!output_complete(dir.path().string())); // a folder
  CHECK(available_cores() >= 1);
  (void)partial;
}

namespace {

/// A stand-in for `v2xsim run BASE [--set ...] [--seed N] -o OUT`: seed 2 fails with an input error, seed 9 is
/// killed by SIGKILL after writing OUT.partial, seed 7 by SIGTERM right after its rename, any other seed writes OUT.partial, renames it to OUT and prints a
/// summary in format_summary's layout whose vehicle count is the seed. Each call appends a line to calls.txt,
/// and counts runs in flight through files in busy/ (the largest count seen goes to max.txt).
const char* const kFakeSimulator = R"sh(#!/bin/sh
dir=$(dirname "$0")
seed=0; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed=$2; shift ;;
    -o) out=$2; shift ;;
  esac
  shift
done
echo "$seed" >> "$dir/calls.txt"
touch "$dir/busy/$$"
n=$(ls "$dir/busy" | wc -l)
max=$(cat "$dir/max.txt" 2>/dev/null || echo 0)
[ "$n" -gt "$max" ] && echo "$n" > "$dir/max.txt"
sleep 0.3
rm -f "$dir/busy/$$"
if [ "$seed" = 2 ]; then echo "v2xsim: error: x.textproto: field 'seed' = '2': refused" >&2; exit 2; fi
printf '\211HDF\r\n\032\n' > "$out.partial"
if [ "$seed" = 9 ]; then kill -9 $$; fi
mv "$out.partial" "$out"
if [ "$seed" = 7 ]; then kill -TERM $$; fi
echo "vehicles       $seed (1 RSUs, 0.5 vehicle-hours)"
echo "messages       10 created: 9 delivered (90.00 %), 1 lost, 0 dropped, 0 not sent"
echo "latency        p50 1.500 ms, p95 2.000 ms, p99 3.000 ms (mean 1.600 ms, max 4.000 ms)"
echo "handovers      0"
echo "migrations     2 completed, 0 rejected, 0 unfinished"
echo "twin downtime  total 1.500 s, mean 750.000 ms per migration (max 800.000 ms)"
echo "time           60.0 s simulated in 0.30 s wall (200.0x real time)"
)sh";

} // namespace

TEST_CASE("sweep runner: parallel runs, a failing run does not stop the others, resumption", "[sweep]")
{
  TempDir dir;
  dir.file("base.textproto", "");
  const std::string fake = dir.file("fake-v2xsim", kFakeSimulator);
  fs::permissions(fake, fs::perms::owner_all);
  fs::create_directories(dir.path() / "busy");
  const SweepSpec spec =
      load_sweep(dir.file("s.textproto", sweep_text("policy: \"a\" policy: \"b\" seed: 1 seed: 2 seed: 3")));
  const auto runs = expand(spec);
  REQUIRE(runs.size() == 6);

  RunnerOptions options;
  options.executable = fake;
  options.out_dir = (dir.path() / "out").string();
  options.jobs = 2;
  std::ostringstream progress;
  options.progress = &progress;
  const SweepOutcome first = run_sweep(spec, runs, options);
  CHECK(first.runs == 6);
  CHECK(first.completed == 4); // seeds 1 and 3 of both policies
  CHECK(first.failed == 2);    // seed 2 of both
  CHECK(first.skipped == 0);
  CHECK(first.signal == 0);
  CHECK(std::stoi(slurp(dir.path() / "max.txt")) == 2); // two at once, never more

  auto manifest = read_manifest(first.manifest);
  REQUIRE(manifest.size() == 6);
  for (const RunPoint& r : runs) {
    const auto& row = manifest.at(r.id);
    CHECK(row.at("policy") == param(r, "policy"));
    CHECK(row.at("seed") == param(r, "seed"));
    if (param(r, "seed") == "2") {
      CHECK(row.at("status") == "failed");
      CHECK(row.at("exit_code") == "2");
      CHECK(row.at("error") == "v2xsim: error: x.textproto: field 'seed' = '2': refused");
      CHECK(!fs::exists(run_output_path(options.out_dir, r)));
    } else {
      CHECK(row.at("status") == "complete");
      CHECK(row.at("exit_code") == "0");
      CHECK(row.at("vehicles") == param(r, "seed")); // the figures come from this run's own log
      CHECK(row.at("latency_p99_ms") == "3");
      CHECK(row.at("migrations") == "2");
      CHECK(std::stod(row.at("wall_s")) >= 0.3);
      CHECK(output_complete(run_output_path(options.out_dir, r)));
    }
  }
  const std::string lines = progress.str();
  CHECK(lines.find("6 runs, 0 already complete, 6 to run, 2 at once") != std::string::npos);
  CHECK(lines.find("failed " + runs[1].id) != std::string::npos);

  // Again: the 4 complete runs are skipped (their figures and wall time kept), the 2 failed ones run again.
  const SweepOutcome second = run_sweep(spec, runs, options);
  CHECK(second.skipped == 4);
  CHECK(second.completed == 0);
  CHECK(second.failed == 2);
  std::istringstream calls(slurp(dir.path() / "calls.txt"));
  std::vector<std::string> seeds{std::istream_iterator<std::string>(calls), {}};
  CHECK(seeds.size() == 8);
  CHECK(std::count(seeds.begin(), seeds.end(), "2") == 4);
  manifest = read_manifest(second.manifest);
  CHECK(manifest.at(runs[0].id).at("status") == "complete");
  CHECK(manifest.at(runs[0].id).at("vehicles") == "1");
  CHECK(std::stod(manifest.at(runs[0].id).at("wall_s")) >= 0.3);
}

TEST_CASE("sweep runner: a run killed mid-write leaves no output that looks complete", "[sweep]")
{
  TempDir dir;
  dir.file("base.textproto", "");
  const std::string fake = dir.file("fake-v2xsim", kFakeSimulator);
  fs::permissions(fake, fs::perms::owner_all);
  fs::create_directories(dir.path() / "busy");
  const SweepSpec spec = load_sweep(dir.file("s.textproto", sweep_text("seed: 9 seed: 1")));
  const auto runs = expand(spec);
  RunnerOptions options;
  options.executable = fake;
  options.out_dir = (dir.path() / "out").string();
  options.jobs = 1;
  const SweepOutcome outcome = run_sweep(spec, runs, options);
  CHECK(outcome.failed == 1);
  CHECK(outcome.completed == 1);
  const std::string out9 = run_output_path(options.out_dir, runs[0]);
  CHECK(fs::exists(out9 + ".partial"));
  CHECK(!output_complete(out9));
  const auto manifest = read_manifest(outcome.manifest);
  CHECK(manifest.at(runs[0].id).at("status") == "failed");
  CHECK(manifest.at(runs[0].id).at("exit_code") == "137"); // 128 + SIGKILL
  CHECK(manifest.at(runs[0].id).at("error") == "killed by signal 9 (Killed)");

  // A run that cannot start (no such executable) fails with exit 127 and the reason, the sweep goes on.
  options.executable = (dir.path() / "no-such-binary").string();
  const SweepOutcome again = run_sweep(spec, runs, options);
  CHECK(again.skipped == 1);
  CHECK(again.failed == 1);
  const auto m2 = read_manifest(again.manifest);
  CHECK(m2.at(runs[0].id).at("exit_code") == "127");
  CHECK_THAT(m2.at(runs[0].id).at("error"), Catch::Contains("cannot execute the simulator"));
  CHECK(!fs::exists(out9 + ".partial")); // removed before the new attempt
}

TEST_CASE("sweep runner: the output file proves completion, whatever the exit (the SIGTERM/rename race)", "[sweep]")
{
  // Seed 7 is killed by SIGTERM between the rename of its output and its exit: the run is complete, and is
  // recorded so (it was recorded as interrupted or failed, and its figures were lost on resumption).
  TempDir dir;
  dir.file("base.textproto", "");
  const std::string fake = dir.file("fake-v2xsim", kFakeSimulator);
  fs::permissions(fake, fs::perms::owner_all);
  fs::create_directories(dir.path() / "busy");
  const SweepSpec spec = load_sweep(dir.file("s.textproto", sweep_text("seed: 7 seed: 1")));
  const auto runs = expand(spec);
  RunnerOptions options;
  options.executable = fake;
  options.out_dir = (dir.path() / "out").string();
  options.jobs = 1;
  // Debris of a killed sweep: a stale .partial of a run and an empty manifest.tmp, removed at the start.
  fs::create_directories(fs::path(options.out_dir) / "runs");
  std::ofstream(run_output_path(options.out_dir, runs[1]) + ".partial") << "stale";
  std::ofstream(manifest_path(options.out_dir, options.shard) + ".tmp");
  const SweepOutcome outcome = run_sweep(spec, runs, options);
  CHECK(outcome.completed == 2);
  CHECK(outcome.failed == 0);
  const auto manifest = read_manifest(outcome.manifest);
  CHECK(manifest.at(runs[0].id).at("status") == "complete");
  CHECK(manifest.at(runs[0].id).at("exit_code") == "143");
  CHECK(!fs::exists(run_output_path(options.out_dir, runs[1]) + ".partial"));
  CHECK(!fs::exists(manifest_path(options.out_dir, options.shard) + ".tmp"));

  // A corrupt manifest (a bad number, a torn row) does not stop resumption: the outputs on disk decide.
  {
    std::ofstream m(outcome.manifest, std::ios::app);
    m << "9,torn\n";
  }
  std::string text = slurp(outcome.manifest);
  const std::string wall = "," + manifest.at(runs[0].id).at("wall_s") + ",";
  const auto at = text.find(wall);
  REQUIRE(at != std::string::npos);
  text.replace(at, wall.size(), ",not-a-number,"); // was `internal error: stod`
  std::ofstream(outcome.manifest) << text;
  std::ostringstream progress;
  options.progress = &progress;
  const SweepOutcome again = run_sweep(spec, runs, options);
  CHECK(again.skipped == 2);
  CHECK(again.failed == 0);
  CHECK(progress.str().find("wall_s 'not-a-number' is not a number") != std::string::npos);
  CHECK(progress.str().find("fields where the header has") != std::string::npos);
  CHECK(progress.str().find("torn") == std::string::npos); // named by its line, not echoed
}
