package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runOffline runs iamsync without any account, as validate and fmt do.
func runOffline(t *testing.T, args ...string) result {
	t.Helper()
	t.Setenv("NO_COLOR", "1")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

const invalidConfig = `user "alice" {
  name = "alice smith"
}

role "app" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "sts:AssumeRole" }]
  })
}
`

// TestValidateShowsSnippetAndCaret checks the human output: every
// diagnostic with its file, line, a snippet of the source and a caret.
func TestValidateShowsSnippetAndCaret(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.hcl": invalidConfig})
	r := runOffline(t, "validate", dir)
	if r.code != exitError {
		t.Fatalf("exit code %d, want 1", r.code)
	}
	for _, want := range []string{
		"Error: Invalid user name",
		"on " + filepath.Join(dir, "main.hcl") + " line 2, column 10, in user \"alice\":",
		`   2:   name = "alice smith"`,
		"^",
		"Warning: ",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stderr)
		}
	}
}

// TestValidateJSON checks the machine-readable diagnostics.
func TestValidateJSON(t *testing.T) {
	dir := writeConfig(t, map[string]string{"main.hcl": invalidConfig})
	r := runOffline(t, "validate", "--json", dir)
	if r.code != exitError {
		t.Fatalf("exit code %d, want 1", r.code)
	}
	var got jsonDiagnostics
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if got.FormatVersion != diagnosticsFormatVersion || got.Valid || got.ErrorCount != 1 || got.WarningCount < 1 {
		t.Errorf("summary = %+v", got)
	}
	first := got.Diagnostics[0]
	want := jsonDiagnostic{Severity: "error", Summary: "Invalid user name", Range: &jsonRange{
		Filename: filepath.Join(dir, "main.hcl"),
		Start:    jsonPos{Line: 2, Column: 10, Byte: 24},
		End:      jsonPos{Line: 2, Column: 23, Byte: 37},
	}}
	first.Detail = ""
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("first diagnostic (-want +got):\n%s", diff)
	}
}

// TestValidateSARIF checks the SARIF log: version, one rule per summary,
// results with levels and regions in files relative to the working
// directory, as code scanning expects of a run at the repository root.
func TestValidateSARIF(t *testing.T) {
	repo := writeConfig(t, map[string]string{"iam/main.hcl": invalidConfig})
	t.Chdir(repo)
	r := runOffline(t, "validate", "--sarif", "iam")
	if r.code != exitError {
		t.Fatalf("exit code %d, want 1", r.code)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q with %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "iamsync" || len(run.Tool.Driver.Rules) < 2 {
		t.Errorf("driver = %+v", run.Tool.Driver)
	}
	first := run.Results[0]
	if first.RuleID != "invalid-user-name" || first.Level != "error" {
		t.Errorf("first result = %+v", first)
	}
	loc := first.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "iam/main.hcl" || loc.Region.StartLine != 2 {
		t.Errorf("location = %+v", loc)
	}
	if run.Results[len(run.Results)-1].Level != "warning" {
		t.Errorf("the Principal * warning is not a SARIF warning: %+v", run.Results)
	}
}

// TestSARIFFileURI checks the paths of SARIF locations: relative to the
// working directory inside it, absolute file URIs outside it.
func TestSARIFFileURI(t *testing.T) {
	const workDir = "/work/repo"
	tests := map[string]struct {
		filename string
		want     string
	}{
		"inside":                  {filename: "/work/repo/iam/main.hcl", want: "iam/main.hcl"},
		"outside":                 {filename: "/etc/iam/main.hcl", want: "file:///etc/iam/main.hcl"},
		"sibling with same start": {filename: "/work/repo-other/main.hcl", want: "file:///work/repo-other/main.hcl"},
		"name with a space":       {filename: "/work/repo/iam/my users.hcl", want: "iam/my%20users.hcl"},
		"name starting with dots": {filename: "/work/repo/..iam/main.hcl", want: "..iam/main.hcl"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := relativeURI(workDir, tt.filename); got != tt.want {
				t.Errorf("relativeURI(%q, %q) = %q, want %q", workDir, tt.filename, got, tt.want)
			}
		})
	}
}

