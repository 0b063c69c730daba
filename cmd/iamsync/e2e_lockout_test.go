package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// TestSelfLockoutChangesApplyLast runs iamsync as user ci, whose IAM rights
// come from one attached policy, with a configuration that deletes another
// user and detaches ci's policy. With --allow-self-lockout, apply makes
// every call of the other user's delete before the detach.
func TestSelfLockoutChangesApplyLast(t *testing.T) {
	const adminDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	tests := map[string]struct {
		// policy is the ARN of the policy that gives ci its rights, or
		// empty for a customer-managed one that the test creates.
		policy string
		// catalogue makes the sandbox serve AWS-managed policies with
		// their documents. Without it, they grant nothing.
		catalogue bool
	}{
		"AdministratorAccess":           {policy: "arn:aws:iam::aws:policy/AdministratorAccess", catalogue: true},
		"customer-managed admin policy": {},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var opts []func(*sandbox.Options)
			if tt.catalogue {
				opts = append(opts, withCatalogue(t))
			}
			h := newHarness(t, "", opts...)
			ctx := context.Background()
			client := h.client()
			for _, user := range []string{"bob", "ci"} {
				if err := client.CreateUser(ctx, provider.CreateUserInput{Name: user, Path: "/"}); err != nil {
					t.Fatal(err)
				}
			}
			policy := tt.policy
			if policy == "" {
				arn, err := client.CreatePolicy(ctx, provider.CreatePolicyInput{Name: "CIAdmin", Path: "/", Document: adminDocument})
				if err != nil {
					t.Fatal(err)
				}
				policy = arn
			}
			if err := client.AttachUserPolicy(ctx, "ci", policy); err != nil {
				t.Fatal(err)
			}
			if err := client.PutUserPolicy(ctx, "bob", "s3", adminDocument); err != nil {
				t.Fatal(err)
			}
			if _, err := client.CreateAccessKey(ctx, "bob"); err != nil {
				t.Fatal(err)
			}
			key, err := client.CreateAccessKey(ctx, "ci")
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv("AWS_ACCESS_KEY_ID", key.AccessKeyID)
			t.Setenv("AWS_SECRET_ACCESS_KEY", key.SecretAccessKey)
			log := h.record()
			// The scope leaves the customer-managed policy alone, so the
			// plan detaches it without deleting it.
			dir := writeConfig(t, config(`scope {
  exclude = ["CIAdmin"]
}

user "ci" {
  name = "ci"
}
`))

			r := h.mustRun(exitOK, "apply", "--auto-approve", "--allow-self-lockout", dir)
			// The detail is wrapped, so words are compared without line breaks.
			words := strings.Join(strings.Fields(r.stderr), " ")
			if !strings.Contains(words, "Apply makes the change after all the others, because --allow-self-lockout is given.") ||
				strings.Contains(words, "Apply rejects the change") {
				t.Errorf("apply's lockout warning does not say that the flag is given:\n%s", r.stderr)
			}

			calls := callOrder(log, "UserName", "DeleteUserPolicy", "DeleteAccessKey", "DeleteUser", "DetachUserPolicy")
			if len(calls) == 0 || calls[len(calls)-1] != "DetachUserPolicy ci" {
				t.Errorf("ci's detach is not the last call:\n%s", strings.Join(calls, "\n"))
			}
			for _, want := range []string{"DeleteUserPolicy bob", "DeleteAccessKey bob", "DeleteUser bob"} {
				if !slices.Contains(calls, want) {
					t.Errorf("apply did not call %s; calls:\n%s", want, strings.Join(calls, "\n"))
				}
			}
			state := h.readState()
			if state.User("bob") != nil {
				t.Error("user bob still exists")
			}
			if ci := state.User("ci"); ci == nil || len(ci.AttachedPolicies) != 0 {
				t.Errorf("user ci after apply = %+v, want it without attached policies", ci)
			}
		})
	}
}

// TestSavedPlanChecksTheIdentityThatMadeIt saves a plan as user planner
// that detaches planner's only policy, as a CI plan role would, and
// applies it as another identity. Apply must refuse it, as the plan's
// warning says, unless given --allow-self-lockout.
func TestSavedPlanChecksTheIdentityThatMadeIt(t *testing.T) {
	const adminDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	h := newHarness(t, "")
	ctx := context.Background()
	client := h.client()
	rootKey, rootSecret := h.srv.Credentials()
	if err := client.CreateUser(ctx, provider.CreateUserInput{Name: "planner", Path: "/"}); err != nil {
		t.Fatal(err)
	}
	arn, err := client.CreatePolicy(ctx, provider.CreatePolicyInput{Name: "PlanAdmin", Path: "/", Document: adminDocument})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.AttachUserPolicy(ctx, "planner", arn); err != nil {
		t.Fatal(err)
	}
	key, err := client.CreateAccessKey(ctx, "planner")
	if err != nil {
		t.Fatal(err)
	}
	dir := writeConfig(t, config(`scope {
  exclude = ["PlanAdmin"]
}

user "planner" {
  name = "planner"
}

user "zed" {
  name = "zed"
}
`))

	planFile := t.TempDir() + "/plan.iamsync"
	t.Setenv("AWS_ACCESS_KEY_ID", key.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", key.SecretAccessKey)
	plan := h.mustRun(exitOK, "plan", "-out", planFile, dir)
	if !strings.Contains(plan.stderr+plan.stdout, "Change may lock iamsync out") {
		t.Fatalf("plan does not warn of the lockout:\n%s%s", plan.stdout, plan.stderr)
	}
	// The detach has no declaration, so the warning points at the user's.
	if !strings.Contains(plan.stderr, "main.hcl line 5") {
		t.Errorf("the warning does not point at user planner's block:\n%s", plan.stderr)
	}

	// show prints the saved warnings, as plan did.
	if r := h.mustRun(exitOK, "show", planFile); !strings.Contains(r.stderr, "Warning: Change may lock iamsync out") {
		t.Errorf("show does not print the plan's warning:\n%s", r.stderr)
	}
	if r := h.mustRun(exitError, "show", "--max-chars", "5000", planFile); !strings.Contains(r.stderr, "--max-chars applies only to --markdown") {
		t.Errorf("show --max-chars without --markdown printed:\n%s", r.stderr)
	}

	// The apply job runs as another identity, which the change leaves alone.
	t.Setenv("AWS_ACCESS_KEY_ID", rootKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", rootSecret)
	h.srv.ResetCalls()
	r := h.mustRun(exitError, "apply", planFile)
	for _, want := range []string{"identity that made it", "user/planner", "user.planner.policy_attachment", "the identity iamsync planned as its IAM rights", "--allow-self-lockout"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("refusal lacks %q:\n%s", want, r.stderr)
		}
	}
	if n := h.srv.WriteCalls(); n != 0 {
		t.Fatalf("%d write calls reached the account before the refusal", n)
	}

	// With the flag, the detach is made after every other call.
	log := h.record()
	h.mustRun(exitOK, "apply", "--allow-self-lockout", planFile)
	calls := callOrder(log, "UserName", "CreateUser", "DetachUserPolicy")
	if want := []string{"CreateUser zed", "DetachUserPolicy planner"}; !slices.Equal(calls, want) {
		t.Errorf("calls = %q, want %q", calls, want)
	}
	if p := h.readState().User("planner"); p == nil || len(p.AttachedPolicies) != 0 {
		t.Errorf("user planner after apply = %+v, want it without attached policies", p)
	}
}
