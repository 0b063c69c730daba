package planner

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/policydoc"
	"github.com/iamsync/iamsync/provider"
)

const (
	iamAdminDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
	s3OnlyDoc   = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}}`
	denyIAMDoc  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:Delete*","Resource":"*"}]}`
	allowAllDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

// lockoutState is an account where the user ci gets IAM rights from its
// group Deployers, an inline policy and the managed policy Deploy. The role
// automation gets them from the same managed policy.
func lockoutState(callerARN string) *provider.State {
	deploy := "arn:aws:iam::111122223333:policy/Deploy"
	return &provider.State{
		AccountID: "111122223333",
		Caller:    provider.Identity{ARN: callerARN},
		Users: []*provider.User{
			{Name: "ci", Groups: []string{"Deployers", "Readers"}, AttachedPolicies: []string{deploy},
				InlinePolicies: []provider.InlinePolicy{{Name: "iam", Document: iamAdminDoc}, {Name: "s3", Document: s3OnlyDoc}}},
			{Name: "bob"},
		},
		Groups: []*provider.Group{
			{Name: "Deployers", AttachedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
			{Name: "Readers", AttachedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		},
		Roles: []*provider.Role{{Name: "automation", AttachedPolicies: []string{deploy}}},
		Policies: []*provider.ManagedPolicy{{
			Name: "Deploy", ARN: deploy, DefaultVersionID: "v1",
			Versions: []provider.PolicyVersion{{ID: "v1", IsDefault: true, Document: allowAllDoc}},
		}},
	}
}

// guardPolicyChange creates a managed policy that denies IAM actions, for
// the cases that attach it.
var guardPolicyChange = &Change{Address: "policy.guard", Type: TypePolicy, Name: "Guard", Action: Create,
	Attrs: []Attr{
		{Name: "arn", After: "arn:aws:iam::111122223333:policy/Guard"},
		{Name: "document", After: policydoc.MustParse(denyIAMDoc)},
	}}

func TestSelfLockoutRisks(t *testing.T) {
	userARN := "arn:aws:iam::111122223333:user/ci"
	roleARN := "arn:aws:sts::111122223333:assumed-role/automation/run-42"
	ciRef := &Ref{Type: TypeUser, Name: "ci"}
	deploy := "arn:aws:iam::111122223333:policy/Deploy"

	tests := map[string]struct {
		caller string
		change *Change
		want   string // empty: no risk
	}{
		"deleting the caller user": {
			caller: userARN,
			change: &Change{Address: "user.ci", Type: TypeUser, Name: "ci", Action: Delete},
			want:   "deletes the user iamsync runs as",
		},
		"deleting another user is safe": {
			caller: userARN,
			change: &Change{Address: "user.bob", Type: TypeUser, Name: "bob", Action: Delete},
		},
		"the account root cannot be locked out": {
			caller: "arn:aws:iam::111122223333:root",
			change: &Change{Address: "user.ci", Type: TypeUser, Name: "ci", Action: Delete},
		},
		"deleting an access key of the caller": {
			caller: userARN,
			change: &Change{Address: `user.ci.access_key["AKIA1"]`, Type: TypeAccessKey, Name: "AKIA1", Action: Delete, Parent: ciRef},
			want:   "deletes an access key of the user iamsync runs as",
		},
		"deactivating an access key of the caller": {
			caller: userARN,
			change: &Change{Address: `user.ci.access_key["AKIA1"]`, Type: TypeAccessKey, Name: "AKIA1", Action: Update, Parent: ciRef,
				Attrs: []Attr{{Name: "status", Before: "Active", After: "Inactive"}}},
			want: "deactivates an access key of the user iamsync runs as",
		},
		"leaving the group that grants IAM rights": {
			caller: userARN,
			change: &Change{Address: `group.deployers.membership["ci"]`, Type: TypeMembership, Name: "ci", Action: Delete, Parent: &Ref{Type: TypeGroup, Name: "Deployers"}},
			want:   "removes the user iamsync runs as from group Deployers, which gives it IAM rights",
		},
		"leaving a read-only group is safe": {
			caller: userARN,
			change: &Change{Address: `group.readers.membership["ci"]`, Type: TypeMembership, Name: "ci", Action: Delete, Parent: &Ref{Type: TypeGroup, Name: "Readers"}},
		},
		"detaching the group's administrator policy": {
			caller: userARN,
			change: &Change{Address: "group.deployers.policy_attachment", Type: TypeAttachment, Name: "arn:aws:iam::aws:policy/AdministratorAccess", Action: Delete, Parent: &Ref{Type: TypeGroup, Name: "Deployers"}},
			want:   "detaches policy arn:aws:iam::aws:policy/AdministratorAccess, which gives the identity iamsync runs as its IAM rights",
		},
		"deleting the inline policy that grants IAM": {
			caller: userARN,
			change: &Change{Address: `user.ci.inline_policy["iam"]`, Type: TypeInlinePolicy, Name: "iam", Action: Delete, Parent: ciRef},
			want:   "removes inline policy iam, which gives the identity iamsync runs as its IAM rights",
		},
		"deleting an inline policy without IAM rights is safe": {
			caller: userARN,
			change: &Change{Address: `user.ci.inline_policy["s3"]`, Type: TypeInlinePolicy, Name: "s3", Action: Delete, Parent: ciRef},
		},
		"narrowing the inline policy": {
			caller: userARN,
			change: &Change{Address: `user.ci.inline_policy["iam"]`, Type: TypeInlinePolicy, Name: "iam", Action: Update, Parent: ciRef,
				Attrs: []Attr{{Name: "document", Before: policydoc.MustParse(iamAdminDoc), After: policydoc.MustParse(s3OnlyDoc)}}},
			want: "changes inline policy iam so that it no longer gives the identity iamsync runs as IAM rights",
		},
		"adding a Deny to a managed policy of the role": {
			caller: roleARN,
			change: &Change{Address: "policy.deploy", Type: TypePolicy, Name: "Deploy", Action: Update,
				Attrs: []Attr{{Name: "arn", Before: deploy, After: deploy}, {Name: "document", Before: policydoc.MustParse(allowAllDoc), After: policydoc.MustParse(denyIAMDoc)}}},
			want: "adds a Deny of IAM actions to managed policy Deploy, which applies to the identity iamsync runs as",
		},
		"replacing the caller role": {
			caller: roleARN,
			change: &Change{Address: "role.automation", Type: TypeRole, Name: "automation", Action: Replace},
			want:   "deletes the role iamsync runs as",
		},
		"changing the caller role's trust": {
			caller: roleARN,
			change: &Change{Address: "role.automation", Type: TypeRole, Name: "automation", Action: Update,
				Attrs: []Attr{{Name: "assume_role_policy", Before: policydoc.MustParse(allowAllDoc), After: policydoc.MustParse(s3OnlyDoc)}}},
			want: "changes the trust policy of the role iamsync runs as, which may stop it from assuming the role again",
		},
		"adding an inline policy that denies IAM": {
			caller: userARN,
			change: &Change{Address: `user.ci.inline_policy["guard"]`, Type: TypeInlinePolicy, Name: "guard", Action: Create, Parent: ciRef,
				Attrs: []Attr{{Name: "document", After: policydoc.MustParse(denyIAMDoc)}}},
			want: "adds inline policy guard, which denies IAM actions to the identity iamsync runs as",
		},
		"adding an inline policy without a Deny is safe": {
			caller: userARN,
			change: &Change{Address: `user.ci.inline_policy["more"]`, Type: TypeInlinePolicy, Name: "more", Action: Create, Parent: ciRef,
				Attrs: []Attr{{Name: "document", After: policydoc.MustParse(s3OnlyDoc)}}},
		},
		"attaching a policy that denies IAM": {
			caller: roleARN,
			change: &Change{Address: `role.automation.policy_attachment["guard"]`, Type: TypeAttachment, Action: Create,
				Name: "arn:aws:iam::111122223333:policy/Guard", Parent: &Ref{Type: TypeRole, Name: "automation"}},
			want: "attaches policy arn:aws:iam::111122223333:policy/Guard, which denies IAM actions to the identity iamsync runs as",
		},
		"detaching IAMFullAccess whatever its document": {
			caller: roleARN,
			change: &Change{Address: `role.automation.policy_attachment["iam"]`, Type: TypeAttachment, Action: Delete,
				Name: "arn:aws:iam::aws:policy/IAMFullAccess", Parent: &Ref{Type: TypeRole, Name: "automation"}},
			want: "detaches policy arn:aws:iam::aws:policy/IAMFullAccess, which gives the identity iamsync runs as its IAM rights",
		},
		"setting a boundary on the caller role": {
			caller: roleARN,
			change: &Change{Address: "role.automation.permissions_boundary", Type: TypeBoundary, Action: Create, Parent: &Ref{Type: TypeRole, Name: "automation"}},
			want:   "sets a permissions boundary on the identity iamsync runs as, which limits its rights",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			plan := &Plan{Changes: []*Change{tt.change, guardPolicyChange}}
			risks := SelfLockoutRisks(plan, lockoutState(tt.caller))
			var got string
			if len(risks) > 0 {
				got = risks[0].Reason
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("risk (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLockoutWarningsNameTheCaller(t *testing.T) {
	c := &Change{Address: "user.ci", Type: TypeUser, Name: "ci", Action: Delete}
	diags := LockoutWarnings([]LockoutRisk{{Change: c, Reason: "deletes the user iamsync runs as"}}, "arn:aws:iam::111122223333:user/ci")
	if len(diags) != 1 || diags[0].Summary != "Change may lock iamsync out" {
		t.Fatalf("diagnostics = %v", diags)
	}
	want := "user.ci deletes the user iamsync runs as (arn:aws:iam::111122223333:user/ci)."
	if got := diags[0].Detail; len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("detail = %q, want it to start with %q", got, want)
	}
}

func TestDeniesIAM(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want bool
	}{
		"Deny of iam:*":                   {doc: denyIAMDoc, want: true},
		"Deny with NotAction * is empty":  {doc: `{"Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}`},
		"Deny with NotAction leaving IAM": {doc: `{"Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*"}]}`},
		"Deny with NotAction of S3":       {doc: `{"Statement":[{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}`, want: true},
		"Deny of all IAM but GetUser":     {doc: `{"Statement":[{"Effect":"Deny","NotAction":["iam:GetUser"],"Resource":"*"}]}`, want: true},
		"Deny with NotAction of ia*":      {doc: `{"Statement":[{"Effect":"Deny","NotAction":"ia*","Resource":"*"}]}`},
		"Allow only":                      {doc: allowAllDoc},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := deniesIAM(tt.doc); got != tt.want {
				t.Errorf("deniesIAM = %v, want %v", got, tt.want)
			}
		})
	}
}
