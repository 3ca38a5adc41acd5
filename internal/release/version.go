package main

import (
	"regexp"
	"strings"
)

var (
	releaseVersion = regexp.MustCompile(`^v?(\d+\.\d+\.\d+)(.*)$`)
	// afterTag is what `git describe` adds for commits after a tag:
	// -4-gabc1234, and -dirty for an edited tree.
	afterTag = regexp.MustCompile(`-(\d+)-g([0-9a-f]+)((?:-dirty)?)$`)
)

// packageVersion turns `git describe` output into a version deb and rpm
// order correctly. v1.2.3 is 1.2.3; a prerelease such as v2.0.0-rc.1 is
// 2.0.0 with prerelease rc.1, sorting before 2.0.0 (nfpm writes it with ~);
// commits after a tag, v1.2.3-4-gabc, are 1.2.3 with metadata 4.gabc,
// sorting after 1.2.3 (nfpm writes it with +), so installing them is an
// upgrade; a bare commit such as 25322e0 or dev is 0.0.0~git25322e0,
// older than any release.
func packageVersion(v string) (version, prerelease, metadata string) {
	m := releaseVersion.FindStringSubmatch(v)
	if m == nil {
		return "0.0.0", "git" + clean(v), ""
	}
	rest := m[2]
	if a := afterTag.FindStringSubmatchIndex(rest); a != nil {
		metadata = clean(rest[a[2]:a[3]] + ".g" + rest[a[4]:a[5]] + rest[a[6]:a[7]])
		rest = rest[:a[0]]
	}
	return m[1], clean(rest), metadata
}

var notVersionChar = regexp.MustCompile(`[^A-Za-z0-9.]+`)

func clean(s string) string {
	return strings.Trim(notVersionChar.ReplaceAllString(s, "."), ".")
}
