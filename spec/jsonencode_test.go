package spec

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/iamsync/iamsync/policydoc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// jsonEncodeCases are expressions whose values jsonencode must write exactly
// as cty's own jsonencode does.
var jsonEncodeCases = map[string]string{
	"policy": `{
		Version = "2012-10-17"
		Statement = [{
			Sid = "Read"
			Effect = "Allow"
			Action = ["s3:GetObject", "s3:ListBucket"]
			Resource = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
			Condition = { Bool = { "aws:SecureTransport" = true }, NumericLessThan = { "s3:max-keys" = 10 } }
		}]
	}`,
	"keys out of order":        `{ b = 1, a = 2, C = 3, "a b" = 4 }`,
	"map":                      `tomap({ z = "1", y = "2" })`,
	"list and set":             `{ l = tolist(["b", "a"]), s = toset(["b", "a", "c"]) }`,
	"empty containers":         `{ o = {}, t = [], l = tolist([]), s = toset([]), m = tomap({}) }`,
	"null attribute":           `{ a = null, b = [null] }`,
	"numbers":                  `{ a = 1, b = -1.5, c = 0.1, d = 1e21, e = 123456789012345678901234567890, f = -0, g = 1/3 }`,
	"html characters":          `{ Condition = "a<b>&c" }`,
	"quotes and backslashes":   `{ "k\"ey" = "va\\lue\"" }`,
	"control characters":       `{ a = "tab\there\nline\rret\u0001" }`,
	"latin-1":                  `{ Sid = "café", "clé" = "ÿ" }`,
	"outside latin-1":          `{ Sid = "→" }`,
	"line separator":           `{ Sid = "a\u2028b\u2029" }`,
	"astral":                   `{ Sid = "😀" }`,
	"to normalize":             `{ Sid = "e\u0301" }`,
	"string":                   `"text"`,
	"number":                   `42`,
	"bool":                     `true`,
	"tuple":                    `[{ a = 1 }]`,
	"object nested too deeply": `{a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a=1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}`,
	"object nested 32 deep":    `{a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a={a=[1]}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}`,
}

func TestJSONEncodeMatchesCty(t *testing.T) {
	ctx := &hcl.EvalContext{Functions: functions(fileFunctions{}, nil)}
	for name, src := range jsonEncodeCases {
		t.Run(name, func(t *testing.T) {
			expr, diags := hclsyntax.ParseExpression([]byte(src), "case.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			val, diags := expr.Value(ctx)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			checkJSONEncodeMatchesCty(t, val)
		})
	}
}

func TestJSONEncodeMarksAndUnknowns(t *testing.T) {
	for name, val := range map[string]cty.Value{
		"marked object":      cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x")}).Mark("secret"),
		"marked attribute":   cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x").Mark("secret")}),
		"unknown object":     cty.UnknownVal(cty.Object(map[string]cty.Type{"a": cty.String})),
		"unknown attribute":  cty.ObjectVal(map[string]cty.Value{"a": cty.UnknownVal(cty.String)}),
		"null object":        cty.NullVal(cty.Object(map[string]cty.Type{"a": cty.String})),
		"dynamic attribute":  cty.ObjectVal(map[string]cty.Value{"a": cty.NullVal(cty.DynamicPseudoType)}),
		"infinite attribute": cty.ObjectVal(map[string]cty.Value{"a": cty.PositiveInfinity}),
	} {
		t.Run(name, func(t *testing.T) {
			checkJSONEncodeMatchesCty(t, val)
		})
	}
}

func FuzzJSONEncodeMatchesCty(f *testing.F) {
	for _, text := range jsonDecodeCases {
		f.Add(text)
	}
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		val, err := stdlib.JSONDecode(cty.StringVal(text))
		if err != nil {
			return
		}
		checkJSONEncodeMatchesCty(t, val)
	})
}

// checkJSONEncodeMatchesCty checks that jsonencode writes val as cty's
// function does, and that the document it keeps is the one Parse returns for
// the text.
func checkJSONEncodeMatchesCty(t *testing.T, val cty.Value) {
	t.Helper()
	args := []cty.Value{val}
	want, wantErr := stdlib.JSONEncodeFunc.Call(args)
	docs := encodedDocuments{}
	got, gotErr := jsonEncodeFunc(docs).Call(args)
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("jsonencode(%#v) error = %v, want %v", val, gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if !got.RawEquals(want) {
		t.Fatalf("jsonencode(%#v) = %#v, want %#v", val, got, want)
	}
	if !got.IsKnown() {
		if len(docs) > 0 {
			t.Errorf("jsonencode(%#v) kept a document for an unknown result", val)
		}
		return
	}
	marked := got.ContainsMarked()
	got, _ = got.UnmarkDeep()
	text := got.AsString()
	parsed, parseErr := policydoc.Parse(text)
	keptDoc := docs[text]
	switch {
	case keptDoc == nil:
		// Keeping a document is an optimization, but the common cases
		// must take it.
		if parseErr == nil && !marked && strings.IndexFunc(text, func(r rune) bool { return r > 0x7f }) < 0 {
			t.Errorf("jsonencode(%#v) kept no document for %s", val, text)
		}
	case parseErr != nil:
		t.Errorf("jsonencode kept a document for %s, which Parse rejects: %v", text, parseErr)
	case !reflect.DeepEqual(keptDoc, parsed):
		t.Errorf("jsonencode kept a document for %s that differs from Parse's:\n got %#v\nwant %#v", text, keptDoc, parsed)
	}
	if len(docs) > 1 {
		t.Errorf("jsonencode kept %d documents for one value", len(docs))
	}
}
