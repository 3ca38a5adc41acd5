#!/bin/sh
# Before removal (not upgrade): stop the service. Its data stays.
set -e
case "$1" in
remove | 0)
	if [ -d /run/systemd/system ]; then
		systemctl --no-reload disable --now netpulse.service >/dev/null 2>&1 || true
	fi
	;;
esac
exit 0
