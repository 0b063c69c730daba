package policydoc

import (
	"errors"
	"net/url"
	"testing"
)

func TestDecodeURL(t *testing.T) {
	tests := map[string]struct {
		encoded string
		want    string
		wantErr bool
	}{
		"as IAM returns it": {
			encoded: "%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%7D",
			want:    "{\n  \"Version\": \"2012-10-17\"}",
		},
		"plus stays a plus": {
			encoded: "%7B%22Sid%22%3A%22a+b%22%7D",
			want:    `{"Sid":"a+b"}`,
		},
		"encoded plus": {
			encoded: "a%2Bb",
			want:    "a+b",
		},
		"Latin-1 character": {
			encoded: "caf%C3%A9",
			want:    "caf\u00e9",
		},
		"invalid escape": {
			encoded: "%7B%zz",
			wantErr: true,
		},
		"truncated escape": {
			encoded: "%7",
			wantErr: true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeURL(tt.encoded)
			if tt.wantErr {
				var escapeErr url.EscapeError
				if !errors.As(err, &escapeErr) {
					t.Fatalf("DecodeURL() error = %v, want a wrapped url.EscapeError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeURL() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("DecodeURL() = %q, want %q", got, tt.want)
			}
		})
	}
}
