package main

import (
	"strings"
	"testing"
)

// The help of --max-deletes gives its default once, as "no limit", and not
// the -1 that stands for it.
func TestMaxDeletesHelpDefault(t *testing.T) {
	for _, command := range []string{"plan", "apply"} {
		t.Run(command, func(t *testing.T) {
			h := &harness{t: t}
			r := h.mustRun(exitOK, command, "--help")

			var line string
			for l := range strings.Lines(r.stdout) {
				if strings.Contains(l, "--max-deletes int") {
					line = l
				}
			}
			if line == "" {
				t.Fatalf("help lists no --max-deletes flag:\n%s", r.stdout)
			}
			if n := strings.Count(line, "default"); n != 1 || !strings.Contains(line, "(default: no limit)") {
				t.Errorf("--max-deletes help gives %d defaults, want one, \"no limit\": %q", n, line)
			}
		})
	}
}

func TestMaxDeletesValues(t *testing.T) {
	tests := map[string]struct {
		value   string
		want    deleteLimit
		wantErr string
	}{
		"zero":     {value: "0", want: 0},
		"some":     {value: "12", want: 12},
		"negative": {value: "-1", wantErr: "a limit is 0 or more"},
		"word":     {value: "abc", wantErr: "not a whole number"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d := deleteLimit(-1)
			err := d.Set(tt.value)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Set(%q) = %v, want an error with %q", tt.value, err, tt.wantErr)
			case tt.wantErr == "" && (err != nil || d != tt.want):
				t.Errorf("Set(%q) = %v, limit %d, want %d", tt.value, err, d, tt.want)
			}
		})
	}
}
