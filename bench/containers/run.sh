#!/bin/bash
# Daemon cost with many containers: N containers built from parts (a
# network namespace, a veth pair, a sleep inside, a cgroup named like
# Docker's on the cgroup v2 mount), netpulse recording every container
# beside vnstatd watching the N host-side veth ends, for SECONDS seconds.
# Prints CPU (µs per second, from every thread's schedstat), RSS and the
# database's size. Needs root, vnstat and a built bin/netpulse.
#
#   bench/containers/run.sh [N] [SECONDS]
set -euo pipefail
N=${1:-50}
SECS=${2:-120}
BIN=${NETPULSE_BIN:-bin/netpulse}
V2=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
[ -n "$V2" ] || { echo "no cgroup v2 mount" >&2; exit 1; }
WORK=$(mktemp -d /tmp/np20-bench.XXXXXX)
PIDS=()
SLICE_MADE=""
[ -d "$V2/system.slice" ] || { mkdir "$V2/system.slice"; SLICE_MADE=1; }

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for i in $(seq 1 "$N"); do
		ip link del "np20c${i}h" 2>/dev/null || true
		ip netns del "np20c${i}-ns" 2>/dev/null || true
	done
	rmdir "$V2"/system.slice/docker-*np20*.scope 2>/dev/null || true
	for d in $(cat "$WORK/cgroups" 2>/dev/null); do rmdir "$d" 2>/dev/null || true; done
	[ -z "$SLICE_MADE" ] || rmdir "$V2/system.slice" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

ifaces=()
for i in $(seq 1 "$N"); do
	ns="np20c${i}-ns" host="np20c${i}h"
	ip netns add "$ns"
	ip link add "$host" type veth peer name eth0 netns "$ns"
	ip link set "$host" up
	ip -n "$ns" link set eth0 up
	id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	cg="$V2/system.slice/docker-$id.scope"
	mkdir "$cg"
	echo "$cg" >>"$WORK/cgroups"
	ip netns exec "$ns" sleep 100000 &
	PIDS+=($!)
	echo $! >"$cg/cgroup.procs"
	ifaces+=("$host")
done

# vnstatd at its finest intervals, as in the soak (bench/soak).
mkdir -p "$WORK/vnstat"
cat >"$WORK/vnstat.conf" <<CONF
DatabaseDir "$WORK/vnstat"
UpdateInterval 2
PollInterval 2
SaveInterval 1
OfflineSaveInterval 1
UseLogging 0
AlwaysAddNewInterfaces 0
CONF
vnstatd --initdb --config "$WORK/vnstat.conf" >/dev/null
for h in "${ifaces[@]}"; do vnstat --config "$WORK/vnstat.conf" --add -i "$h" >/dev/null; done
vnstatd -n --noadd --config "$WORK/vnstat.conf" >"$WORK/vnstat.log" 2>&1 &
VN=$!
PIDS+=($VN)

"$BIN" --headless --listen 127.0.0.1:0 --data-dir "$WORK/np" >"$WORK/np.log" 2>&1 &
NP=$!
PIDS+=($NP)

cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s}'; }
sleep 20 # both at work: the first scan, vnstatd's first save
a_np=$(cpu_ns $NP) a_vn=$(cpu_ns $VN)
sleep "$SECS"
b_np=$(cpu_ns $NP) b_vn=$(cpu_ns $VN)
found=$(grep -c . <(curl -s "$(grep -o 'http://[0-9.:]*' "$WORK/np.log" | head -1)/api/interfaces" | tr '{' '\n' | grep '"kind":"container"') || true)
echo "containers: $N (listed by netpulse: $found), measured for $SECS s"
echo "netpulse CPU: $(( (b_np - a_np) / 1000 / SECS )) µs/s; vnstatd (${#ifaces[@]} interfaces): $(( (b_vn - a_vn) / 1000 / SECS )) µs/s"
echo "netpulse RSS: $(awk '/VmRSS/ {print $2}' /proc/$NP/status) kB (peak $(awk '/VmHWM/ {print $2}' /proc/$NP/status) kB)"
kill -TERM $NP; wait $NP 2>/dev/null || true
echo "netpulse database after the run: $(du -sk "$WORK/np" | cut -f1) kB"
