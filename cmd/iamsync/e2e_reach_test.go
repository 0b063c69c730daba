package main

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The account of testdata/reach/account.json has the user deployer, whose
// key pair is below and who has an MFA device. Its role gateway trusts
// deployer, and admin trusts gateway. The role breakglass trusts any
// principal of the account that used MFA, and vendor trusts deployer with
// the external id Example987.
const (
	reachAccount   = "testdata/reach/account.json"
	deployerKeyID  = "AKIADEPLOYER00000001"
	deployerSecret = "deployer/secret+for+sandbox+tests+only00"
	deployerMFA    = "arn:aws:iam::123456789012:mfa/deployer"
	gatewayRole    = "arn:aws:iam::123456789012:role/gateway"
	adminRole      = "arn:aws:iam::123456789012:role/admin"
	breakglassRole = "arn:aws:iam::123456789012:role/breakglass"
	vendorRole     = "arn:aws:iam::123456789012:role/vendor"
)

// newReachHarness starts a sandbox with the reach account and makes the
// deployer's key pair the credentials of the environment.
func newReachHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, reachAccount)
	t.Setenv("AWS_ACCESS_KEY_ID", deployerKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", deployerSecret)
	return h
}

// whoamiJSON runs whoami --json with args and returns the identity.
func (h *harness) whoamiJSON(args ...string) identityView {
	h.t.Helper()
	r := h.mustRun(exitOK, append([]string{"whoami", "--json"}, args...)...)
	var view identityView
	if err := json.Unmarshal([]byte(r.stdout), &view); err != nil {
		h.t.Fatalf("whoami --json printed %q: %v", r.stdout, err)
	}
	return view
}

func TestWhoamiShowsCallerIdentity(t *testing.T) {
	h := newReachHarness(t)
	if err := h.client().CreateAccountAlias(t.Context(), "reach-test"); err != nil {
		t.Fatal(err)
	}

	r := h.mustRun(exitOK, "whoami")
	want := "Account:  123456789012\nAlias:    reach-test\nARN:      arn:aws:iam::123456789012:user/deployer\nUser ID:  AIDADEPLOYER000000001\n"
	if diff := cmp.Diff(want, r.stdout); diff != "" {
		t.Errorf("whoami output differs (-want +got):\n%s", diff)
	}
}

func TestWhoamiAtEndOfRoleChain(t *testing.T) {
	h := newReachHarness(t)

	// A chain given with flags.
	view := h.whoamiJSON("--assume-role", gatewayRole, "--assume-role", adminRole)
	want := identityView{Version: jsonFormatVersion, Type: "identity", Account: "123456789012",
		ARN: "arn:aws:sts::123456789012:assumed-role/admin/iamsync", UserID: "AROAADMIN000000000001:iamsync"}
	if diff := cmp.Diff(want, view); diff != "" {
		t.Errorf("identity after --assume-role twice differs (-want +got):\n%s", diff)
	}

	// The same chain in a provider block, with session names.
	dir := writeConfig(t, map[string]string{"main.hcl": `
variable "last_role" {
  type = string
}
provider {
  assume_role {
    role_arn            = "` + gatewayRole + `"
    session_name        = "first"
    session_tags        = { team = "platform" }
    transitive_tag_keys = ["team"]
  }
  assume_role {
    role_arn     = var.last_role
    session_name = "second"
    duration     = "30m"
  }
}
`})
	view = h.whoamiJSON("--config", dir, "--var", "last_role="+adminRole)
	if view.ARN != "arn:aws:sts::123456789012:assumed-role/admin/second" {
		t.Errorf("identity through the provider block = %s, want the second role's session", view.ARN)
	}

	// --assume-role replaces the provider block's chain.
	view = h.whoamiJSON("--config", dir, "--var", "last_role="+adminRole, "--assume-role", gatewayRole)
	if view.ARN != "arn:aws:sts::123456789012:assumed-role/gateway/iamsync" {
		t.Errorf("identity with --assume-role over the block = %s, want gateway's session", view.ARN)
	}

	// A role the caller may not assume fails with STS's message.
	r := h.mustRun(exitError, "whoami", "--assume-role", adminRole)
	if !strings.Contains(r.stderr, "assume role "+adminRole+": AccessDenied: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: sts:AssumeRole on resource: "+adminRole) {
		t.Errorf("whoami with an untrusted role printed:\n%s", r.stderr)
	}
}

