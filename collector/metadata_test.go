package collector

import (
	"strings"
	"testing"
)

func TestMetadataCheck(t *testing.T) {
	tests := []struct {
		name string
		meta ContainerMetadata
		want []string // parts of each warning, in order
	}{
		{"nothing configured", ContainerMetadata{}, nil},
		{"readable folders", ContainerMetadata{Docker: "testdata/containers/docker", Podman: "testdata/containers/podman"}, nil},
		{"an empty Docker folder (no container yet)", ContainerMetadata{Docker: "testdata/containers/podman"}, nil},
		{"a Docker folder that is not there", ContainerMetadata{Docker: "testdata/nowhere"},
			[]string{"Docker's containers are named by their short id: open testdata/nowhere: no such file or directory"}},
		{"Docker's own folder in place of its containers folder", ContainerMetadata{Docker: "testdata"},
			[]string{"no folder of testdata holds a config.v2.json: give Docker's containers folder (/var/lib/docker/containers)"}},
		{"a podman folder without containers.json", ContainerMetadata{Podman: "testdata/containers/docker"},
			[]string{"podman's containers are named by their short id: open testdata/containers/docker/containers.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.meta.Check()
			if len(got) != len(tt.want) {
				t.Fatalf("Check() = %q; want %d warnings", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %d = %q; want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}
