package executor

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// TestOrderRules checks each of IAM's ordering rules twice: in the graph,
// where the later step must depend on the earlier one, directly or not, and
// in the calls of a parallel run. Calls are named by a prefix of the fake's
// call line, which is also a prefix of the step's action and target.
func TestOrderRules(t *testing.T) {
	const (
		C = planner.Create
		U = planner.Update
		D = planner.Delete
		R = planner.Replace
	)
	adminARN := arnOf("policy/", "Admin")
	otherARN := arnOf("policy/", "Other")
	inline := func(a planner.Action, owner planner.Ref, name string) *planner.Change {
		attrs := []planner.Attr{set("document", mustDoc(docA))}
		if a == D {
			attrs = []planner.Attr{unset("document", mustDoc(docA))}
		}
		return newOwned(a, planner.TypeInlinePolicy, owner, string(owner.Type)+"."+owner.Name+`.inline_policy["`+name+`"]`, name, attrs...)
	}
	attachment := func(a planner.Action, owner planner.Ref, arn string) *planner.Change {
		return newOwned(a, planner.TypeAttachment, owner, string(owner.Type)+"."+owner.Name+`.policy_attachment["`+arn+`"]`, arn)
	}
	membership := func(a planner.Action, group, user string) *planner.Change {
		return newOwned(a, planner.TypeMembership, groupRef(group), "group."+group+`.membership["`+user+`"]`, user)
	}
	user := func(a planner.Action, name string) *planner.Change {
		return newChange(a, planner.TypeUser, "user."+name, name, set("path", "/"))
	}
	role := func(a planner.Action, name, trust string) *planner.Change {
		return newChange(a, planner.TypeRole, "role."+name, name, change("assume_role_policy", mustDoc(trust), mustDoc(trust)))
	}
	policy := func(a planner.Action, name string) *planner.Change {
		return newChange(a, planner.TypePolicy, "policy."+name, name,
			change("arn", arnOf("policy/", name), arnOf("policy/", name)),
			change("document", mustDoc(docA), mustDoc(docA)), change("versions", []string{"v1"}, nil))
	}
	renamed := func(typ planner.Type, oldName, newName string) *planner.Change {
		c := newChange(U, typ, string(typ)+"."+newName, newName, change("name", oldName, newName))
		c.OldName = oldName
		return c
	}
	trustUser := trustDoc(`"` + arnOf("user/", "alice") + `"`)
	trustRole := trustDoc(`["` + arnOf("root", "") + `","` + arnOf("role/ci/", "deployer") + `"]`)

	tests := map[string]struct {
		changes []*planner.Change
		creds   map[string]*provider.UserCredentials
		// order lists pairs of call prefixes: the first call comes before
		// the second.
		order [][2]string
	}{
		"sub-resources after their owner's create": {
			changes: []*planner.Change{
				user(C, "alice"),
				inline(C, userRef("alice"), "s3"),
				attachment(C, userRef("alice"), adminARN),
				newOwned(C, planner.TypeBoundary, userRef("alice"), "user.alice.permissions_boundary", "", set("policy_arn", adminARN)),
				newOwned(C, planner.TypeAccessKey, userRef("alice"), "user.alice.access_key[0]", "", set("secret_file", "-")),
				newOwned(C, planner.TypeLoginProfile, userRef("alice"), "user.alice.login_profile", "", set("password_file", "-")),
			},
			order: [][2]string{
				{"CreateUser alice", "PutUserPolicy alice"},
				{"CreateUser alice", "AttachUserPolicy alice"},
				{"CreateUser alice", "CreateAccessKey alice"},
				{"CreateUser alice", "CreateLoginProfile alice"},
			},
		},
		"steps on a renamed user use the new name after the rename": {
			changes: []*planner.Change{
				renamed(planner.TypeUser, "bob", "robert"),
				inline(C, userRef("robert"), "s3"),
				inline(D, userRef("robert"), "old"),
				// The plan may name the member by the old name.
				membership(D, "devs", "bob"),
				renamed(planner.TypeGroup, "ops", "operators"),
				membership(C, "operators", "robert"),
			},
			order: [][2]string{
				{"UpdateUser bob", "PutUserPolicy robert s3"},
				{"UpdateUser bob", "DeleteUserPolicy robert old"},
				{"UpdateUser bob", "RemoveUserFromGroup devs robert"},
				{"UpdateUser bob", "AddUserToGroup operators robert"},
				{"UpdateGroup ops", "AddUserToGroup operators robert"},
			},
		},
		"attachments and boundaries after the policy's create": {
			changes: []*planner.Change{
				newChange(C, planner.TypePolicy, "policy.admin", "Admin", set("document", mustDoc(docA)), set("arn", adminARN)),
				attachment(C, roleRef("app"), adminARN),
				newOwned(U, planner.TypeBoundary, userRef("bob"), "user.bob.permissions_boundary", "", change("policy_arn", otherARN, adminARN)),
			},
			order: [][2]string{
				{"CreatePolicy Admin", "AttachRolePolicy app " + adminARN},
				{"CreatePolicy Admin", "PutUserPermissionsBoundary bob " + adminARN},
			},
		},
		"membership after its user and group": {
			changes: []*planner.Change{
				newChange(C, planner.TypeGroup, "group.devs", "devs", set("path", "/")),
				membership(C, "devs", "alice"),
				user(C, "alice"),
			},
			order: [][2]string{
				{"CreateUser alice", "AddUserToGroup devs alice"},
				{"CreateGroup devs", "AddUserToGroup devs alice"},
			},
		},
		"instance profile role after both exist": {
			changes: []*planner.Change{
				newChange(C, planner.TypeInstanceProfile, "instance_profile.web", "web", set("role", "app")),
				role(C, "app", docA),
			},
			order: [][2]string{
				{"CreateRole app", "AddRoleToInstanceProfile web app"},
				{"CreateInstanceProfile web", "AddRoleToInstanceProfile web app"},
			},
		},
		"user delete after everything it holds": {
			changes: []*planner.Change{
				user(D, "carol"),
				inline(D, userRef("carol"), "s3"),
				attachment(D, userRef("carol"), adminARN),
				newOwned(D, planner.TypeBoundary, userRef("carol"), "user.carol.permissions_boundary", "", unset("policy_arn", adminARN)),
				membership(D, "devs", "carol"),
				newOwned(D, planner.TypeAccessKey, userRef("carol"), `user.carol.access_key["AKIA1"]`, "AKIA1"),
				newOwned(D, planner.TypeLoginProfile, userRef("carol"), "user.carol.login_profile", ""),
			},
			creds: map[string]*provider.UserCredentials{"carol": {
				AccessKeys: []provider.AccessKey{{ID: "AKIA9"}},
				MFADevices: []string{arnOf("mfa/", "carol")},
			}},
			order: [][2]string{
				{"DeleteUserPolicy carol", "ReadUserCredentials carol"},
				{"DetachUserPolicy carol", "ReadUserCredentials carol"},
				{"DeleteUserPermissionsBoundary carol", "ReadUserCredentials carol"},
				{"RemoveUserFromGroup devs carol", "ReadUserCredentials carol"},
				{"DeleteAccessKey carol AKIA1", "ReadUserCredentials carol"},
				{"DeleteLoginProfile carol", "ReadUserCredentials carol"},
				{"ReadUserCredentials carol", "DeleteAccessKey carol AKIA9"},
				{"DeleteAccessKey carol AKIA9", "DeleteUser carol"},
				{"DeactivateMFADevice carol", "DeleteVirtualMFADevice"},
				{"DeleteVirtualMFADevice", "DeleteUser carol"},
			},
		},
		"group delete after members, inline policies and attachments": {
			changes: []*planner.Change{
				newChange(D, planner.TypeGroup, "group.devs", "devs"),
				membership(D, "devs", "alice"),
				inline(D, groupRef("devs"), "s3"),
				attachment(D, groupRef("devs"), adminARN),
			},
			order: [][2]string{
				{"RemoveUserFromGroup devs alice", "DeleteGroup devs"},
				{"DeleteGroupPolicy devs", "DeleteGroup devs"},
				{"DetachGroupPolicy devs", "DeleteGroup devs"},
			},
		},
		"role delete after its policies, boundary and instance profiles": {
			changes: []*planner.Change{
				newChange(D, planner.TypeRole, "role.app", "app"),
				inline(D, roleRef("app"), "s3"),
				attachment(D, roleRef("app"), adminARN),
				newOwned(D, planner.TypeBoundary, roleRef("app"), "role.app.permissions_boundary", "", unset("policy_arn", adminARN)),
				newChange(U, planner.TypeInstanceProfile, "instance_profile.web", "web", change("role", "app", "")),
				newChange(D, planner.TypeInstanceProfile, "instance_profile.api", "api", unset("role", "app")),
			},
			order: [][2]string{
				{"DeleteRolePolicy app", "DeleteRole app"},
				{"DetachRolePolicy app", "DeleteRole app"},
				{"DeleteRolePermissionsBoundary app", "DeleteRole app"},
				{"RemoveRoleFromInstanceProfile web app", "DeleteRole app"},
				{"RemoveRoleFromInstanceProfile api app", "DeleteRole app"},
				{"RemoveRoleFromInstanceProfile api app", "DeleteInstanceProfile api"},
			},
		},
		"policy delete after every use is gone": {
			changes: []*planner.Change{
				policy(D, "Admin"),
				attachment(D, userRef("alice"), adminARN),
				newOwned(D, planner.TypeBoundary, roleRef("app"), "role.app.permissions_boundary", "", unset("policy_arn", adminARN)),
				newOwned(U, planner.TypeBoundary, roleRef("web"), "role.web.permissions_boundary", "", change("policy_arn", adminARN, otherARN)),
			},
			order: [][2]string{
				{"DetachUserPolicy alice " + adminARN, "DeletePolicyVersion " + adminARN + " v1"},
				{"DeleteRolePermissionsBoundary app", "DeletePolicyVersion " + adminARN + " v1"},
				{"PutRolePermissionsBoundary web " + otherARN, "DeletePolicyVersion " + adminARN + " v1"},
				{"DeletePolicyVersion " + adminARN + " v1", "DeletePolicy " + adminARN},
			},
		},
		"trust policies after the principals they name": {
			changes: []*planner.Change{
				role(C, "app", trustUser),
				user(C, "alice"),
				role(U, "ops", trustRole),
				newChange(C, planner.TypeRole, "role.deployer", "deployer", set("path", "/ci/"), set("assume_role_policy", mustDoc(docA))),
			},
			order: [][2]string{
				{"CreateUser alice", "CreateRole app"},
				{"CreateRole deployer", "UpdateAssumeRolePolicy ops"},
			},
		},
		"trust policies after the user they name moves": {
			changes: []*planner.Change{
				newChange(U, planner.TypeUser, "user.alice", "alice", change("path", "/people/", "/staff/")),
				role(U, "ops", trustDoc(`"`+arnOf("user/staff/", "alice")+`"`)),
			},
			order: [][2]string{
				{"UpdateUser alice", "UpdateAssumeRolePolicy ops"},
			},
		},
		"policy version prune before the new version": {
			changes: []*planner.Change{newChange(U, planner.TypePolicy, "policy.admin", "Admin",
				change("arn", adminARN, adminARN), change("document", mustDoc(docA), mustDoc(docB)), set("prune_version", "v1"))},
			order: [][2]string{{"DeletePolicyVersion " + adminARN + " v1", "CreatePolicyVersion " + adminARN}},
		},
		"delete before a create of the same name in another case": {
			changes: []*planner.Change{
				newChange(D, planner.TypeUser, "user.Bob", "Bob"),
				user(C, "bob"),
				inline(D, roleRef("app"), "S3"),
				inline(C, roleRef("app"), "s3"),
				newChange(D, planner.TypeAccountAlias, "account.alias", "old", unset("alias", "old")),
				newChange(C, planner.TypeAccountAlias, "account.alias_new", "new", set("alias", "new")),
				renamed(planner.TypeGroup, "devs", "developers"),
				newChange(C, planner.TypeGroup, "group.devs", "devs"),
			},
			order: [][2]string{
				{"DeleteUser Bob", "CreateUser bob"},
				{"DeleteRolePolicy app S3", "PutRolePolicy app s3"},
				{"DeleteAccountAlias old", "CreateAccountAlias new"},
				{"UpdateGroup devs", "CreateGroup devs"},
			},
		},
		"replace deletes the old object before making the new": {
			changes: []*planner.Change{
				newChange(R, planner.TypeRole, "role.app", "app",
					change("path", "/a/", "/b/"), change("assume_role_policy", mustDoc(docA), mustDoc(docA))),
				newOwned(R, planner.TypeInlinePolicy, roleRef("app"), `role.app.inline_policy["s3"]`, "s3", change("document", mustDoc(docA), mustDoc(docA))),
				attachment(R, roleRef("app"), adminARN),
				newChange(U, planner.TypeInstanceProfile, "instance_profile.web", "web", change("role", "app", "app")),
			},
			order: [][2]string{
				{"DeleteRolePolicy app s3", "DeleteRole app"},
				{"DetachRolePolicy app", "DeleteRole app"},
				{"RemoveRoleFromInstanceProfile web app", "DeleteRole app"},
				{"DeleteRole app", "CreateRole app"},
				{"CreateRole app", "PutRolePolicy app s3"},
				{"CreateRole app", "AttachRolePolicy app"},
				{"CreateRole app", "AddRoleToInstanceProfile web app"},
			},
		},
		"policy replace detaches first and attaches last": {
			changes: []*planner.Change{
				policy(R, "Admin"),
				attachment(R, userRef("alice"), adminARN),
			},
			order: [][2]string{
				{"DetachUserPolicy alice", "DeletePolicyVersion " + adminARN},
				{"DeletePolicyVersion " + adminARN, "DeletePolicy " + adminARN},
				{"DeletePolicy " + adminARN, "CreatePolicy Admin"},
				{"CreatePolicy Admin", "AttachUserPolicy alice"},
			},
		},
		"a user's key and login profile deletes before its creates": {
			changes: []*planner.Change{
				newOwned(C, planner.TypeAccessKey, userRef("alice"), "user.alice.access_key[0]", "", set("secret_file", "-")),
				newOwned(D, planner.TypeAccessKey, userRef("alice"), `user.alice.access_key["AKIA1"]`, "AKIA1"),
				newOwned(R, planner.TypeLoginProfile, userRef("bob"), "user.bob.login_profile", "", set("password_file", "-")),
			},
			order: [][2]string{
				{"DeleteAccessKey alice AKIA1", "CreateAccessKey alice"},
				{"DeleteLoginProfile bob", "CreateLoginProfile bob"},
			},
		},
		"login profile after the password policy changes": {
			changes: []*planner.Change{
				newOwned(C, planner.TypeLoginProfile, userRef("alice"), "user.alice.login_profile", "", set("password_file", "-")),
				newChange(C, planner.TypePasswordPolicy, "password_policy", "", set("minimum_password_length", int64(40))),
			},
			order: [][2]string{{"UpdateAccountPasswordPolicy", "CreateLoginProfile alice"}},
		},
	}

	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := compile(t, newPlan(tt.changes...))
			client := newFakeClient()
			for user, creds := range tt.creds {
				client.creds[user] = creds
			}
			clock := newFakeTime()
			res := Run(context.Background(), g, client, Options{
				Parallelism: 8, Dir: t.TempDir(), Stdout: &strings.Builder{}, Clock: clock.Now, Sleep: clock.Sleep,
			})
			if res.Err != nil {
				t.Fatalf("Run: %v", res.Err)
			}

			calls := client.recorded()
			for _, pair := range tt.order {
				checkGraphOrder(t, g, pair[0], pair[1])
				checkCallOrder(t, calls, pair[0], pair[1])
			}
		})
	}
}

