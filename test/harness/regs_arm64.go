//go:build linux

package harness

import "syscall"

func syscallNumber(tid int) int {
	var r syscall.PtraceRegs
	if syscall.PtraceGetRegs(tid, &r) != nil {
		return -1
	}
	return int(r.Regs[8]) // the system call number is passed in x8
}
