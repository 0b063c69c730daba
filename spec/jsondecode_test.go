package spec

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// jsonDecodeCases are texts that jsondecode must decode exactly as cty's
// own jsondecode does, or reject as cty does.
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
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("jsondecode(%q) error = %v, want %v", text, gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if !got.RawEquals(want) {
		t.Errorf("jsondecode(%q) = %#v, want %#v", text, got, want)
	}
}

func TestJSONDecodeErrorPosition(t *testing.T) {
	tests := map[string]struct {
		text string
		want string
	}{
		"bad character on a later line": {
			text: "{\n  \"a\": [1,]\n}",
			want: "invalid character ']' looking for beginning of value, at line 2, column 11 of the text",
		},
		"column in characters": {
			text: `{"naïve": x}`,
			want: "invalid character 'x' looking for beginning of value, at line 1, column 11 of the text",
		},
		"text that ends too soon": {
			text: "{\"a\": 1,\n",
			want: "unexpected end of JSON input, at line 2, column 1 of the text",
		},
		"empty text": {
			text: "",
			want: "unexpected end of JSON input, at line 1, column 1 of the text",
		},
		"byte order mark": {
			text: "\uFEFF{}",
			want: "the text starts with a byte order mark (U+FEFF), which JSON does not allow; save it as UTF-8 without one, at line 1, column 1 of the text",
		},
		"trailing text": {
			text: `{} x`,
			want: "invalid character 'x' after top-level value, at line 1, column 4 of the text",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := jsonDecodeFunc.Call([]cty.Value{cty.StringVal(tt.text)})
			if err == nil {
				t.Fatalf("jsondecode(%q) succeeded, want an error", tt.text)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("jsondecode(%q) error = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}
