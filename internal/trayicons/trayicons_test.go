package trayicons

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"io/fs"
	"testing"
)

func TestIconsDecode(t *testing.T) {
	for _, icon := range []func(int, int) []byte{Icon, AlertIcon} {
		for d := range Levels {
			for u := range Levels {
				b := icon(d, u)
				switch format {
				case "png":
					img, err := png.Decode(bytes.NewReader(b))
					if err != nil {
						t.Fatalf("Icon(%d, %d): %v", d, u, err)
					}
					if w := img.Bounds().Dx(); w < 22 || w > 32 {
						t.Errorf("Icon(%d, %d) is %d px wide, want 22–32", d, u, w)
					}
				case "ico":
					checkICO(t, b)
				}
			}
		}
	}
}

func TestAlertIconsDiffer(t *testing.T) {
	for d := range Levels {
		for u := range Levels {
			if bytes.Equal(Icon(d, u), AlertIcon(d, u)) {
				t.Errorf("AlertIcon(%d, %d) is the plain icon", d, u)
			}
			if len(AlertIcon(d, u)) == 0 {
				t.Errorf("AlertIcon(%d, %d) is empty", d, u)
			}
		}
	}
}

func TestIconClamps(t *testing.T) {
	if !bytes.Equal(Icon(-1, 99), Icon(0, Levels-1)) {
		t.Error("out-of-range levels are not clamped")
	}
}

func TestSetSize(t *testing.T) {
	entries, err := fs.ReadDir(files, format)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(entries), 2*Levels*Levels; got != want {
		t.Errorf("%d embedded icons, want %d", got, want)
	}
}

// checkICO checks the ICONDIR header and that every entry lies inside the file.
func checkICO(t *testing.T, b []byte) {
	t.Helper()
	var dir [3]uint16
	if err := binary.Read(bytes.NewReader(b), binary.LittleEndian, &dir); err != nil || dir[0] != 0 || dir[1] != 1 || dir[2] == 0 {
		t.Fatalf("bad ICONDIR %v (%v)", dir, err)
	}
	for i := range int(dir[2]) {
		e := b[6+16*i : 6+16*(i+1)]
		size := binary.LittleEndian.Uint32(e[8:])
		off := binary.LittleEndian.Uint32(e[12:])
		if int(off+size) > len(b) {
			t.Errorf("entry %d overruns the file", i)
		}
	}
}
