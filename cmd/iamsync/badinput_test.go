package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
)

// TestBadInputMakesNoWriteCall runs plan and apply on invalid
// configurations. Each must exit with 1, print the expected diagnostic at
// its file and line, and make no write call to the account.
func TestBadInputMakesNoWriteCall(t *testing.T) {
	managedARNs := make([]string, 11)
	for i := range managedARNs {
		managedARNs[i] = fmt.Sprintf("%q", fmt.Sprintf("arn:aws:iam::aws:policy/P%02d", i))
	}
	bigActions := make([]string, 700)
	for i := range bigActions {
		bigActions[i] = fmt.Sprintf("%q", fmt.Sprintf("s3:GetObject%04d", i))
	}
	trust := `jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })`

	tests := map[string]struct {
		config  string
		summary string
		line    int
	}{
		"unclosed block": {
			config:  "user \"alice\" {\n  name = \"alice\"\n",
			summary: "Unclosed configuration block", line: 1,
		},
		"invalid user name": {
			config:  "user \"alice\" {\n  name = \"alice smith!\"\n}\n",
			summary: "Invalid user name", line: 2,
		},
		"path without trailing slash": {
			config:  "group \"ops\" {\n  path = \"/ops\"\n}\n",
			summary: "Invalid path", line: 2,
		},
		"names equal but for case": {
			config:  "user \"a\" {\n  name = \"Alice\"\n}\nuser \"b\" {\n  name = \"alice\"\n}\n",
			summary: "Duplicate user name", line: 4,
		},
		"document that is not JSON": {
			config:  "policy \"p\" {\n  document = <<-JSON\n    {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\" \"Action\": \"s3:*\"}]}\n  JSON\n}\n",
			summary: "Invalid policy document", line: 3,
		},
		"undeclared group": {
			config:  "group \"admins\" {}\nuser \"alice\" {\n  groups = [\"admin\"]\n}\n",
			summary: "Undeclared group", line: 3,
		},
		"managed policy over 6144 characters": {
			config:  "policy \"big\" {\n  document = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{ Effect = \"Allow\", Action = [" + strings.Join(bigActions, ",") + "], Resource = \"*\" }]\n  })\n}\n",
			summary: "Policy too large", line: 2,
		},
		"eleven managed policies on a role": {
			config:  "role \"app\" {\n  assume_role_policy = " + trust + "\n  managed_policy_arns = [\n    " + strings.Join(managedARNs, ",\n    ") + ",\n  ]\n}\n",
			summary: "Too many managed policies", line: 17,
		},
		"account alias with capitals and a double hyphen": {
			config:  "account {\n  alias = \"Acme--Prod\"\n}\n",
			summary: "Invalid account alias", line: 2,
		},
		"password policy out of range": {
			config:  "password_policy {\n  minimum_password_length = 4\n}\n",
			summary: "Invalid minimum_password_length", line: 2,
		},
		"unknown attribute": {
			config:  "role \"app\" {\n  assume_role_policy = " + trust + "\n  colour = \"blue\"\n}\n",
			summary: "Unsupported argument", line: 6,
		},
		"trust policy without Statement": {
			config:  "role \"app\" {\n  assume_role_policy = \"{}\"\n}\n",
			summary: "Missing Statement", line: 2,
		},
	}

	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "")
			dir := writeConfig(t, map[string]string{"main.hcl": tt.config})
			where := fmt.Sprintf("main.hcl line %d", tt.line)

			for _, args := range [][]string{
				{"validate", dir},
				{"plan", dir},
				{"apply", "--auto-approve", dir},
			} {
				r := h.run(args...)
				if r.code != exitError {
					t.Errorf("%s: exit code %d, want 1\n%s%s", args[0], r.code, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, "Error: "+tt.summary) {
					t.Errorf("%s: no %q diagnostic in:\n%s", args[0], tt.summary, r.stderr)
				}
				if !strings.Contains(r.stderr, where) {
					t.Errorf("%s: diagnostic does not point at %s:\n%s", args[0], where, r.stderr)
				}
			}
			if n := h.srv.WriteCalls(); n != 0 {
				t.Errorf("%d write calls reached the account, want none: %v", n, h.srv.Calls())
			}
		})
	}
}

