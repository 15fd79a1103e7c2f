"""Policies for v2xsim outside the engine: the client side of the policy protocol (sim/proto/policy.proto).

Two ways to use it, with nothing but Debian's python3-zmq and python3-protobuf (and numpy for learning):

* A policy process. Subclass `Policy`, implement `decide(snapshot) -> intents`, and call `serve(policy)`;
  `v2xsim run SCENARIO --policy-command "/usr/bin/python3 my_policy.py"` starts it with V2X_POLICY_ENDPOINT in
  its environment (or start it yourself on an endpoint and give v2xsim `--policy-endpoint ADDR`).
* A gym-style environment. `V2XEnv(...).reset(seed)` starts a run of a scenario with the environment acting as
  the external policy and returns the first observation (a Snapshot); `step(actions)` answers it and returns
  `(observation, reward, done, info)`.

A Snapshot holds every station that needs a decision at one simulated instant (APPEAR: where to place its twin;
HANDOVER, TICK: whether to move it; API: a scripted request moved it, informational; RECOVERY: its twin was lost
to a fault, where to place it again), every site, the candidate
sites, and the rejections of earlier intents with their reasons. A site a fault took down has `down` set
(`downed_sites(snapshot)`); the manager admits nothing there. Intents are (station id, site index) pairs, or a
dict {station id: site index}; a site of None or -1 is "no site". A station left out: nothing to do, except on
APPEAR and RECOVERY, where the twin goes to the MEC behind its RSU when it is up (else the cloud).

policy_pb2 (the generated Python of policy.proto) is found, in this order: in $V2X_POLICY_PB2_DIR; in build*/python
of this repository (CMake generates it there with protoc at build time); else it is generated with protoc into a
cache folder (~/.cache/v2xsim) from sim/proto/policy.proto. Generating it from the one .proto at build time, rather
than committing a copy, means it can never drift from what v2xsim speaks.
"""
import glob
import importlib
import math
import os
import subprocess
import sys
import tempfile

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PROTO = os.path.join(REPO, "sim", "proto", "policy.proto")


def _load_pb2():
    candidates = []
    if os.environ.get("V2X_POLICY_PB2_DIR"):
        candidates.append(os.environ["V2X_POLICY_PB2_DIR"])
    candidates += sorted(glob.glob(os.path.join(REPO, "build*", "python")))
    for d in candidates:
        if os.path.isfile(os.path.join(d, "policy_pb2.py")):
            sys.path.insert(0, d)
            try:
                return importlib.import_module("policy_pb2")
            finally:
                sys.path.remove(d)
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "v2xsim")
    os.makedirs(cache, exist_ok=True)
    subprocess.run(["protoc", f"--proto_path={os.path.dirname(PROTO)}", f"--python_out={cache}", PROTO], check=True)
    sys.path.insert(0, cache)
    try:
        return importlib.import_module("policy_pb2")
    finally:
        sys.path.remove(cache)


pb = _load_pb2()
PROTOCOL_VERSION = pb.PROTOCOL_VERSION
APPEAR, HANDOVER, TICK, API, RECOVERY = pb.APPEAR, pb.HANDOVER, pb.TICK, pb.API, pb.RECOVERY
VEHICLE, RSU = pb.VEHICLE, pb.RSU


class ProtocolError(RuntimeError):
    pass


class Policy:
    """Snapshot in, intents out. `decide` is called once per simulated instant with decisions to take."""

    def decide(self, snapshot):
        raise NotImplementedError

    def done(self, snapshot):
        """The run is over (snapshot.done); its totals are final."""


def downed_sites(snapshot):
    """The indices of the sites a fault has taken down (Site.down; absent from peers that predate faults)."""
    return {site.id for site in snapshot.sites if site.HasField("down") and site.down}


def parse_snapshot(data):
    snap = pb.Snapshot()
    try:
        snap.ParseFromString(data)
    except Exception as e:  # protobuf's DecodeError
        raise ProtocolError(f"malformed request ({len(data)} bytes that are not a Snapshot): {e}") from None
    if snap.protocol_version != PROTOCOL_VERSION:
        raise ProtocolError(f"request of protocol version {snap.protocol_version}, "
                            f"this client speaks version {PROTOCOL_VERSION}")
    return snap


def make_decision(intents):
    """A Decision from (station, site) pairs or a {station: site} dict (site None or -1: no site)."""
    dec = pb.Decision(protocol_version=PROTOCOL_VERSION)
    items = intents.items() if isinstance(intents, dict) else (intents or ())
    for station, site in items:
        dec.intents.add(station=int(station), target_site=-1 if site is None else int(site))
    return dec.SerializeToString()


def endpoint_from_env():
    ep = os.environ.get("V2X_POLICY_ENDPOINT")
    if not ep:
        raise SystemExit("v2xpolicy: V2X_POLICY_ENDPOINT is not set (v2xsim --policy-command sets it)")
    return ep


def serve(policy, endpoint=None):
    """Answers v2xsim's requests on a REP socket bound at `endpoint` (default: $V2X_POLICY_ENDPOINT) until the run
    is over. A request of another protocol version is answered with an error (v2xsim fails the run) and raises."""
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.REP)
    sock.setsockopt(zmq.LINGER, 1000)
    sock.bind(endpoint or endpoint_from_env())
    try:
        while True:
            data = sock.recv()
            try:
                snap = parse_snapshot(data)
            except ProtocolError as e:
                sock.send(pb.Decision(protocol_version=PROTOCOL_VERSION, error=str(e)).SerializeToString())
                raise
            if snap.done:
                sock.send(make_decision(()))
                policy.done(snap)
                return snap
            sock.send(make_decision(policy.decide(snap)))
    finally:
        sock.close()


