package collector

import (
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
)

// readNetDev reads this namespace's net/dev the old way, with each
// interface's ifindex from sysfs: what linkStats must agree with.
func readNetDev(t *testing.T) map[string]Counters {
	t.Helper()
	b, err := os.ReadFile("/proc/self/net/dev")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ParseNetDev(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := &procSource{paths: DefaultPaths("")}
	m := map[string]Counters{}
	for _, c := range cs {
		c.Index = src.ifindex(c.Name)
		m[c.Name] = c
	}
	return m
}

func readLinkStats(t *testing.T, l *linkStats) map[string]Counters {
	t.Helper()
	cs, err := l.read(nil, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Counters{}
	for _, c := range cs {
		m[c.Name] = c
	}
	return m
}

// TestLinkStatsBetweenNetDevReadings reads every interface of this host
// over rtnetlink between two readings of net/dev: each counter lies between
// the two (they are equal on an idle interface), under the same name and
// ifindex.
func TestLinkStatsBetweenNetDevReadings(t *testing.T) {
	for _, m := range readModes {
		t.Run(m.name, func(t *testing.T) { testLinkStatsBetweenNetDevReadings(t, m.perAsked) })
	}
}

// readModes are the two ways a poll reads: by ifindex, and by listing
// every interface (see dumpPerAsked); which one the daemon takes depends
// on how many interfaces the host has, so the tests take each.
var readModes = []struct {
	name     string
	perAsked int
}{
	{"asked by ifindex", 0},
	{"listed whole", 1 << 20},
}

func testLinkStatsBetweenNetDevReadings(t *testing.T, perAsked int) {
	l, err := openLinkStats()
	if err != nil {
		t.Skip(err)
	}
	defer l.close()
	l.dumpPerAsked = perAsked
	for i := range 3 { // the first dumps, the next ask by ifindex
		before := readNetDev(t)
		got := readLinkStats(t, l)
		after := readNetDev(t)
		if i > 0 && !l.fresh {
			t.Log("a link changed on this host during the test: this reading was a dump")
		}
		if len(got) != len(before) {
			t.Errorf("rtnetlink lists %d interfaces, net/dev %d", len(got), len(before))
		}
		for name, b := range before {
			g, a := got[name], after[name]
			if g.Index != b.Index {
				t.Errorf("%s: ifindex %d, sysfs says %d", name, g.Index, b.Index)
			}
			for _, f := range []struct {
				field   string
				b, g, a uint64
			}{
				{"rx bytes", b.RxBytes, g.RxBytes, a.RxBytes},
				{"tx bytes", b.TxBytes, g.TxBytes, a.TxBytes},
				{"rx packets", b.RxPackets, g.RxPackets, a.RxPackets},
				{"tx packets", b.TxPackets, g.TxPackets, a.TxPackets},
				{"rx errors", b.RxErrors, g.RxErrors, a.RxErrors},
				{"tx errors", b.TxErrors, g.TxErrors, a.TxErrors},
				{"rx drops", b.RxDrops, g.RxDrops, a.RxDrops},
				{"tx drops", b.TxDrops, g.TxDrops, a.TxDrops},
			} {
				if f.g < f.b || f.g > f.a {
					t.Errorf("%s %s: rtnetlink %d, net/dev %d then %d", name, f.field, f.g, f.b, f.a)
				}
			}
		}
	}
}

// TestLinkStatsFollowVethChanges moves different amounts each way across
// a veth pair and makes its host end drop packets, then renames it and
// re-creates it: rtnetlink's reading equals net/dev's to the byte at each
// step, under the current name and ifindex.
func TestLinkStatsFollowVethChanges(t *testing.T) {
	if err := testnet.ForTests(); err != nil {
		t.Skip(err)
	}
	for _, m := range readModes {
		t.Run(m.name, func(t *testing.T) { testLinkStatsFollowVethChanges(t, m.perAsked) })
	}
}

func testLinkStatsFollowVethChanges(t *testing.T, perAsked int) {
	p := testnet.NewPair("npnl")
	if err := p.Up(false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Down)
	l, err := openLinkStats()
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	l.dumpPerAsked = perAsked
	// Each step reads until a reading is a steady poll's: after a link
	// change a dump lists the interfaces afresh, and the kernel may tell
	// of a change late (a new link's carrier comes up a moment after it),
	// so a few readings may; one that never stops dumping fails.
	same := func(step, name string) Counters {
		t.Helper()
		var got Counters
		for i := range 5 {
			dumps := l.dumps
			want, ok := readNetDev(t)[name]
			got = readLinkStats(t, l)[name]
			if !ok || got != want {
				t.Fatalf("%s, reading %d: rtnetlink read %+v, net/dev %+v", step, i+1, got, want)
			}
			if i > 0 && l.fresh && l.dumps == dumps {
				return got
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Errorf("%s: every reading listed the interfaces afresh", step)
		return got
	}
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}

	first := same("new pair", p.Host)
	if err := p.Send(t.Context(), 300_000, 70_000); err != nil {
		t.Fatal(err)
	}
	ip("-n", p.NS, "link", "set", p.Peer, "down")
	c, err := net.Dial("udp", p.PeerIP+":9")
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		c.Write(make([]byte, 100)) // the peer is down: the host end drops them
		time.Sleep(time.Millisecond)
	}
	c.Close()
	sent := same("after traffic and drops", p.Host)
	if sent.RxBytes-first.RxBytes < 300_000 || sent.TxBytes-first.TxBytes < 70_000 || sent.TxDrops == first.TxDrops {
		t.Errorf("the test made too little happen: %+v -> %+v", first, sent)
	}

	ip("link", "set", p.Host, "down")
	ip("link", "set", p.Host, "name", "npnlrenamed")
	renamed := same("renamed", "npnlrenamed")
	if renamed.Index != sent.Index {
		t.Errorf("renamed: ifindex %d, was %d", renamed.Index, sent.Index)
	}
	if _, ok := readLinkStats(t, l)[p.Host]; ok {
		t.Errorf("%s is still read under its old name", p.Host)
	}
	// As the daemon reads: only the monitored name is selected, and while
	// it is away no interface is asked for, so no reply brings the news of
	// its return.
	only := func() []Counters {
		t.Helper()
		cs, err := l.read(nil, func(n string) bool { return n == p.Host })
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	for range 2 {
		if cs := only(); len(cs) != 0 {
			t.Errorf("while renamed away, reading %s alone gave %+v", p.Host, cs)
		}
	}
	ip("link", "set", "npnlrenamed", "name", p.Host)
	if cs, want := only(), readNetDev(t)[p.Host]; len(cs) != 1 || cs[0] != want {
		t.Errorf("renamed back, reading %s alone gave %+v; net/dev %+v", p.Host, cs, want)
	}
	if err := p.Recreate(); err != nil {
		t.Fatal(err)
	}
	again := same("re-created", p.Host)
	if again.Index == sent.Index {
		t.Errorf("re-created: same ifindex %d", again.Index)
	}
}

// The container scan skips its walk of /proc while the host's polls see no
// link change (Containers.Due): a veth pair made, as a container runtime
// makes one, must count as one.
func TestLinkChangesCountNewInterfaces(t *testing.T) {
	if err := testnet.ForTests(); err != nil {
		t.Skip(err)
	}
	src := NewSource(DefaultPaths("")).(*procSource)
	read := func() (uint64, bool) {
		t.Helper()
		if _, err := src.Read(t.Context(), func(n string) bool { return n == "lo" }); err != nil {
			t.Fatal(err)
		}
		return src.LinkChanges()
	}
	first, ok := read()
	if !ok || first == 0 {
		t.Fatalf("after the first poll: %d changes, watching %v; want at least one, watching", first, ok)
	}
	if n, _ := read(); n != first {
		t.Errorf("a poll with no link change counted one: %d -> %d", first, n)
	}
	p := testnet.NewPair("nplc")
	if err := p.Up(false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Down)
	made, ok := read()
	if !ok || made == first {
		t.Errorf("a veth pair made: %d -> %d changes (watching %v)", first, made, ok)
	}
	if n, _ := read(); n != made {
		t.Errorf("the poll after the pair counted another change: %d -> %d", made, n)
	}
}
