package spec

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// jsonDecodeCases are texts that jsondecode must decode exactly as cty's
// own jsondecode does, or reject with the same error.
var jsonDecodeCases = map[string]string{
	"object":                  `{"name": "alice", "groups": ["admins", "ops"], "age": 42, "admin": true}`,
	"empty object":            `{}`,
	"empty array":             `[]`,
	"nested empty containers": `{"a": {}, "b": [], "c": [{}, []]}`,
	"mixed tuple":             `[1, "two", false, null, {"x": [3]}]`,
	"null":                    `null`,
	"null attribute":          `{"boundary": null}`,
	"string":                  `"text"`,
	"precise number":          `123456789012345678901234567890.000000000000000000001`,
	"exponent":                `-1.5e-10`,
	"unicode to normalize":    `{"name": "e\u0301"}`,
	"duplicate key same type": `{"a": 1, "a": 2}`,
	"duplicate key new type":  `{"a": 1, "a": "two"}`,
	"duplicate key escaped":   `{"a": 1, "\u0061": 2}`,
	"duplicate key nested":    `[{"x": {"k": 1, "k": 1}}]`,
	"colons and quotes":       `{"a:b": "c\":d", "e": ["f:", {"g\\": ":"}]}`,
	"keys differing by case":  `{"a": 1, "A": 2}`,
	"trailing text":           `{} {}`,
	"trailing bracket":        `{}]`,
	"invalid":                 `{"a": }`,
	"empty":                   ``,
	"white space only":        `   `,
	"truncated":               `{"a": [1, 2`,
}

func TestJSONDecodeMatchesCty(t *testing.T) {
	for name, text := range jsonDecodeCases {
		t.Run(name, func(t *testing.T) {
			checkJSONDecodeMatchesCty(t, text)
		})
	}
}

func FuzzJSONDecodeMatchesCty(f *testing.F) {
	for _, text := range jsonDecodeCases {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkJSONDecodeMatchesCty(t, text)
	})
}

func checkJSONDecodeMatchesCty(t *testing.T, text string) {
	t.Helper()
	args := []cty.Value{cty.StringVal(text)}
	want, wantErr := stdlib.JSONDecodeFunc.Call(args)
	got, gotErr := jsonDecodeFunc.Call(args)
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("jsondecode(%q) error = %v, want %v", text, gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if !got.RawEquals(want) {
		t.Errorf("jsondecode(%q) = %#v, want %#v", text, got, want)
	}
}
