#!/usr/bin/env bash
# Installs what Net-Pulse's build and tests need on Debian/Ubuntu: Debian
# packages (browser, X server, D-Bus, WebKitGTK, iproute2, vnstat for the
# side-by-side benchmark), the front end's npm packages and the Go modules.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
	build-essential pkg-config        # cgo for the desktop build
	libgtk-3-dev libwebkit2gtk-4.1-dev # Wails on Linux (WebKitGTK 4.1)
	xvfb xauth x11-utils               # desktop smoke test: a display, window lookup
	dbus dbus-bin                      # tray test: a private session bus
	chromium                           # dashboard end-to-end test
	iproute2 util-linux procps         # veth pairs, namespaces, process figures
	e2fsprogs                          # a small ext4 image for the read-only database test
	vnstat                             # benchmark: the peer measured side by side
	docker-compose                     # docker-compose.yml check (config needs no engine)
	prometheus                         # metrics test: a real Prometheus scrapes, promtool checks deploy/
	ca-certificates tzdata
	nsis p7zip-full                    # release: the Windows installer, and listing its payload
	lintian desktop-file-utils appstream rpm systemd # release: package, desktop entry, metainfo and unit checks
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
if ((${#missing[@]})); then
	echo "installing: ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# vnstat's packaged daemon is not wanted running; the benchmark starts its own.
# Nor is Prometheus's: the metrics test starts its own on loopback.
# Nor at the next boot (Prometheus's package listens on every address).
if command -v service >/dev/null 2>&1; then
	service vnstat stop >/dev/null 2>&1 || true
	service prometheus stop >/dev/null 2>&1 || true
fi
if command -v systemctl >/dev/null 2>&1; then
	$sudo systemctl disable vnstat prometheus >/dev/null 2>&1 || true
fi

go mod download
if [ -f frontend/package-lock.json ]; then
	(cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi
