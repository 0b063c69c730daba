package spec

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

func TestLookupAsTerraform(t *testing.T) {
	ctx := &hcl.EvalContext{
		Functions: functions(fileFunctions{}, nil),
		Variables: map[string]cty.Value{
			"m": cty.MapVal(map[string]cty.Value{"a": cty.StringVal("x")}),
			"o": cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "n": cty.NumberIntVal(1)}),
		},
	}
	for _, tc := range []struct {
		expr    string
		want    cty.Value
		wantErr string
	}{
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
