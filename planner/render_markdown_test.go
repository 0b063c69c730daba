package planner

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/policydoc"
)

// largeDriftedPlan plans a large account in which every role's trust policy
// and inline policy drifted and a tenth of the users are not declared.
func largeDriftedPlan(t *testing.T, n int) *Plan {
	t.Helper()
	cfg, live := largeAccount(n)
	for i, r := range live.Roles {
		r.AssumeRolePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		r.InlinePolicies[0].Document = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"ReadObjects","Effect":"Allow","Action":"s3:GetObjectVersion","Resource":"arn:aws:s3:::old-%d/*"}]}`, i)
	}
	for i := 0; i < len(live.Users); i += 10 {
		live.Users[i].Name += "-gone"
	}
	plan, diags := Make(cfg, live, Options{Now: testNow})
	if diags.HasErrors() {
		t.Fatalf("unexpected errors: %v", diags)
	}
	return plan
}

// TestRenderMarkdownCap renders a plan far larger than a comment can contain.
// It expects output within the cap, a note that names what was cut, and
// counts in the note that add up.
func TestRenderMarkdownCap(t *testing.T) {
	plan := largeDriftedPlan(t, 3000)
	var full bytes.Buffer
	if err := RenderText(&full, plan, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if full.Len() < 2*DefaultMarkdownMaxChars {
		t.Fatalf("the plan's text is only %d bytes; the test needs a plan larger than the cap", full.Len())
	}

	tests := map[string]struct {
		opts MarkdownOptions
		cap  int
	}{
		"default cap":             {opts: MarkdownOptions{}, cap: DefaultMarkdownMaxChars},
		"smaller cap":             {opts: MarkdownOptions{MaxChars: 20000}, cap: 20000},
		"cap below the minimum":   {opts: MarkdownOptions{MaxChars: 10}, cap: MinMarkdownMaxChars},
		"cap as GitHub's maximum": {opts: MarkdownOptions{MaxChars: 65536}, cap: 65536},
	}
	changeLinePattern := regexp.MustCompile("(?m)^`[^`]+` \\*\\*`")
	notePattern := regexp.MustCompile(`The plan is cut to fit a comment:\*\* (.*)\. Run`)
	countPattern := regexp.MustCompile(`(\d+) (?:changes?|deletions? (?:and|or) replacements?) (shown without details|not shown|not listed)`)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := RenderMarkdown(&b, plan, tc.opts); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if n := len(got); n > tc.cap {
				t.Errorf("output has %d bytes, more than the cap of %d", n, tc.cap)
			}
			if !strings.Contains(got, "| **Total** |") {
				t.Errorf("output lacks the summary table")
			}

			note := notePattern.FindStringSubmatch(got)
			if note == nil {
				t.Fatalf("output lacks the note on what was cut; it ends with:\n%s", tail(got, 600))
			}
			counts := map[string]int{}
			for _, m := range countPattern.FindAllStringSubmatch(note[1], -1) {
				n, _ := strconv.Atoi(m[1])
				counts[m[2]] = n
			}
			shown := len(changeLinePattern.FindAllString(got, -1))
			if total := shown + counts["not shown"]; total != len(plan.Changes) {
				t.Errorf("changes shown (%d) and not shown (%d) add up to %d, want the plan's %d",
					shown, counts["not shown"], total, len(plan.Changes))
			}
			if counts["not shown"] == 0 && counts["shown without details"] == 0 {
				t.Errorf("the note counts nothing cut: %q", note[1])
			}
		})
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// TestRenderMarkdownFits expects no note when the plan fits.
func TestRenderMarkdownFits(t *testing.T) {
	plan := &Plan{AccountID: testAccountID, Changes: []*Change{
		{Address: "user.bob", Type: TypeUser, Action: Delete, Reason: ReasonNotDeclared, Name: "bob"},
	}}
	var b bytes.Buffer
	if err := RenderMarkdown(&b, plan, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "cut to fit") {
		t.Errorf("a small plan is cut:\n%s", b.String())
	}
}

func TestMarkdownEscaping(t *testing.T) {
	tests := map[string]struct {
		got, want string
	}{
		"code span":                   {mdCode(`user.people["a"]`), "`user.people[\"a\"]`"},
		"code span with backtick":     {mdCode("a`b"), "``a`b``"},
		"code span starting backtick": {mdCode("`a"), "`` `a ``"},
		"plain text":                  {mdEscape("a_b *c* [d] <e> | f"), `a\_b \*c\* \[d\] &lt;e&gt; \| f`},
		"fence longer than content":   {mdFence("x ```` y"), "`````"},
		"fence at least three":        {mdFence("plain"), "```"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

// TestRenderMarkdownDocumentWithFence checks that a policy document that
// contains backticks cannot close the diff block early.
func TestRenderMarkdownDocumentWithFence(t *testing.T) {
	cfg, live := largeAccount(40)
	cfg.Policies[0].Document = policydoc.MustParse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/```/*\"}]}")
	plan, diags := Make(cfg, live, Options{Now: testNow})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var b bytes.Buffer
	if err := RenderMarkdown(&b, plan, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "````diff\n") {
		t.Errorf("the diff block's fence is not longer than the backticks in the document:\n%s", b.String())
	}
}
