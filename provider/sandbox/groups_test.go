package sandbox

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
)

func TestGroupLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	created := must(f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins"), Path: aws.String("/ops/")}))(t)
	if got, want := aws.ToString(created.Group.Arn), "arn:aws:iam::123456789012:group/ops/admins"; got != want {
		t.Errorf("ARN = %s, want %s", got, want)
	}
	_, err := f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Admins")})
	wantError(t, err, "EntityAlreadyExists", 409, "Group with name admins already exists.")

	// Members, listed a page at a time by GetGroup.
	for _, u := range []string{"carol", "alice", "bob"} {
		ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}))(t)
		ok(f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String(u)}))(t)
	}
	var members []string
	pages := iam.NewGetGroupPaginator(f.iam, &iam.GetGroupInput{GroupName: aws.String("admins"), MaxItems: aws.Int32(2)})
	for pages.HasMorePages() {
		page := must(pages.NextPage(ctx))(t)
		if aws.ToString(page.Group.GroupName) != "admins" {
			t.Errorf("GetGroup page names group %s", aws.ToString(page.Group.GroupName))
		}
		for _, u := range page.Users {
			members = append(members, aws.ToString(u.UserName))
		}
	}
	if diff := cmp.Diff([]string{"alice", "bob", "carol"}, members); diff != "" {
		t.Errorf("GetGroup users (-want +got):\n%s", diff)
	}

	// A rename shows in the members' group lists.
	ok(f.iam.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("admins"), NewGroupName: aws.String("operators")}))(t)
	groups := must(f.iam.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("bob")}))(t)
	if len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].GroupName) != "operators" {
		t.Errorf("ListGroupsForUser after rename = %v, want operators", groups.Groups)
	}

	// Removing a user that is not a member is NoSuchEntity.
	ok(f.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("operators"), UserName: aws.String("bob")}))(t)
	_, err = f.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("operators"), UserName: aws.String("bob")})
	wantError(t, err, "NoSuchEntity", 404, "")
}

func TestDeleteGroupConflicts(t *testing.T) {
	tests := map[string]struct {
		setUp   func(t *testing.T, f *fixture)
		message string
	}{
		"member": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("u")}))(t)
				ok(f.iam.AddUserToGroup(t.Context(), &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("u")}))(t)
			},
			message: "Cannot delete entity, must remove users from group first.",
		},
		"inline policy": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.PutGroupPolicy(t.Context(), &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)}))(t)
			},
			message: "Cannot delete entity, must delete policies first.",
		},
		"attached policy": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.AttachGroupPolicy(t.Context(), &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)
			},
			message: "Cannot delete entity, must detach all policies first.",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			ok(f.iam.CreateGroup(t.Context(), &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
			tc.setUp(t, f)
			_, err := f.iam.DeleteGroup(t.Context(), &iam.DeleteGroupInput{GroupName: aws.String("g")})
			wantError(t, err, "DeleteConflict", 409, tc.message)
		})
	}
}

func TestGroupInlinePolicies(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	for _, name := range []string{"b", "a"} {
		ok(f.iam.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String(name), PolicyDocument: aws.String(allowAllDocument)}))(t)
	}
	names := must(f.iam.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("g")}))(t)
	if diff := cmp.Diff([]string{"a", "b"}, names.PolicyNames); diff != "" {
		t.Errorf("ListGroupPolicies (-want +got):\n%s", diff)
	}
	got := must(f.iam.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("a")}))(t)
	if aws.ToString(got.GroupName) != "g" || decoded(t, got.PolicyDocument) != allowAllDocument {
		t.Errorf("GetGroupPolicy = %s %s", aws.ToString(got.GroupName), aws.ToString(got.PolicyDocument))
	}
	ok(f.iam.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("a")}))(t)
	_, err := f.iam.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("a")})
	wantError(t, err, "NoSuchEntity", 404, "The group policy with name a cannot be found.")
}
