package importer_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"golang.org/x/tools/txtar"

	"github.com/iamsync/iamsync/importer"
	"github.com/iamsync/iamsync/provider"
)

var update = flag.Bool("update", false, "rewrite the generated files in testdata/golden/*.txtar")

// Sections of a golden archive besides the generated files. The archive's
// comment states the reason for the case.
const (
	sectionOptions = "options.json"
	sectionState   = "state.json"
)

// goldenOptions is the JSON form of importer.Options in a golden archive.
type goldenOptions struct {
	Layout              string   `json:"layout"`    // "kind" (default) or "path"
	Documents           string   `json:"documents"` // "jsonencode" (default) or "policy_document"
	Paths               []string `json:"paths"`
	Exclude             []string `json:"exclude"`
	SkipAccountSettings bool     `json:"skip_account_settings"`
}

func (o goldenOptions) options(t *testing.T) importer.Options {
	t.Helper()
	opts := importer.Options{Paths: o.Paths, Exclude: o.Exclude, SkipAccountSettings: o.SkipAccountSettings}
	switch o.Layout {
	case "", "kind":
	case "path":
		opts.Layout = importer.LayoutByPath
	default:
		t.Fatalf("unknown layout %q", o.Layout)
	}
	switch o.Documents {
	case "", "jsonencode":
	case "policy_document":
		opts.Documents = importer.DocumentsPolicyDocument
	default:
		t.Fatalf("unknown document style %q", o.Documents)
	}
	return opts
}

// TestGenerateGolden generates the configuration of each archive's state
// and compares it with the archive's other files. go test ./importer
// -update rewrites them.
func TestGenerateGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/golden/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no golden archives in testdata/golden")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			archive, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(bytes.TrimSpace(archive.Comment)) == 0 {
				t.Errorf("%s states no reason in its comment", path)
			}
			inputs, want := splitArchive(archive)

			var options goldenOptions
			if err := json.Unmarshal(inputs[sectionOptions], &options); err != nil {
				t.Fatalf("%s: %v", sectionOptions, err)
			}
			var state provider.State
			if err := json.Unmarshal(inputs[sectionState], &state); err != nil {
				t.Fatalf("%s: %v", sectionState, err)
			}
			got, err := importer.Generate(&state, options.options(t))
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}

			for _, name := range got.Names() {
				if formatted := hclwrite.Format(got[name]); !bytes.Equal(formatted, got[name]) {
					t.Errorf("%s is not in canonical form (-generated +formatted):\n%s", name, cmp.Diff(string(got[name]), string(formatted)))
				}
			}

			// The order of the state's lists must not matter.
			reverseState(&state)
			reversed, err := importer.Generate(&state, options.options(t))
			if err != nil {
				t.Fatalf("Generate of the reversed state: %v", err)
			}
			if diff := cmp.Diff(stringFiles(got), stringFiles(reversed)); diff != "" {
				t.Errorf("state with its lists reversed gives other files (-in order +reversed):\n%s", diff)
			}

			if *update {
				writeArchive(t, path, archive, got)
				return
			}
			if diff := cmp.Diff(want, stringFiles(got)); diff != "" {
				t.Errorf("generated files differ from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// reverseState reverses every list of a state that Generate reads.
func reverseState(s *provider.State) {
	slices.Reverse(s.Users)
	slices.Reverse(s.Groups)
	slices.Reverse(s.Roles)
	slices.Reverse(s.Policies)
	slices.Reverse(s.InstanceProfiles)
	for _, u := range s.Users {
		slices.Reverse(u.Tags)
		slices.Reverse(u.Groups)
		slices.Reverse(u.InlinePolicies)
		slices.Reverse(u.AttachedPolicies)
		if u.Credentials != nil {
			slices.Reverse(u.Credentials.AccessKeys)
		}
	}
	for _, g := range s.Groups {
		slices.Reverse(g.InlinePolicies)
		slices.Reverse(g.AttachedPolicies)
	}
	for _, r := range s.Roles {
		slices.Reverse(r.Tags)
		slices.Reverse(r.InlinePolicies)
		slices.Reverse(r.AttachedPolicies)
	}
	for _, p := range s.Policies {
		slices.Reverse(p.Tags)
		slices.Reverse(p.Versions)
	}
	for _, ip := range s.InstanceProfiles {
		slices.Reverse(ip.Tags)
	}
}

// splitArchive separates the inputs of a golden archive from the files it
// expects.
func splitArchive(archive *txtar.Archive) (inputs map[string][]byte, want map[string]string) {
	inputs, want = map[string][]byte{}, map[string]string{}
	for _, f := range archive.Files {
		switch f.Name {
		case sectionOptions, sectionState:
			inputs[f.Name] = f.Data
		default:
			want[f.Name] = string(f.Data)
		}
	}
	return inputs, want
}

// writeArchive rewrites the expected files of an archive, keeping its
// comment and inputs.
func writeArchive(t *testing.T, path string, archive *txtar.Archive, files importer.Files) {
	t.Helper()
	out := &txtar.Archive{Comment: archive.Comment}
	for _, f := range archive.Files {
		if f.Name == sectionOptions || f.Name == sectionState {
			out.Files = append(out.Files, f)
		}
	}
	for _, name := range files.Names() {
		out.Files = append(out.Files, txtar.File{Name: name, Data: files[name]})
	}
	if err := os.WriteFile(path, txtar.Format(out), 0o644); err != nil {
		t.Fatal(err)
	}
}
