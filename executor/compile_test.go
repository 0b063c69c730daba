package executor

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestCompileErrors(t *testing.T) {
	renamed := func(typ planner.Type, oldName, newName string) *planner.Change {
		c := newChange(planner.Update, typ, string(typ)+"."+newName, newName, change("name", oldName, newName))
		c.OldName = oldName
		return c
	}
	tests := map[string]struct {
		changes []*planner.Change
		want    []string // substrings of the error
	}{
		"role create without a trust policy": {
			changes: []*planner.Change{newChange(planner.Create, planner.TypeRole, "role.app", "app", set("path", "/"))},
			want:    []string{`role.app: attribute "assume_role_policy" is missing`},
		},
		"attribute of the wrong type": {
			changes: []*planner.Change{newChange(planner.Create, planner.TypeUser, "user.alice", "alice", set("path", 7))},
			want:    []string{`user.alice: attribute "path" is int, want string`},
		},
		"every problem reported": {
			changes: []*planner.Change{
				newChange(planner.Create, planner.TypePolicy, "policy.p", "p", set("document", "{}")),
				newChange(planner.Create, planner.TypeRole, "role.app", "app", set("max_session_duration", "1h"),
					set("assume_role_policy", mustDoc(docA))),
			},
			want: []string{
				`policy.p: attribute "document" is string, want *policydoc.Document`,
				`policy.p: attribute "arn" is missing`,
				`role.app: attribute "max_session_duration" is string, want int64`,
			},
		},
		"attachment update": {
			changes: []*planner.Change{newOwned(planner.Update, planner.TypeAttachment, userRef("alice"), "user.alice.policy_attachment[\"a\"]", "a")},
			want:    []string{"cannot be updated in place"},
		},
		"boundary on a group": {
			changes: []*planner.Change{newOwned(planner.Create, planner.TypeBoundary, groupRef("devs"), "group.devs.permissions_boundary", "",
				set("policy_arn", arnOf("policy/", "A")))},
			want: []string{"a permissions_boundary cannot belong to a group"},
		},
		"sub-resource without owner": {
			changes: []*planner.Change{newChange(planner.Create, planner.TypeInlinePolicy, "x", "s3", set("document", mustDoc(docA)))},
			want:    []string{"x: a inline_policy change needs the owner in Parent"},
		},
		"unknown type": {
			changes: []*planner.Change{newChange(planner.Create, "oidc_provider", "oidc_provider.x", "x")},
			want:    []string{`unknown change type "oidc_provider"`},
		},
		"two secrets for one file": {
			changes: []*planner.Change{newAccessKey("alice", "keys.ini"), newAccessKey("bob", "./keys.ini")},
			want:    []string{"user.bob.access_key[0]: secret file ./keys.ini is also the secret file of user.alice.access_key[0]"},
		},
		"swapped names form a cycle": {
			changes: []*planner.Change{renamed(planner.TypeUser, "a", "b"), renamed(planner.TypeUser, "b", "a")},
			want:    []string{"cycle (user.a/UpdateUser -> user.b/UpdateUser -> user.a/UpdateUser)"},
		},
		"duplicate change": {
			changes: []*planner.Change{users(1)[0], users(1)[0]},
			want:    []string{"duplicate step user.u0/CreateUser: the plan contains the change twice"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g, err := Compile(newPlan(tt.changes...))
			if err == nil {
				t.Fatalf("Compile returned a graph of %d steps, want an error", len(g.Steps()))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestTrustedPrincipals(t *testing.T) {
	tests := map[string]struct {
		document string
		want     []principal
	}{
		"one user": {
			document: trustDoc(`"arn:aws:iam::123456789012:user/alice"`),
			want:     []principal{{planner.TypeUser, "alice"}},
		},
		"list with path, root and a role": {
			document: trustDoc(`["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/ci/deployer","arn:aws-cn:iam::123456789012:user/a/b/carol"]`),
			want:     []principal{{planner.TypeRole, "deployer"}, {planner.TypeUser, "carol"}},
		},
		"statement object, services and wildcards": {
			document: `{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com","AWS":"*"},"Action":"sts:AssumeRole"}}`,
			want:     nil,
		},
		"wildcard principal": {
			document: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
			want:     nil,
		},
		"account id": {
			document: trustDoc(`"123456789012"`),
			want:     nil,
		},
		"not JSON": {
			document: `{`,
			want:     nil,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := trustedPrincipals(tt.document)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(principal{})); diff != "" {
				t.Errorf("trustedPrincipals (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDiffTags(t *testing.T) {
	tests := map[string]struct {
		before, after map[string]string
		foldKeys      bool
		wantSet       []provider.Tag
		wantRemove    []string
	}{
		"added, changed, removed": {
			before: map[string]string{"a": "1", "b": "2", "c": "3"}, after: map[string]string{"a": "1", "b": "9", "d": "4"},
			wantSet: []provider.Tag{{Key: "b", Value: "9"}, {Key: "d", Value: "4"}}, wantRemove: []string{"c"},
		},
		"key case change on a folding type": {
			before: map[string]string{"Env": "prod"}, after: map[string]string{"env": "prod"}, foldKeys: true,
			wantSet: []provider.Tag{{Key: "env", Value: "prod"}},
		},
		"key case change on a case-sensitive type": {
			before: map[string]string{"Env": "prod"}, after: map[string]string{"env": "prod"},
			wantSet: []provider.Tag{{Key: "env", Value: "prod"}}, wantRemove: []string{"Env"},
		},
		"all removed": {
			before: map[string]string{"a": "1"}, after: nil,
			wantRemove: []string{"a"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			set, remove := diffTags(tt.before, tt.after, tt.foldKeys)
			if diff := cmp.Diff(tt.wantSet, set); diff != "" {
				t.Errorf("set (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRemove, remove); diff != "" {
				t.Errorf("remove (-want +got):\n%s", diff)
			}
		})
	}
}

// providerStyleError reads like the AWS provider's errors, which start with
// the action and the entity and can describe the failure without them.
type providerStyleError struct{}

func (providerStyleError) Error() string {
	return "CreateUser user alice: EntityAlreadyExists: User alice already exists"
}

func (providerStyleError) Cause() string {
	return "EntityAlreadyExists: User alice already exists"
}

func TestStepErrorMessage(t *testing.T) {
	tests := map[string]struct {
		err       error
		want      string
		wantCause string
	}{
		"plain cause": {
			err:       errors.New("create secret file: permission denied"),
			want:      "user.alice: CreateUser: create secret file: permission denied",
			wantCause: "create secret file: permission denied",
		},
		"cause that names the action": {
			err:       providerStyleError{},
			want:      "user.alice: CreateUser: EntityAlreadyExists: User alice already exists",
			wantCause: "EntityAlreadyExists: User alice already exists",
		},
		"classified cause that names the action": {
			err:       classify(&node{}, providerStyleError{}),
			want:      "user.alice: CreateUser: EntityAlreadyExists: User alice already exists",
			wantCause: "EntityAlreadyExists: User alice already exists",
		},
		"context wrapped around a cause that names the action": {
			err:       fmt.Errorf("outcome still unknown after 3 calls: %w", providerStyleError{}),
			want:      "user.alice: CreateUser: outcome still unknown after 3 calls: EntityAlreadyExists: User alice already exists",
			wantCause: "outcome still unknown after 3 calls: EntityAlreadyExists: User alice already exists",
		},
		"second failure after a cause that names the action": {
			err:       fmt.Errorf("%w; reading it failed too: %w", providerStyleError{}, errors.New("GetUser user alice: timeout")),
			want:      "user.alice: CreateUser: EntityAlreadyExists: User alice already exists; reading it failed too: GetUser user alice: timeout",
			wantCause: "EntityAlreadyExists: User alice already exists; reading it failed too: GetUser user alice: timeout",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := &StepError{Address: "user.alice", Action: "CreateUser", Err: tt.err}
			if got := err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if got := err.Cause(); got != tt.wantCause {
				t.Errorf("Cause() = %q, want %q", got, tt.wantCause)
			}
		})
	}
}

// TestStepsGolden prints the steps of a plan in the order Run makes them
// one at a time, the same listing a dry run shows. go test ./executor
// -update rewrites the files.
func TestStepsGolden(t *testing.T) {
	adminARN := arnOf("policy/", "Admin")
	tests := map[string]struct {
		reason  string
		changes []*planner.Change
	}{
		"replace_role": {
			reason: "a replaced role leaves its profile, policies and boundary before the delete and gets them back after the create",
			changes: []*planner.Change{
				newChange(planner.Update, planner.TypeInstanceProfile, "instance_profile.web", "web", change("role", "app", "app")),
				newChange(planner.Replace, planner.TypeRole, "role.app", "app",
					change("path", "/a/", "/b/"), change("assume_role_policy", mustDoc(docA), mustDoc(docA))),
				newOwned(planner.Replace, planner.TypeAttachment, roleRef("app"), `role.app.policy_attachment["`+adminARN+`"]`, adminARN),
				newOwned(planner.Replace, planner.TypeBoundary, roleRef("app"), "role.app.permissions_boundary", "",
					change("policy_arn", adminARN, adminARN)),
				newOwned(planner.Replace, planner.TypeInlinePolicy, roleRef("app"), `role.app.inline_policy["s3"]`, "s3",
					change("document", mustDoc(docA), mustDoc(docA))),
			},
		},
		"new_account": {
			reason: "creates of every kind wait for the entities they use",
			changes: []*planner.Change{
				newChange(planner.Create, planner.TypeAccountAlias, "account.alias", "acme", set("alias", "acme")),
				newChange(planner.Create, planner.TypeGroup, "group.devs", "devs", set("path", "/")),
				newOwned(planner.Create, planner.TypeAttachment, groupRef("devs"), `group.devs.policy_attachment["`+adminARN+`"]`, adminARN),
				newOwned(planner.Create, planner.TypeMembership, groupRef("devs"), `group.devs.membership["alice"]`, "alice"),
				newChange(planner.Create, planner.TypeInstanceProfile, "instance_profile.web", "web", set("path", "/"), set("role", "app")),
				newChange(planner.Create, planner.TypePasswordPolicy, "password_policy", "", set("minimum_password_length", int64(16))),
				newChange(planner.Create, planner.TypePolicy, "policy.Admin", "Admin", set("path", "/"), set("document", mustDoc(docA)), set("arn", adminARN)),
				newChange(planner.Create, planner.TypeRole, "role.app", "app", set("path", "/"),
					set("assume_role_policy", mustDoc(trustDoc(`"`+arnOf("user/", "alice")+`"`)))),
				newChange(planner.Create, planner.TypeUser, "user.alice", "alice", set("path", "/")),
				newAccessKey("alice", "alice.ini"),
				newLoginProfile("alice", "-", true),
			},
		},
		"empty_account": {
			reason: "deletes of every kind wait for the uses of what they delete",
			changes: []*planner.Change{
				newChange(planner.Delete, planner.TypeAccountAlias, "account.alias", "acme", unset("alias", "acme")),
				newChange(planner.Delete, planner.TypeGroup, "group.devs", "devs"),
				newOwned(planner.Delete, planner.TypeAttachment, groupRef("devs"), `group.devs.policy_attachment["`+adminARN+`"]`, adminARN),
				newOwned(planner.Delete, planner.TypeMembership, groupRef("devs"), `group.devs.membership["alice"]`, "alice"),
				newChange(planner.Delete, planner.TypeInstanceProfile, "instance_profile.web", "web", unset("role", "app")),
				newChange(planner.Delete, planner.TypePolicy, "policy.Admin", "Admin", unset("arn", adminARN), unset("versions", []string{"v1", "v2"})),
				newChange(planner.Delete, planner.TypeRole, "role.app", "app"),
				newChange(planner.Delete, planner.TypeUser, "user.alice", "alice"),
				newOwned(planner.Delete, planner.TypeBoundary, userRef("alice"), "user.alice.permissions_boundary", "", unset("policy_arn", adminARN)),
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := compile(t, newPlan(tt.changes...))
			var b strings.Builder
			fmt.Fprintf(&b, "# %s\n", tt.reason)
			for i, s := range g.Steps() {
				fmt.Fprintf(&b, "%2d. %s\n", i+1, s)
				if s.Discovers {
					fmt.Fprintf(&b, "    then deletes each credential it finds\n")
				}
				if len(s.Deps) > 0 {
					fmt.Fprintf(&b, "    after %s\n", strings.Join(s.Deps, ", "))
				}
			}
			got := b.String()

			path := filepath.Join("testdata", name+".steps")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./executor -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
		})
	}
}
