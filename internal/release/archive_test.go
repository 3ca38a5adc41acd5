package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Each archive holds its entries under the top folder with the modes a user
// needs: executables runnable, the rest read-only for others.
func TestWriteArchive(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "netpulse")
	doc := filepath.Join(dir, "README.md")
	os.WriteFile(bin, []byte("binary"), 0o755)
	os.WriteFile(doc, []byte("readme"), 0o600)
	entries := []entry{{"netpulse", bin}, {"README.md", doc}}
	want := map[string]string{"top/netpulse": "755 binary", "top/README.md": "644 readme"}

	tests := []struct {
		name string
		read func(t *testing.T, path string) map[string]string
	}{
		{"x.tar.gz", readTarGz},
		{"x.zip", readZip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.name)
			if err := writeArchive(out, "top", entries); err != nil {
				t.Fatal(err)
			}
			got := tt.read(t, out)
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s: %q, want %q", k, got[k], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("entries %v, want %v", got, want)
			}
		})
	}
	if err := writeArchive(filepath.Join(dir, "x.rar"), "top", entries); err == nil {
		t.Error("an unknown archive type was accepted")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.rar")); !os.IsNotExist(err) {
		t.Error("a refused archive left a file")
	}
}

func readTarGz(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	got := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		b, _ := io.ReadAll(tr)
		got[h.Name] = permOctal(os.FileMode(h.Mode)) + " " + string(b)
	}
}

func readZip(t *testing.T, path string) map[string]string {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		got[f.Name] = permOctal(f.Mode()) + " " + string(b)
	}
	return got
}

func permOctal(m os.FileMode) string {
	return strconv.FormatUint(uint64(m.Perm()), 8)
}

func TestWriteSums(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.deb"), []byte("b"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.tar.gz"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte("old"), 0o644)
	if err := writeSums(dir); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	want := "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  a.tar.gz\n" +
		"3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.deb\n"
	if string(got) != want {
		t.Errorf("SHA256SUMS:\n%s\nwant:\n%s", got, want)
	}
	if err := writeSums(t.TempDir()); err == nil {
		t.Error("an empty folder was summed")
	}
}
