# Release: every file a user downloads, built into $(DIST) by one command.
#
#   make release        headless archives (linux amd64/arm64/armv7, darwin
#                       arm64/amd64, windows amd64), the headless server as
#                       .deb and .rpm (amd64, arm64, armv7), the desktop app
#                       as a .deb for this machine's architecture and as a
#                       Windows installer, and SHA256SUMS over them all
#   make desktop-installer  the Windows desktop app and its installer,
#                       build/bin/netpulse-desktop-amd64-setup.exe (makensis)
#   make release-test   make release, then check what it made: lintian,
#                       desktop-file-validate, appstreamcli, systemd-analyze,
#                       the headless .deb installed and its service run,
#                       the installer's payload (needs root)
#   make actionlint     check .github/workflows
#
# The packages are written by internal/release (nfpm as a library) from
# build/linux/*/nfpm.yaml; the Windows installer by Wails' NSIS support from
# build/windows/installer/project.nsi. macOS's .app and .dmg are built by
# .github/workflows/release.yml on a Mac. Included from the Makefile; it uses
# the cross, frontend, desktop and Wails targets of the other parts.

GO       ?= go
DIST     ?= dist
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# Read once, as the Makefile's LDFLAGS are: a file edited during a long
# build must not rename half of the release.
RELEASE_VERSION := $(VERSION)
RELEASE_TOOL := bin/release
# The packages' file times and changelog date: the commit's, so two builds
# of one commit are the same (nfpm reads it; unset, the build's time).
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ACTIONLINT_VERSION := v1.7.12

# The cross target's binaries (bin/cross/netpulse-OS-ARCH) that ship as
# archives, and the Linux ones that ship as packages.
ARCHIVE_TARGETS := linux-amd64 linux-arm64 linux-armv7 darwin-arm64 darwin-amd64 windows-amd64
PACKAGE_ARCHS   := amd64 arm64 armv7
HOST_ARCH       := $(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) env GOARCH)
# Installer versions are numbers only: 1.2.3 from v1.2.3-4-gabc, else 0.0.0.
NSIS_VERSION    := $(or $(shell echo '$(RELEASE_VERSION)' | sed -n 's/^v\{0,1\}\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p'),0.0.0)
INSTALLER       := build/bin/netpulse-desktop-$(WINDOWS_ARCH)-setup.exe

.PHONY: release release-tool desktop-installer release-test actionlint

$(RELEASE_TOOL): $(wildcard internal/release/*.go) internal/release/go.mod internal/release/go.sum
	cd internal/release && $(GO) build -o $(abspath $@) .

release-tool: $(RELEASE_TOOL)

## desktop-installer: the Windows desktop app and its NSIS installer (makensis)
desktop-installer: frontend $(WAILS)
	@command -v makensis >/dev/null || { echo "desktop-installer: makensis is missing (Debian: apt-get install nsis)" >&2; exit 1; }
	printf '!define INFO_PRODUCTVERSION "%s"\n' '$(NSIS_VERSION)' >build/windows/installer/version.nsh
	rm -f $(INSTALLER)
	@# The exe's own version resource comes from wails.json: set for the
	@# build, put back after it.
	cp wails.json bin/wails.json.keep
	sed -i 's/"productVersion": "[^"]*"/"productVersion": "$(NSIS_VERSION)"/' wails.json
	CGO_ENABLED=0 $(WAILS) $(WAILS_BUILD) -platform windows/$(WINDOWS_ARCH) -nsis -installscope user -o netpulse-desktop.exe; \
		rc=$$?; mv bin/wails.json.keep wails.json; exit $$rc
	@test -s $(INSTALLER) || { echo "desktop-installer: wails made no $(INSTALLER)" >&2; exit 1; }

release: frontend cross desktop desktop-installer $(RELEASE_TOOL)
	rm -rf $(DIST) bin/icons
	mkdir -p $(DIST)
	@set -e; for t in $(ARCHIVE_TARGETS); do \
		ext=tar.gz; exe=""; case $$t in windows-*) ext=zip; exe=.exe ;; esac; \
		name=netpulse_$(RELEASE_VERSION)_$$(echo $$t | tr - _); \
		$(RELEASE_TOOL) archive -out $(DIST)/$$name.$$ext -dir $$name \
			netpulse$$exe=bin/cross/netpulse-$$t$$exe README.md=README.md; \
	done
	@set -e; for a in $(PACKAGE_ARCHS); do for p in deb rpm; do \
		$(RELEASE_TOOL) package -config build/linux/headless/nfpm.yaml -packager $$p -arch $$a -version $(RELEASE_VERSION) -out $(DIST); \
	done; done
	$(RELEASE_TOOL) icons -src build/appicon.png -out bin/icons
	$(RELEASE_TOOL) package -config build/linux/desktop/nfpm.yaml -packager deb -arch $(HOST_ARCH) -version $(RELEASE_VERSION) -out $(DIST)
	cp $(INSTALLER) $(DIST)/netpulse-desktop_$(RELEASE_VERSION)_windows_$(WINDOWS_ARCH)-setup.exe
	$(RELEASE_TOOL) sums -dir $(DIST)
	@echo "release $(RELEASE_VERSION) in $(DIST):" && cat $(DIST)/SHA256SUMS

# internal/release is a module of its own, so `go test ./...` leaves it out.
release-test: release
	cd internal/release && $(GO) vet ./... && $(GO) test -count=1 ./...
	DIST=$(DIST) VERSION=$(RELEASE_VERSION) bash test/release/run.sh

# actionlint runs as a Go module at a pinned version; shellcheck is used
# for run: steps when it is installed.
actionlint:
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION) -no-color
