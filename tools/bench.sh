#!/usr/bin/env bash
# Throughput benchmark of v2xsim (`make bench` runs `tools/bench.sh BUILD_DIR`).
#
#   tools/bench.sh BUILD_DIR [--sizes "100 1000 5000 city"] [--traces-only] [--write-scenarios]
#
# --rows ALL|SAMPLED|NONE sets output.messages_mode for every size but city (SAMPLED: one message row in 100; the
# summary still counts every message): what the HDF5 message table's compression costs is the difference.
# The size "30min" is the 1000 size's city and departure rate over 30 minutes (about 1,000 vehicles at once, about
# 7,000 over the run, 18 M messages): the class of issue 11's 30-minute real-city trace, which is not on this
# machine.
# The size "city" is the city scale of issue 11: 30,000 vehicles at once on 24 x 24 km, 2,500 RSUs, 625 MECs,
# 60 s at 10 Hz (18 M messages), made by tools/make_city_scenario.py (scenario + synthetic grid trace, cached
# under BUILD_DIR/bench/city/; SUMO is far too slow to make a trace that big), run with
# output.messages_mode SAMPLED (one message row in 100; the summary counts every message). It takes minutes.
#
# For each size N (vehicles at once, roughly):
#   1. makes a SUMO trace scaled for N vehicles at once, once, cached as BUILD_DIR/bench/trace_N.fcd.xml.gz
#      (remade when its make_trace.sh command changes; the command is kept in trace_N.cmd, its output in
#      trace_N.stats). The city grid grows with N so that the density stays that of the default scenario
#      (about 16 vehicles per km^2); trips are at most 2 km long (--max-distance) so that a 400 s warm-up
#      fills even the biggest grid; 120 s are recorded.
#   2. runs `v2xsim run scenarios/bench/bench_N.textproto --set mobility.trace=<that trace> -o ...` under
#      `/usr/bin/time -v` (RSUs every ~600 m, one MEC per 2 x 2 RSUs, 120 s at 10 Hz, every message recorded);
#   3. reads the messages from the HDF5 summary (`h5dump -a /summary/messages_delivered`, see
#      sim/metrics/SCHEMA.md), falling back to v2xsim's printed summary, and prints a table: vehicles (max at once in the trace), messages created and
#      delivered, wall seconds, delivered messages per wall second, peak RSS.
# The table is also written to BUILD_DIR/bench/results.txt. --traces-only stops after step 1 (no v2xsim
# needed); --write-scenarios rewrites scenarios/bench/*.textproto from the size table below and stops.
#
# Trace reading (its own section, after the runs; --trace-read-only runs only it, --no-trace-read skips it):
#   4. makes, once, a SUMO trace of at least 1 million rows (1000 vehicles at once for 1200 s at 1 s, on the
#      1000-vehicle city; cached as BUILD_DIR/bench/read_1m.fcd.xml.gz like the traces above), and from it the
#      plain XML, the CSV of SUMO's xml2csv.py and the ns-2 mobility of traceExporter.py (cached too);
#   5. reads each with BUILD_DIR/bench_trace (tools/bench_trace.cpp: v2x::open_trace, every row) and prints rows,
#      wall seconds, rows per wall second, rows per CPU second and peak RSS; also the 120 s bench traces of step 1
#      that exist, to show that peak memory follows the vehicles at once, not the trace's length.
#   Written to BUILD_DIR/bench/trace_read.txt.
# Platform memory (its own section, after the runs; --platform-only runs only it, --no-platform skips it):
#   6. peak RSS of a one-vehicle, one-second run of the city layout (tools/make_city_scenario.py) at 400, 900,
#      1,600 and 2,500 RSUs on 100 MECs, and at 2,500 RSUs on 625 MECs (the city): what the platform and the
#      infrastructure take as the RSUs grow. Written to BUILD_DIR/bench/platform.txt.
# Environment: V2XSIM (default BUILD_DIR/sim/v2xsim), BENCH_TRACE (default BUILD_DIR/bench_trace).
set -euo pipefail
export LC_ALL=C