# ---- rewards -------------------------------------------------------------------------------------------------

DEFAULT_WEIGHTS = {"latency": 1.0, "aoi": 0.1, "downtime": 0.05, "migrations": 0.01, "energy": 0.0}


class Reward:
    """A weighted cost turned into a reward, per step: -(w_latency * mean latency of the stations asked [s]
    + w_aoi * their mean finite age of information [s] + w_downtime * twin downtime since the previous step [s]
    + w_migrations * migrations started since then + w_energy * energy since then [J]). The run reports no
    energy yet (Totals has no energy field): the energy term is 0 until it does."""

    def __init__(self, weights=None):
        unknown = set(weights or ()) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(f"unknown reward terms {sorted(unknown)}; known: {sorted(DEFAULT_WEIGHTS)}")
        self.weights = dict(DEFAULT_WEIGHTS, **(weights or {}))
        self.reset()

    def reset(self):
        self.downtime = 0.0
        self.migrations = 0
        self.energy = 0.0

    def __call__(self, snap):
        lat = [s.latency_s for s in snap.stations if s.latency_s > 0]
        aoi = [s.aoi_s for s in snap.stations if math.isfinite(s.aoi_s)]
        energy = getattr(snap.totals, "energy_j", 0.0) if snap.totals.DESCRIPTOR.fields_by_name.get("energy_j") else 0.0
        terms = {
            "latency": sum(lat) / len(lat) if lat else 0.0,
            "aoi": sum(aoi) / len(aoi) if aoi else 0.0,
            "downtime": snap.totals.downtime_s - self.downtime,
            "migrations": snap.totals.migrations_started - self.migrations,
            "energy": energy - self.energy,
        }
        self.downtime = snap.totals.downtime_s
        self.migrations = snap.totals.migrations_started
        self.energy = energy
        return -sum(self.weights[k] * v for k, v in terms.items()), terms


# ---- gym-style environment -----------------------------------------------------------------------------------

def default_v2xsim():
    if os.environ.get("V2XSIM"):
        return os.environ["V2XSIM"]
    found = sorted(glob.glob(os.path.join(REPO, "build*", "sim", "v2xsim")))
    if not found:
        raise FileNotFoundError("no v2xsim: set $V2XSIM or build the repository")
    return found[0]


class V2XEnv:
    """A run of `scenario` in which this object is the external policy.

    reset(seed) -> observation; step(actions) -> (observation, reward, done, info). An observation is a Snapshot
    (see the module's doc); actions are intents for it. After done, `info` has the run's exit status, its stderr
    and the output file."""

    def __init__(self, scenario, v2xsim=None, sets=(), reward=None, timeout_s=60.0, output=None, args=()):
        self.v2xsim = v2xsim or default_v2xsim()
        self.scenario = scenario
        self.sets = list(sets)
        self.reward = reward if isinstance(reward, Reward) else Reward(reward)
        self.timeout_s = timeout_s
        self.output = output
        self.args = list(args)
        self.proc = None
        self.sock = None
        self.tmp = None
        self.last = None
        self.out_path = None

    def _command(self, endpoint, seed):
        cmd = [self.v2xsim, "run", self.scenario, "--policy-endpoint", endpoint, "-q", "-o", self.out_path,
               "--set", f"migration.external.timeout_s={self.timeout_s}"]
        for s in self.sets:
            cmd += ["--set", s]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        return cmd + self.args

    def _recv(self):
        poller = zmq.Poller()
        poller.register(self.sock, zmq.POLLIN)
        waited = 0.0
        while not poller.poll(100):
            waited += 0.1
            if self.proc.poll() is not None:
                raise RuntimeError(f"v2xsim ended (status {self.proc.returncode}) without asking: "
                                   f"{self.proc.stderr.read().decode(errors='replace')}")
            if waited > self.timeout_s:
                raise TimeoutError("v2xsim asked nothing within the timeout")
        return parse_snapshot(self.sock.recv())

    def reset(self, seed=None):
        self.close()
        self.tmp = tempfile.TemporaryDirectory(prefix="v2xenv-")
        self.out_path = self.output or os.path.join(self.tmp.name, "run.h5")
        endpoint = "ipc://" + os.path.join(self.tmp.name, "policy.sock")
        self.sock = zmq.Context.instance().socket(zmq.REP)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.bind(endpoint)
        self.proc = subprocess.Popen(self._command(endpoint, seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.reward.reset()
        self.last = self._recv()
        return self.last

    def step(self, actions):
        if self.last is None or self.last.done:
            raise RuntimeError("step() before reset() or after done")
        self.sock.send(make_decision(actions))
        obs = self._recv()
        reward, terms = self.reward(obs)
        info = {"terms": terms, "time_s": obs.time_s}
        if obs.done:
            self.sock.send(make_decision(()))
            out, err = self.proc.communicate(timeout=self.timeout_s)
            info.update(returncode=self.proc.returncode, stderr=err.decode(errors="replace"),
                        output=self.out_path)
        self.last = obs
        return obs, reward, obs.done, info

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.last = None  # self.tmp (with the output when none was given) lives until the next reset

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
