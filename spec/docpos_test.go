package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJSONPointerSpan(t *testing.T) {
	const doc = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:A", "s3:B"]}, {"Effect": "Deny"}]}`
	tests := map[string]struct {
		pointer string
		want    string
	}{
		"key":                     {"/Version", `"2012-10-17"`},
		"list element":            {"/Statement/0/Action/1", `"s3:B"`},
		"second statement":        {"/Statement/1", `{"Effect": "Deny"}`},
		"missing key stops short": {"/Statement/1/Action", `{`},
		"index into a scalar":     {"/Statement/0/Effect/0", `"Allow"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			start, end, ok := jsonPointerSpan(doc, splitPointer(tc.pointer))
			if !ok {
				t.Fatal("not found")
			}
			if diff := cmp.Diff(tc.want, doc[start:end]); diff != "" {
				t.Errorf("span (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQuotedSourceOffset(t *testing.T) {
	tests := map[string]struct {
		raw    string
		offset int
		want   int
	}{
		"plain":           {`abc`, 2, 2},
		"after a quote":   {`\"a\"b`, 3, 5},
		"after a unicode": {`\u00e9x`, 2, 6},
		"after an escape": {`$${x}y`, 4, 5},
		"at the very end": {`ab`, 2, 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := quotedSourceOffset([]byte(tc.raw), tc.offset, 0)
			if !ok {
				t.Fatal("not mapped")
			}
			if got != tc.want {
				t.Errorf("quotedSourceOffset(%q, %d) = %d, want %d", tc.raw, tc.offset, got, tc.want)
			}
		})
	}
}

func TestEnclosingString(t *testing.T) {
	text := `{"a":"x\"y","b":["東京"],"c":1}`
	for _, tc := range []struct {
		offset int
		want   string
		ok     bool
	}{
		{offset: strings.Index(text, "x"), want: `x"y`, ok: true},
		{offset: strings.Index(text, "y"), want: `x"y`, ok: true},
		{offset: strings.Index(text, "東"), want: "東京", ok: true},
		{offset: strings.Index(text, "1"), ok: false},
		{offset: strings.Index(text, ":"), ok: false},
		{offset: len(text), ok: false},
	} {
		got, ok := enclosingString(text, tc.offset)
		if got != tc.want || ok != tc.ok {
			t.Errorf("enclosingString at %d = %q, %v; want %q, %v", tc.offset, got, ok, tc.want, tc.ok)
		}
	}
}
