package policydoc

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want files of the golden tests under testdata")

// TestPrettyGolden renders input.json of each testdata/pretty archive.
func TestPrettyGolden(t *testing.T) {
	runGolden(t, "pretty", func(t *testing.T, a *txtar.Archive) string {
		d, err := Parse(archiveFile(t, a, "input.json", true))
		if err != nil {
			t.Fatalf("parse input.json: %v", err)
		}
		pretty := d.Pretty()

		// The Pretty form is itself a valid document with the same meaning.
		again, err := Parse(pretty)
		if err != nil {
			t.Fatalf("parse the Pretty form: %v", err)
		}
		if !Equal(d, again) {
			t.Errorf("the Pretty form does not mean the same as the input:\n%s\n%s", d.Canonical(), again.Canonical())
		}
		return pretty + "\n"
	})
}

// TestDiffGolden diffs before.json and after.json of each testdata/diff
// archive; a missing file is a nil document.
func TestDiffGolden(t *testing.T) {
	runGolden(t, "diff", func(t *testing.T, a *txtar.Archive) string {
		return Diff(archiveDocument(t, a, "before.json"), archiveDocument(t, a, "after.json"))
	})
}

// runGolden runs render on every archive of testdata/dir and compares the
// result with the archive's "want" file, or rewrites that file with -update.
// The archive's comment states the reason for the case.
func runGolden(t *testing.T, dir string, render func(*testing.T, *txtar.Archive) string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in testdata/%s: %v", dir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(string(a.Comment)) == "" {
				t.Errorf("%s: the archive comment must state the reason for the case", file)
			}
			got := render(t, a)

			if *update {
				setArchiveFile(a, "want", got)
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(archiveFile(t, a, "want", true), got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
			}
		})
	}
}

// archiveFile returns the content of the named file of an archive, or ""
// when it is missing and not required.
func archiveFile(t *testing.T, a *txtar.Archive, name string, required bool) string {
	t.Helper()
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data)
		}
	}
	if required {
		t.Fatalf("the archive has no file %s", name)
	}
	return ""
}

func archiveDocument(t *testing.T, a *txtar.Archive, name string) *Document {
	t.Helper()
	text := archiveFile(t, a, name, false)
	if text == "" {
		return nil
	}
	d, err := Parse(text)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return d
}

func setArchiveFile(a *txtar.Archive, name, data string) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = []byte(data)
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(data)})
}
