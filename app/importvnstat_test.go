package app

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportVnStatUsage(t *testing.T) {
	dir := t.TempDir()
	env := func(string) string { return "" }
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no file", []string{"--data-dir", dir}, 2, "give one vnStat database file"},
		{"two files", []string{"--data-dir", dir, "a.db", "b.db"}, 2, "give one vnStat database file"},
		{"map without NEW", []string{"--data-dir", dir, "--map", "eth0", "a.db"}, 2, `"eth0" is not OLD=NEW`},
		{"map twice", []string{"--data-dir", dir, "--map", "eth0=a", "--map", "eth0=b", "a.db"}, 2, "eth0 is mapped twice"},
		{"unknown flag", []string{"--data-dir", dir, "--force", "a.db"}, 2, "flag provided but not defined: -force"},
		{"missing file", []string{"--data-dir", dir, filepath.Join(dir, "a.db")}, 1, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := ImportVnStat(context.Background(), tc.args, env, &out, &errOut)
			if code != tc.code || !strings.Contains(errOut.String(), tc.msg) {
				t.Errorf("exit %d, want %d; stderr %q, want %q", code, tc.code, errOut.String(), tc.msg)
			}
			if lines := strings.Count(errOut.String(), "\n"); lines != 1 {
				t.Errorf("stderr has %d lines, want the one error:\n%s", lines, errOut.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "netpulse.db")); err == nil {
				t.Error("a database was created")
			}
		})
	}
}

func TestImportVnStatHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := ImportVnStat(context.Background(), []string{"--help"}, func(string) string { return "" }, &out, &errOut); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	for _, want := range []string{"usage: netpulse import-vnstat", "-dry-run", "-map"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("--help says %q, want it to name %q", errOut.String(), want)
		}
	}
}

// TestImportVnStatMapsNames imports a small vnStat database under another
// name, then refuses a map naming an interface it does not have.
func TestImportVnStatMapsNames(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "vnstat.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`
CREATE TABLE info(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, value TEXT NOT NULL);
CREATE TABLE interface(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE fiveminute(interface INTEGER, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL);
CREATE TABLE hour(interface INTEGER, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL);
CREATE TABLE day(interface INTEGER, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL);
CREATE TABLE month(interface INTEGER, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL);
CREATE TABLE year(interface INTEGER, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL);
INSERT INTO info (name, value) VALUES ('dbversion', '1');
INSERT INTO interface VALUES (1, 'enp3s0');
INSERT INTO day VALUES (1, '2025-03-04', 1000, 20);`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	env := func(string) string { return "" }
	var out, errOut bytes.Buffer
	if code := ImportVnStat(context.Background(), []string{"--data-dir", data, "--map", "wlan9=x", src}, env, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), `has no interface "wlan9"`) {
		t.Errorf("unknown OLD: exit %d, %q", code, errOut.String())
	}
	out.Reset()
	if code := ImportVnStat(context.Background(), []string{"--data-dir", data, "--map", "enp3s0=eth0", src}, env, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "eth0 (vnStat's enp3s0): imported 1 periods") || !strings.Contains(out.String(), "rx 1000 bytes, tx 20 bytes") {
		t.Errorf("import: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}
