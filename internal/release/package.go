package main

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

// nfpmArch maps the architecture in the cross-built binaries' names
// (bin/cross/netpulse-linux-ARCH) to nfpm's, which it turns into Debian's
// and RPM's names by itself.
var nfpmArch = map[string]string{"amd64": "amd64", "arm64": "arm64", "armv7": "arm7"}

// writePackage builds one package from an nfpm YAML file. The YAML may use
// ${ARCH} (as in the binaries' names) and ${VERSION}; nothing else is read
// from the environment, so a build does not depend on the caller's shell.
func writePackage(config, packager, arch, version, out string) (string, error) {
	if _, ok := nfpmArch[arch]; !ok {
		return "", fmt.Errorf("package: unknown architecture %q (amd64, arm64, armv7)", arch)
	}
	if version == "" {
		return "", fmt.Errorf("package: -version is empty")
	}
	vars := map[string]string{"ARCH": arch, "VERSION": version}
	cfg, err := nfpm.ParseFileWithEnvMapping(config, func(k string) string { return vars[k] })
	if err != nil {
		return "", fmt.Errorf("package %s: %w", config, err)
	}
	info, err := cfg.Get(packager)
	if err != nil {
		return "", fmt.Errorf("package %s: %w", config, err)
	}
	info.Arch = nfpmArch[arch]
	info.Version, info.Prerelease, info.VersionMetadata = packageVersion(version)
	info.VersionSchema = "none"
	info = nfpm.WithDefaults(info) // MTime from SOURCE_DATE_EPOCH
	if info.MTime.IsZero() {
		info.MTime = time.Now().UTC().Truncate(time.Second)
	}
	if packager == "deb" {
		// Debian policy wants a changelog in every package's doc folder.
		log, err := writeChangelog(info, os.TempDir())
		if err != nil {
			return "", err
		}
		defer os.Remove(log)
		info.Contents = append(info.Contents, &files.Content{
			Source: log, Destination: "/usr/share/doc/" + info.Name + "/changelog.gz",
			FileInfo: &files.ContentFileInfo{Mode: 0o644},
		})
	}
	if err := nfpm.PrepareForPackager(info, packager); err != nil {
		return "", fmt.Errorf("package %s: %w", config, err)
	}
	p, err := nfpm.Get(packager)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(out, p.ConventionalFileName(info))
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(path + ".tmp")
	if err := p.Package(info, f); err != nil {
		f.Close()
		return "", fmt.Errorf("package %s as %s: %w", config, packager, err)
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(path+".tmp", path)
}

// writeChangelog writes a one-entry Debian changelog for the package's
// version, gzipped without a name or time stamp so builds are repeatable.
func writeChangelog(info *nfpm.Info, dir string) (string, error) {
	version := info.Version
	if info.Prerelease != "" {
		version += "~" + info.Prerelease
	}
	if info.VersionMetadata != "" {
		version += "+" + info.VersionMetadata
	}
	text := fmt.Sprintf("%s (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n",
		info.Name, version, version, info.Maintainer, info.MTime.UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	f, err := os.CreateTemp(dir, "changelog-*.gz")
	if err != nil {
		return "", err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	_, err = zw.Write([]byte(text))
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("changelog: %w", err)
	}
	return f.Name(), nil
}
