package planner

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/spec"
)

// membership is one user in one group, declared, live or both. Names are
// those the plan addresses the entities by.
type membership struct {
	group, user string
	groupPair   *groupPair // nil for a group neither declared nor paired
	userPair    *userPair
	decl        *spec.Membership
	live        bool
}

func (m *membership) address() string {
	addr := liveAddress(TypeGroup, m.group)
	if m.groupPair != nil {
		addr = m.groupPair.addr
	}
	return fmt.Sprintf("%s.%s[%q]", addr, TypeMembership, m.user)
}

// planMemberships compares declared group memberships with the live ones.
func (p *planner) planMemberships() {
	all := map[string]*membership{}
	key := func(group, user string) string { return fold(group) + "\x00" + fold(user) }

	// Declared memberships, under the names the entities keep.
	for _, d := range p.cfg.Memberships {
		m := p.declaredMembership(d)
		if m != nil {
			all[key(m.group, m.user)] = m
		}
	}

	// Live memberships, with renamed users and groups under their new names.
	for _, lu := range p.live.Users {
		up := p.userByLive[fold(lu.Name)]
		for _, g := range lu.Groups {
			gp := p.groupByLive[fold(g)]
			group := g
			if gp != nil {
				group = gp.name()
			}
			k := key(group, up.name())
			if m, ok := all[k]; ok {
				m.live = true
				continue
			}
			all[k] = &membership{group: group, user: up.name(), groupPair: gp, userPair: up, live: true}
		}
	}

	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if c := p.membershipChange(all[k]); c != nil {
			p.add(c)
		}
	}
}

// declaredMembership resolves a declared membership to the entities it
// joins, or returns nil when one of them is in error or expired without
// being live.
func (p *planner) declaredMembership(d *spec.Membership) *membership {
	m := &membership{decl: d, group: d.Group, user: d.User}

	m.userPair = p.userByDecl[fold(d.User)]
	if m.userPair == nil {
		m.userPair = p.userByLive[fold(d.User)]
	}
	if m.userPair == nil {
		p.diags = append(p.diags, notFoundDiag("User", "user", d.User, "member", d.Range))
		return nil
	}
	m.groupPair = p.groupByDecl[fold(d.Group)]
	if m.groupPair == nil {
		m.groupPair = p.groupByLive[fold(d.Group)]
	}
	if m.groupPair == nil {
		p.diags = append(p.diags, notFoundDiag("Group", "group", d.Group, "membership", d.Range))
		return nil
	}
	if m.userPair.fate == fateGone || m.userPair.fate == fateInvalid || m.groupPair.fate == fateGone || m.groupPair.fate == fateInvalid {
		return nil
	}
	m.user, m.group = m.userPair.name(), m.groupPair.name()
	return m
}

// membershipChange returns the change of one membership, or nil.
func (p *planner) membershipChange(m *membership) *Change {
	up, gp := m.userPair, m.groupPair
	c := &Change{Address: m.address(), Type: TypeMembership, Name: m.user, Parent: &Ref{Type: TypeGroup, Name: m.group}}
	if m.decl != nil {
		c.DeclRange = rangePtr(m.decl.Range)
	}
	expired := m.decl != nil && p.expired(m.decl.ExpiresAt)
	declared := m.decl != nil && !expired

	switch {
	case m.live && up.fate == fateDelete:
		c.Action, c.Reason, c.Detail, c.Cause = Delete, up.reason, up.detail, up.addr
	case m.live && gp != nil && gp.fate == fateDelete:
		c.Action, c.Reason, c.Detail, c.Cause = Delete, gp.reason, gp.detail, gp.addr
	case m.live && expired:
		c.Action, c.Reason, c.Detail = Delete, ReasonExpired, formatTime(*m.decl.ExpiresAt)
	case m.live && !declared && p.removesUndeclaredMember(gp, up):
		c.Action, c.Reason = Delete, ReasonNotDeclared
	case !m.live && declared && gp != nil && up.exists() && gp.exists() && (up.managed() || gp.managed()):
		c.Action = Create
	default:
		return nil
	}
	return c
}

// removesUndeclaredMember reports whether a live membership that the
// configuration does not declare is removed: when the group is managed and
// either lists its members completely or the user is managed too. A user
// outside the configuration stays in a group whose members are only those
// users that name it.
func (p *planner) removesUndeclaredMember(gp *groupPair, up *userPair) bool {
	if gp == nil || !gp.managed() {
		return false
	}
	return gp.decl.Members != nil || up.managed()
}

// notFoundDiag reports a name that neither the configuration nor the
// account has.
func notFoundDiag(title, noun, name, role string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  title + " not found",
		Detail: fmt.Sprintf("The %s names the %s %q, which is neither declared nor in the account. "+
			"Declare the %s, or correct the name.", role, noun, name, noun),
		Subject: rangePtr(rng),
	}
}
