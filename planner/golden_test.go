package planner

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"golang.org/x/tools/txtar"

	"github.com/iamsync/iamsync/spec"
)

var update = flag.Bool("update", false, "rewrite the want files of the golden cases in testdata/plan")

// goldenDir is the directory of the golden cases. Each case is one txtar
// archive whose comment states what the case shows, with these files:
//
//	desired.hcl  the configuration (more .hcl files may follow)
//	live.json    the account, in the form liveJSON describes
//	targets      addresses for Options.Targets, one a line (optional)
//	want.plan    the text rendering, then the diagnostics
//	want.json    the JSON rendering (optional)
//	want.md      the Markdown rendering (optional)
const goldenDir = "../testdata/plan"

// Fixed inputs of every golden case.
const testAccountID = "111122223333"

var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden cases in %s", goldenDir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) { runGolden(t, file) })
	}
}

func runGolden(t *testing.T, file string) {
	archive, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(archive.Comment)) == "" {
		t.Fatalf("%s: the archive comment must say what the case shows", file)
	}

	plan, diags := planArchive(t, archive)
	gotText := renderGoldenText(t, plan, diags)
	var gotJSON, gotMarkdown bytes.Buffer
	if err := RenderJSON(&gotJSON, plan); err != nil {
		t.Fatal(err)
	}
	if err := RenderMarkdown(&gotMarkdown, plan, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}

	if *update {
		setFile(archive, "want.plan", gotText)
		if hasFile(archive, "want.json") {
			setFile(archive, "want.json", gotJSON.String())
		}
		if hasFile(archive, "want.md") {
			setFile(archive, "want.md", gotMarkdown.String())
		}
		if err := os.WriteFile(file, txtar.Format(archive), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	want, ok := fileOf(archive, "want.plan")
	if !ok {
		t.Fatalf("%s has no want.plan; run go test ./planner -update", file)
	}
	if diff := cmp.Diff(want, gotText); diff != "" {
		t.Errorf("text plan mismatch (-want +got):\n%s", diff)
	}
	if want, ok := fileOf(archive, "want.json"); ok {
		if diff := cmp.Diff(want, gotJSON.String()); diff != "" {
			t.Errorf("JSON plan mismatch (-want +got):\n%s", diff)
		}
	}
	if want, ok := fileOf(archive, "want.md"); ok {
		if diff := cmp.Diff(want, gotMarkdown.String()); diff != "" {
			t.Errorf("Markdown plan mismatch (-want +got):\n%s", diff)
		}
	}
}

// planArchive loads the configuration and the state of a golden case and
// plans. A configuration that does not load fails the test.
func planArchive(t *testing.T, archive *txtar.Archive) (*Plan, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	var live []byte
	var targets []string
	for _, f := range archive.Files {
		switch {
		case f.Name == "live.json":
			live = f.Data
		case f.Name == "targets":
			targets = strings.Fields(string(f.Data))
		case strings.HasPrefix(f.Name, "want."):
		default:
			if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if live == nil {
		t.Fatal("archive has no live.json")
	}
	state, err := decodeLiveJSON(live)
	if err != nil {
		t.Fatal(err)
	}

	cfg, diags := spec.Load(dir, spec.LoadOptions{AccountID: state.AccountID, Partition: state.Partition})
	if diags.HasErrors() {
		t.Fatalf("configuration does not load:\n%s", formatDiags(diags, dir))
	}
	plan, planDiags := Make(cfg, state, Options{Now: testNow, Targets: targets})
	diags = append(diags, planDiags...)

	// Declaration ranges name files in the temporary directory.
	for _, c := range plan.Changes {
		if c.DeclRange != nil {
			r := *c.DeclRange
			r.Filename = relativeTo(dir, r.Filename)
			c.DeclRange = &r
		}
	}
	for i, w := range plan.Warnings {
		if w.Range != nil {
			r := *w.Range
			r.Filename = relativeTo(dir, r.Filename)
			plan.Warnings[i].Range = &r
		}
	}
	return plan, relativeDiags(diags, dir)
}

// renderGoldenText renders the plan as RenderText does, followed by the
// diagnostics, which the CLI prints on its own.
func renderGoldenText(t *testing.T, plan *Plan, diags hcl.Diagnostics) string {
	var b bytes.Buffer
	if err := RenderText(&b, plan, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(diags) > 0 {
		b.WriteString("\n")
		b.WriteString(formatDiags(diags, ""))
	}
	return b.String()
}

// formatDiags formats diagnostics one per paragraph, sorted by position.
func formatDiags(diags hcl.Diagnostics, dir string) string {
	lines := make([]string, 0, len(diags))
	for _, d := range diags {
		severity := "Error"
		if d.Severity == hcl.DiagWarning {
			severity = "Warning"
		}
		where := "(no source)"
		if d.Subject != nil {
			where = fmt.Sprintf("%s:%d,%d", relativeTo(dir, d.Subject.Filename), d.Subject.Start.Line, d.Subject.Start.Column)
		}
		lines = append(lines, fmt.Sprintf("%s: %s\n  at %s\n  %s\n", severity, d.Summary, where, d.Detail))
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}

func relativeDiags(diags hcl.Diagnostics, dir string) hcl.Diagnostics {
	for _, d := range diags {
		if d.Subject != nil {
			r := *d.Subject
			r.Filename = relativeTo(dir, r.Filename)
			d.Subject = &r
		}
	}
	return diags
}

func relativeTo(dir, name string) string {
	if dir == "" {
		return name
	}
	if rel, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return name
}

func fileOf(a *txtar.Archive, name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

func hasFile(a *txtar.Archive, name string) bool {
	_, ok := fileOf(a, name)
	return ok
}

func setFile(a *txtar.Archive, name, data string) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = []byte(data)
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(data)})
}
