//go:build !windows

package desktop

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrivChannelFiles(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "")
	data := t.TempDir()
	s, err := listenPriv(data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for path, want := range map[string]os.FileMode{
		s.dir: os.ModeDir | 0o700, s.sock: os.ModeSocket | 0o600, filepath.Join(s.dir, privTokenName): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	if strings.Contains(strings.Join(os.Args, " "), s.token) {
		t.Error("the token is on the command line")
	}

	// A second instance on the same folder finds the first one.
	if _, err := listenPriv(data); !errors.Is(err, errAlreadyRunning) {
		t.Errorf("second listen: %v, want errAlreadyRunning", err)
	}
	c, ok := dialRunning(data)
	if !ok || c.token != s.token {
		t.Errorf("dialRunning: ok=%v", ok)
	}

	// A socket left behind by a process that died is replaced.
	s.ln.(*net.UnixListener).SetUnlinkOnClose(false)
	s.ln.Close()
	s2, err := listenPriv(data)
	if err != nil {
		t.Fatalf("listen over a stale socket: %v", err)
	}
	s2.close()
	if _, err := os.Stat(s2.sock); !os.IsNotExist(err) {
		t.Errorf("close left the socket: %v", err)
	}
}

func TestPrivDirRefusesOthers(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "")
	data := t.TempDir()
	dir := privDir(data)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	s, err := listenPriv(data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("an existing directory kept mode %v", fi.Mode().Perm())
	}
	if os.Getuid() != 0 {
		t.Skip("needs root to make a directory another user owns")
	}
	other := filepath.Join(t.TempDir(), "other")
	os.Mkdir(other, 0o700)
	if err := os.Chown(other, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if err := makePrivDir(other); err == nil {
		t.Error("accepted a directory owned by another user")
	}
}

// privProbeEnv makes the test binary a probe: run as another user, it
// tries to reach the socket and the token named in the variable and prints
// what happened.
const privProbeEnv = "NETPULSE_PRIV_PROBE"

func TestMain(m *testing.M) {
	if sock := os.Getenv(privProbeEnv); sock != "" {
		os.Exit(privProbe(sock))
	}
	os.Exit(m.Run())
}

// privProbe prints "socket:<result> token:<result>".
func privProbe(sock string) int {
	result := func(err error) string {
		if err == nil {
			return "ok"
		}
		if errors.Is(err, os.ErrPermission) {
			return "denied"
		}
		return err.Error()
	}
	c, err := net.Dial("unix", sock)
	if err == nil {
		c.Close()
	}
	_, terr := os.ReadFile(filepath.Join(filepath.Dir(sock), privTokenName))
	os.Stdout.WriteString("socket:" + result(err) + " token:" + result(terr) + "\n")
	return 0
}

// TestPrivChannelRefusesOtherUsers runs a probe as nobody against a real
// channel, and against a world-open copy of it, which shows that the probe
// would get through if the directory let it.
func TestPrivChannelRefusesOtherUsers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to run a probe as nobody")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("needs setpriv (util-linux)")
	}
	// The test binary, where nobody may run it.
	pub, err := os.MkdirTemp("", "netpulse-probe")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(pub)
	os.Chmod(pub, 0o755)
	self, _ := os.Executable()
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(pub, "probe")
	if err := os.WriteFile(probe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(sock string) string {
		cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", probe)
		cmd.Env = []string{privProbeEnv + "=" + sock}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("probe: %v: %s", err, out)
		}
		return strings.TrimSpace(string(out))
	}

	t.Setenv("XDG_RUNTIME_DIR", "")
	data := filepath.Join(pub, "data") // every directory above the channel is open
	os.Mkdir(data, 0o755)
	s, err := listenPriv(data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if got := run(s.sock); got != "socket:denied token:denied" {
		t.Errorf("as nobody: %s, want socket:denied token:denied", got)
	}

	os.Chmod(s.dir, 0o755)
	os.Chmod(s.sock, 0o777)
	os.Chmod(filepath.Join(s.dir, privTokenName), 0o644)
	if got := run(s.sock); got != "socket:ok token:ok" {
		t.Errorf("as nobody, with everything opened: %s; the probe cannot tell a refusal", got)
	}
}

// TestPrivChannelDeepDataFolder: a data folder whose socket path would not
// fit a socket's address (104 bytes on macOS) still gets its channel, in
// a private folder of the user's cache folder.
func TestPrivChannelDeepDataFolder(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "")
	cache, err := os.MkdirTemp("/tmp", "np-cache")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(cache) })
	t.Setenv("XDG_CACHE_HOME", cache) // Linux; macOS takes ~/Library/Caches
	data := filepath.Join(t.TempDir(), strings.Repeat("a-rather-long-folder-name/", 5))
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := listenPriv(data)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer s.close()
	if c, _ := os.UserCacheDir(); len(s.sock) > maxSocketPath || !strings.HasPrefix(s.sock, c) {
		t.Errorf("socket %s (%d bytes)", s.sock, len(s.sock))
	}
	if fi, err := os.Stat(s.dir); err != nil || fi.Mode() != os.ModeDir|0o700 {
		t.Errorf("%s: %v, %v", s.dir, fi.Mode(), err)
	}
	if c, ok := dialRunning(data); !ok || c.token != s.token {
		t.Errorf("a second launch does not find the running app: ok=%v", ok)
	}
	other, err := listenPriv(filepath.Join(data, "other"))
	if err != nil {
		t.Fatalf("another deep folder: %v", err)
	}
	other.close()
	if other.dir == s.dir {
		t.Error("two data folders share one channel")
	}
}
