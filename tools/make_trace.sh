#!/usr/bin/env bash
# Makes a city-like SUMO floating-car-data (FCD) trace, deterministically (same arguments -> same bytes).
#
#   tools/make_trace.sh [--vehicles N] [--duration S] [--grid CxR] [--block M] [--seed N] [--period S]
#                       [--warmup S] [--fringe-factor F] [--max-distance M] --out FILE.xml[.gz]
#
# Pipeline (Debian's sumo + sumo-tools 1.15):
#   1. netgenerate --grid: C x R blocks of M metres (C+1 x R+1 junctions, 2 lanes each way, 50 km/h, traffic
#      lights guessed at the crossings), with 100 m dead-end streets attached around the border. The grid itself
#      spans x = 0..C*M, y = 0..R*M; the attached streets reach 100 m outside (slightly negative x/y occur).
#   2. randomTrips.py: one trip every (duration / N) s, so about N vehicles depart during the recorded duration;
#      --fringe-factor makes most trips start/end on the attached streets, i.e. cross the city instead of
#      hopping between neighbouring blocks; --validate routes them with duarouter.
#   3. sumo --fcd-output with --device.fcd.period; with --warmup W, trips start departing W s before the
#      recording starts, so the trace opens with the city already populated (steady state) instead of empty;
#      the recorded times are shifted so that the trace starts at t = 0 and covers [0, duration).
#   4. SUMO's header comment (it carries the date) is replaced by a fixed one naming these arguments, and the
#      file is written with `gzip -n` (no name, no timestamp): the output depends on the arguments only.
#
# Prints: vehicles (distinct ids), rows, steps, most vehicles at once, mean at once, bounding box, and the wall
# seconds of each stage.
set -euo pipefail
export LC_ALL=C

die() { echo "make_trace.sh: $*" >&2; exit 1; }
usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

vehicles=100
duration=300
grid=8x8
block=250
seed=1
period=1
warmup=0
fringe=5
max_distance=""
out=""

while [ $# -gt 0 ]; do
  case "$1" in
    --vehicles) vehicles="${2:?}"; shift 2 ;;
    --duration) duration="${2:?}"; shift 2 ;;
    --grid) grid="${2:?}"; shift 2 ;;
    --block) block="${2:?}"; shift 2 ;;
    --seed) seed="${2:?}"; shift 2 ;;
    --period) period="${2:?}"; shift 2 ;;
    --warmup) warmup="${2:?}"; shift 2 ;;
    --fringe-factor) fringe="${2:?}"; shift 2 ;;
    --max-distance) max_distance="${2:?}"; shift 2 ;;
    --out|-o) out="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "make_trace.sh: unknown argument '$1'" >&2; usage ;;
  esac
done

[ -n "$out" ] || die "--out FILE.xml.gz is required"
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
is_num() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
is_uint "$vehicles" && [ "$vehicles" -gt 0 ] || die "--vehicles: expected a positive integer, got '$vehicles'"
is_num "$duration" && awk -v d="$duration" 'BEGIN{exit !(d > 0)}' || die "--duration: expected seconds > 0, got '$duration'"
[[ "$grid" =~ ^([0-9]+)x([0-9]+)$ ]] || die "--grid: expected CxR (blocks, e.g. 8x8), got '$grid'"
cols="${BASH_REMATCH[1]}"
rows="${BASH_REMATCH[2]}"
[ "$cols" -ge 1 ] && [ "$rows" -ge 1 ] || die "--grid: at least 1x1 block, got '$grid'"
is_num "$block" && awk -v b="$block" 'BEGIN{exit !(b >= 50)}' || die "--block: expected metres >= 50, got '$block'"
is_uint "$seed" || die "--seed: expected a non-negative integer, got '$seed'"
is_num "$period" && awk -v p="$period" 'BEGIN{exit !(p > 0)}' || die "--period: expected seconds > 0, got '$period'"
is_num "$warmup" || die "--warmup: expected seconds >= 0, got '$warmup'"
is_num "$fringe" || die "--fringe-factor: expected a number >= 0, got '$fringe'"
[ -z "$max_distance" ] || is_num "$max_distance" || die "--max-distance: expected metres, got '$max_distance'"

export SUMO_HOME="${SUMO_HOME:-/usr/share/sumo}"
for tool in netgenerate duarouter sumo; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' not found: install SUMO (Debian: apt-get install sumo sumo-tools)"
done
random_trips="$SUMO_HOME/tools/randomTrips.py"
[ -f "$random_trips" ] ||
  die "$random_trips not found: install sumo-tools (Debian: apt-get install sumo-tools) or set SUMO_HOME"
[ -x /usr/bin/python3 ] || die "/usr/bin/python3 not found (randomTrips.py needs it)"
sumo_version="$(sumo --version 2>/dev/null | sed -n 's/^Eclipse SUMO sumo Version \([^ ]*\).*/\1/p' | head -n1)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/make_trace.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

