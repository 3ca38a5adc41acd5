package collector

import (
	"os"
	"testing"
)

func TestParseNetDev(t *testing.T) {
	vm, err := os.ReadFile("testdata/netdev-vm.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseNetDev(vm, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := 5; len(got) != want {
		t.Fatalf("want %d interfaces, got %d: %+v", want, len(got), got)
	}
	eth0 := got[3]
	want := Counters{Name: "eth0", RxBytes: 655807940, RxPackets: 16325, TxBytes: 986840, TxPackets: 10046}
	if eth0 != want {
		t.Errorf("eth0:\nwant %+v\n got %+v", want, eth0)
	}
	if got[4].Name != "docker0" || got[4].TxDrops != 2 {
		t.Errorf("docker0: want tx drops 2, got %+v", got[4])
	}
}

func TestParseNetDevAwkwardNames(t *testing.T) {
	data, err := os.ReadFile("testdata/netdev-awkward.txt")
	if err != nil {
		t.Fatal(err)
	}
	keep := func(n string) bool { return n != "broken" }
	got, err := ParseNetDev(data, keep)
	if err != nil {
		t.Fatal(err)
	}
	want := []Counters{
		{Name: "lo", RxBytes: 18446744073709551615, RxPackets: 30, TxBytes: 3245, TxPackets: 30},
		{Name: "ibr10:30", RxBytes: 100, RxPackets: 2, TxBytes: 200, TxPackets: 4},
		{Name: "wlan0", RxBytes: 10437182923, RxPackets: 7321, RxErrors: 1, RxDrops: 2, TxBytes: 1234567, TxPackets: 1000, TxErrors: 3, TxDrops: 4},
		{Name: "💩0", RxBytes: 5, RxPackets: 1, TxBytes: 6, TxPackets: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("want %d interfaces, got %+v", len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d:\nwant %+v\n got %+v", i, want[i], got[i])
		}
	}
}

func TestParseNetDevErrors(t *testing.T) {
	header := "Inter-|   Receive\n face |bytes\n"
	for name, body := range map[string]string{
		"too few fields":  "eth0: 1 2 3\n",
		"too many fields": "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
		"not a number":    "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n",
		"negative":        "eth0: -1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
		"overflow":        "eth0: 18446744073709551616 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
		"no colon":        "eth0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
		"empty name":      " : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := ParseNetDev([]byte(header+body), nil); err == nil {
				t.Errorf("want an error, got %+v", got)
			}
		})
	}
}

func TestParseNetDevSkipsUnkeptBeforeParsing(t *testing.T) {
	data := "h1\nh2\nbad: x y z\neth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
	got, err := ParseNetDev([]byte(data), func(n string) bool { return n == "eth0" })
	if err != nil || len(got) != 1 || got[0].RxBytes != 1 || got[0].TxBytes != 9 {
		t.Fatalf("want only eth0 (rx 1, tx 9), got %+v, %v", got, err)
	}
}
