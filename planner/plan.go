package planner

import (
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Action is the operation that a change performs on its object.
type Action string

const (
	NoOp    Action = "no-op"
	Create  Action = "create"
	Update  Action = "update"
	Replace Action = "replace" // delete, then create again, because IAM cannot change the object in place
	Delete  Action = "delete"
)

// Type is the kind of object a change is about.
type Type string

const (
	TypeUser            Type = "user"
	TypeGroup           Type = "group"
	TypeRole            Type = "role"
	TypePolicy          Type = "policy"
	TypeInstanceProfile Type = "instance_profile"

	// Sub-resources of a user, group or role. Change.Parent names the owner.
	TypeInlinePolicy Type = "inline_policy"
	TypeAttachment   Type = "policy_attachment"
	TypeBoundary     Type = "permissions_boundary"
	TypeAccessKey    Type = "access_key"
	TypeLoginProfile Type = "login_profile"
	// TypeMembership is owned by the group, and Change.Name is the user.
	TypeMembership Type = "membership"

	TypeAccountAlias   Type = "account_alias"
	TypePasswordPolicy Type = "password_policy"
)

// Reason is the cause of a planned change when the attributes alone do not
// explain it.
type Reason string

const (
	ReasonNone Reason = ""
	// ReasonNotDeclared: the object exists in the account, inside the scope,
	// and the configuration does not declare it.
	ReasonNotDeclared Reason = "not-declared"
	// ReasonExpired: the declaration's expires_at has passed.
	ReasonExpired Reason = "expired"
	// ReasonCannotUpdate: an attribute marked ForcesReplacement cannot be
	// changed in place.
	ReasonCannotUpdate Reason = "cannot-update"
	// ReasonParentReplaced: the owner, or the policy a sub-resource names, is
	// replaced, so the sub-resource is removed and made again with it.
	ReasonParentReplaced Reason = "parent-replaced"
	// ReasonRenamed: a user or group takes a new name with UpdateUser or
	// UpdateGroup.
	ReasonRenamed Reason = "renamed"
	// ReasonReferenceDeleted: the role or policy that the object names is
	// deleted, so the reference goes first. It is planned on objects that the
	// configuration does not manage, such as an attachment on a user outside
	// the scope, because IAM refuses to delete a policy or role still in use.
	ReasonReferenceDeleted Reason = "reference-deleted"
	// ReasonSecretFileEmpty: an access key is deleted because the secret
	// file of the declaration that would keep it is empty, so its secret is
	// lost. A new key is created in its place.
	ReasonSecretFileEmpty Reason = "secret-file-empty"
)

// Ref names the owner of a sub-resource by IAM name.
type Ref struct {
	Type Type
	Name string
}

// Plan is the set of changes that makes an account match a configuration.
type Plan struct {
	AccountID string
	// Changes are sorted by address. Objects that need no change are left out.
	Changes []*Change
	// CreatedAt is the time the plan was made. Expiry checks compared
	// expires_at values with it.
	CreatedAt time.Time

	// Warnings are the plan's own warnings, such as the deletion of a role
	// used yesterday. The plan keeps them so that every rendering and a
	// saved plan show them to the reviewer.
	Warnings []Warning
	// Targets lists the addresses the plan was limited to, as Options.Targets
	// gave them. A plan with targets is partial: it leaves out the changes
	// that the targets do not need.
	Targets []string
}

// Warning is one warning of a plan.
type Warning struct {
	Summary string
	Detail  string
	// Range is the source range of the declaration that the warning is
	// about, or nil when the warning is about something only in the account.
	Range *hcl.Range
	// Address is the change that the warning is about, such as
	// "role.deploy", or empty when it is about no single change.
	Address string
}

// Change is one planned change to one object.
//
// Attrs lists the attributes that differ, with Before nil for a create and
// After nil for a delete. The attribute names and value types per Type are:
//
//	user:              name, path (string); tags (map[string]string, only when managed)
//	group:             name, path (string)
//	role:              name, path, description (string); max_session_duration (int64);
//	                   assume_role_policy (*policydoc.Document); tags
//	policy:            name, path, description (string); document (*policydoc.Document); tags;
//	                   arn (string, always present for identity);
//	                   prune_version (After, string): the version deleted first, because
//	                   the policy has as many versions as VersionsPerPolicyQuota allows;
//	                   versions (Before, []string): the non-default version ids, oldest
//	                   first, on delete and replace
//	instance_profile:  name, path, role (string, nil for none); tags
//	inline_policy:     document (*policydoc.Document)
//	policy_attachment: no attributes; Name is the policy ARN
//	permissions_boundary: policy_arn (string, nil for none)
//	membership:        no attributes; Parent is the group, Name the user
//	access_key:        status (string); secret_file (string, create only)
//	login_profile:     enabled (bool); password_reset_required (bool); password_file (string)
//	account_alias:     alias (string)
//	password_policy:   the fields of provider.PasswordPolicy in snake_case (int64 or bool)
//
// The create of a user, inline_policy, policy_attachment or membership whose
// declaration has expires_at also carries expires_at (After, string, RFC
// 3339), so that a reviewer sees the object is removed again.
//
// Some changes carry attributes that do not differ, with Before equal to
// After, because the executor needs them:
//   - A replace carries every attribute of the object that is set before or
//     after, because the object is created again from After. Tags that the
//     declaration does not manage are carried over from the live object.
//   - A password_policy create or update carries every field, because
//     UpdateAccountPasswordPolicy replaces the whole policy.
//   - A policy update carries arn with Before equal to After.
//   - An instance_profile update with ReasonParentReplaced carries role with
//     Before equal to After: the role is replaced, so it is removed from the
//     profile before the role is deleted and added back once it is created.
//
// Renderers print only the attributes whose Before and After differ, except
// in a replace, where they print all, and in an update where none differs.
//
// Name is the IAM name of the object: the entity name, the inline policy
// name, the attached policy ARN, the member user name, the access key id
// (empty for a key still to create) or the alias. It is empty for a
// permissions_boundary, a login_profile and the password_policy, whose
// owner or account identifies them.
type Change struct {
	Address string
	Type    Type
	Action  Action
	Reason  Reason
	// Detail is extra text for the reason. For ReasonExpired it is the
	// expiry time in RFC 3339 form.
	Detail string
	// Cause is the address of the change this one follows from. For
	// ReasonParentReplaced it is the replaced owner or policy, and for
	// ReasonReferenceDeleted the deleted role or policy. With
	// ReasonNotDeclared or ReasonExpired it is the deleted owner of a
	// sub-resource that goes with it. Cause is empty when the object's own
	// declaration explains the change.
	Cause string

	Name string
	// OldName is the live name of a user or group being renamed.
	OldName string
	// Parent is the owner of a sub-resource, by its new name when renamed.
	Parent *Ref

	Attrs []Attr

	// DeclRange is the source range of the object's declaration, or nil for
	// objects that exist only in the account.
	DeclRange *hcl.Range

	// Dependents lists the blast radius of a replaced role, policy or
	// instance profile: each object in the account that names the entity,
	// with the effect of the replacement on it. It is empty for other changes.
	Dependents []Dependent
}

// Dependent is an object in the account that names an entity the plan
// replaces.
type Dependent struct {
	// Address is the object that contains the reference: the user, group or
	// role that attaches a policy or uses it as a boundary, the instance
	// profile that contains a role, or the role whose trust policy names it.
	Address string
	Kind    DependentKind
	Effect  Effect
	// Change is the address of the planned change that removes or restores
	// the reference, empty when no change does.
	Change string
}

// DependentKind is the way a dependent names the replaced entity.
type DependentKind string

const (
	// DependentAttachment attaches the replaced policy.
	DependentAttachment DependentKind = "policy_attachment"
	// DependentBoundary uses the replaced policy as permissions boundary.
	DependentBoundary DependentKind = "permissions_boundary"
	// DependentInstanceProfile contains the replaced role.
	DependentInstanceProfile DependentKind = "instance_profile"
	// DependentTrustPolicy is a role whose trust policy names the replaced
	// role as a principal.
	DependentTrustPolicy DependentKind = "trust_policy"
)

// Effect is the result of a replacement for a dependent.
type Effect string

const (
	// EffectRestored: the reference is removed before the delete and made
	// again after the create.
	EffectRestored Effect = "restored"
	// EffectRemoved: the reference is removed before the delete and not
	// made again, because the configuration does not keep it or the
	// entity's ARN changes.
	EffectRemoved Effect = "removed"
	// EffectDangling: when the entity is deleted, IAM replaces its ARN in
	// the policy with the old entity's unique id, and creating the entity
	// again does not restore the reference.
	EffectDangling Effect = "dangling"
)

// Attr is one attribute's old and new value.
type Attr struct {
	Name   string
	Before any
	After  any
	// ForcesReplacement marks an attribute that IAM cannot change in place.
	ForcesReplacement bool
	// Sensitive values are never printed.
	Sensitive bool
}

// Attr returns the named attribute of the change, or nil.
func (c *Change) Attr(name string) *Attr {
	for i := range c.Attrs {
		if c.Attrs[i].Name == name {
			return &c.Attrs[i]
		}
	}
	return nil
}

// HasChanges reports whether the plan changes anything.
func (p *Plan) HasChanges() bool { return len(p.Changes) > 0 }

// Count returns how many changes of the plan have the given action.
func (p *Plan) Count(action Action) int {
	n := 0
	for _, c := range p.Changes {
		if c.Action == action {
			n++
		}
	}
	return n
}
