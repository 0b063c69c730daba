package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// The tests of this file and of the other e2e_*_test.go files about account
// management share one pattern. Configuration A is applied. Configuration B
// is planned, compared with a golden plan under testdata/account/ and
// applied. The plan after it must be clean, and the account is checked
// through the SDK.

// ec2Trust is a trust policy that lets EC2 assume a role.
const ec2Trust = `jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })`

// readOnlyDocument is a small permission policy.
const readOnlyDocument = `jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })`

// applyConfig writes files into a new configuration directory and applies
// it, which must finish with the account matching the configuration. It
// returns the directory.
func (h *harness) applyConfig(files map[string]string) string {
	h.t.Helper()
	dir := writeConfig(h.t, files)
	h.applyDir(dir)
	return dir
}

// applyDir applies the configuration in dir and checks that apply confirms
// the result and that a plan after it is clean.
func (h *harness) applyDir(dir string) result {
	h.t.Helper()
	r := h.mustRun(exitOK, "apply", "--auto-approve", dir)
	if !strings.Contains(r.stdout, "Apply complete. The account matches the configuration.") {
		h.t.Fatalf("apply did not confirm the result:\n%s\n%s", r.stdout, r.stderr)
	}
	h.mustRun(exitOK, "plan", "--detailed-exitcode", dir)
	return r
}

// change plans files against the golden plan testdata/account/golden, then
// applies them. It returns the configuration directory and the apply's
// result.
func (h *harness) change(golden string, files map[string]string) (string, result) {
	h.t.Helper()
	dir := writeConfig(h.t, files)
	plan := h.mustRun(exitChanges, "plan", "--detailed-exitcode", dir)
	checkGolden(h.t, path.Join("account", golden), plan.stdout)
	return dir, h.applyDir(dir)
}

// config builds a one-file configuration.
func config(text string) map[string]string {
	return map[string]string{"main.hcl": text}
}

// apiRequest is one request that reached the sandbox.
type apiRequest struct {
	Action string
	Params url.Values
}

// requestLog records the requests that reach the sandbox, in the order the
// sandbox received them.
type requestLog struct {
	mu       sync.Mutex
	requests []apiRequest
}

// record puts a recording proxy on loopback in front of the sandbox and
// points the SDK environment and h.client at it. The proxy passes every
// request on unchanged, so signatures still verify.
func (h *harness) record() *requestLog {
	h.t.Helper()
	log := &requestLog{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		params, _ := url.ParseQuery(string(body))
		log.add(apiRequest{Action: params.Get("Action"), Params: params})
		h.srv.ServeHTTP(w, r)
	}))
	h.t.Cleanup(proxy.Close)
	h.t.Setenv("AWS_ENDPOINT_URL", proxy.URL)
	h.endpoint = proxy.URL
	return log
}

func (l *requestLog) add(r apiRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, r)
}

// reset clears the requests recorded so far.
func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = nil
}

// of returns the recorded requests of the given actions, in order.
func (l *requestLog) of(actions ...string) []apiRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []apiRequest
	for _, r := range l.requests {
		if slices.Contains(actions, r.Action) {
			out = append(out, r)
		}
	}
	return out
}

// actions returns the names of the recorded requests of the given actions,
// in order.
func (l *requestLog) actions(actions ...string) []string {
	var names []string
	for _, r := range l.of(actions...) {
		names = append(names, r.Action)
	}
	return names
}

// members returns the values of a list parameter such as Tags.member.N.Key
// or TagKeys.member.N, where prefix is "Tags.member." and suffix ".Key".
func (r apiRequest) members(prefix, suffix string) []string {
	var values []string
	for i := 1; ; i++ {
		name := fmt.Sprintf("%s%d%s", prefix, i, suffix)
		if !r.Params.Has(name) {
			return values
		}
		values = append(values, r.Params.Get(name))
	}
}

// unwrap joins the lines of wrapped diagnostic text, so that a test can look
// for a sentence wherever the renderer broke it.
func unwrap(text string) string { return strings.Join(strings.Fields(text), " ") }

// withQuotas sets quotas of the sandbox's account by GetAccountSummary name.
func withQuotas(quotas map[string]int32) func(*sandbox.Options) {
	return func(o *sandbox.Options) { o.Quotas = quotas }
}