attach=100
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b - a}'; }
trip_period="$(awk -v d="$duration" -v n="$vehicles" 'BEGIN{printf "%.6f", d / n}')"
# SUMO records FCD at its own steps only: a period below 1 s needs steps that short.
step="$(awk -v p="$period" 'BEGIN{printf "%g", (p < 1 ? p : 1)}')"
end="$(awk -v w="$warmup" -v d="$duration" 'BEGIN{printf "%.6f", w + d}')"

# 1. network
t0="$(now)"
netgenerate --grid --grid.x-number "$((cols + 1))" --grid.y-number "$((rows + 1))" \
  --grid.length "$block" --grid.attach-length "$attach" \
  --default.lanenumber 2 --default.speed 13.89 --tls.guess \
  --offset.disable-normalization --offset.x "-$attach" --offset.y "-$attach" \
  --seed "$seed" --no-warnings --output-file "$tmp/net.net.xml" >"$tmp/netgenerate.log" 2>&1 ||
  { cat "$tmp/netgenerate.log" >&2; die "netgenerate failed"; }

t_net="$(elapsed "$t0")"

# 2. trips and routes
t0="$(now)"
trip_args=(-n "$tmp/net.net.xml" -o "$tmp/trips.trips.xml" -r "$tmp/routes.rou.xml"
  -b 0 -e "$end" -p "$trip_period" --fringe-factor "$fringe" --seed "$seed" --validate
  --trip-attributes 'departLane="best" departSpeed="max"')
[ -z "$max_distance" ] || trip_args+=(--max-distance "$max_distance")
/usr/bin/python3 "$random_trips" "${trip_args[@]}" >"$tmp/randomTrips.log" 2>&1 ||
  { cat "$tmp/randomTrips.log" >&2; die "randomTrips.py failed"; }

t_trips="$(elapsed "$t0")"

# 3. traffic simulation with FCD output
t0="$(now)"
sumo -n "$tmp/net.net.xml" -r "$tmp/routes.rou.xml" --begin 0 --end "$end" --step-length "$step" --seed "$seed" \
  --fcd-output "$tmp/fcd.xml" --device.fcd.period "$period" --device.fcd.begin "$warmup" \
  --xml-validation never --no-step-log --no-warnings --duration-log.disable >"$tmp/sumo.log" 2>&1 ||
  { cat "$tmp/sumo.log" >&2; die "sumo failed"; }

t_sumo="$(elapsed "$t0")"

# 4. fixed header, times shifted by the warm-up; statistics into $tmp/stats
header="made by tools/make_trace.sh --vehicles $vehicles --duration $duration --grid $grid --block $block"
header="$header --seed $seed --period $period --warmup $warmup --fringe-factor $fringe"
[ -z "$max_distance" ] || header="$header --max-distance $max_distance"
header="$header (SUMO ${sumo_version:-unknown}: netgenerate, randomTrips.py, sumo --fcd-output); trace time 0 ="
header="$header SUMO time $warmup"
header="${header//--/}"  # "--" may not appear inside an XML comment (SUMO's Python tools refuse the file)
awk -v header="$header" -v shift_s="$warmup" -v stats="$tmp/stats" '
  BEGIN { in_comment = 0 }
  in_comment { if (index($0, "-->")) in_comment = 0; next }
  /^<!--/ { if (!index($0, "-->")) in_comment = 1; print "<!-- " header " -->"; next }
  /<timestep / {
    if (steps > 0 && n > most) most = n
    n = 0; steps++
    match($0, /time="[^"]*"/)
    t = substr($0, RSTART + 6, RLENGTH - 7) - shift_s
    sub(/time="[^"]*"/, sprintf("time=\"%.2f\"", t + 0))
    print; next
  }
  /<vehicle / {
    n++; total++
    match($0, /id="[^"]*"/); ids[substr($0, RSTART + 4, RLENGTH - 5)] = 1
    match($0, / x="[^"]*"/); x = substr($0, RSTART + 4, RLENGTH - 5) + 0
    match($0, / y="[^"]*"/); y = substr($0, RSTART + 4, RLENGTH - 5) + 0
    if (total == 1) { x0 = x1 = x; y0 = y1 = y }
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y
  }
  { print }
  END {
    if (n > most) most = n
    printf "vehicles %d\nrows %d\nsteps %d\nmost_at_once %d\nmean_at_once %.1f\nbbox %.2f %.2f %.2f %.2f\n",
      length(ids), total, steps, most, (steps ? total / steps : 0), x0, y0, x1, y1 > stats
  }' "$tmp/fcd.xml" >"$tmp/trace.xml"

[ -s "$tmp/stats" ] && grep -q '^vehicles [1-9]' "$tmp/stats" ||
  die "SUMO produced no vehicles (see the options: --vehicles $vehicles --duration $duration --grid $grid)"

mkdir -p "$(dirname "$out")"
case "$out" in
  *.gz) gzip -n -9 "$tmp/trace.xml"; mv -f "$tmp/trace.xml.gz" "$out" ;;
  *) mv -f "$tmp/trace.xml" "$out" ;;
esac

echo "trace $out ($(wc -c <"$out") bytes)"
cat "$tmp/stats"
echo "seconds netgenerate $t_net randomTrips+duarouter $t_trips sumo $t_sumo"