func TestPlanAndApplyThroughProviderChain(t *testing.T) {
	h := newReachHarness(t)
	dir := writeConfig(t, map[string]string{"main.hcl": `
provider {
  region = "eu-west-1"
  assume_role {
    role_arn = "` + gatewayRole + `"
  }
  assume_role {
    role_arn = "` + adminRole + `"
  }
}
scope {
  paths            = ["/ci/"]
  account_settings = false
}
user "ci" {
  name = "ci"
  path = "/ci/"
}
`})

	// Plan prints the identity it acts as: on stdout for humans, on stderr
	// with --json.
	plan := h.mustRun(exitOK, "plan", dir)
	header := "Account 123456789012, acting as arn:aws:sts::123456789012:assumed-role/admin/iamsync\n"
	if !strings.HasPrefix(plan.stdout, header) {
		t.Errorf("plan output starts %q, want %q", firstLine(plan.stdout), header)
	}
	planJSON := h.mustRun(exitOK, "plan", "--json", dir)
	if !strings.Contains(planJSON.stderr, header) || strings.Contains(planJSON.stdout, "acting as") {
		t.Errorf("plan --json: stderr %q, stdout starts %q; want the account line on stderr only", planJSON.stderr, firstLine(planJSON.stdout))
	}
	if !json.Valid([]byte(planJSON.stdout)) {
		t.Errorf("plan --json stdout is not JSON:\n%s", planJSON.stdout)
	}

	h.mustRun(exitOK, "apply", "--auto-approve", dir)
	if h.readState().User("ci") == nil {
		t.Error("apply through the role chain did not create user ci")
	}
	if calls := h.srv.Calls()["AssumeRole"]; calls < 2 {
		t.Errorf("AssumeRole calls = %d, want at least one per link", calls)
	}
}

func TestAccountRestrictionsRefuseBeforeAnyIAMCall(t *testing.T) {
	const userConfig = `
user "intruder" {
  name = "intruder"
}
`
	cases := map[string]struct {
		provider string
		args     []string
		want     string
	}{
		"allowed_account_ids leaves the account out": {
			provider: `provider {
  allowed_account_ids = ["210987654321"]
}`,
			args: []string{"apply", "--auto-approve"},
			want: "refusing to act on account 123456789012 (as arn:aws:iam::123456789012:user/deployer): the allowed accounts are 210987654321",
		},
		"forbidden_account_ids names the account": {
			provider: `provider {
  forbidden_account_ids = ["123456789012"]
}`,
			args: []string{"plan"},
			want: "refusing to act on account 123456789012 (as arn:aws:iam::123456789012:user/deployer): it is listed as forbidden",
		},
		"flag replaces the block's list": {
			provider: `provider {
  allowed_account_ids = ["123456789012"]
}`,
			args: []string{"apply", "--auto-approve", "--allowed-account-id", "210987654321", "--allowed-account-id", "310987654321"},
			want: "the allowed accounts are 210987654321, 310987654321",
		},
		"forbidden flag without a block": {
			args: []string{"apply", "--auto-approve", "--forbidden-account-id", "123456789012"},
			want: "it is listed as forbidden",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newReachHarness(t)
			dir := writeConfig(t, map[string]string{"main.hcl": tc.provider + userConfig})
			h.srv.ResetCalls()

			r := h.mustRun(exitError, append(tc.args, dir)...)
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tc.want)
			}
			if n := h.srv.WriteCalls(); n != 0 {
				t.Errorf("write calls = %d, want 0", n)
			}
			if diff := cmp.Diff(map[string]int{"GetCallerIdentity": 1}, h.srv.Calls()); diff != "" {
				t.Errorf("calls differ from one GetCallerIdentity (-want +got):\n%s", diff)
			}
		})
	}

	// An account the list allows is acted on.
	h := newReachHarness(t)
	h.mustRun(exitOK, "apply", "--auto-approve", writeConfig(t, map[string]string{"main.hcl": `provider {
  allowed_account_ids = ["123456789012"]
}
scope {
  paths            = ["/"]
  exclude          = ["deployer", "alice", "gateway", "admin", "breakglass", "vendor"]
  account_settings = false
}` + userConfig}))
	if h.readState().User("intruder") == nil {
		t.Error("apply on an allowed account did not create the user")
	}
}

