#!/usr/bin/env bash
# Runs the container image's root the way Docker would, without Docker: built
# by the same make targets as the Dockerfile, started as uid 65532 with no
# new privileges and no capabilities, as PID 1 of its own PID namespace, from
# a read-only root holding only the image's files, /data and /proc.
#
#   A  the host's network namespace: health, --healthcheck, the host's
#      interfaces, a clean stop on SIGTERM, the database file's owner and
#      mode, and a data folder it may not write
#   D  Docker's metadata folder mounted for names but readable by root only
#   B  a fresh network namespace (only lo), listening on 0.0.0.0:8080 as the
#      image does: the container-only-network warning in the log and health
#   C  a namespace holding lo and one end of a veth pair, with its own sysfs,
#      as a Docker bridge container: the same warning
#
# It also checks that docker-compose.yml validates. Needs root, util-linux
# and iproute2; Go (and Node, unless NETPULSE_TEST_SKIP_FRONTEND=1) to build.
# Usage, from anywhere: bash test/container/run.sh

# No errexit: every step reports, and the summary says what failed.
set -uo pipefail

cd "$(dirname "$0")/../.."
APP_UID=65532
MAX_ROOT_BYTES=20000000
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}

# shellcheck source=../lib/report.sh
. test/lib/report.sh

[ "$(id -u)" = 0 ] || die "needs root (namespaces, mounts, chroot)"
for c in unshare nsenter setpriv chroot mount ip make tar; do
	command -v "$c" >/dev/null || die "needs $c"
done

WORK=$(mktemp -d /tmp/netpulse-container-test.XXXXXX)
ROOT=$WORK/root
NETNS=netpulse-test-$$
VETH=np$$h
PIDS=()
cleanup() {
	local p
	trap '' INT TERM # a second signal must not cut the cleanup short
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	# the namespaces' mounts went with their processes; only these outlive them
	ip netns del "$NETNS" 2>/dev/null || true
	ip link del "$VETH" 2>/dev/null || true
	case $WORK in /tmp/netpulse-container-test.*) rm -rf "$WORK" ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build: the Dockerfile's stages, in order --------------------------------

if [ "${NETPULSE_TEST_SKIP_FRONTEND:-0}" != 1 ] && [ -f frontend/package.json ]; then
	echo "# frontend: npm ci && npm run build"
	(cd frontend && npm ci --no-audit --no-fund && npm run build) >"$WORK/frontend.log" 2>&1 ||
		{ tail -n 30 "$WORK/frontend.log" >&2; die "frontend build failed"; }
fi
echo "# binary and root: make -f mk/docker.mk rootfs VERSION=$VERSION"
make -s -f mk/docker.mk rootfs ROOTFS="$ROOT" VERSION="$VERSION" >"$WORK/make.log" 2>&1 ||
	{ tail -n 30 "$WORK/make.log" >&2; die "make rootfs failed"; }

root_bytes=$(du -sb "$ROOT" | cut -f1)
echo "# image root: $root_bytes bytes ($(du -sh --apparent-size "$ROOT" | cut -f1)), $(find "$ROOT" -type f | wc -l) files;" \
	"binary $(stat -c %s "$ROOT/usr/local/bin/netpulse") bytes"
check "image root is under $MAX_ROOT_BYTES bytes ($root_bytes)" test "$root_bytes" -lt "$MAX_ROOT_BYTES"
unexpected=$(cd "$ROOT" && find . -mindepth 1 \( -path ./usr/share/zoneinfo -prune \) -o -print |
	grep -vxE '\./(usr|usr/local|usr/local/bin|usr/local/bin/netpulse|usr/share|etc|etc/passwd|etc/group|etc/ssl|etc/ssl/certs|etc/ssl/certs/ca-certificates\.crt|data|tmp)' || true)
check "image root holds only the binary, CA bundle, zoneinfo, passwd, group, /data, /tmp${unexpected:+ (also: $unexpected)}" \
	test -z "$unexpected"
