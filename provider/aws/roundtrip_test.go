package awsprovider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamsync/iamsync/provider"
)

// Policy documents that IAM must hand back byte for byte. Each contains a
// percent sign followed by hex digits, a plus sign and spaces: decoding
// twice would turn "%41" into "A", and form decoding would turn "+" into a
// space.
const (
	userDocument  = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/100%41 done+ready/*"}]}`
	groupDocument = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports", "Condition": {"StringLike": {"s3:prefix": ["a+b/*", "50% off/*"]}}}]}`
	roleDocument  = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs+%2Bfast"}]}`
	trustDocument = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:RequestTag/team": "a+b %2B c"}}}]}`
	readerV1      = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`
	// readerV2 spans several lines, so that line breaks must survive too.
	readerV2 = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::a+b%20c/*"}
  ]
}`
	boundaryDocument = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "sqs:*"], "Resource": "*"}]}`
)

// arnOf builds the ARN IAM gives an entity of the account.
func arnOf(id provider.Identity, resource, path, name string) string {
	partition := strings.Split(id.ARN, ":")[1]
	return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", partition, id.Account, resource, path, name)
}

// Options that compare live entities without the values IAM makes up.
var ignoreGenerated = cmp.Options{
	cmpopts.IgnoreFields(provider.User{}, "ID", "CreateDate"),
	cmpopts.IgnoreFields(provider.Group{}, "ID", "CreateDate"),
	cmpopts.IgnoreFields(provider.Role{}, "ID", "CreateDate"),
	cmpopts.IgnoreFields(provider.ManagedPolicy{}, "ID", "CreateDate", "UpdateDate"),
	cmpopts.IgnoreFields(provider.PolicyVersion{}, "CreateDate"),
	cmpopts.IgnoreFields(provider.InstanceProfile{}, "ID", "CreateDate"),
	cmpopts.IgnoreFields(provider.LoginProfile{}, "CreateDate"),
	cmpopts.IgnoreFields(provider.AccessKey{}, "CreateDate", "LastUsed"),
	cmpopts.SortSlices(func(a, b provider.Tag) bool { return a.Key < b.Key }),
	cmpopts.SortSlices(func(a, b provider.PolicyVersion) bool { return a.ID < b.ID }),
	cmpopts.EquateEmpty(),
}

// account is what TestReadStateRoundTrip writes and expects to read back.
type account struct {
	identity               provider.Identity
	user, group, role      string
	profile, spareProfile  string
	readerARN, boundaryARN string
	awsManagedARN          string
	accessKeys             []string
	want                   wantedState
}

type wantedState struct {
	user                  *provider.User
	group                 *provider.Group
	role                  *provider.Role
	reader, boundary      *provider.ManagedPolicy
	profile, spareProfile *provider.InstanceProfile
}

func TestReadStateRoundTrip(t *testing.T) {
	tg := newTarget(t)
	acct := writeAccount(t, tg)

	// Read the account, asking for every per-entity extra, including some
	// for entities that do not exist or cannot be tagged.
	before := tg.p.Calls()
	s, err := tg.p.ReadState(t.Context(), provider.ReadOptions{
		CredentialsOf:         []string{acct.user, tg.name("nobody")},
		PolicyTagsOf:          []string{acct.readerARN, "arn:aws:iam::aws:policy/ReadOnlyAccess", arnOf(acct.identity, "policy", "/", tg.name("missing"))},
		InstanceProfileTagsOf: []string{acct.profile, tg.name("missing")},
		SkipAccountSettings:   true,
	})
	if err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	calls := callsSince(before, tg.p.Calls())

	t.Run("account", func(t *testing.T) {
		if diff := cmp.Diff(acct.identity, s.Caller); diff != "" {
			t.Errorf("Caller (-want +got):\n%s", diff)
		}
		if p := s.Policy(acct.awsManagedARN); p == nil || !p.AWSManaged() || p.AttachmentCount < 1 {
			t.Errorf("attached AWS-managed policy %s = %+v, want it read with its attachment", acct.awsManagedARN, p)
		}
		if s.AccountID != acct.identity.Account {
			t.Errorf("AccountID = %q, want %q", s.AccountID, acct.identity.Account)
		}
		if want := strings.Split(acct.identity.ARN, ":")[1]; s.Partition != want {
			t.Errorf("Partition = %q, want %q", s.Partition, want)
		}
		if !s.RoleDetailsRead {
			t.Error("RoleDetailsRead = false, want true")
		}
		if s.Summary["Users"] < 1 || s.Summary["Roles"] < 1 || s.Summary["InstanceProfiles"] < 2 {
			t.Errorf("Summary counts Users %d, Roles %d, InstanceProfiles %d; want at least 1, 1, 2",
				s.Summary["Users"], s.Summary["Roles"], s.Summary["InstanceProfiles"])
		}
		if s.Aliases != nil || s.PasswordPolicy != nil {
			t.Errorf("SkipAccountSettings read Aliases %v and PasswordPolicy %v, want none", s.Aliases, s.PasswordPolicy)
		}
	})

	t.Run("entities", func(t *testing.T) {
		checks := []struct {
			name      string
			want, got any
		}{
			{"user", acct.want.user, s.User(acct.user)},
			{"group", acct.want.group, s.Group(acct.group)},
			{"role", acct.want.role, s.Role(acct.role)},
			{"reader policy", acct.want.reader, s.Policy(acct.readerARN)},
			{"boundary policy", acct.want.boundary, s.Policy(acct.boundaryARN)},
			{"instance profile", acct.want.profile, s.InstanceProfile(acct.profile)},
			{"role-less instance profile", acct.want.spareProfile, s.InstanceProfile(acct.spareProfile)},
		}
		for _, c := range checks {
			if diff := cmp.Diff(c.want, c.got, ignoreGenerated); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.name, diff)
			}
		}
	})

	t.Run("generated values", func(t *testing.T) {
		prefixes := []struct {
			what, id, prefix string
		}{
			{"user", s.User(acct.user).ID, "AIDA"},
			{"group", s.Group(acct.group).ID, "AGPA"},
			{"role", s.Role(acct.role).ID, "AROA"},
			{"policy", s.Policy(acct.readerARN).ID, "ANPA"},
			{"instance profile", s.InstanceProfile(acct.profile).ID, "AIPA"},
		}
		for _, p := range prefixes {
			if !strings.HasPrefix(p.id, p.prefix) {
				t.Errorf("%s ID = %q, want prefix %s", p.what, p.id, p.prefix)
			}
		}
		if s.User(acct.user).CreateDate.IsZero() || s.Role(acct.role).CreateDate.IsZero() || s.Policy(acct.readerARN).UpdateDate.IsZero() {
			t.Error("a create or update date is zero")
		}
		for _, k := range s.User(acct.user).Credentials.AccessKeys {
			if k.CreateDate.IsZero() {
				t.Errorf("access key %s has no CreateDate", k.ID)
			}
		}
	})

	t.Run("calls", func(t *testing.T) {
		// The role-less profile forces ListInstanceProfiles; the missing and
		// AWS-managed names in the options cost nothing.
		for action, want := range map[string]int{
			"GetCallerIdentity":              1,
			"GetAccountSummary":              1,
			"ListRoles":                      1,
			"ListInstanceProfiles":           1,
			"ListPolicyTags":                 1,
			"ListInstanceProfileTags":        1,
			"GetUser":                        1,
			"GetLoginProfile":                1,
			"ListAccessKeys":                 1,
			"GetAccessKeyLastUsed":           2,
			"ListMFADevices":                 1,
			"ListSSHPublicKeys":              1,
			"ListSigningCertificates":        1,
			"ListServiceSpecificCredentials": 1,
			"ListAccountAliases":             0,
			"GetAccountPasswordPolicy":       0,
		} {
			if calls[action] != want {
				t.Errorf("ReadState made %d %s calls, want %d", calls[action], action, want)
			}
		}
	})

	t.Run("sorted", func(t *testing.T) {
		for i := 1; i < len(s.Users); i++ {
			if s.Users[i-1].Name > s.Users[i].Name {
				t.Fatalf("users out of order: %s before %s", s.Users[i-1].Name, s.Users[i].Name)
			}
		}
	})
}

// writeAccount creates one of each kind of entity, with every field set,
// through the Writer, and returns what ReadState must return for them.
func writeAccount(t *testing.T, tg *target) *account {
	t.Helper()
	ctx := t.Context()
	id, err := tg.p.CallerIdentity(ctx)
	if err != nil {
		t.Fatalf("CallerIdentity: %v", err)
	}
	const path = "/team/a/"
	a := &account{
		identity:     id,
		user:         tg.name("alice"),
		group:        tg.name("admins"),
		role:         tg.name("web"),
		profile:      tg.name("web-profile"),
		spareProfile: tg.name("spare-profile"),
	}

	// Managed policies: the reader gets a second, default version.
	tg.write(t, "CreatePolicy", func(ctx context.Context) (err error) {
		a.boundaryARN, err = tg.p.CreatePolicy(ctx, provider.CreatePolicyInput{Name: tg.name("boundary"), Document: boundaryDocument})
		return err
	})
	tg.undo(t, "boundary policy", func(ctx context.Context) error { return tg.p.DeletePolicy(ctx, a.boundaryARN) })
	tg.write(t, "CreatePolicy", func(ctx context.Context) (err error) {
		a.readerARN, err = tg.p.CreatePolicy(ctx, provider.CreatePolicyInput{
			Name: tg.name("reader"), Path: path, Document: readerV1, Description: "Reads the reports",
			Tags: []provider.Tag{{Key: "owner", Value: "data"}, {Key: "stale", Value: "yes"}},
		})
		return err
	})
	tg.undo(t, "reader policy", func(ctx context.Context) error { return tg.p.DeletePolicy(ctx, a.readerARN) })
	if want := arnOf(id, "policy", path, tg.name("reader")); a.readerARN != want {
		t.Errorf("CreatePolicy returned ARN %q, want %q", a.readerARN, want)
	}
	var version string
	tg.write(t, "CreatePolicyVersion", func(ctx context.Context) (err error) {
		version, err = tg.p.CreatePolicyVersion(ctx, a.readerARN, readerV2, true)
		return err
	})
	if version != "v2" {
		t.Errorf("CreatePolicyVersion returned %q, want v2", version)
	}
	tg.undo(t, "reader policy v1", func(ctx context.Context) error { return tg.p.DeletePolicyVersion(ctx, a.readerARN, "v1") })
	tg.write(t, "TagPolicy", func(ctx context.Context) error {
		return tg.p.TagPolicy(ctx, a.readerARN, []provider.Tag{{Key: "tier", Value: ""}})
	})
	tg.write(t, "UntagPolicy", func(ctx context.Context) error { return tg.p.UntagPolicy(ctx, a.readerARN, []string{"stale"}) })

	// The group, with an inline and an attached policy.
	tg.write(t, "CreateGroup", func(ctx context.Context) error { return tg.p.CreateGroup(ctx, a.group, path) })
	tg.undo(t, "group", func(ctx context.Context) error { return tg.p.DeleteGroup(ctx, a.group) })
	tg.write(t, "PutGroupPolicy", func(ctx context.Context) error {
		return tg.p.PutGroupPolicy(ctx, a.group, "list-reports", groupDocument)
	})
	tg.undo(t, "group inline policy", func(ctx context.Context) error { return tg.p.DeleteGroupPolicy(ctx, a.group, "list-reports") })
	tg.write(t, "AttachGroupPolicy", func(ctx context.Context) error { return tg.p.AttachGroupPolicy(ctx, a.group, a.readerARN) })
	tg.undo(t, "group attachment", func(ctx context.Context) error { return tg.p.DetachGroupPolicy(ctx, a.group, a.readerARN) })

	// The user, with every field and a password and two access keys.
	tg.write(t, "CreateUser", func(ctx context.Context) error {
		return tg.p.CreateUser(ctx, provider.CreateUserInput{
			Name: a.user, Path: path, PermissionsBoundary: a.boundaryARN,
			Tags: []provider.Tag{{Key: "team", Value: "a"}, {Key: "temporary", Value: "1"}},
		})
	})
	tg.undo(t, "user", func(ctx context.Context) error { return tg.p.DeleteUser(ctx, a.user) })
	tg.undo(t, "user boundary", func(ctx context.Context) error { return tg.p.DeleteUserPermissionsBoundary(ctx, a.user) })
	tg.write(t, "TagUser", func(ctx context.Context) error {
		return tg.p.TagUser(ctx, a.user, []provider.Tag{{Key: "cost-center", Value: "42"}})
	})
	tg.write(t, "UntagUser", func(ctx context.Context) error { return tg.p.UntagUser(ctx, a.user, []string{"temporary"}) })
	tg.write(t, "PutUserPolicy", func(ctx context.Context) error {
		return tg.p.PutUserPolicy(ctx, a.user, "read-reports", userDocument)
	})
	tg.undo(t, "user inline policy", func(ctx context.Context) error { return tg.p.DeleteUserPolicy(ctx, a.user, "read-reports") })
	tg.write(t, "AttachUserPolicy", func(ctx context.Context) error { return tg.p.AttachUserPolicy(ctx, a.user, a.readerARN) })
	tg.undo(t, "user attachment", func(ctx context.Context) error { return tg.p.DetachUserPolicy(ctx, a.user, a.readerARN) })
	tg.write(t, "AddUserToGroup", func(ctx context.Context) error { return tg.p.AddUserToGroup(ctx, a.group, a.user) })
	tg.undo(t, "membership", func(ctx context.Context) error { return tg.p.RemoveUserFromGroup(ctx, a.group, a.user) })
	tg.write(t, "CreateLoginProfile", func(ctx context.Context) error {
		return tg.p.CreateLoginProfile(ctx, a.user, "Correct-Horse-Battery-9", false)
	})
	tg.undo(t, "login profile", func(ctx context.Context) error { return tg.p.DeleteLoginProfile(ctx, a.user) })
	tg.write(t, "UpdateLoginProfile", func(ctx context.Context) error { return tg.p.UpdateLoginProfile(ctx, a.user, true) })
	for range 2 {
		var key *provider.AccessKeySecret
		tg.write(t, "CreateAccessKey", func(ctx context.Context) (err error) {
			key, err = tg.p.CreateAccessKey(ctx, a.user)
			return err
		})
		if key.UserName != a.user || key.AccessKeyID == "" || key.SecretAccessKey == "" {
			t.Errorf("CreateAccessKey returned user %q, key id %q and a secret of %d characters; want %q, an id and a secret",
				key.UserName, key.AccessKeyID, len(key.SecretAccessKey), a.user)
		}
		a.accessKeys = append(a.accessKeys, key.AccessKeyID)
		tg.undo(t, "access key", func(ctx context.Context) error { return tg.p.DeleteAccessKey(ctx, a.user, key.AccessKeyID) })
	}
	tg.write(t, "UpdateAccessKey", func(ctx context.Context) error {
		return tg.p.UpdateAccessKey(ctx, a.user, a.accessKeys[1], "Inactive")
	})

	// The role, in an instance profile, with its boundary set afterwards.
	tg.write(t, "CreateRole", func(ctx context.Context) error {
		return tg.p.CreateRole(ctx, provider.CreateRoleInput{
			Name: a.role, Path: path, AssumeRolePolicy: trustDocument,
			Description: "Runs the web tier", MaxSessionDuration: 7200,
			Tags: []provider.Tag{{Key: "tier", Value: "web"}},
		})
	})
	tg.undo(t, "role", func(ctx context.Context) error { return tg.p.DeleteRole(ctx, a.role) })
	tg.write(t, "TagRole", func(ctx context.Context) error {
		return tg.p.TagRole(ctx, a.role, []provider.Tag{{Key: "owner", Value: "web team"}, {Key: "old", Value: "x"}})
	})
	tg.write(t, "UntagRole", func(ctx context.Context) error { return tg.p.UntagRole(ctx, a.role, []string{"old"}) })
	tg.write(t, "PutRolePermissionsBoundary", func(ctx context.Context) error {
		return tg.p.PutRolePermissionsBoundary(ctx, a.role, a.boundaryARN)
	})
	tg.undo(t, "role boundary", func(ctx context.Context) error { return tg.p.DeleteRolePermissionsBoundary(ctx, a.role) })
	tg.write(t, "PutRolePolicy", func(ctx context.Context) error {
		return tg.p.PutRolePolicy(ctx, a.role, "send-jobs", roleDocument)
	})
	tg.undo(t, "role inline policy", func(ctx context.Context) error { return tg.p.DeleteRolePolicy(ctx, a.role, "send-jobs") })
	tg.write(t, "AttachRolePolicy", func(ctx context.Context) error { return tg.p.AttachRolePolicy(ctx, a.role, a.readerARN) })
	tg.undo(t, "role attachment", func(ctx context.Context) error { return tg.p.DetachRolePolicy(ctx, a.role, a.readerARN) })
	a.awsManagedARN = fmt.Sprintf("arn:%s:iam::aws:policy/ReadOnlyAccess", strings.Split(id.ARN, ":")[1])
	tg.write(t, "AttachRolePolicy", func(ctx context.Context) error { return tg.p.AttachRolePolicy(ctx, a.role, a.awsManagedARN) })
	tg.undo(t, "role attachment", func(ctx context.Context) error { return tg.p.DetachRolePolicy(ctx, a.role, a.awsManagedARN) })
	tg.write(t, "CreateInstanceProfile", func(ctx context.Context) error {
		return tg.p.CreateInstanceProfile(ctx, a.profile, path, []provider.Tag{{Key: "env", Value: "prod"}})
	})
	tg.undo(t, "instance profile", func(ctx context.Context) error { return tg.p.DeleteInstanceProfile(ctx, a.profile) })
	tg.write(t, "TagInstanceProfile", func(ctx context.Context) error {
		return tg.p.TagInstanceProfile(ctx, a.profile, []provider.Tag{{Key: "old", Value: "x"}})
	})
	tg.write(t, "UntagInstanceProfile", func(ctx context.Context) error {
		return tg.p.UntagInstanceProfile(ctx, a.profile, []string{"old"})
	})
	tg.write(t, "AddRoleToInstanceProfile", func(ctx context.Context) error {
		return tg.p.AddRoleToInstanceProfile(ctx, a.profile, a.role)
	})
	tg.undo(t, "role in instance profile", func(ctx context.Context) error {
		return tg.p.RemoveRoleFromInstanceProfile(ctx, a.profile, a.role)
	})
	tg.write(t, "CreateInstanceProfile", func(ctx context.Context) error {
		return tg.p.CreateInstanceProfile(ctx, a.spareProfile, "", nil)
	})
	tg.undo(t, "role-less instance profile", func(ctx context.Context) error { return tg.p.DeleteInstanceProfile(ctx, a.spareProfile) })

	// What the reads must return.
	accessKeys := []provider.AccessKey{{ID: a.accessKeys[0], Status: "Active"}, {ID: a.accessKeys[1], Status: "Inactive"}}
	if accessKeys[0].ID > accessKeys[1].ID {
		accessKeys[0], accessKeys[1] = accessKeys[1], accessKeys[0]
	}
	a.want = wantedState{
		user: &provider.User{
			Name: a.user, Path: path, ARN: arnOf(id, "user", path, a.user),
			Tags:                []provider.Tag{{Key: "team", Value: "a"}, {Key: "cost-center", Value: "42"}},
			PermissionsBoundary: a.boundaryARN,
			Groups:              []string{a.group},
			InlinePolicies:      []provider.InlinePolicy{{Name: "read-reports", Document: userDocument}},
			AttachedPolicies:    []string{a.readerARN},
			Credentials: &provider.UserCredentials{
				LoginProfile: &provider.LoginProfile{PasswordResetRequired: true},
				AccessKeys:   accessKeys,
			},
		},
		group: &provider.Group{
			Name: a.group, Path: path, ARN: arnOf(id, "group", path, a.group),
			InlinePolicies:   []provider.InlinePolicy{{Name: "list-reports", Document: groupDocument}},
			AttachedPolicies: []string{a.readerARN},
		},
		role: &provider.Role{
			Name: a.role, Path: path, ARN: arnOf(id, "role", path, a.role),
			AssumeRolePolicy:    trustDocument,
			Description:         "Runs the web tier",
			MaxSessionDuration:  7200,
			Tags:                []provider.Tag{{Key: "tier", Value: "web"}, {Key: "owner", Value: "web team"}},
			PermissionsBoundary: a.boundaryARN,
			InlinePolicies:      []provider.InlinePolicy{{Name: "send-jobs", Document: roleDocument}},
			AttachedPolicies:    []string{a.readerARN, a.awsManagedARN},
			InstanceProfiles:    []string{a.profile},
		},
		reader: &provider.ManagedPolicy{
			Name: tg.name("reader"), Path: path, ARN: a.readerARN,
			Description:      "Reads the reports",
			DefaultVersionID: "v2",
			Versions: []provider.PolicyVersion{
				{ID: "v1", Document: readerV1},
				{ID: "v2", Document: readerV2, IsDefault: true},
			},
			AttachmentCount: 3,
			Tags:            []provider.Tag{{Key: "owner", Value: "data"}, {Key: "tier", Value: ""}},
		},
		boundary: &provider.ManagedPolicy{
			Name: tg.name("boundary"), Path: "/", ARN: a.boundaryARN,
			DefaultVersionID: "v1",
			Versions:         []provider.PolicyVersion{{ID: "v1", Document: boundaryDocument, IsDefault: true}},
			BoundaryCount:    2,
		},
		profile: &provider.InstanceProfile{
			Name: a.profile, Path: path, ARN: arnOf(id, "instance-profile", path, a.profile),
			Roles: []string{a.role},
			Tags:  []provider.Tag{{Key: "env", Value: "prod"}},
		},
		spareProfile: &provider.InstanceProfile{
			Name: a.spareProfile, Path: "/", ARN: arnOf(id, "instance-profile", "/", a.spareProfile),
		},
	}
	return a
}
