package importer_test

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/importer"
	"github.com/iamsync/iamsync/provider"
)

func TestWriteDir(t *testing.T) {
	files := importer.Files{"users.hcl": []byte("user \"a\" {}\n"), "roles.hcl": []byte("role \"b\" {}\n")}
	written := map[string]string{"users.hcl": "user \"a\" {}\n", "roles.hcl": "role \"b\" {}\n"}
	with := func(extra map[string]string) map[string]string {
		out := maps.Clone(written)
		maps.Copy(out, extra)
		return out
	}
	// otherLayout is what an import with the other layout left behind.
	otherLayout := map[string]string{"main.hcl": "role \"b\" {}\n", "people.hcl": "user \"a\" {}\n"}

	tests := map[string]struct {
		existing  map[string]string
		overwrite bool
		// wantExisting, wantOther and wantOwn are the names that an
		// ExistingFilesError, an OtherFilesError or an OwnBlocksError
		// reports.
		wantExisting []string
		wantOther    []string
		wantOwn      []string
		want         map[string]string
	}{
		"empty directory": {
			want: written,
		},
		"existing file refused": {
			existing:     map[string]string{"users.hcl": "old\n", "other.hcl": "kept\n"},
			wantExisting: []string{"users.hcl"},
			want:         map[string]string{"users.hcl": "old\n", "other.hcl": "kept\n"},
		},
		"existing file overwritten": {
			existing:  map[string]string{"users.hcl": "old\n", "other.hcl": "kept\n"},
			overwrite: true,
			want:      with(map[string]string{"other.hcl": "kept\n"}),
		},
		"other layout refused with overwrite": {
			existing:  otherLayout,
			overwrite: true,
			wantOther: []string{"main.hcl", "people.hcl"},
			want:      otherLayout,
		},
		"other layout refused without overwrite": {
			existing:  with(otherLayout),
			wantOther: []string{"main.hcl", "people.hcl"},
			want:      with(otherLayout),
		},
		"other JSON configuration refused": {
			existing:  map[string]string{"extra.hcl.json": `{"instance_profile": {"web": {}}}`},
			wantOther: []string{"extra.hcl.json"},
			want:      map[string]string{"extra.hcl.json": `{"instance_profile": {"web": {}}}`},
		},
		"each generated block kind refused": {
			existing: map[string]string{
				"a.hcl": "scope {}\n", "b.hcl": "account {}\n", "c.hcl": "password_policy {}\n",
				"d.hcl": "locals {}\n", "e.hcl": "policy_document \"d\" {}\n", "f.hcl": "group \"g\" {}\n",
				"g.hcl": "policy \"p\" {}\n",
			},
			overwrite: true,
			wantOther: []string{"a.hcl", "b.hcl", "c.hcl", "d.hcl", "e.hcl", "f.hcl", "g.hcl"},
			want: map[string]string{
				"a.hcl": "scope {}\n", "b.hcl": "account {}\n", "c.hcl": "password_policy {}\n",
				"d.hcl": "locals {}\n", "e.hcl": "policy_document \"d\" {}\n", "f.hcl": "group \"g\" {}\n",
				"g.hcl": "policy \"p\" {}\n",
			},
		},
		"provider and variables kept": {
			existing:  map[string]string{"provider.hcl": "provider {\n  region = \"eu-west-1\"\n}\n\nvariable \"team\" {}\n"},
			overwrite: true,
			want:      with(map[string]string{"provider.hcl": "provider {\n  region = \"eu-west-1\"\n}\n\nvariable \"team\" {}\n"}),
		},
		"provider block in a file to overwrite refused": {
			existing:  map[string]string{"users.hcl": "provider {\n  allowed_account_ids = [\"123456789012\"]\n}\n"},
			overwrite: true,
			wantOwn:   []string{"users.hcl"},
			want:      map[string]string{"users.hcl": "provider {\n  allowed_account_ids = [\"123456789012\"]\n}\n"},
		},
		"syntax error after a block refused": {
			existing:  map[string]string{"broken.hcl": "user \"a\" {}\n\nthis is not HCL {\n"},
			wantOther: []string{"broken.hcl"},
			want:      map[string]string{"broken.hcl": "user \"a\" {}\n\nthis is not HCL {\n"},
		},
		"files that plans skip kept": {
			existing: map[string]string{".old.hcl": "user \"a\" {}\n", "main.hcl~": "user \"a\" {}\n", "main.tf": "user \"a\" {}\n"},
			want:     with(map[string]string{".old.hcl": "user \"a\" {}\n", "main.hcl~": "user \"a\" {}\n", "main.tf": "user \"a\" {}\n"}),
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
			var other *importer.OtherFilesError
			var own *importer.OwnBlocksError
			switch {
			case tt.wantOwn != nil && !errors.As(err, &own):
				t.Fatalf("WriteDir error = %v, want an OwnBlocksError", err)
			case tt.wantOwn != nil:
				if diff := cmp.Diff(tt.wantOwn, own.Names); diff != "" {
					t.Errorf("files with own blocks reported (-want +got):\n%s", diff)
				}
			case tt.wantExisting == nil && tt.wantOther == nil && err != nil:
				t.Fatalf("WriteDir: %v", err)
			case tt.wantExisting != nil && !errors.As(err, &existing):
				t.Fatalf("WriteDir error = %v, want an ExistingFilesError", err)
			case tt.wantExisting != nil:
				if diff := cmp.Diff(tt.wantExisting, existing.Names); diff != "" {
					t.Errorf("existing files reported (-want +got):\n%s", diff)
				}
			case tt.wantOther != nil && !errors.As(err, &other):
				t.Fatalf("WriteDir error = %v, want an OtherFilesError", err)
			case tt.wantOther != nil:
				if diff := cmp.Diff(tt.wantOther, other.Names); diff != "" {
					t.Errorf("other files reported (-want +got):\n%s", diff)
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
