package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Config is the command line and environment, parsed and checked once.
type Config struct {
	Headless      bool
	Listen        string
	DataDir       string
	Interval      time.Duration
	FlushInterval time.Duration
	Password      string
	HostProc      string
	StartHidden   bool
	Healthcheck   bool
	ShowVersion   bool
	Version       string
	// A rate alert: an interface receiving or sending at least
	// RateAlertBps bytes per second for RateAlertFor (0: none).
	RateAlertBps int64
	RateAlertFor time.Duration

	// AllowedHosts are names, besides addresses and names no public DNS
	// serves, through which a server listening beyond loopback without a
	// password takes changes (a reverse proxy's public name): anything
	// else may be a DNS-rebinding page's.
	AllowedHosts []string

	// DockerContainers and PodmanContainers are read-only mounts of the
	// runtimes' metadata folders, read for containers' names only.
	DockerContainers string
	PodmanContainers string

	// TestMarkers has the desktop app print a line on stdout at each step
	// of its lifecycle, which the desktop tests wait for instead of
	// sleeping (env NETPULSE_TEST_MARKERS=1).
	TestMarkers bool
}

// Limits of the command line values.
const (
	minInterval      = time.Second
	maxInterval      = 60 * time.Second
	minFlushInterval = time.Second
	maxFlushInterval = time.Hour
	defaultListen    = "127.0.0.1:8080"
)

// ErrHelp is returned when the user asked for the usage text.
var ErrHelp = flag.ErrHelp

// ParseConfig reads the command line (args without the program name) and
// the environment (getenv). Flags win over environment variables. Errors
// name the flag and what it accepts.
func ParseConfig(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	cfg := Config{
		Listen:   envOr(getenv, "NETPULSE_LISTEN", defaultListen),
		DataDir:  getenv("NETPULSE_DATA_DIR"),
		Password: getenv("NETPULSE_PASSWORD"),
		HostProc: getenv("NETPULSE_HOST_PROC"),

		DockerContainers: getenv("NETPULSE_DOCKER_CONTAINERS"),
		PodmanContainers: getenv("NETPULSE_PODMAN_CONTAINERS"),
		TestMarkers:      ParseTestMarkers(getenv),
	}
	var err error
	if cfg.Headless, err = envBool(getenv, "NETPULSE_HEADLESS"); err != nil {
		return cfg, err
	}
	if cfg.StartHidden, err = envBool(getenv, "NETPULSE_HIDDEN"); err != nil {
		return cfg, err
	}
	interval, flush := envOr(getenv, "NETPULSE_INTERVAL", "1s"), envOr(getenv, "NETPULSE_FLUSH_INTERVAL", "5m")
	allowed := getenv("NETPULSE_ALLOWED_HOSTS")

	fs := flag.NewFlagSet("netpulse", flag.ContinueOnError)
	// A bad flag is one line (main prints the error); the list of flags is
	// for --help only.
	fs.SetOutput(io.Discard)
	fs.BoolVar(&cfg.Headless, "headless", cfg.Headless, "serve the dashboard and API over HTTP, no window, no tray (env NETPULSE_HEADLESS)")
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "HTTP listen address (env NETPULSE_LISTEN)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data folder holding netpulse.db (env NETPULSE_DATA_DIR; default: the OS's per-user data folder)")
	fs.StringVar(&interval, "interval", interval, "poll interval, 1s..60s (env NETPULSE_INTERVAL)")
	fs.StringVar(&flush, "flush-interval", flush, "how often samples are written to disk, 1s..1h (env NETPULSE_FLUSH_INTERVAL)")
	fs.StringVar(&allowed, "allowed-hosts", allowed, "comma-separated host names, besides addresses and local names, through which a server beyond loopback without a password takes changes (env NETPULSE_ALLOWED_HOSTS)")
	fs.StringVar(&cfg.DockerContainers, "docker-containers", cfg.DockerContainers, "read-only Docker metadata folder (/var/lib/docker/containers) for containers' names (env NETPULSE_DOCKER_CONTAINERS)")
	fs.StringVar(&cfg.PodmanContainers, "podman-containers", cfg.PodmanContainers, "read-only folder of podman's containers.json for containers' names (env NETPULSE_PODMAN_CONTAINERS)")
	fs.BoolVar(&cfg.StartHidden, "hidden", cfg.StartHidden, "desktop: start with the window hidden in the tray (env NETPULSE_HIDDEN)")
	fs.BoolVar(&cfg.Healthcheck, "healthcheck", false, "ask the running server's /api/health; exit 0 when healthy, else 1")
	fs.BoolVar(&cfg.ShowVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usage)
			fmt.Fprintln(usage, "Usage of netpulse:")
			fs.PrintDefaults()
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (flags start with --)", fs.Arg(0))
	}
	// An error names what the user set: the flag, or else its variable.
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	source := func(name, env string) string {
		if given[name] || getenv(env) == "" {
			return "--" + name
		}
		return env
	}
	if cfg.Interval, err = parseBounded(source("interval", "NETPULSE_INTERVAL"), interval, minInterval, maxInterval); err != nil {
		return cfg, err
	}
	if cfg.FlushInterval, err = parseBounded(source("flush-interval", "NETPULSE_FLUSH_INTERVAL"), flush, minFlushInterval, maxFlushInterval); err != nil {
		return cfg, err
	}
	if err := checkListen(cfg.Listen); err != nil {
		return cfg, fmt.Errorf("%s: %w", source("listen", "NETPULSE_LISTEN"), err)
	}
	if cfg.AllowedHosts, err = parseHosts(allowed); err != nil {
		return cfg, fmt.Errorf("%s: %w", source("allowed-hosts", "NETPULSE_ALLOWED_HOSTS"), err)
	}
	if cfg.RateAlertBps, cfg.RateAlertFor, err = parseRateAlert(getenv); err != nil {
		return cfg, err
	}
	if cfg.DataDir == "" && !cfg.Healthcheck && !cfg.ShowVersion {
		if cfg.DataDir, err = defaultDataDir(getenv); err != nil {
			return cfg, fmt.Errorf("--data-dir: no default data folder (%v); set --data-dir or NETPULSE_DATA_DIR", err)
		}
	}
	return cfg, nil
}

