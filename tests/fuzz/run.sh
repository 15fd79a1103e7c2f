#!/usr/bin/env bash
# Runs the libFuzzer harnesses for a bounded time each (`make fuzz` calls this): the trace readers (fcd csv ns2)
# and the other inputs (scenario sweep sites platform manifest cli).
#
#   tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS [fcd csv ns2 scenario sweep sites platform manifest cli]
#
# Seeds (made here, small, from the Bologna excerpts in tests/data/traces): for each format the first few
# timesteps as a complete trace, the same gzip- and xz-compressed (so the decompression paths are fuzzed too),
# the empty file, and the inputs of past findings (tests/fuzz/regressions/<reader>/, fixed since). The corpus each harness grows is kept in FUZZ_BUILD_DIR/fuzz/corpus_<reader> (runs resume
# from it); findings (crash, sanitizer report, exception other than InputError, broken reader promise) are
# written to FUZZ_BUILD_DIR/fuzz/findings/ and make the script fail after all harnesses ran.
set -euo pipefail
export LC_ALL=C

die() { echo "fuzz/run.sh: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS [fcd csv ns2]"
build="$1"
seconds="$2"
shift 2
readers="${*:-fcd csv ns2 scenario sweep sites platform manifest cli}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "SECONDS: expected a positive integer, got '$seconds'"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
traces="$repo/tests/data/traces"
work="$build/fuzz"
mkdir -p "$work/findings"

# Seed corpus, remade each time (cheap, deterministic).
make_seeds() {
  local reader="$1" dir="$work/seeds_$reader"
  rm -rf "$dir"
  mkdir -p "$dir"
  # (zcat ... || true): zcat is cut off by a SIGPIPE when awk/head stop reading early.
  case "$reader" in
    fcd) (zcat "$traces/bologna_60s.fcd.xml.gz" || true) |
           awk '{print} /<\/timestep>/ {if (++n == 3) {print "</fcd-export>"; exit}}' >"$dir/three_steps.xml"
         (zcat "$traces/grid_utm32.fcd.geo.xml.gz" || true) |
           awk '{print} /<\/timestep>/ {if (++n == 2) {print "</fcd-export>"; exit}}' >"$dir/geo.xml" ;;
    csv) (zcat "$traces/bologna_60s.fcd.csv.gz" || true) | head -n 60 >"$dir/xml2csv.csv"
         printf 'time,id,x,y,speed,angle\n0,a,1.5,2,3,90\n0,b,4,5,6,180\n1,a,2.5,2,3,90\n' >"$dir/plain.csv" ;;
    ns2) (zcat "$traces/bologna_60s.ns2mobility.tcl.gz" || true) | head -n 60 >"$dir/traceexporter.tcl" ;;
    scenario)
         cp "$repo"/tests/data/scenarios/*.textproto "$repo"/scenarios/tiny/*.textproto "$dir/"
         { cat "$repo/scenarios/tiny/two_cells.textproto"; printf '\0telemetry.rate_hz=1e300\ninfrastructure.rsu[2].x_m=5\n'; } \
           >"$dir/with_sets" ;;
    sweep)
         cp "$repo"/scenarios/sweeps/*.textproto "$dir/"
         printf 'base: "%s"\npolicy: "never"\naxis { field: "telemetry.rate_hz" range { from: 1 to: 4 step: 1 } }\nseeds { first: 1 count: 3 }\n' \
           "$repo/scenarios/tiny/two_cells.textproto" >"$dir/absolute_base.textproto" ;;
    sites)
         printf 'id,x,y\nr0,0,0\nr1,500,0\n' >"$dir/plain.csv"
         printf 'junction_id,x,y,lon,lat\nj1,10.5,20,11.3,44.5\n' >"$dir/junctions.csv" ;;
    platform) cp "$repo"/platforms/*.xml "$dir/" ;;
    manifest)
         printf 'index,run,seed,output,status,exit_code,error,wall_s\n0,s1,1,runs/s1.h5,complete,0,,1.250\n1,"a,b",2,x,failed,2,"v2xsim: error: x",\n' >"$dir/manifest.csv"
         printf 'vehicles       2 (2 RSUs, 0.0 vehicle-hours)\nmessages       10 created: 9 delivered (90.00 %%), 1 lost\n' >"$dir/log" ;;
    cli)
         printf 'engine\n--cfg=network/model:CM02\n--log=v2x.thresh:verbose\n' >"$dir/engine"
         printf 'set\ntelemetry.rate_hz=1\n a = b\n' >"$dir/set"
         printf 'shard\n0/2\n3/4\n' >"$dir/shard" ;;
  esac
  case "$reader" in
    fcd|csv|ns2) # compressed too: the decompression paths are fuzzed as well
      for f in "$dir"/*; do
        gzip -n -c "$f" >"$f.gz"
        xz -c "$f" >"$f.xz"
      done ;;
  esac
  : >"$dir/empty"
  # Inputs of past findings, kept as regression seeds (tests/fuzz/regressions/<reader>/).
  if [ -d "$repo/tests/fuzz/regressions/$reader" ]; then
    cp "$repo/tests/fuzz/regressions/$reader"/* "$dir/"
  fi
}

status=0
for reader in $readers; do
  bin="$build/tests/fuzz/fuzz_$reader"
  [ -x "$bin" ] || die "$bin not built (make fuzz builds it)"
  make_seeds "$reader"
  corpus="$work/corpus_$reader"
  mkdir -p "$corpus"
  echo "fuzz $reader: $seconds s ($bin)"
  dict=()
  [ -f "$repo/tests/fuzz/$reader.dict" ] && dict=(-dict="$repo/tests/fuzz/$reader.dict")
  if ! "$bin" "$corpus" "$work/seeds_$reader" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
      -rss_limit_mb=2048 "${dict[@]}" -artifact_prefix="$work/findings/$reader-" \
      -print_final_stats=1 >"$work/$reader.log" 2>&1; then
    echo "fuzz $reader: FINDING (log: $work/$reader.log, inputs: $work/findings/$reader-*):" >&2
    grep -E "ERROR|finding|SUMMARY|Test unit written" "$work/$reader.log" | head -n 20 >&2 || tail -n 30 "$work/$reader.log" >&2
    status=1
    continue
  fi
  echo "fuzz $reader: ok, $(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$work/$reader.log" | grep -Eo '[0-9]+$') runs," \
    "corpus $(find "$corpus" -type f | wc -l) inputs, coverage $(grep -Eo 'cov: [0-9]+' "$work/$reader.log" | tail -n1)"
done
exit "$status"
