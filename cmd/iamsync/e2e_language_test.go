package main

import (
	"context"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/provider"
)

const teamsDir = "../../testdata/teams"

// TestTeamsExamplePlansAndApplies plans the large example configuration
// (variables, locals, for_each over teams, dynamic blocks, policy_document
// composition, expiring access) on an empty account against a golden plan,
// applies it and plans clean.
func TestTeamsExamplePlansAndApplies(t *testing.T) {
	h := newHarness(t, "", withCatalogue(t))

	plan := h.mustRun(exitChanges, "plan", "--detailed-exitcode", teamsDir)
	checkGolden(t, "teams-create.plan", plan.stdout)

	h.mustRun(exitOK, "apply", "--auto-approve", teamsDir)
	h.mustRun(exitOK, "plan", "--detailed-exitcode", teamsDir)
}

// TestExpiredAccessIsRemoved declares a contractor whose access expired in
// the past. When the user exists in the account anyway, plan deletes it and
// says that it expired.
func TestExpiredAccessIsRemoved(t *testing.T) {
	h := newHarness(t, "")
	h.mustRun(exitOK, "apply", "--auto-approve", teamsDir)

	ctx := context.Background()
	client := h.client()
	if err := client.CreateUser(ctx, provider.CreateUserInput{Name: "ext.tom.harris", Path: "/contractors/"}); err != nil {
		t.Fatal(err)
	}
	if err := client.AddUserToGroup(ctx, "team-search", "ext.tom.harris"); err != nil {
		t.Fatal(err)
	}

	plan := h.mustRun(exitChanges, "plan", "--detailed-exitcode", teamsDir)
	for _, want := range []string{
		`user.contractors["ext.tom.harris"] will be deleted because it expired at 2024-01-31T00:00:00Z`,
		`group.teams["search"].membership["ext.tom.harris"] will be deleted`,
		"Plan: 0 to create, 0 to update, 0 to replace, 2 to delete.",
	} {
		if !strings.Contains(plan.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan.stdout)
		}
	}

	h.mustRun(exitOK, "apply", "--auto-approve", teamsDir)
	if h.readState().User("ext.tom.harris") != nil {
		t.Errorf("the expired user is still in the account")
	}
}

// TestVariablesFromEveryInput sets variables from -var, -var-file and the
// environment, and checks a bad value fails the variable's validation.
func TestVariablesFromEveryInput(t *testing.T) {
	h := newHarness(t, "")
	dir := writeConfig(t, map[string]string{
		"main.hcl": `
variable "environment" {
  type = string
  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "The environment must be dev or prod."
  }
}
variable "team" {
  type = string
}
variable "owner" {
  type = string
}
group "team" {
  name = "${var.team}-${var.environment}"
}
user "owner" {
  name   = var.owner
  groups = [group.team.name]
}
`,
		"prod.tfvars.json": `{"environment": "prod"}`,
	})
	t.Setenv("IAMSYNC_VAR_owner", "olga")

	plan := h.mustRun(exitChanges, "plan", "--detailed-exitcode", "-var", "team=search", "-var-file", dir+"/prod.tfvars.json", dir)
	for _, want := range []string{`name = "search-prod"`, `name = "olga"`} {
		if !strings.Contains(plan.stdout, want) {
			t.Errorf("plan lacks %s:\n%s", want, plan.stdout)
		}
	}

	bad := h.mustRun(exitError, "plan", "-var", "team=search", "-var", "environment=qa", dir)
	if !strings.Contains(bad.stderr, "The environment must be dev or prod.") {
		t.Errorf("validation message missing:\n%s", bad.stderr)
	}
	missing := h.mustRun(exitError, "plan", "-var", "environment=dev", dir)
	if !strings.Contains(missing.stderr, "team") {
		t.Errorf("missing variable not reported:\n%s", missing.stderr)
	}
}