// checkCallOrder checks that the first call starting with first was made
// before the first call starting with second.
func checkCallOrder(t *testing.T, calls []string, first, second string) {
	t.Helper()
	i, j := indexOfPrefix(calls, first), indexOfPrefix(calls, second)
	if i < 0 || j < 0 {
		t.Errorf("calls %q and %q: missing from %q", first, second, calls)
		return
	}
	if i > j {
		t.Errorf("call %q came after %q; calls:\n%s", first, second, strings.Join(calls, "\n"))
	}
}

// checkGraphOrder checks that the step matching second depends on the step
// matching first, directly or not, when both are in the graph. Steps found
// at apply time are checked by the calls alone.
func checkGraphOrder(t *testing.T, g *Graph, first, second string) {
	t.Helper()
	steps := g.Steps()
	byID := make(map[string]Step, len(steps))
	var from, to *Step
	for i := range steps {
		byID[steps[i].ID] = steps[i]
		text := steps[i].Action + " " + strings.Join(steps[i].Target, " ")
		if from == nil && strings.HasPrefix(text, first) {
			from = &steps[i]
		}
		if to == nil && strings.HasPrefix(text, second) {
			to = &steps[i]
		}
	}
	if from == nil || to == nil {
		return
	}
	if !dependsOn(byID, *to, from.ID, map[string]bool{}) {
		t.Errorf("step %s does not depend on %s", to.ID, from.ID)
	}
}

