package sandbox

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
)

func TestInstanceProfileLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	created := must(f.iam.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{
		InstanceProfileName: aws.String("web"), Path: aws.String("/ec2/"),
		Tags: []types.Tag{{Key: aws.String("tier"), Value: aws.String("front")}},
	}))(t)
	if got, want := aws.ToString(created.InstanceProfile.Arn), "arn:aws:iam::123456789012:instance-profile/ec2/web"; got != want {
		t.Errorf("ARN = %s, want %s", got, want)
	}
	if created.InstanceProfile.Roles == nil || len(created.InstanceProfile.Roles) != 0 {
		t.Errorf("new profile roles = %v, want an empty list", created.InstanceProfile.Roles)
	}
	_, err := f.iam.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("WEB")})
	wantError(t, err, "EntityAlreadyExists", 409, "Instance Profile web already exists.")

	// One role at most.
	for _, r := range []string{"a", "b"} {
		ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)
	}
	ok(f.iam.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("a")}))(t)
	_, err = f.iam.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("b")})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")

	got := must(f.iam.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("web")}))(t)
	if len(got.InstanceProfile.Roles) != 1 || aws.ToString(got.InstanceProfile.Roles[0].RoleName) != "a" ||
		decoded(t, got.InstanceProfile.Roles[0].AssumeRolePolicyDocument) != trustEC2Document {
		t.Errorf("GetInstanceProfile roles = %+v", got.InstanceProfile.Roles)
	}
	if diff := cmp.Diff([]string{"tier=front"}, tagPairs(got.InstanceProfile.Tags)); diff != "" {
		t.Errorf("GetInstanceProfile tags (-want +got):\n%s", diff)
	}
	forRole := must(f.iam.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("a")}))(t)
	if len(forRole.InstanceProfiles) != 1 || aws.ToString(forRole.InstanceProfiles[0].InstanceProfileName) != "web" {
		t.Errorf("ListInstanceProfilesForRole = %+v", forRole.InstanceProfiles)
	}

	// A profile with a role cannot be deleted.
	_, err = f.iam.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web")})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
	ok(f.iam.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("a")}))(t)
	_, err = f.iam.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("a")})
	wantError(t, err, "NoSuchEntity", 404, "")
	ok(f.iam.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("web")}))(t)
	_, err = f.iam.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("web")})
	wantError(t, err, "NoSuchEntity", 404, "Instance Profile web cannot be found.")
}

func TestInstanceProfileTags(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("p")}))(t)
	ok(f.iam.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: aws.String("p"),
		Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}}))(t)
	ok(f.iam.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: aws.String("p"), TagKeys: []string{"a"}}))(t)
	got := must(f.iam.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("p")}))(t)
	if diff := cmp.Diff([]string{"b=2"}, tagPairs(got.Tags)); diff != "" {
		t.Errorf("ListInstanceProfileTags (-want +got):\n%s", diff)
	}

	// List actions leave the tags out, as IAM does.
	list := must(f.iam.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{}))(t)
	if len(list.InstanceProfiles) != 1 || list.InstanceProfiles[0].Tags != nil {
		t.Errorf("ListInstanceProfiles = %+v, want one profile without tags", list.InstanceProfiles)
	}
}
