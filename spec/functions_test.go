package spec

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestFunctionsAsTerraform checks the functions whose results differ
// between cty's standard library and Terraform, which iamsync follows.
func TestFunctionsAsTerraform(t *testing.T) {
	ctx := &hcl.EvalContext{
		Functions: functions(fileFunctions{}, nil),
		Variables: map[string]cty.Value{
			"unset": cty.NullVal(cty.String),
			"m":     cty.MapVal(map[string]cty.Value{"a": cty.StringVal("x")}),
			"o":     cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "n": cty.NumberIntVal(1)}),
		},
	}
	for _, tc := range []struct {
		expr    string
		want    cty.Value
		wantErr string
	}{
		{expr: `coalesce("", "b")`, want: cty.StringVal("b")},
		{expr: `coalesce(unset, "", "c")`, want: cty.StringVal("c")},
		{expr: `coalesce("a", "b")`, want: cty.StringVal("a")},
		{expr: `coalesce(1, 2)`, want: cty.NumberIntVal(1)},
		{expr: `coalesce("", "")`, wantErr: "no non-null, non-empty-string arguments"},
		{expr: `length("héllo")`, want: cty.NumberIntVal(5)},
		{expr: `length({a = 1, b = "x"})`, want: cty.NumberIntVal(2)},
		{expr: `length([1, "x", true])`, want: cty.NumberIntVal(3)},
		{expr: `length(tomap({a = "1"}))`, want: cty.NumberIntVal(1)},
		{expr: `length(true)`, wantErr: "must be a string, a collection type, or a structural type"},
		{expr: `urlencode("Hello World!")`, want: cty.StringVal("Hello+World%21")},
		{expr: `lookup(m, "a", "d")`, want: cty.StringVal("x")},
		{expr: `lookup(m, "b", "d")`, want: cty.StringVal("d")},
		{expr: `lookup(m, "a", null)`, want: cty.StringVal("x")},
		{expr: `lookup(m, "b", null)`, want: cty.NullVal(cty.String)},
		{expr: `lookup(m, "a")`, want: cty.StringVal("x")},
		{expr: `lookup(m, "b")`, wantErr: `the map has no key "b"`},
		{expr: `lookup(o, "n", null)`, want: cty.NumberIntVal(1)},
		{expr: `lookup(o, "z", null)`, want: cty.NullVal(cty.DynamicPseudoType)},
		{expr: `lookup(o, "z", 5)`, want: cty.NumberIntVal(5)},
		{expr: `lookup(o, "z")`, wantErr: `the given object has no attribute "z"`},
		{expr: `lookup(o, "a", null) == null`, want: cty.False},
		{expr: `lookup("text", "a", null)`, wantErr: "lookup needs a map or an object"},
		{expr: `lookup(m, "a", "d", "e")`, wantErr: "at most three arguments"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			expr, diags := hclsyntax.ParseExpression([]byte(tc.expr), "case.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			got, diags := expr.Value(ctx)
			if tc.wantErr != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.wantErr) {
					t.Fatalf("got %#v, %v; want an error containing %q", got, diags, tc.wantErr)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if !got.RawEquals(tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}
