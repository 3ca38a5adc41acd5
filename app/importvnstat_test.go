package app

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
// vnStatFile writes a small vnStat 2.x database with one interface,
// enp3s0, and the rows of rowsSQL.
func vnStatFile(t *testing.T, dir, rowsSQL string) string {
	t.Helper()
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
INSERT INTO interface VALUES (1, 'enp3s0');` + rowsSQL)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestImportVnStatMapsNames(t *testing.T) {
	dir := t.TempDir()
	src := vnStatFile(t, dir, "INSERT INTO day VALUES (1, '2025-03-04', 1000, 20);")
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

// TestImportVnStatRotatedMonths: vnStat with MonthRotate 15 dates the
// month from 15 February to 14 March "2025-02-01". Its days from 1 March
// are kept, and the month also holds 15–28 February, which no day does.
// Its years stay calendar years, so the month from 15 December 2024 counts
// its 1–14 January in 2025's year. Read with vnStat's configuration, every
// byte counts once; read as calendar months, 1–14 March would count twice,
// and 1–14 January too.
func TestImportVnStatRotatedMonths(t *testing.T) {
	dir := t.TempDir()
	rows := ""
	for d := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC); d.Month() < 5; d = d.AddDate(0, 0, 1) {
		rows += fmt.Sprintf("INSERT INTO day VALUES (1, '%s', 100, 1);\n", d.Format("2006-01-02"))
	}
	// 15 Dec–14 Jan: 50 in each year; 15 Jan–14 Feb: 80; 15 Feb–14 Mar:
	// 1400 before the days begin and 14 days; 15 Mar–14 Apr: 31 days;
	// 15 Apr–14 May: 16 days.
	rows += `INSERT INTO month VALUES (1, '2024-12-01', 100, 10), (1, '2025-01-01', 80, 8),
		(1, '2025-02-01', 2800, 28), (1, '2025-03-01', 3100, 31), (1, '2025-04-01', 1600, 16);
INSERT INTO year VALUES (1, '2024-01-01', 50, 5), (1, '2025-01-01', 7630, 88);`
	src := vnStatFile(t, dir, rows)
	conf := filepath.Join(dir, "vnstat.conf")
	if err := os.WriteFile(conf, []byte("MonthRotate 15\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	args := []string{"--data-dir", filepath.Join(dir, "data"), "--vnstat-config", conf, src}
	if code := ImportVnStat(context.Background(), args, func(string) string { return "" }, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"vnStat's months begin on day 15 and years begin on 1 January, as " + conf + " says",
		"imported 68 periods", "rx 7680 bytes, tx 93 bytes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "held less traffic") {
		t.Errorf("months read on the wrong days:\n%s", out.String())
	}
}
