package spec

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/iamsync/iamsync/policydoc"
)

// Config is the desired IAM of one account, decoded from a directory of .hcl
// files. Entities are sorted by address.
type Config struct {
	// Dir is the configuration directory.
	Dir string
	// Parser holds the parsed files, which diagnostics need for snippets.
	Parser *hclparse.Parser
	// AccountID and Partition are those the configuration's ARNs were
	// resolved for.
	AccountID string
	Partition string

	Users            []*User
	Groups           []*Group
	Roles            []*Role
	Policies         []*Policy
	InstanceProfiles []*InstanceProfile

	// Memberships joins what groups declare in members and what users
	// declare in groups, without duplicates.
	Memberships []*Membership

	// Account is nil when no account block is declared.
	Account *Account
	// PasswordPolicy is nil when no password_policy block is declared.
	PasswordPolicy *PasswordPolicy

	// Provider is nil when no provider block is declared. LoadProvider
	// decodes the same block before the account is known.
	Provider *Provider

	Scope Scope

	// ReadFiles lists the files that Load read, besides variables files:
	// the configuration files and what the file functions read, found or
	// listed. A path is relative to the configuration directory, as the
	// configuration names it and cleaned, or absolute when the
	// configuration names it so. It is sorted, and complete only when Load
	// returned no errors. A saved plan snapshots these files.
	ReadFiles []string
	// Variables are the names of the declared input variables, sorted. A
	// saved plan keeps the values of these only.
	Variables []string
}

// Address names a declaration as plans print it: user.alice, or
// user.people["alice"] for an instance of a block with for_each.
type Address struct {
	Type  string // user, group, role, policy, instance_profile
	Label string
	// Key is the for_each key; HasKey tells a key from its absence.
	Key    string
	HasKey bool
}

func (a Address) String() string {
	base := a.Type + "." + a.Label
	if a.Label == "" {
		// An entity that exists only in the account has no label.
		return fmt.Sprintf("%s[%q]", a.Type, a.Key)
	}
	if a.HasKey {
		return fmt.Sprintf("%s[%q]", base, a.Key)
	}
	return base
}

// LiveAddress returns the address of an entity that the configuration does
// not declare: user.bob, or user["bob@example.com"] when the name is not an
// HCL identifier.
func LiveAddress(typ, name string) Address {
	if hclsyntax.ValidIdentifier(name) {
		return Address{Type: typ, Label: name}
	}
	return Address{Type: typ, Key: name, HasKey: true}
}

// User is a declared IAM user.
type User struct {
	Address Address
	Name    string
	Path    string

	// Tags is nil when the block does not set tags: iamsync then leaves the
	// user's tags as they are.
	Tags map[string]string
	// PermissionsBoundary is a policy ARN, empty for none.
	PermissionsBoundary string

	InlinePolicies []*InlinePolicy
	Attachments    []*Attachment

	// PreviousNames lists names the user had before, so that a rename is an
	// UpdateUser call instead of a delete and a create.
	PreviousNames []string

	// AccessKeys is nil when the user does not opt in to key management.
	AccessKeys *AccessKeys
	// LoginProfile is nil when console access is not managed.
	LoginProfile *LoginProfile

	// ExpiresAt is the time after which the user is removed, or nil.
	ExpiresAt *time.Time

	Lifecycle Lifecycle

	DeclRange hcl.Range
	// Ranges maps attribute names to where they were set.
	Ranges map[string]hcl.Range
}

