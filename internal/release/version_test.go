package main

import "testing"

func TestPackageVersion(t *testing.T) {
	tests := []struct {
		name, in, version, pre, meta string
	}{
		{"tag", "v1.2.3", "1.2.3", "", ""},
		{"tag without v", "1.2.3", "1.2.3", "", ""},
		{"after a tag", "v1.2.3-4-gabc1234", "1.2.3", "", "4.gabc1234"},
		{"after a tag, dirty", "v1.2.3-4-gabc1234-dirty", "1.2.3", "", "4.gabc1234.dirty"},
		{"dirty tag", "v1.2.3-dirty", "1.2.3", "dirty", ""},
		{"release candidate", "v2.0.0-rc.1", "2.0.0", "rc.1", ""},
		{"after a release candidate", "v2.0.0-rc.1-3-g0abc", "2.0.0", "rc.1", "3.g0abc"},
		{"commit only", "25322e0", "0.0.0", "git25322e0", ""},
		{"commit, dirty", "25322e0-dirty", "0.0.0", "git25322e0.dirty", ""},
		{"no git", "dev", "0.0.0", "gitdev", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, pre, meta := packageVersion(tt.in)
			if v != tt.version || pre != tt.pre || meta != tt.meta {
				t.Errorf("packageVersion(%q) = %q, %q, %q; want %q, %q, %q", tt.in, v, pre, meta, tt.version, tt.pre, tt.meta)
			}
		})
	}
}
