#!/usr/bin/env bash
# Checks what `make release` put in $DIST, as a user would meet it:
#
#   files     every listed file is there, SHA256SUMS names exactly them and
#             verifies; the Linux archive's binary reports the version
#   deb/rpm   lintian finds no errors; the rpm holds the binary and unit
#   desktop   the .desktop entry and AppStream metainfo validate; every
#             hicolor size is a PNG of that size
#   unit      systemd-analyze verify accepts the installed unit
#   service   the headless .deb installed with dpkg -i; the unit's ExecStart
#             run as its User with its Environment and EnvironmentFile, under
#             the hardening a plain root can apply (read-only /, private /tmp,
#             empty /home, its ProtectProc=, no new privileges, no
#             capabilities); it sees other users' processes; it answers
#             /api/health, then the package is removed and reinstalled and the
#             saved selection is still there; purge removes the data
#   windows   the installer is a PE file whose payload holds the desktop exe,
#             which carries the release's version
#   login     the autostart entry is written, validated and removed
#   smoke     the installed desktop binary passes test/desktop
#
# Needs root (dpkg, mounts) and the packages scripts/install-deps.sh
# installs. Usage: make release-test (or DIST=dist bash test/release/run.sh
# after make release).

# No errexit: every step reports, and the summary says what failed.
set -uo pipefail

cd "$(dirname "$0")/../.."
DIST=${DIST:-dist}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}

# shellcheck source=../lib/report.sh
. test/lib/report.sh
quiet() { "$@" >/dev/null; }

[ "$(id -u)" = 0 ] || die "needs root (dpkg -i, mounts)"
for c in lintian desktop-file-validate appstreamcli systemd-analyze rpm 7z setpriv unshare curl dpkg-deb file; do
	command -v "$c" >/dev/null || die "$c is missing: run make deps"
done
[ -f "$DIST/SHA256SUMS" ] || die "$DIST/SHA256SUMS is missing: run make release"

