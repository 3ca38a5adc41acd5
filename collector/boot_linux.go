package collector

import (
	"os"
	"path/filepath"
	"strings"
)

// BootID identifies the current boot, so that checkpoints from an earlier
// boot are not taken for counters of this one. "" when unknown.
func BootID(p Paths) string {
	b, err := os.ReadFile(filepath.Join(p.Proc, "sys", "kernel", "random", "boot_id"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// SameBoot reports whether two boot identities name the same boot.
func SameBoot(a, b string) bool { return a != "" && a == b }
