package spec

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// loadVariables loads a configuration made of src and returns the var
// object, with the summaries of any diagnostics.
func loadVariables(t *testing.T, src string, opts LoadOptions, files map[string]string) (cty.Value, []string) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(src))
	// Variables files are given in name order, because later files win.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(t.TempDir(), name)
		writeFile(t, path, []byte(files[name]))
		opts.VarFiles = append(opts.VarFiles, path)
	}
	l := newLoader(dir, opts)
	l.load()
	var summaries []string
	for _, d := range l.diags {
		summaries = append(summaries, d.Summary)
	}
	return l.vars, summaries
}

func TestVariableValues(t *testing.T) {
	const decl = `
variable "name" {
  type    = string
  default = "from-default"
}
variable "count" {
  type    = number
  default = 1
}
variable "admins" {
  type    = list(string)
  default = []
}
variable "untyped" {
  default = "x"
}
variable "settings" {
  type = object({
    enabled = bool
    level   = optional(number, 3)
  })
  default = { enabled = false }
}
`
	tests := map[string]struct {
		opts  LoadOptions
		files map[string]string
		want  map[string]cty.Value
	}{
		"defaults": {
			want: map[string]cty.Value{
				"name":     cty.StringVal("from-default"),
				"count":    cty.NumberIntVal(1),
				"untyped":  cty.StringVal("x"),
				"settings": cty.ObjectVal(map[string]cty.Value{"enabled": cty.False, "level": cty.NumberIntVal(3)}),
			},
		},
		"var arguments are parsed per type": {
			opts: LoadOptions{Variables: map[string]string{
				"name":     "[not parsed]",
				"count":    "42",
				"admins":   `["alice", "bob"]`,
				"untyped":  `["taken", "as", "text"]`,
				"settings": `{ enabled = true }`,
			}},
			want: map[string]cty.Value{
				"name":     cty.StringVal("[not parsed]"),
				"count":    cty.NumberIntVal(42),
				"admins":   cty.ListVal([]cty.Value{cty.StringVal("alice"), cty.StringVal("bob")}),
				"untyped":  cty.StringVal(`["taken", "as", "text"]`),
				"settings": cty.ObjectVal(map[string]cty.Value{"enabled": cty.True, "level": cty.NumberIntVal(3)}),
			},
		},
		"environment is below files, files below arguments": {
			opts: LoadOptions{
				Environ:   []string{"IAMSYNC_VAR_name=env", "IAMSYNC_VAR_count=7", "IAMSYNC_VAR_untyped=env", "IAMSYNC_VAR_other=ignored"},
				Variables: map[string]string{"name": "arg"},
			},
			files: map[string]string{"a.hcl": `name = "file-a"
count = 8`, "b.json": `{"count": 9}`},
			want: map[string]cty.Value{
				"name":    cty.StringVal("arg"),
				"count":   cty.NumberIntVal(9),
				"untyped": cty.StringVal("env"),
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			vars, diags := loadVariables(t, decl, tc.opts, tc.files)
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics: %q", diags)
			}
			for key, want := range tc.want {
				got := vars.GetAttr(key)
				if !got.RawEquals(want) {
					t.Errorf("var.%s = %#v, want %#v", key, got, want)
				}
			}
		})
	}
}

func TestVariableErrors(t *testing.T) {
	tests := map[string]struct {
		src   string
		opts  LoadOptions
		files map[string]string
		want  []string
	}{
		"undeclared -var": {
			src:  `variable "team" { default = "x" }`,
			opts: LoadOptions{Variables: map[string]string{"teem": "y"}},
			want: []string{"Value for undeclared variable"},
		},
		"undeclared in a file is a warning": {
			src:   `variable "team" { default = "x" }`,
			files: map[string]string{"v.hcl": `teem = "y"`},
			want:  []string{"Value for undeclared variable"},
		},
		"value of the wrong type": {
			src:  `variable "n" { type = number }`,
			opts: LoadOptions{Variables: map[string]string{"n": "many"}},
			want: []string{"Invalid value for input variable"},
		},
		"expression that does not parse": {
			src:  `variable "l" { type = list(string) }`,
			opts: LoadOptions{Variables: map[string]string{"l": `["a"`}},
			want: []string{"Unterminated tuple constructor expression"},
		},
		"missing file": {
			src:  `variable "l" { default = 1 }`,
			opts: LoadOptions{VarFiles: []string{"/nonexistent/vars.hcl"}},
			want: []string{"Cannot read variables file"},
		},
		"failed validation": {
			src: `variable "env" {
  default = "qa"
  validation {
    condition     = var.env == "prod"
    error_message = "Only prod."
  }
}`,
			want: []string{"Invalid value for variable"},
		},
		"missing value": {
			src:  `variable "env" {}`,
			want: []string{"No value for required variable"},
		},
		"repeated key in a -var value": {
			src:  `variable "m" { type = map(string) }`,
			opts: LoadOptions{Variables: map[string]string{"m": `{ t = "1", t = "2" }`}},
			want: []string{"Duplicate object key"},
		},
		"repeated key in a variables file": {
			src:   `variable "m" { type = map(string) }`,
			files: map[string]string{"v.hcl": `m = { t = "1", "t" = "2" }`},
			want:  []string{"Duplicate object key"},
		},
		"missing file that may set a required variable": {
			src:  `variable "env" {}`,
			opts: LoadOptions{VarFiles: []string{"/nonexistent/vars.hcl"}},
			want: []string{"Cannot read variables file"},
		},
		"file that does not parse and may set a required variable": {
			src:   `variable "env" {}`,
			files: map[string]string{"v.hcl": `env = `},
			want:  []string{"Missing expression"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, got := loadVariables(t, tc.src, tc.opts, tc.files)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("diagnostic summaries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBareWordForListVariable gives a list variable a bare word, as a
// user would who forgot the brackets and quotes. The error must say how to
// write the value.
func TestBareWordForListVariable(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(`variable "admins" { type = list(string) }`))
	l := newLoader(dir, LoadOptions{Variables: map[string]string{"admins": "alice"}})
	l.load()
	if len(l.diags) != 1 {
		t.Fatalf("diagnostics = %q, want one", l.diags)
	}
	for _, want := range []string{"The variable admins is of type list of string", `["a", "b"]`} {
		if !strings.Contains(l.diags[0].Detail, want) {
			t.Errorf("detail %q lacks %q", l.diags[0].Detail, want)
		}
	}
}

func TestNameSuggestion(t *testing.T) {
	tests := map[string]struct {
		given      string
		candidates []string
		want       string
	}{
		"one typo":            {given: "teem", candidates: []string{"team", "owner"}, want: "team"},
		"case only":           {given: "Admins", candidates: []string{"admins"}, want: "admins"},
		"short and unrelated": {given: "zz", candidates: []string{"m"}, want: ""},
		"too far":             {given: "environment", candidates: []string{"region"}, want: ""},
		"closest of two":      {given: "devs", candidates: []string{"dev", "devops"}, want: "dev"},
		"one typo in two":     {given: "ab", candidates: []string{"xb"}, want: "xb"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := nameSuggestion(tt.given, tt.candidates); got != tt.want {
				t.Errorf("nameSuggestion(%q, %q) = %q, want %q", tt.given, tt.candidates, got, tt.want)
			}
		})
	}
}
