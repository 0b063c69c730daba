package sandbox

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAccountAlias(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	aliases := func() []string {
		return must(f.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{}))(t).AccountAliases
	}
	if got := aliases(); got == nil || len(got) != 0 {
		t.Errorf("aliases of a new account = %v, want an empty list", got)
	}

	ok(f.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-dev")}))(t)
	_, err := f.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-dev")})
	wantError(t, err, "EntityAlreadyExists", 409, "The account alias acme-dev already exists.")

	// An account has one alias: a new one replaces it.
	ok(f.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-prod")}))(t)
	if diff := cmp.Diff([]string{"acme-prod"}, aliases()); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}

	_, err = f.iam.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("acme-dev")})
	wantError(t, err, "NoSuchEntity", 404, "The account alias acme-dev cannot be found.")
	ok(f.iam.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("acme-prod")}))(t)
	if got := aliases(); len(got) != 0 {
		t.Errorf("aliases after delete = %v, want none", got)
	}
}

func TestAccountAliasValidation(t *testing.T) {
	tests := map[string]string{
		"too short":               "ab",
		"too long":                strings.Repeat("a", 64),
		"leading hyphen":          "-acme",
		"trailing hyphen":         "acme-",
		"double hyphen":           "ac--me",
		"upper case":              "Acme",
		"underscore":              "acme_dev",
		"sixty-four with hyphens": strings.Repeat("a-", 32),
	}
	for name, alias := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Options{})
			_, err := f.iam.CreateAccountAlias(t.Context(), &iam.CreateAccountAliasInput{AccountAlias: aws.String(alias)})
			wantError(t, err, "ValidationError", 400, "")
		})
	}
}

func TestPasswordPolicy(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	_, err := f.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	wantError(t, err, "NoSuchEntity", 404, "The Password Policy with domain name 123456789012 cannot be found.")
	_, err = f.iam.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{})
	wantError(t, err, "NoSuchEntity", 404, "The account policy with name PasswordPolicy cannot be found.")

	get := func() *types.PasswordPolicy {
		return must(f.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}))(t).PasswordPolicy
	}
	ignore := cmpopts.IgnoreUnexported(types.PasswordPolicy{})

	// Every setting.
	ok(f.iam.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(10), RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
		RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: aws.Int32(60),
		PasswordReusePrevention: aws.Int32(3), HardExpiry: aws.Bool(true),
	}))(t)
	full := &types.PasswordPolicy{
		MinimumPasswordLength: aws.Int32(10), RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
		RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, ExpirePasswords: true, MaxPasswordAge: aws.Int32(60),
		PasswordReusePrevention: aws.Int32(3), HardExpiry: aws.Bool(true),
	}
	if diff := cmp.Diff(full, get(), ignore); diff != "" {
		t.Errorf("policy with every setting (-want +got):\n%s", diff)
	}

	// An update replaces the whole policy: what it leaves out returns to
	// the default, and IAM leaves the unset optional numbers out.
	ok(f.iam.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{}))(t)
	defaults := &types.PasswordPolicy{MinimumPasswordLength: aws.Int32(6)}
	if diff := cmp.Diff(defaults, get(), ignore); diff != "" {
		t.Errorf("policy after an empty update (-want +got):\n%s", diff)
	}

	ok(f.iam.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{}))(t)
	_, err = f.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	wantError(t, err, "NoSuchEntity", 404, "")
}

func TestPasswordPolicyValidation(t *testing.T) {
	f := newFixture(t, Options{})
	_, err := f.iam.UpdateAccountPasswordPolicy(t.Context(), &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(129), PasswordReusePrevention: aws.Int32(25), MaxPasswordAge: aws.Int32(1096),
	})
	wantError(t, err, "ValidationError", 400, "3 validation errors detected: "+
		"Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; "+
		"Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24; "+
		"Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095")

	_, err = f.iam.UpdateAccountPasswordPolicy(t.Context(), &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(5)})
	wantError(t, err, "ValidationError", 400,
		"1 validation error detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6")
}

func TestAccountSummary(t *testing.T) {
	f := newFixture(t, Options{Quotas: map[string]int32{"AttachedPoliciesPerRoleQuota": 20}})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	ok(f.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}))(t)
	ok(f.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllDocument)}))(t)
	ok(f.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))(t)
	ok(f.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("d")}))(t)

	got := must(f.iam.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}))(t).SummaryMap
	want := map[string]int32{
		"Users": 1, "Groups": 1, "Roles": 0, "Policies": 1, "InstanceProfiles": 0, "MFADevices": 1, "MFADevicesInUse": 0,
		"AccountMFAEnabled": 0, "UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500,
		"InstanceProfilesQuota": 1000, "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerRoleQuota": 20,
		"AttachedPoliciesPerGroupQuota": 10, "GroupsPerUserQuota": 10, "VersionsPerPolicyQuota": 5, "PolicySizeQuota": 6144,
		"UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240, "AssumeRolePolicySizeQuota": 2048,
		"AccessKeysPerUserQuota": 2, "SigningCertificatesPerUserQuota": 2, "PolicyVersionsInUse": 1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("summary %s = %d, want %d", k, got[k], v)
		}
	}
	if _, has := got["TagsPerResourceQuota"]; has {
		t.Errorf("summary has TagsPerResourceQuota, which IAM does not report")
	}
}

func TestUnknownQuotaIsRejected(t *testing.T) {
	_, err := New(Options{Quotas: map[string]int32{"UserQuota": 1}})
	if err == nil || !strings.Contains(err.Error(), `unknown quota "UserQuota"`) {
		t.Errorf("New with a misspelt quota = %v, want an unknown quota error", err)
	}
}
