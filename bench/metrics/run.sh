#!/usr/bin/env bash
# What serving /metrics costs the daemon: daemons side by side at their
# defaults (1 s polls, 5-minute flushes), each monitoring lo and the
# default-route interface, one of them scraped every 15 s as Prometheus
# would. Prints CPU (precise, from schedstat) and RSS (median of the second
# half) per daemon.
#
#   bench/metrics/run.sh [SECONDS] NAME=BINARY[:scrape] ...
#
# e.g. bench/metrics/run.sh 300 before=/tmp/old/netpulse now=bin/netpulse now-scraped=bin/netpulse:scrape
set -euo pipefail
secs=${1:?seconds}; shift
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
defif=$(ip route show default | awk '{print $5; exit}')
declare -A pid port scrape
n=0
for spec in "$@"; do
	name=${spec%%=*}; rest=${spec#*=}; bin=${rest%%:*}
	[[ $rest == *:scrape ]] && scrape[$name]=1 || scrape[$name]=0
	port[$name]=$((18700 + n)); n=$((n + 1))
	mkdir -p "$work/$name"
	"$bin" --headless --listen "127.0.0.1:${port[$name]}" --data-dir "$work/$name" >"$work/$name.log" 2>&1 &
	pid[$name]=$!
done
sleep 3
for name in "${!pid[@]}"; do
	curl -fsS -H 'Content-Type: application/json' -d "{\"interfaces\":[\"lo\",\"$defif\"]}" \
		"http://127.0.0.1:${port[$name]}/api/config/monitored_interfaces" >/dev/null
done
cpu_ns() { awk '{s+=$1} END {print s}' /proc/"$1"/task/*/schedstat; }
declare -A cpu0
for name in "${!pid[@]}"; do cpu0[$name]=$(cpu_ns "${pid[$name]}"); done
start=$(date +%s)
i=0
while (($(date +%s) - start < secs)); do
	if ((i % 3 == 0)); then
		for name in "${!pid[@]}"; do
			((scrape[$name])) && curl -fsS "http://127.0.0.1:${port[$name]}/metrics" >/dev/null
		done
	fi
	for name in "${!pid[@]}"; do
		awk '/^VmRSS/ {print $2}' /proc/"${pid[$name]}"/status >>"$work/$name.rss"
	done
	sleep 5; i=$((i + 1))
done
elapsed=$(($(date +%s) - start))
printf '%-14s %12s %14s %16s\n' daemon "CPU (s)" "% of a core" "RSS median (kB)"
for name in $(printf '%s\n' "${!pid[@]}" | sort); do
	used=$(( $(cpu_ns "${pid[$name]}") - cpu0[$name] ))
	half=$(( $(wc -l <"$work/$name.rss") / 2 ))
	rss=$(tail -n +"$((half + 1))" "$work/$name.rss" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	awk -v n="$name" -v u="$used" -v e="$elapsed" -v r="$rss" \
		'BEGIN {printf "%-14s %12.4f %13.4f%% %16d\n", n, u/1e9, 100*u/1e9/e, r}'
done
