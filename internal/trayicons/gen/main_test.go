package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsUpToDate fails when the committed tray icons differ from what the
// generator draws: run `go generate ./internal/trayicons` after changing it.
func TestOutputsUpToDate(t *testing.T) {
	for _, o := range outputs() {
		if !strings.Contains(o.path, "/tray-") {
			continue // the app icons take seconds to draw
		}
		got, err := os.ReadFile(filepath.Join("..", "..", "..", o.path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, o.data()) {
			t.Errorf("%s is stale: run go generate ./internal/trayicons", o.path)
		}
	}
}
