package planner

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

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
	var addr string
	if m.groupPair != nil {
		addr = m.groupPair.addr
	} else {
		addr = liveAddress(TypeGroup, m.group)
	}
	return fmt.Sprintf("%s.%s[%q]", addr, TypeMembership, m.user)
}

// membershipKey identifies a membership by the folded names of its group
// and its user.
type membershipKey struct {
	group, user string
}

// compareMembershipKeys orders memberships by group, then by user.
func compareMembershipKeys(a, b membershipKey) int {
	return cmp.Or(strings.Compare(a.group, b.group), strings.Compare(a.user, b.user))
}

// planMemberships compares declared group memberships with the live ones.
func (p *planner) planMemberships() {
	all := make(map[membershipKey]*membership, len(p.cfg.Memberships))
	key := func(group, user string) membershipKey { return membershipKey{group: fold(group), user: fold(user)} }

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

	// Add the changes in key order, so that the plan does not depend on the
	// order of the map. Most memberships need no change, so only the
	// changes are sorted.
	type keyedChange struct {
		key    membershipKey
		change *Change
	}
	var changes []keyedChange
	for k, m := range all {
		if c := p.membershipChange(m); c != nil {
			changes = append(changes, keyedChange{key: k, change: c})
		}
	}
	slices.SortFunc(changes, func(a, b keyedChange) int { return compareMembershipKeys(a.key, b.key) })
	for _, kc := range changes {
		p.add(kc.change)
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
	expired := m.decl != nil && p.expired(m.decl.ExpiresAt)
	declared := m.decl != nil && !expired

	// Decide the action first: most memberships need no change, and so no
	// address.
	var action Action
	var reason Reason
	var detail, cause string
	switch {
	case m.live && up.fate == fateDelete:
		action, reason, detail, cause = Delete, up.reason, up.detail, up.addr
	case m.live && gp != nil && gp.fate == fateDelete:
		action, reason, detail, cause = Delete, gp.reason, gp.detail, gp.addr
	case m.live && expired:
		action, reason, detail = Delete, ReasonExpired, formatTime(*m.decl.ExpiresAt)
	case m.live && !declared && p.removesUndeclaredMember(gp, up):
		action, reason = Delete, ReasonNotDeclared
	case !m.live && declared && gp != nil && up.exists() && gp.exists() && (up.managed() || gp.managed()):
		action = Create
	default:
		return nil
	}

	c := &Change{
		Address: m.address(), Type: TypeMembership, Action: action, Name: m.user,
		Parent: &Ref{Type: TypeGroup, Name: m.group}, Reason: reason, Detail: detail, Cause: cause,
	}
	if m.decl != nil {
		c.DeclRange = rangePtr(m.decl.Range)
		if action == Create {
			c.Attrs = expiryAttrs(m.decl.ExpiresAt)
		}
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
