package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/report"
)

// generatedLine matches the time a credential report was generated, which
// changes from run to run.
var generatedLine = regexp.MustCompile(`generated \S+`)

func TestReportSummary(t *testing.T) {
	h := newHarness(t, reachAccount)

	text := h.mustRun(exitOK, "report", "summary")
	for _, want := range []string{"Account 123456789012\n", "\nUsers                2     5000   0%\n", "\nRoles                4     1000   0%\n",
		"\nAttachedPoliciesPerRoleQuota     10\n", "\nCOUNT OR FLAG", "\nAccountAccessKeysPresent           1\n"} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("report summary lacks %q:\n%s", want, text.stdout)
		}
	}

	r := h.mustRun(exitOK, "report", "summary", "--json")
	var view summaryView
	if err := json.Unmarshal([]byte(r.stdout), &view); err != nil {
		t.Fatalf("report summary --json printed %q: %v", r.stdout, err)
	}
	users := report.Usage{Name: "Users", Used: 2, Quota: 5000}
	if view.Type != "account_summary" || view.Account != "123456789012" || !containsUsage(view.Usage, users) {
		t.Errorf("summary JSON = %+v, want account_summary of 123456789012 with %+v", view, users)
	}
	if view.Values["AccountMFAEnabled"] != 0 || view.Quotas["VersionsPerPolicyQuota"] != 5 {
		t.Errorf("summary values %v, quotas %v", view.Values, view.Quotas)
	}
}

func containsUsage(usage []report.Usage, want report.Usage) bool {
	for _, u := range usage {
		if u == want {
			return true
		}
	}
	return false
}

// TestReportCredentialFindings judges the reach account at a fixed date:
// its root user has an access key and no MFA, alice has a password without
// MFA unused since January, and deployer's key was never used in 517 days.
func TestReportCredentialFindings(t *testing.T) {
	h := newHarness(t, reachAccount)

	table := h.mustRun(exitOK, "report", "credentials", "--as-of", "2024-06-01")
	checkGolden(t, "reach/credentials-report.txt", generatedLine.ReplaceAllString(table.stdout, "generated TIME"))

	// JSON carries the same findings, judged at the given time.
	r := h.mustRun(exitOK, "report", "credentials", "--as-of", "2024-06-01T00:00:00Z", "--format", "json")
	var view credentialReportView
	if err := json.Unmarshal([]byte(r.stdout), &view); err != nil {
		t.Fatalf("report credentials --format json printed %q: %v", r.stdout, err)
	}
	var kinds []string
	for _, f := range view.Findings {
		kinds = append(kinds, f.User+" "+f.Kind)
	}
	want := []string{
		"<root_account> root_without_mfa", "<root_account> root_access_key",
		"alice console_without_mfa", "alice password_unused",
		"deployer access_key_unused", "deployer access_key_not_rotated",
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("findings differ (-want +got):\n%s", diff)
	}
	if len(view.Entries) != 3 || view.JudgedAt.Format("2006-01-02") != "2024-06-01" {
		t.Errorf("report JSON has %d entries, judged at %s", len(view.Entries), view.JudgedAt)
	}

	// Lenient thresholds leave only the findings that have none.
	lenient := h.mustRun(exitOK, "report", "credentials", "--as-of", "2024-06-01", "--format", "json", "--stale-days", "1000", "--rotation-days", "1000")
	if strings.Contains(lenient.stdout, "access_key_unused") || strings.Contains(lenient.stdout, "password_unused") ||
		!strings.Contains(lenient.stdout, "console_without_mfa") {
		t.Errorf("findings with 1000-day thresholds: %s", lenient.stdout)
	}

	// CSV is the report as IAM returns it, with the findings on stderr.
	csv := h.mustRun(exitOK, "report", "credentials", "--as-of", "2024-06-01", "--format", "csv")
	if !strings.HasPrefix(csv.stdout, "user,arn,user_creation_time,password_enabled,") || strings.Count(csv.stdout, "\n") != 4 {
		t.Errorf("CSV output:\n%s", csv.stdout)
	}
	if !strings.Contains(csv.stderr, "Findings (6):") {
		t.Errorf("CSV run's stderr lacks the findings:\n%s", csv.stderr)
	}
}

func TestReportRejectsBadFlags(t *testing.T) {
	h := newHarness(t, reachAccount)
	cases := map[string]struct {
		args []string
		want string
	}{
		"format":     {[]string{"--format", "xml"}, `invalid --format "xml"`},
		"as-of":      {[]string{"--as-of", "June"}, `invalid --as-of "June"`},
		"stale days": {[]string{"--stale-days", "0"}, "invalid --stale-days"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h.srv.ResetCalls()
			r := h.mustRun(exitError, append([]string{"report", "credentials"}, tc.args...)...)
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr = %q, want %q", r.stderr, tc.want)
			}
			if calls := h.srv.Calls(); len(calls) != 0 {
				t.Errorf("calls = %v, want none", calls)
			}
		})
	}
}