buildinfo=$(go version -m bin/netpulse)
check "binary is built with CGO_ENABLED=0 and -trimpath" \
	bash -c 'grep -q "CGO_ENABLED=0" <<<"$1" && grep -q -- "-trimpath=true" <<<"$1"' _ "$buildinfo"

# mount points the runtime fills in
mkdir -p "$ROOT/proc" "$ROOT/sys"

# --- helpers -------------------------------------------------------------------

# container_env CMD...: CMD with the environment a container of the image
# has (health checks and docker exec get the same)
container_env() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		NETPULSE_LISTEN="$LISTEN" NETPULSE_DATA_DIR=/data TZ=UTC "$@"
}

# in_root NET SYS DATA CMD...: runs CMD as APP_UID, PID 1 of new mount and PID
# namespaces, chrooted into a read-only bind of ROOT with DATA on /data, a
# fresh /proc and, when SYS=1, a read-only sysfs of the current network
# namespace. NET=new adds a fresh network namespace with lo up.
# IN_NETNS (an array, e.g. ip netns exec NAME) runs it inside another netns.
IN_NETNS=()
in_root() {
	local net=$1 sys=$2 data=$3; shift 3
	local flags=(--mount --pid --fork --kill-child)
	[ "$net" = new ] && flags+=(--net)
	container_env "${IN_NETNS[@]}" unshare "${flags[@]}" -- bash -c '
			set -e
			r=$1 d=$2 net=$3 sys=$4 uid=$5; shift 5
			[ "$net" = new ] && ip link set lo up
			mount --bind "$r" "$r"
			mount --bind "$d" "$r/data"
			mount -t proc -o nosuid,nodev,noexec proc "$r/proc"
			[ "$sys" = 1 ] && mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$r/sys"
			mount -o remount,bind,ro "$r"
			exec setpriv --no-new-privs chroot --userspec="$uid:$uid" --groups="$uid" "$r" "$@"
		' _ "$ROOT" "$data" "$net" "$sys" "$APP_UID" "$@"
}

descendants() {
	local p
	for p in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$p"
		descendants "$p"
	done
}

# netpulse_pid PID: the netpulse process started under PID, once it runs
netpulse_pid() {
	local p
	for _ in $(seq 100); do
		for p in $(descendants "$1"); do
			if [ "$(cat /proc/"$p"/comm 2>/dev/null)" = netpulse ]; then echo "$p"; return 0; fi
		done
		sleep 0.05
	done
	return 1
}