// TestMisspeltAWSManagedPolicyStopsPlan attaches an AWS-managed policy
// whose name has a typo. Nothing in the account uses it, so plan looks it
// up and stops, instead of apply failing after other calls were made.
func TestMisspeltAWSManagedPolicyStopsPlan(t *testing.T) {
	h := newHarness(t, "", withCatalogue(t))
	dir := writeConfig(t, map[string]string{"main.hcl": `
group "devs" {
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAcess"]
}
`})
	r := h.mustRun(exitError, "plan", dir)
	for _, want := range []string{"Error: Managed policy not found", "arn:aws:iam::aws:policy/PowerUserAcess", "main.hcl line 3",
		"Did you mean arn:aws:iam::aws:policy/PowerUserAccess?"} {
		if !strings.Contains(strings.Join(strings.Fields(r.stderr), " "), want) {
			t.Errorf("plan output lacks %q:\n%s", want, r.stderr)
		}
	}
	h.mustRun(exitError, "apply", "--auto-approve", dir)
	if n := h.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls reached the account, want none", n)
	}

	// The suggestion finds a name in another case, and one under a path.
	for misspelt, want := range map[string]string{
		"arn:aws:iam::aws:policy/readonlyaccess":              "arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
	} {
		dir := writeConfig(t, map[string]string{"main.hcl": fmt.Sprintf("group \"devs\" {\n  managed_policy_arns = [%q]\n}\n", misspelt)})
		r := h.mustRun(exitError, "plan", dir)
		if out := strings.Join(strings.Fields(r.stderr), " "); !strings.Contains(out, "Did you mean "+want+"?") {
			t.Errorf("plan of %s does not suggest %s:\n%s", misspelt, want, r.stderr)
		}
	}

	// The right name plans and applies.
	fixed := writeConfig(t, map[string]string{"main.hcl": `
group "devs" {
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
}
`})
	h.mustRun(exitOK, "apply", "--auto-approve", fixed)
}

// TestBadInputShownWhenAccountUnreachable plans an invalid configuration
// with an endpoint that refuses connections. The mistake in the files must
// be reported, not hidden behind the failure to connect.
func TestBadInputShownWhenAccountUnreachable(t *testing.T) {
	newHarness(t, "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	t.Setenv("AWS_ENDPOINT_URL", closed)
	t.Setenv("AWS_MAX_ATTEMPTS", "1")

	bad := writeConfig(t, map[string]string{"main.hcl": "user \"alice\" {\n  name = \"alice smith!\"\n}\n"})
	for _, args := range [][]string{{"plan", bad}, {"apply", "--auto-approve", bad}} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != exitError {
			t.Errorf("%s: exit code %d, want 1\n%s", args[0], code, stderr.String())
		}
		for _, want := range []string{"Error: Invalid user name", "main.hcl line 2", "Warning: Account not reached", "connect"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("%s: output lacks %q:\n%s", args[0], want, stderr.String())
			}
		}
		// The error to fix comes first, the account not reached after it.
		if out := stderr.String(); strings.Index(out, "Warning: Account not reached") < strings.Index(out, "Error: Invalid user name") {
			t.Errorf("%s: the warning comes before the error:\n%s", args[0], out)
		}
	}

	// A valid configuration still fails on the connection itself.
	good := writeConfig(t, map[string]string{"main.hcl": "user \"alice\" {}\n"})
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"plan", good}, strings.NewReader(""), &stdout, &stderr); code != exitError {
		t.Errorf("plan of a valid configuration: exit code %d, want 1", code)
	}
	if out := stderr.String(); !strings.Contains(out, "caller identity") || strings.Contains(out, "Account not reached") {
		t.Errorf("plan of a valid configuration printed:\n%s", out)
	}
}

// TestRolesIAMCannotCreate plans roles whose trust policies name roles that
// do not exist yet when IAM would create them: a role that trusts itself,
// and two roles that trust each other. Plan must fail, not apply.
func TestRolesIAMCannotCreate(t *testing.T) {
	role := func(label, trusted string) string {
		return fmt.Sprintf(`role %q {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = %s }, Action = "sts:AssumeRole" }]
  })
}
`, label, trusted)
	}
	tests := map[string]struct {
		config  string
		summary string
	}{
		"trusts itself":    {config: role("a", "role.a.arn"), summary: "Error: Role trusts itself"},
		"trust each other": {config: role("a", "role.b.arn") + role("b", "role.a.arn"), summary: "Error: Plan cannot be applied"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "")
			dir := writeConfig(t, config(tt.config))
			for _, args := range [][]string{{"plan", dir}, {"apply", "--auto-approve", dir}} {
				r := h.mustRun(exitError, args...)
				if !strings.Contains(r.stderr, tt.summary) {
					t.Errorf("%s: output lacks %q:\n%s", args[0], tt.summary, r.stderr)
				}
			}
			if n := h.srv.WriteCalls(); n != 0 {
				t.Errorf("%d write calls reached the account, want none", n)
			}
		})
	}
}

// TestProtectedEntityRenamed renames a protected user without
// previous_names: the plan would delete the user under its old name, so it
// must stop.
func TestProtectedEntityRenamed(t *testing.T) {
	h := newHarness(t, "")
	h.mustRun(exitOK, "apply", "--auto-approve", writeConfig(t, config("user \"operators\" {\n  name = \"ops\"\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n")))
	renamed := writeConfig(t, config("user \"operators\" {\n  name = \"ops-team\"\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n"))
	r := h.mustRun(exitError, "apply", "--auto-approve", renamed)
	if !strings.Contains(r.stderr, "Error: Protected entity may be renamed") {
		t.Errorf("apply output lacks the error:\n%s", r.stderr)
	}
	if h.readState().User("ops") == nil {
		t.Error("the protected user ops was deleted")
	}
}

