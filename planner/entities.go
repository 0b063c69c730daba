package planner

import (
	"sort"
	"strings"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// defaultMaxSessionDuration is IAM's maximum session duration of a role
// that does not set one, in seconds.
const defaultMaxSessionDuration = 3600

// attrPruneVersion is the attribute of a policy update that names the
// version deleted before a new one is created.
const attrPruneVersion = "prune_version"

// attrVersions is the attribute of a policy delete or replacement that
// lists the versions besides the default, which are deleted first.
const attrVersions = "versions"

// entityChange returns the change that carries an entity to its fate, or nil
// when the entity needs none. The caller sets the change's DeclRange, so that
// the many entities that need no change do not allocate a range. It keeps no
// reference to fields, so the caller's slice can stay on the stack.
func entityChange(typ Type, e *entity, fields []field) *Change {
	var action Action
	var reason Reason
	var detail string
	switch e.fate {
	case fateCreate:
		action = Create
	case fateKeep:
		if !anyDiffers(fields) {
			return nil
		}
		action = Update
	case fateReplace:
		action, reason = Replace, ReasonCannotUpdate
	case fateDelete:
		action, reason, detail = Delete, e.reason, e.detail
	default:
		return nil
	}
	return &Change{
		Address: e.addr, Type: typ, Action: action, Reason: reason, Detail: detail,
		Attrs: selectAttrs(fields, action),
	}
}

// nameField compares names case-insensitively, as IAM does.
func nameField(before, after string) field {
	return field{name: "name", before: before, after: after, same: strings.EqualFold(before, after)}
}

func (p *planner) planUsers() {
	for _, u := range p.users {
		var decl spec.User
		var live provider.User
		if u.decl != nil {
			decl = *u.decl
		}
		if u.live != nil {
			live = *u.live
		}
		fields := []field{
			nameField(live.Name, decl.Name),
			valueField("path", live.Path, decl.Path),
			tagsField(live.Tags, decl.Tags, true),
		}

		c := entityChange(TypeUser, &u.entity, fields)
		if c == nil {
			continue
		}
		if u.decl != nil {
			c.DeclRange = rangePtr(u.decl.DeclRange)
		}
		c.Name = u.name()
		if c.Action == Create {
			c.Attrs = append(c.Attrs, expiryAttrs(decl.ExpiresAt)...)
		}
		if u.renamed && c.Action == Update {
			c.Reason, c.OldName = ReasonRenamed, u.live.Name
		}
		p.add(c)
	}
}

func (p *planner) planGroups() {
	for _, g := range p.groups {
		var decl spec.Group
		var live provider.Group
		if g.decl != nil {
			decl = *g.decl
		}
		if g.live != nil {
			live = *g.live
		}
		fields := []field{
			nameField(live.Name, decl.Name),
			valueField("path", live.Path, decl.Path),
		}

		c := entityChange(TypeGroup, &g.entity, fields)
		if c == nil {
			continue
		}
		if g.decl != nil {
			c.DeclRange = rangePtr(g.decl.DeclRange)
		}
		c.Name = g.name()
		if g.renamed && c.Action == Update {
			c.Reason, c.OldName = ReasonRenamed, g.live.Name
		}
		p.add(c)
	}
}

func (p *planner) planRoles() {
	for _, r := range p.roles {
		if r.fate == fateIgnore {
			continue
		}
		c := p.roleChange(r)
		if c == nil {
			continue
		}
		if r.decl != nil {
			c.DeclRange = rangePtr(r.decl.DeclRange)
		}
		c.Name = r.name()
		p.add(c)
	}
}

// roleChange compares a role's attributes and returns the change that carries
// the role to its fate, or nil. The description and the maximum session
// duration are compared only when the reader filled them in.
func (p *planner) roleChange(r *rolePair) *Change {
	var decl spec.Role
	var live provider.Role
	if r.decl != nil {
		decl = *r.decl
	}
	if r.live != nil {
		live = *r.live
	}
	declDuration := int64(decl.MaxSessionDuration)
	if declDuration == 0 {
		declDuration = defaultMaxSessionDuration
	}

	path := valueField("path", live.Path, decl.Path)
	path.forces = true
	description := valueField("description", live.Description, decl.Description)
	duration := valueField("max_session_duration", int64(live.MaxSessionDuration), declDuration)
	if r.live != nil && !p.live.RoleDetailsRead {
		description.before, description.same = nil, true
		duration.before, duration.same = nil, true
	}
	if r.decl == nil {
		duration.after = nil
	}

	fields := []field{
		nameField(live.Name, decl.Name),
		path,
		description,
		duration,
		docField("assume_role_policy", p.liveDocAgainst(live.AssumeRolePolicy, decl.AssumeRolePolicy, trustPolicyOf(live.Name)), decl.AssumeRolePolicy),
		tagsField(live.Tags, decl.Tags, true),
	}
	return entityChange(TypeRole, &r.entity, fields)
}

func (p *planner) planPolicies() {
	for _, pp := range p.policies {
		if pp.fate == fateIgnore {
			continue
		}
		c := p.policyChange(pp)
		if c == nil {
			continue
		}
		if pp.decl != nil {
			c.DeclRange = rangePtr(pp.decl.DeclRange)
		}
		c.Name = pp.name()

		switch c.Action {
		case Update:
			// The ARN identifies the policy to the executor.
			c.Attrs = append(c.Attrs, Attr{Name: "arn", Before: pp.live.ARN, After: pp.live.ARN})
			if c.Attr("document") != nil {
				if version := p.pruneVersion(pp.live); version != "" {
					c.Attrs = append(c.Attrs, Attr{Name: attrPruneVersion, After: version})
				}
			}
		case Replace, Delete:
			if versions := nonDefaultVersions(pp.live); len(versions) > 0 {
				c.Attrs = append(c.Attrs, Attr{Name: attrVersions, Before: versions})
			}
		}
		p.add(c)
	}
}

// policyChange compares a customer-managed policy's attributes and returns
// the change that carries the policy to its fate, or nil. The document is
// compared with the default version's only when the reader read the versions.
func (p *planner) policyChange(pp *policyPair) *Change {
	var decl spec.Policy
	var live provider.ManagedPolicy
	if pp.decl != nil {
		decl = *pp.decl
	}
	if pp.live != nil {
		live = *pp.live
	}

	path := valueField("path", live.Path, decl.Path)
	path.forces = true
	description := valueField("description", live.Description, decl.Description)
	description.forces = true

	document := docField("document", nil, decl.Document)
	if pp.live != nil {
		if v := pp.live.DefaultVersion(); v != nil {
			document = docField("document", p.liveDocAgainst(v.Document, decl.Document, func() string { return "the policy " + live.ARN }), decl.Document)
		} else {
			// NOTE: without the version list the document cannot be
			// compared, so a changed document goes unnoticed until the
			// reader reads versions again.
			document.same = true
		}
	}

	fields := []field{
		nameField(live.Name, decl.Name),
		path,
		description,
		document,
		tagsField(live.Tags, decl.Tags, false),
		{name: "arn", before: live.ARN, after: pp.arn, same: strings.EqualFold(live.ARN, pp.arn)},
	}
	return entityChange(TypePolicy, &pp.entity, fields)
}

// pruneVersion returns the version to delete before a new one is created,
// because the policy has as many versions as IAM allows: the oldest that is
// not the default. It returns "" when there is room.
func (p *planner) pruneVersion(live *provider.ManagedPolicy) string {
	if len(live.Versions) < p.quotas.VersionsPerPolicy {
		return ""
	}
	versions := nonDefaultVersionList(live)
	if len(versions) == 0 {
		return ""
	}
	return versions[0].ID
}

// nonDefaultVersions returns the ids of the versions that are not the
// default, oldest first: those DeletePolicy requires deleted beforehand.
func nonDefaultVersions(live *provider.ManagedPolicy) []string {
	var ids []string
	for _, v := range nonDefaultVersionList(live) {
		ids = append(ids, v.ID)
	}
	return ids
}

func nonDefaultVersionList(live *provider.ManagedPolicy) []provider.PolicyVersion {
	var versions []provider.PolicyVersion
	for _, v := range live.Versions {
		if !v.IsDefault && v.ID != live.DefaultVersionID {
			versions = append(versions, v)
		}
	}
	sort.Slice(versions, func(i, j int) bool {
		if !versions[i].CreateDate.Equal(versions[j].CreateDate) {
			return versions[i].CreateDate.Before(versions[j].CreateDate)
		}
		return versionLess(versions[i].ID, versions[j].ID)
	})
	return versions
}

// versionLess orders version ids such as v2 and v10 by their number.
func versionLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (p *planner) planInstanceProfiles() {
	for _, ip := range p.profiles {
		c := p.profileChange(ip)

		// A profile that keeps a role being replaced or deleted lets go of
		// it first, also when the profile changes nothing else.
		if rc := p.profileRoleChange(ip); rc != nil {
			switch {
			case c == nil:
				c = rc
			case c.Action == Update && c.Attr("role") == nil:
				c.Reason, c.Cause = rc.Reason, rc.Cause
				c.Attrs = append(c.Attrs, rc.Attrs...)
			}
		}
		if c == nil {
			continue
		}
		if ip.decl != nil {
			c.DeclRange = rangePtr(ip.decl.DeclRange)
		}
		c.Name = ip.name()
		p.add(c)
	}
}

// profileChange compares an instance profile's attributes and returns the
// change that carries the profile to its fate, or nil.
func (p *planner) profileChange(ip *profilePair) *Change {
	var decl spec.InstanceProfile
	var live provider.InstanceProfile
	if ip.decl != nil {
		decl = *ip.decl
	}
	if ip.live != nil {
		live = *ip.live
	}
	path := valueField("path", live.Path, decl.Path)
	path.forces = true
	liveRole := ip.liveRole()
	fields := []field{
		nameField(live.Name, decl.Name),
		path,
		{name: "role", before: nilIfEmpty(liveRole), after: nilIfEmpty(decl.Role), same: strings.EqualFold(liveRole, decl.Role)},
		tagsField(live.Tags, decl.Tags, false),
	}
	return entityChange(TypeInstanceProfile, &ip.entity, fields)
}

// profileRoleChange returns the change that a profile needs because the role
// it keeps is replaced or deleted, or nil: IAM refuses to delete a role that
// an instance profile still holds. A profile that moves to another role, or
// that is itself deleted or replaced, lets go of the role in its own change.
func (p *planner) profileRoleChange(ip *profilePair) *Change {
	role := p.roleByLive[fold(ip.liveRole())]
	if role == nil {
		return nil
	}
	keeps := ip.fate == fateKeep && strings.EqualFold(ip.decl.Role, ip.liveRole())
	if !keeps && ip.fate != fateIgnore {
		return nil
	}

	c := &Change{Address: ip.addr, Type: TypeInstanceProfile, Action: Update, Cause: role.addr}
	switch role.fate {
	case fateReplace:
		c.Reason = ReasonParentReplaced
		c.Attrs = []Attr{{Name: "role", Before: ip.liveRole(), After: ip.liveRole()}}
	case fateDelete:
		if keeps {
			// The declaration names a role that is not declared; the
			// reference check reports it.
			return nil
		}
		c.Reason = ReasonReferenceDeleted
		c.Attrs = []Attr{{Name: "role", Before: ip.liveRole()}}
	default:
		return nil
	}
	return c
}
