package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// fileFixture makes a configuration directory with a few files, a
// directory beside it and a symbolic link that leads out.
func fileFixture(t *testing.T) (dir, outside string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "config")
	outside = filepath.Join(root, "secret.txt")
	writeFile(t, outside, []byte("outside"))
	writeFile(t, filepath.Join(dir, "policies", "a.json"), []byte("{}"))
	writeFile(t, filepath.Join(dir, "policies", "deep", "b.json"), []byte("{}"))
	writeFile(t, filepath.Join(dir, "policies", "notes.txt"), []byte("notes"))
	writeFile(t, filepath.Join(dir, "hello.tpl"), []byte("hello ${upper(name)}"))
	if err := os.Symlink(outside, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	return dir, outside
}

func TestFileConfinement(t *testing.T) {
	dir, outside := fileFixture(t)
	tests := map[string]struct {
		path         string
		allowOutside bool
		wantOutside  bool
	}{
		"file inside":                {path: "policies/a.json"},
		"dot-dot":                    {path: "../secret.txt", wantOutside: true},
		"absolute path":              {path: outside, wantOutside: true},
		"symbolic link":              {path: "link.txt", wantOutside: true},
		"dot-dot allowed":            {path: "../secret.txt", allowOutside: true},
		"missing file inside":        {path: "policies/missing.json"},
		"dot-dot back in":            {path: "../config/policies/a.json"},
		"symbolic link when allowed": {path: "link.txt", allowOutside: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := fileFunctions{dir: dir, allowOutside: tc.allowOutside}
			_, err := f.resolve(tc.path)
			if got := errors.Is(err, errOutside); got != tc.wantOutside {
				t.Errorf("resolve(%q) error = %v, want outside=%t", tc.path, err, tc.wantOutside)
			}
		})
	}
}

func TestFileFunctions(t *testing.T) {
	dir, _ := fileFixture(t)
	funcs := functions(fileFunctions{dir: dir}, nil)
	tests := map[string]struct {
		fn   string
		args []cty.Value
		want cty.Value
	}{
		"file":             {"file", []cty.Value{cty.StringVal("policies/a.json")}, cty.StringVal("{}")},
		"fileexists true":  {"fileexists", []cty.Value{cty.StringVal("hello.tpl")}, cty.True},
		"fileexists false": {"fileexists", []cty.Value{cty.StringVal("nope.tpl")}, cty.False},
		"fileset one level": {"fileset", []cty.Value{cty.StringVal("policies"), cty.StringVal("*.json")},
			cty.SetVal([]cty.Value{cty.StringVal("a.json")})},
		"fileset any depth": {"fileset", []cty.Value{cty.StringVal("policies"), cty.StringVal("**/*.json")},
			cty.SetVal([]cty.Value{cty.StringVal("a.json"), cty.StringVal("deep/b.json")})},
		"fileset none": {"fileset", []cty.Value{cty.StringVal("policies"), cty.StringVal("*.yaml")},
			cty.SetValEmpty(cty.String)},
		"templatefile": {"templatefile", []cty.Value{cty.StringVal("hello.tpl"),
			cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("iam")})}, cty.StringVal("hello IAM")},
		"base64 round trip": {"base64decode", []cty.Value{cty.StringVal("aWFtc3luYw==")}, cty.StringVal("iamsync")},
		"urlencode":         {"urlencode", []cty.Value{cty.StringVal("a b&c")}, cty.StringVal("a+b%26c")},
		"replace literal":   {"replace", []cty.Value{cty.StringVal("a.b.c"), cty.StringVal("."), cty.StringVal("-")}, cty.StringVal("a-b-c")},
		"replace regex": {"replace", []cty.Value{cty.StringVal("svc-12-x"), cty.StringVal("/[0-9]+/"), cty.StringVal("N")},
			cty.StringVal("svc-N-x")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := funcs[tc.fn].Call(tc.args)
			if err != nil {
				t.Fatalf("%s: %v", tc.fn, err)
			}
			if !got.RawEquals(tc.want) {
				t.Errorf("%s = %#v, want %#v", tc.fn, got, tc.want)
			}
		})
	}
}

func TestTemplateFileErrors(t *testing.T) {
	dir, _ := fileFixture(t)
	funcs := functions(fileFunctions{dir: dir}, nil)
	_, err := funcs["templatefile"].Call([]cty.Value{cty.StringVal("hello.tpl"), cty.EmptyObjectVal})
	if err == nil {
		t.Fatal("templatefile with a missing variable succeeded")
	}
	_, err = funcs["file"].Call([]cty.Value{cty.StringVal("../secret.txt")})
	if !errors.Is(err, errOutside) {
		t.Fatalf("file outside: got %v, want errOutside", err)
	}

	// HCL adds a period to the message of a failed call, so the template's
	// error has none of its own.
	writeFile(t, filepath.Join(dir, "call.tpl"), []byte(`${upper("a", "b")}`))
	_, err = funcs["templatefile"].Call([]cty.Value{cty.StringVal("call.tpl"), cty.EmptyObjectVal})
	if err == nil || strings.HasSuffix(err.Error(), ".") {
		t.Errorf("templatefile with a bad call: error %v, want one that does not end with a period", err)
	}
}

func TestMatchSegments(t *testing.T) {
	tests := map[string]struct {
		pattern, path string
		want          bool
	}{
		"star":             {"*.json", "a.json", true},
		"star no dirs":     {"*.json", "d/a.json", false},
		"double star zero": {"**/*.json", "a.json", true},
		"double star many": {"**/*.json", "a/b/c.json", true},
		"middle":           {"a/**/c.json", "a/x/y/c.json", true},
		"mismatch":         {"a/**/c.json", "b/c.json", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := matchSegments(splitSlash(tc.pattern), splitSlash(tc.path))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("matchSegments(%q, %q) (-want +got):\n%s", tc.pattern, tc.path, diff)
			}
		})
	}
}

func splitSlash(s string) []string { return strings.Split(s, "/") }
