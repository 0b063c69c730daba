package policydoc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrors(t *testing.T) {
	tests := map[string]struct {
		text string
		want *SyntaxError // nil when the text is valid
	}{
		"minimal object is valid": {
			text: `{}`,
		},
		"Latin-1 character is valid": {
			text: "{\"Sid\": \"caf\u00e9\"}",
		},
		"escaped character outside Latin-1 is valid": {
			// IAM's character rule applies to the text, and \u2019 is ASCII text.
			text: `{"Sid": "\u2019"}`,
		},
		"tab, CR and LF between tokens are valid": {
			text: "{\t\"a\":\r\n1}",
		},
		"empty text": {
			text: "",
			want: &SyntaxError{Offset: 0, Line: 1, Column: 1, Msg: "the document is empty; a policy document is a JSON object"},
		},
		"only white space": {
			text: " \n ",
			want: &SyntaxError{Offset: 3, Line: 2, Column: 2, Msg: "the document is empty; a policy document is a JSON object"},
		},
		"top level is an array": {
			text: ` [{"Effect": "Allow"}]`,
			want: &SyntaxError{Offset: 1, Line: 1, Column: 2, Msg: "the document is a JSON array; a policy document is a JSON object"},
		},
		"top level is a string": {
			text: `"policy"`,
			want: &SyntaxError{Offset: 0, Line: 1, Column: 1, Msg: "the document is a JSON string; a policy document is a JSON object"},
		},
		"trailing comma in object": {
			text: "{\n  \"a\": 1,\n}",
			want: &SyntaxError{Offset: 12, Line: 3, Column: 1, Msg: "invalid character '}' looking for beginning of object key string"},
		},
		"missing comma in array": {
			text: `{"a": [1 2]}`,
			want: &SyntaxError{Offset: 9, Line: 1, Column: 10, Msg: "invalid character '2' after array element"},
		},
		"comma instead of colon": {
			text: `{"a", 1}`,
			want: &SyntaxError{Offset: 4, Line: 1, Column: 5, Msg: "invalid character ',' after object key"},
		},
		"misspelt literal": {
			text: "{\"a\":\n  tru}",
			want: &SyntaxError{Offset: 11, Line: 2, Column: 6, Msg: "invalid character '}' in literal true (expecting 'e')"},
		},
		"invalid escape in string": {
			text: `{"a": "\x"}`,
			want: &SyntaxError{Offset: 8, Line: 1, Column: 9, Msg: "invalid character 'x' in string escape code"},
		},
		"truncated document": {
			text: `{"a": [`,
			want: &SyntaxError{Offset: 7, Line: 1, Column: 8, Msg: "unexpected end of the document"},
		},
		"second value after the object": {
			text: `{"a": 1} {}`,
			want: &SyntaxError{Offset: 9, Line: 1, Column: 10, Msg: "unexpected text after the end of the document"},
		},
		"duplicate key at top level": {
			// IAM rejects duplicate keys rather than keeping the last one, as
			// most JSON decoders do.
			text: `{"Statement": [], "Statement": {}}`,
			want: &SyntaxError{Offset: 18, Line: 1, Column: 19, Msg: `duplicate key "Statement"; IAM rejects a document that repeats a key in one object`},
		},
		"duplicate key in nested object": {
			text: `{"Statement": {"Effect": "Allow", "Effect": "Deny"}}`,
			want: &SyntaxError{Offset: 34, Line: 1, Column: 35, Msg: `duplicate key "Effect"; IAM rejects a document that repeats a key in one object`},
		},
		"same key in sibling objects is valid": {
			text: `{"Statement": [{"Effect": "Allow"}, {"Effect": "Deny"}]}`,
		},
		"keys differing in case are distinct": {
			text: `{"Effect": "Allow", "effect": "Allow"}`,
		},
		"character outside Latin-1": {
			text: "{\"Sid\": \"\u0100\"}",
			want: &SyntaxError{Offset: 9, Line: 1, Column: 10, Msg: `character U+0100 is not allowed; IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF (write other characters as \u escapes)`},
		},
		"typographic quote": {
			text: "{\"Sid\": \u201cx\u201d}",
			want: &SyntaxError{Offset: 8, Line: 1, Column: 9, Msg: "character U+201C (a typographic quote) is not allowed; use a straight quote"},
		},
		"control character": {
			text: "{\"a\":\x0b1}",
			want: &SyntaxError{Offset: 5, Line: 1, Column: 6, Msg: `character U+000B is not allowed; IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF (write other characters as \u escapes)`},
		},
		"byte order mark": {
			text: "\ufeff{}",
			want: &SyntaxError{Offset: 0, Line: 1, Column: 1, Msg: `character U+FEFF is not allowed; IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF (write other characters as \u escapes)`},
		},
		"invalid UTF-8": {
			text: "{\"a\": \"\xe9\"}",
			want: &SyntaxError{Offset: 7, Line: 1, Column: 8, Msg: "invalid UTF-8 byte 0xe9"},
		},
		"nesting at the bound is read to the end": {
			text: strings.Repeat("[", 31) + "{}" + strings.Repeat("]", 31),
			want: &SyntaxError{Offset: 0, Line: 1, Column: 1, Msg: "the document is a JSON array; a policy document is a JSON object"},
		},
		"nesting beyond the bound": {
			// Ten thousand levels would make Pretty write about 100 MB.
			text: `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "}",
			want: &SyntaxError{Offset: 36, Line: 1, Column: 37, Msg: "arrays and objects nest more than 32 levels deep; a policy document nests at most 6"},
		},
		"column counts characters, not bytes": {
			text: "{\"caf\u00e9\": 1,}",
			want: &SyntaxError{Offset: 12, Line: 1, Column: 12, Msg: "invalid character '}' looking for beginning of object key string"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := Parse(tt.text)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Parse() error = %v, want none", err)
				}
				if d.String() != tt.text {
					t.Errorf("String() = %q, want the text as written %q", d.String(), tt.text)
				}
				return
			}
			var got *SyntaxError
			if !errors.As(err, &got) {
				t.Fatalf("Parse() error = %v (%T), want a *SyntaxError", err, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse() error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	err := &SyntaxError{Offset: 12, Line: 3, Column: 1, Msg: "unexpected end of the document"}
	if got, want := err.Error(), "line 3, column 1: unexpected end of the document"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseKeepsNumbersAsWritten(t *testing.T) {
	d := MustParse(`{"Statement": {"Condition": {"NumericLessThan": {"s3:max-keys": 10.50}}, "X": 1e400}}`)
	got := d.Pretty()
	want := `{
  "Statement": {
    "Condition": {
      "NumericLessThan": {
        "s3:max-keys": 10.50
      }
    },
    "X": 1e400
  }
}`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Pretty() mismatch (-want +got):\n%s", diff)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse did not panic on an invalid document")
		}
	}()
	MustParse(`[]`)
}

func TestMarshalJSON(t *testing.T) {
	type plan struct {
		Before *Document `json:"before"`
		After  *Document `json:"after"`
	}
	after := MustParse("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Sid\": \"a<b\", \"Effect\": \"Allow\"}\n}")

	got, err := json.Marshal(plan{After: after})
	if err != nil {
		t.Fatal(err)
	}
	// encoding/json escapes "<" in the output of MarshalJSON methods too.
	want := `{"before":null,"after":{"Version":"2012-10-17","Statement":{"Sid":"a\u003cb","Effect":"Allow"}}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("json.Marshal() mismatch (-want +got):\n%s", diff)
	}
}

func TestUnmarshalJSON(t *testing.T) {
	tests := map[string]struct {
		data    string
		want    string // String of the document; "" with wantErr
		wantErr bool
	}{
		"object": {
			data: `{"doc": {"Statement": []}}`,
			want: `{"Statement": []}`,
		},
		"string holding the text, as IAM APIs return it": {
			data: `{"doc": "{\"Statement\": []}"}`,
			want: `{"Statement": []}`,
		},
		"null leaves the pointer nil": {
			data: `{"doc": null}`,
		},
		"string that is not a document": {
			data:    `{"doc": "[]"}`,
			wantErr: true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var v struct{ Doc *Document }
			err := json.Unmarshal([]byte(tt.data), &v)
			if tt.wantErr {
				var syntaxErr *SyntaxError
				if !errors.As(err, &syntaxErr) {
					t.Fatalf("json.Unmarshal() error = %v, want a wrapped *SyntaxError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("json.Unmarshal() error = %v", err)
			}
			if got := v.Doc.String(); got != tt.want {
				t.Errorf("document = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNilDocument(t *testing.T) {
	var d *Document
	if d.String() != "" || d.Canonical() != "" || d.Pretty() != "" || d.Size() != 0 || d.Validate(Identity) != nil {
		t.Error("a nil Document does not behave as an empty one")
	}
	if !Equal(nil, nil) || Equal(nil, MustParse(`{}`)) || MustParse(`{}`).Equal(nil) {
		t.Error("Equal with nil documents is wrong")
	}
	if got, _ := d.MarshalJSON(); string(got) != "null" {
		t.Errorf("MarshalJSON() = %s, want null", got)
	}
	if _, ok := d.Locate(""); ok {
		t.Error("Locate on a nil Document found an element")
	}
}
