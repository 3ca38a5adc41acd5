# Benchmarks: one command, one table (see PERFORMANCE.md).
#
#   make bench             Go benchmarks, then a $(SOAK) soak of the headless
#                          daemon beside vnstatd on 3 veth interfaces, the
#                          dashboard in headless Chromium and, when
#                          bin/netpulse-desktop exists, the desktop app with
#                          its window hidden; prints one table (needs root)
#   make bench SOAK=2m     a shorter soak
#   make bench-go          the Go benchmarks alone (no root needed)
#
# Results land in $(BENCH_OUT): go.txt, soak.json, table.md, and the
# daemons' databases and logs in soak-run/. Run it on an otherwise idle
# machine: the latencies are wall-clock times. Included from the Makefile;
# it builds the dashboard through mk/frontend.mk.

GO            ?= go
SOAK          ?= 10m
BENCH_OUT     ?= bin/bench
BENCH_COUNT   ?= 5
BENCH_TIME    ?= 1s
# Run on the same machine, one package at a time, so they do not compete.
BENCH_PKGS    := ./collector ./storage ./app ./app/web
BENCH_DESKTOP ?= $(wildcard bin/netpulse-desktop)

.PHONY: bench bench-go bench-build

bench-build:
	@mkdir -p $(BENCH_OUT)
	@$(MAKE) --no-print-directory -f mk/frontend.mk frontend >$(BENCH_OUT)/frontend.log 2>&1 || \
		{ cat $(BENCH_OUT)/frontend.log >&2; exit 1; }
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BENCH_OUT)/netpulse .
	$(GO) build -o $(BENCH_OUT)/soak ./bench/soak
	$(GO) build -o $(BENCH_OUT)/trayhost ./bench/trayhost
	$(GO) build -o $(BENCH_OUT)/table ./bench/table

bench-go:
	@mkdir -p $(BENCH_OUT)
	@echo "Go benchmarks ($(BENCH_COUNT) runs each) → $(BENCH_OUT)/go.txt" >&2
	NETPULSE_SYSTEM_TESTS=1 $(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) -benchtime $(BENCH_TIME) -p 1 $(BENCH_PKGS) >$(BENCH_OUT)/go.txt 2>&1 || \
		{ cat $(BENCH_OUT)/go.txt >&2; exit 1; }

# The desktop app runs from a copy under another name, so that tests which
# stop stray netpulse-desktop processes by name cannot end this one; its
# window program goes beside it, under the name it looks for.
bench: bench-build bench-go
	@rm -f $(BENCH_OUT)/soak.json
	$(if $(BENCH_DESKTOP),cp $(BENCH_DESKTOP) $(BENCH_OUT)/desktop-app)
	$(if $(wildcard $(BENCH_DESKTOP)-window),cp $(BENCH_DESKTOP)-window $(BENCH_OUT)/netpulse-desktop-window)
	$(BENCH_OUT)/soak -duration $(SOAK) -netpulse $(BENCH_OUT)/netpulse \
		-page bench/page/firstchart.mjs -dist frontend/dist \
		$(if $(BENCH_DESKTOP),-desktop $(BENCH_OUT)/desktop-app) -work $(BENCH_OUT)/soak-run -out $(BENCH_OUT)/soak.json
	@echo >&2
	@$(BENCH_OUT)/table -go $(BENCH_OUT)/go.txt -soak $(BENCH_OUT)/soak.json -md $(BENCH_OUT)/table.md
