package sandbox

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
)

func TestUserLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	boundary := must(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("boundary"), PolicyDocument: aws.String(allowAllDocument)}))(t)

	// Create.
	created := must(f.iam.CreateUser(ctx, &iam.CreateUserInput{
		UserName: aws.String("alice"), Path: aws.String("/people/"),
		PermissionsBoundary: boundary.Policy.Arn,
		Tags:                []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}},
	}))(t)
	if got, want := aws.ToString(created.User.Arn), "arn:aws:iam::123456789012:user/people/alice"; got != want {
		t.Errorf("ARN = %s, want %s", got, want)
	}
	if id := aws.ToString(created.User.UserId); !strings.HasPrefix(id, "AIDA") || len(id) != 21 {
		t.Errorf("UserId = %s, want AIDA and 17 more characters", id)
	}

	// Get returns the boundary and the tags.
	got := must(f.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("ALICE")}))(t)
	if aws.ToString(got.User.PermissionsBoundary.PermissionsBoundaryArn) != aws.ToString(boundary.Policy.Arn) {
		t.Errorf("boundary = %v, want %s", got.User.PermissionsBoundary, aws.ToString(boundary.Policy.Arn))
	}
	if len(got.User.Tags) != 1 || aws.ToString(got.User.Tags[0].Key) != "team" {
		t.Errorf("tags = %v, want team=ops", got.User.Tags)
	}

	// List leaves out the boundary and the tags, as IAM does.
	list := must(f.iam.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/people/")}))(t)
	if len(list.Users) != 1 || list.Users[0].PermissionsBoundary != nil || list.Users[0].Tags != nil {
		t.Errorf("ListUsers = %+v, want alice without boundary and tags", list.Users)
	}
	if other := must(f.iam.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/robots/")}))(t); len(other.Users) != 0 {
		t.Errorf("ListUsers under /robots/ = %d users, want 0", len(other.Users))
	}

	// Rename and move.
	ok(f.iam.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia"), NewPath: aws.String("/staff/")}))(t)
	renamed := must(f.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alicia")}))(t)
	if got, want := aws.ToString(renamed.User.Arn), "arn:aws:iam::123456789012:user/staff/alicia"; got != want {
		t.Errorf("ARN after update = %s, want %s", got, want)
	}
	if aws.ToString(renamed.User.UserId) != aws.ToString(created.User.UserId) {
		t.Errorf("UserId changed on rename")
	}
	_, err := f.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	wantError(t, err, "NoSuchEntity", 404, "The user with name alice cannot be found.")

	// Delete.
	ok(f.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alicia")}))(t)
	_, err = f.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alicia")})
	wantError(t, err, "NoSuchEntity", 404, "")
}

func TestUserNamesCollideCaseInsensitively(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Alice")}))(t)
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))(t)

	_, err := f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	wantError(t, err, "EntityAlreadyExists", 409, "User with name Alice already exists.")

	_, err = f.iam.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("ALICE")})
	wantError(t, err, "EntityAlreadyExists", 409, "")

	// Changing only the case of one's own name is allowed.
	ok(f.iam.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("bob"), NewUserName: aws.String("Bob")}))(t)
	got := must(f.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")}))(t)
	if aws.ToString(got.User.UserName) != "Bob" {
		t.Errorf("UserName = %s, want Bob", aws.ToString(got.User.UserName))
	}
}

func TestCreateUserValidation(t *testing.T) {
	tests := map[string]struct {
		in      iam.CreateUserInput
		code    string
		message string
	}{
		"name with a space": {
			in:      iam.CreateUserInput{UserName: aws.String("a b")},
			code:    "ValidationError",
			message: `1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`,
		},
		"name of 65 characters": {
			in:      iam.CreateUserInput{UserName: aws.String(strings.Repeat("a", 65))},
			code:    "ValidationError",
			message: "1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64",
		},
		"path without slashes and bad name": {
			in:   iam.CreateUserInput{UserName: aws.String("a*"), Path: aws.String("people")},
			code: "ValidationError",
			message: `2 validation errors detected: Value 'a*' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; ` +
				`Value 'people' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`,
		},
		"reserved tag key": {
			in:   iam.CreateUserInput{UserName: aws.String("a"), Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("y")}}},
			code: "InvalidInput",
		},
		"duplicate tag keys": {
			in: iam.CreateUserInput{UserName: aws.String("a"), Tags: []types.Tag{
				{Key: aws.String("Env"), Value: aws.String("1")}, {Key: aws.String("env"), Value: aws.String("2")}}},
			code:    "InvalidInput",
			message: "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
		},
		"tag value too long": {
			in:   iam.CreateUserInput{UserName: aws.String("a"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String(strings.Repeat("v", 257))}}},
			code: "ValidationError",
		},
		"unknown boundary": {
			in:      iam.CreateUserInput{UserName: aws.String("a"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/nope")},
			code:    "NoSuchEntity",
			message: "Scope ARN: arn:aws:iam::123456789012:policy/nope does not exist or is not attachable.",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			_, err := f.iam.CreateUser(t.Context(), &tc.in)
			status := 400
			if tc.code == "NoSuchEntity" {
				status = 404
			}
			wantError(t, err, tc.code, status, tc.message)
		})
	}
}

