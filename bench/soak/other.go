//go:build !linux

package main

import (
	"fmt"
	"os"
)

// The soak measures Linux processes through /proc and veth pairs.
func main() {
	fmt.Fprintln(os.Stderr, "soak: runs on Linux only")
	os.Exit(1)
}
