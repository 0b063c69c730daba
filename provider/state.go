package provider

import (
	"sort"
	"strings"
	"time"
)

// State is a snapshot of the IAM entities of one account, as read through the
// IAM API. Names keep the spelling IAM returned; lookups fold case because IAM
// names are unique case-insensitively.
type State struct {
	AccountID string
	Partition string
	Caller    Identity

	// Aliases holds the account aliases; IAM allows at most one.
	Aliases []string

	// PasswordPolicy is nil when the account has none.
	PasswordPolicy *PasswordPolicy

	Users            []*User
	Groups           []*Group
	Roles            []*Role
	Policies         []*ManagedPolicy
	InstanceProfiles []*InstanceProfile

	// MissingPolicies lists the ARNs of ReadOptions.PoliciesOf that
	// GetPolicy did not find.
	MissingPolicies []string
	// AWSManagedPolicyARNs lists every AWS-managed policy, from ListPolicies,
	// when an AWS-managed ARN is among MissingPolicies, so that a plan can
	// suggest the one meant. It is nil otherwise.
	AWSManagedPolicyARNs []string

	// Summary holds GetAccountSummary's map: usage counts and quotas such as
	// AttachedPoliciesPerRoleQuota, keyed by IAM's names.
	Summary map[string]int32

	// RoleDetailsRead tells whether Description and MaxSessionDuration of the
	// roles were filled in from ListRoles. GetAccountAuthorizationDetails does
	// not return them.
	RoleDetailsRead bool
}

// Identity is the caller of the API, as GetCallerIdentity returns it.
type Identity struct {
	Account string
	ARN     string
	UserID  string
}

// Tag is one IAM tag. Tags are kept in the order IAM returned them.
type Tag struct {
	Key   string
	Value string
}

// InlinePolicy is a policy document embedded in a user, group or role.
// Document is the decoded JSON text (IAM sends it URL-encoded).
type InlinePolicy struct {
	Name     string
	Document string
}

// User is a live IAM user.
type User struct {
	Name       string
	Path       string
	ID         string
	ARN        string
	CreateDate time.Time

	Tags                []Tag
	PermissionsBoundary string // policy ARN, empty when none
	Groups              []string
	InlinePolicies      []InlinePolicy
	AttachedPolicies    []string // policy ARNs

	// Credentials is nil unless the reader was asked to read this user's
	// credentials, because GetAccountAuthorizationDetails leaves them out.
	Credentials *UserCredentials
}

// UserCredentials holds what IAM refuses to delete a user with, besides
// policies and memberships.
type UserCredentials struct {
	LoginProfile               *LoginProfile
	AccessKeys                 []AccessKey
	MFADevices                 []string // serial numbers
	SSHPublicKeys              []string // key ids
	SigningCertificates        []string // certificate ids
	ServiceSpecificCredentials []string // credential ids
	PasswordLastUsed           *time.Time
}

// LoginProfile is a user's console password setting.
type LoginProfile struct {
	CreateDate            time.Time
	PasswordResetRequired bool
}

// AccessKey is a user's access key, without its secret, which IAM returns
// only once, when the key is created.
type AccessKey struct {
	ID         string
	Status     string // Active or Inactive
	CreateDate time.Time
	LastUsed   *time.Time
}

// Group is a live IAM group. Groups carry no tags in IAM.
type Group struct {
	Name       string
	Path       string
	ID         string
	ARN        string
	CreateDate time.Time

	InlinePolicies   []InlinePolicy
	AttachedPolicies []string
}

// Role is a live IAM role.
type Role struct {
	Name       string
	Path       string
	ID         string
	ARN        string
	CreateDate time.Time

	AssumeRolePolicy    string // decoded JSON
	Description         string
	MaxSessionDuration  int32 // seconds; zero when not read
	Tags                []Tag
	PermissionsBoundary string
	InlinePolicies      []InlinePolicy
	AttachedPolicies    []string
	InstanceProfiles    []string // names of the instance profiles that hold the role
	LastUsed            *time.Time
	LastUsedRegion      string
}

