package planner

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// defaultMaxSessionDuration is IAM's maximum session duration of a role
// that does not set one, in seconds.
const defaultMaxSessionDuration = 3600

// attrPruneVersion is the attribute of a policy update that names the
// version deleted before a new one is created.
const attrPruneVersion = "prune_version"

// entityChange returns the change that carries an entity to its fate, or nil
// when the entity needs none.
func entityChange(typ Type, e *entity, fields []field, declRange *hcl.Range) *Change {
	c := &Change{Address: e.addr, Type: typ, DeclRange: declRange}
	switch e.fate {
	case fateCreate:
		c.Action = Create
	case fateKeep:
		if !anyDiffers(fields) {
			return nil
		}
		c.Action = Update
	case fateReplace:
		c.Action, c.Reason = Replace, ReasonCannotUpdate
	case fateDelete:
		c.Action, c.Reason, c.Detail = Delete, e.reason, e.detail
	default:
		return nil
	}
	c.Attrs = selectAttrs(fields, c.Action)
	return c
}

// nameField compares names case-insensitively, as IAM does.
func nameField(before, after string) field {
	return field{name: "name", before: before, after: after, same: strings.EqualFold(before, after)}
}

func (p *planner) planUsers() {
	for _, u := range p.users {
		var decl spec.User
		var live provider.User
		var declRange *hcl.Range
		if u.decl != nil {
			decl, declRange = *u.decl, rangePtr(u.decl.DeclRange)
		}
		if u.live != nil {
			live = *u.live
		}
		fields := []field{
			nameField(live.Name, decl.Name),
			valueField("path", live.Path, decl.Path),
			tagsField(live.Tags, decl.Tags, true),
		}

		c := entityChange(TypeUser, &u.entity, fields, declRange)
		if c == nil {
			continue
		}
		c.Name = u.name()
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
		var declRange *hcl.Range
		if g.decl != nil {
			decl, declRange = *g.decl, rangePtr(g.decl.DeclRange)
		}
		if g.live != nil {
			live = *g.live
		}
		fields := []field{
			nameField(live.Name, decl.Name),
			valueField("path", live.Path, decl.Path),
		}

		c := entityChange(TypeGroup, &g.entity, fields, declRange)
		if c == nil {
			continue
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
		var declRange *hcl.Range
		if r.decl != nil {
			declRange = rangePtr(r.decl.DeclRange)
		}
		c := entityChange(TypeRole, &r.entity, p.roleFields(r), declRange)
		if c == nil {
			continue
		}
		c.Name = r.name()
		p.add(c)
	}
}

// roleFields compares a role's attributes. The description and the maximum
// session duration are compared only when the reader filled them in.
func (p *planner) roleFields(r *rolePair) []field {
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

	return []field{
		nameField(live.Name, decl.Name),
		path,
		description,
		duration,
		docField("assume_role_policy", p.liveDocAgainst(live.AssumeRolePolicy, decl.AssumeRolePolicy, "the trust policy of role "+live.Name), decl.AssumeRolePolicy),
		tagsField(live.Tags, decl.Tags, true),
	}
}

func (p *planner) planPolicies() {
	for _, pp := range p.policies {
		if pp.fate == fateIgnore {
			continue
		}
		var declRange *hcl.Range
		if pp.decl != nil {
			declRange = rangePtr(pp.decl.DeclRange)
		}
		c := entityChange(TypePolicy, &pp.entity, p.policyFields(pp), declRange)
		if c == nil {
			continue
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
				c.Attrs = append(c.Attrs, Attr{Name: "versions", Before: versions})
			}
		}
		p.add(c)
	}
}

// policyFields compares a customer-managed policy's attributes. The
// document is compared with the default version's only when the reader read
// the versions.
func (p *planner) policyFields(pp *policyPair) []field {
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
			document = docField("document", p.liveDocAgainst(v.Document, decl.Document, "the policy "+live.ARN), decl.Document)
		} else {
			// NOTE: without the version list the document cannot be
			// compared, so a changed document goes unnoticed until the
			// reader reads versions again.
			document.same = true
		}
	}

	return []field{
		nameField(live.Name, decl.Name),
		path,
		description,
		document,
		tagsField(live.Tags, decl.Tags, false),
		{name: "arn", before: live.ARN, after: pp.arn, same: strings.EqualFold(live.ARN, pp.arn)},
	}
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
		var declRange *hcl.Range
		if ip.decl != nil {
			declRange = rangePtr(ip.decl.DeclRange)
		}
		c := entityChange(TypeInstanceProfile, &ip.entity, p.profileFields(ip), declRange)

		// A profile that keeps a role being replaced or deleted lets go of
		// it first, also when the profile changes nothing else.
		if rc := p.profileRoleChange(ip); rc != nil {
			switch {
			case c == nil:
				rc.DeclRange = declRange
				c = rc
			case c.Action == Update && c.Attr("role") == nil:
				c.Reason, c.Cause = rc.Reason, rc.Cause
				c.Attrs = append(c.Attrs, rc.Attrs...)
			}
		}
		if c == nil {
			continue
		}
		c.Name = ip.name()
		p.add(c)
	}
}

func (p *planner) profileFields(ip *profilePair) []field {
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
	return []field{
		nameField(live.Name, decl.Name),
		path,
		{name: "role", before: nilIfEmpty(liveRole), after: nilIfEmpty(decl.Role), same: strings.EqualFold(liveRole, decl.Role)},
		tagsField(live.Tags, decl.Tags, false),
	}
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
