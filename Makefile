# Net-Pulse. `make run` builds and starts it; `make test` installs what the
# tests need and runs them all. Parts live in mk/*.mk.

GO      ?= go
# Go 1.26.8 has known standard-library vulnerabilities (govulncheck, see
# RELIABILITY.md); the go command fetches this patched toolchain once.
export GOTOOLCHAIN := go1.27.3
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.DEFAULT_GOAL := build
.PHONY: build run test deps go-test vet cross clean

-include mk/*.mk

## build: the dashboard, then the headless binary bin/netpulse
build: frontend
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/netpulse .

## run: the desktop app where a display and its libraries exist, else the
## headless server on http://127.0.0.1:8080
run: build run-auto

## deps: Debian packages, npm packages and Go modules the build and tests use
deps:
	bash scripts/install-deps.sh

# The browser test drives the binary that embeds the current dashboard.
frontend-e2e: build

## test: everything CI runs
test: deps vet go-test metrics-test opendata-test plans-e2e container-test frontend-test build frontend-e2e desktop-test desktop-windows docker-test reliability-test cross release-test actionlint
	@echo "all test suites passed"

vet:
	$(GO) vet ./...
	$(GO) vet -tags desktop,webkit2_41 ./app/...
	$(GO) vet -tags desktop,production,webkit2_41 ./app/...
	GOOS=windows $(GO) vet -tags desktop,production ./app/...

## go-test: Go unit and integration tests with the race detector; the
## integration tests create veth pairs (NETPULSE_SYSTEM_TESTS=1) and need
## root. The fault, security, load, desktop, metrics, opendata and plans
## suites have targets of their own.
go-test:
	NETPULSE_SYSTEM_TESTS=1 $(GO) test -race -count=1 $$($(GO) list ./... | grep -vE '/test/(reliability|security|load|desktop|metrics|opendata|plans|containers)($$|/)')

## cross: the headless binary for every release platform
CROSS := linux/amd64 linux/arm64 linux/arm/7 darwin/arm64 darwin/amd64 windows/amd64
cross:
	@set -e; for t in $(CROSS); do \
		os=$${t%%/*}; rest=$${t#*/}; arch=$${rest%%/*}; arm=$${rest#*/}; [ "$$arm" = "$$rest" ] && arm=""; \
		ext=""; [ "$$os" = windows ] && ext=.exe; \
		out=bin/cross/netpulse-$$os-$$arch$${arm:+v$$arm}$$ext; \
		echo "build $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch GOARM=$$arm $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $$out .; \
	done

clean:
	rm -rf bin build/bin frontend/e2e/artifacts