// TestAccountAliasLifecycle creates the alias, changes it, which deletes
// the old alias before creating the new one because an account has at
// most one, and removes it.
func TestAccountAliasLifecycle(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()

	h.change("alias-create.plan", config(`account {
  alias = "acme-one"
}
`))
	if got := h.readState().Aliases; !slices.Equal(got, []string{"acme-one"}) {
		t.Errorf("aliases after create = %q, want [acme-one]", got)
	}

	log.reset()
	h.change("alias-change.plan", config(`account {
  alias = "acme-two"
}
`))
	calls := callOrder(log, "AccountAlias", "CreateAccountAlias", "DeleteAccountAlias")
	want := []string{"DeleteAccountAlias acme-one", "CreateAccountAlias acme-two"}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("alias calls differ (-want +got):\n%s", diff)
	}
	if got := h.readState().Aliases; !slices.Equal(got, []string{"acme-two"}) {
		t.Errorf("aliases after change = %q, want [acme-two]", got)
	}

	h.change("alias-remove.plan", config("# The alias is no longer declared.\n"))
	if got := h.readState().Aliases; len(got) != 0 {
		t.Errorf("aliases after remove = %q, want none", got)
	}
}

// TestInvalidAccountAliasMakesNoCall checks each alias rule of
// CreateAccountAlias as a diagnostic at the alias attribute, reported before
// any call to the account.
func TestInvalidAccountAliasMakesNoCall(t *testing.T) {
	tests := map[string]string{
		"two characters":          "ab",
		"sixty-four characters":   strings.Repeat("a", 64),
		"leading hyphen":          "-acme",
		"trailing hyphen":         "acme-",
		"twelve digits":           "123456789012",
		"double hyphen":           "acme--prod",
		"capital letters":         "Acme",
		"character outside rules": "acme_prod",
	}
	for name, alias := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "")
			dir := writeConfig(t, config(fmt.Sprintf("account {\n  alias = %q\n}\n", alias)))
			for _, args := range [][]string{{"validate", dir}, {"plan", dir}, {"apply", "--auto-approve", dir}} {
				r := h.run(args...)
				if r.code != exitError {
					t.Errorf("%s: exit code %d, want 1\n%s%s", args[0], r.code, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, "Error: Invalid account alias") || !strings.Contains(r.stderr, "main.hcl line 2") {
					t.Errorf("%s: no Invalid account alias diagnostic at main.hcl line 2:\n%s", args[0], r.stderr)
				}
			}
			if n := h.srv.WriteCalls(); n != 0 {
				t.Errorf("%d write calls reached the account, want none: %v", n, h.srv.Calls())
			}
		})
	}
}

// TestPasswordPolicyLifecycle creates a password policy with some fields,
// changes fields, and removes it. Because UpdateAccountPasswordPolicy
// replaces the whole policy, the fields a configuration leaves out must be
// IAM's defaults in the account afterwards, also those set before.
func TestPasswordPolicyLifecycle(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()

	h.change("password-policy-create.plan", config(`password_policy {
  minimum_password_length   = 14
  require_symbols           = true
  max_password_age          = 90
  password_reuse_prevention = 5
  hard_expiry               = true
}
`))
	want := &provider.PasswordPolicy{
		MinimumPasswordLength: 14, RequireSymbols: true, ExpirePasswords: true,
		MaxPasswordAge: 90, PasswordReusePrevention: 5, HardExpiry: true,
	}
	if diff := cmp.Diff(want, h.readState().PasswordPolicy); diff != "" {
		t.Errorf("password policy after create differs (-want +got):\n%s", diff)
	}

	// The second configuration drops the age, reuse and hard expiry
	// settings and the symbols, and sets others.
	log.reset()
	h.change("password-policy-change.plan", config(`password_policy {
  require_numbers                = true
  require_lowercase_characters   = true
  allow_users_to_change_password = true
}
`))
	want = &provider.PasswordPolicy{
		MinimumPasswordLength: 6, RequireNumbers: true, RequireLowercaseCharacters: true,
		AllowUsersToChangePassword: true,
	}
	if diff := cmp.Diff(want, h.readState().PasswordPolicy); diff != "" {
		t.Errorf("password policy after change differs from IAM's defaults for what is left out (-want +got):\n%s", diff)
	}
	if n := len(log.of("UpdateAccountPasswordPolicy")); n != 1 {
		t.Errorf("UpdateAccountPasswordPolicy was called %d times, want once", n)
	}

	h.change("password-policy-remove.plan", config("# No password policy is declared.\n"))
	if got := h.readState().PasswordPolicy; got != nil {
		t.Errorf("password policy after remove = %+v, want none", *got)
	}
}

