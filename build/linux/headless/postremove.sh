#!/bin/sh
# Removal keeps the database in /var/lib/netpulse, so a reinstall finds its
# history; purging the deb removes it and the service's user.
set -e
case "$1" in
purge)
	rm -rf /var/lib/netpulse /var/lib/private/netpulse
	if getent passwd netpulse >/dev/null; then userdel netpulse >/dev/null 2>&1 || true; fi
	if getent group netpulse >/dev/null; then groupdel netpulse >/dev/null 2>&1 || true; fi
	;;
esac
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
