package main

import (
	"strings"
	"testing"
)

// TestDocumentWarningsNameTheirEntity checks that a warning of the
// configuration about one entity's document carries the entity's address
// in the JSON plan, as the plan's own warnings do.
func TestDocumentWarningsNameTheirEntity(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, map[string]string{"main.hcl": `policy "broad" {
  document = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", NotAction = "iam:*", Resource = "*" }] })
}
`})
	r := h.mustRun(exitOK, "plan", "--json", dir)
	if !strings.Contains(r.stdout, `"summary": "Allow with NotAction"`) || !strings.Contains(r.stdout, `"address": "policy.broad"`) {
		t.Errorf("the JSON plan lacks the warning with its address:\n%s", r.stdout)
	}
}
