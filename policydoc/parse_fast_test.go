package policydoc

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// parserCases are texts on which parseValid and parseTokens must agree. They
// cover every kind of value, every JSON escape and each reason for parseValid
// to decline a text. FuzzParseFast starts from them as well.
var parserCases = map[string]string{
	"minimal object":            `{}`,
	"every kind of value":       `{"s":"x","n":1,"t":true,"f":false,"z":null,"a":[],"o":{}}`,
	"white space everywhere":    " \t\r\n{ \"a\" :\n[ 1 ,\t\"b\" , { } ,[ ] ]\r\n, \"c\" : null }\n ",
	"numbers as written":        `{"a":[0,-0,10.50,1e400,-1.5E+10,2e-3,123456789012345678901234567890]}`,
	"typical statement":         `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}]}`,
	"Latin-1 characters":        "{\"Sid\":\"caf\u00e9 \u00ff\",\"\u00e9\":\"\u00a0\"}",
	"every short escape":        `{"a":"\" \\ \/ \b \f \n \r \t"}`,
	"unicode escapes":           `{"a":"\u00e9\u2019\u0000 and \uD83D\uDE00"}`,
	"lone surrogate escape":     `{"a":"\ud800","b":"\udc00x","c":"\ud800\u0041"}`,
	"escaped quote first":       `{"a":"\"quoted\"","b":"x"}`,
	"backslash before the end":  `{"a":"x\\","b":"\\"}`,
	"escaped key":               `{"\u0041ction":"*","a\"b":1}`,
	"escaped Latin-1 text":      "{\"a\":\"\u00e9\\n\u00e9\"}",
	"keys differing in case":    `{"Effect":"Allow","effect":"Allow"}`,
	"same key in sibling":       `{"Statement":[{"Effect":"Allow"},{"Effect":"Deny"}]}`,
	"nesting at the bound":      `{"a":` + strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1) + `}`,
	"nesting beyond the bound":  `{"a":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}`,
	"deep nesting":              `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
	"duplicate key":             `{"a":1,"b":2,"a":3}`,
	"duplicate key by escape":   `{"a":1,"\u0061":2}`,
	"duplicate in nested value": `{"a":{"b":1,"b":2}}`,
	"large object":              largeObject(40, 0, 0),
	"duplicate at linear limit": largeObject(maxLinearKeys+1, 0, maxLinearKeys),
	"duplicate of a mapped key": largeObject(40, 0, 30),
	"duplicate past the limit":  largeObject(40, 20, 30),
	"top level is an array":     `[{"a":1}]`,
	"top level is a string":     `"{}"`,
	"top level is a number":     ` 1 `,
	"empty text":                "",
	"only white space":          " \n ",
	"trailing text":             `{"a":1} {}`,
	"trailing comma":            `{"a":1,}`,
	"truncated document":        `{"a": [`,
	"truncated string":          `{"a":"x`,
	"invalid escape":            `{"a":"\x"}`,
	"short unicode escape":      `{"a":"\u12"}`,
	"leading zero":              `{"a":01}`,
	"control character":         "{\"a\":\"\x01\"}",
	"character outside Latin-1": "{\"a\":\"\u0100\"}",
	"typographic quote":         "{\"a\":\u201cx\u201d}",
	"invalid UTF-8":             "{\"a\":\"\xe9\"}",
	"byte order mark":           "\ufeff{}",
}

// largeObject returns an object of n members with distinct keys, except that
// the member at index repeat, when above 0, repeats the key at index first.
func largeObject(n, first, repeat int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		key := fmt.Sprintf("k%d", i)
		if i == repeat {
			key = fmt.Sprintf("k%d", first)
		}
		fmt.Fprintf(&b, "%q:[%d]", key, i)
	}
	b.WriteString("}")
	return b.String()
}

func TestParseValidMatchesTokens(t *testing.T) {
	for name, text := range parserCases {
		t.Run(name, func(t *testing.T) {
			checkParsersAgree(t, text)
		})
	}
}

// TestParseValidAccepts checks which texts the fast path accepts. The
// agreement test alone would also pass if parseValid declined every text.
func TestParseValidAccepts(t *testing.T) {
	tests := map[string]bool{
		"typical statement":         true,
		"unicode escapes":           true,
		"large object":              true,
		"nesting at the bound":      true,
		"nesting beyond the bound":  false,
		"duplicate key by escape":   false,
		"duplicate at linear limit": false,
		"duplicate past the limit":  false,
		"top level is an array":     false,
		"trailing text":             false,
		"character outside Latin-1": false,
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			if _, got := parseValid(parserCases[name]); got != want {
				t.Errorf("parseValid() ok = %t, want %t", got, want)
			}
		})
	}
}

func TestParseValidSharesText(t *testing.T) {
	text := `{"Effect":"Allow","Sid":"a\nb"}`
	root, ok := parseValid(text)
	if !ok {
		t.Fatal("parseValid() declined a valid document")
	}
	effect := root.get("Effect").text
	if want := text[11:16]; effect != want || unsafe.StringData(effect) != unsafe.StringData(want) {
		t.Errorf("string without escapes = %q, want the substring %q of the text", effect, want)
	}
	if sid := root.get("Sid").text; sid != "a\nb" {
		t.Errorf("string with an escape = %q, want %q", sid, "a\nb")
	}
}

// dumpTree writes a node tree one value per line, with every field. Trees
// are compared with reflect.DeepEqual and shown through this, because
// cmp.Diff of go-cmp v0.7.0 takes time exponential in the depth of nested
// slices, and a document may nest 32 levels. An equal pair of trees nested
// that deep did not finish comparing in 10 minutes.
func dumpTree(n *node) string {
	var b strings.Builder
	var write func(n *node, indent string)
	write = func(n *node, indent string) {
		if n == nil {
			b.WriteString(indent + "nil\n")
			return
		}
		fmt.Fprintf(&b, "%s%s at %d text=%q boolean=%t elems=%d (nil %t) members=%d (nil %t)\n",
			indent, kindName(n.kind), n.offset, n.text, n.boolean, len(n.elems), n.elems == nil, len(n.members), n.members == nil)
		for _, e := range n.elems {
			write(e, indent+"  ")
		}
		for _, m := range n.members {
			fmt.Fprintf(&b, "%s  key %q at %d\n", indent, m.key, m.keyOffset)
			write(m.value, indent+"    ")
		}
	}
	write(n, "")
	return b.String()
}

// checkParsersAgree fails t unless parseValid accepts text exactly when
// parseTokens does, with the same tree, and unless parseText returns what
// parseTokens returns, error included.
func checkParsersAgree(t *testing.T, text string) {
	t.Helper()
	want, wantErr := parseTokens(text)
	fast, ok := parseValid(text)
	switch {
	case ok && wantErr != nil:
		t.Fatalf("parseValid() accepted a text that parseTokens rejects with %v", wantErr)
	case !ok && wantErr == nil:
		t.Fatal("parseValid() declined a text that parseTokens accepts")
	}
	if !reflect.DeepEqual(want, fast) {
		t.Errorf("parseValid() tree mismatch (-want +got):\n%s", cmp.Diff(dumpTree(want), dumpTree(fast)))
	}

	got, err := parseText(text)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("parseText() tree mismatch (-want +got):\n%s", cmp.Diff(dumpTree(want), dumpTree(got)))
	}
	if diff := cmp.Diff(wantErr, err); diff != "" {
		t.Errorf("parseText() error mismatch (-want +got):\n%s", diff)
	}
}