die() { echo "bench.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: tools/bench.sh BUILD_DIR [--sizes \"100 1000 5000\"] [--traces-only] [--write-scenarios] [--no-trace-read | --trace-read-only] [--no-platform | --platform-only]"
build_dir="$1"
shift
sizes="100 1000 5000 30min city"
rows_mode=""  # --rows ALL|SAMPLED|NONE: output.messages_mode of every size but city (default: the scenario's, ALL)
traces_only=0
write_scenarios=0
trace_read=1
trace_read_only=0
platform=1
platform_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="${2:?}"; shift 2 ;;
    --rows) rows_mode="${2:?}"; shift 2 ;;
    --traces-only) traces_only=1; shift ;;
    --write-scenarios) write_scenarios=1; shift ;;
    --no-trace-read) trace_read=0; shift ;;
    --trace-read-only) trace_read_only=1; shift ;;
    --no-platform) platform=0; shift ;;
    --platform-only) platform_only=1; shift ;;
    *) die "unknown argument '$1'" ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$build_dir"
build_dir="$(cd "$build_dir" && pwd)"
bench_dir="$build_dir/bench"
mkdir -p "$bench_dir"
v2xsim="${V2XSIM:-$build_dir/sim/v2xsim}"

duration=120   # s recorded in the trace and simulated
warmup=400     # s of SUMO traffic before the recording starts (the city fills up)
# size -> city grid (blocks of 250 m) and trips departing during the 120 s. Calibrated with make_trace.sh:
# a vehicle stays about 250 s in the city (trips <= 2 km, traffic lights), so N at once needs N / 250 departures
# per second, i.e. 0.48 N trips over 120 s; the grid side is 8 blocks x sqrt(N / 65) (the default scenario has
# ~65 vehicles at once on 8 x 8 blocks).
size_grid() {
  case "$1" in
    100) echo "10x10" ;;
    1000) echo "32x32" ;;
    5000) echo "70x70" ;;
    *) awk -v n="$1" 'BEGIN{b = int(8 * sqrt(n / 65) + 0.5); if (b < 2) b = 2; printf "%dx%d\n", b, b}' ;;
  esac
}
size_trips() { awk -v n="$1" -v d="$duration" 'BEGIN{t = int(n * d / 250 + 0.5); print (t < 1 ? 1 : t)}'; }

scenario_of() { echo "$repo/scenarios/bench/bench_$1.textproto"; }

if [ "$write_scenarios" = 1 ]; then
  for n in $sizes; do
    [ "$n" = city ] && continue  # generated by make_city_scenario.py, not a checked-in scenario
    "$repo/tools/make_trace_scenario.sh" --grid "$(size_grid "$n")" --trace "../../build/bench/trace_$n.fcd.xml.gz" \
      --name "bench_$n" --duration "$duration" \
      --comment "Benchmark scenario for about $n vehicles at once (tools/bench.sh makes its trace)." \
      --out "$(scenario_of "$n")"
  done
  exit 0
fi

