package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// TestSavedPlanAppliesExactly saves a plan, shows it in every format and
// applies it. A second apply of the same file is rejected as stale,
// because the account changed since the plan was made.
func TestSavedPlanAppliesExactly(t *testing.T) {
	h := newHarness(t, "")
	planFile := filepath.Join(t.TempDir(), "org.plan")

	plan := h.mustRun(exitChanges, "plan", "-out", planFile, "--detailed-exitcode", orgDir)
	if !strings.Contains(plan.stderr, "Saved the plan to "+planFile) {
		t.Errorf("plan did not say where it saved:\n%s", plan.stderr)
	}
	if info, err := os.Stat(planFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("plan file: %v, mode %v, want 0600", err, info.Mode().Perm())
	}

	// Show renders the saved plan as the plan command did.
	text := h.mustRun(exitOK, "show", planFile)
	if !strings.Contains(text.stdout, "Plan for account 123456789012") || !strings.Contains(text.stdout, "Plan: ") {
		t.Errorf("show:\n%s", text.stdout)
	}
	asJSON := h.mustRun(exitOK, "show", "--json", planFile)
	var decoded struct {
		FormatVersion string `json:"format_version"`
		Changes       []any  `json:"changes"`
	}
	if err := json.Unmarshal([]byte(asJSON.stdout), &decoded); err != nil || len(decoded.Changes) == 0 {
		t.Errorf("show --json: %v\n%s", err, asJSON.stdout)
	}
	md := h.mustRun(exitOK, "show", "--markdown", planFile)
	if !strings.Contains(md.stdout, "| ") || !strings.Contains(md.stdout, "<details>") {
		t.Errorf("show --markdown lacks its table or details:\n%s", md.stdout)
	}

	// Apply the file: no question asked, the account then matches.
	apply := h.mustRun(exitOK, "apply", planFile)
	if !strings.Contains(apply.stdout, "Apply complete.") {
		t.Errorf("apply of the saved plan:\n%s", apply.stdout)
	}
	h.mustRun(exitOK, "plan", "--detailed-exitcode", orgDir)

	// The same plan again is stale: the account it was made for is gone,
	// and the error reports that the plan was most likely applied already.
	stale := h.mustRun(exitError, "apply", planFile)
	if !strings.Contains(stale.stderr, "changed since") {
		t.Errorf("stale plan not refused clearly:\n%s", stale.stderr)
	}
	if !strings.Contains(stale.stderr, "applied already") {
		t.Errorf("the refusal does not say that the plan was most likely applied:\n%s", stale.stderr)
	}
}

// TestStalePlanNamesWhatChanged changes the account between plan and
// apply: apply refuses before any write and names what changed.
func TestStalePlanNamesWhatChanged(t *testing.T) {
	h := newHarness(t, "")
	h.mustRun(exitOK, "apply", "--auto-approve", orgDir)
	config := writeConfig(t, map[string]string{"main.hcl": `user "alice" { name = "alice.nguyen" }`})
	planFile := filepath.Join(t.TempDir(), "shrink.plan")
	h.mustRun(exitOK, "plan", "-out", planFile, config)

	if err := h.client().CreateUser(context.Background(), provider.CreateUserInput{Name: "late-arrival", Path: "/"}); err != nil {
		t.Fatal(err)
	}
	h.srv.ResetCalls()
	r := h.mustRun(exitError, "apply", planFile)
	if !strings.Contains(r.stderr, "late-arrival") {
		t.Errorf("refusal does not name the new user:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "applied already") {
		t.Errorf("refusal takes a plan that was not applied for one that was:\n%s", r.stderr)
	}
	if n := h.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls after a stale plan, want none", n)
	}
}

// TestPlanFromAnotherAccountIsRefused applies a plan made against one
// sandbox account to another.
func TestPlanFromAnotherAccountIsRefused(t *testing.T) {
	first := newHarness(t, "")
	planFile := filepath.Join(t.TempDir(), "org.plan")
	first.mustRun(exitOK, "plan", "-out", planFile, orgDir)

	other := newHarness(t, "", func(o *sandbox.Options) { o.AccountID = "210987654321" })
	r := other.mustRun(exitError, "apply", planFile)
	if !strings.Contains(r.stderr, "123456789012") || !strings.Contains(r.stderr, "210987654321") {
		t.Errorf("refusal does not name both accounts:\n%s", r.stderr)
	}
	if n := other.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls, want none", n)
	}
}

