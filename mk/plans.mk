# Data plans end to end: the real binary, a veth pair and a local webhook
# receiver (thresholds once each across kill -9, retries, a Shoutrrr URL).
# Needs root for the veth pair; about a minute and a half.

.PHONY: plans-e2e

## plans-e2e: data plan alerts end to end over a veth pair (needs root)
plans-e2e:
	NETPULSE_SYSTEM_TESTS=1 $(GO) test -count=1 -v ./test/plans/