// TestValidateValidConfiguration checks the example organisation validates.
func TestValidateValidConfiguration(t *testing.T) {
	r := runOffline(t, "validate", orgDir)
	if r.code != exitOK || !strings.Contains(r.stdout, "The configuration is valid.") {
		t.Errorf("exit code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestFmt checks that fmt rewrites files in canonical style, that -check
// lists unformatted files with exit code 3 and writes nothing, and that a
// file that does not parse is reported and left alone.
func TestFmt(t *testing.T) {
	messy := "user \"alice\" {\nname=\"alice\"\n  path   =   \"/\"\n}\n"
	tidy := "user \"alice\" {\n  name = \"alice\"\n  path = \"/\"\n}\n"
	dir := writeConfig(t, map[string]string{"a.hcl": messy, "b.hcl": tidy})

	check := runOffline(t, "fmt", "-check", dir)
	if check.code != exitUnformatted {
		t.Errorf("fmt -check: exit code %d, want 3", check.code)
	}
	if got, want := check.stdout, filepath.Join(dir, "a.hcl")+"\n"; got != want {
		t.Errorf("fmt -check listed %q, want %q", got, want)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "a.hcl")); string(data) != messy {
		t.Errorf("fmt -check changed the file")
	}

	if r := runOffline(t, "fmt", dir); r.code != exitOK {
		t.Fatalf("fmt: exit code %d\n%s", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "a.hcl")); string(data) != tidy {
		t.Errorf("fmt wrote:\n%s\nwant:\n%s", data, tidy)
	}
	if r := runOffline(t, "fmt", "-check", dir); r.code != exitOK || r.stdout != "" {
		t.Errorf("fmt -check after fmt: exit code %d, listed %q", r.code, r.stdout)
	}

	broken := writeConfig(t, map[string]string{"c.hcl": "user \"x\" {\n"})
	r := runOffline(t, "fmt", broken)
	if r.code != exitError || !strings.Contains(r.stderr, "c.hcl line 1") {
		t.Errorf("fmt of a broken file: exit code %d\n%s", r.code, r.stderr)
	}

	// A file named on the command line must be native HCL: a .hcl.json
	// file is JSON, which fmt does not format.
	jsonDir := writeConfig(t, map[string]string{"c.hcl.json": `{"group": {"j": {"name": "J"}}}`})
	r = runOffline(t, "fmt", filepath.Join(jsonDir, "c.hcl.json"))
	if r.code != exitError {
		t.Errorf("fmt of a .hcl.json file: exit code %d, want 1", r.code)
	}
	if !strings.Contains(r.stderr, "fmt formats native HCL files") {
		t.Errorf("fmt of a .hcl.json file does not explain the refusal:\n%s", r.stderr)
	}
}

// TestExampleConfigurationsAreFormatted keeps the examples in canonical style.
func TestExampleConfigurationsAreFormatted(t *testing.T) {
	for _, dir := range []string{orgDir, teamsDir} {
		if r := runOffline(t, "fmt", "-check", dir); r.code != exitOK {
			t.Errorf("%s is not formatted: %s", dir, r.stdout)
		}
	}
}

// TestVersionNamesTheFormats checks that version names the plan file
// format, which decides whether a saved plan can be applied.
func TestVersionNamesTheFormats(t *testing.T) {
	r := runOffline(t, "version")
	if r.code != exitOK || !strings.Contains(r.stdout, "plan file format 1, JSON plan format 1.5") {
		t.Errorf("version: exit code %d\n%s", r.code, r.stdout)
	}
}

// TestValidateSARIFCommandLineValue gives a list variable a bare word on
// the command line. The error has no file of its own to point at, and code
// scanning rejects a result without a location, so the result points at
// the start of the configuration's first file.
func TestValidateSARIFCommandLineValue(t *testing.T) {
	repo := writeConfig(t, map[string]string{"iam/main.hcl": "variable \"admins\" {\n  type = list(string)\n}\n"})
	t.Chdir(repo)
	r := runOffline(t, "validate", "--sarif", "--var", "admins=alice", "iam")
	if r.code != exitError {
		t.Fatalf("exit code %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	results := log.Runs[0].Results
	if len(results) != 1 || results[0].RuleID != "invalid-value-for-input-variable" {
		t.Fatalf("results = %+v, want one invalid-value-for-input-variable", results)
	}
	locations := results[0].Locations
	if len(locations) != 1 {
		t.Fatalf("the result has %d locations, want 1", len(locations))
	}
	if uri := locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "iam/main.hcl" {
		t.Errorf("the result points at %s, want iam/main.hcl", uri)
	}
	if line := locations[0].PhysicalLocation.Region.StartLine; line != 1 {
		t.Errorf("the result points at line %d, want 1", line)
	}
	if log.Runs[0].ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind = %q, want unicodeCodePoints", log.Runs[0].ColumnKind)
	}
}

// TestExclusiveFlagsMessage checks the message for flags that cannot be
// used together, which cobra words in terms of its flag groups.
func TestExclusiveFlagsMessage(t *testing.T) {
	r := runOffline(t, "validate", "--json", "--sarif", "iam")
	if r.code != exitError {
		t.Errorf("exit code %d, want 1", r.code)
	}
	if !strings.Contains(r.stderr, "Error: --json and --sarif cannot be used together") {
		t.Errorf("stderr lacks the message:\n%s", r.stderr)
	}
}

// TestValidateSARIFWrongVarValue gives a number variable a
// word on the command line: the SARIF result points at the variable's
// declaration, which the value belongs to.
func TestValidateSARIFWrongVarValue(t *testing.T) {
	repo := writeConfig(t, map[string]string{"iam/main.hcl": "variable \"name\" {\n  type = string\n}\n\nvariable \"max_age\" {\n  type = number\n}\n"})
	t.Chdir(repo)
	r := runOffline(t, "validate", "--sarif", "--var", "max_age=abc", "--var", "name=x", "iam")
	var log sarifLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	results := log.Runs[0].Results
	if len(results) != 1 || len(results[0].Locations) != 1 {
		t.Fatalf("results = %+v, want one with a location", results)
	}
	if got := results[0].Locations[0].PhysicalLocation.Region.StartLine; got != 5 {
		t.Errorf("the result points at line %d, want 5, where max_age is declared", got)
	}
}