// TestMaxDeletesStopsPlanAndApply checks the CI guard on deletions.
func TestMaxDeletesStopsPlanAndApply(t *testing.T) {
	h := newHarness(t, "")
	h.mustRun(exitOK, "apply", "--auto-approve", orgDir)
	empty := emptyConfig(t)

	r := h.mustRun(exitError, "plan", "--max-deletes", "5", empty)
	if !strings.Contains(r.stderr, "5") {
		t.Errorf("plan over the limit:\n%s", r.stderr)
	}
	h.srv.ResetCalls()
	h.mustRun(exitError, "apply", "--auto-approve", "--max-deletes", "5", empty)
	if n := h.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls past the delete limit, want none", n)
	}
	h.mustRun(exitOK, "plan", "--max-deletes", "1000", empty)
}

// TestPreventDestroyStopsPlan protects a role from deletion.
func TestPreventDestroyStopsPlan(t *testing.T) {
	h := newHarness(t, "")
	keep := writeConfig(t, map[string]string{"main.hcl": `
role "keep" {
  name = "keep"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  lifecycle {
    prevent_destroy = true
  }
}
`})
	h.mustRun(exitOK, "apply", "--auto-approve", keep)

	moved := strings.Replace(readFile(t, filepath.Join(keep, "main.hcl")), `name = "keep"`, "name = \"keep\"\n  path = \"/moved/\"", 1)
	dir := writeConfig(t, map[string]string{"main.hcl": moved})
	r := h.mustRun(exitError, "plan", dir)
	if !strings.Contains(r.stderr, "role.keep") || !strings.Contains(r.stderr, "prevent_destroy") {
		t.Errorf("prevent_destroy did not stop the replace:\n%s", r.stderr)
	}
}

