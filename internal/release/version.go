package main

import (
	"regexp"
	"strings"
)

var releaseVersion = regexp.MustCompile(`^v?(\d+\.\d+\.\d+)(.*)$`)

// packageVersion turns `git describe` output into a version deb and rpm
// order correctly: v1.2.3 is 1.2.3; v1.2.3-4-gabc is 1.2.3 with prerelease
// 4.gabc (sorting before 1.2.3, as nfpm writes it with ~); a bare commit
// such as 25322e0 or dev is 0.0.0~git25322e0, older than any release.
func packageVersion(v string) (version, prerelease string) {
	if m := releaseVersion.FindStringSubmatch(v); m != nil {
		return m[1], clean(m[2])
	}
	return "0.0.0", "git" + clean(v)
}

var notVersionChar = regexp.MustCompile(`[^A-Za-z0-9.]+`)

func clean(s string) string {
	return strings.Trim(notVersionChar.ReplaceAllString(s, "."), ".")
}
