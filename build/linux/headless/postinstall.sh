#!/bin/sh
# After install or upgrade: the service's user, its data folder, and systemd
# told about the unit. An upgrade restarts a running service; the database
# in /var/lib/netpulse is kept as it is.
set -e

if ! getent group netpulse >/dev/null; then
	groupadd --system netpulse
fi
if ! getent passwd netpulse >/dev/null; then
	useradd --system --gid netpulse --home-dir /var/lib/netpulse --no-create-home \
		--shell /usr/sbin/nologin --comment "Net-Pulse traffic monitor" netpulse
fi
# systemd creates it too (StateDirectory=); this is for the first start
# before systemd has, and for systems without systemd.
mkdir -p /var/lib/netpulse
chown netpulse:netpulse /var/lib/netpulse
chmod 0750 /var/lib/netpulse

if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null || true
	# deb passes "configure" with the old version on upgrade; rpm passes 2.
	if [ -n "$2" ] || [ "$1" = 2 ]; then
		systemctl try-restart netpulse.service >/dev/null || true
	fi
fi
exit 0