// dependsOn reports whether step s depends on the step with id, directly or
// not.
func dependsOn(byID map[string]Step, s Step, id string, seen map[string]bool) bool {
	for _, d := range s.Deps {
		if d == id {
			return true
		}
		if !seen[d] {
			seen[d] = true
			if dependsOn(byID, byID[d], id, seen) {
				return true
			}
		}
	}
	return false
}

func indexOfPrefix(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}

// TestBoundarySetAtCreate checks that a user or role created with a
// permissions boundary gets it in CreateUser or CreateRole, after the
// boundary's policy exists, and without a call of its own. IAM policies that
// delegate the creation of users and roles often require the boundary.
func TestBoundarySetAtCreate(t *testing.T) {
	boundaryARN := "arn:aws:iam::123456789012:policy/Boundary"
	plan := newPlan(
		newChange(planner.Create, planner.TypePolicy, "policy.boundary", "Boundary",
			set("document", mustDoc(docA)), set("arn", boundaryARN), set("path", "/")),
		newChange(planner.Create, planner.TypeUser, "user.alice", "alice", set("path", "/")),
		newOwned(planner.Create, planner.TypeBoundary, userRef("alice"), "user.alice.permissions_boundary", "", set("policy_arn", boundaryARN)),
		newChange(planner.Create, planner.TypeRole, "role.app", "app", set("assume_role_policy", mustDoc(docA))),
		newOwned(planner.Create, planner.TypeBoundary, roleRef("app"), "role.app.permissions_boundary", "", set("policy_arn", boundaryARN)),
	)
	client := newFakeClient()

	res := run(t, plan, client, Options{Parallelism: 8})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}

	calls := client.recorded()
	policyAt := slices.IndexFunc(calls, func(c string) bool { return strings.HasPrefix(c, "CreatePolicy Boundary") })
	for _, prefix := range []string{"CreateUser alice", "CreateRole app"} {
		i := slices.IndexFunc(calls, func(c string) bool { return strings.HasPrefix(c, prefix) })
		switch {
		case i < 0:
			t.Errorf("no %s call in %q", prefix, calls)
		case !strings.HasSuffix(calls[i], "boundary="+boundaryARN):
			t.Errorf("%q does not set the boundary", calls[i])
		case i < policyAt:
			t.Errorf("%q comes before the boundary's policy is created: %q", calls[i], calls)
		}
	}
	for _, c := range calls {
		if strings.Contains(c, "PermissionsBoundary") {
			t.Errorf("boundary set with a call of its own: %q", c)
		}
	}
}
