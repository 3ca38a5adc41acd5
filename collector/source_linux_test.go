package collector

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPreadAll(t *testing.T) {
	for _, size := range []int{0, 100, 4095, 4096, 4097, 20000} {
		want := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
		path := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(path, want, 0o600); err != nil {
			t.Fatal(err)
		}
		fd, err := unix.Open(path, unix.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		var buf []byte
		for range 2 { // the second read reuses the buffer
			if buf, err = preadAll(fd, buf); err != nil || !bytes.Equal(buf, want) {
				t.Errorf("size %d: read %d bytes, %v", size, len(buf), err)
			}
		}
		unix.Close(fd)
	}
}

// TestProcSourceReadsEveryInterface compares a poll's interfaces with the
// kernel's list, which is longer than the kernel's first buffer on hosts
// with many interfaces.
func TestProcSourceReadsEveryInterface(t *testing.T) {
	want, err := os.ReadFile("/proc/self/net/dev")
	if err != nil {
		t.Skip(err)
	}
	src := NewSource(DefaultPaths(""))
	for range 2 {
		cs, err := src.Read(t.Context(), func(string) bool { return true })
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(want), "\n") - 2; len(cs) != n {
			t.Errorf("read %d interfaces, /proc/self/net/dev lists %d", len(cs), n)
		}
		for _, c := range cs {
			if c.Index == 0 {
				t.Errorf("%s: no ifindex", c.Name)
			}
		}
	}
	if src.(*procSource).link == nil {
		t.Error("the poll read net/dev: rtnetlink, the cheaper path, went unused")
	}
}
