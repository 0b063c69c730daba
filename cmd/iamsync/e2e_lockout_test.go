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

			h.mustRun(exitOK, "apply", "--auto-approve", "--allow-self-lockout", dir)

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