# 4-5. Trace reading (called after the runs, or alone with --trace-read-only).
trace_read_section() {
  local bench_trace="${BENCH_TRACE:-$build_dir/bench_trace}"
  [ -x "$bench_trace" ] || die "$bench_trace not found: build it first (make build, or cmake --build $build_dir --target bench_trace)"
  local base="$bench_dir/read_1m"
  local gz="$base.fcd.xml.gz"
  local cmd=("$repo/tools/make_trace.sh" --vehicles "$(size_trips 1000 | awk '{print $1 * 10}')" --duration 1200
    --grid "$(size_grid 1000)" --seed 1 --warmup "$warmup" --fringe-factor 1 --max-distance 2000 --out "$gz")
  local want="${cmd[*]}"
  if [ -s "$gz" ] && [ -s "$base.stats" ] && [ "$(cat "$base.cmd" 2>/dev/null)" = "$want" ]; then
    echo "trace for reading: cached ($gz)"
  else
    echo "trace for reading: making it ($want)"
    rm -f "$base.fcd.xml" "$base.csv" "$base.ns2.tcl"
    "${cmd[@]}" >"$base.stats.tmp" || die "make_trace.sh failed for the trace-reading benchmark"
    mv -f "$base.stats.tmp" "$base.stats"
    echo "$want" >"$base.cmd"
  fi
  local rows
  rows="$(awk '$1 == "rows" {print $2}' "$base.stats")"
  [ "${rows:-0}" -ge 1000000 ] || die "$gz has ${rows:-0} rows, fewer than 1 million: adjust its make_trace.sh command"
  export SUMO_HOME="${SUMO_HOME:-/usr/share/sumo}"
  # make_trace.sh's header comment holds "--" (its options), which XML forbids in comments: v2xsim's reader
  # lets it pass, SUMO's Python tools (expat) do not, so the plain copy leaves that comment out.
  [ -s "$base.fcd.xml" ] || { gzip -dc "$gz" | sed '/^<!-- made by tools\/make_trace.sh/d' >"$base.fcd.xml.tmp" &&
    mv -f "$base.fcd.xml.tmp" "$base.fcd.xml"; }
  if [ ! -s "$base.csv" ]; then
    echo "trace for reading: xml2csv.py -> $base.csv"
    # -o is a base name: xml2csv.py appends ".csv"
    /usr/bin/python3 "$SUMO_HOME/tools/xml/xml2csv.py" -s , -o "$base.tmp" "$base.fcd.xml" >/dev/null ||
      die "xml2csv.py failed"
    mv -f "$base.tmp.csv" "$base.csv"
  fi
  if [ ! -s "$base.ns2.tcl" ]; then
    echo "trace for reading: traceExporter.py -> $base.ns2.tcl"
    /usr/bin/python3 "$SUMO_HOME/tools/traceExporter.py" --fcd-input "$base.fcd.xml" \
      --ns2mobility-output "$base.ns2.tcl.tmp" >/dev/null || die "traceExporter.py failed"
    mv -f "$base.ns2.tcl.tmp" "$base.ns2.tcl"
  fi

  local out="$bench_dir/trace_read.txt"
  {
    printf "v2xsim trace reading, %s, %s, bench_trace on one core\n" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      "$(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?')"
    printf "%-28s %-14s %9s %8s %12s %12s %8s %8s\n" file format rows wall_s rows/wall_s rows/cpu_s peak_MB MB
  } >"$out.tmp"
  local files=("$base.fcd.xml" "$gz" "$base.csv" "$base.ns2.tcl")
  for n in $sizes; do
    [ -s "$bench_dir/trace_$n.fcd.xml.gz" ] && files+=("$bench_dir/trace_$n.fcd.xml.gz")
  done
  local f log
  for f in "${files[@]}"; do
    log="$bench_dir/trace_read_$(basename "$f").log"
    "$bench_trace" "$f" >"$log" 2>&1 || { echo "bench_trace failed on $f:" >&2; cat "$log" >&2; return 1; }
    val() { awk -v k="$1" 'index($0, k " ") == 1 {print $NF}' "$log" | head -n1; }
    printf "%-28s %-14s %9s %8s %12s %12s %8s %8s\n" "$(basename "$f")" \
      "$(sed -n 's/^format //p' "$log" | tr ' ' '_')" "$(val rows)" "$(val "wall seconds")" "$(val rows/s)" \
      "$(val "rows per CPU second")" "$(sed -n 's/^peak RSS \([0-9.]*\) MiB/\1/p' "$log")" \
      "$(awk -v b="$(wc -c <"$f")" 'BEGIN{printf "%.0f", b / 1048576}')" >>"$out.tmp"
  done
  mv -f "$out.tmp" "$out"
  echo
  cat "$out"
  echo "(rows/wall_s and rows/cpu_s: vehicle rows parsed per second; peak_MB: the reader process's peak RSS; MB: file size)"
  echo "table written to $out"
}

