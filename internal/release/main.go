// Command release makes the release files that need more than a compiler:
// Linux packages (nfpm as a library, from the YAML files in build/linux),
// the hicolor icon sizes, tar.gz and zip archives, and SHA256SUMS.
//
//	release package -config build/linux/nfpm-headless.yaml -packager deb -arch amd64 -version v1.2.3 -out dist
//	release icons -src build/appicon.png -out bin/icons
//	release archive -out dist/netpulse_v1.2.3_linux_amd64.tar.gz -dir netpulse_v1.2.3_linux_amd64 NAME=PATH...
//	release sums -dir dist
//
// mk/release.mk runs it; it is a module of its own so that the packaging
// libraries stay out of the program's dependencies.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: release package|icons|archive|sums [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	switch args[0] {
	case "package":
		config := fs.String("config", "", "nfpm YAML file")
		packager := fs.String("packager", "deb", "deb or rpm")
		arch := fs.String("arch", "amd64", "architecture as in the binaries' names: amd64, arm64, armv7")
		version := fs.String("version", "", "version from git describe")
		out := fs.String("out", "dist", "output folder")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		name, err := writePackage(*config, *packager, *arch, *version, *out)
		if err == nil {
			fmt.Println("wrote", name)
		}
		return err
	case "icons":
		src := fs.String("src", "build/appicon.png", "square PNG, at least 512 px")
		out := fs.String("out", "", "folder for SIZExSIZE/apps/NAME.png")
		name := fs.String("name", "io.github.netpulse.NetPulse", "icon name")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return writeIcons(*src, *out, *name)
	case "archive":
		out := fs.String("out", "", "archive path ending in .tar.gz or .zip")
		dir := fs.String("dir", "", "top folder inside the archive")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		entries, err := parseEntries(fs.Args())
		if err != nil {
			return err
		}
		if err := writeArchive(*out, *dir, entries); err != nil {
			return err
		}
		fmt.Println("wrote", *out)
		return nil
	case "sums":
		dir := fs.String("dir", "dist", "folder whose files are summed")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return writeSums(*dir)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// parseEntries reads NAME=PATH arguments: PATH is stored as NAME.
func parseEntries(args []string) ([]entry, error) {
	var es []entry
	for _, a := range args {
		name, path, ok := strings.Cut(a, "=")
		if !ok || name == "" || path == "" {
			return nil, fmt.Errorf("archive entry %q: want NAME=PATH", a)
		}
		es = append(es, entry{name: name, path: path})
	}
	if len(es) == 0 {
		return nil, errors.New("archive: no entries")
	}
	return es, nil
}
