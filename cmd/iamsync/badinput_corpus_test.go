package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// badInput is one broken configuration and the error diagnostics that
// validate must report for it, each as "file:line:column: Summary".
type badInput struct {
	files map[string][]byte
	want  []string
	// archive is the corpus file of the case; generated cases have none.
	archive string
}

// TestBadInputCorpus runs validate, plan and apply on broken
// configurations: truncated, binary, huge or deeply nested files, invalid
// encodings and forbidden characters. Each command must exit with 1 and
// report the expected diagnostics at file, line and column, and no write
// call may reach the account.
//
// The text cases are txtar archives in testdata/badinput, whose comment
// states what each shows and whose want file lists the diagnostics (go test
// -update rewrites it). The cases of raw bytes or many megabytes are
// generated here. Each command's time is logged: a case that takes more
// than a second or two points at a front end that needs a bound.
func TestBadInputCorpus(t *testing.T) {
	cases := loadBadInputArchives(t)
	maps.Copy(cases, generatedBadInputs())
	h := newHarness(t, "")

	for _, name := range slices.Sorted(maps.Keys(cases)) {
		tc := cases[name]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for file, data := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}

			// validate --json gives the exact positions.
			start := time.Now()
			v := h.run("validate", "--json", dir)
			t.Logf("validate took %s", time.Since(start).Round(time.Millisecond))
			if v.code != exitError {
				t.Errorf("validate: exit code %d, want 1\n%s%s", v.code, v.stdout, v.stderr)
			}
			got := errorLocations(t, v.stdout, dir)
			if *update && tc.archive != "" {
				rewriteWant(t, tc.archive, got)
			} else if !slices.Equal(tc.want, got) {
				t.Errorf("validate diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}

			// plan and apply print the first of them for humans and stop.
			summary := ""
			if len(got) > 0 {
				summary = got[0][strings.LastIndex(got[0], ": ")+2:]
			}
			for _, args := range [][]string{{"plan", dir}, {"apply", "--auto-approve", dir}} {
				start := time.Now()
				r := h.run(args...)
				t.Logf("%s took %s", args[0], time.Since(start).Round(time.Millisecond))
				if r.code != exitError {
					t.Errorf("%s: exit code %d, want 1\n%s%s", args[0], r.code, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, "Error: "+summary) {
					t.Errorf("%s: no %q diagnostic in:\n%s", args[0], summary, r.stderr)
				}
			}
			if n := h.srv.WriteCalls(); n != 0 {
				t.Fatalf("%d write calls reached the account, want none: %v", n, h.srv.Calls())
			}
		})
	}
}

// loadBadInputArchives reads the cases of testdata/badinput.
func loadBadInputArchives(t *testing.T) map[string]badInput {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "badinput", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no bad-input archives in testdata/badinput: %v", err)
	}
	cases := map[string]badInput{}
	for _, path := range paths {
		archive, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(bytes.TrimSpace(archive.Comment)) == 0 {
			t.Fatalf("%s: the archive comment must say what the case shows", path)
		}
		tc := badInput{files: map[string][]byte{}, archive: path}
		for _, f := range archive.Files {
			if f.Name == "want" {
				tc.want = strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n")
				continue
			}
			tc.files[f.Name] = f.Data
		}
		if tc.want == nil && !*update {
			t.Fatalf("%s has no want file; run go test -update", path)
		}
		cases[strings.TrimSuffix(filepath.Base(path), ".txtar")] = tc
	}
	return cases
}

// rewriteWant replaces the want file of an archive.
func rewriteWant(t *testing.T, path string, got []string) {
	t.Helper()
	archive, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var files []txtar.File
	for _, f := range archive.Files {
		if f.Name != "want" {
			files = append(files, f)
		}
	}
	archive.Files = append(files, txtar.File{Name: "want", Data: []byte(strings.Join(got, "\n") + "\n")})
	if err := os.WriteFile(path, txtar.Format(archive), 0o644); err != nil {
		t.Fatal(err)
	}
}

// errorLocations returns the error diagnostics of validate --json as
// "file:line:column: Summary", with file relative to dir.
func errorLocations(t *testing.T, out, dir string) []string {
	t.Helper()
	var report jsonDiagnostics
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("decode validate --json: %v\n%s", err, out)
	}
	var got []string
	for _, d := range report.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		where := "-"
		if d.Range != nil {
			file := strings.TrimPrefix(strings.TrimPrefix(d.Range.Filename, dir), string(filepath.Separator))
			where = fmt.Sprintf("%s:%d:%d", file, d.Range.Start.Line, d.Range.Start.Column)
		}
		got = append(got, where+": "+d.Summary)
	}
	return got
}