func TestDeleteUserConflicts(t *testing.T) {
	tests := map[string]struct {
		setUp   func(t *testing.T, f *fixture)
		message string
	}{
		"login profile": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreateLoginProfile(t.Context(), &iam.CreateLoginProfileInput{UserName: aws.String("u"), Password: aws.String("Correct-Horse-1")}))(t)
			},
			message: "Cannot delete entity, must delete login profile first.",
		},
		"access key": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreateAccessKey(t.Context(), &iam.CreateAccessKeyInput{UserName: aws.String("u")}))(t)
			},
			message: "Cannot delete entity, must delete access keys first.",
		},
		"signing certificate": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.UploadSigningCertificate(t.Context(), &iam.UploadSigningCertificateInput{UserName: aws.String("u"), CertificateBody: aws.String(testCertificate(t))}))(t)
			},
			message: "Cannot delete entity, must delete signing certificates first.",
		},
		"SSH public key": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.UploadSSHPublicKey(t.Context(), &iam.UploadSSHPublicKeyInput{UserName: aws.String("u"), SSHPublicKeyBody: aws.String(testSSHKey(t))}))(t)
			},
			message: "Cannot delete entity, must delete SSH public keys first.",
		},
		"service-specific credential": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreateServiceSpecificCredential(t.Context(), &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("u"), ServiceName: aws.String("codecommit.amazonaws.com")}))(t)
			},
			message: "Cannot delete entity, must delete service specific credentials first.",
		},
		"MFA device": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.EnableMFADevice(t.Context(), &iam.EnableMFADeviceInput{UserName: aws.String("u"), SerialNumber: aws.String("GAHT12345678"),
					AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")}))(t)
			},
			message: "Cannot delete entity, must delete MFA device first.",
		},
		"inline policy": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.PutUserPolicy(t.Context(), &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)}))(t)
			},
			message: "Cannot delete entity, must delete policies first.",
		},
		"attached policy": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.AttachUserPolicy(t.Context(), &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)
			},
			message: "Cannot delete entity, must detach all policies first.",
		},
		"group membership": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreateGroup(t.Context(), &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
				ok(f.iam.AddUserToGroup(t.Context(), &iam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("u")}))(t)
			},
			message: "Cannot delete entity, must remove referenced objects first.",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			ok(f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("u")}))(t)
			tc.setUp(t, f)
			_, err := f.iam.DeleteUser(t.Context(), &iam.DeleteUserInput{UserName: aws.String("u")})
			wantError(t, err, "DeleteConflict", 409, tc.message)
		})
	}
}

func TestGroupsPerUserQuota(t *testing.T) {
	f := newFixture(t, Options{Quotas: map[string]int32{"GroupsPerUserQuota": 2}})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	for _, g := range []string{"a", "b", "c"} {
		ok(f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(g)}))(t)
	}
	ok(f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("a"), UserName: aws.String("u")}))(t)
	ok(f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("b"), UserName: aws.String("u")}))(t)

	// Adding a member again changes nothing and does not count.
	ok(f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("B"), UserName: aws.String("U")}))(t)
	_, err := f.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("c"), UserName: aws.String("u")})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 2")

	groups := must(f.iam.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("u")}))(t)
	var names []string
	for _, g := range groups.Groups {
		names = append(names, aws.ToString(g.GroupName))
	}
	if diff := cmp.Diff([]string{"a", "b"}, names); diff != "" {
		t.Errorf("ListGroupsForUser (-want +got):\n%s", diff)
	}
}

func TestUserTags(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("Env"), Value: aws.String("dev")}}}))(t)

	// User tag keys compare case-insensitively: env replaces Env.
	ok(f.iam.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("u"), Tags: []types.Tag{
		{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("team"), Value: aws.String("")}}}))(t)
	got := must(f.iam.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("u")}))(t)
	want := []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("team"), Value: aws.String("")}}
	if diff := cmp.Diff(tagPairs(want), tagPairs(got.Tags)); diff != "" {
		t.Errorf("tags after TagUser (-want +got):\n%s", diff)
	}

	ok(f.iam.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("u"), TagKeys: []string{"ENV", "absent"}}))(t)
	got = must(f.iam.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("u")}))(t)
	if diff := cmp.Diff([]string{"team="}, tagPairs(got.Tags)); diff != "" {
		t.Errorf("tags after UntagUser (-want +got):\n%s", diff)
	}
}

func TestUserTagQuota(t *testing.T) {
	f := newFixture(t, Options{Quotas: map[string]int32{"TagsPerResourceQuota": 2}})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u"), Tags: []types.Tag{
		{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}}))(t)
	_, err := f.iam.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("u"), Tags: []types.Tag{{Key: aws.String("c"), Value: aws.String("3")}}})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for TagsPerUser: 2")
}

func tagPairs(tags []types.Tag) []string {
	var out []string
	for _, t := range tags {
		out = append(out, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	return out
}

func TestGetUserWithoutNameReturnsCaller(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()

	root := must(f.iam.GetUser(ctx, &iam.GetUserInput{}))(t)
	if got, want := aws.ToString(root.User.Arn), "arn:aws:iam::123456789012:root"; got != want {
		t.Errorf("root ARN = %s, want %s", got, want)
	}

	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	key := must(f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")}))(t)
	asUser, _ := f.clients(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))
	me := must(asUser.GetUser(ctx, &iam.GetUserInput{}))(t)
	if aws.ToString(me.User.UserName) != "u" {
		t.Errorf("GetUser as u = %s, want u", aws.ToString(me.User.UserName))
	}
}