func TestMFARequiredByTrustPolicy(t *testing.T) {
	h := newReachHarness(t)

	// Without MFA the trust policy denies.
	r := h.mustRun(exitError, "whoami", "--assume-role", breakglassRole)
	if !strings.Contains(r.stderr, "is not authorized to perform: sts:AssumeRole on resource: "+breakglassRole) {
		t.Errorf("whoami without MFA printed:\n%s", r.stderr)
	}

	// A device without a code, and no terminal to ask on, is an error.
	r = h.mustRun(exitError, "whoami", "--assume-role", breakglassRole, "--mfa-serial", deployerMFA)
	if !strings.Contains(r.stderr, "MFA device "+deployerMFA+" needs a code: pass --mfa-code") {
		t.Errorf("whoami without a code printed:\n%s", r.stderr)
	}
	r = h.mustRun(exitError, "whoami", "--assume-role", breakglassRole, "--mfa-serial", deployerMFA, "--mfa-code", "12345")
	if !strings.Contains(r.stderr, "invalid --mfa-code: an MFA code is six digits") {
		t.Errorf("whoami with a five-digit code printed:\n%s", r.stderr)
	}

	// With the device and a code it works, from flags or the provider block.
	view := h.whoamiJSON("--assume-role", breakglassRole, "--mfa-serial", deployerMFA, "--mfa-code", "123456")
	if view.ARN != "arn:aws:sts::123456789012:assumed-role/breakglass/iamsync" {
		t.Errorf("identity with MFA = %s", view.ARN)
	}
	dir := writeConfig(t, map[string]string{"main.hcl": `
provider {
  assume_role {
    role_arn   = "` + breakglassRole + `"
    mfa_serial = "` + deployerMFA + `"
  }
}
user "deployer" {
  name = "deployer"
}
`})
	plan := h.mustRun(exitOK, "plan", "--mfa-code", "654321", dir)
	if !strings.Contains(plan.stdout, "acting as arn:aws:sts::123456789012:assumed-role/breakglass/iamsync") {
		t.Errorf("plan with MFA from the provider block printed:\n%s", plan.stdout)
	}
}

func TestExternalIDIsChecked(t *testing.T) {
	h := newReachHarness(t)
	cases := map[string]struct {
		args []string
		code int
	}{
		"missing":  {code: exitError},
		"wrong":    {args: []string{"--external-id", "Example988"}, code: exitError},
		"matching": {args: []string{"--external-id", "Example987"}, code: exitOK},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := h.mustRun(tc.code, append([]string{"whoami", "--assume-role", vendorRole}, tc.args...)...)
			if tc.code == exitError && !strings.Contains(r.stderr, "not authorized to perform: sts:AssumeRole on resource: "+vendorRole) {
				t.Errorf("stderr = %q, want STS's AccessDenied", r.stderr)
			}
		})
	}

	// The provider block's external_id is passed too.
	dir := writeConfig(t, map[string]string{"main.hcl": `
provider {
  assume_role {
    role_arn    = "` + vendorRole + `"
    external_id = "Example987"
  }
}
`})
	if view := h.whoamiJSON("--config", dir); view.ARN != "arn:aws:sts::123456789012:assumed-role/vendor/iamsync" {
		t.Errorf("identity through the block's external_id = %s", view.ARN)
	}
}

func TestProviderBlockErrorsStopBeforeConnecting(t *testing.T) {
	h := newReachHarness(t)
	dir := writeConfig(t, map[string]string{"main.hcl": `
provider {
  allowed_account_ids = [account.id]
}

user "a" {
  name = "not a name!"
}
`})
	h.srv.ResetCalls()
	r := h.mustRun(exitError, "plan", dir)
	if !strings.Contains(r.stderr, "Error: Invalid reference in provider block") || !strings.Contains(r.stderr, "main.hcl line 3") {
		t.Errorf("plan printed:\n%s", r.stderr)
	}
	// The errors elsewhere show in the same run, each once.
	if n := strings.Count(r.stderr, "Error: Invalid user name"); n != 1 {
		t.Errorf("plan printed the user's error %d times, want once:\n%s", n, r.stderr)
	}
	if n := strings.Count(r.stderr, "Error: Invalid reference in provider block"); n != 1 {
		t.Errorf("plan printed the provider block's error %d times, want once:\n%s", n, r.stderr)
	}
	if calls := h.srv.Calls(); len(calls) > 0 {
		t.Errorf("calls = %v, want none", slicesOf(calls))
	}
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// slicesOf lists the actions of a call count, for messages.
func slicesOf(calls map[string]int) []string {
	var out []string
	for action := range maps.Keys(calls) {
		out = append(out, action)
	}
	return out
}

// TestWhoamiUnreadAlias checks that an alias that could not be read is
// shown as unknown, not as an account without one.
func TestWhoamiUnreadAlias(t *testing.T) {
	view := identityView{Account: "123456789012", ARN: "arn:aws:iam::123456789012:user/deployer", UserID: "AIDA1"}
	for unread, want := range map[bool]string{false: "Alias:    (none)\n", true: "Alias:    (unknown)\n"} {
		var b strings.Builder
		if err := writeIdentity(&b, view, unread); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("writeIdentity with the alias unread %v printed:\n%s\nwant a line %q", unread, b.String(), want)
		}
	}
}
