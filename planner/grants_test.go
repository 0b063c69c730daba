package planner

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// grantWarnings plans desired against live and returns the summaries of
// the warnings of widened grants.
func grantWarnings(t *testing.T, desired, live string) []string {
	t.Helper()
	archive := &txtar.Archive{Files: []txtar.File{
		{Name: "desired.hcl", Data: []byte(desired)},
		{Name: "live.json", Data: []byte(live)},
	}}
	_, diags := planArchive(t, archive)
	var out []string
	for _, d := range diags {
		switch d.Summary {
		case "Role trusts another account", "Trust policy condition removed or changed", "Deny removed or narrowed", "Allow widened":
			out = append(out, d.Summary)
		}
	}
	return out
}

// trustRole declares role admin with a trust policy of the given statements.
func trustRole(statements string) string {
	return `role "admin" {
  name = "admin"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [` + statements + `] })
}
`
}

// liveTrust is an account whose role admin has the given trust statements.
func liveTrust(statements string) string {
	return `{"roles": [{"name": "admin", "assume_role_policy": {"Version": "2012-10-17", "Statement": [` + statements + `]}}]}`
}

// guardPolicy declares policy guard with the given statements.
func guardPolicy(statements string) string {
	return `policy "guard" {
  name = "guard"
  document = jsonencode({ Version = "2012-10-17", Statement = [` + statements + `] })
}
`
}

// liveGuard is an account whose policy guard has the given statements.
func liveGuard(statements string) string {
	return `{"policies": [{"name": "guard", "document": {"Version": "2012-10-17", "Statement": [` + statements + `]}}]}`
}

const liveMFATrust = `{"Sid": "Humans", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/ops"},
  "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}`

