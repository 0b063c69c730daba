package sandbox

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestRoleLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	created := must(f.iam.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("app"), Path: aws.String("/svc/"), AssumeRolePolicyDocument: aws.String(trustEC2Document),
		Description: aws.String("runs the app"), MaxSessionDuration: aws.Int32(7200),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}},
	}))(t)
	if got, want := aws.ToString(created.Role.Arn), "arn:aws:iam::123456789012:role/svc/app"; got != want {
		t.Errorf("ARN = %s, want %s", got, want)
	}
	if id := aws.ToString(created.Role.RoleId); !strings.HasPrefix(id, "AROA") {
		t.Errorf("RoleId = %s, want an AROA id", id)
	}
	_, err := f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("APP"), AssumeRolePolicyDocument: aws.String(trustEC2Document)})
	wantError(t, err, "EntityAlreadyExists", 409, "Role with name app already exists.")

	// GetRole has everything, the trust policy URL-encoded.
	got := must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("APP")}))(t)
	if decoded(t, got.Role.AssumeRolePolicyDocument) != trustEC2Document {
		t.Errorf("trust policy = %s", aws.ToString(got.Role.AssumeRolePolicyDocument))
	}
	if aws.ToString(got.Role.Description) != "runs the app" || aws.ToInt32(got.Role.MaxSessionDuration) != 7200 || len(got.Role.Tags) != 1 {
		t.Errorf("GetRole = %+v", got.Role)
	}
	if got.Role.RoleLastUsed == nil {
		t.Errorf("GetRole has no RoleLastUsed, want an empty one")
	}

	// ListRoles has the description and session duration, but no tags,
	// boundary or last use.
	list := must(f.iam.ListRoles(ctx, &iam.ListRolesInput{}))(t)
	if len(list.Roles) != 1 {
		t.Fatalf("ListRoles = %d roles, want 1", len(list.Roles))
	}
	listed := list.Roles[0]
	if aws.ToString(listed.Description) != "runs the app" || aws.ToInt32(listed.MaxSessionDuration) != 7200 {
		t.Errorf("ListRoles role lacks description or session duration: %+v", listed)
	}
	if listed.Tags != nil || listed.PermissionsBoundary != nil || listed.RoleLastUsed != nil {
		t.Errorf("ListRoles role has tags, boundary or last use: %+v", listed)
	}

	// Updates.
	ok(f.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("app"), MaxSessionDuration: aws.Int32(3600)}))(t)
	ok(f.iam.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("app"), Description: aws.String("new")}))(t)
	newTrust := strings.Replace(trustEC2Document, "ec2", "lambda", 1)
	ok(f.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"), PolicyDocument: aws.String(newTrust)}))(t)
	got = must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")}))(t)
	if aws.ToInt32(got.Role.MaxSessionDuration) != 3600 || aws.ToString(got.Role.Description) != "new" || decoded(t, got.Role.AssumeRolePolicyDocument) != newTrust {
		t.Errorf("role after updates = %+v", got.Role)
	}

	ok(f.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")}))(t)
	_, err = f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
	wantError(t, err, "NoSuchEntity", 404, "The role with name app cannot be found.")
}

func TestCreateRoleValidation(t *testing.T) {
	tests := map[string]struct {
		in      iam.CreateRoleInput
		code    string
		status  int
		message string
	}{
		"session duration too short": {
			in:   iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document), MaxSessionDuration: aws.Int32(100)},
			code: "ValidationError", status: 400,
			message: "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
		},
		"session duration too long": {
			in:   iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document), MaxSessionDuration: aws.Int32(43201)},
			code: "ValidationError", status: 400,
		},
		"description too long": {
			in:   iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document), Description: aws.String(strings.Repeat("d", 1001))},
			code: "ValidationError", status: 400,
		},
		"trust policy without principal": {
			in:   iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)},
			code: "MalformedPolicyDocument", status: 400,
			message: "Missing required field Principal",
		},
		"trust policy with a resource": {
			in: iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}`)},
			code: "MalformedPolicyDocument", status: 400,
			message: "Has prohibited field Resource",
		},
		"trust policy too large": {
			in:   iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustDocumentOfSize(2049))},
			code: "LimitExceeded", status: 409,
			message: "Cannot exceed quota for ACLSizePerRole: 2048",
		},
		"reserved path": {
			in:   iam.CreateRoleInput{RoleName: aws.String("r"), Path: aws.String("/aws-service-role/x/"), AssumeRolePolicyDocument: aws.String(trustEC2Document)},
			code: "InvalidInput", status: 400,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			_, err := f.iam.CreateRole(t.Context(), &tc.in)
			wantError(t, err, tc.code, tc.status, tc.message)
		})
	}
}

func TestTrustPolicySizeIgnoresWhiteSpace(t *testing.T) {
	f := newFixture(t, Options{})
	doc := trustDocumentOfSize(2048)
	spaced := strings.ReplaceAll(doc, ",", ",\n    ")
	ok(f.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(spaced)}))(t)
}

// trustDocumentOfSize returns a valid trust policy of exactly n characters,
// white space not counted.
func trustDocumentOfSize(n int) string {
	head := `{"Version":"2012-10-17","Statement":[{"Sid":"`
	tail := `","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}

func TestDeleteRoleConflicts(t *testing.T) {
	tests := map[string]struct {
		setUp   func(t *testing.T, f *fixture)
		message string
	}{
		"instance profile": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.CreateInstanceProfile(t.Context(), &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")}))(t)
				ok(f.iam.AddRoleToInstanceProfile(t.Context(), &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ip"), RoleName: aws.String("r")}))(t)
			},
			message: "Cannot delete entity, must remove roles from instance profile first.",
		},
		"attached policy": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.AttachRolePolicy(t.Context(), &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)
			},
			message: "Cannot delete entity, must detach all policies first.",
		},
		"inline policy": {
			setUp: func(t *testing.T, f *fixture) {
				ok(f.iam.PutRolePolicy(t.Context(), &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)}))(t)
			},
			message: "Cannot delete entity, must delete policies first.",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			ok(f.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)
			tc.setUp(t, f)
			_, err := f.iam.DeleteRole(t.Context(), &iam.DeleteRoleInput{RoleName: aws.String("r")})
			wantError(t, err, "DeleteConflict", 409, tc.message)
		})
	}
}

func TestServiceLinkedRoleIsUnmodifiable(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	slr := must(f.iam.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("support.amazonaws.com")}))(t)
	name := aws.ToString(slr.Role.RoleName)
	if name != "AWSServiceRoleForSupport" || aws.ToString(slr.Role.Path) != "/aws-service-role/support.amazonaws.com/" {
		t.Fatalf("service-linked role = %s at %s", name, aws.ToString(slr.Role.Path))
	}

	message := "Cannot perform the operation on the protected role 'AWSServiceRoleForSupport' - this role is only modifiable by AWS"
	calls := map[string]func() error{
		"DeleteRole": func() error {
			_, err := f.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: &name})
			return err
		},
		"UpdateRole": func() error {
			_, err := f.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: &name, Description: aws.String("x")})
			return err
		},
		"UpdateAssumeRolePolicy": func() error {
			_, err := f.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: &name, PolicyDocument: aws.String(trustEC2Document)})
			return err
		},
		"AttachRolePolicy": func() error {
			_, err := f.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: &name, PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
		"PutRolePolicy": func() error {
			_, err := f.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &name, PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)})
			return err
		},
		"PutRolePermissionsBoundary": func() error {
			_, err := f.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: &name, PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			return err
		},
	}
	for action, call := range calls {
		t.Run(action, func(t *testing.T) {
			wantError(t, call(), "UnmodifiableEntity", 400, message)
		})
	}

	// Tags are allowed on service-linked roles.
	ok(f.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: &name, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}))(t)
}

func TestAttachedPoliciesPerRoleQuota(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)
	for i := range 10 {
		arn := "arn:aws:iam::aws:policy/P" + strings.Repeat("x", i)
		ok(f.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}))(t)
	}
	_, err := f.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/Eleventh")})
	wantError(t, err, "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerRole: 10")

	// Attaching one already attached is not an eleventh.
	ok(f.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/P")}))(t)

	attached := must(f.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("r")}))(t)
	if len(attached.AttachedPolicies) != 10 {
		t.Errorf("ListAttachedRolePolicies = %d policies, want 10", len(attached.AttachedPolicies))
	}
	ok(f.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/P")}))(t)
	_, err = f.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/P")})
	wantError(t, err, "NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/P was not found.")
}

func TestRoleBoundary(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustEC2Document)}))(t)
	boundary := "arn:aws:iam::aws:policy/PowerUserAccess"
	ok(f.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String(boundary)}))(t)
	got := must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))(t)
	if got.Role.PermissionsBoundary == nil || aws.ToString(got.Role.PermissionsBoundary.PermissionsBoundaryArn) != boundary ||
		got.Role.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Errorf("boundary = %+v, want %s", got.Role.PermissionsBoundary, boundary)
	}
	pol := must(f.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(boundary)}))(t)
	if aws.ToInt32(pol.Policy.PermissionsBoundaryUsageCount) != 1 {
		t.Errorf("PermissionsBoundaryUsageCount = %d, want 1", aws.ToInt32(pol.Policy.PermissionsBoundaryUsageCount))
	}
	ok(f.iam.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("r")}))(t)
	got = must(f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}))(t)
	if got.Role.PermissionsBoundary != nil {
		t.Errorf("boundary after delete = %+v, want none", got.Role.PermissionsBoundary)
	}
}
