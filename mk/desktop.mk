# Desktop build: the Wails window and tray binary, and its tests.
#
#   make desktop          Linux: bin/netpulse-desktop (the resident: collector,
#                         storage, tray; pure Go) and bin/netpulse-desktop-window
#                         (the window: cgo, GTK 3 and WebKitGTK 4.1); macOS:
#                         build/bin/Net-Pulse.app
#   make desktop-windows  bin/netpulse-desktop-windows-$(WINDOWS_ARCH).exe,
#                         cross-compiled with CGO_ENABLED=0 (icon and manifest
#                         included)
#   make desktop-test     the window under Xvfb and the tray on a private D-Bus
#                         bus, with traffic over veth pairs (needs root)
#   make run-auto         the desktop app where a display and its libraries
#                         exist, else the headless server; says which and why
#
# The Wails CLI is installed into bin/ at the version go.mod requires: the
# CLI and the library must match. `go build .` without tags never needs any of
# this. Included from the Makefile; it uses the frontend target of
# mk/frontend.mk.

GO            ?= go
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
WAILS_VERSION := $(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) list -m -f '{{.Version}}' github.com/wailsapp/wails/v2 2>/dev/null)
WAILS         := bin/wails-$(WAILS_VERSION)/wails
DESKTOP_BIN   ?= bin/netpulse-desktop
DESKTOP_WIN   := $(DESKTOP_BIN)-window
WINDOWS_ARCH  ?= amd64
UNAME_S       := $(shell uname -s)

# What the Linux build needs, and the command that installs it on Debian and
# Ubuntu (WebKitGTK 4.1: Debian 12+, Ubuntu 22.04+; hence the webkit2_41 tag
# in wails.json).
DESKTOP_PC  := gtk+-3.0 webkit2gtk-4.1
DESKTOP_APT := sudo apt-get install build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev

# bindings are not generated: the dashboard calls window.go.desktop.Desktop
# directly, and the generator would run main.go's headless path. -m leaves
# go.mod alone; -s because `make frontend` already built frontend/dist.
WAILS_BUILD := build -m -s -skipbindings -trimpath -ldflags "-X main.version=$(VERSION)"

.PHONY: desktop desktop-check desktop-windows desktop-test run-auto

$(WAILS):
	@test -n "$(WAILS_VERSION)" || { echo "desktop: go.mod does not require github.com/wailsapp/wails/v2" >&2; exit 1; }
	GOBIN=$(abspath $(dir $@)) $(GO) install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION)

## desktop-check: fail with the install command when the Linux libraries are missing
desktop-check:
ifeq ($(UNAME_S),Linux)
	@command -v pkg-config >/dev/null && pkg-config --exists $(DESKTOP_PC) || { \
		echo "desktop: the GTK 3 and WebKitGTK 4.1 development files are missing." >&2; \
		echo "Install them with:" >&2; \
		echo "  $(DESKTOP_APT)" >&2; \
		exit 1; }
endif

# On Linux the resident is built without Wails: an executable linked with
# WebKitGTK loads its libraries at start, about 40 MB that a tray icon does
# not need. It starts the window program installed next to it.
desktop: desktop-check frontend $(WAILS)
ifeq ($(UNAME_S),Linux)
	$(WAILS) $(WAILS_BUILD) -o $(notdir $(DESKTOP_WIN))
	@# copy, then rename: a running copy of the old binary keeps its file
	cp build/bin/$(notdir $(DESKTOP_WIN)) $(DESKTOP_WIN).new && mv -f $(DESKTOP_WIN).new $(DESKTOP_WIN)
	CGO_ENABLED=0 $(GO) build -tags desktop -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(DESKTOP_BIN).new .
	mv -f $(DESKTOP_BIN).new $(DESKTOP_BIN)
	@echo "built $(DESKTOP_BIN) and $(DESKTOP_WIN)"
else
	$(WAILS) $(WAILS_BUILD) -o $(notdir $(DESKTOP_BIN))
endif

# Wails writes the icon, manifest and version resource into a .syso and
# removes it after the build.
desktop-windows: frontend $(WAILS)
	CGO_ENABLED=0 $(WAILS) $(WAILS_BUILD) -platform windows/$(WINDOWS_ARCH) -o netpulse-desktop.exe
	mkdir -p bin
	cp build/bin/netpulse-desktop.exe bin/netpulse-desktop-windows-$(WINDOWS_ARCH).exe.new
	mv -f bin/netpulse-desktop-windows-$(WINDOWS_ARCH).exe.new bin/netpulse-desktop-windows-$(WINDOWS_ARCH).exe
	@echo "built bin/netpulse-desktop-windows-$(WINDOWS_ARCH).exe"

## desktop-test: needs Xvfb, dbus-daemon and xwininfo (x11-utils); the
## screenshot goes to artifacts/desktop/window.png
desktop-test: desktop
	NETPULSE_SYSTEM_TESTS=1 NETPULSE_DESKTOP_BIN=$(abspath $(DESKTOP_BIN)) NETPULSE_ARTIFACTS=$(abspath artifacts/desktop) \
		$(GO) test -count=1 -v ./test/desktop/
	@# the desktop-tagged unit tests of app/desktop (OS notifications over D-Bus)
	$(GO) test -count=1 -tags desktop,production,webkit2_41 -run 'DBus' ./app/desktop/

# RUN_ARGS are passed to the binary, e.g. make run RUN_ARGS=--hidden
run-auto:
	@why=""; where=""; \
	case "$(UNAME_S)" in \
	Linux) \
		if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then why="no display: DISPLAY and WAYLAND_DISPLAY are unset"; \
		elif ! pkg-config --exists $(DESKTOP_PC) 2>/dev/null; then why="GTK 3 and WebKitGTK 4.1 are missing (install: $(DESKTOP_APT))"; \
		else where="display $${WAYLAND_DISPLAY:-$$DISPLAY}, GTK 3 and WebKitGTK 4.1 found"; fi ;; \
	Darwin) where="macOS" ;; \
	*) why="this Makefile makes the desktop build on Linux and macOS only" ;; \
	esac; \
	if [ -n "$$why" ]; then \
		echo "make run: headless server, because $$why"; \
		exec bin/netpulse $(RUN_ARGS); \
	fi; \
	echo "make run: desktop app with window and tray ($$where)"; \
	$(MAKE) --no-print-directory desktop || exit 1; \
	if [ "$(UNAME_S)" = Darwin ]; then exec open -W build/bin/Net-Pulse.app --args $(RUN_ARGS); fi; \
	exec $(DESKTOP_BIN) $(RUN_ARGS)
