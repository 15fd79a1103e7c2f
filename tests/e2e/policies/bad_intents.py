"""A policy that asks for impossible moves, for tests/e2e/test_external_policy.py: `bad_intents.py REPORT`.

Once both vehicles' twins are idle, it asks for veh0 -> site 99 (unknown) and veh1 -> mec1 (full in the test);
after veh1 has left, for veh1 -> mec0 (a station that has left). Otherwise the default placement and no moves.
At the end it writes the rejections the snapshots reported back, one `station<TAB>target<TAB>reason` a line."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "policies"))
import v2xpolicy as v2x  # noqa: E402


class BadIntents(v2x.Policy):
    def __init__(self, report):
        self.report = report
        self.ids = {}
        self.asked_bad = False
        self.asked_left = False
        self.rejections = []

    def decide(self, snap):
        self.rejections += [(r.station, r.target_site, r.reason) for r in snap.rejections]
        site = {s.name: s.id for s in snap.sites}
        for st in snap.stations:
            self.ids[st.name] = st.id
        ticked = {st.name: st for st in snap.stations if st.trigger == v2x.TICK}
        out = []
        if not self.asked_bad and all(n in ticked and not ticked[n].twin_busy for n in ("veh0", "veh1")):
            self.asked_bad = True
            out += [(ticked["veh0"].id, 99), (ticked["veh1"].id, site["mec1"])]
        if self.asked_bad and not self.asked_left and ticked and "veh1" in self.ids and "veh1" not in ticked:
            self.asked_left = True
            out.append((self.ids["veh1"], site["mec0"]))
        return out

    def done(self, snap):
        self.rejections += [(r.station, r.target_site, r.reason) for r in snap.rejections]
        with open(self.report, "w") as f:
            for r in self.rejections:
                f.write("%d\t%d\t%s\n" % r)


if __name__ == "__main__":
    v2x.serve(BadIntents(sys.argv[1]))
