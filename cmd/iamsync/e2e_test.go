package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/internal/testenv"
	"github.com/iamsync/iamsync/provider"
)

const orgDir = "../../testdata/org"

// TestApplyOrgThenPlanClean applies the example organisation to an empty
// account, with the sandbox strict about AWS-managed policies, and checks
// that a second plan finds nothing to do.
func TestApplyOrgThenPlanClean(t *testing.T) {
	h := newHarness(t, "", withCatalogue(t))

	plan := h.mustRun(exitChanges, "plan", "--detailed-exitcode", orgDir)
	checkGolden(t, "org-create.plan", plan.stdout)

	apply := h.mustRun(exitOK, "apply", "--auto-approve", orgDir)
	if !strings.Contains(apply.stdout, "Apply complete. The account matches the configuration.") {
		t.Errorf("apply did not confirm the result:\n%s", apply.stdout)
	}

	again := h.mustRun(exitOK, "plan", "--detailed-exitcode", orgDir)
	if !strings.Contains(again.stdout, "No changes.") {
		t.Errorf("second plan is not clean:\n%s", again.stdout)
	}
}

// TestDriftIsPlannedAndRepaired changes the account behind iamsync's back
// (a user added, a policy edited, a policy detached) and checks that plan
// shows exactly that drift and apply repairs it.
func TestDriftIsPlannedAndRepaired(t *testing.T) {
	h := newHarness(t, "")
	h.mustRun(exitOK, "apply", "--auto-approve", orgDir)

	ctx := context.Background()
	client := h.client()
	if err := client.CreateUser(ctx, provider.CreateUserInput{Name: "intruder", Path: "/"}); err != nil {
		t.Fatal(err)
	}
	deny := "arn:aws:iam::123456789012:policy/DenyIAMWrites"
	edited := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyIAMWrites","Effect":"Deny","Action":["iam:Create*","iam:Delete*"],"Resource":"*"}]}`
	if _, err := client.CreatePolicyVersion(ctx, deny, edited, true); err != nil {
		t.Fatal(err)
	}
	if err := client.DetachGroupPolicy(ctx, "Developers", "arn:aws:iam::aws:policy/PowerUserAccess"); err != nil {
		t.Fatal(err)
	}

	drift := h.mustRun(exitChanges, "plan", "--detailed-exitcode", orgDir)
	checkGolden(t, "drift.plan", drift.stdout)

	h.mustRun(exitOK, "apply", "--auto-approve", orgDir)
	h.mustRun(exitOK, "plan", "--detailed-exitcode", orgDir)
}

// TestEmptyConfigurationEmptiesAccount applies the organisation, then an
// empty configuration, which must leave only AWS-reserved entities.
func TestEmptyConfigurationEmptiesAccount(t *testing.T) {
	h := newHarness(t, "")
	h.mustRun(exitOK, "apply", "--auto-approve", orgDir)

	empty := emptyConfig(t)
	h.mustRun(exitOK, "apply", "--auto-approve", empty)
	assertOnlyReserved(t, h.readState())
	h.mustRun(exitOK, "plan", "--detailed-exitcode", empty)
}

// TestDumpsEmptiedByEmptyConfiguration loads each real account dump into
// the sandbox, gives its users credentials that the dump cannot show,
// plans an empty configuration with the default scope and checks that
// every entity but the AWS-reserved ones is planned for deletion; then
// applies it, which must succeed without a DeleteConflict.
func TestDumpsEmptiedByEmptyConfiguration(t *testing.T) {
	for _, dump := range testenv.AuthDetailsDumps(t) {
		t.Run(baseName(dump), func(t *testing.T) {
			h := newHarness(t, dump)
			before := h.readState()
			giveCredentials(t, h, before.Users)
			empty := emptyConfig(t)

			r := h.mustRun(exitOK, "plan", "--json", empty)
			deleted := deletedAddresses(t, r.stdout)
			for _, want := range managedAddresses(before) {
				if !deleted[want] {
					t.Errorf("plan does not delete %s", want)
				}
			}
			for _, reserved := range reservedAddresses(before) {
				if deleted[reserved] {
					t.Errorf("plan deletes the AWS-reserved %s", reserved)
				}
			}

			apply := h.run("apply", "--auto-approve", empty)
			if apply.code != exitOK {
				t.Fatalf("apply failed with exit code %d:\n%s\n%s", apply.code, apply.stdout, apply.stderr)
			}
			if strings.Contains(apply.stdout+apply.stderr, "DeleteConflict") {
				t.Errorf("apply met a DeleteConflict:\n%s", apply.stdout)
			}
			assertOnlyReserved(t, h.readState())
		})
	}
}

