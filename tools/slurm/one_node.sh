#!/bin/bash
# A one-node SLURM cluster from Debian's packages, to try tools/slurm/sweep.sbatch for real (not run by CI).
# As root on a Debian 12 machine or container, in a built checkout (build/sim/v2xsim):
#
#   tools/slurm/one_node.sh          # install slurm-wlm + munge, start munged, slurmctld, slurmd on localhost,
#                                    # submit a 4-run sweep as a 2-task array, wait, check the merged manifest
#   tools/slurm/one_node.sh stop     # stop the daemons this script started (by their pid files)
#
# Everything it writes lives under $STATE (default /tmp/v2xsim-slurm): slurm.conf, spool and state folders,
# logs, pid files, the sweep's output. /etc/munge/munge.key is created when absent (munge needs it there).
# No cgroups are needed (proctrack/linuxproc, task/none), so it runs in an unprivileged-cgroup container too.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${STATE:-/tmp/v2xsim-slurm}
V2XSIM=${V2XSIM:-$REPO/build/sim/v2xsim}
CONF=$STATE/etc/slurm.conf
export SLURM_CONF=$CONF

log() { echo "one_node: $*"; }

stop() {
  for pidfile in "$STATE/run/slurmd.pid" "$STATE/run/slurmctld.pid" "$STATE/run/munged.pid"; do
    if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "stopping $(basename "$pidfile" .pid) (pid $(cat "$pidfile"))"
      kill "$(cat "$pidfile")"
    fi
  done
}

if [[ ${1:-} == stop ]]; then
  stop
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "one_node: run as root (it installs packages and starts daemons)" >&2; exit 2; }
[[ -x $V2XSIM ]] || { echo "one_node: no $V2XSIM: build first (make build)" >&2; exit 2; }

# 1. Packages.
missing=()
for p in slurm-wlm munge; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

mkdir -p "$STATE"/{etc,run,log,spool/ctld,spool/d}

# 2. munge: a key, then munged as the munge user (it refuses to run as root).
if [[ ! -s /etc/munge/munge.key ]]; then
  log "creating /etc/munge/munge.key"
  mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
chown munge:munge "$STATE/run" 2>/dev/null || true
chmod 1777 "$STATE/run"
if ! munge -n </dev/null >/dev/null 2>&1; then
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged --pid-file="$STATE/run/munged.pid"
  sleep 1
fi
munge -n </dev/null | unmunge >/dev/null

# 3. slurm.conf for this host: one node with its cores and memory, one partition.
HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10))
cat >"$CONF" <<CONF
ClusterName=v2xsim
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/d
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

# 4. The daemons (each daemonizes itself and writes its pid file).
if ! scontrol ping 2>/dev/null | grep -q UP; then
  log "starting slurmctld"
  slurmctld -f "$CONF"
fi
if [[ ! -s $STATE/run/slurmd.pid ]] || ! kill -0 "$(cat "$STATE/run/slurmd.pid")" 2>/dev/null; then
  log "starting slurmd"
  slurmd -f "$CONF"
fi
for _ in $(seq 30); do
  state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
  [[ $state == idle* || $state == mixed* ]] && break
  [[ $state == down* || $state == drain* ]] && scontrol update nodename="$HOST" state=resume || true
  sleep 1
done
log "node $HOST: $(sinfo -h -n "$HOST" -o '%T, %c CPUs, %m MB')"

# 5. A tiny sweep (2 policies x 2 seeds on the tiny two-cell road, 20 s each), as a 2-task array.
SWEEP=$STATE/tiny_sweep.textproto
OUT=$STATE/out
rm -rf "$OUT"
cat >"$SWEEP" <<SW
name: "slurm_one_node"
base: "$REPO/scenarios/tiny/two_cells.textproto"
policy: "never"
policy: "nearest"
seeds { first: 1 count: 2 }
set: "duration_s=20"
SW
cd "$REPO"
log "sbatch --array=0-1 tools/slurm/sweep.sbatch (4 runs, 2 shards)"
start=$(date +%s)
sbatch --wait --array=0-1 --cpus-per-task=1 --mem-per-cpu=512M --output="$STATE/log/slurm-%A_%a.out" \
  --export=ALL,V2XSIM="$V2XSIM" tools/slurm/sweep.sbatch "$SWEEP" "$OUT"
log "array done in $(($(date +%s) - start)) s; task logs: $STATE/log/slurm-*.out"

# 6. The merged manifest: every run once, complete, each shard's manifest present.
ls "$OUT"/manifest-shard-*-of-2.csv
/usr/bin/python3 - "$OUT" <<'PY'
import sys
sys.path.insert(0, "analysis")
import compare
m = compare.read_manifests(sys.argv[1])
print(m[["index", "run", "status", "messages_delivered"]].to_string(index=False))
assert len(m) == 4, f"{len(m)} runs in the merged manifest, expected 4"
assert sorted(m["index"]) == [0, 1, 2, 3]
assert (m["status"] == "complete").all(), m["status"].tolist()
print("one_node: merged manifest ok: 4 runs complete over 2 array tasks")
PY
log "stop the daemons with: $0 stop"
