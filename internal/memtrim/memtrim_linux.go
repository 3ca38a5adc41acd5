package memtrim

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// madvPageout (Linux 5.4) unmaps the pages of a range from this process;
// clean file pages stay in the page cache for whoever needs them next.
const madvPageout = 21

// Release unmaps the read-only pages of this executable from the process,
// then turns fault-around off for them, so later faults map only the page
// used. It returns the number of mappings advised; on kernels without
// MADV_PAGEOUT it does nothing.
func Release() int {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// address perms offset dev inode path
		fields := strings.SplitN(sc.Text(), " ", 6)
		if len(fields) < 6 || strings.Contains(fields[1], "w") || strings.TrimSpace(fields[5]) != exe {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, uintptr(a), uintptr(b-a), madvPageout); errno != 0 {
			return n
		}
		unix.Syscall(unix.SYS_MADVISE, uintptr(a), uintptr(b-a), unix.MADV_RANDOM)
		n++
	}
	return n
}
