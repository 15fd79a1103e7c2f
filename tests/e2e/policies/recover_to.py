"""Test policy: nearest, except that a twin lost to a fault (trigger RECOVERY) is re-placed on the site named by
the environment variable RECOVER_TO (a site name), whatever the default rule would choose; every RECOVERY it sees
is appended to the file RECOVER_LOG (station id and time), so that the test knows it was asked."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "policies"))
import v2xpolicy as v2x  # noqa: E402
from nearest import Nearest  # noqa: E402


class RecoverTo(Nearest):
    def decide(self, snap):
        target = next(s.id for s in snap.sites if s.name == os.environ["RECOVER_TO"])
        intents = [(i, t) for i, t in super().decide(snap)
                   if not any(st.id == i and st.trigger == v2x.RECOVERY for st in snap.stations)]
        with open(os.environ["RECOVER_LOG"], "a") as log:
            for st in snap.stations:
                if st.trigger == v2x.RECOVERY:
                    intents.append((st.id, target))
                    log.write(f"{st.id} {snap.time_s}\n")
        return intents


if __name__ == "__main__":
    v2x.serve(RecoverTo(), sys.argv[1] if len(sys.argv) > 1 else None)
