#!/bin/sh
# ci/slurm-node.sh start DIR | stop DIR - a single-node Slurm cluster on
# 127.0.0.1 for tests and proofs (tools/doc/remotecache.md, "Slurm"):
# munged, slurmctld and slurmd as root, everything (key, socket, config,
# state, spool, logs) under DIR, on free ports, nothing of the host's
# /etc/slurm or /etc/munge read or changed, no systemd unit started.
#
# start: prints `export SLURM_CONF=DIR/slurm.conf` on success (eval it),
#   exit 0; when Slurm cannot start here, says why on one line beginning
#   "slurm unavailable:" and exits 3 (the caller skips, saying so).
# stop: stops the three daemons (by the pids this script recorded).
set -u
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: ci/slurm-node.sh start|stop DIR" >&2; exit 2; }

unavailable() {
	echo "slurm unavailable: $*"
	exit 3
}

stop() {
	for p in slurmd slurmctld munged; do
		[ -s "$dir/$p.pid" ] && kill "$(cat "$dir/$p.pid")" 2>/dev/null
	done
	sleep 0.5
	for p in slurmd slurmctld munged; do
		[ -s "$dir/$p.pid" ] && kill -9 "$(cat "$dir/$p.pid")" 2>/dev/null
		rm -f "$dir/$p.pid"
	done
	return 0
}

if [ "$cmd" = stop ]; then
	stop
	exit 0
fi
[ "$cmd" = start ] || { echo "usage: ci/slurm-node.sh start|stop DIR" >&2; exit 2; }

for b in munged slurmctld slurmd srun sinfo; do
	command -v "$b" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$b" >/dev/null 2>&1 ||
		unavailable "$b not installed (Debian 12: apt-get install --no-install-recommends slurmctld slurmd slurm-client munge)"
done
PATH=$PATH:/usr/sbin:/sbin
[ "$(id -u)" = 0 ] || unavailable "slurmd must run as root to start jobs as their user (this is uid $(id -u))"

mkdir -p "$dir/munge" "$dir/state" "$dir/spool" && chmod 700 "$dir" "$dir/munge" || exit 1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# munge: its own key and socket
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null && chmod 400 "$dir/munge/munge.key"
sock=$dir/munge/munge.socket
munged --force --key-file="$dir/munge/munge.key" --socket="$sock" \
	--pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/seed" \
	>"$dir/munged.out" 2>&1 || unavailable "munged did not start: $(tail -1 "$dir/munged.out" "$dir/munged.log" 2>/dev/null | grep -v '^==' | tail -1)"

cpus=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
cat >"$dir/slurm.conf" <<EOF
ClusterName=krill
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=krillnode NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=krill Nodes=krillnode Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 ||
	{ stop; unavailable "slurmctld did not start: $(tail -1 "$dir/slurmctld.log" 2>/dev/null)"; }
slurmd -f "$SLURM_CONF" -N krillnode >"$dir/slurmd.out" 2>&1 ||
	{ stop; unavailable "slurmd did not start: $(tail -1 "$dir/slurmd.log" 2>/dev/null)"; }
# the node must come up idle
i=0
while [ $i -lt 60 ]; do
	st=$(sinfo -h -N -o %t 2>/dev/null | head -1)
	case $st in idle*) break ;; esac
	i=$((i + 1))
	sleep 0.5
done
case $st in
idle*) ;;
*)
	why=$(tail -1 "$dir/slurmd.log" 2>/dev/null)
	stop
	unavailable "the node did not become idle in 30 s (state '${st:-none}'; slurmd: $why)"
	;;
esac
echo "export SLURM_CONF=$SLURM_CONF"
