package awsprovider_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/provider"
)

// readState reads the account with the given extras and fails the test on
// error.
func readState(t *testing.T, tg *target, opts provider.ReadOptions) *provider.State {
	t.Helper()
	opts.SkipAccountSettings = true
	s, err := tg.p.ReadState(t.Context(), opts)
	if err != nil {
		t.Fatalf("ReadState: %v", err)
	}
	return s
}

// TestWriterRemovals undoes every part of the account that
// TestReadStateRoundTrip builds, one Writer call at a time, and reads the
// account back after each group of removals.
func TestWriterRemovals(t *testing.T) {
	tg := newTarget(t)
	a := writeAccount(t, tg)

	// Take the parts off the user.
	tg.write(t, "DeleteUserPolicy", func(ctx context.Context) error { return tg.p.DeleteUserPolicy(ctx, a.user, "read-reports") })
	tg.write(t, "DetachUserPolicy", func(ctx context.Context) error { return tg.p.DetachUserPolicy(ctx, a.user, a.readerARN) })
	tg.write(t, "RemoveUserFromGroup", func(ctx context.Context) error { return tg.p.RemoveUserFromGroup(ctx, a.group, a.user) })
	tg.write(t, "DeleteUserPermissionsBoundary", func(ctx context.Context) error { return tg.p.DeleteUserPermissionsBoundary(ctx, a.user) })
	tg.write(t, "UntagUser", func(ctx context.Context) error { return tg.p.UntagUser(ctx, a.user, []string{"team", "cost-center"}) })
	tg.write(t, "DeleteLoginProfile", func(ctx context.Context) error { return tg.p.DeleteLoginProfile(ctx, a.user) })
	for _, key := range a.accessKeys {
		tg.write(t, "DeleteAccessKey", func(ctx context.Context) error { return tg.p.DeleteAccessKey(ctx, a.user, key) })
	}

	// Take the parts off the group, the role and the policies.
	tg.write(t, "DeleteGroupPolicy", func(ctx context.Context) error { return tg.p.DeleteGroupPolicy(ctx, a.group, "list-reports") })
	tg.write(t, "DetachGroupPolicy", func(ctx context.Context) error { return tg.p.DetachGroupPolicy(ctx, a.group, a.readerARN) })
	tg.write(t, "DeleteRolePolicy", func(ctx context.Context) error { return tg.p.DeleteRolePolicy(ctx, a.role, "send-jobs") })
	tg.write(t, "DetachRolePolicy", func(ctx context.Context) error { return tg.p.DetachRolePolicy(ctx, a.role, a.readerARN) })
	tg.write(t, "DetachRolePolicy", func(ctx context.Context) error { return tg.p.DetachRolePolicy(ctx, a.role, a.awsManagedARN) })
	tg.write(t, "DeleteRolePermissionsBoundary", func(ctx context.Context) error { return tg.p.DeleteRolePermissionsBoundary(ctx, a.role) })
	tg.write(t, "RemoveRoleFromInstanceProfile", func(ctx context.Context) error {
		return tg.p.RemoveRoleFromInstanceProfile(ctx, a.profile, a.role)
	})
	tg.write(t, "UntagInstanceProfile", func(ctx context.Context) error { return tg.p.UntagInstanceProfile(ctx, a.profile, []string{"env"}) })
	tg.write(t, "SetDefaultPolicyVersion", func(ctx context.Context) error { return tg.p.SetDefaultPolicyVersion(ctx, a.readerARN, "v1") })
	tg.write(t, "DeletePolicyVersion", func(ctx context.Context) error { return tg.p.DeletePolicyVersion(ctx, a.readerARN, "v2") })
	tg.write(t, "UntagPolicy", func(ctx context.Context) error { return tg.p.UntagPolicy(ctx, a.readerARN, []string{"owner", "tier"}) })

	// Every entity is bare now.
	s := readState(t, tg, provider.ReadOptions{
		CredentialsOf:         []string{a.user},
		PolicyTagsOf:          []string{a.readerARN},
		InstanceProfileTagsOf: []string{a.profile},
	})
	want := a.want
	want.user.Tags, want.user.PermissionsBoundary, want.user.Groups = nil, "", nil
	want.user.InlinePolicies, want.user.AttachedPolicies = nil, nil
	want.user.Credentials = &provider.UserCredentials{}
	want.group.InlinePolicies, want.group.AttachedPolicies = nil, nil
	want.role.InlinePolicies, want.role.AttachedPolicies, want.role.PermissionsBoundary = nil, nil, ""
	want.role.InstanceProfiles = nil
	want.reader.DefaultVersionID = "v1"
	want.reader.Versions = []provider.PolicyVersion{{ID: "v1", Document: readerV1, IsDefault: true}}
	want.reader.AttachmentCount = 0
	want.reader.Tags = []provider.Tag{}
	want.boundary.BoundaryCount = 0
	want.profile.Roles = nil
	want.profile.Tags = []provider.Tag{}
	checks := []struct {
		name      string
		want, got any
	}{
		{"user", want.user, s.User(a.user)},
		{"group", want.group, s.Group(a.group)},
		{"role", want.role, s.Role(a.role)},
		{"reader policy", want.reader, s.Policy(a.readerARN)},
		{"boundary policy", want.boundary, s.Policy(a.boundaryARN)},
		{"instance profile", want.profile, s.InstanceProfile(a.profile)},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got, ignoreGenerated); diff != "" {
			t.Errorf("%s after removals (-want +got):\n%s", c.name, diff)
		}
	}
	if s.Policy(a.readerARN).Tags == nil || s.InstanceProfile(a.profile).Tags == nil {
		t.Error("tags read for an entity without tags are nil, want empty and non-nil")
	}

	// Delete the entities themselves.
	tg.write(t, "DeleteUser", func(ctx context.Context) error { return tg.p.DeleteUser(ctx, a.user) })
	tg.write(t, "DeleteGroup", func(ctx context.Context) error { return tg.p.DeleteGroup(ctx, a.group) })
	tg.write(t, "DeleteInstanceProfile", func(ctx context.Context) error { return tg.p.DeleteInstanceProfile(ctx, a.profile) })
	tg.write(t, "DeleteInstanceProfile", func(ctx context.Context) error { return tg.p.DeleteInstanceProfile(ctx, a.spareProfile) })
	tg.write(t, "DeleteRole", func(ctx context.Context) error { return tg.p.DeleteRole(ctx, a.role) })
	tg.write(t, "DeletePolicy", func(ctx context.Context) error { return tg.p.DeletePolicy(ctx, a.readerARN) })
	tg.write(t, "DeletePolicy", func(ctx context.Context) error { return tg.p.DeletePolicy(ctx, a.boundaryARN) })
	s = readState(t, tg, provider.ReadOptions{})
	if s.User(a.user) != nil || s.Group(a.group) != nil || s.Role(a.role) != nil ||
		s.Policy(a.readerARN) != nil || s.Policy(a.boundaryARN) != nil ||
		s.InstanceProfile(a.profile) != nil || s.InstanceProfile(a.spareProfile) != nil {
		t.Error("an entity is still there after its Delete call")
	}
}