work=$(mktemp -d /tmp/np18-release.XXXXXX)
svc_pid=""
cleanup() {
	[ -n "$svc_pid" ] && kill "$svc_pid" 2>/dev/null
	dpkg --purge netpulse netpulse-desktop >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

arch=$(dpkg --print-architecture)
v=$VERSION

# --- files ----------------------------------------------------------------
want=(
	"netpulse_${v}_linux_amd64.tar.gz" "netpulse_${v}_linux_arm64.tar.gz" "netpulse_${v}_linux_armv7.tar.gz"
	"netpulse_${v}_darwin_arm64.tar.gz" "netpulse_${v}_darwin_amd64.tar.gz" "netpulse_${v}_windows_amd64.zip"
	"netpulse-desktop_${v}_windows_amd64-setup.exe"
)
globs=(
	"netpulse_*_amd64.deb" "netpulse_*_arm64.deb" "netpulse_*_armhf.deb"
	"netpulse-*.x86_64.rpm" "netpulse-*.aarch64.rpm" "netpulse-*.armv7hl.rpm"
	"netpulse-desktop_*_${arch}.deb"
)
for g in "${globs[@]}"; do
	m=$(cd "$DIST" && compgen -G "$g" | grep -v '^netpulse-desktop.*\.rpm$' | head -n 1)
	[ -n "$m" ] && want+=("$m") || fail "no $g in $DIST"
done
for f in "${want[@]}"; do
	check "$f is there and not empty" test -s "$DIST/$f"
done
check "SHA256SUMS verifies" bash -c "cd '$DIST' && sha256sum --quiet -c SHA256SUMS"
listed=$(awk '{print $2}' "$DIST/SHA256SUMS" | sort)
present=$(cd "$DIST" && ls -p | grep -v / | grep -vx SHA256SUMS | sort)
check "SHA256SUMS names every file in $DIST and no other" test "$listed" = "$present"
if [ "$listed" != "$present" ]; then diff <(echo "$listed") <(echo "$present"); fi
check "SHA256SUMS covers the ${#want[@]} release files" test "$(echo "$listed" | wc -l)" -ge "${#want[@]}"

tar -C "$work" -xzf "$DIST/netpulse_${v}_linux_amd64.tar.gz"
check "the linux amd64 archive's binary says its version" \
	test "$("$work/netpulse_${v}_linux_amd64/netpulse" --version)" = "netpulse $v"
check "the windows archive holds netpulse.exe" bash -c \
	"7z l '$DIST/netpulse_${v}_windows_amd64.zip' | grep -q 'netpulse_${v}_windows_amd64/netpulse.exe'"

# --- packages -------------------------------------------------------------
for deb in "$DIST"/*.deb; do
	out=$(lintian --fail-on error --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges')
	rc=${PIPESTATUS[0]}
	[ -n "$out" ] && echo "$out" | sed 's/^/    /'
	check "lintian: no errors in $(basename "$deb")" test "$rc" = 0
done
rpmfile=$(ls "$DIST"/netpulse-*.x86_64.rpm 2>/dev/null | head -n 1)
check "the rpm holds the binary, the unit and the environment file" bash -c \
	"rpm -qpl '$rpmfile' | grep -qx /usr/bin/netpulse && rpm -qpl '$rpmfile' | grep -qx /usr/lib/systemd/system/netpulse.service && rpm -qpc '$rpmfile' | grep -qx /etc/default/netpulse"
check "the rpm installs the environment file readable by root alone" bash -c \
	"rpm -qplv '$rpmfile' | grep -q '^-rw-------  *1 root  *root .* /etc/default/netpulse$'"

# --- desktop package contents ---------------------------------------------
desk=$(ls "$DIST"/netpulse-desktop_*_"$arch".deb 2>/dev/null | head -n 1)
dpkg-deb -x "$desk" "$work/desktop"
id=io.github.netpulse.NetPulse
check "desktop-file-validate accepts the desktop entry" \
	desktop-file-validate "$work/desktop/usr/share/applications/$id.desktop"
check "appstreamcli validate --no-net accepts the metainfo" \
	appstreamcli validate --no-net "$work/desktop/usr/share/metainfo/$id.metainfo.xml"
for n in 16 24 32 48 64 128 256 512; do
	check "hicolor ${n}x${n} icon is a ${n} x ${n} PNG" bash -c \
		"file '$work/desktop/usr/share/icons/hicolor/${n}x${n}/apps/$id.png' | grep -q 'PNG image data, $n x $n'"
done
check "the desktop package depends on WebKitGTK 4.1" bash -c \
	"dpkg-deb -f '$desk' Depends | grep -q libwebkit2gtk-4.1-0"
check "the desktop package holds the resident and its window program" bash -c \
	"test -x '$work/desktop/usr/bin/netpulse-desktop' && test -x '$work/desktop/usr/bin/netpulse-desktop-window'"

# --- headless package: install, run the unit as written, reinstall --------
deb=$(ls "$DIST"/netpulse_*_"$arch".deb | head -n 1)
dpkg --purge netpulse >/dev/null 2>&1
check "dpkg -i installs the headless package" quiet dpkg -i "$deb"
unit=/usr/lib/systemd/system/netpulse.service
# verify only warns about unknown keys and bad values: any output fails.
verify_out=$(systemd-analyze verify "$unit" 2>&1)
check "systemd-analyze verify accepts the unit, without a warning" test $? = 0 -a -z "$verify_out"
[ -n "$verify_out" ] && echo "$verify_out" | sed 's/^/    /'
check "the service's user exists" quiet id netpulse
check "the state directory belongs to it" test "$(stat -c %U "/var/lib/netpulse")" = netpulse
check "the environment file, which may hold the password, is root's alone" \
	test "$(stat -c '%a %U' /etc/default/netpulse)" = "600 root"

# The unit's own settings, read from the installed file.
key() { sed -n "s/^$1=//p" "$unit"; }
exec_start=$(key ExecStart | head -n 1)
user=$(key User)
envs=$(key Environment | tr '\n' ' ')
envfile=$(key EnvironmentFile | sed 's/^-//')
check "the unit runs as its own user, not root" test -n "$user" -a "$user" != root
check "the unit listens on loopback by default" bash -c "echo '$envs' | grep -q 'NETPULSE_LISTEN=127.0.0.1:'"

# A free port, set the way an administrator would: in the environment file.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18018)
echo "NETPULSE_LISTEN=127.0.0.1:$port" >>"$envfile"

# ProtectProc= is hidepid= on the service's own /proc ("default" is off).
hidepid=$(key ProtectProc)
[ -z "$hidepid" ] || [ "$hidepid" = default ] && hidepid=off
start_service() {
	# ProtectSystem=strict, PrivateTmp, ProtectHome, ProtectProc in a mount
	# namespace; NoNewPrivileges, CapabilityBoundingSet= and User= through
	# setpriv.
	# shellcheck disable=SC2086
	HIDEPID=$hidepid unshare --mount --propagation private sh -c '
		mount -t proc -o "hidepid=$HIDEPID" proc /proc &&
		mount --bind /var/lib/netpulse /var/lib/netpulse &&
		mount -o remount,bind,ro / &&
		mount -t tmpfs -o mode=1777 tmpfs /tmp &&
		mount -t tmpfs -o mode=1777 tmpfs /var/tmp &&
		mount -t tmpfs -o mode=0755 tmpfs /home &&
		mount -t tmpfs -o mode=0700 tmpfs /root &&
		exec "$@"' sh \
		setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
		--bounding-set=-all --inh-caps=-all \
		env -i PATH=/usr/bin:/bin $envs $(grep -E '^[A-Z_]+=' "$envfile") $exec_start \
		>"$work/service.log" 2>&1 &
	svc_pid=$!
}
health() { # waits up to 20 s for a healthy answer
	local i
	for i in $(seq 1 40); do
		curl -fsS "http://127.0.0.1:$port/api/health" 2>/dev/null | grep -q '"status":"ok"' && return 0
		sleep 0.5
	done
	return 1
}
stop_service() {
	kill -TERM "$svc_pid" 2>/dev/null
	wait "$svc_pid"
	local rc=$?
	svc_pid=""
	return $rc
}

start_service
if check "the service answers /api/health on 127.0.0.1:$port" health; then
	check "the service's process runs as $user with no capabilities" bash -c \
		"p=\$(pgrep -u '$user' -f '^/usr/bin/netpulse' | head -n 1); [ -n \"\$p\" ] && grep -q '^CapBnd:.0000000000000000' /proc/\$p/status && grep -q '^NoNewPrivs:.1' /proc/\$p/status"
	# Containers are found through other users' /proc/PID (net/dev,
	# cgroup, stat): a /proc that hides them hides every container.
	check "the service's user sees other users' processes in the unit's /proc, as finding containers needs" \
		nsenter -t "$svc_pid" -m setpriv --reuid="$user" --regid="$user" --clear-groups \
		sh -c 'test -r /proc/1/cgroup && test -r /proc/1/stat && test -e /proc/1/net/dev'
	check "a setting is saved" bash -c \
		"curl -fsS -H 'Content-Type: application/json' -d '{\"interfaces\":[\"lo\"]}' http://127.0.0.1:$port/api/config/monitored_interfaces | grep -q '\"lo\"'"
else
	sed 's/^/    /' "$work/service.log"
fi
check "SIGTERM stops the service cleanly" stop_service
check "the database is in the state directory" test -s /var/lib/netpulse/netpulse.db

check "dpkg -r removes the package" quiet dpkg -r netpulse
check "removal keeps the database" test -s /var/lib/netpulse/netpulse.db
check "removal takes the binary" test ! -e /usr/bin/netpulse
check "dpkg -i installs it again" quiet dpkg -i "$deb"
start_service
check "the reinstalled service answers /api/health" health
check "the reinstalled service kept the saved setting" bash -c \
	"curl -fsS http://127.0.0.1:$port/api/config/monitored_interfaces | grep -q '{\"interfaces\":\[\"lo\"\]}'"
check "SIGTERM stops it again" stop_service
check "dpkg --purge removes it" quiet dpkg --purge netpulse
check "purge removes the data and the user" bash -c "test ! -e /var/lib/netpulse && ! id netpulse >/dev/null 2>&1"

# --- windows installer ------------------------------------------------------
setup="$DIST/netpulse-desktop_${v}_windows_amd64-setup.exe"
check "the installer is a PE file" bash -c "file '$setup' | grep -q 'PE32.*MS Windows'"
check "7z lists the desktop exe in the installer's payload" bash -c \
	"7z l '$setup' | grep -q 'netpulse-desktop.exe'"
check "7z lists the uninstaller" bash -c \
	"7z l '$setup' | grep -q 'uninstall.exe' || 7z l '$setup' | grep -q 'Uninstall'"
# Windows shows the exe's own version resource (Properties, Task Manager).
exe_version() {
	7z x -so "$setup" netpulse-desktop.exe 2>/dev/null | python3 -c '
import re, sys
m = re.search(rb"P\0r\0o\0d\0u\0c\0t\0V\0e\0r\0s\0i\0o\0n\0\0\0(?:\0\0)?((?:[0-9.]\0)+)", sys.stdin.buffer.read())
print(m.group(1).decode("utf-16-le") if m else "none")'
}
number=$(echo "$v" | sed -n 's/^v\{0,1\}\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
got=$(exe_version)
check "the installed exe says the release's version (${number:-0.0.0}; got $got)" test "$got" = "${number:-0.0.0}"

# --- start at login on Linux ------------------------------------------------
check "the autostart entry is written, validated and removed" \
	go test -count=1 -run 'TestLinux|TestStartAtLoginBinding' ./internal/autostart ./app/desktop

# --- the installed desktop binary passes the window and tray test ----------
if [ "${NETPULSE_RELEASE_SMOKE:-1}" = 1 ]; then
	check "dpkg -i installs the desktop package" quiet dpkg -i "$desk"
	check "the installed netpulse-desktop passes test/desktop" \
		env NETPULSE_SYSTEM_TESTS=1 NETPULSE_DESKTOP_BIN=/usr/bin/netpulse-desktop NETPULSE_ARTIFACTS="$work/artifacts" \
		go test -count=1 ./test/desktop/
	check "dpkg -r removes the desktop package" quiet dpkg -r netpulse-desktop
fi

finish
