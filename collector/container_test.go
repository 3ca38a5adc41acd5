package collector

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestContainerNetworkWarning(t *testing.T) {
	const dir = "testdata/container"
	tests := []struct {
		name      string
		proc, sys string // relative to dir; sys "" passes no sysfs
		seen      string // the interface list the warning names; "" expects no warning
	}{
		{"host with ethernet, wifi and docker", "host/proc", "host/sys", ""},
		{"docker bridge container", "docker-bridge/proc", "docker-bridge/sys", "lo, eth0"},
		{"fresh netns, only lo", "netns-lo/proc", "netns-lo/sys", "lo"},
		{"fresh netns, host's sysfs kept", "netns-lo-host-sys/proc", "netns-lo-host-sys/sys", "lo"},
		{"fresh netns, no sysfs", "netns-lo/proc", "", "lo"},
		{"rootful podman", "podman-rootful/proc", "podman-rootful/sys", "lo, eth0"},
		{"rootless podman with pasta", "podman-pasta/proc", "podman-pasta/sys", "lo, enp3s0"},
		{"rootless podman with slirp4netns", "podman-slirp4netns/proc", "podman-slirp4netns/sys", "lo, tap0"},
		{"macvlan container", "docker-macvlan/proc", "docker-macvlan/sys", "lo, eth0"},
		{"host-network container", "host-network/proc", "host-network/sys", ""},
		{"host without sysfs (empty root)", "host-no-sys/proc", "host-no-sys/sys", ""},
		{"container without sysfs: cannot tell", "container-no-sys/proc", "container-no-sys/sys", ""},
		{"sysfs of another namespace: cannot tell", "container-foreign-sys/proc", "container-foreign-sys/sys", ""},
		{"unpaired virtual interface only", "venet/proc", "venet/sys", ""},
		{"host procfs mounted, counters from PID 1", "host-proc/proc/1", "", ""},
		{"host procfs mounted, own namespace", "host-proc/proc/self", "", ""},
		{"host procfs mounted, PID 1 isolated too", "host-proc-isolated/proc/1", "", "lo"},
		{"no procfs", "missing/proc", "missing/sys", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys := ""
			if tt.sys != "" {
				sys = filepath.Join(dir, tt.sys)
			}
			got := ContainerNetworkWarning(filepath.Join(dir, tt.proc), sys)
			if tt.seen == "" {
				if got != "" {
					t.Fatalf("want no warning, got %q", got)
				}
				return
			}
			for _, want := range []string{"(" + tt.seen + ")", "not the host's interfaces", "network_mode: host", "--network host"} {
				if !strings.Contains(got, want) {
					t.Errorf("warning %q does not contain %q", got, want)
				}
			}
		})
	}
}

func TestContainerNetworkWarningMalformed(t *testing.T) {
	proc := t.TempDir()
	if err := os.MkdirAll(filepath.Join(proc, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"empty":        "",
		"headers only": "Inter-|   Receive\n face |bytes\n",
		"no colon":     "Inter-|\n face |\n    lo 1 2 3\n",
	} {
		if err := os.WriteFile(filepath.Join(proc, "net", "dev"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := ContainerNetworkWarning(proc, ""); got != "" {
			t.Errorf("%s: want no warning, got %q", name, got)
		}
	}
}