# 6. Platform memory (called after the runs, or alone with --platform-only).
platform_section() {
  [ -x "$v2xsim" ] || die "$v2xsim not found: build it first"
  local dir="$bench_dir/platform" out="$bench_dir/platform.txt"
  mkdir -p "$dir"
  printf "%6s %5s %8s %8s %8s\n" rsus mecs peak_MB wall_s cpu_s >"$out.tmp"
  local spec r m side
  for spec in 400:100 900:100 1600:100 2500:100 2500:625; do
    r="${spec%:*}"; m="${spec#*:}"
    side="$(awk -v r="$r" 'BEGIN{printf "%.1f", 24 * sqrt(r / 2500)}')"
    [ -s "$dir/city_${r}_$m.textproto" ] || /usr/bin/python3 "$repo/tools/make_city_scenario.py" --out-dir "$dir" \
      --name "city_${r}_$m" --vehicles 1 --side-km "$side" --rsus "$r" --mecs "$m" --duration 1 >/dev/null ||
      die "make_city_scenario.py failed"
    /usr/bin/time -f "%M %e %U %S" -o "$dir/time.txt" "$v2xsim" run "$dir/city_${r}_$m.textproto" \
      -o "$dir/out.h5" -q >"$dir/run_${r}_$m.log" 2>&1 || { echo "platform $r/$m: v2xsim failed" >&2; return 1; }
    awk -v r="$r" -v m="$m" '{printf "%6s %5s %8.0f %8.2f %8.2f\n", r, m, $1 / 1024, $2, $3 + $4}' "$dir/time.txt" >>"$out.tmp"
  done
  mv -f "$out.tmp" "$out"
  echo
  cat "$out"
  echo "(peak RSS of a one-vehicle, one-second run: the platform and the infrastructure; table in $out)"
}
if [ "$platform_only" = 1 ]; then
  platform_section
  exit $?
fi

if [ "$trace_read_only" = 1 ]; then
  trace_read_section
  exit $?
fi

# 1. traces (the city size: the generator, cached like the SUMO traces)
city_dir="$bench_dir/city"
make_city() {
  local cmd=(/usr/bin/python3 "$repo/tools/make_city_scenario.py" --out-dir "$city_dir" --name city --vehicles 30000
    --side-km 24 --rsus 2500 --mecs 625 --duration 60 --seed 1 --messages SAMPLED --sample-every 100)
  local want="${cmd[*]}"
  if [ -s "$city_dir/city.csv" ] && [ -s "$city_dir/city.textproto" ] && [ "$(cat "$city_dir/city.cmd" 2>/dev/null)" = "$want" ]; then
    echo "trace for city: cached ($city_dir/city.csv)"
  else
    echo "trace for city: making it ($want)"
    "${cmd[@]}" || die "make_city_scenario.py failed"
    echo "$want" >"$city_dir/city.cmd"
  fi
}
for n in $sizes; do
  if [ "$n" = city ]; then
    make_city
    continue
  fi
  trace="$bench_dir/trace_$n.fcd.xml.gz"
  if [ "$n" = 30min ]; then  # the 1000 size's city and departure rate for 30 minutes
    cmd=("$repo/tools/make_trace.sh" --vehicles "$(($(size_trips 1000) * 1800 / duration))" --duration 1800
      --grid "$(size_grid 1000)" --seed 1 --warmup "$warmup" --fringe-factor 1 --max-distance 2000 --out "$trace")
  else
  cmd=("$repo/tools/make_trace.sh" --vehicles "$(size_trips "$n")" --duration "$duration" --grid "$(size_grid "$n")"
    --seed 1 --warmup "$warmup" --fringe-factor 1 --max-distance 2000 --out "$trace")
  fi
  want="${cmd[*]}"
  if [ -s "$trace" ] && [ -s "$bench_dir/trace_$n.stats" ] && [ "$(cat "$bench_dir/trace_$n.cmd" 2>/dev/null)" = "$want" ]; then
    echo "trace for $n: cached ($trace)"
  else
    echo "trace for $n: making it ($want)"
    start="$(date +%s)"
    "${cmd[@]}" >"$bench_dir/trace_$n.stats.tmp" || die "make_trace.sh failed for size $n"
    mv -f "$bench_dir/trace_$n.stats.tmp" "$bench_dir/trace_$n.stats"
    echo "$want" >"$bench_dir/trace_$n.cmd"
    echo "trace for $n: $(($(date +%s) - start)) s; $(grep -E '^(vehicles|most_at_once|seconds)' "$bench_dir/trace_$n.stats" | tr '\n' ' ')"
  fi
