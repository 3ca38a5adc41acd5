package collector

import (
	"context"
	"slices"
	"testing"
	"time"
)

const (
	idA = "aaaaaaaa0123456789abcdef0123456789abcdef0123456789abcdef01234567"
	idB = "bbbbbbbb0123456789abcdef0123456789abcdef0123456789abcdef01234567"
	idC = "cccccccc0123456789abcdef0123456789abcdef0123456789abcdef01234567"
	idD = "dddddddd0123456789abcdef0123456789abcdef0123456789abcdef01234567"
)

func TestParseCgroup(t *testing.T) {
	tests := []struct {
		name, text  string
		id, runtime string
	}{
		{"docker systemd v2", "0::/system.slice/docker-" + idA + ".scope\n", idA, "docker"},
		{"docker cgroupfs v1", "12:pids:/docker/" + idA + "\n1:name=systemd:/docker/" + idA + "\n0::/\n", idA, "docker"},
		{"docker cgroupfs v2", "0::/docker/" + idA, idA, "docker"},
		{"private cgroup namespace", "0::/../docker-" + idA + ".scope\n", idA, "docker"},
		{"podman", "0::/machine.slice/libpod-" + idA + ".scope/container\n", idA, "podman"},
		{"podman cgroupfs", "0::/libpod_parent/libpod-" + idA + "\n", idA, "podman"},
		{"containerd", "0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-" + idA + ".scope\n", idA, "containerd"},
		{"cri-o v1", "4:memory:/kubepods.slice/crio-" + idA + ".scope\n", idA, "cri-o"},
		{"nested: the inner container wins", "0::/system.slice/docker-" + idA + ".scope/docker/" + idB + "\n", idB, "docker"},
		{"podman's monitor", "0::/machine.slice/libpod-conmon-" + idA + ".scope\n", "", ""},
		{"short id is not an id", "0::/system.slice/docker-0123456789ab.scope\n", "", ""},
		{"upper-case hex is not an id", "0::/docker/AAAAAAAA0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567\n", "", ""},
		{"podman under a quadlet unit (--cgroups=split)", "0::/system.slice/jellyfin.service/libpod-payload-" + idA + "\n", idA, "podman"},
		{"nerdctl systemd", "0::/system.slice/nerdctl-" + idA + ".scope\n", idA, "containerd"},
		{"nerdctl cgroupfs (containerd's default namespace)", "0::/default/" + idA + "\n", idA, "containerd"},
		{"Kubernetes cgroupfs", "0::/kubepods/besteffort/pod0f2c6a1e-1d2b-4c3a-9e8f-0123456789ab/" + idA + "\n", idA, "kubernetes"},
		{"Kubernetes cgroupfs, guaranteed", "12:memory:/kubepods/pod0f2c6a1e/" + idA + "\n", idA, "kubernetes"},
		{"Kubernetes pod's own cgroup", "0::/kubepods/besteffort/pod0f2c6a1e\n", "", ""},
		{"id under an unknown parent", "0::/system.slice/" + idA + "\n", "", ""},
		{"id under a pod outside kubepods", "0::/pod1/" + idA + "\n", "", ""},
		{"host service", "0::/system.slice/docker.service\n", "", ""},
		{"host session", "0::/user.slice/user-1000.slice/session-2.scope\n", "", ""},
		{"malformed line", "garbage\n0:/docker-" + idA + ".scope\n", "", ""},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := ParseCgroup([]byte(tt.text))
			if ok != (tt.id != "") || c.ID != tt.id || c.Runtime != tt.runtime {
				t.Fatalf("ParseCgroup = %+v, %v; want id %q runtime %q", c, ok, tt.id, tt.runtime)
			}
		})
	}
}

func TestParseStartTime(t *testing.T) {
	tests := []struct {
		name, stat string
		want       uint64
		ok         bool
	}{
		{"plain", "42 (sleep) S 1 42 42 0 -1 4194560 99 0 0 0 0 0 0 0 20 0 1 0 123456 5443584 208 18446744073709551615", 123456, true},
		{"name with spaces and parentheses", "42 (a) b (c) S 1 42 42 0 -1 4194560 99 0 0 0 0 0 0 0 20 0 1 0 777 5443584", 777, true},
		{"truncated", "42 (sleep) S 1 42", 0, false},
		{"no name", "42 sleep S", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseStartTime([]byte(tt.stat))
			if got != tt.want || ok != tt.ok {
				t.Fatalf("parseStartTime = %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCleanContainerName(t *testing.T) {
	for in, want := range map[string]string{
		"jellyfin": "jellyfin", "my_app.web-1": "my_app.web-1", "": "", "bad/name": "",
		"-dash": "", "with space": "", "é": "", "a\nb": "",
	} {
		if got := cleanContainerName(in); got != want {
			t.Errorf("cleanContainerName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPodmanNames(t *testing.T) {
	got := podmanNames("testdata/containers/podman")
	if len(got) != 1 || got[idC] != "cache" {
		t.Fatalf("podmanNames = %v; want only %s: cache (bad/name refused)", got, idC[:12])
	}
}

// A container's entries carry its namespace's incarnation as their Index:
// re-created (a new namespace under the same name, counters from zero) it
// is counted from zero even when its new counters exceed the old ones,
// and its series goes on under the same name.
func TestContainerIncarnations(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name     string
		old, new Counters
		want     uint64
		restart  bool
	}{
		{"same incarnation", Counters{Name: "web/eth0", Index: 11, RxBytes: 1000}, Counters{Name: "web/eth0", Index: 11, RxBytes: 1500}, 500, false},
		{"re-created, counters lower", Counters{Name: "web/eth0", Index: 11, RxBytes: 1000}, Counters{Name: "web/eth0", Index: 22, RxBytes: 300}, 300, true},
		{"re-created, counters higher", Counters{Name: "web/eth0", Index: 11, RxBytes: 1000}, Counters{Name: "web/eth0", Index: 22, RxBytes: 5000}, 5000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracker()
			names := []string{"web/eth0"}
			tr.Update(t0, []Counters{tt.old}, names)
			tr.Update(t0.Add(time.Second), nil, names) // stopped
			ds := tr.Update(t0.Add(2*time.Second), []Counters{tt.new}, names)
			if len(ds) != 1 || ds[0].RxBytes != tt.want || ds[0].Restarted != tt.restart {
				t.Fatalf("deltas = %+v; want rx %d restarted %v", ds, tt.want, tt.restart)
			}
		})
	}
}

// seqSource returns its readings one per Read.
type seqSource struct{ readings [][]Counters }

func (s *seqSource) Read(context.Context, func(string) bool) ([]Counters, error) {
	r := s.readings[0]
	s.readings = s.readings[1:]
	return r, nil
}

func TestPollerExpect(t *testing.T) {
	tests := []struct {
		name   string
		expect bool
		want   []uint64 // rx of the deltas of the second poll
	}{
		{"born between scans: all counted", true, []uint64{700}},
		{"first seen: a baseline", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &seqSource{readings: [][]Counters{nil, {{Name: "web/eth0", Index: 5, RxBytes: 700}}}}
			var got []uint64
			p := NewPoller(src, func(_ context.Context, s Sample) {
				for _, d := range s.Deltas {
					got = append(got, d.RxBytes)
				}
			})
			p.Poll(context.Background())
			p.SetMonitored([]string{"web/eth0"})
			if tt.expect {
				p.Expect([]string{"web/eth0"})
			}
			p.Poll(context.Background())
			if !slices.Equal(got, tt.want) {
				t.Fatalf("deltas rx = %v, want %v", got, tt.want)
			}
		})
	}
}
