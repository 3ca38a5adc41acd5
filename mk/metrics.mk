# Prometheus metrics, deploy/ and backups, end to end.
#
#   make metrics-test   a real Prometheus (Debian's package) scrapes two
#                       netpulse processes recording traffic on veth pairs;
#                       promtool checks deploy/; a backup taken while
#                       recording is restored (needs root)

.PHONY: metrics-test

metrics-test:
	NETPULSE_SYSTEM_TESTS=1 $(GO) test -count=1 ./test/metrics/
