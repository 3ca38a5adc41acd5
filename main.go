// Command netpulse monitors per-interface network traffic: a tray icon and
// window on the desktop, or a dashboard and JSON API over HTTP (--headless).
// This file only wires the parts together.
package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
	_ "time/tzdata" // IANA zones for ?tz= on systems without zoneinfo

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/app/desktop"
	"github.com/netpulse/netpulse/app/web"
	"github.com/netpulse/netpulse/internal/memtrim"
	"github.com/netpulse/netpulse/internal/procs"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

//go:embed all:frontend/dist
var dist embed.FS

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 2 && args[0] == desktop.WindowFlag {
		return runWindow(args[1])
	}
	if len(args) > 0 && args[0] == "import-vnstat" {
		return app.ImportVnStat(context.Background(), args[1:], os.Getenv, os.Stdout, os.Stderr)
	}
	cfg, err := app.ParseConfig(args, os.Getenv, os.Stderr)
	if errors.Is(err, app.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "netpulse:", err)
		return 2
	}
	cfg.Version = version
	switch {
	case cfg.ShowVersion:
		fmt.Println("netpulse", version)
		return 0
	case cfg.Healthcheck:
		return healthcheck(cfg.Listen)
	}
	// One P for the resident process: its work is a few short jobs a
	// second, and with a second P idle each hand-off between goroutines
	// wakes another thread to look for work. A fixed GOMAXPROCS also stops
	// the runtime rereading the cgroup CPU limit every second. Together
	// 5-19 % of the daemon's CPU (PERFORMANCE.md). The environment's
	// GOMAXPROCS, when set, wins. A crowd of HTTP clients widens it again
	// for as long as it stays (internal/procs), so that polls keep time; a
	// browser opens up to six connections per dashboard.
	var gov *procs.Governor
	if os.Getenv("GOMAXPROCS") == "" {
		gov = procs.New(1, runtime.GOMAXPROCS(1), 16, 10*time.Second)
	}

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	assets, _ := fs.Sub(dist, "frontend/dist")

	withWindow := desktop.Build && !cfg.Headless
	if withWindow && !desktop.HasDisplay(os.Getenv) {
		log.Warn("no display (DISPLAY and WAYLAND_DISPLAY are unset): serving the dashboard over HTTP instead of opening a window")
		withWindow = false
	}
	var ln net.Listener
	if !withWindow {
		// Listen before opening the database, so a taken port fails fast.
		if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			log.Error("cannot listen", "addr", cfg.Listen, "err", err)
			return 1
		}
	}
	if withWindow && desktop.FocusRunningInstance(cfg) {
		log.Info("Net-Pulse is already running: showed its window")
		return 0
	}
	svc, err := app.New(cfg, log)
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	memtrim.After(30 * time.Second)
	if withWindow {
		err = desktop.Run(ctx, svc, cfg, assets, log)
	} else {
		log.Info("serving", "url", serveURL(cfg.Listen, ln.Addr()), "version", version)
		if cfg.Exposed() {
			log.Warn("listening beyond this machine without a password: notifiers cannot be managed, and changes and backups " +
				"are taken only through an address, a local name or NETPULSE_ALLOWED_HOSTS; set NETPULSE_PASSWORD to lift both")
		}
		if gov != nil {
			ln = gov.Listener(ln)
		}
		err = web.Serve(ctx, ln, web.NewHandler(svc, cfg, assets, log), log)
	}
	if err != nil {
		log.Error("stopped", "err", err)
	}
	if cerr := svc.Close(); cerr != nil {
		log.Error("shutdown", "err", cerr)
		return 1
	}
	log.Info("stopped; all samples written")
	if err != nil {
		return 1
	}
	return 0
}

// runWindow is the desktop app's window process, which the running app
// starts with the path of its private socket (app/desktop/window.go).
func runWindow(sock string) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	assets, _ := fs.Sub(dist, "frontend/dist")
	if err := desktop.RunWindow(ctx, sock, app.ParseTestMarkers(os.Getenv), assets, log); err != nil {
		log.Error("window", "err", err)
		return 1
	}
	return 0
}

// healthcheck asks the running server's /api/health, for container health
// checks in an image without a shell or curl.
func healthcheck(listen string) int {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "netpulse: --listen:", err)
		return 1
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/api/health")
	if err != nil {
		fmt.Fprintln(os.Stderr, "netpulse: health check:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "netpulse: health check:", resp.Status)
		return 1
	}
	return 0
}

// serveURL is the address to tell the user: the configured one, with the
// port the kernel chose when it was 0.
func serveURL(listen string, addr net.Addr) string {
	host, port, _ := net.SplitHostPort(listen)
	if port == "0" {
		_, port, _ = net.SplitHostPort(addr.String())
	}
	return "http://" + net.JoinHostPort(host, port)
}