// parseHosts reads --allowed-hosts: host names separated by commas, in
// lower case, without a trailing dot.
func parseHosts(list string) ([]string, error) {
	var out []string
	for _, h := range strings.Split(list, ",") {
		h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
		switch {
		case h == "" && strings.TrimSpace(list) == "":
			return nil, nil
		case strings.Contains(h, "*"):
			return nil, fmt.Errorf("%q: write .example.com for every name under example.com, without *", h)
		case h == "" || h == "." || strings.ContainsAny(h, " /:@[]") || strings.ContainsFunc(h, func(r rune) bool { return r < '!' || r > '~' }):
			return nil, fmt.Errorf("%q is not a host name (give names without scheme or port, separated by commas)", h)
		}
		out = append(out, h)
	}
	return out, nil
}

// ParseTestMarkers reads NETPULSE_TEST_MARKERS; the desktop app's window
// process, which has no command line of its own to parse, reads it here too.
func ParseTestMarkers(getenv func(string) string) bool {
	return getenv("NETPULSE_TEST_MARKERS") == "1"
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envBool(getenv func(string) string, key string) (bool, error) {
	v := getenv(key)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %q is not a boolean (use true or false)", key, v)
	}
	return b, nil
}

func parseBounded(name, v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := ParseDuration(v)
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("%s: %q is not a duration from %s to %s (for example 1s, 5s, 1m)", name, v, fmtDur(lo), fmtDur(hi))
	}
	if d%time.Second != 0 {
		return 0, fmt.Errorf("%s: %q must be whole seconds", name, v)
	}
	return d, nil
}

func fmtDur(d time.Duration) string {
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

func checkListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not HOST:PORT (for example 127.0.0.1:8080)", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		return fmt.Errorf("host %q is not an IP address or localhost", host)
	}
	return nil
}

// Exposed reports whether the server listens beyond this machine without
// a password: it then manages no notifiers and takes changes only through
// names a DNS-rebinding page cannot use.
func (c Config) Exposed() bool {
	host, _, err := net.SplitHostPort(c.Listen)
	return c.Password == "" && (err != nil || !IsLoopbackHost(strings.Trim(host, "[]")))
}

// IsLoopbackHost reports whether h (a host without port or brackets) names
// this machine only: localhost, a name under .localhost, or a loopback IP.
func IsLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// defaultDataDir is the per-user data folder: $XDG_DATA_HOME or
// ~/.local/share on Linux and BSD, Application Support on macOS, AppData on
// Windows.
func defaultDataDir(getenv func(string) string) (string, error) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "netpulse"), nil
	}
	if xdg := getenv("XDG_DATA_HOME"); xdg != "" {
		return filepath.Join(xdg, "netpulse"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "netpulse"), nil
}

// ParseDuration parses a Go duration ("90s", "15m", "24h"), a number of days
// ("7d", "1.5d" is refused), or whole seconds ("3600").
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > int64(maxDuration/time.Second) {
			return 0, fmt.Errorf("%q is out of range", s)
		}
		return time.Duration(n) * time.Second, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange) || n < 0:
			return 0, fmt.Errorf("%q is not a whole number of days", s)
		case err != nil || n > int64(maxDuration/(24*time.Hour)):
			return 0, fmt.Errorf("%q is out of range", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	if d < 0 || d > maxDuration {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return d, nil
}

// maxDuration keeps parsed durations far from overflowing time arithmetic.
const maxDuration = 100 * 366 * 24 * time.Hour
