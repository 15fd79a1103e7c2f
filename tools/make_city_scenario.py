#!/usr/bin/python3
"""A synthetic city: a square grid of RSUs and MECs and a trace of N vehicles driving on a street grid.

    tools/make_city_scenario.py --out-dir DIR [--name city] [--vehicles 30000] [--side-km 24] [--rsus 2500]
        [--mecs 625] [--duration 60] [--seed 1] [--messages SAMPLED --sample-every 100]

Writes DIR/NAME.textproto (the scenario, telemetry at 10 Hz) and DIR/NAME.csv (the trace: time,id,x,y,speed,
one row per vehicle and second). This is the "city size" of tools/bench.sh (30,000 vehicles at once on
24 x 24 km, 2,500 RSUs, 625 MECs, 60 s): SUMO takes far too long to make a trace that big (the 5,000-vehicle
bench trace already needs minutes of SUMO), so the vehicles here follow a simple deterministic model instead:
each drives along one street of a 250 m grid at a constant speed of 8..14 m/s, turning back at the city's
edge. Every vehicle is present for the whole run (the "at once" count is N). RSUs sit at the centres of a
sqrt(R) x sqrt(R) grid, cell radius 0.75 x spacing; MECs at the centres of a sqrt(M) x sqrt(M) grid, each RSU
attached to the MEC whose square holds it. R and M must be squares.
"""
import argparse
import math
import os
import random
import sys


def square_side(n, what):
    s = int(round(math.sqrt(n)))
    if s * s != n or s < 1:
        sys.exit(f"make_city_scenario.py: --{what} must be a square number, got {n}")
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--name", default="city")
    ap.add_argument("--vehicles", type=int, default=30000)
    ap.add_argument("--side-km", type=float, default=24.0)
    ap.add_argument("--rsus", type=int, default=2500)
    ap.add_argument("--mecs", type=int, default=625)
    ap.add_argument("--duration", type=int, default=60, help="s of trace and of simulated time")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--messages", choices=["ALL", "SAMPLED", "NONE"], default="SAMPLED")
    ap.add_argument("--sample-every", type=int, default=100)
    a = ap.parse_args()

    side = a.side_km * 1000.0
    nr = square_side(a.rsus, "rsus")
    nm = square_side(a.mecs, "mecs")
    os.makedirs(a.out_dir, exist_ok=True)
    base = os.path.join(a.out_dir, a.name)

    # Trace: written to a temporary name, renamed when complete.
    rng = random.Random(a.seed)
    block = 250.0
    streets = int(side // block)
    vehicles = []
    for _ in range(a.vehicles):
        horizontal = rng.random() < 0.5
        street = rng.randint(0, streets) * block  # the fixed coordinate
        pos = rng.uniform(0, side)
        speed = rng.uniform(8.0, 14.0) * (1 if rng.random() < 0.5 else -1)
        vehicles.append([horizontal, min(street, side), pos, speed])
    tmp = base + ".csv.tmp"
    with open(tmp, "w") as f:
        f.write("time,id,x,y,speed\n")
        # One second past the run: every vehicle is still present at its end (a trace ending with the run makes
        # all 30,000 vehicles leave at its last instant, and the manager's events for them are one SimGrid comm
        # each, which 3.32 completes in time linear in the comms pending: minutes at that scale).
        for t in range(a.duration + 2):
            rows = []
            for i, v in enumerate(vehicles):
                horizontal, street, pos, speed = v
                x, y = (pos, street) if horizontal else (street, pos)
                rows.append(f"{t},v{i},{x:.1f},{y:.1f},{abs(speed):.1f}\n")
                pos += speed
                if pos < 0 or pos > side:  # turn back at the city's edge
                    speed = -speed
                    pos = min(max(pos, 0.0), side)
                v[2], v[3] = pos, speed
            f.writelines(rows)
    os.replace(tmp, base + ".csv")

    rs = side / nr
    ms = side / nm
    lines = [
        "# proto-file: sim/proto/scenario.proto",
        "# proto-message: v2x.pb.Scenario",
        "#",
        "# Written by tools/make_city_scenario.py (synthetic city; SUMO is too slow for a trace this big).",
        f"# {a.vehicles} vehicles at once on {a.side_km:g} x {a.side_km:g} km, {a.rsus} RSUs every {rs:.1f} m, "
        f"{a.mecs} MECs, {a.duration} s at 10 Hz.",
        f'name: "{a.name}"',
        f"seed: {a.seed}",
        f"duration_s: {a.duration}",
        "",
        "mobility {",
        f'  trace: "{a.name}.csv"',
        "}",
        "",
        "infrastructure {",
    ]
    radius = 0.75 * rs
    for j in range(nr):
        for i in range(nr):
            x, y = (i + 0.5) * rs, (j + 0.5) * rs
            mi, mj = min(int(x // ms), nm - 1), min(int(y // ms), nm - 1)
            lines.append(f'  rsu {{ id: "rsu_{i}_{j}" x_m: {x:.1f} y_m: {y:.1f} cell_radius_m: {radius:.1f} '
                         f'mec: "mec_{mi}_{mj}" }}')
    for j in range(nm):
        for i in range(nm):
            lines.append(f'  mec {{ id: "mec_{i}_{j}" x_m: {(i + 0.5) * ms:.1f} y_m: {(j + 0.5) * ms:.1f} }}')
    lines += [
        "}",
        "",
        "telemetry { rate_hz: 10 }",
        "",
        "migration {",
        '  policy: "nearest"',
        '  mechanism: "stateless-restart"',
        "}",
        "",
        "output {",
        f'  path: "out/{a.name}.h5"',
        f"  messages_mode: {a.messages}",
        f"  message_sample_every: {a.sample_every}",
        "}",
        "",
    ]
    tmp = base + ".textproto.tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines))
    os.replace(tmp, base + ".textproto")
    print(f"{base}.textproto {base}.csv: {a.vehicles} vehicles, {a.rsus} RSUs, {a.mecs} MECs, {a.duration} s")


if __name__ == "__main__":
    main()