func TestWriterUpdates(t *testing.T) {
	tg := newTarget(t)
	user, renamedUser := tg.name("bob"), tg.name("robert")
	group, renamedGroup := tg.name("ops"), tg.name("operations")
	role := tg.name("worker")

	// Rename and move a user and a group.
	tg.write(t, "CreateUser", func(ctx context.Context) error { return tg.p.CreateUser(ctx, provider.CreateUserInput{Name: user}) })
	tg.undo(t, "user", func(ctx context.Context) error { return tg.p.DeleteUser(ctx, renamedUser) })
	tg.write(t, "UpdateUser", func(ctx context.Context) error { return tg.p.UpdateUser(ctx, user, renamedUser, "/moved/") })
	tg.write(t, "CreateGroup", func(ctx context.Context) error { return tg.p.CreateGroup(ctx, group, "/old/") })
	tg.undo(t, "group", func(ctx context.Context) error { return tg.p.DeleteGroup(ctx, renamedGroup) })
	tg.write(t, "UpdateGroup", func(ctx context.Context) error { return tg.p.UpdateGroup(ctx, group, renamedGroup, "") })

	// Change a role's settings one at a time.
	tg.write(t, "CreateRole", func(ctx context.Context) error {
		return tg.p.CreateRole(ctx, provider.CreateRoleInput{Name: role, AssumeRolePolicy: trustDocument, Description: "first"})
	})
	tg.undo(t, "role", func(ctx context.Context) error { return tg.p.DeleteRole(ctx, role) })
	duration := int32(10800)
	tg.write(t, "UpdateRole", func(ctx context.Context) error { return tg.p.UpdateRole(ctx, role, nil, &duration) })
	description := "second"
	tg.write(t, "UpdateRole", func(ctx context.Context) error { return tg.p.UpdateRole(ctx, role, &description, nil) })
	tg.write(t, "UpdateAssumeRolePolicy", func(ctx context.Context) error { return tg.p.UpdateAssumeRolePolicy(ctx, role, readerTrust) })

	s := readState(t, tg, provider.ReadOptions{})
	if s.User(user) != nil {
		t.Errorf("user %s still exists after the rename", user)
	}
	if u := s.User(renamedUser); u == nil || u.Path != "/moved/" {
		t.Errorf("renamed user = %+v, want %s at /moved/", u, renamedUser)
	}
	if g := s.Group(renamedGroup); g == nil || g.Path != "/old/" {
		t.Errorf("renamed group = %+v, want %s still at /old/", g, renamedGroup)
	}
	r := s.Role(role)
	if r == nil {
		t.Fatalf("role %s is missing", role)
	}
	if r.Description != "second" || r.MaxSessionDuration != 10800 || r.AssumeRolePolicy != readerTrust {
		t.Errorf("role has Description %q, MaxSessionDuration %d and trust policy %s; want %q, 10800 and %s",
			r.Description, r.MaxSessionDuration, r.AssumeRolePolicy, "second", readerTrust)
	}
}

// readerTrust lets Lambda assume a role; its "%" and "+" must survive.
const readerTrust = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:lambda:*:*:function:a+b%c"}}}]}`
