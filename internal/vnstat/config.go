package vnstat

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// Config is what of vnStat's configuration says which time a row stands
// for. vnStat applies it as it writes: with MonthRotate 15, the row dated
// 2025-03-01 in the month table holds 15 March to 14 April.
type Config struct {
	MonthRotate int    // the day of the month months begin on, 1–28
	RotateYears bool   // MonthRotateAffectsYears: years begin on that day of January
	UseUTC      bool   // rows are in UTC rather than local time
	Path        string // the file read; "" for the defaults
}

// DefaultConfig is vnStat's configuration without a file.
func DefaultConfig() Config { return Config{MonthRotate: 1} }

// ConfigPaths are where a system's vnstatd reads its configuration.
func ConfigPaths() []string { return []string{"/etc/vnstat.conf", "/usr/local/etc/vnstat.conf"} }

// FindConfig reads the first of paths that exists; none gives the
// defaults.
func FindConfig(paths []string) (Config, error) {
	for _, p := range paths {
		c, err := ReadConfig(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return c, err
	}
	return DefaultConfig(), nil
}

// ReadConfig reads vnStat's configuration file at path the way vnStat
// does: "Key value" (or "Key=value") lines with keys in any case, lines
// beginning with '#' or ';' are comments, the first line of a key counts,
// and a value out of range is the default.
func ReadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("vnstat: configuration: %w", err)
	}
	c := DefaultConfig()
	c.Path = path
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if len(line) < 2 || line[0] == '#' || line[0] == ';' {
			continue
		}
		i := strings.IndexAny(line, " \t=")
		if i < 0 {
			continue
		}
		key := strings.ToLower(line[:i])
		if seen[key] {
			continue
		}
		seen[key] = true
		v, err := leadingInt(strings.Trim(line[i+1:], " \t=\""))
		switch key {
		case "monthrotate":
			if err == nil && v >= 1 && v <= 28 {
				c.MonthRotate = v
			}
		case "monthrotateaffectsyears":
			c.RotateYears = err == nil && v == 1
		case "useutc":
			c.UseUTC = err == nil && v == 1
		}
	}
	if err := sc.Err(); err != nil {
		return Config{}, fmt.Errorf("vnstat: configuration %s: %w", path, err)
	}
	return c, nil
}

// leadingInt reads the number a value begins with, as vnStat's strtol
// does: "15 # billing day" is 15.
func leadingInt(v string) (int, error) {
	n := 0
	for n < len(v) && '0' <= v[n] && v[n] <= '9' {
		n++
	}
	return strconv.Atoi(v[:n])
}
