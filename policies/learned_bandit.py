"""A learned policy: an epsilon-greedy contextual bandit (numpy only) trained over episodes of a scenario through
the gym-style environment of v2xpolicy.py.

Context of a decision (one vehicle asked about at one instant): whether its twin is already behind its RSU
(0/1), whether it is out of coverage (0/1), and the utilisation of the MEC behind its RSU in 4 bins. Arms: 0 stay,
1 follow (the MEC behind its RSU), 2 the cloud. A step's reward (v2xpolicy.Reward: latency, AoI, downtime,
migrations) is credited to every action taken at that step; each arm's value is the running mean of its credits.
Epsilon decays from 1 (random) over the episodes, so the printed episode reward should improve.

    /usr/bin/python3 policies/learned_bandit.py scenarios/default.textproto --episodes 5 --set duration_s=60
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import v2xpolicy as v2x  # noqa: E402

ARMS = ("stay", "follow", "cloud")


class Bandit:
    def __init__(self, rng, epsilon=1.0):
        self.rng = rng
        self.epsilon = epsilon
        self.value = np.zeros((2, 2, 4, len(ARMS)))
        self.count = np.zeros_like(self.value)

    @staticmethod
    def context(st, snap):
        here = int(st.rsu_site >= 0 and st.rsu_site == st.twin_site)
        out = int(st.rsu_site < 0)
        util = snap.sites[st.rsu_site].utilisation if st.rsu_site >= 0 else 0.0
        return here, out, min(3, int(util * 4))

    def act(self, snap):
        """Intents for the snapshot and the (context, arm) pairs chosen."""
        intents, chosen = [], []
        for st in snap.stations:
            if st.trigger == v2x.APPEAR:
                continue  # default placement (the MEC behind its RSU)
            if st.kind != v2x.VEHICLE or st.twin_busy or st.twin_site < 0 or st.trigger == v2x.API:
                continue
            ctx = self.context(st, snap)
            if self.rng.random() < self.epsilon:
                arm = int(self.rng.integers(len(ARMS)))
            else:
                arm = int(np.argmax(self.value[ctx]))
            chosen.append((ctx, arm))
            target = {0: None, 1: st.rsu_site if st.rsu_site >= 0 else None, 2: snap.cloud_site}[arm]
            if target is not None and target != st.twin_site:
                intents.append((st.id, target))
        return intents, chosen

    def learn(self, chosen, reward):
        for ctx, arm in chosen:
            i = ctx + (arm,)
            self.count[i] += 1
            self.value[i] += (reward - self.value[i]) / self.count[i]


def train(env, episodes, seed=1, decay=0.35):
    rng = np.random.default_rng(seed)
    bandit = Bandit(rng)
    totals = []
    for episode in range(episodes):
        bandit.epsilon = decay ** episode
        obs = env.reset(seed=seed)
        total, done, steps = 0.0, False, 0
        while not done:
            intents, chosen = bandit.act(obs)
            obs, reward, done, info = env.step(intents)
            bandit.learn(chosen, reward)
            total += reward
            steps += 1
        if info.get("returncode") != 0:
            raise SystemExit(f"v2xsim failed: {info.get('stderr')}")
        totals.append(total)
        policy = {ARMS[a]: int(n) for a, n in enumerate(np.sum(bandit.count, axis=(0, 1, 2)))}
        print(f"episode {episode}: epsilon {bandit.epsilon:.3f}, steps {steps}, reward {total:.3f}, "
              f"migrations {obs.totals.migrations_started}, downtime {obs.totals.downtime_s:.1f} s, "
              f"arms tried {policy}", flush=True)
    greedy = {str(c): ARMS[int(np.argmax(bandit.value[c]))] for c in np.ndindex(bandit.value.shape[:3])
              if bandit.count[c].sum() > 0}
    print(f"reward first {totals[0]:.3f} -> last {totals[-1]:.3f} "
          f"({'improved' if totals[-1] > totals[0] else 'not improved'})")
    print(f"greedy arm per context (here, out, utilisation bin): {greedy}")
    return totals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario")
    ap.add_argument("--episodes", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", action="append", default=[], help="scenario override, as v2xsim run --set")
    ap.add_argument("--v2xsim", default=None, help="v2xsim executable (default: $V2XSIM or build*/sim/v2xsim)")
    args = ap.parse_args()
    env = v2x.V2XEnv(args.scenario, v2xsim=args.v2xsim, sets=args.set)
    try:
        train(env, args.episodes, args.seed)
    finally:
        env.close()


if __name__ == "__main__":
    main()
