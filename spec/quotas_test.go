package spec

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQuotasFromSummary(t *testing.T) {
	got := QuotasFromSummary(map[string]int32{
		"AttachedPoliciesPerRoleQuota": 20,
		"AssumeRolePolicySizeQuota":    4096,
		"GroupsPerUserQuota":           0, // zero keeps the default
		"Users":                        12,
	})
	want := DefaultQuotas()
	want.AttachedPoliciesPerRole = 20
	want.AssumeRolePolicySize = 4096
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("QuotasFromSummary (-want +got):\n%s", diff)
	}
}

func TestCheckQuotas(t *testing.T) {
	const trust = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })`
	bigStatement := `{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::${join("", [for i in range(100) : "abcdefghij"])}" }`
	tests := map[string]struct {
		src    string
		quotas func(*Quotas)
		want   []string
	}{
		"within defaults": {
			src:  `user "alice" { managed_policy_arns = [for i in range(10) : "arn:aws:iam::aws:policy/P${i}"] }`,
			want: nil,
		},
		"role attachments over a lowered quota": {
			src: "role \"app\" {\n  assume_role_policy = " + trust + "\n" +
				`  managed_policy_arns = ["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B"]` + "\n}",
			quotas: func(q *Quotas) { q.AttachedPoliciesPerRole = 1 },
			want:   []string{"Too many managed policies"},
		},
		"user inline policies add up": {
			src: `user "alice" {
  inline_policy "a" { document = jsonencode({ Version = "2012-10-17", Statement = [` + bigStatement + `] }) }
  inline_policy "b" { document = jsonencode({ Version = "2012-10-17", Statement = [` + bigStatement + `] }) }
}`,
			want: []string{"Inline policies too large"},
		},
		"the same inline policies fit a group": {
			src: `group "g" {
  inline_policy "a" { document = jsonencode({ Version = "2012-10-17", Statement = [` + bigStatement + `] }) }
  inline_policy "b" { document = jsonencode({ Version = "2012-10-17", Statement = [` + bigStatement + `] }) }
}`,
			want: nil,
		},
		"managed policy size": {
			src:    `policy "p" { document = jsonencode({ Version = "2012-10-17", Statement = [` + bigStatement + `] }) }`,
			quotas: func(q *Quotas) { q.PolicySize = 500 },
			want:   []string{"Policy too large"},
		},
		"groups per user": {
			src: `user "alice" { groups = [for i in range(3) : "g${i}"] }
group "g" {
  for_each = toset([for i in range(3) : "g${i}"])
}`,
			quotas: func(q *Quotas) { q.GroupsPerUser = 2 },
			want:   []string{"Too many groups"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "main.hcl"), []byte(tc.src))
			cfg, diags := Load(dir, LoadOptions{})
			if diags.HasErrors() {
				t.Fatalf("unexpected diagnostics:\n%s", formatDiagnostics(diags, dir))
			}
			q := DefaultQuotas()
			if tc.quotas != nil {
				tc.quotas(&q)
			}
			var got []string
			for _, d := range CheckQuotas(cfg, q) {
				if d.Subject == nil || !strings.HasSuffix(d.Subject.Filename, "main.hcl") {
					t.Errorf("diagnostic %q does not point into the configuration", d.Summary)
				}
				got = append(got, d.Summary)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("summaries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAttachmentQuotaAdvice checks that the advice over the attachment
// quota fits the entity type: only users take policies from a group, and
// AWS raises the user and role quotas but not the group quota.
func TestAttachmentQuotaAdvice(t *testing.T) {
	const two = `managed_policy_arns = ["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B"]`
	const trust = `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })`
	tests := map[string]struct {
		src  string
		want string
	}{
		"user":  {src: "user \"alice\" {\n  " + two + "\n}", want: "Combine policies, attach some to a group that the user is in, or ask AWS to raise the quota."},
		"group": {src: "group \"devs\" {\n  " + two + "\n}", want: "Combine policies, or attach some to a second group that the same users join. AWS does not raise this quota."},
		"role":  {src: "role \"app\" {\n  assume_role_policy = " + trust + "\n  " + two + "\n}", want: "Combine policies, or ask AWS to raise the quota."},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "main.hcl"), []byte(tc.src))
			cfg, diags := Load(dir, LoadOptions{})
			if diags.HasErrors() {
				t.Fatalf("unexpected diagnostics:\n%s", formatDiagnostics(diags, dir))
			}
			q := DefaultQuotas()
			q.AttachedPoliciesPerUser, q.AttachedPoliciesPerGroup, q.AttachedPoliciesPerRole = 1, 1, 1

			got := CheckQuotas(cfg, q)

			if len(got) != 1 {
				t.Fatalf("got %d diagnostics, want 1:\n%s", len(got), formatDiagnostics(got, dir))
			}
			if !strings.HasSuffix(got[0].Detail, " "+tc.want) {
				t.Errorf("detail %q does not end with %q", got[0].Detail, tc.want)
			}
		})
	}
}
