# Reliability, security, fuzzing, load and vulnerability checks; what each
# does and the figures they gave are in RELIABILITY.md.
#
#   make reliability-test   the CI set, about 5 minutes on 2 cores (as root):
#                           faults with 5 kills, security, every fuzz target
#                           for 5 s, the short load run, govulncheck
#   make soak               the long set: 50 kills, every fuzz target for a
#                           minute, the full load run (60 s + 120 s), govulncheck
#   make reliability-faults, fuzz, load-test, vulncheck   one part alone;
#                           KILLS=, FUZZTIME=, LOAD=ci|full tune them
#
# Usable alone (make -f mk/reliability.mk soak) or included from the Makefile.

GO       ?= go
KILLS    ?= 5
FUZZTIME ?= 5s
LOAD     ?= ci

# package:target for every fuzz target; -fuzz takes one target at a time.
FUZZ_TARGETS := \
	collector:FuzzParseNetDev collector:FuzzParseRouteIPv4 collector:FuzzParseRouteIPv6 \
	collector:FuzzCounterDelta collector:FuzzTracker \
	app:FuzzParseDuration app:FuzzParseTrafficRequest app:FuzzParseConfig \
	app:FuzzValidateSettings app:FuzzJSONBody app:FuzzTrafficQuery \
	storage:FuzzRawRowUnpack

# govulncheck at a pinned version, against a pinned snapshot of the Go
# vulnerability database. The machines reach no vulnerability service, but
# the database's own repository is a Go module: its data/osv holds every
# report, and its cmd/indexdb writes the "v1" layout govulncheck reads with
# -db file://. govulncheck must be built by the toolchain that builds the
# code (it reads the standard library's source), hence one copy per Go
# version.
GOVULNCHECK_VERSION := v1.9.0
VULNDB_VERSION      := v0.0.0-20261105234957-e22db6528018
VULNDB              := bin/vulndb/$(VULNDB_VERSION)
GOVULNCHECK          = bin/tools/$(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) env GOVERSION)/govulncheck

.PHONY: reliability-test soak reliability-faults fuzz load-test vulncheck

# The recipes filter go test's output through pipes; a failed test must
# still fail the target.
reliability-faults fuzz load-test: SHELL := bash
reliability-faults fuzz load-test: .SHELLFLAGS := -o pipefail -c

reliability-test: reliability-faults fuzz load-test vulncheck
	@echo "reliability suite passed"

soak:
	$(MAKE) reliability-faults KILLS=50
	$(MAKE) fuzz FUZZTIME=1m
	$(MAKE) load-test LOAD=full
	$(MAKE) vulncheck
	@echo "soak passed"

## reliability-faults: kills, full disk, locked/read-only/deleted database,
## clock steps, interface churn (test/reliability, needs root) and the
## server's defences (test/security)
reliability-faults:
	NETPULSE_SYSTEM_TESTS=1 NETPULSE_KILLS=$(KILLS) $(GO) test -count=1 -timeout 20m -v ./test/reliability/... ./test/security/ \
		| grep -E '^(--- |ok |FAIL|PASS|panic)|_test\.go:[0-9]+:'

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) ./$$pkg/ | tail -n 3; \
	done

load-test:
	NETPULSE_SYSTEM_TESTS=1 NETPULSE_LOAD=$(LOAD) $(GO) test -count=1 -timeout 15m -v ./test/load/ \
		| grep -E '^(--- |ok |FAIL|PASS|panic)|_test\.go:[0-9]+:'

vulncheck: $(GOVULNCHECK) $(VULNDB)/index/db.json
	$(GOVULNCHECK) -db file://$(abspath $(VULNDB)) ./...

$(GOVULNCHECK):
	GOBIN=$(abspath $(dir $@)) $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)

$(VULNDB)/index/db.json:
	rm -rf $(VULNDB).tmp
	osv=$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p')/data/osv && \
		$(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$osv" -out $(abspath $(VULNDB).tmp)
	rm -rf $(VULNDB) && mv $(VULNDB).tmp $(VULNDB)
