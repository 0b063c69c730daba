package sandbox

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/internal/testenv"
)

// cataloguePath returns the snapshot of AWS-managed policies shared by the
// project's tests, found beside the checkout (see internal/testenv); tests
// skip without it.
func cataloguePath(t testing.TB) string { return testenv.ManagedPolicyCatalogue(t) }

func TestPolicyVersions(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	created := must(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: aws.String("deploy"), Path: aws.String("/ci/"), PolicyDocument: aws.String(allowAllDocument),
		Description: aws.String("deploys things"),
	}))(t)
	arn := aws.ToString(created.Policy.Arn)
	if arn != "arn:aws:iam::123456789012:policy/ci/deploy" || aws.ToString(created.Policy.DefaultVersionId) != "v1" {
		t.Fatalf("CreatePolicy = %s version %s", arn, aws.ToString(created.Policy.DefaultVersionId))
	}

	// Up to five versions; the sixth is LimitExceeded.
	for i := 2; i <= 5; i++ {
		doc := strings.Replace(allowAllDocument, `"*","Resource"`, `"s3:Get`+strconv.Itoa(i)+`","Resource"`, 1)
		v := must(f.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(doc), SetAsDefault: i == 3}))(t)
		if got := aws.ToString(v.PolicyVersion.VersionId); got != "v"+strconv.Itoa(i) {
			t.Errorf("version id = %s, want v%d", got, i)
		}
	}
	_, err := f.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(allowAllDocument)})
	wantError(t, err, "LimitExceeded", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")

	// The default is v3, and it cannot be deleted.
	pol := must(f.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn}))(t)
	if aws.ToString(pol.Policy.DefaultVersionId) != "v3" || aws.ToString(pol.Policy.Description) != "deploys things" {
		t.Errorf("GetPolicy = version %s, description %q", aws.ToString(pol.Policy.DefaultVersionId), aws.ToString(pol.Policy.Description))
	}
	_, err = f.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v3")})
	wantError(t, err, "DeleteConflict", 409, "Cannot delete the default version of a policy.")

	// Version ids are not reused after a deletion.
	ok(f.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v5")}))(t)
	v6 := must(f.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: aws.String(allowAllDocument)}))(t)
	if got := aws.ToString(v6.PolicyVersion.VersionId); got != "v6" {
		t.Errorf("version after deleting v5 = %s, want v6", got)
	}

	// ListPolicyVersions lists newest first, without documents.
	versions := must(f.iam.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &arn}))(t)
	var ids []string
	for _, v := range versions.Versions {
		ids = append(ids, aws.ToString(v.VersionId))
		if v.Document != nil {
			t.Errorf("ListPolicyVersions returned the document of %s", aws.ToString(v.VersionId))
		}
	}
	if diff := cmp.Diff([]string{"v6", "v4", "v3", "v2", "v1"}, ids); diff != "" {
		t.Errorf("ListPolicyVersions (-want +got):\n%s", diff)
	}

	got := must(f.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v1")}))(t)
	if decoded(t, got.PolicyVersion.Document) != allowAllDocument || got.PolicyVersion.IsDefaultVersion {
		t.Errorf("GetPolicyVersion v1 = %+v", got.PolicyVersion)
	}
	ok(f.iam.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v1")}))(t)
	_, err = f.iam.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: &arn, VersionId: aws.String("v9")})
	wantError(t, err, "NoSuchEntity", 404, "")
}

func TestPolicyNamesAreUniqueAcrossPaths(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Deploy"), PolicyDocument: aws.String(allowAllDocument)}))(t)
	_, err := f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("deploy"), Path: aws.String("/other/"), PolicyDocument: aws.String(allowAllDocument)})
	wantError(t, err, "EntityAlreadyExists", 409, "A policy called Deploy already exists. Duplicate names are not allowed.")
}

