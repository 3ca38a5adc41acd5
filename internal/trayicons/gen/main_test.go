package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsUpToDate fails when the committed tray icons differ from what
// the generator draws: run `go generate ./internal/trayicons` after changing
// it. Pixels are compared with a small tolerance, because floating-point
// rounding in the anti-aliasing differs between Go releases.
func TestOutputsUpToDate(t *testing.T) {
	for _, alert := range []bool{false, true} {
		for d := range levels {
			for u := range levels {
				want := drawTray(d, u, alert, trayPixels)
				name := filepath.Join("..", "png", trayName(d, u, alert)+".png")
				f, err := os.Open(name)
				if err != nil {
					t.Fatal(err)
				}
				got, err := png.Decode(f)
				f.Close()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if diff := maxDiff(got, want); diff > 3 {
					t.Errorf("%s is stale (a channel differs by %d): run go generate ./internal/trayicons", name, diff)
				}
			}
		}
	}
}

// TestICOHasEverySize checks the .ico directory against the sizes drawn.
func TestICOHasEverySize(t *testing.T) {
	for _, o := range outputs() {
		if !strings.HasSuffix(o.path, ".ico") || !strings.Contains(o.path, "/tray-") {
			continue
		}
		b, err := os.ReadFile(filepath.Join("..", "..", "..", o.path))
		if err != nil {
			t.Fatal(err)
		}
		var head [3]uint16
		if err := binary.Read(bytes.NewReader(b), binary.LittleEndian, &head); err != nil || head[1] != 1 || int(head[2]) != len(trayICOSizes) {
			t.Errorf("%s: icon directory %v, want type 1 with %d images", o.path, head, len(trayICOSizes))
		}
		if len(b) < 1000 {
			t.Errorf("%s: only %d bytes", o.path, len(b))
		}
	}
}

func maxDiff(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return 255
	}
	worst := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			p := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA)
			q := color.NRGBAModel.Convert(b.At(x, y)).(color.NRGBA)
			for _, d := range []int{int(p.R) - int(q.R), int(p.G) - int(q.G), int(p.B) - int(q.B), int(p.A) - int(q.A)} {
				worst = max(worst, d, -d)
			}
		}
	}
	return worst
}