// TestInvalidPasswordPolicyMakesNoCall checks the ranges of the password
// policy's numbers as diagnostics at the attribute.
func TestInvalidPasswordPolicyMakesNoCall(t *testing.T) {
	tests := map[string]struct {
		attribute string
		value     int
	}{
		"length below 6":   {"minimum_password_length", 5},
		"length above 128": {"minimum_password_length", 129},
		"age zero":         {"max_password_age", 0},
		"age above 1095":   {"max_password_age", 1096},
		"reuse zero":       {"password_reuse_prevention", 0},
		"reuse above 24":   {"password_reuse_prevention", 25},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "")
			dir := writeConfig(t, config(fmt.Sprintf("password_policy {\n  require_symbols = true\n  %s = %d\n}\n", tt.attribute, tt.value)))
			for _, args := range [][]string{{"validate", dir}, {"plan", dir}, {"apply", "--auto-approve", dir}} {
				r := h.run(args...)
				if r.code != exitError {
					t.Errorf("%s: exit code %d, want 1\n%s%s", args[0], r.code, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, "Error: Invalid "+tt.attribute) || !strings.Contains(r.stderr, "main.hcl line 3") {
					t.Errorf("%s: no Invalid %s diagnostic at main.hcl line 3:\n%s", args[0], tt.attribute, r.stderr)
				}
			}
			if n := h.srv.WriteCalls(); n != 0 {
				t.Errorf("%d write calls reached the account, want none: %v", n, h.srv.Calls())
			}
		})
	}
}

// rolePolicies returns a role declaration with n attached policies, each
// declared by the configuration, and the declarations of those policies.
func rolePolicies(n int) string {
	var b strings.Builder
	arns := make([]string, n)
	for i := range arns {
		fmt.Fprintf(&b, "policy \"p%02d\" {\n  name     = \"P%02d\"\n  document = %s\n}\n\n", i, i, readOnlyDocument)
		arns[i] = fmt.Sprintf("policy.p%02d.arn", i)
	}
	fmt.Fprintf(&b, "role \"app\" {\n  name               = \"app\"\n  assume_role_policy = %s\n  managed_policy_arns = [%s]\n}\n",
		ec2Trust, strings.Join(arns, ", "))
	return b.String()
}