func TestDeletePolicyConflicts(t *testing.T) {
	const arn = "arn:aws:iam::123456789012:policy/p"
	tests := map[string]struct {
		setUp   func(t *testing.T, f *fixture)
		message string
	}{
		"attached": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreateGroup(t.Context(), &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
				ok(f.iam.AttachGroupPolicy(t.Context(), &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String(arn)}))(t)
			},
			message: "Cannot delete a policy attached to entities.",
		},
		"permissions boundary": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("u"), PermissionsBoundary: aws.String(arn)}))(t)
			},
			message: "Cannot delete a policy used as a permissions boundary for entities.",
		},
		"non-default version": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreatePolicyVersion(t.Context(), &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(allowAllDocument)}))(t)
			},
			message: "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			ok(f.iam.CreatePolicy(t.Context(), &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)}))(t)
			tc.setUp(t, f)
			_, err := f.iam.DeletePolicy(t.Context(), &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
			wantError(t, err, "DeleteConflict", 409, tc.message)
		})
	}
}

func TestAWSManagedPoliciesWithoutCatalogue(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)

	// Any well-formed AWS-managed ARN is accepted and made up.
	arn := "arn:aws:iam::aws:policy/job-function/NoSuchThingInAWS"
	ok(f.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)}))(t)
	pol := must(f.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}))(t)
	if aws.ToString(pol.Policy.Path) != "/job-function/" || aws.ToInt32(pol.Policy.AttachmentCount) != 1 {
		t.Errorf("made-up policy = %+v", pol.Policy)
	}

	// A malformed one is not.
	_, err := f.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::aws:policy/bad name")})
	wantError(t, err, "NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/bad name does not exist or is not attachable.")
	_, err = f.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/missing")})
	wantError(t, err, "NoSuchEntity", 404, "")
}

func TestAWSManagedPoliciesWithCatalogue(t *testing.T) {
	f := newFixture(t, Options{CataloguePath: cataloguePath(t)})
	ctx := t.Context()
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)

	// A catalogued policy attaches, with its real document.
	arn := "arn:aws:iam::aws:policy/ReadOnlyAccess"
	ok(f.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}))(t)
	pol := must(f.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}))(t)
	version := must(f.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: pol.Policy.DefaultVersionId}))(t)
	if !strings.Contains(decoded(t, version.PolicyVersion.Document), `"Version":"2012-10-17"`) {
		t.Errorf("ReadOnlyAccess document = %.200s", decoded(t, version.PolicyVersion.Document))
	}

	// Unknown and retired ones do not.
	retired := firstRetiredPolicy(t)
	for _, missing := range []string{"arn:aws:iam::aws:policy/NoSuchThingInAWS", retired} {
		_, err := f.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(missing)})
		wantError(t, err, "NoSuchEntity", 404, "Policy "+missing+" does not exist or is not attachable.")
	}

	// AWS-managed policies cannot be changed.
	_, err := f.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantError(t, err, "InvalidInput", 400, "")
	_, err = f.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(allowAllDocument)})
	wantError(t, err, "InvalidInput", 400, "")
	_, err = f.iam.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantError(t, err, "InvalidInput", 400, "")

	// ListPolicies pages through the whole catalogue.
	var awsCount, attached int
	pages := iam.NewListPoliciesPaginator(f.iam, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(1000)})
	for pages.HasMorePages() {
		awsCount += len(must(pages.NextPage(ctx))(t).Policies)
	}
	only := must(f.iam.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true}))(t)
	attached = len(only.Policies)
	if want := catalogueSize(t); awsCount != want {
		t.Errorf("ListPolicies Scope=AWS = %d policies, want the catalogue's %d", awsCount, want)
	}
	if attached != 1 || aws.ToString(only.Policies[0].Arn) != arn {
		t.Errorf("ListPolicies OnlyAttached = %d policies, want ReadOnlyAccess only", attached)
	}
}

// catalogueSize is the number of policies in the catalogue.
func catalogueSize(t *testing.T) int {
	t.Helper()
	var f catalogueFile
	if err := json.Unmarshal(must(os.ReadFile(cataloguePath(t)))(t), &f); err != nil {
		t.Fatal(err)
	}
	return len(f.Policies)
}

