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
