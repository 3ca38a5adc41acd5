# Per-container counting end to end: containers built from a network
# namespace, a veth pair, a process and a cgroup named like Docker's (cgroup
# v2, and v1 where a v1 hierarchy is mounted), read by a freshly built netpulse
# running as nobody with no capabilities (setpriv). Needs root; about a
# minute and a half, mostly waiting for the 30-second container scan.
#
#   make container-test

GO ?= go

.PHONY: container-test

container-test:
	NETPULSE_SYSTEM_TESTS=1 $(GO) test -count=1 -v ./test/containers
