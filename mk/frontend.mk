# Front end: the Svelte + Chart.js dashboard in frontend/, built into
# frontend/dist, which main.go embeds.
#
#   make frontend       npm ci when node_modules is missing or older than
#                       package-lock.json, then build frontend/dist
#   make frontend-test  unit tests (Vitest, jsdom)
#   make frontend-e2e   the dashboard in headless Chromium against bin/netpulse,
#                       with real traffic over a veth pair (needs root)
#
# Usable alone (make -f mk/frontend.mk frontend) or included from the Makefile.

NPM          ?= npm
FRONTEND_DIR ?= frontend
NETPULSE_BIN ?= bin/netpulse
CHROMIUM     ?= /usr/bin/chromium

# npm ci rewrites this file, so it marks when node_modules was last installed.
FRONTEND_STAMP := $(FRONTEND_DIR)/node_modules/.package-lock.json

.PHONY: frontend frontend-test frontend-e2e screenshots

$(FRONTEND_STAMP): $(FRONTEND_DIR)/package-lock.json $(FRONTEND_DIR)/package.json
	cd $(FRONTEND_DIR) && $(NPM) ci --no-audit --no-fund
	touch $@

frontend: $(FRONTEND_STAMP)
	cd $(FRONTEND_DIR) && $(NPM) run build

frontend-test: $(FRONTEND_STAMP)
	cd $(FRONTEND_DIR) && $(NPM) test

# The binary must embed the current dashboard: build it after `make frontend`.
frontend-e2e: $(FRONTEND_STAMP)
	@test -x $(NETPULSE_BIN) || { echo "frontend-e2e: $(NETPULSE_BIN) is missing; build it first (make build)" >&2; exit 1; }
	cd $(FRONTEND_DIR) && NETPULSE_BIN=$(abspath $(NETPULSE_BIN)) CHROMIUM=$(CHROMIUM) UPDATE_SCREENSHOTS=$(UPDATE_SCREENSHOTS) $(NPM) run e2e

# Refresh the README's screenshots from a passing browser run.
screenshots: build
	$(MAKE) frontend-e2e UPDATE_SCREENSHOTS=1