// TestTrustedPrincipalsThatWillNotExist plans trust policies that name, by
// a literal ARN, a user or role that will not exist after the plan. IAM
// would reject them at apply, or, for a principal that the plan deletes,
// turn them into a unique id that no later apply can replace. Plan must stop
// before any write.
func TestTrustedPrincipalsThatWillNotExist(t *testing.T) {
	trusting := func(principal string) string {
		return fmt.Sprintf(`role "chain" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::${account.id}:%s" }, Action = "sts:AssumeRole" }]
  })
}
`, principal)
	}
	const live = `user "bruno" {
  path = "/people/"
}

role "admin" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
`
	tests := map[string]struct {
		config  string
		want    string
		summary string // "Trusted principal will not exist" when empty
	}{
		"user never declared": {
			config: live + trusting("user/people/nobody"),
			want:   `no user "nobody" is declared or exists in the account`,
		},
		"user at another path": {
			config: live + trusting("user/staff/bruno"),
			want:   `the user "bruno" is declared with the path "/people/"`,
		},
		"user renamed": {
			config: strings.Replace(live, `user "bruno" {`, `user "bruno_dacosta" {
  name           = "bruno.dacosta"
  previous_names = ["bruno"]`, 1) + trusting("user/people/bruno"),
			want: `this plan renames the user "bruno" to "bruno.dacosta"`,
		},
		"user expired": {
			config: strings.Replace(live, `path = "/people/"`, `path       = "/people/"
  expires_at = "2020-01-01"`, 1) + trusting("user/people/bruno"),
			want: `the user "bruno" expired at 2020-01-01T00:00:00Z, so this plan deletes it`,
		},
		"another partition": {
			config:  live + strings.Replace(trusting("user/people/bruno"), "arn:aws:", "arn:aws-cn:", 1),
			want:    `of the partition "aws-cn", but the account is in "aws"`,
			summary: "Principal of another partition",
		},
		"another account in another partition": {
			config:  live + strings.Replace(trusting("root"), "arn:aws:iam::${account.id}:", "arn:aws-us-gov:iam::111122223333:", 1),
			want:    `of the partition "aws-us-gov", but the account is in "aws"`,
			summary: "Principal of another partition",
		},
		"role deleted": {
			config: `user "bruno" {
  path = "/people/"
}
` + trusting("role/admin"),
			want: `this plan deletes the role "admin", which is not declared`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "")
			h.mustRun(exitOK, "apply", "--auto-approve", writeConfig(t, config(live)))
			before := h.srv.WriteCalls()

			r := h.mustRun(exitError, "plan", writeConfig(t, config(tt.config)))

			// The message wraps at the terminal width.
			out := strings.Join(strings.Fields(r.stderr), " ")
			summary := tt.summary
			if summary == "" {
				summary = "Trusted principal will not exist"
			}
			for _, want := range []string{"Error: " + summary, tt.want, "main.hcl line"} {
				if !strings.Contains(out, want) {
					t.Errorf("plan output lacks %q:\n%s", want, r.stderr)
				}
			}
			if n := h.srv.WriteCalls() - before; n != 0 {
				t.Errorf("%d write calls reached the account, want none", n)
			}
		})
	}

	// Principals that are declared, or live and out of the scope, are
	// accepted.
	t.Run("principals that remain", func(t *testing.T) {
		h := newHarness(t, "")
		h.mustRun(exitOK, "apply", "--auto-approve", writeConfig(t, config(live+"user \"legacy-ops\" {}\n")))
		named := func(label, principal string) string {
			return strings.Replace(trusting(principal), `role "chain"`, `role "`+label+`"`, 1)
		}
		remaining := live + "scope {\n  exclude = [\"legacy-*\"]\n}\n" +
			named("trusts_user", "user/people/bruno") + named("trusts_role", "role/admin") +
			named("trusts_unmanaged", "user/legacy-ops")
		h.mustRun(exitOK, "apply", "--auto-approve", writeConfig(t, config(remaining)))
	})
}

// TestBadInputOneAllowedAccount plans files with an error,
// whose provider block allows one account: the account is known without a
// call, so the error is reported before any request reaches the sandbox.
func TestBadInputOneAllowedAccount(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, map[string]string{"main.hcl": `provider {
  allowed_account_ids = ["123456789012"]
}

user "alice" {
  name = "alice smith!"
}
`})
	r := h.mustRun(exitError, "plan", dir)
	if !strings.Contains(r.stderr, "Invalid user name") {
		t.Errorf("stderr lacks the error:\n%s", r.stderr)
	}
	if calls := h.srv.Calls(); len(calls) != 0 {
		t.Errorf("plan made calls before reporting the error: %v", calls)
	}

	// Valid files with the same block plan as before.
	good := writeConfig(t, map[string]string{"main.hcl": "provider {\n  allowed_account_ids = [\"123456789012\"]\n}\n\nuser \"alice\" {}\n"})
	if r := h.mustRun(exitOK, "plan", good); !strings.Contains(r.stdout, "user.alice will be created") {
		t.Errorf("plan of valid files:\n%s", r.stdout)
	}
}