# http_get PID PATH OUT: GET from inside PID's network namespace with bash's
# /dev/tcp (no client needed in the image or on the machine); prints the
# status code, writes the body to OUT.
http_get() {
	local host=${LISTEN%:*} port=${LISTEN##*:}
	[ "$host" = 0.0.0.0 ] && host=127.0.0.1
	nsenter -t "$1" -n timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$3" "$1" >&3
		cat <&3' _ "$host" "$port" "$2" >"$3.raw" 2>/dev/null || { echo 000; return 0; }
	sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$3.raw"
	sed '1,/^\r\{0,1\}$/d' "$3.raw" >"$3"
}

# http_post PID PATH HOST BODY OUT: POSTs the JSON BODY to PATH of the server
# in PID's network namespace as a browser on a page of HOST would (Host,
# Origin, Sec-Fetch-Site: same-origin); prints the status, the body in OUT
http_post() {
	local ip=${LISTEN%:*} port=${LISTEN##*:}
	[ "$ip" = 0.0.0.0 ] && ip=127.0.0.1
	nsenter -t "$1" -n timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "POST %s HTTP/1.0\r\nHost: %s\r\nOrigin: http://%s\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" \
			"$3" "$4" "$4" "${#5}" "$5" >&3
		cat <&3' _ "$ip" "$port" "$2" "$3" "$4" >"$5.raw" 2>/dev/null || { echo 000; return 0; }
	sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$5.raw"
	sed '1,/^\r\{0,1\}$/d' "$5.raw" >"$5"
}

# wait_health PID OUT: polls /api/health until it answers; prints the status
wait_health() {
	local code
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || { echo dead; return 0; }
		code=$(http_get "$1" /api/health "$2")
		[ "$code" != 000 ] && [ -n "$code" ] && { echo "$code"; return 0; }
		sleep 0.2
	done
	echo timeout
}

free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

# start NAME NET SYS [ARG...]: starts the server (with ARGs); sets SRV (the
# process to wait for) and NP (netpulse's own PID)
start() {
	local name=$1 net=$2 sys=$3
	shift 3
	mkdir -p "$WORK/data-$name"
	chown "$APP_UID:$APP_UID" "$WORK/data-$name"
	chmod 700 "$WORK/data-$name"
	in_root "$net" "$sys" "$WORK/data-$name" /usr/local/bin/netpulse --headless "$@" \
		>"$WORK/$name.log" 2>&1 &
	SRV=$!
	PIDS+=("$SRV")
	NP=$(netpulse_pid "$SRV") || { fail "$name: netpulse did not start"; cat "$WORK/$name.log"; return 1; }
	# its namespaces end with it; SRV alone would not take it down
	PIDS+=("$NP")
}

# stop: SIGTERM to netpulse as docker stop sends it to PID 1; sets RC to the
# exit status, or "hung" after 10 s (docker's grace period)
stop() {
	kill -TERM "$NP" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$SRV" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SRV" 2>/dev/null; then RC=hung; return 0; fi
	RC=0
	wait "$SRV" || RC=$?
}

host_links() { ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort -u; }
has_warning() { grep -q "sees only this container's own network" "$1"; }
warnings_of() { grep -oE '"warnings"[[:space:]]*:[[:space:]]*\[[^]]*\]' "$1" || true; }
show_log() { echo "  --- $1 log ---"; sed 's/^/  /' "$WORK/$1.log" | tail -n 20; }

# --- compose file ----------------------------------------------------------------

compose() {
	if docker compose version >/dev/null 2>&1; then
		docker compose "$@"
	elif command -v docker-compose >/dev/null; then
		docker-compose "$@"
	else
		echo "  no compose client: apt-get install docker-compose (it needs no engine for config)"
		return 1
	fi
}
check "docker-compose.yml validates (compose config -q)" compose -f docker-compose.yml config -q
# The monitoring stack: it keeps Net-Pulse's history in the single
# container's volume, and asks for both passwords rather than serving
# Grafana as admin/admin on every address.
stack_config() {
	(cd deploy && env -u NETPULSE_PASSWORD -u GRAFANA_ADMIN_PASSWORD "$@" \
		bash -c "$(declare -f compose); compose -f compose.yml config" 2>&1)
}
check "deploy/compose.yml validates and names Net-Pulse's volume netpulse-data" bash -c \
	"$(declare -f compose stack_config); stack_config NETPULSE_PASSWORD=p GRAFANA_ADMIN_PASSWORD=g | grep -A1 '^  netpulse-data:' | grep -q 'name: netpulse-data'"
check "deploy/compose.yml refuses to start Grafana without GRAFANA_ADMIN_PASSWORD" bash -c \
	"$(declare -f compose stack_config); stack_config NETPULSE_PASSWORD=p | grep -q 'set GRAFANA_ADMIN_PASSWORD'"

# --- A: the host's network namespace ---------------------------------------------

echo "# A: host network namespace"
LISTEN=127.0.0.1:$(free_port)
if start A host 0; then
	code=$(wait_health "$NP" "$WORK/A.health")
	check "A: /api/health answers 200 (got $code)" test "$code" = 200 || show_log A
	uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/"$NP"/status)
	check "A: runs as uid $APP_UID (Uid: $uids)" test "$uids" = "$APP_UID $APP_UID $APP_UID $APP_UID"
	check "A: no capabilities, no new privileges" \
		bash -c 'grep -qx "CapEff:[[:space:]]*0000000000000000" "$1" && grep -qx "NoNewPrivs:[[:space:]]*1" "$1"' _ /proc/"$NP"/status
	root_opts=$(awk '$5 == "/" { print $6 }' /proc/"$NP"/mountinfo | tail -n 1)
	check "A: its root is read-only ($root_opts)" grep -qE '(^|,)ro(,|$)' <<<"$root_opts"
	check "A: is PID 1 of its PID namespace" grep -qE '^NSpid:.*[[:space:]]1$' /proc/"$NP"/status

	hc=0
	container_env nsenter -t "$NP" -m -n -p -r -w -S "$APP_UID" -G "$APP_UID" \
		/usr/local/bin/netpulse --healthcheck >"$WORK/A.hc" 2>&1 || hc=$?
	check "A: netpulse --healthcheck in the same root exits 0 (got $hc)" test "$hc" = 0 || cat "$WORK/A.hc"

	# interfaces that come or go meanwhile (other containers, other tests)
	# are not held against it: only those in both snapshots count
	before=$(host_links)
	code=$(http_get "$NP" /api/interfaces "$WORK/A.ifaces")
	host_names=$(comm -12 <(echo "$before") <(host_links))
	check "A: /api/interfaces answers 200 (got $code)" test "$code" = 200
	api_names=$(grep -oE '"name"[[:space:]]*:[[:space:]]*"[^"]*"' "$WORK/A.ifaces" | sed -E 's/.*"([^"]*)"$/\1/' | sort -u)
	missing=$(comm -23 <(echo "$host_names") <(echo "$api_names"))
	check "A: lists the host's interfaces ($(echo $host_names))${missing:+, missing: $(echo $missing)}" test -z "$missing"
	check "A: no container-network warning in health or log" \
		bash -c '! grep -q "own network" "$1" && ! grep -q "own network" "$2"' _ "$WORK/A.health" "$WORK/A.log"

	stop
	check "A: exits 0 within 10 s of SIGTERM as PID 1 (got $RC)" test "$RC" = 0 || show_log A
	check "A: wrote /data/netpulse.db as uid $APP_UID" \
		test "$(stat -c %u "$WORK/data-A/netpulse.db" 2>/dev/null)" = "$APP_UID"
	mode=$(stat -c %a "$WORK/data-A/netpulse.db" 2>/dev/null)
	check "A: /data/netpulse.db is its owner's alone (mode $mode)" test "$mode" = 600
	# a data folder of the user's own, not given to the image's user (docs/docker.md)
	mkdir -p "$WORK/data-root" && chmod 755 "$WORK/data-root"
	in_root host 0 "$WORK/data-root" /usr/local/bin/netpulse --headless >"$WORK/root-dir.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rc=running
	if ! kill -0 "$pid" 2>/dev/null; then
		rc=0
		wait "$pid" || rc=$?
	fi
	check "A: a folder it may not write stops it at start (exit $rc), naming the file and the reason" \
		bash -c '[ "$1" != running ] && [ "$1" != 0 ] && grep -qF "data folder /data is not writable by this user: open /data/netpulse.lock: permission denied" "$2"' _ "$rc" "$WORK/root-dir.log" ||
		sed 's/^/  /' "$WORK/root-dir.log"
	hc=0
	in_root host 0 "$WORK/data-A" /usr/local/bin/netpulse --healthcheck >/dev/null 2>&1 || hc=$?
	check "A: --healthcheck exits non-zero when nothing answers (got $hc)" test "$hc" != 0
	out=$(in_root host 0 "$WORK/data-A" /usr/local/bin/netpulse --version 2>&1 || true)
	check "A: --version names $VERSION ($out)" grep -qF -- "$VERSION" <<<"$out"
fi

# --- D: Docker's metadata mounted for names, as docs/docker.md shows ---------------

# Docker keeps config.v2.json root's alone (0600 in 0710 folders), which the
# image's user cannot read: it must say so rather than leave names missing.
echo "# D: Docker's metadata folder as Docker keeps it"
LISTEN=127.0.0.1:$(free_port)
meta=$WORK/data-D/docker-containers
id=0123456789ab0123456789ab0123456789ab0123456789ab0123456789ab0123
mkdir -p "$meta/$id" && echo '{"Name":"/jellyfin"}' >"$meta/$id/config.v2.json"
chmod 0710 "$meta" "$meta/$id" && chmod 0600 "$meta/$id/config.v2.json"
if start D host 0 --docker-containers /data/docker-containers; then
	code=$(wait_health "$NP" "$WORK/D.health")
	warned="Docker's containers are named by their short id: open /data/docker-containers: permission denied"
	check "D: health ($code) and log say why names are missing ($(warnings_of "$WORK/D.health"))" \
		bash -c 'grep -qF "$1" "$2" && grep -qF "$1" "$3"' _ "$warned" "$WORK/D.health" "$WORK/D.log" || show_log D
	stop
fi

# --- B: a fresh network namespace, the image's listen address ---------------------

echo "# B: fresh network namespace (only lo), listening on 0.0.0.0:8080"
LISTEN=0.0.0.0:8080
if start B new 0; then
	code=$(wait_health "$NP" "$WORK/B.health")
	check "B: /api/health answers (got $code)" test "$code" = 200 -o "$code" = 503 || show_log B
	check "B: health warns: $(warnings_of "$WORK/B.health")" has_warning "$WORK/B.health"
	check "B: the warning names lo and the fix" \
		grep -q "network (lo), not the host's interfaces.*network_mode: host" "$WORK/B.health"
	check "B: the log warns" has_warning "$WORK/B.log" || show_log B
	hc=0
	container_env nsenter -t "$NP" -m -n -p -r -w -S "$APP_UID" -G "$APP_UID" \
		/usr/local/bin/netpulse --healthcheck >"$WORK/B.hc" 2>&1 || hc=$?
	want=0; [ "$code" = 200 ] || want=1
	check "B: --healthcheck finds the server on 0.0.0.0:8080 through loopback (exit $hc)" test "$hc" = "$want"
	# the image's defaults: every address, no password (README "Security")
	check "B: the log says changes are taken only through addresses and local names" \
		grep -q "changes and backups are taken only through an address, a local name or NETPULSE_ALLOWED_HOSTS" "$WORK/B.log"
	code=$(http_post "$NP" /api/config/settings evil.example.net:8080 '{"theme":"dark"}' "$WORK/B.rebind")
	check "B: a change through a public name is refused (got $code)" \
		bash -c '[ "$1" = 403 ] && grep -q NETPULSE_ALLOWED_HOSTS "$2"' _ "$code" "$WORK/B.rebind"
	code=$(http_post "$NP" /api/config/settings 127.0.0.1:8080 '{"theme":"dark"}' "$WORK/B.change")
	check "B: the same change through the address is taken (got $code)" \
		bash -c '[ "$1" = 200 ] && grep -q "\"theme\":\"dark\"" "$2"' _ "$code" "$WORK/B.change"
	stop
	check "B: exits 0 on SIGTERM (got $RC)" test "$RC" = 0
fi

# --- C: a Docker-bridge-like namespace: lo + veth eth0, own sysfs ------------------

echo "# C: lo and a veth end named eth0, sysfs of that namespace"
LISTEN=127.0.0.1:$(free_port)
make_netns() {
	ip netns add "$NETNS" &&
		ip link add "$VETH" type veth peer name "np$$c" &&
		ip link set "np$$c" netns "$NETNS" &&
		ip -n "$NETNS" link set "np$$c" name eth0 &&
		ip -n "$NETNS" link set lo up &&
		ip -n "$NETNS" link set eth0 up
}
IN_NETNS=(ip netns exec "$NETNS")
if check "C: namespace $NETNS with lo and a veth end named eth0" make_netns && start C host 1; then
	code=$(wait_health "$NP" "$WORK/C.health")
	check "C: /api/health answers (got $code)" test "$code" = 200 -o "$code" = 503 || show_log C
	check "C: health warns: $(warnings_of "$WORK/C.health")" grep -q "own network (lo, eth0)" "$WORK/C.health"
	check "C: the log warns" has_warning "$WORK/C.log" || show_log C
	stop
	check "C: exits 0 on SIGTERM (got $RC)" test "$RC" = 0
fi

finish
