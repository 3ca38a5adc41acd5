package desktop

// The private channel between the desktop app's resident process (collector,
// storage, tray) and its window process: the HTTP API served on a Unix
// socket in a directory only the user can enter, and every request must
// carry the session's random token. Unix sockets exist on Windows 10 (1803)
// and later too, so all three systems share this code; on Windows the
// directory is in the per-user %AppData%, whose ACL already keeps other
// users out.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/app/web"
)

// WindowFlag starts the desktop app's window process; the resident passes
// the path of its socket.
const WindowFlag = "--window-of"

const (
	privSocketName = "desktop.sock"
	privTokenName  = "desktop.token"
	// privTokenEnv carries the token to the window process: the
	// environment is readable only by the same user, the command line by
	// everyone.
	privTokenEnv = "NETPULSE_WINDOW_TOKEN"
	privTokenHdr = "X-Netpulse-Token"
)

// privDir is where the socket and token live: under $XDG_RUNTIME_DIR when
// it is set (a per-user tmpfs made for this), else in the data folder, or,
// where that path is too long for a socket's address, in the user's cache
// folder, or failing that the temporary folder (makePrivDir refuses one
// another user made). Each data folder has its own, so two instances on
// different folders do not meet.
func privDir(dataDir string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	sum := sha256.Sum256([]byte(abs))
	name := "netpulse-" + hex.EncodeToString(sum[:6])
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
		if fi, err := os.Stat(rt); err == nil && fi.IsDir() {
			return filepath.Join(rt, name)
		}
	}
	fits := func(dir string) bool { return len(filepath.Join(dir, privSocketName)) <= maxSocketPath }
	dir := filepath.Join(abs, "run")
	if fits(dir) {
		return dir
	}
	if cache, err := os.UserCacheDir(); err == nil && fits(filepath.Join(cache, name)) {
		return filepath.Join(cache, name)
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("%s-%d", name, os.Getuid()))
}

// maxSocketPath is the longest socket path every system takes: sun_path
// holds 104 bytes on macOS and the BSDs (108 on Linux), its last a NUL.
const maxSocketPath = 103

// makePrivDir creates dir with mode 0700, or checks that an existing one is
// a real directory owned by this user, and tightens its mode.
func makePrivDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("private channel: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("private channel: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("private channel: %s is not a directory", dir)
	}
	if err := checkOwner(fi); err != nil {
		return fmt.Errorf("private channel: %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("private channel: %w", err)
	}
	return nil
}

// newToken is 32 random bytes, hex-encoded.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// errAlreadyRunning means another process serves the channel in this
// folder: another instance of the app.
var errAlreadyRunning = errors.New("another Net-Pulse instance is running on this data folder")

// privServer is the resident's end: the listener and the token.
type privServer struct {
	dir, sock, token string
	ln               net.Listener
}

// listenPriv creates the directory, the socket and the token file (for a
// second launch of the app, which asks the running one to show its window).
// A socket left by a process that died is replaced; a live one is
// errAlreadyRunning.
func listenPriv(dataDir string) (*privServer, error) {
	dir := privDir(dataDir)
	if err := makePrivDir(dir); err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, privSocketName)
	if c, err := net.Dial("unix", sock); err == nil {
		c.Close()
		return nil, errAlreadyRunning
	}
	os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("private channel: %w", err)
	}
	if err := restrictSocket(sock); err != nil {
		ln.Close()
		return nil, fmt.Errorf("private channel: %w", err)
	}
	s := &privServer{dir: dir, sock: sock, token: newToken(), ln: ln}
	if err := os.WriteFile(filepath.Join(dir, privTokenName), []byte(s.token), 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("private channel: %w", err)
	}
	return s, nil
}

// close stops listening and removes the socket and the token file.
func (s *privServer) close() {
	s.ln.Close()
	os.Remove(s.sock)
	os.Remove(filepath.Join(s.dir, privTokenName))
}

// guard refuses every request without the session's token.
func (s *privServer) guard(next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(s.token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(r.Header.Get(privTokenHdr)))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			web.WriteError(w, http.StatusUnauthorized, "token required")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// privAPI is the HTTP API as the private channel serves it: without the
// password, which the token replaces, and with the Host check of a loopback
// server, which privBase passes.
func privAPI(svc *app.Service, cfg app.Config, assets fs.FS, log *slog.Logger) http.Handler {
	cfg.Password = ""
	cfg.Listen = "127.0.0.1:0"
	return web.NewHandler(svc, cfg, assets, log)
}

// privClient is the window's (or a second launch's) end.
type privClient struct {
	token string
	http  *http.Client
}

// privBase is the URL prefix of every request on the channel: the host name
// is never resolved (the dialer ignores it) but passes the API's loopback
// Host check.
const privBase = "http://localhost"

func newPrivClient(sock, token string) *privClient {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
		MaxIdleConns:       4,
		DisableCompression: true,
	}
	return &privClient{token: token, http: &http.Client{Transport: tr}}
}

// dialRunning connects to the instance running on dataDir, with the token
// it wrote; ok is false when none runs (or it is not ours to reach).
func dialRunning(dataDir string) (c *privClient, ok bool) {
	dir := privDir(dataDir)
	token, err := os.ReadFile(filepath.Join(dir, privTokenName))
	if err != nil {
		return nil, false
	}
	return newPrivClient(filepath.Join(dir, privSocketName), strings.TrimSpace(string(token))), true
}

// request sends one request with the token.
func (c *privClient) request(ctx context.Context, method, path, contentType string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, privBase+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set(privTokenHdr, c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return c.http.Do(req)
}
