package importer_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/importer"
	"github.com/iamsync/iamsync/provider"
)

func TestWriteDir(t *testing.T) {
	files := importer.Files{"users.hcl": []byte("user \"a\" {}\n"), "roles.hcl": []byte("role \"b\" {}\n")}

	tests := map[string]struct {
		existing  map[string]string
		overwrite bool
		wantErr   []string // names the error reports
		want      map[string]string
	}{
		"empty directory": {
			want: map[string]string{"users.hcl": "user \"a\" {}\n", "roles.hcl": "role \"b\" {}\n"},
		},
		"existing file refused": {
			existing: map[string]string{"users.hcl": "old\n", "other.hcl": "kept\n"},
			wantErr:  []string{"users.hcl"},
			want:     map[string]string{"users.hcl": "old\n", "other.hcl": "kept\n"},
		},
		"existing file overwritten": {
			existing:  map[string]string{"users.hcl": "old\n", "other.hcl": "kept\n"},
			overwrite: true,
			want:      map[string]string{"users.hcl": "user \"a\" {}\n", "roles.hcl": "role \"b\" {}\n", "other.hcl": "kept\n"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "config")
			if tt.existing != nil {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, content := range tt.existing {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}

			err := importer.WriteDir(dir, files, tt.overwrite)
			var existing *importer.ExistingFilesError
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("WriteDir: %v", err)
			case tt.wantErr != nil && !errors.As(err, &existing):
				t.Fatalf("WriteDir error = %v, want an ExistingFilesError", err)
			case tt.wantErr != nil:
				if diff := cmp.Diff(tt.wantErr, existing.Names); diff != "" {
					t.Errorf("existing files reported (-want +got):\n%s", diff)
				}
			}

			if diff := cmp.Diff(tt.want, readDir(t, dir)); diff != "" {
				t.Errorf("directory after WriteDir (-want +got):\n%s", diff)
			}
		})
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

func TestGenerateRejectsInvalidOptions(t *testing.T) {
	tests := map[string]importer.Options{
		"relative path":   {Paths: []string{"people/"}},
		"path with space": {Paths: []string{"/my people/"}},
		"bad pattern":     {Exclude: []string{"[a-"}},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := importer.Generate(&provider.State{}, opts); err == nil {
				t.Errorf("Generate with %+v succeeded, want an error", opts)
			}
		})
	}
}