func firstRetiredPolicy(t *testing.T) string {
	t.Helper()
	var f catalogueFile
	if err := json.Unmarshal(must(os.ReadFile(cataloguePath(t)))(t), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Source.ExcludedRetired) == 0 {
		t.Fatal("catalogue names no retired policy")
	}
	return f.Source.ExcludedRetired[0]
}

func TestPolicySizeQuotas(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)

	// A managed policy is limited to 6144 characters.
	_, err := f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("big"), PolicyDocument: aws.String(permissionsDocumentOfSize(6145))})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")
	ok(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("fits"), PolicyDocument: aws.String(permissionsDocumentOfSize(6144))}))(t)

	// A user's inline policies together are limited to 2048.
	ok(f.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("a"), PolicyDocument: aws.String(permissionsDocumentOfSize(1000))}))(t)
	ok(f.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("b"), PolicyDocument: aws.String(permissionsDocumentOfSize(1048))}))(t)
	_, err = f.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("c"), PolicyDocument: aws.String(permissionsDocumentOfSize(200))})
	wantError(t, err, "LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user u")

	// Replacing a policy counts its new size, not both.
	ok(f.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("b"), PolicyDocument: aws.String(permissionsDocumentOfSize(1048))}))(t)
}

// permissionsDocumentOfSize returns a valid permissions policy of exactly n
// characters, white space not counted.
func permissionsDocumentOfSize(n int) string {
	head := `{"Version":"2012-10-17","Statement":[{"Sid":"`
	tail := `","Effect":"Allow","Action":"*","Resource":"*"}]}`
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}

func TestListEntitiesForPolicy(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	arn := aws.ToString(must(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)}))(t).Policy.Arn)
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("attached-user")}))(t)
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bounded-user"), PermissionsBoundary: &arn}))(t)
	ok(f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)
	ok(f.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("attached-user"), PolicyArn: &arn}))(t)
	ok(f.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: &arn}))(t)
	ok(f.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: &arn}))(t)

	tests := map[string]struct {
		in                   iam.ListEntitiesForPolicyInput
		users, groups, roles int
	}{
		"all":               {in: iam.ListEntitiesForPolicyInput{}, users: 2, groups: 1, roles: 1},
		"users only":        {in: iam.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeUser}, users: 2},
		"boundaries only":   {in: iam.ListEntitiesForPolicyInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, users: 1},
		"permissions only":  {in: iam.ListEntitiesForPolicyInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}, users: 1, groups: 1, roles: 1},
		"path with nothing": {in: iam.ListEntitiesForPolicyInput{PathPrefix: aws.String("/none/")}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.in.PolicyArn = &arn
			got := must(f.iam.ListEntitiesForPolicy(ctx, &tc.in))(t)
			if len(got.PolicyUsers) != tc.users || len(got.PolicyGroups) != tc.groups || len(got.PolicyRoles) != tc.roles {
				t.Errorf("got %d users, %d groups, %d roles; want %d, %d, %d",
					len(got.PolicyUsers), len(got.PolicyGroups), len(got.PolicyRoles), tc.users, tc.groups, tc.roles)
			}
		})
	}
}

func TestPolicyTags(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	arn := must(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument),
		Tags: []types.Tag{{Key: aws.String("Env"), Value: aws.String("dev")}}}))(t).Policy.Arn

	// Policy tag keys are case-sensitive: env is a second tag.
	ok(f.iam.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: arn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}))(t)
	got := must(f.iam.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: arn}))(t)
	if diff := cmp.Diff([]string{"Env=dev", "env=prod"}, tagPairs(got.Tags)); diff != "" {
		t.Errorf("ListPolicyTags (-want +got):\n%s", diff)
	}
	ok(f.iam.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: arn, TagKeys: []string{"Env"}}))(t)
	got = must(f.iam.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: arn}))(t)
	if diff := cmp.Diff([]string{"env=prod"}, tagPairs(got.Tags)); diff != "" {
		t.Errorf("ListPolicyTags after untag (-want +got):\n%s", diff)
	}
}
