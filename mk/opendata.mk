# Packets, errors and drops against the kernel's counters, and import-vnstat
# against a database the real vnstatd wrote (Debian's vnstat, from make
# deps). Needs root for its veth pairs; about 40 s on 2 cores.
#
#   make opendata-test

GO ?= go

.PHONY: opendata-test
opendata-test:
	NETPULSE_SYSTEM_TESTS=1 $(GO) test -race -count=1 ./test/opendata/
