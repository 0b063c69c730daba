package provider

import (
	"context"
	"errors"
	"time"
)

// Reader reads the live state of an account.
type Reader interface {
	// ReadState reads the whole account in bulk. A read that fails part-way
	// returns an error and no state: callers never plan from a partial read.
	ReadState(ctx context.Context, opts ReadOptions) (*State, error)

	// ReadUserCredentials lists what a user holds besides policies and
	// memberships: login profile, access keys, MFA devices, SSH keys, signing
	// certificates and service-specific credentials.
	ReadUserCredentials(ctx context.Context, userName string) (*UserCredentials, error)
}

// ReadOptions names the extra, per-entity reads that the bulk read cannot
// cover. Each costs API calls, so callers ask only for what they compare.
type ReadOptions struct {
	// CredentialsOf lists users whose credentials are read.
	CredentialsOf []string
	// PolicyTagsOf lists customer-managed policy ARNs whose tags are read.
	PolicyTagsOf []string
	// InstanceProfileTagsOf lists instance profile names whose tags are read.
	InstanceProfileTagsOf []string
	// SkipAccountSettings leaves out the account alias and password policy.
	SkipAccountSettings bool
	// PoliciesOf lists managed policy ARNs, typically AWS-managed ones that
	// nothing in the account uses yet, to look up with GetPolicy: those that
	// exist join State.Policies, the others State.MissingPolicies.
	PoliciesOf []string
	// Caller, when set, is the identity that the same credentials already
	// returned from GetCallerIdentity; ReadState then uses it instead of
	// calling GetCallerIdentity again.
	Caller *Identity
}

// Writer changes a live account. Each method makes one IAM API call, named
// as the method is, and returns IAM's error (see ErrorCode) on failure.
type Writer interface {
	CreateUser(ctx context.Context, in CreateUserInput) error
	UpdateUser(ctx context.Context, name, newName, newPath string) error
	DeleteUser(ctx context.Context, name string) error
	TagUser(ctx context.Context, name string, tags []Tag) error
	UntagUser(ctx context.Context, name string, keys []string) error
	PutUserPermissionsBoundary(ctx context.Context, name, policyARN string) error
	DeleteUserPermissionsBoundary(ctx context.Context, name string) error
	PutUserPolicy(ctx context.Context, userName, policyName, document string) error
	DeleteUserPolicy(ctx context.Context, userName, policyName string) error
	AttachUserPolicy(ctx context.Context, userName, policyARN string) error
	DetachUserPolicy(ctx context.Context, userName, policyARN string) error
	AddUserToGroup(ctx context.Context, groupName, userName string) error
	RemoveUserFromGroup(ctx context.Context, groupName, userName string) error

	CreateAccessKey(ctx context.Context, userName string) (*AccessKeySecret, error)
	UpdateAccessKey(ctx context.Context, userName, keyID, status string) error
	DeleteAccessKey(ctx context.Context, userName, keyID string) error
	CreateLoginProfile(ctx context.Context, userName, password string, resetRequired bool) error
	UpdateLoginProfile(ctx context.Context, userName string, resetRequired bool) error
	DeleteLoginProfile(ctx context.Context, userName string) error
	DeactivateMFADevice(ctx context.Context, userName, serialNumber string) error
	DeleteVirtualMFADevice(ctx context.Context, serialNumber string) error
	DeleteSSHPublicKey(ctx context.Context, userName, keyID string) error
	DeleteSigningCertificate(ctx context.Context, userName, certificateID string) error
	DeleteServiceSpecificCredential(ctx context.Context, userName, credentialID string) error

	CreateGroup(ctx context.Context, name, path string) error
	UpdateGroup(ctx context.Context, name, newName, newPath string) error
	DeleteGroup(ctx context.Context, name string) error
	PutGroupPolicy(ctx context.Context, groupName, policyName, document string) error
	DeleteGroupPolicy(ctx context.Context, groupName, policyName string) error
	AttachGroupPolicy(ctx context.Context, groupName, policyARN string) error
	DetachGroupPolicy(ctx context.Context, groupName, policyARN string) error

	CreateRole(ctx context.Context, in CreateRoleInput) error
	// UpdateRole sets the description and the maximum session duration; a nil
	// argument leaves that setting as it is.
	UpdateRole(ctx context.Context, name string, description *string, maxSessionDuration *int32) error
	UpdateAssumeRolePolicy(ctx context.Context, name, document string) error
	DeleteRole(ctx context.Context, name string) error
	TagRole(ctx context.Context, name string, tags []Tag) error
	UntagRole(ctx context.Context, name string, keys []string) error
	PutRolePermissionsBoundary(ctx context.Context, name, policyARN string) error
	DeleteRolePermissionsBoundary(ctx context.Context, name string) error
	PutRolePolicy(ctx context.Context, roleName, policyName, document string) error
	DeleteRolePolicy(ctx context.Context, roleName, policyName string) error
	AttachRolePolicy(ctx context.Context, roleName, policyARN string) error
	DetachRolePolicy(ctx context.Context, roleName, policyARN string) error

	// CreatePolicy returns the new policy's ARN.
	CreatePolicy(ctx context.Context, in CreatePolicyInput) (string, error)
	// CreatePolicyVersion returns the new version's id.
	CreatePolicyVersion(ctx context.Context, policyARN, document string, setAsDefault bool) (string, error)
	SetDefaultPolicyVersion(ctx context.Context, policyARN, versionID string) error
	DeletePolicyVersion(ctx context.Context, policyARN, versionID string) error
	DeletePolicy(ctx context.Context, policyARN string) error
	TagPolicy(ctx context.Context, policyARN string, tags []Tag) error
	UntagPolicy(ctx context.Context, policyARN string, keys []string) error

	CreateInstanceProfile(ctx context.Context, name, path string, tags []Tag) error
	DeleteInstanceProfile(ctx context.Context, name string) error
	AddRoleToInstanceProfile(ctx context.Context, profileName, roleName string) error
	RemoveRoleFromInstanceProfile(ctx context.Context, profileName, roleName string) error
	TagInstanceProfile(ctx context.Context, name string, tags []Tag) error
	UntagInstanceProfile(ctx context.Context, name string, keys []string) error

	CreateAccountAlias(ctx context.Context, alias string) error
	DeleteAccountAlias(ctx context.Context, alias string) error
	UpdateAccountPasswordPolicy(ctx context.Context, policy PasswordPolicy) error
	DeleteAccountPasswordPolicy(ctx context.Context) error
}

