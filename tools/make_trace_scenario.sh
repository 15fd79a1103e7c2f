#!/usr/bin/env bash
# Writes a scenario (.textproto) with RSUs and MECs laid out over a tools/make_trace.sh city grid; used to make
# the committed benchmark scenarios scenarios/bench/bench_<N>.textproto.
#
#   tools/make_trace_scenario.sh --grid CxR [--block M] --trace PATH --name NAME [--duration S]
#                                [--rsu-spacing M] [--comment TEXT] --out FILE.textproto
#
# Layout: the grid spans x = 0..C*M, y = 0..R*M. RSUs sit at the centres of an even number of equal squares
# per side (2 * round(side / (2 * spacing)), spacing about --rsu-spacing, default 600 m), with a cell radius of
# 0.75 x their spacing (a square cell is covered up to its corners at 0.707 x spacing, so neighbouring cells
# overlap a little). One MEC per 2 x 2 RSUs, at their centre; each RSU uses its group's MEC.
set -euo pipefail
export LC_ALL=C

die() { echo "make_trace_scenario.sh: $*" >&2; exit 1; }

grid="" block=250 trace="" name="" duration=120 spacing=600 comment="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --grid) grid="${2:?}"; shift 2 ;;
    --block) block="${2:?}"; shift 2 ;;
    --trace) trace="${2:?}"; shift 2 ;;
    --name) name="${2:?}"; shift 2 ;;
    --duration) duration="${2:?}"; shift 2 ;;
    --rsu-spacing) spacing="${2:?}"; shift 2 ;;
    --comment) comment="${2:?}"; shift 2 ;;
    --out|-o) out="${2:?}"; shift 2 ;;
    *) sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//' >&2; die "unknown argument '$1'" ;;
  esac
done
[[ "$grid" =~ ^([0-9]+)x([0-9]+)$ ]] || die "--grid: expected CxR, got '$grid'"
cols="${BASH_REMATCH[1]}" rows="${BASH_REMATCH[2]}"
[ -n "$trace" ] || die "--trace is required"
[ -n "$name" ] || die "--name is required"
[ -n "$out" ] || die "--out is required"
[[ "$block" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--block: expected metres, got '$block'"
[[ "$spacing" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--rsu-spacing: expected metres, got '$spacing'"
[[ "$duration" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--duration: expected seconds, got '$duration'"

mkdir -p "$(dirname "$out")"
awk -v cols="$cols" -v rows="$rows" -v block="$block" -v spacing="$spacing" -v trace="$trace" -v name="$name" \
    -v duration="$duration" -v comment="$comment" '
function groups(side) { g = int(side / (2 * spacing) + 0.5); return g < 1 ? 1 : g }
BEGIN {
  w = cols * block; h = rows * block
  gx = groups(w); gy = groups(h)   # MEC groups per side
  nx = 2 * gx; ny = 2 * gy         # RSUs per side
  sx = w / nx; sy = h / ny
  s = sx > sy ? sx : sy
  radius = 0.75 * s
  print "# proto-file: sim/proto/scenario.proto"
  print "# proto-message: v2x.pb.Scenario"
  print "#"
  print "# Written by tools/make_trace_scenario.sh (do not edit by hand; see tools/bench.sh)."
  if (comment != "") print "# " comment
  printf "# City grid %d x %d blocks of %g m (x = 0..%g, y = 0..%g m). %d x %d RSUs every %.1f x %.1f m, cell radius\n",
    cols, rows, block, w, h, nx, ny, sx, sy
  printf "# %.1f m (0.75 x spacing: covers each square up to its corners, small overlaps); %d MECs, one per 2 x 2 RSUs.\n",
    radius, gx * gy
  printf "# Telemetry at the default 10 Hz; every message is recorded (output.messages).\n"
  printf "name: \"%s\"\n", name
  print "seed: 1"
  printf "duration_s: %g\n", duration
  print ""
  print "mobility {"
  print "  trace: \"" trace "\"  # relative to this file; tools/bench.sh passes --set mobility.trace=<absolute path>"
  print "}"
  print ""
  print "infrastructure {"
  for (j = 0; j < ny; j++)
    for (i = 0; i < nx; i++)
      printf "  rsu { id: \"rsu_%d_%d\" x_m: %.1f y_m: %.1f cell_radius_m: %.1f mec: \"mec_%d_%d\" }\n",
        i, j, (i + 0.5) * sx, (j + 0.5) * sy, radius, int(i / 2), int(j / 2)
  for (j = 0; j < gy; j++)
    for (i = 0; i < gx; i++)
      printf "  mec { id: \"mec_%d_%d\" x_m: %.1f y_m: %.1f }\n", i, j, (2 * i + 1) * sx, (2 * j + 1) * sy
  print "}"
  print ""
  print "telemetry { rate_hz: 10 }"
  print ""
  print "migration {"
  print "  policy: \"nearest\""
  print "  mechanism: \"stateless-restart\""
  print "}"
  print ""
  print "output {"
  printf "  path: \"out/%s.h5\"  # tools/bench.sh passes -o\n", name
  print "  messages: true"
  print "}"
}' >"$out"
echo "scenario $out"
