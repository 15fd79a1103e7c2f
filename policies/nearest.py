"""`nearest` outside the engine: the twin follows its vehicle to the MEC behind its current RSU; a new twin goes
there too (the cloud when out of coverage); out of coverage, a twin stays. The same rule as the built-in
(sim/migration/policies/nearest.cpp), so that both give the same datasets (tests/e2e/test_external_policy.py).

    v2xsim run scenarios/default.textproto --policy-command "/usr/bin/python3 policies/nearest.py"
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import v2xpolicy as v2x  # noqa: E402


class Nearest(v2x.Policy):
    def decide(self, snap):
        intents = []
        down = v2x.downed_sites(snap)  # a MEC a fault took down: never chosen (the built-in's rule too)
        for st in snap.stations:
            if st.trigger in (v2x.APPEAR, v2x.RECOVERY):  # RECOVERY: the built-in places a lost twin alike
                up = st.rsu_site >= 0 and st.rsu_site not in down
                intents.append((st.id, st.rsu_site if up else snap.cloud_site))
            elif (st.trigger in (v2x.HANDOVER, v2x.TICK) and st.kind == v2x.VEHICLE and not st.twin_busy
                  and st.twin_site >= 0 and st.rsu_site >= 0 and st.rsu_site != st.twin_site
                  and st.rsu_site not in down):
                intents.append((st.id, st.rsu_site))
        return intents


if __name__ == "__main__":
    v2x.serve(Nearest(), sys.argv[1] if len(sys.argv) > 1 else None)