// TestTargetLimitsPlanAndApply applies one role of the organisation and
// what it needs.
func TestTargetLimitsPlanAndApply(t *testing.T) {
	h := newHarness(t, "")
	r := h.mustRun(exitChanges, "plan", "--detailed-exitcode", "-target", "role.app_server", orgDir)
	for _, want := range []string{"role.app_server will be created", "policy.app_runtime will be created", "policy.service_boundary will be created"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("targeted plan lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "user.alice_nguyen") {
		t.Errorf("targeted plan creates users it does not need:\n%s", r.stdout)
	}

	applied := h.mustRun(exitOK, "apply", "--auto-approve", "-target", "role.app_server", orgDir)
	if !strings.Contains(applied.stdout, "The targeted objects match the configuration") || strings.Contains(applied.stdout, "The account matches") {
		t.Errorf("targeted apply does not say that only the targets match:\n%s", applied.stdout)
	}
	state := h.readState()
	if state.Role("app-server") == nil || len(state.Users) != 0 {
		t.Errorf("after a targeted apply: role %v, %d users", state.Role("app-server") != nil, len(state.Users))
	}
	h.mustRun(exitOK, "plan", "--detailed-exitcode", "-target", "role.app_server", orgDir)
}

// TestSelfLockoutRefused runs iamsync as a user whose IAM rights come from
// its group, with a configuration that deletes that user: plan warns and
// apply refuses unless --allow-self-lockout is given.
func TestSelfLockoutRefused(t *testing.T) {
	h := newHarness(t, "")
	ctx := context.Background()
	client := h.client()
	if err := client.CreateUser(ctx, provider.CreateUserInput{Name: "ci", Path: "/"}); err != nil {
		t.Fatal(err)
	}
	if err := client.AttachUserPolicy(ctx, "ci", "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
		t.Fatal(err)
	}
	key, err := client.CreateAccessKey(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", key.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", key.SecretAccessKey)

	empty := emptyConfig(t)
	plan := h.mustRun(exitOK, "plan", empty)
	if !strings.Contains(plan.stderr, "Warning: Change may lock iamsync out") || !strings.Contains(plan.stderr, "user.ci") {
		t.Errorf("plan does not warn:\n%s", plan.stderr)
	}

	h.srv.ResetCalls()
	refused := h.mustRun(exitError, "apply", "--auto-approve", empty)
	if !strings.Contains(refused.stderr, "--allow-self-lockout") {
		t.Errorf("apply refusal does not name the flag:\n%s", refused.stderr)
	}
	if n := h.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls, want none", n)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestSavedPlanUsesProviderBlock saves a plan made through the provider
// block's assume_role and checks that applying the file acts as that role
// too, as plan did.
func TestSavedPlanUsesProviderBlock(t *testing.T) {
	h := newHarness(t, "")
	ctx := context.Background()
	client := h.client()
	if err := client.CreateUser(ctx, provider.CreateUserInput{Name: "ci", Path: "/"}); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/ci"},"Action":"sts:AssumeRole"}]}`
	if err := client.CreateRole(ctx, provider.CreateRoleInput{Name: "deployer", Path: "/", AssumeRolePolicy: trust, MaxSessionDuration: 3600}); err != nil {
		t.Fatal(err)
	}
	key, err := client.CreateAccessKey(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", key.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", key.SecretAccessKey)

	dir := writeConfig(t, map[string]string{"main.hcl": `
provider {
  allowed_account_ids = ["123456789012"]
  assume_role {
    role_arn = "arn:aws:iam::123456789012:role/deployer"
  }
}
scope {
  paths = ["/team/"]
}
group "team" {
  name = "team"
  path = "/team/"
}
`})
	planFile := filepath.Join(t.TempDir(), "team.plan")
	plan := h.mustRun(exitOK, "plan", "--out", planFile, dir)
	const asRole = "acting as arn:aws:sts::123456789012:assumed-role/deployer/"
	if !strings.Contains(plan.stdout, asRole) {
		t.Fatalf("plan did not act as the role:\n%s", plan.stdout)
	}
	apply := h.mustRun(exitOK, "apply", planFile)
	if !strings.Contains(apply.stdout, asRole) {
		t.Errorf("apply of the saved plan did not act as the role:\n%s", apply.stdout)
	}
}

// TestSavedPlanIgnoresChangesOutsideScope changes the account outside the
// configuration's scope between plan and apply; the saved plan still
// applies, because nothing it touches changed. A change inside the scope
// still makes it stale.
func TestSavedPlanIgnoresChangesOutsideScope(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, map[string]string{"main.hcl": `
scope {
  paths = ["/managed/"]
}
user "alice" {
  name = "alice"
  path = "/managed/"
}
`})
	planFile := filepath.Join(t.TempDir(), "scoped.plan")
	h.mustRun(exitChanges, "plan", "--out", planFile, "--detailed-exitcode", dir)

	ctx := context.Background()
	if err := h.client().CreateUser(ctx, provider.CreateUserInput{Name: "unrelated", Path: "/elsewhere/"}); err != nil {
		t.Fatal(err)
	}
	h.mustRun(exitOK, "apply", planFile)

	h.mustRun(exitOK, "plan", "--out", planFile, dir)
	if err := h.client().CreateUser(ctx, provider.CreateUserInput{Name: "intruder", Path: "/managed/"}); err != nil {
		t.Fatal(err)
	}
	stale := h.mustRun(exitError, "apply", planFile)
	if !strings.Contains(stale.stderr, "intruder") {
		t.Errorf("a change inside the scope did not make the plan stale:\n%s", stale.stderr)
	}
}

// TestSavedPlanRejectsPlanFlags gives apply of a saved plan the flags that
// shape a plan, which the file has already fixed.
func TestSavedPlanRejectsPlanFlags(t *testing.T) {
	h := newHarness(t, "")
	planFile := filepath.Join(t.TempDir(), "org.plan")
	h.mustRun(exitOK, "plan", "--out", planFile, orgDir)

	for _, flags := range [][]string{{"--target", "role.deploy"}, {"--var", "x=1"}} {
		r := h.mustRun(exitError, append(append([]string{"apply"}, flags...), planFile)...)
		if !strings.Contains(r.stderr, flags[0]+" cannot be used with a saved plan") {
			t.Errorf("apply %s: %s", flags[0], r.stderr)
		}
	}
	if r := h.mustRun(exitError, "apply", planFile+"x"); !strings.Contains(r.stderr, "or a plan file saved by plan --out") {
		t.Errorf("apply of a misspelt plan file: %s", r.stderr)
	}
	if n := h.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls, want none", n)
	}
}

