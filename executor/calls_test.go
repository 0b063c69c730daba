package executor

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// TestChangeCalls runs one change (or a few) at a time, one call at a time,
// and checks the calls made, in order.
func TestChangeCalls(t *testing.T) {
	const (
		C = planner.Create
		U = planner.Update
		D = planner.Delete
		R = planner.Replace
	)
	adminARN := arnOf("policy/", "Admin")
	otherARN := arnOf("policy/", "Other")
	virtualMFA := arnOf("mfa/", "carol")

	tests := map[string]struct {
		changes []*planner.Change
		creds   map[string]*provider.UserCredentials
		want    []string
	}{
		"user create": {
			changes: []*planner.Change{newChange(C, planner.TypeUser, "user.alice", "alice",
				set("name", "alice"), set("path", "/people/"), set("tags", map[string]string{"team": "a", "cost": "1"}))},
			want: []string{"CreateUser alice /people/ [cost=1 team=a]"},
		},
		"user rename with path and tags": {
			changes: []*planner.Change{func() *planner.Change {
				c := newChange(U, planner.TypeUser, "user.robert", "robert",
					change("name", "bob", "robert"), change("path", "/a/", "/b/"),
					change("tags", map[string]string{"a": "1", "b": "2"}, map[string]string{"a": "1", "c": "3"}))
				c.OldName = "bob"
				return c
			}()},
			want: []string{
				"UpdateUser bob name=robert path=/b/",
				"TagUser robert [c=3]",
				"UntagUser robert [b]",
			},
		},
		"user tag keys differ only in case": {
			changes: []*planner.Change{newChange(U, planner.TypeUser, "user.alice", "alice",
				change("tags", map[string]string{"Team": "a"}, map[string]string{"team": "a"}))},
			want: []string{"TagUser alice [team=a]"},
		},
		"user path only": {
			changes: []*planner.Change{newChange(U, planner.TypeUser, "user.alice", "alice", change("path", "/", "/x/"))},
			want:    []string{"UpdateUser alice name= path=/x/"},
		},
		"user delete removes every credential found": {
			changes: []*planner.Change{newChange(D, planner.TypeUser, "user.carol", "carol", unset("name", "carol"))},
			creds: map[string]*provider.UserCredentials{"carol": {
				LoginProfile:               &provider.LoginProfile{},
				AccessKeys:                 []provider.AccessKey{{ID: "AKIA1"}, {ID: "AKIA2"}},
				MFADevices:                 []string{virtualMFA, "GAHT12345678"},
				SSHPublicKeys:              []string{"APKA1"},
				SigningCertificates:        []string{"CERT1"},
				ServiceSpecificCredentials: []string{"ACCA1"},
			}},
			want: []string{
				"ReadUserCredentials carol",
				"DeleteLoginProfile carol",
				"DeleteAccessKey carol AKIA1",
				"DeleteAccessKey carol AKIA2",
				"DeleteSSHPublicKey carol APKA1",
				"DeleteSigningCertificate carol CERT1",
				"DeleteServiceSpecificCredential carol ACCA1",
				"DeactivateMFADevice carol " + virtualMFA,
				"DeleteVirtualMFADevice " + virtualMFA,
				"DeactivateMFADevice carol GAHT12345678",
				"DeleteUser carol",
			},
		},
		"user delete without credentials": {
			changes: []*planner.Change{newChange(D, planner.TypeUser, "user.dave", "dave")},
			want:    []string{"ReadUserCredentials dave", "DeleteUser dave"},
		},
		"group create, rename and delete": {
			changes: []*planner.Change{
				newChange(C, planner.TypeGroup, "group.a", "a", set("path", "/")),
				func() *planner.Change {
					c := newChange(U, planner.TypeGroup, "group.b2", "b2", change("name", "b1", "b2"))
					c.OldName = "b1"
					return c
				}(),
				newChange(D, planner.TypeGroup, "group.c", "c", unset("path", "/")),
			},
			want: []string{"CreateGroup a /", "UpdateGroup b1 name=b2 path=", "DeleteGroup c"},
		},
		"role create": {
			changes: []*planner.Change{newChange(C, planner.TypeRole, "role.app", "app",
				set("path", "/svc/"), set("assume_role_policy", mustDoc(docA)), set("description", "app role"),
				set("max_session_duration", int64(7200)), set("tags", map[string]string{"k": "v"}))},
			want: []string{"CreateRole app /svc/ " + docA + " description=app role max=7200 [k=v]"},
		},
		"role update sends only what changed": {
			changes: []*planner.Change{newChange(U, planner.TypeRole, "role.app", "app",
				change("assume_role_policy", mustDoc(docA), mustDoc(docB)),
				change("description", "old", "new"),
				change("tags", map[string]string{"a": "1"}, map[string]string{}))},
			want: []string{
				"UpdateAssumeRolePolicy app " + docB,
				"UpdateRole app description=new max=<nil>",
				"UntagRole app [a]",
			},
		},
		"role max session duration only": {
			changes: []*planner.Change{newChange(U, planner.TypeRole, "role.app", "app",
				change("max_session_duration", int64(3600), int64(43200)))},
			want: []string{"UpdateRole app description=<nil> max=43200"},
		},
		"role delete": {
			changes: []*planner.Change{newChange(D, planner.TypeRole, "role.app", "app", unset("path", "/"))},
			want:    []string{"DeleteRole app"},
		},
		"policy create": {
			changes: []*planner.Change{newChange(C, planner.TypePolicy, "policy.admin", "Admin",
				set("path", "/"), set("document", mustDoc(docA)), set("description", "all"), set("arn", adminARN))},
			want: []string{"CreatePolicy Admin / " + docA + " description=all []"},
		},
		"policy document update prunes first": {
			changes: []*planner.Change{newChange(U, planner.TypePolicy, "policy.admin", "Admin",
				change("arn", adminARN, adminARN), change("document", mustDoc(docA), mustDoc(docB)),
				set("prune_version", "v1"), change("tags", map[string]string{"a": "1"}, map[string]string{"a": "2"}))},
			want: []string{
				"DeletePolicyVersion " + adminARN + " v1",
				"CreatePolicyVersion " + adminARN + " " + docB + " default=true",
				"TagPolicy " + adminARN + " [a=2]",
			},
		},
		"policy delete removes versions first": {
			changes: []*planner.Change{newChange(D, planner.TypePolicy, "policy.admin", "Admin",
				unset("arn", adminARN), unset("versions", []string{"v1", "v2"}))},
			want: []string{
				"DeletePolicyVersion " + adminARN + " v1",
				"DeletePolicyVersion " + adminARN + " v2",
				"DeletePolicy " + adminARN,
			},
		},
		"instance profile create with role": {
			changes: []*planner.Change{newChange(C, planner.TypeInstanceProfile, "instance_profile.web", "web",
				set("path", "/"), set("role", "app"), set("tags", map[string]string{"k": "v"}))},
			want: []string{"CreateInstanceProfile web / [k=v]", "AddRoleToInstanceProfile web app"},
		},
		"instance profile moves to another role": {
			changes: []*planner.Change{newChange(U, planner.TypeInstanceProfile, "instance_profile.web", "web",
				change("role", "old", "new"))},
			want: []string{"RemoveRoleFromInstanceProfile web old", "AddRoleToInstanceProfile web new"},
		},
		"instance profile delete": {
			changes: []*planner.Change{newChange(D, planner.TypeInstanceProfile, "instance_profile.web", "web",
				unset("path", "/"), unset("role", "app"))},
			want: []string{"RemoveRoleFromInstanceProfile web app", "DeleteInstanceProfile web"},
		},
		"instance profile tags": {
			changes: []*planner.Change{newChange(U, planner.TypeInstanceProfile, "instance_profile.web", "web",
				change("tags", map[string]string{"A": "1"}, map[string]string{"a": "1"}))},
			want: []string{"TagInstanceProfile web [a=1]", "UntagInstanceProfile web [A]"},
		},
		"inline policies of each owner": {
			changes: []*planner.Change{
				newOwned(C, planner.TypeInlinePolicy, userRef("alice"), `user.alice.inline_policy["s3"]`, "s3", set("document", mustDoc(docA))),
				newOwned(U, planner.TypeInlinePolicy, groupRef("devs"), `group.devs.inline_policy["s3"]`, "s3", change("document", mustDoc(docA), mustDoc(docB))),
				newOwned(D, planner.TypeInlinePolicy, roleRef("app"), `role.app.inline_policy["s3"]`, "s3", unset("document", mustDoc(docA))),
			},
			want: []string{
				"PutUserPolicy alice s3 " + docA,
				"PutGroupPolicy devs s3 " + docB,
				"DeleteRolePolicy app s3",
			},
		},
		"inline policy replace": {
			changes: []*planner.Change{newOwned(R, planner.TypeInlinePolicy, roleRef("app"), `role.app.inline_policy["s3"]`, "s3",
				change("document", mustDoc(docA), mustDoc(docB)))},
			want: []string{"DeleteRolePolicy app s3", "PutRolePolicy app s3 " + docB},
		},
		"attachments of each owner": {
			changes: []*planner.Change{
				newOwned(C, planner.TypeAttachment, userRef("alice"), `user.alice.policy_attachment["a"]`, adminARN),
				newOwned(D, planner.TypeAttachment, groupRef("devs"), `group.devs.policy_attachment["a"]`, adminARN),
				newOwned(R, planner.TypeAttachment, roleRef("app"), `role.app.policy_attachment["a"]`, adminARN),
			},
			want: []string{
				"AttachUserPolicy alice " + adminARN,
				"DetachGroupPolicy devs " + adminARN,
				"DetachRolePolicy app " + adminARN,
				"AttachRolePolicy app " + adminARN,
			},
		},
		"boundaries": {
			changes: []*planner.Change{
				newOwned(C, planner.TypeBoundary, userRef("alice"), "user.alice.permissions_boundary", "", set("policy_arn", adminARN)),
				newOwned(U, planner.TypeBoundary, roleRef("app"), "role.app.permissions_boundary", "", change("policy_arn", adminARN, otherARN)),
				newOwned(D, planner.TypeBoundary, roleRef("web"), "role.web.permissions_boundary", "", unset("policy_arn", adminARN)),
			},
			want: []string{
				"PutUserPermissionsBoundary alice " + adminARN,
				"PutRolePermissionsBoundary app " + otherARN,
				"DeleteRolePermissionsBoundary web",
			},
		},
		"memberships": {
			changes: []*planner.Change{
				newOwned(C, planner.TypeMembership, groupRef("devs"), `group.devs.membership["alice"]`, "alice"),
				newOwned(D, planner.TypeMembership, groupRef("ops"), `group.ops.membership["bob"]`, "bob"),
			},
			want: []string{"AddUserToGroup devs alice", "RemoveUserFromGroup ops bob"},
		},
		"access keys": {
			changes: []*planner.Change{
				newOwned(C, planner.TypeAccessKey, userRef("alice"), "user.alice.access_key[0]", "",
					set("status", "Inactive"), set("secret_file", "alice.key")),
				newOwned(U, planner.TypeAccessKey, userRef("bob"), `user.bob.access_key["AKIA2"]`, "AKIA2",
					change("status", "Active", "Inactive")),
				newOwned(D, planner.TypeAccessKey, userRef("carol"), `user.carol.access_key["AKIA3"]`, "AKIA3",
					unset("status", "Active")),
			},
			want: []string{
				"ListAccessKeys alice",
				"CreateAccessKey alice",
				"UpdateAccessKey alice AKIAFAKE0001 Inactive",
				"UpdateAccessKey bob AKIA2 Inactive",
				"DeleteAccessKey carol AKIA3",
			},
		},
		"login profiles": {
			changes: []*planner.Change{
				newOwned(U, planner.TypeLoginProfile, userRef("bob"), "user.bob.login_profile", "",
					change("password_reset_required", true, false)),
				newOwned(D, planner.TypeLoginProfile, userRef("carol"), "user.carol.login_profile", "",
					unset("enabled", true)),
			},
			want: []string{"UpdateLoginProfile bob reset=false", "DeleteLoginProfile carol"},
		},
		"account alias change": {
			changes: []*planner.Change{newChange(U, planner.TypeAccountAlias, "account.alias", "new-alias",
				change("alias", "old-alias", "new-alias"))},
			want: []string{"DeleteAccountAlias old-alias", "CreateAccountAlias new-alias"},
		},
		"password policy sends every field": {
			changes: []*planner.Change{newChange(U, planner.TypePasswordPolicy, "password_policy", "",
				change("minimum_password_length", int64(8), int64(14)),
				change("require_symbols", false, true),
				change("require_numbers", true, true),
				change("max_password_age", int64(0), int64(90)))},
			want: []string{"UpdateAccountPasswordPolicy " +
				"{MinimumPasswordLength:14 RequireSymbols:true RequireNumbers:true RequireUppercaseCharacters:false " +
				"RequireLowercaseCharacters:false AllowUsersToChangePassword:false ExpirePasswords:true " +
				"MaxPasswordAge:90 PasswordReusePrevention:0 HardExpiry:false}"},
		},
		"password policy delete": {
			changes: []*planner.Change{newChange(D, planner.TypePasswordPolicy, "password_policy", "",
				unset("minimum_password_length", int64(8)))},
			want: []string{"DeleteAccountPasswordPolicy"},
		},
		"no-op changes make no calls": {
			changes: []*planner.Change{newChange(planner.NoOp, planner.TypeUser, "user.alice", "alice")},
			want:    nil,
		},
	}

	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			client := newFakeClient()
			for user, creds := range tt.creds {
				client.creds[user] = creds
			}
			res := run(t, newPlan(tt.changes...), client, Options{Parallelism: 1, Dir: t.TempDir()})
			if res.Err != nil {
				t.Fatalf("Run: %v", res.Err)
			}
			if diff := cmp.Diff(tt.want, client.recorded()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}
