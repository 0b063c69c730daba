package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/planner"
)

// TestDocumentWarningAddress checks that a warning of the
// configuration about one entity's document carries the entity's address
// in the JSON plan, as the plan's own warnings do.
func TestDocumentWarningAddress(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, map[string]string{"main.hcl": `policy "broad" {
  document = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", NotAction = "iam:*", Resource = "*" }] })
}
`})
	r := h.mustRun(exitOK, "plan", "--json", dir)
	if !strings.Contains(r.stdout, `"summary": "Allow with NotAction"`) {
		t.Errorf("the JSON plan lacks the warning:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, `"address": "policy.broad"`) {
		t.Errorf("the JSON plan lacks the warning's address:\n%s", r.stdout)
	}
}

func TestSortWarnings(t *testing.T) {
	at := func(file string, offset int) *hcl.Range {
		return &hcl.Range{Filename: file, Start: hcl.Pos{Byte: offset}}
	}
	warnings := []planner.Warning{
		{Summary: "no place"},
		{Summary: "b.hcl 5", Range: at("b.hcl", 5)},
		{Summary: "a.hcl 90", Range: at("a.hcl", 90)},
		{Summary: "a.hcl 10", Range: at("a.hcl", 10)},
	}
	var got []string
	for _, w := range sortWarnings(warnings) {
		got = append(got, w.Summary)
	}
	want := []string{"a.hcl 10", "a.hcl 90", "b.hcl 5", "no place"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
