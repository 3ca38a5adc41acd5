package collector

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Check says why a configured metadata folder gives no names, where it can
// tell. Docker and rootful podman keep these files readable by root only,
// and a user who mounted them should learn why the names stay short ids
// rather than find them missing without a word.
func (m ContainerMetadata) Check() []string {
	var out []string
	if m.Docker != "" {
		if err := dockerReadable(m.Docker); err != nil {
			w := fmt.Sprintf("Docker's containers are named by their short id: %v", err)
			if errors.Is(err, fs.ErrPermission) {
				w += " (Docker keeps its containers' metadata readable by root only)"
			}
			out = append(out, w)
		}
	}
	if m.Podman != "" {
		if f, err := os.Open(filepath.Join(m.Podman, "containers.json")); err != nil {
			out = append(out, fmt.Sprintf("podman's containers are named by their short id: %v", err))
		} else {
			f.Close()
		}
	}
	return out
}

// dockerReadable opens the first container's config.v2.json, if any; a
// folder with folders but none holding one is not Docker's containers
// folder (/var/lib/docker mounted in its place, say).
func dockerReadable(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	dirs := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dirs++
		f, err := os.Open(filepath.Join(dir, e.Name(), "config.v2.json"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		f.Close()
		return nil
	}
	if dirs > 0 {
		return fmt.Errorf("no folder of %s holds a config.v2.json: give Docker's containers folder (/var/lib/docker/containers)", dir)
	}
	return nil
}
