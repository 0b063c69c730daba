package planner

import (
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// userPair is a declared user, a live user, or both.
type userPair struct {
	entity
	decl    *spec.User
	live    *provider.User
	renamed bool
}

// name returns the name that changes address the user by: the live
// spelling when the account has the user, the declared name when the user is
// created or renamed.
func (u *userPair) name() string {
	if u.live != nil && (!u.renamed || u.fate == fateDelete) {
		return u.live.Name
	}
	return u.decl.Name
}

// groupPair is a declared group, a live group, or both.
type groupPair struct {
	entity
	decl    *spec.Group
	live    *provider.Group
	renamed bool
}

func (g *groupPair) name() string {
	if g.live != nil && (!g.renamed || g.fate == fateDelete) {
		return g.live.Name
	}
	return g.decl.Name
}

// rolePair is a declared role, a live role, or both.
type rolePair struct {
	entity
	decl *spec.Role
	live *provider.Role
}

func (r *rolePair) name() string {
	if r.live != nil {
		return r.live.Name
	}
	return r.decl.Name
}

// policyPair is a declared customer-managed policy, a live one, or both.
type policyPair struct {
	entity
	decl *spec.Policy
	live *provider.ManagedPolicy
	// arn is the declared policy's ARN, empty when it is not declared.
	arn string
}

func (p *policyPair) name() string {
	if p.live != nil {
		return p.live.Name
	}
	return p.decl.Name
}

// sameARN reports whether the policy keeps its ARN through a replacement,
// so that what names it must be detached and attached again.
func (p *policyPair) sameARN() bool {
	return p.live != nil && p.decl != nil && fold(p.live.ARN) == fold(p.arn)
}

// profilePair is a declared instance profile, a live one, or both.
type profilePair struct {
	entity
	decl *spec.InstanceProfile
	live *provider.InstanceProfile
}

func (ip *profilePair) name() string {
	if ip.live != nil {
		return ip.live.Name
	}
	return ip.decl.Name
}

// liveRole returns the role the live profile holds, or "".
func (ip *profilePair) liveRole() string {
	if ip.live == nil || len(ip.live.Roles) == 0 {
		return ""
	}
	return ip.live.Roles[0]
}

// pairUsers matches declared users with live ones and decides their fate.
func (p *planner) pairUsers() {
	names := make([]string, len(p.cfg.Users))
	previous := make([][]string, len(p.cfg.Users))
	for i, u := range p.cfg.Users {
		names[i], previous[i] = u.Name, u.PreviousNames
	}
	liveNames := make([]string, len(p.live.Users))
	for i, u := range p.live.Users {
		liveNames[i] = u.Name
	}
	match, renamed, claimed := pairNames(names, previous, liveNames)

	for i, d := range p.cfg.Users {
		u := &userPair{decl: d, entity: entity{addr: d.Address.String()}}
		if j := match[i]; j >= 0 {
			u.live, u.renamed = p.live.Users[j], renamed[i]
		}
		var livePath, liveName string
		if u.live != nil {
			livePath, liveName = u.live.Path, u.live.Name
		}
		u.fate, u.reason, u.detail = p.declaredFate(TypeUser, d.Name, d.Path, livePath, liveName, u.live != nil, false, d.ExpiresAt, d.DeclRange)
		p.users = append(p.users, u)
		p.userByDecl[fold(d.Name)] = u
		if u.live != nil {
			p.userByLive[fold(u.live.Name)] = u
		}
	}

	for j, l := range p.live.Users {
		if claimed[j] {
			continue
		}
		u := &userPair{live: l, entity: p.liveEntity(TypeUser, l.Name, l.Path, false)}
		p.users = append(p.users, u)
		p.userByLive[fold(l.Name)] = u
	}
}

// pairGroups matches declared groups with live ones and decides their fate.
func (p *planner) pairGroups() {
	names := make([]string, len(p.cfg.Groups))
	previous := make([][]string, len(p.cfg.Groups))
	for i, g := range p.cfg.Groups {
		names[i], previous[i] = g.Name, g.PreviousNames
	}
	liveNames := make([]string, len(p.live.Groups))
	for i, g := range p.live.Groups {
		liveNames[i] = g.Name
	}
	match, renamed, claimed := pairNames(names, previous, liveNames)

	for i, d := range p.cfg.Groups {
		g := &groupPair{decl: d, entity: entity{addr: d.Address.String()}}
		if j := match[i]; j >= 0 {
			g.live, g.renamed = p.live.Groups[j], renamed[i]
		}
		var livePath, liveName string
		if g.live != nil {
			livePath, liveName = g.live.Path, g.live.Name
		}
		g.fate, g.reason, g.detail = p.declaredFate(TypeGroup, d.Name, d.Path, livePath, liveName, g.live != nil, false, nil, d.DeclRange)
		p.groups = append(p.groups, g)
		p.groupByDecl[fold(d.Name)] = g
		if g.live != nil {
			p.groupByLive[fold(g.live.Name)] = g
		}
	}

	for j, l := range p.live.Groups {
		if claimed[j] {
			continue
		}
		g := &groupPair{live: l, entity: p.liveEntity(TypeGroup, l.Name, l.Path, false)}
		p.groups = append(p.groups, g)
		p.groupByLive[fold(l.Name)] = g
	}
}

// pairRoles matches declared roles with live ones and decides their fate.
func (p *planner) pairRoles() {
	names := make([]string, len(p.cfg.Roles))
	for i, r := range p.cfg.Roles {
		names[i] = r.Name
	}
	liveNames := make([]string, len(p.live.Roles))
	for i, r := range p.live.Roles {
		liveNames[i] = r.Name
	}
	match, _, claimed := pairNames(names, nil, liveNames)

	for i, d := range p.cfg.Roles {
		r := &rolePair{decl: d, entity: entity{addr: d.Address.String()}}
		if j := match[i]; j >= 0 {
			r.live = p.live.Roles[j]
		}
		var livePath, liveName string
		if r.live != nil {
			livePath, liveName = r.live.Path, r.live.Name
		}
		reserved := provider.ReservedRolePath(d.Path) || (r.live != nil && r.live.Reserved())
		r.fate, r.reason, r.detail = p.declaredFate(TypeRole, d.Name, d.Path, livePath, liveName, r.live != nil, reserved, nil, d.DeclRange)
		if r.fate == fateKeep && r.live.Path != d.Path {
			r.fate = fateReplace
		}
		p.roles = append(p.roles, r)
		p.roleByDecl[fold(d.Name)] = r
		if r.live != nil {
			p.roleByLive[fold(r.live.Name)] = r
		}
	}

	for j, l := range p.live.Roles {
		if claimed[j] {
			continue
		}
		r := &rolePair{live: l, entity: p.liveEntity(TypeRole, l.Name, l.Path, l.Reserved())}
		p.roles = append(p.roles, r)
		p.roleByLive[fold(l.Name)] = r
	}
}

// pairPolicies matches declared policies with live customer-managed ones by
// name. AWS-managed policies are never paired: they are not the account's.
func (p *planner) pairPolicies() {
	var customer []*provider.ManagedPolicy
	for _, l := range p.live.Policies {
		if !l.AWSManaged() {
			customer = append(customer, l)
		}
	}
	names := make([]string, len(p.cfg.Policies))
	for i, d := range p.cfg.Policies {
		names[i] = d.Name
	}
	liveNames := make([]string, len(customer))
	for i, l := range customer {
		liveNames[i] = l.Name
	}
	match, _, claimed := pairNames(names, nil, liveNames)

	for i, d := range p.cfg.Policies {
		pp := &policyPair{decl: d, arn: d.ARN(p.partition, p.accountID), entity: entity{addr: d.Address.String()}}
		if j := match[i]; j >= 0 {
			pp.live = customer[j]
		}
		var livePath, liveName string
		if pp.live != nil {
			livePath, liveName = pp.live.Path, pp.live.Name
		}
		pp.fate, pp.reason, pp.detail = p.declaredFate(TypePolicy, d.Name, d.Path, livePath, liveName, pp.live != nil, false, nil, d.DeclRange)
		if pp.fate == fateKeep && (pp.live.Path != d.Path || pp.live.Description != d.Description) {
			pp.fate = fateReplace
			p.checkReplaceableUses(pp)
		}
		p.policies = append(p.policies, pp)
		p.policyByDecl[fold(pp.arn)] = pp
		if pp.live != nil {
			p.policyByLive[fold(pp.live.ARN)] = pp
		}
	}

	for j, l := range customer {
		if claimed[j] {
			continue
		}
		pp := &policyPair{live: l, entity: p.liveEntity(TypePolicy, l.Name, l.Path, false)}
		if pp.fate == fateDelete {
			p.checkDeletableUses(pp)
		}
		p.policies = append(p.policies, pp)
		p.policyByLive[fold(l.ARN)] = pp
	}
}

// pairInstanceProfiles matches declared instance profiles with live ones.
func (p *planner) pairInstanceProfiles() {
	names := make([]string, len(p.cfg.InstanceProfiles))
	for i, d := range p.cfg.InstanceProfiles {
		names[i] = d.Name
	}
	liveNames := make([]string, len(p.live.InstanceProfiles))
	for i, l := range p.live.InstanceProfiles {
		liveNames[i] = l.Name
	}
	match, _, claimed := pairNames(names, nil, liveNames)

	for i, d := range p.cfg.InstanceProfiles {
		ip := &profilePair{decl: d, entity: entity{addr: d.Address.String()}}
		if j := match[i]; j >= 0 {
			ip.live = p.live.InstanceProfiles[j]
		}
		var livePath, liveName string
		if ip.live != nil {
			livePath, liveName = ip.live.Path, ip.live.Name
		}
		ip.fate, ip.reason, ip.detail = p.declaredFate(TypeInstanceProfile, d.Name, d.Path, livePath, liveName, ip.live != nil, false, nil, d.DeclRange)
		if ip.fate == fateKeep && ip.live.Path != d.Path {
			ip.fate = fateReplace
		}
		p.profiles = append(p.profiles, ip)
	}

	for j, l := range p.live.InstanceProfiles {
		if claimed[j] {
			continue
		}
		p.profiles = append(p.profiles, &profilePair{live: l, entity: p.liveEntity(TypeInstanceProfile, l.Name, l.Path, false)})
	}
}

// liveEntity decides the fate of an entity that only the account has: it is
// deleted when it is inside the scope and not reserved by AWS.
func (p *planner) liveEntity(typ Type, name, path string, reserved bool) entity {
	e := entity{addr: liveAddress(typ, name), fate: fateIgnore}
	if !reserved && p.cfg.Scope.Contains(path, name) {
		e.fate, e.reason = fateDelete, ReasonNotDeclared
	}
	return e
}
