package executor

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// TestLastChangesRunAfterTheRest runs plans in which the caller's own
// rights go away, with those changes marked to run last. Every other call,
// including those found at apply time, must come before the first late
// call, in the graph and in a parallel run. Steps that depend on a late
// change run late too instead of closing a cycle.
func TestLastChangesRunAfterTheRest(t *testing.T) {
	const (
		C = planner.Create
		D = planner.Delete
	)
	adminARN := arnOf("policy/", "Admin")
	ciAdmin := newOwned(D, planner.TypeAttachment, userRef("ci"), `user.ci.policy_attachment["`+adminARN+`"]`, adminARN)
	ciMembership := newOwned(D, planner.TypeMembership, groupRef("admins"), `group.admins.membership["ci"]`, "ci")
	others := []*planner.Change{
		newChange(D, planner.TypeUser, "user.bob", "bob", unset("path", "/")),
		newChange(C, planner.TypeGroup, "group.devs", "devs", set("path", "/")),
		newOwned(C, planner.TypeInlinePolicy, userRef("alice"), `user.alice.inline_policy["s3"]`, "s3", set("document", mustDoc(docA))),
	}
	bobCreds := map[string]*provider.UserCredentials{"bob": {AccessKeys: []provider.AccessKey{{ID: "AKIABOB"}}}}

	tests := map[string]struct {
		changes []*planner.Change
		last    []string
		// wantLate lists the call prefixes that must come after every other
		// call, in the order they are made.
		wantLate []string
	}{
		"detach of the caller's policy": {
			changes:  append([]*planner.Change{ciAdmin}, others...),
			last:     []string{ciAdmin.Address},
			wantLate: []string{"DetachUserPolicy ci " + adminARN},
		},
		"policy delete that waits for the late detach": {
			changes: append([]*planner.Change{
				ciAdmin,
				newChange(D, planner.TypePolicy, "policy.admin", "Admin", unset("arn", adminARN), unset("document", mustDoc(docA))),
			}, others...),
			last:     []string{ciAdmin.Address},
			wantLate: []string{"DetachUserPolicy ci " + adminARN, "DeletePolicy " + adminARN},
		},
		"group delete that waits for the late membership removal": {
			changes: append([]*planner.Change{
				ciMembership,
				newChange(D, planner.TypeGroup, "group.admins", "admins", unset("path", "/")),
			}, others...),
			last:     []string{ciMembership.Address},
			wantLate: []string{"RemoveUserFromGroup admins ci", "DeleteGroup admins"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g, err := Compile(newPlan(tt.changes...), Last(tt.last...))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			client := newFakeClient()
			for user, creds := range bobCreds {
				client.creds[user] = creds
			}
			clock := newFakeTime()
			res := Run(context.Background(), g, client, Options{Parallelism: 8, Clock: clock.Now, Sleep: clock.Sleep})
			if res.Err != nil {
				t.Fatalf("Run: %v", res.Err)
			}

			calls := client.recorded()
			if !slices.ContainsFunc(calls, func(c string) bool { return strings.HasPrefix(c, "DeleteAccessKey bob AKIABOB") }) {
				t.Fatalf("bob's key, found at apply time, was not deleted; calls:\n%s", strings.Join(calls, "\n"))
			}
			early := len(calls) - len(tt.wantLate)
			if diff := cmp.Diff(tt.wantLate, trimToPrefixes(calls[early:], tt.wantLate)); diff != "" {
				t.Errorf("last calls (-want +got):\n%s", diff)
			}
			for _, call := range calls[:early] {
				checkGraphOrder(t, g, call, tt.wantLate[0])
			}
		})
	}
}

// trimToPrefixes cuts each call to the length of the prefix at the same
// position, so that calls compare with the prefixes that name them.
func trimToPrefixes(calls, prefixes []string) []string {
	trimmed := make([]string, len(calls))
	for i, c := range calls {
		if i < len(prefixes) && strings.HasPrefix(c, prefixes[i]) {
			c = prefixes[i]
		}
		trimmed[i] = c
	}
	return trimmed
}

// TestLastChangesOrderWithoutOption checks the first step of the graph:
// the caller's detach without Last, the other user's delete with it.
func TestLastChangesOrderWithoutOption(t *testing.T) {
	adminARN := arnOf("policy/", "Admin")
	plan := newPlan(
		newOwned(planner.Delete, planner.TypeAttachment, userRef("ci"), `user.ci.policy_attachment["`+adminARN+`"]`, adminARN),
		newChange(planner.Delete, planner.TypeUser, "user.bob", "bob", unset("path", "/")),
	)
	tests := map[string]struct {
		opts []CompileOption
		want string
	}{
		"without Last": {want: `user.ci.policy_attachment["` + adminARN + `"]/DetachUserPolicy`},
		"with Last":    {opts: []CompileOption{Last(plan.Changes[0].Address)}, want: "user.bob/ReadUserCredentials"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g, err := Compile(plan, tt.opts...)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if got := g.Steps()[0].ID; got != tt.want {
				t.Errorf("first step = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestLastUnknownAddress(t *testing.T) {
	plan := newPlan(newChange(planner.Create, planner.TypeGroup, "group.devs", "devs", set("path", "/")))

	_, err := Compile(plan, Last("user.ci"))

	want := "user.ci: the change to run last is not in the plan"
	if err == nil || err.Error() != want {
		t.Errorf("Compile error = %v, want %q", err, want)
	}
}
