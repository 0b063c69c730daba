package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// withoutAWSCredentials clears every source of credentials that the SDK's
// standard chain reads, and switches off the instance metadata service, so
// that only a --sandbox flag gives a command an account to act on.
func withoutAWSCredentials(t *testing.T) {
	t.Helper()
	for _, name := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	} {
		t.Setenv(name, "")
	}
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("NO_COLOR", "1")
}

// TestWhoamiWithoutCredentials runs whoami against a sandbox endpoint with
// no credentials at all: the error must report that and name the ways to
// give them, and no request may reach the endpoint.
func TestWhoamiWithoutCredentials(t *testing.T) {
	h := newHarness(t, "")
	withoutAWSCredentials(t)

	r := h.mustRun(exitError, "whoami", "--endpoint-url", h.endpoint)

	for _, want := range []string{
		"Error: read caller identity: no AWS credentials found: ",
		"--profile or AWS_PROFILE",
		"AWS_ACCESS_KEY_ID and\nAWS_SECRET_ACCESS_KEY",
		"aws sso login",
		"AWS_WEB_IDENTITY_TOKEN_FILE",
		"--sandbox FILE",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	for _, sdkText := range []string{"get identity: get credentials", "failed to refresh cached credentials"} {
		if strings.Contains(r.stderr, sdkText) {
			t.Errorf("stderr repeats the SDK's %q:\n%s", sdkText, r.stderr)
		}
	}
	if calls := h.srv.Calls(); len(calls) > 0 {
		t.Errorf("the endpoint received calls without credentials: %v", calls)
	}
}

// suggestedCommand matches the iamsync command line that a hint suggests,
// up to the end of its line.
var suggestedCommand = regexp.MustCompile(`iamsync (?:plan|apply) [^\n]*`)

// runSuggested runs the command that output suggests, as a user would
// paste it, and returns its result. The test's paths hold no characters
// that a shell would quote.
func runSuggested(t *testing.T, h *harness, output string) result {
	t.Helper()
	line := suggestedCommand.FindString(output)
	if line == "" {
		t.Fatalf("output suggests no command:\n%s", output)
	}
	if strings.Contains(line, "'") {
		t.Fatalf("suggested command %q is quoted; the test runs only unquoted ones", line)
	}
	return h.run(strings.Fields(line)[1:]...)
}

// TestNextStepHintsKeepConnectionFlags follows the commands that import and
// plan --out suggest, as printed, with no credentials in the environment:
// they reach the sandbox only if the hints repeat --sandbox.
func TestNextStepHintsKeepConnectionFlags(t *testing.T) {
	h := &harness{t: t}
	withoutAWSCredentials(t)
	state := filepath.Join(t.TempDir(), "state.json")
	data, err := os.ReadFile(edgeAccount)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(state, data, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "imported")

	// Import suggests a plan, which finds nothing to change.
	imported := h.mustRun(exitOK, "import", "--sandbox", state, "--region", "eu-west-1", dir)
	wantPlan := "iamsync plan --sandbox " + state + " --region eu-west-1 " + dir
	if !strings.Contains(imported.stdout, wantPlan) {
		t.Errorf("import suggests no %q:\n%s", wantPlan, imported.stdout)
	}
	plan := runSuggested(t, h, imported.stdout)
	if plan.code != exitOK || !strings.Contains(plan.stdout, "No changes.") {
		t.Errorf("suggested plan: exit code %d, want a clean plan\nstdout:\n%s\nstderr:\n%s", plan.code, plan.stdout, plan.stderr)
	}

	// A saved plan suggests an apply, which carries it out.
	if err := os.WriteFile(filepath.Join(dir, "added.hcl"), []byte("user \"hint-follower\" {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	planFile := filepath.Join(t.TempDir(), "add.plan")
	saved := h.mustRun(exitOK, "plan", "--sandbox", state, "--out", planFile, dir)
	wantApply := "Apply it with: iamsync apply --sandbox " + state + " " + planFile
	if !strings.Contains(saved.stderr, wantApply) {
		t.Errorf("plan --out suggests no %q:\n%s", wantApply, saved.stderr)
	}
	apply := runSuggested(t, h, saved.stderr)
	if apply.code != exitOK || !strings.Contains(apply.stdout, "Apply complete.") {
		t.Errorf("suggested apply: exit code %d, want a complete apply\nstdout:\n%s\nstderr:\n%s", apply.code, apply.stdout, apply.stderr)
	}
}

func TestSuggestCommandQuotes(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"no connection flags": {
			args: []string{"--out", "p.plan"},
			want: "iamsync apply p.plan",
		},
		"repeated and quoted": {
			args: []string{"--profile", "prod admin", "--assume-role", "arn:aws:iam::123456789012:role/a",
				"--assume-role", "arn:aws:iam::123456789012:role/b", "--mfa-code", "123456", "--out", "p.plan"},
			want: "iamsync apply --profile 'prod admin' --assume-role arn:aws:iam::123456789012:role/a " +
				"--assume-role arn:aws:iam::123456789012:role/b p.plan",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cmd := newPlanCommand(&streams{}, &globalOptions{})
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			if got := suggestCommand(cmd.Flags(), "apply", "p.plan"); got != tt.want {
				t.Errorf("suggestCommand = %q, want %q", got, tt.want)
			}
		})
	}
}
