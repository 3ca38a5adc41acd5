//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat; the
// kernel reports it as 100 on every architecture Linux runs this on.
const clockTicks = 100

// usage is one reading of a process (or a process tree, summed).
type usage struct {
	CPUTicks   int64 // utime+stime, in clock ticks (10 ms)
	CPUNanos   int64 // run time of every thread, from schedstat (ns)
	RSSKB      int64 // resident set now
	HWMKB      int64 // resident set high-water mark
	WriteBytes int64 // bytes the process caused to be written to storage
	WChar      int64 // bytes handed to write(2) and friends
}

func (u usage) sub(v usage) usage {
	return usage{CPUTicks: u.CPUTicks - v.CPUTicks, CPUNanos: u.CPUNanos - v.CPUNanos,
		RSSKB: u.RSSKB, HWMKB: u.HWMKB,
		WriteBytes: u.WriteBytes - v.WriteBytes, WChar: u.WChar - v.WChar}
}

func (u *usage) add(v usage) {
	u.CPUTicks += v.CPUTicks
	u.CPUNanos += v.CPUNanos
	u.RSSKB += v.RSSKB
	u.HWMKB += v.HWMKB
	u.WriteBytes += v.WriteBytes
	u.WChar += v.WChar
}

// readUsage reads /proc/PID/{stat,status,io} and the schedstat of every
// thread. Threads that exited are missing from the schedstat sum but not
// from utime+stime; Go programs keep their threads, vnstatd has one.
func readUsage(pid int) (usage, error) {
	var u usage
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return u, err
	}
	// The command name is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return u, fmt.Errorf("%s/stat: unexpected format", dir)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return u, fmt.Errorf("%s/stat: %d fields", dir, len(f))
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	u.CPUTicks = utime + stime

	status, err := keyValues(dir + "/status")
	if err != nil {
		return u, err
	}
	u.RSSKB, u.HWMKB = status["VmRSS"], status["VmHWM"]

	io, err := keyValues(dir + "/io")
	if err != nil {
		return u, err
	}
	u.WriteBytes, u.WChar = io["write_bytes"], io["wchar"]

	tasks, _ := filepath.Glob(dir + "/task/*/schedstat")
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // the thread just exited
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			ns, _ := strconv.ParseInt(f[0], 10, 64)
			u.CPUNanos += ns
		}
	}
	return u, nil
}

// readTreeUsage sums readUsage over pid and all its descendants (a desktop
// app's web view runs in child processes); it also returns each process's
// reading by PID.
func readTreeUsage(pid int) (usage, map[int]usage, error) {
	pids := append([]int{pid}, descendants(pid)...)
	var sum usage
	each := map[int]usage{}
	for i, p := range pids {
		u, err := readUsage(p)
		if err != nil {
			if i == 0 {
				return sum, each, err
			}
			continue // a child that just exited
		}
		sum.add(u)
		each[p] = u
	}
	return sum, each, nil
}

// comm is a process's command name.
func comm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// descendants lists the processes below pid, from every process's parent.
func descendants(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp := parentOf(p); pp > 0 {
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

func parentOf(pid int) int {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 2 {
		return 0
	}
	pp, _ := strconv.Atoi(f[1])
	return pp
}

// keyValues reads "Key: value [kB]" lines as numbers.
func keyValues(path string) (map[string]int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			out[k] = n
		}
	}
	return out, sc.Err()
}

// dirSize is the total size of the regular files in dir.
func dirSize(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
	}
	return n
}

// machine describes the host for the report.
func machine() (cpus int, model, kernel string) {
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "processor":
				cpus++
			case "model name":
				if model == "" {
					model = strings.TrimSpace(v)
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = strings.TrimSpace(string(b))
	}
	return cpus, model, kernel
}

// loadAvg is the 1-minute load average: other work on the machine skews
// latencies, so the report shows it.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
