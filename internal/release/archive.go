package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

type entry struct {
	name string // inside the archive, below its top folder
	path string // on disk
}

// writeArchive stores the entries under dir/ in a tar.gz or zip. Times,
// owners and modes are fixed (0755 for executables, else 0644), so the same
// inputs give the same archive.
func writeArchive(out, dir string, entries []entry) error {
	if out == "" || dir == "" {
		return fmt.Errorf("archive: -out and -dir are needed")
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	f, err := os.Create(out + ".tmp")
	if err != nil {
		return err
	}
	defer os.Remove(out + ".tmp")
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		err = writeTarGz(f, dir, entries)
	case strings.HasSuffix(out, ".zip"):
		err = writeZip(f, dir, entries)
	default:
		err = fmt.Errorf("archive %s: want .tar.gz or .zip", out)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(out+".tmp", out)
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func mode(p string) (int64, []byte, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, nil, fmt.Errorf("archive: %w", err)
	}
	st, err := os.Stat(p)
	if err != nil {
		return 0, nil, fmt.Errorf("archive: %w", err)
	}
	if st.Mode()&0o111 != 0 || strings.HasSuffix(p, ".exe") {
		return 0o755, b, nil
	}
	return 0o644, b, nil
}

func writeTarGz(w io.Writer, dir string, entries []entry) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, ModTime: epoch}); err != nil {
		return err
	}
	for _, e := range entries {
		m, b, err := mode(e.path)
		if err != nil {
			return err
		}
		h := &tar.Header{Typeflag: tar.TypeReg, Name: path.Join(dir, e.name), Mode: m, Size: int64(len(b)), ModTime: epoch}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, dir string, entries []entry) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		m, b, err := mode(e.path)
		if err != nil {
			return err
		}
		h := &zip.FileHeader{Name: path.Join(dir, e.name), Method: zip.Deflate, Modified: epoch}
		h.SetMode(os.FileMode(m))
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(b); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeSums writes dir/SHA256SUMS over every other file in dir, in the
// format `sha256sum -c` reads, sorted by name.
func writeSums(dir string) error {
	des, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("sums: %w", err)
	}
	var lines []string
	for _, de := range des {
		if !de.Type().IsRegular() || de.Name() == "SHA256SUMS" || strings.HasSuffix(de.Name(), ".tmp") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, de.Name()))
		if err != nil {
			return fmt.Errorf("sums: %w", err)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("sums: %s: %w", de.Name(), err)
		}
		lines = append(lines, hex.EncodeToString(h.Sum(nil))+"  "+de.Name()+"\n")
	}
	if len(lines) == 0 {
		return fmt.Errorf("sums: %s has no files", dir)
	}
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(strings.Join(lines, "")), 0o644)
}