done
[ "$traces_only" = 1 ] && exit 0

# 2. runs
[ -x "$v2xsim" ] || die "$v2xsim not found: build it first (make build, or cmake --build $build_dir --target v2xsim)"

stat_of() {
  if [ "$1" = city ]; then echo 30000; else awk -v k="$2" '$1 == k {print $2}' "$bench_dir/trace_$1.stats"; fi
}

# An unsigned attribute of /summary: h5dump first, h5py if h5dump is missing; empty when absent.
summary_attr() {
  local file="$1" name="$2"
  if command -v h5dump >/dev/null 2>&1; then
    h5dump -a "/summary/$name" "$file" 2>/dev/null | sed -n 's/^ *(0): *\([-0-9.eE+]*\).*/\1/p' | head -n1 || true
  else
    /usr/bin/python3 -c 'import sys, h5py; print(h5py.File(sys.argv[1], "r")["summary"].attrs[sys.argv[2]])' \
      "$file" "$name" 2>/dev/null || true
  fi
}

# A number from v2xsim's printed summary, used only when the HDF5 file lacks the attribute. The format of
# sim/metrics/summary.cpp puts the number first ("messages  N created: N delivered ...", "... in X s wall");
# "key: N" / "key N" is the fallback.
printed() {
  local v
  v="$(grep -Eo "[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)? (s )?$2" "$1" | head -n1 | grep -Eo '^[0-9.eE+-]+' || true)"
  [ -n "$v" ] || v="$(grep -Eo "$2[: =]+[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?" "$1" | head -n1 | grep -Eo '[0-9.eE+-]+$' || true)"
  echo "$v"
}

results="$bench_dir/results.txt"
{
  printf "v2xsim bench, %s, %s\n" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?')"
  printf "%6s %9s %9s %12s %12s %8s %8s %10s %16s %14s %9s\n" size vehicles at_once created delivered wall_s cpu_s \
    v2x_wall_s delivered/wall_s created/cpu_s peak_MB
} >"$results.tmp"
status=0
for n in $sizes; do
  if [ "$n" = city ]; then
    scenario="$city_dir/city.textproto"
    trace_arg="mobility.trace=$city_dir/city.csv"
  else
    scenario="$(scenario_of "$n")"
    trace_arg="mobility.trace=$bench_dir/trace_$n.fcd.xml.gz"
  fi
  extra=()
  case "$n" in
    30min) scenario="$(scenario_of 1000)"; extra=(--set duration_s=1800) ;;  # the whole 30 minutes
    *:*) ;;
  esac
  if [ -n "$rows_mode" ] && [ "$n" != city ]; then extra+=(--set "output.messages_mode=$rows_mode"); fi
  [ -f "$scenario" ] || die "$scenario missing (tools/bench.sh $build_dir --write-scenarios --sizes \"$n\")"
  out="$bench_dir/out_$n.h5"
  log="$bench_dir/run_$n.log"
  timing="$bench_dir/time_$n.txt"
  rm -f "$out"
  echo "run $n: $v2xsim run $scenario --set $trace_arg -o $out"
  if ! /usr/bin/time -v -o "$timing" "$v2xsim" run "$scenario" --set "$trace_arg" "${extra[@]}" -o "$out" >"$log" 2>&1; then
    echo "run $n: v2xsim failed, last lines of $log:" >&2
    tail -n 20 "$log" >&2
    status=1
    # Still a row: how far it got (CPU and memory until it stopped).
    printf "%6s %9s %9s %12s %12s %8s %8s %10s %16s %14s %9s\n" "$n" "$(stat_of "$n" vehicles)" \
      "$(stat_of "$n" most_at_once)" failed failed \
      "$(sed -n 's/^.*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$timing" |
        awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s}')" \
      "$(awk -F': *' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {s = $2} END {printf "%.2f", u + s}' "$timing")" \
      - - - "$(sed -n 's/^.*Maximum resident set size (kbytes): *//p' "$timing" | awk '{printf "%.0f", $1 / 1024}')" \
      >>"$results.tmp"
    continue
  fi
  created="$(summary_attr "$out" messages_created)"
  delivered="$(summary_attr "$out" messages_delivered)"
  sim_wall="$(summary_attr "$out" wall_s)"
  [ -n "$created" ] || created="$(printed "$log" created)"
  [ -n "$delivered" ] || delivered="$(printed "$log" delivered)"
  [ -n "$sim_wall" ] || sim_wall="$(printed "$log" wall)"
  # Wall time of the whole command (load, build, run, flush) as /usr/bin/time measured it: h:mm:ss or m:ss.
  wall="$(sed -n 's/^.*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$timing" |
    awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s}')"
  rss_kb="$(sed -n 's/^.*Maximum resident set size (kbytes): *//p' "$timing")"
  # CPU of the whole command: user + system seconds as /usr/bin/time measured them.
  cpu="$(awk -F': *' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {s = $2} END {printf "%.2f", u + s}' "$timing")"
  printf "%6s %9s %9s %12s %12s %8s %8s %10s %16s %14s %9s\n" "$n" "$(stat_of "$n" vehicles)" "$(stat_of "$n" most_at_once)" \
    "${created:-?}" "${delivered:-?}" "${wall:-?}" "${cpu:-?}" "${sim_wall:-?}" \
    "$(awk -v m="${delivered:-0}" -v w="${wall:-0}" 'BEGIN{if (w > 0 && m > 0) printf "%.0f", m / w; else print "?"}')" \
    "$(awk -v m="${created:-0}" -v c="${cpu:-0}" 'BEGIN{if (c > 0 && m > 0) printf "%.0f", m / c; else print "?"}')" \
    "$(awk -v k="${rss_kb:-0}" 'BEGIN{if (k > 0) printf "%.0f", k / 1024; else print "?"}')" >>"$results.tmp"
done
mv -f "$results.tmp" "$results"
echo
cat "$results"
echo "(vehicles: distinct vehicles in the trace; at_once: most at once; wall_s: whole command, /usr/bin/time;"
echo " cpu_s: user + system seconds, /usr/bin/time; v2x_wall_s: v2xsim's own wall time from its summary;"
echo " delivered/wall_s: end-to-end messages per wall second; created/cpu_s: messages per CPU second;"
echo " peak_MB: maximum resident set size; city: tools/make_city_scenario.py, SAMPLED message rows)"
echo "table written to $results"

# 4-5. trace reading
if [ "$trace_read" = 1 ]; then
  echo
  trace_read_section || status=1
fi
# 6. platform memory
if [ "$platform" = 1 ]; then
  platform_section || status=1
fi
exit "$status"