// CreateUserInput holds the arguments of CreateUser.
type CreateUserInput struct {
	Name                string
	Path                string
	PermissionsBoundary string
	Tags                []Tag
}

// CreateRoleInput holds the arguments of CreateRole.
type CreateRoleInput struct {
	Name                string
	Path                string
	AssumeRolePolicy    string
	Description         string
	MaxSessionDuration  int32
	PermissionsBoundary string
	Tags                []Tag
}

// CreatePolicyInput holds the arguments of CreatePolicy.
type CreatePolicyInput struct {
	Name        string
	Path        string
	Document    string
	Description string
	Tags        []Tag
}

// AccessKeySecret is a newly created access key with its secret. The secret
// exists only in this value: IAM never returns it again.
type AccessKeySecret struct {
	UserName        string
	AccessKeyID     string
	SecretAccessKey string
	CreateDate      time.Time
}

// String hides the secret so that a key printed by mistake leaks nothing.
func (k AccessKeySecret) String() string { return k.AccessKeyID + " (secret hidden)" }

// IAM error codes that callers branch on.
const (
	CodeNoSuchEntity                  = "NoSuchEntity"
	CodeEntityAlreadyExists           = "EntityAlreadyExists"
	CodeDeleteConflict                = "DeleteConflict"
	CodeLimitExceeded                 = "LimitExceeded"
	CodeMalformedPolicyDocument       = "MalformedPolicyDocument"
	CodeValidationError               = "ValidationError"
	CodeInvalidInput                  = "InvalidInput"
	CodeThrottling                    = "Throttling"
	CodeServiceFailure                = "ServiceFailure"
	CodeConcurrentModification        = "ConcurrentModification"
	CodeEntityTemporarilyUnmodifiable = "EntityTemporarilyUnmodifiable"
	CodeUnmodifiableEntity            = "UnmodifiableEntity"
)

// ErrorCode returns the IAM error code carried by err, such as
// "NoSuchEntity", or the empty string when err carries none.
func ErrorCode(err error) string {
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) {
		return coded.ErrorCode()
	}
	return ""
}
