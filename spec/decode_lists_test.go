package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// readerFor parses src as a body and returns a reader of its attributes
// with the variable v set to value.
func readerFor(t *testing.T, src string, value cty.Value) (*attrReader, *loader) {
	t.Helper()
	file, diags := hclsyntax.ParseConfig([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	attrs, diags := file.Body.JustAttributes()
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	l := &loader{}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"v": value}, Functions: functions(fileFunctions{}, nil)}
	return l.newReader(attrs, ctx), l
}

// Lists and maps of strings read the same whether the value needs a
// conversion or is already a tuple or object of strings.
func TestStringListAndMap(t *testing.T) {
	tests := map[string]struct {
		src      string
		v        cty.Value
		wantList []string
		wantMap  map[string]string
		wantOK   bool
		wantErr  bool
	}{
		"tuple of strings":      {src: `a = ["x", "y"]`, wantList: []string{"x", "y"}, wantOK: true},
		"empty tuple":           {src: `a = []`, wantList: []string{}, wantOK: true},
		"tuple with a number":   {src: `a = ["x", 2]`, wantList: []string{"x", "2"}, wantOK: true},
		"tuple with null":       {src: `a = ["x", null]`, wantErr: true},
		"set sorts":             {src: `a = toset(["b", "a"])`, wantList: []string{"a", "b"}, wantOK: true},
		"null tuple of strings": {src: `a = v`, v: cty.NullVal(cty.Tuple([]cty.Type{cty.String})), wantOK: false},
		"null string element":   {src: `a = v`, v: cty.TupleVal([]cty.Value{cty.NullVal(cty.String)}), wantErr: true},
		"object of strings":     {src: `m = { k = "x", l = "y" }`, wantMap: map[string]string{"k": "x", "l": "y"}, wantOK: true},
		"empty object":          {src: `m = {}`, wantMap: map[string]string{}, wantOK: true},
		"object with a bool":    {src: `m = { k = true }`, wantMap: map[string]string{"k": "true"}, wantOK: true},
		"null object of strings": {src: `m = v`, v: cty.NullVal(cty.Object(map[string]cty.Type{"k": cty.String})),
			wantOK: false},
		"object with null value": {src: `m = v`, v: cty.ObjectVal(map[string]cty.Value{"k": cty.NullVal(cty.String)}),
			wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			v := tt.v
			if v == cty.NilVal {
				v = cty.StringVal("unused")
			}
			r, l := readerFor(t, tt.src, v)
			var ok bool
			if r.has("a") {
				var got []string
				got, ok = r.stringList("a")
				if diff := cmp.Diff(tt.wantList, got); ok && diff != "" {
					t.Errorf("stringList differs (-want +got):\n%s", diff)
				}
			} else {
				var got map[string]string
				got, ok = r.stringMap("m")
				if diff := cmp.Diff(tt.wantMap, got); ok && diff != "" {
					t.Errorf("stringMap differs (-want +got):\n%s", diff)
				}
			}
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if got := l.diags.HasErrors(); got != tt.wantErr {
				t.Errorf("errors reported = %v, want %v: %v", got, tt.wantErr, l.diags)
			}
		})
	}
}

// identityAttributes reads a native body directly and must find what
// PartialContent finds for the identity schema.
func TestIdentityAttributesMatchPartialContent(t *testing.T) {
	src := `name = "alice"
for_each = toset(["a"])
tags = { team = "x" }
path { }
`
	file, diags := hclsyntax.ParseConfig([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	content, _, wantDiags := file.Body.PartialContent(identitySchema)
	got, gotDiags := identityAttributes(file.Body)
	if diff := cmp.Diff(content.Attributes, got, cmp.Comparer(func(a, b hcl.Expression) bool { return a == b })); diff != "" {
		t.Errorf("attributes differ (-PartialContent +identityAttributes):\n%s", diff)
	}
	if len(gotDiags) != len(wantDiags) {
		t.Errorf("diagnostics %v, want %v", gotDiags, wantDiags)
	}
}