// generatedBadInputs returns the cases made of raw bytes, which a text
// archive would not keep intact, and those too big to commit.
func generatedBadInputs() map[string]badInput {
	const depth = 10000
	hcl := func(text string) map[string][]byte { return map[string][]byte{"main.hcl": []byte(text)} }
	withDocument := func(doc []byte) map[string][]byte {
		return map[string][]byte{
			"main.hcl": []byte("policy \"p\" {\n  document = file(\"doc.json\")\n}\n"),
			"doc.json": doc,
		}
	}
	binary := make([]byte, 0, 256*40)
	for range 40 {
		for b := range 256 {
			binary = append(binary, byte(b))
		}
	}
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	nested := func(open, close string) string {
		return strings.Repeat(open, depth) + strings.Repeat(close, depth)
	}
	utf16 := []byte{0xff, 0xfe}
	for _, r := range "user \"a\" {\n  name = \"a\"\n}\n" {
		utf16 = append(utf16, byte(r), 0)
	}

	return map[string]badInput{
		"binary file": {
			files: hcl(string(binary)),
			want:  []string{"main.hcl:1:1: Configuration file is not UTF-8 text"},
		},
		"UTF-16 file": {
			files: map[string][]byte{"main.hcl": utf16},
			want:  []string{"main.hcl:1:1: Configuration file is not UTF-8 text"},
		},
		"byte order mark, then an invalid name": {
			files: hcl("\ufeffuser \"a\" {\n  name = \"a b\"\n}\n"),
			want:  []string{"main.hcl:2:10: Invalid user name"},
		},
		"document in a heredoc of a file with CRLF line ends": {
			files: hcl(strings.ReplaceAll(`policy "p" {
  document = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
    "Bogus": 1}]
}
JSON
}
`, "\n", "\r\n")),
			want: []string{"main.hcl:6:14: Unknown statement element"},
		},
		"byte order mark in a document": {
			files: withDocument([]byte("\ufeff" + allow)),
			want:  []string{"doc.json:1:1: Invalid policy document"},
		},
		"CRLF line ends, then an invalid name": {
			files: hcl("user \"a\" {\r\n  path = \"/x/\"\r\n  name = \"a b\"\r\n}\r\n"),
			want:  []string{"main.hcl:3:10: Invalid user name"},
		},
		"NUL byte between tokens": {
			files: hcl("user \"a\" {\n\x00  name = \"a\"\n}\n"),
			want:  []string{"main.hcl:2:1: Configuration file is not UTF-8 text"},
		},
		"NUL byte in a name": {
			files: hcl("user \"a\" {\n  name = \"a\x00b\"\n}\n"),
			want:  []string{"main.hcl:2:12: Configuration file is not UTF-8 text"},
		},
		"NUL bytes in a document": {
			files: withDocument([]byte(strings.Replace(allow, "s3:", "s3\x00:", 1))),
			want:  []string{"doc.json:1:68: Invalid policy document"},
		},
		"invalid UTF-8 in a name": {
			files: hcl("user \"a\" {\n  name = \"a\xff\xfeb\"\n}\n"),
			want:  []string{"main.hcl:2:12: Configuration file is not UTF-8 text"},
		},
		"invalid UTF-8 in a document file": {
			files: withDocument([]byte(strings.Replace(allow, "s3:", "s3\xe9:", 1))),
			want:  []string{"main.hcl:2:14: Error in function call"},
		},
		"50 MB configuration file": {
			files: hcl("# " + strings.Repeat("x", 50<<20) + "\n"),
			want:  []string{"main.hcl:1:1: Configuration file too large"},
		},
		"50 MB document file": {
			files: withDocument([]byte(strings.Replace(allow, `"s3:GetObject"`, `"s3:`+strings.Repeat("x", 50<<20)+`"`, 1))),
			want:  []string{"main.hcl:2:14: Error in function call"},
		},
		"1 MB document in a heredoc": {
			files: hcl("policy \"p\" {\n  document = <<-JSON\n" + strings.Replace(allow, `"s3:GetObject"`, `"s3:`+strings.Repeat("x", 1<<20)+`"`, 1) + "\n  JSON\n}\n"),
			want:  []string{"main.hcl:2:3: Policy document too long"},
		},
		"10,000 nested lists in HCL": {
			files: hcl("user \"a\" {\n  name = \"a\"\n  tags = " + nested("[", "]") + "\n}\n"),
			want:  []string{"main.hcl:3:10: Incorrect attribute value type"},
		},
		"10,000 nested parentheses around an invalid name": {
			files: hcl("user \"a\" {\n  name = " + strings.Repeat("(", depth) + "\"a b\"" + strings.Repeat(")", depth) + "\n}\n"),
			want:  []string{"main.hcl:2:10: Invalid user name"},
		},
		"10,000 nested blocks": {
			files: hcl("user \"a\" {\n" + nested("x {\n", "}\n") + "}\n"),
			want:  []string{"main.hcl:2:1: Unsupported block type"},
		},
		"10,000 nested lists in jsonencode": {
			files: hcl("policy \"p\" {\n  document = jsonencode(" + nested("[", "]") + ")\n}\n"),
			want:  []string{"main.hcl:2:14: Invalid policy document"},
		},
		"10,000 nested objects in a document file": {
			files: withDocument([]byte(`{"Version":"2012-10-17","Statement":[],"X":` + nested(`{"a":`, "}") + "}")),
			want:  []string{"doc.json:1:199: Invalid policy document"},
		},
		"10,000 nested arrays in a heredoc document": {
			files: hcl("policy \"p\" {\n  document = <<-JSON\n    {\"Version\":\"2012-10-17\",\"Statement\":" + nested("[", "]") + "}\n  JSON\n}\n"),
			want:  []string{"main.hcl:3:72: Invalid policy document"},
		},
	}
}