func TestWidenedGrantWarnings(t *testing.T) {
	tests := map[string]struct {
		desired, live string
		want          []string
	}{
		"new statement trusts a conditionally trusted account without the condition": {
			desired: trustRole(`{ Sid = "Humans", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/ops" }, Action = "sts:AssumeRole",
				Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } } },
				{ Sid = "Everyone", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:root" }, Action = "sts:AssumeRole" }`),
			live: liveTrust(liveMFATrust),
			want: []string{"Role trusts another account"},
		},
		"statement renamed while its condition is dropped": {
			desired: trustRole(`{ Sid = "Ops", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/ops" }, Action = ["sts:AssumeRole", "sts:TagSession"] }`),
			live:    liveTrust(liveMFATrust),
			// The added statement trusts, without the condition, an
			// account that the removed one trusted only under it.
			want: []string{"Role trusts another account", "Trust policy condition removed or changed"},
		},
		"MFA condition turned off": {
			desired: trustRole(`{ Sid = "Humans", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/ops" }, Action = "sts:AssumeRole",
				Condition = { Bool = { "aws:MultiFactorAuthPresent" = "false" } } }`),
			live: liveTrust(liveMFATrust),
			want: []string{"Trust policy condition removed or changed"},
		},
		"narrowed within an account already trusted": {
			desired: trustRole(`{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/ci" }, Action = "sts:AssumeRole" }`),
			live:    liveTrust(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}`),
		},
		"a new statement of a conditionally trusted account keeps a condition": {
			desired: trustRole(`{ Sid = "Humans", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/ops" }, Action = "sts:AssumeRole",
				Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } } },
				{ Sid = "Audit", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/audit" }, Action = "sts:AssumeRole",
				Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } } }`),
			live: liveTrust(liveMFATrust),
		},
		"Deny split in two": {
			desired: guardPolicy(`{ Effect = "Deny", Action = "iam:CreateUser", Resource = "*" },
				{ Effect = "Deny", Action = "iam:CreateAccessKey", Resource = "*" }`),
			live: liveGuard(`{"Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"}`),
		},
		"Deny widened by a wildcard": {
			desired: guardPolicy(`{ Sid = "NoIAM", Effect = "Deny", Action = "iam:*", Resource = "*" }`),
			live:    liveGuard(`{"Sid": "NoIAM", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:DeleteUser"], "Resource": "*"}`),
		},
		"Deny that loses an action": {
			desired: guardPolicy(`{ Sid = "NoIAM", Effect = "Deny", Action = "iam:CreateUser", Resource = "*" }`),
			live:    liveGuard(`{"Sid": "NoIAM", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:DeleteUser"], "Resource": "*"}`),
			want:    []string{"Deny removed or narrowed"},
		},
		"Deny merged into a conditional one": {
			desired: guardPolicy(`{ Effect = "Deny", Action = "iam:*", Resource = "*", Condition = { Bool = { "aws:MultiFactorAuthPresent" = "false" } } }`),
			live:    liveGuard(`{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}`),
			want:    []string{"Deny removed or narrowed"},
		},
		"new statement with every action of a service": {
			desired: guardPolicy(`{ Sid = "Read", Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" },
				{ Sid = "New", Effect = "Allow", Action = "s3:*", Resource = "*" }`),
			live: liveGuard(`{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`),
			want: []string{"Allow widened"},
		},
		"Deny of every IAM action narrowed to a pattern of one character": {
			desired: guardPolicy(`{ Sid = "NoIAM", Effect = "Deny", Action = "iam:?", Resource = "*" }`),
			live:    liveGuard(`{"Sid": "NoIAM", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}`),
			want:    []string{"Deny removed or narrowed"},
		},
		"Deny of a prefix widened to the service": {
			desired: guardPolicy(`{ Sid = "NoCreate", Effect = "Deny", Action = "iam:*", Resource = "*" }`),
			live:    liveGuard(`{"Sid": "NoCreate", "Effect": "Deny", "Action": "iam:Create*", "Resource": "*"}`),
		},
		"trust Deny of a principal removed": {
			desired: trustRole(`{ Sid = "Humans", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }`),
			live: liveTrust(`{"Sid": "Humans", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"},
				{"Sid": "NoIntern", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:user/intern"}, "Action": "sts:AssumeRole"}`),
			want: []string{"Deny removed or narrowed"},
		},
		"trust Deny moved to another principal": {
			desired: trustRole(`{ Sid = "Humans", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" },
				{ Sid = "NoIntern", Effect = "Deny", Principal = { AWS = "arn:aws:iam::111122223333:user/other" }, Action = "sts:AssumeRole" }`),
			live: liveTrust(`{"Sid": "Humans", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"},
				{"Sid": "NoIntern", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:user/intern"}, "Action": "sts:AssumeRole"}`),
			want: []string{"Deny removed or narrowed"},
		},
		"trust Deny of another account turned into an Allow": {
			desired: trustRole(`{ Sid = "NoContractor", Effect = "Allow", Principal = { AWS = "777788889999" }, Action = "sts:AssumeRole" }`),
			live:    liveTrust(`{"Sid": "NoContractor", "Effect": "Deny", "Principal": {"AWS": "777788889999"}, "Action": "sts:AssumeRole"}`),
			want:    []string{"Role trusts another account", "Deny removed or narrowed"},
		},
		"principal moved to a statement without its condition": {
			desired: trustRole(`{ Sid = "Humans", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/ops" }, Action = "sts:AssumeRole",
				Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } } },
				{ Sid = "Automation", Effect = "Allow", Principal = { AWS = ["arn:aws:iam::444455556666:role/deploy", "arn:aws:iam::444455556666:role/bruno"] }, Action = "sts:AssumeRole" }`),
			live: liveTrust(`{"Sid": "Humans", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:role/ops", "arn:aws:iam::444455556666:role/bruno"]}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
				{"Sid": "Automation", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/deploy"}, "Action": "sts:AssumeRole"}`),
			want: []string{"Trust policy condition removed or changed"},
		},
		"statement split, one half without the condition": {
			desired: trustRole(`{ Sid = "Alice", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/ops" }, Action = "sts:AssumeRole",
				Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } } },
				{ Sid = "Bruno", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/bruno" }, Action = "sts:AssumeRole" }`),
			live: liveTrust(`{"Sid": "Humans", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:role/ops", "arn:aws:iam::444455556666:role/bruno"]}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}`),
			// The account was trusted only under the condition before.
			want: []string{"Role trusts another account", "Trust policy condition removed or changed"},
		},
		"external id taken away": {
			desired: trustRole(`{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:root" }, Action = "sts:AssumeRole",
				Condition = { StringEquals = { "sts:ExternalId" = "a" } } }`),
			live: liveTrust(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": ["a", "b"]}}}`),
		},
		"external id operator loosened to a pattern": {
			desired: trustRole(`{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:root" }, Action = "sts:AssumeRole",
				Condition = { StringLike = { "sts:ExternalId" = "a*" } } }`),
			live: liveTrust(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "a"}}}`),
			want: []string{"Trust policy condition removed or changed"},
		},
		"Deny pattern with many wildcards": {
			desired: guardPolicy(`{ Sid = "NoDelete", Effect = "Deny", Action = "s3:DeleteObject", Resource = "arn:aws:s3:::` + strings.Repeat("*-", 9) + `x" }`),
			live:    liveGuard(`{"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::` + strings.Repeat("a-", 40) + `y"}`),
			want:    []string{"Deny removed or narrowed"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := grantWarnings(t, tt.desired, tt.live)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrincipalAccount(t *testing.T) {
	tests := map[string]string{
		"444455556666":                               "444455556666",
		"arn:aws:iam::444455556666:root":             "444455556666",
		"arn:aws:sts::444455556666:assumed-role/r/s": "444455556666",
		"arn:aws-cn:iam::444455556666:role/path/r":   "444455556666",
		"*":                             "",
		"arn:aws:s3:::bucket":           "",
		"AROAEXAMPLEUNIQUEID1":          "",
		"arn:aws:iam::44445555666:root": "",
		"arn:aws:iam::444455556666:oidc-provider/a.com": "444455556666",
	}
	for value, want := range tests {
		if got := principalAccount(value); got != want {
			t.Errorf("principalAccount(%q) = %q, want %q", value, got, want)
		}
	}
}
