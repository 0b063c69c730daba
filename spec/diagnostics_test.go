package spec

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestInvalidConfigurations loads each case of testdata/invalid and compares
// its diagnostics with the case's .golden file. A case is a single .hcl file,
// whose first line is a comment giving the reason for the case, or a txtar
// archive whose comment gives the reason. An archive may hold vars.txt, with
// one name=value per line for -var, and environ.txt, with environment
// entries. When Load succeeds, CheckQuotas runs with the default quotas.
func TestInvalidConfigurations(t *testing.T) {
	cases, err := filepath.Glob("testdata/invalid/*")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, path := range cases {
		ext := filepath.Ext(path)
		if ext != ".hcl" && ext != ".txtar" {
			continue
		}
		ran++
		name := strings.TrimSuffix(filepath.Base(path), ext)
		t.Run(name, func(t *testing.T) {
			dir, opts := extractCase(t, path)
			cfg, diags := Load(dir, opts)
			if !diags.HasErrors() {
				diags = append(diags, CheckQuotas(cfg, DefaultQuotas())...)
			}
			if len(diags) == 0 {
				t.Fatal("the case loads without diagnostics; an invalid case must produce at least one")
			}
			got := formatDiagnostics(diags, dir)

			golden := strings.TrimSuffix(path, ext) + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./spec -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("diagnostics differ from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
	if ran == 0 {
		t.Fatal("no cases found in testdata/invalid")
	}
}

// extractCase writes a case's files into a temporary directory and returns
// it with the load options that the case sets.
func extractCase(t *testing.T, path string) (string, LoadOptions) {
	t.Helper()
	dir := t.TempDir()
	opts := LoadOptions{AccountID: "123456789012"}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	if filepath.Ext(path) == ".hcl" {
		if !strings.HasPrefix(string(src), "#") {
			t.Fatalf("%s must start with a comment giving the reason for the case", path)
		}
		writeFile(t, filepath.Join(dir, "main.hcl"), src)
		return dir, opts
	}

	archive := txtar.Parse(src)
	if strings.TrimSpace(string(archive.Comment)) == "" {
		t.Fatalf("%s must have a comment giving the reason for the case", path)
	}
	for _, f := range archive.Files {
		switch f.Name {
		case "vars.txt":
			opts.Variables = map[string]string{}
			for _, line := range lines(f.Data) {
				name, value, _ := strings.Cut(line, "=")
				opts.Variables[name] = value
			}
		case "environ.txt":
			opts.Environ = lines(f.Data)
		default:
			writeFile(t, filepath.Join(dir, f.Name), f.Data)
		}
	}
	return dir, opts
}

func lines(data []byte) []string {
	var out []string
	scanner := bufio.NewScanner(strings.NewReader(string(data)))
	for scanner.Scan() {
		if line := scanner.Text(); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// formatDiagnostics renders diagnostics one per entry as
// "file:line:col: severity: summary" with the detail indented below, and
// file names relative to dir.
func formatDiagnostics(diags hcl.Diagnostics, dir string) string {
	// HCL reports the unexpected arguments of a body in map order. The
	// command line prints diagnostics by position, and so does this.
	diags = append(hcl.Diagnostics(nil), diags...)
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		if a == nil || b == nil {
			return a != nil && b == nil
		}
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	var b strings.Builder
	for _, d := range diags {
		where := "-"
		if d.Subject != nil {
			file := d.Subject.Filename
			if rel, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = filepath.ToSlash(rel)
			}
			where = fmt.Sprintf("%s:%d:%d", file, d.Subject.Start.Line, d.Subject.Start.Column)
		}
		severity := "error"
		if d.Severity == hcl.DiagWarning {
			severity = "warning"
		}
		fmt.Fprintf(&b, "%s: %s: %s\n", where, severity, d.Summary)
		detail := strings.ReplaceAll(d.Detail, dir+string(filepath.Separator), "")
		for _, line := range strings.Split(detail, "\n") {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	return b.String()
}