// ManagedPolicy is a customer-managed or AWS-managed policy.
type ManagedPolicy struct {
	Name             string
	Path             string
	ID               string
	ARN              string
	Description      string
	DefaultVersionID string
	Versions         []PolicyVersion
	AttachmentCount  int32
	BoundaryCount    int32 // how many users and roles use it as permissions boundary
	CreateDate       time.Time
	UpdateDate       time.Time

	// Tags is nil unless the reader was asked for this policy's tags, because
	// neither GetAccountAuthorizationDetails nor ListPolicies returns them.
	Tags []Tag
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID         string
	Document   string // decoded JSON
	IsDefault  bool
	CreateDate time.Time
}

// InstanceProfile is a live instance profile.
type InstanceProfile struct {
	Name       string
	Path       string
	ID         string
	ARN        string
	CreateDate time.Time
	Roles      []string // role names; IAM allows at most one

	// Tags is nil unless the reader was asked for this profile's tags.
	Tags []Tag
}

// PasswordPolicy is the account's password policy. Zero values of the
// optional fields mean the setting is off.
type PasswordPolicy struct {
	MinimumPasswordLength      int32
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	ExpirePasswords            bool
	MaxPasswordAge             int32 // days; 0 when passwords never expire
	PasswordReusePrevention    int32 // 0 when reuse is not limited
	HardExpiry                 bool
}

// DefaultVersion returns the policy's default version, or nil when the
// version list was not read.
func (p *ManagedPolicy) DefaultVersion() *PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].IsDefault || p.Versions[i].ID == p.DefaultVersionID {
			return &p.Versions[i]
		}
	}
	return nil
}

// AWSManaged reports whether the policy is owned by AWS (its ARN's account
// field is "aws").
func (p *ManagedPolicy) AWSManaged() bool { return IsAWSManagedPolicyARN(p.ARN) }

// IsAWSManagedPolicyARN reports whether arn names an AWS-managed policy, such
// as arn:aws:iam::aws:policy/ReadOnlyAccess.
func IsAWSManagedPolicyARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[4] == "aws" &&
		strings.HasPrefix(parts[5], "policy/")
}

// ReservedRolePath reports whether a role at path belongs to AWS: service-
// linked roles live under /aws-service-role/ and roles that AWS services such
// as IAM Identity Center create live under /aws-reserved/.
func ReservedRolePath(path string) bool {
	return strings.HasPrefix(path, "/aws-service-role/") || strings.HasPrefix(path, "/aws-reserved/")
}

// Reserved reports whether the role is owned by AWS and must never be changed.
func (r *Role) Reserved() bool { return ReservedRolePath(r.Path) }

// User returns the user named name, compared case-insensitively, or nil.
func (s *State) User(name string) *User {
	for _, u := range s.Users {
		if strings.EqualFold(u.Name, name) {
			return u
		}
	}
	return nil
}

// Group returns the group named name, compared case-insensitively, or nil.
func (s *State) Group(name string) *Group {
	for _, g := range s.Groups {
		if strings.EqualFold(g.Name, name) {
			return g
		}
	}
	return nil
}

// Role returns the role named name, compared case-insensitively, or nil.
func (s *State) Role(name string) *Role {
	for _, r := range s.Roles {
		if strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

// Policy returns the managed policy with the given ARN, or nil. The policy
// name part of the ARN is compared case-insensitively.
func (s *State) Policy(arn string) *ManagedPolicy {
	for _, p := range s.Policies {
		if strings.EqualFold(p.ARN, arn) {
			return p
		}
	}
	return nil
}

// InstanceProfile returns the instance profile named name, or nil.
func (s *State) InstanceProfile(name string) *InstanceProfile {
	for _, ip := range s.InstanceProfiles {
		if strings.EqualFold(ip.Name, name) {
			return ip
		}
	}
	return nil
}

// Sort orders every list of the state by name, so that output built from it
// is deterministic.
func (s *State) Sort() {
	sort.Slice(s.Users, func(i, j int) bool { return s.Users[i].Name < s.Users[j].Name })
	sort.Slice(s.Groups, func(i, j int) bool { return s.Groups[i].Name < s.Groups[j].Name })
	sort.Slice(s.Roles, func(i, j int) bool { return s.Roles[i].Name < s.Roles[j].Name })
	sort.Slice(s.Policies, func(i, j int) bool { return s.Policies[i].ARN < s.Policies[j].ARN })
	sort.Slice(s.InstanceProfiles, func(i, j int) bool { return s.InstanceProfiles[i].Name < s.InstanceProfiles[j].Name })
}