// TestAttachmentQuotaFromAccountSummary checks that plan reads the quota of
// policies per role from GetAccountSummary: an account whose quota was
// raised to 12 accepts 11 attachments, and one with the default of 10
// rejects them with a diagnostic at managed_policy_arns.
func TestAttachmentQuotaFromAccountSummary(t *testing.T) {
	text := rolePolicies(11)
	files := config(text)

	t.Run("raised quota", func(t *testing.T) {
		h := newHarness(t, "", withQuotas(map[string]int32{"AttachedPoliciesPerRoleQuota": 12}))
		h.applyConfig(files)
		if got := len(h.readState().Role("app").AttachedPolicies); got != 11 {
			t.Errorf("role app has %d attached policies, want 11", got)
		}
	})

	t.Run("default quota", func(t *testing.T) {
		h := newHarness(t, "")
		dir := writeConfig(t, files)
		r := h.run("plan", dir)
		if r.code != exitError {
			t.Errorf("plan: exit code %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
		}
		line := strings.Count(text[:strings.Index(text, "managed_policy_arns")], "\n") + 1
		where := fmt.Sprintf("main.hcl line %d", line)
		if !strings.Contains(r.stderr, "Error: Too many managed policies") || !strings.Contains(r.stderr, where) {
			t.Errorf("plan: no Too many managed policies diagnostic at %s:\n%s", where, r.stderr)
		}
		if n := h.srv.WriteCalls(); n != 0 {
			t.Errorf("%d write calls reached the account, want none", n)
		}
	})
}

// TestDanglingTrustPrincipalIsReported deletes, behind iamsync's back, a
// role that another role's trust policy names. IAM then shows the deleted
// role's unique id (AROA...) in the trust policy in place of its ARN. Plan
// reports it as a dangling principal with the fix, and apply creates the role
// again before it writes the declared trust policy back.
func TestDanglingTrustPrincipalIsReported(t *testing.T) {
	h := newHarness(t, "")
	dir := h.applyConfig(config(`role "ci" {
  name               = "ci"
  assume_role_policy = ` + ec2Trust + `
}

role "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = role.ci.arn }, Action = "sts:AssumeRole" }]
  })
}
`))
	ciID := h.readState().Role("ci").ID

	if err := h.client().DeleteRole(context.Background(), "ci"); err != nil {
		t.Fatal(err)
	}
	if live := h.readState().Role("deployer").AssumeRolePolicy; !strings.Contains(live, ciID) {
		t.Fatalf("the trust policy does not name the deleted role by its unique id %s:\n%s", ciID, live)
	}

	// The unique id is random, so the golden plan has a placeholder.
	plan := h.mustRun(exitChanges, "plan", "--detailed-exitcode", dir)
	checkGolden(t, "account/dangling-principal.plan", strings.ReplaceAll(plan.stdout, ciID, "AROA-OF-DELETED-CI"))
	for _, want := range []string{
		"Warning: Dangling principal in trust policy",
		"main.hcl line 11",
		"names the principal " + ciID,
		"Recreating the principal does not restore the trust",
	} {
		if !strings.Contains(unwrap(plan.stderr), want) {
			t.Errorf("plan diagnostics lack %q:\n%s", want, plan.stderr)
		}
	}

	h.applyDir(dir)
	state := h.readState()
	if live := state.Role("deployer").AssumeRolePolicy; strings.Contains(live, ciID) || !strings.Contains(live, state.Role("ci").ARN) {
		t.Errorf("the trust policy does not name the new role ci by ARN:\n%s", live)
	}
}

// TestRoleReplacedInTrustPolicy moves a role that another role's trust
// policy names to another path. Deleting it puts its unique id in the trust
// policy, so the plan writes the trust policy again once the new role
// exists, and the apply finishes with the account matching.
func TestRoleReplacedInTrustPolicy(t *testing.T) {
	h := newHarness(t, "")
	log := h.record()
	roles := func(path string) map[string]string {
		return config(fmt.Sprintf(`role "web" {
  name               = "web"
  path               = %q
  assume_role_policy = %s
}

role "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = role.web.arn }, Action = "sts:AssumeRole" }]
  })
}
`, path, ec2Trust))
	}
	h.applyConfig(roles("/"))

	log.reset()
	h.change("role-replaced-in-trust.plan", roles("/app/"))
	calls := callOrder(log, "RoleName", "DeleteRole", "CreateRole", "UpdateAssumeRolePolicy")
	want := []string{"DeleteRole web", "CreateRole web", "UpdateAssumeRolePolicy deployer"}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("calls differ (-want +got):\n%s", diff)
	}
	state := h.readState()
	if trust := state.Role("deployer").AssumeRolePolicy; !strings.Contains(trust, state.Role("web").ARN) {
		t.Errorf("the trust policy of deployer does not name %s:\n%s", state.Role("web").ARN, trust)
	}
}

// TestPlanStopsAtAccountQuota checks that a plan that would take the
// account past its quota of groups fails before apply, naming the first
// group IAM would refuse, and that deleting one makes room.
func TestPlanStopsAtAccountQuota(t *testing.T) {
	h := newHarness(t, "", func(o *sandbox.Options) { o.Quotas = map[string]int32{"GroupsQuota": 2} })
	two := writeConfig(t, map[string]string{"main.hcl": `
group "a" {}
group "b" {}
`})
	h.mustRun(exitOK, "apply", "--auto-approve", two)

	three := writeConfig(t, map[string]string{"main.hcl": `
group "a" {}
group "b" {}
group "c" {}
`})
	h.srv.ResetCalls()
	r := h.mustRun(exitError, "plan", three)
	for _, want := range []string{"Error: Account quota exceeded", "main.hcl line 4", "GroupsQuota is 2", "creation of group.c"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("plan output lacks %q:\n%s", want, r.stderr)
		}
	}
	h.mustRun(exitError, "apply", "--auto-approve", three)
	if n := h.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls reached the account, want none", n)
	}

	// A swap at the quota may reach it before the deletion has run. The plan
	// warns, and a second apply finishes what the first could not.
	swap := writeConfig(t, map[string]string{"main.hcl": `
group "a" {}
group "c" {}
`})
	r = h.mustRun(exitOK, "plan", swap)
	if !strings.Contains(r.stderr, "Warning: Account quota may be reached during apply") {
		t.Errorf("plan of a swap at the quota does not warn:\n%s", r.stderr)
	}
	if first := h.run("apply", "--auto-approve", swap); first.code != exitOK {
		if !strings.Contains(first.stdout+first.stderr, "LimitExceeded") {
			t.Fatalf("apply failed for another reason than the quota:\n%s%s", first.stdout, first.stderr)
		}
		h.mustRun(exitOK, "apply", "--auto-approve", swap)
	}
	h.mustRun(exitOK, "plan", "--detailed-exitcode", swap)
}