// TestLockoutSeesFirstAttachment attaches an AWS-managed policy that
// denies everything to the user iamsync runs as, when nothing in the
// account uses that policy yet: plan looks its document up and warns.
func TestLockoutSeesFirstAttachment(t *testing.T) {
	h := newHarness(t, "", withCatalogue(t))
	ctx := context.Background()
	client := h.client()
	if err := client.CreateUser(ctx, provider.CreateUserInput{Name: "ci", Path: "/"}); err != nil {
		t.Fatal(err)
	}
	if err := client.AttachUserPolicy(ctx, "ci", "arn:aws:iam::aws:policy/IAMFullAccess"); err != nil {
		t.Fatal(err)
	}
	key, err := client.CreateAccessKey(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", key.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", key.SecretAccessKey)

	dir := writeConfig(t, map[string]string{"main.hcl": `
user "ci" {
  name                = "ci"
  managed_policy_arns = ["arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/AWSDenyAll"]
}
`})
	plan := h.mustRun(exitOK, "plan", dir)
	if !strings.Contains(plan.stderr, "which denies IAM actions to the identity iamsync runs as") {
		t.Errorf("plan does not warn of the Deny:\n%s", plan.stderr)
	}
	h.srv.ResetCalls()
	h.mustRun(exitError, "apply", "--auto-approve", dir)
	if n := h.srv.WriteCalls(); n != 0 {
		t.Errorf("%d write calls, want none", n)
	}
}

// TestSavedPlanKeepsEnvironmentVariables saves a plan with a variable set
// in the environment, and applies it with another value there: the saved
// value is applied, with a warning that the new one is ignored. Values of
// variables that the configuration does not declare are not saved.
func TestSavedPlanKeepsEnvironmentVariables(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, config(`variable "team" {
  type = string
}

user "a" {
  name = "a"
  tags = { team = var.team }
}
`))
	planFile := filepath.Join(t.TempDir(), "env.plan")
	t.Setenv("IAMSYNC_VAR_team", "blue")
	t.Setenv("IAMSYNC_VAR_undeclared", "not-for-saving")
	h.mustRun(exitOK, "plan", "--out", planFile, dir)
	data, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "not-for-saving") {
		t.Error("the plan file holds the value of a variable the configuration does not declare")
	}

	t.Setenv("IAMSYNC_VAR_team", "green")
	r := h.mustRun(exitOK, "apply", planFile)
	if !strings.Contains(r.stderr, "Warning: IAMSYNC_VAR_team is ignored") {
		t.Errorf("apply does not warn of the ignored variable:\n%s", r.stderr)
	}
	if u := h.readState().User("a"); u == nil || len(u.Tags) != 1 || u.Tags[0].Value != "blue" {
		t.Errorf("user a after apply = %+v, want the tag team = blue", u)
	}
}

// TestTargetWithDottedName targets an undeclared user whose name has a dot
// by its name alone. Its address has brackets, which the error suggests.
func TestTargetWithDottedName(t *testing.T) {
	h := newHarness(t, "")
	if err := h.client().CreateUser(context.Background(), provider.CreateUserInput{Name: "old.two", Path: "/"}); err != nil {
		t.Fatal(err)
	}
	dir := writeConfig(t, config("user \"a\" {}\n"))
	r := h.mustRun(exitError, "plan", "--target", "user.old.two", dir)
	if want := `Did you mean user["old.two"]?`; !strings.Contains(strings.Join(strings.Fields(r.stderr), " "), want) {
		t.Errorf("plan output lacks %q:\n%s", want, r.stderr)
	}
	h.mustRun(exitChanges, "plan", "--detailed-exitcode", "--target", `user["old.two"]`, dir)
}
