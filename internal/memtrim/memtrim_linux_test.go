package memtrim

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// exeRSS is the resident size of this executable's read-only mappings, kB.
func exeRSS(t *testing.T) int {
	t.Helper()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total, ours := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 6 && strings.Contains(fields[0], "-"):
			ours = !strings.Contains(fields[1], "w") && strings.Join(fields[5:], " ") == exe
		case ours && fields[0] == "Rss:":
			kb, _ := strconv.Atoi(fields[1])
			total += kb
		}
	}
	return total
}

func TestRelease(t *testing.T) {
	before := exeRSS(t)
	n := Release()
	after := exeRSS(t)
	t.Logf("%d mappings; executable's read-only pages resident: %d kB before, %d kB after", n, before, after)
	if n == 0 {
		t.Skip("this kernel has no MADV_PAGEOUT")
	}
	if after > before/2 {
		t.Errorf("%d kB of %d kB still resident after Release", after, before)
	}
	// The program goes on working: its code comes back as it runs.
	if s := strconv.Itoa(12345); s != "12345" {
		t.Fatal(s)
	}
}