// Group is a declared IAM group.
type Group struct {
	Address Address
	Name    string
	Path    string

	// Members is nil when the group does not declare members; the members
	// are then those users that name the group. When set, it is the complete
	// list of members.
	Members []string

	InlinePolicies []*InlinePolicy
	Attachments    []*Attachment
	PreviousNames  []string

	Lifecycle Lifecycle

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// Role is a declared IAM role.
type Role struct {
	Address Address
	Name    string
	Path    string

	AssumeRolePolicy   *policydoc.Document
	Description        string
	MaxSessionDuration int32 // seconds; 3600 when not set
	// PrincipalRanges maps each ARN that the trust policy names as an AWS
	// principal to where it is written, when the document's text can be
	// traced to the source, so that an error about one principal points at
	// it.
	PrincipalRanges map[string]hcl.Range

	Tags                map[string]string
	PermissionsBoundary string

	InlinePolicies []*InlinePolicy
	Attachments    []*Attachment

	Lifecycle Lifecycle

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// Policy is a declared customer-managed policy.
type Policy struct {
	Address     Address
	Name        string
	Path        string
	Description string
	Document    *policydoc.Document
	Tags        map[string]string

	Lifecycle Lifecycle

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// ARN returns the policy's ARN in the given account and partition.
func (p *Policy) ARN(partition, accountID string) string {
	return iamARN(partition, accountID, "policy", p.Path, p.Name)
}

// ARN returns the user's ARN in the given account and partition.
func (u *User) ARN(partition, accountID string) string {
	return iamARN(partition, accountID, "user", u.Path, u.Name)
}

// ARN returns the group's ARN in the given account and partition.
func (g *Group) ARN(partition, accountID string) string {
	return iamARN(partition, accountID, "group", g.Path, g.Name)
}

// ARN returns the role's ARN in the given account and partition.
func (r *Role) ARN(partition, accountID string) string {
	return iamARN(partition, accountID, "role", r.Path, r.Name)
}

// ARN returns the instance profile's ARN in the given account and partition.
func (ip *InstanceProfile) ARN(partition, accountID string) string {
	return iamARN(partition, accountID, "instance-profile", ip.Path, ip.Name)
}

// iamARN builds the ARN of an IAM entity. IAM ARNs are deterministic: the
// resource part is the entity type, its path and its name.
func iamARN(partition, accountID, resourceType, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", partition, accountID, resourceType, path, name)
}

// InstanceProfile is a declared instance profile.
type InstanceProfile struct {
	Address Address
	Name    string
	Path    string
	// Role is the name of the role the profile carries, empty for none.
	Role string
	Tags map[string]string

	Lifecycle Lifecycle

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// Lifecycle holds the settings of an entity's lifecycle block.
type Lifecycle struct {
	// PreventDestroy makes a plan that would delete or replace the entity
	// fail. It protects only while the entity is declared: removing the
	// block removes the protection with it.
	PreventDestroy bool
	// DeclRange is where the lifecycle block is, zero when there is none.
	DeclRange hcl.Range
	// PreventDestroyRange is where prevent_destroy is set, DeclRange when
	// it is not.
	PreventDestroyRange hcl.Range
}

// InlinePolicy is a policy document embedded in a user, group or role.
type InlinePolicy struct {
	Name      string
	Document  *policydoc.Document
	ExpiresAt *time.Time
	DeclRange hcl.Range
}

// Attachment attaches a managed policy, by ARN, to a user, group or role.
type Attachment struct {
	PolicyARN string
	ExpiresAt *time.Time
	Range     hcl.Range
}

// Membership puts a user in a group.
type Membership struct {
	User      string
	Group     string
	ExpiresAt *time.Time
	Range     hcl.Range
}

// AccessKeys is a user's declared set of access keys. Keys the account holds
// beyond these are deleted.
type AccessKeys struct {
	Keys      []*AccessKey
	DeclRange hcl.Range
}

// AccessKey is one declared access key. A key without an ID is satisfied by
// any live key that no declared ID claims, and is created when there is none.
type AccessKey struct {
	ID     string
	Status string // Active or Inactive
	// SecretFile is where a created key's secret is written (mode 0600);
	// "-" means standard output.
	SecretFile string
	// SecretFileKeyID is the key id on the aws_access_key_id line of the
	// secret file when the configuration was loaded. It is empty when the
	// file does not exist or names no key.
	SecretFileKeyID string
	// SecretFileEmpty is set when the secret file exists and is empty. An
	// apply creates the file before it creates the key and writes the
	// secret after, so an empty file marks an apply that was stopped in
	// between: the key it may have made has lost its secret.
	SecretFileEmpty bool
	// SecretFileProblem is set when the secret file's folder does not
	// exist. It matters only when apply creates the key, so the planner
	// reports it then.
	SecretFileProblem *hcl.Diagnostic
	DeclRange         hcl.Range
}

// LoginProfile is a user's declared console access.
type LoginProfile struct {
	Enabled               bool
	PasswordResetRequired bool
	// PasswordFile is where a generated password is written (mode 0600);
	// "-" means standard output.
	PasswordFile string
	// PasswordFileProblem is set when the password file's folder does not
	// exist. It matters only when apply creates the login profile, so the
	// planner reports it then.
	PasswordFileProblem *hcl.Diagnostic
	DeclRange           hcl.Range
}

// Account holds account-level settings.
type Account struct {
	// Alias is the account alias, empty for none.
	Alias     string
	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// PasswordPolicy is the declared account password policy. Attributes left
// out take IAM's defaults.
type PasswordPolicy struct {
	// MinimumPasswordLength is 6 to 128. Load sets 6 when the attribute is
	// left out, which is what UpdateAccountPasswordPolicy applies when the
	// parameter is missing.
	MinimumPasswordLength      int32
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	MaxPasswordAge             int32 // days, 1 to 1095; 0 for never
	PasswordReusePrevention    int32 // 1 to 24; 0 for off
	HardExpiry                 bool

	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// Scope limits which live entities iamsync manages. Entities outside it are
// neither changed nor deleted. AWS-reserved entities are always outside.
type Scope struct {
	// PathPrefixes limits management to entities whose path starts with
	// one of these. The default, "/", covers every path.
	PathPrefixes []string
	// ExcludeNames lists glob patterns (path.Match syntax) of names to leave
	// alone, compared case-insensitively.
	ExcludeNames []string
	// AccountSettings tells whether the alias and the password policy are
	// managed: when true, leaving them out of the configuration removes them.
	AccountSettings bool

	DeclRange hcl.Range
}

// DefaultScope manages every path and the account settings.
func DefaultScope() Scope {
	return Scope{PathPrefixes: []string{"/"}, AccountSettings: true}
}

// Contains reports whether an entity with this path and name is managed.
func (s Scope) Contains(path, name string) bool {
	inPath := false
	for _, prefix := range s.PathPrefixes {
		if strings.HasPrefix(path, prefix) {
			inPath = true
			break
		}
	}
	if !inPath {
		return false
	}
	return !s.Excludes(name)
}

// Excludes reports whether name matches one of the exclusion patterns.
func (s Scope) Excludes(name string) bool {
	for _, pattern := range s.ExcludeNames {
		if matchFold(pattern, name) {
			return true
		}
	}
	return false
}

// OutsideDiagnostic returns the error for a declaration of the kind that
// noun names ("user", "instance profile") that the scope leaves out: by an
// exclude pattern that matches its name, or because no path of the scope
// covers its path. live is set when the path is that of the entity in the
// account, which iamsync does not move into the scope.
func (s Scope) OutsideDiagnostic(noun, name, path string, live bool, rng hcl.Range) *hcl.Diagnostic {
	var detail string
	switch {
	case s.Excludes(name):
		detail = fmt.Sprintf("The %s name %q matches a pattern in the exclude list of the scope block, so iamsync does not manage it. "+
			"Remove this declaration, or remove the pattern from the exclude list.", noun, name)
	case live:
		detail = fmt.Sprintf("The account has the %s %q at the path %q, which none of the scope's paths (%s) covers. "+
			"iamsync does not move entities into its scope: add a path that covers %q to the scope block, or remove this declaration.",
			noun, name, path, quotedList(s.PathPrefixes), path)
	default:
		detail = fmt.Sprintf("The %s %q has the path %q, which none of the scope's paths (%s) covers. "+
			"Add a path that covers it to the scope block, or remove this declaration.", noun, name, path, quotedList(s.PathPrefixes))
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Declaration outside the scope",
		Detail:   detail,
		Subject:  rng.Ptr(),
	}
}

// quotedList formats values as a comma-separated list of quoted strings.
func quotedList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(quoted, ", ")
}

// matchFold matches name against a path.Match pattern, ignoring case. A
// malformed pattern matches nothing; Load reports it as a diagnostic.
func matchFold(pattern, name string) bool {
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(name))
	return err == nil && ok
}

// DiagnosticAddress is the Extra of a warning about one declared entity or
// one planned change: its address, such as "role.deploy".
type DiagnosticAddress string
