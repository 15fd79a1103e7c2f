"""Policies that misbehave, for tests/e2e/test_external_policy.py: `misbehave.py MODE [PIDFILE]`.

die: exits with status 3 at the first request; hang: never answers; garbage: answers bytes that are no Decision;
version: answers a Decision of protocol version 99. Each writes its pid to PIDFILE first (the test checks that
v2xsim killed and reaped it)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "policies"))
import v2xpolicy as v2x  # noqa: E402
import zmq  # noqa: E402

mode = sys.argv[1]
if len(sys.argv) > 2:
    with open(sys.argv[2], "w") as f:
        f.write(str(os.getpid()))
sock = zmq.Context.instance().socket(zmq.REP)
sock.bind(v2x.endpoint_from_env())
sock.recv()
if mode == "die":
    sys.exit(3)
elif mode == "hang":
    while True:
        time.sleep(60)
elif mode == "garbage":
    sock.send(b"\xff\xfe\xfd this is not a protobuf message")
elif mode == "version":
    sock.send(v2x.pb.Decision(protocol_version=99).SerializeToString())
time.sleep(30)  # v2xsim must end the run (and kill this process) on its own