// emptyConfig returns a configuration that declares nothing. It holds one
// file, because iamsync refuses a directory without configuration files.
func emptyConfig(t *testing.T) string {
	return writeConfig(t, map[string]string{"main.hcl": "# Nothing is declared: everything in scope is deleted.\n"})
}

// deletedAddresses returns the addresses a JSON plan deletes.
func deletedAddresses(t *testing.T, planJSON string) map[string]bool {
	t.Helper()
	var plan struct {
		Changes []struct {
			Address string `json:"address"`
			Action  string `json:"action"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatalf("decode plan: %v\n%s", err, planJSON)
	}
	deleted := map[string]bool{}
	for _, c := range plan.Changes {
		if c.Action == "delete" {
			deleted[c.Address] = true
		}
	}
	return deleted
}

// managedAddresses lists the entities of a state that iamsync manages by
// default, as a plan addresses them.
func managedAddresses(s *provider.State) []string {
	var out []string
	for _, u := range s.Users {
		out = append(out, liveAddress("user", u.Name))
	}
	for _, g := range s.Groups {
		out = append(out, liveAddress("group", g.Name))
	}
	for _, r := range s.Roles {
		if !r.Reserved() {
			out = append(out, liveAddress("role", r.Name))
		}
	}
	for _, p := range s.Policies {
		if !p.AWSManaged() {
			out = append(out, liveAddress("policy", p.Name))
		}
	}
	for _, ip := range s.InstanceProfiles {
		out = append(out, liveAddress("instance_profile", ip.Name))
	}
	return out
}

// reservedAddresses lists the AWS-reserved roles and policies of a state.
func reservedAddresses(s *provider.State) []string {
	var out []string
	for _, r := range s.Roles {
		if r.Reserved() {
			out = append(out, liveAddress("role", r.Name))
		}
	}
	for _, p := range s.Policies {
		if p.AWSManaged() {
			out = append(out, liveAddress("policy", p.Name))
		}
	}
	return out
}

// assertOnlyReserved fails unless the account holds nothing but
// AWS-reserved entities.
func assertOnlyReserved(t *testing.T, s *provider.State) {
	t.Helper()
	for _, u := range s.Users {
		t.Errorf("user %s is left", u.Name)
	}
	for _, g := range s.Groups {
		t.Errorf("group %s is left", g.Name)
	}
	for _, r := range s.Roles {
		if !r.Reserved() {
			t.Errorf("role %s is left", r.Name)
		}
	}
	for _, p := range s.Policies {
		if !p.AWSManaged() {
			t.Errorf("policy %s is left", p.ARN)
		}
	}
	for _, ip := range s.InstanceProfiles {
		reservedOnly := len(ip.Roles) > 0
		for _, role := range ip.Roles {
			if r := s.Role(role); r == nil || !r.Reserved() {
				reservedOnly = false
			}
		}
		if !reservedOnly {
			t.Errorf("instance profile %s is left", ip.Name)
		}
	}
	if len(s.Aliases) > 0 {
		t.Errorf("account alias %v is left", s.Aliases)
	}
	if s.PasswordPolicy != nil {
		t.Errorf("password policy is left: %+v", *s.PasswordPolicy)
	}
}

// liveAddress is the address a plan gives an entity it does not declare.
func liveAddress(typ, name string) string {
	if isIdentifier(name) {
		return typ + "." + name
	}
	return fmt.Sprintf("%s[%q]", typ, name)
}

func isIdentifier(s string) bool {
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || !(r == '-' || (r >= '0' && r <= '9'))) {
			return false
		}
	}
	return s != ""
}

func baseName(path string) string {
	return strings.TrimSuffix(path[strings.LastIndex(path, "/")+1:], ".json")
}
