package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
)

// findDependents records, on each change that replaces a role or a
// managed policy, what in the account names the entity and what the
// replacement does to it. The references are read from the live state:
// attachments and boundaries of a policy, instance profiles of a role,
// and other roles' trust policies that name the role's ARN.
func (p *planner) findDependents() {
	for _, r := range p.roles {
		if c := p.changes[r.addr]; c != nil && c.Action == Replace && r.live != nil {
			c.Dependents = append(p.profileDependents(r), p.trustDependents(r)...)
		}
	}

	// The index of owned changes is built only when a policy is replaced,
	// which few plans do.
	var owned map[string]*Change
	for _, pp := range p.policies {
		c := p.changes[pp.addr]
		switch {
		case c == nil || pp.live == nil:
		case c.Action == Replace:
			if owned == nil {
				owned = p.ownedChangeIndex()
			}
			c.Dependents = p.policyDependents(pp, owned)
			p.warnUnmanagedLoss(c, pp)
			p.warnLimitLifted(c, pp)
		case c.Action == Delete:
			p.warnUnmanagedLoss(c, pp)
		}
	}
}

// warnUnmanagedLoss warns when a replaced or deleted policy is taken from a
// user, group or role that iamsync does not manage, such as one outside the
// scope: no declaration can give the policy back to it. A lost permissions
// boundary widens the entity's rights.
func (p *planner) warnUnmanagedLoss(c *Change, pp *policyPair) {
	for _, use := range p.policyUses[fold(pp.live.ARN)] {
		if p.manages(use.ownerType, use.owner) || (c.Action == Replace && !p.lostInReplace(c, use)) {
			continue
		}
		removed, effect := "attachment of", attachmentLoss(pp)
		if use.boundary {
			removed, effect = "permissions boundary of", "its rights are no longer limited by the policy"
		}
		d := &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Replacement changes an unmanaged entity",
			Detail: fmt.Sprintf("%s replaces policy %s, so apply removes the %s %s %s, which iamsync does not manage "+
				"(it is outside the scope or excluded), and does not restore it: %s. Restore it by hand after apply, "+
				"or bring %s into the scope.", c.Address, pp.live.Name, removed, typeNoun(use.ownerType), use.owner, effect, use.owner),
			Subject: c.DeclRange,
		}
		if c.Action == Delete {
			d.Summary = "Deletion changes an unmanaged entity"
			d.Detail = fmt.Sprintf("The plan deletes policy %s, and IAM deletes only a policy that nothing uses, so apply first "+
				"removes the %s %s %s, which iamsync does not manage (it is outside the scope or excluded): %s. Declare "+
				"the policy to keep it, or bring %s into the scope.", pp.live.Name, removed, typeNoun(use.ownerType),
				use.owner, effect, use.owner)
		}
		p.diagFor(c.Address, d)
	}
}

// attachmentLoss describes what an entity loses with the attachment of a policy:
// the rights of its Allow statements, and the limits of its Deny statements,
// which widen its rights.
func attachmentLoss(pp *policyPair) string {
	allows, denies := effectsOf(pp)
	switch {
	case allows && denies:
		return "it loses the rights the policy gives, and its Deny statements no longer limit it"
	case denies:
		return "the policy's Deny statements no longer limit it, so it may do more"
	}
	return "it loses the rights the policy gives"
}

// effectsOf reports whether the default version of a live policy has
// statements with the Allow effect and with the Deny effect.
func effectsOf(pp *policyPair) (allows, denies bool) {
	if v := pp.live.DefaultVersion(); v != nil {
		for _, st := range statementsOf[statement](v.Document) {
			allows = allows || st.Effect == "Allow"
			denies = denies || st.Effect == "Deny"
		}
	}
	return allows, denies
}

// warnLimitLifted warns when a replaced policy limits what the entities
// that use it may do: a policy with a Deny statement that is attached, or a
// permissions boundary. Between the delete of the old policy and the
// attachment of the new one, those entities are not bound by it.
func (p *planner) warnLimitLifted(c *Change, pp *policyPair) {
	// Only the uses that apply gives back count: the others are gone for
	// good, which the plan shows on its own.
	attached, bounded := 0, 0
	for _, use := range p.policyUses[fold(pp.live.ARN)] {
		switch {
		case p.lostInReplace(c, use):
		case use.boundary:
			bounded++
		default:
			attached++
		}
	}
	_, denies := effectsOf(pp)
	var lifted []string
	if denies && attached > 0 {
		lifted = append(lifted, "its Deny statements do not bind the "+
			countNoun(attached, "user, group or role that attaches it", "users, groups and roles that attach it"))
	}
	if bounded > 0 {
		lifted = append(lifted, "the "+
			countNoun(bounded, "user or role that has it as its permissions boundary has", "users and roles that have it as their permissions boundary have")+
			" no boundary")
	}
	if len(lifted) == 0 {
		return
	}
	p.diagFor(c.Address, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Replacement lifts a limit for a while",
		Detail: fmt.Sprintf("%s replaces policy %s. IAM deletes a policy only once nothing uses it, so apply "+
			"takes it away first and gives the new policy back after creating it. In between, %s. Apply the plan "+
			"when that is acceptable, or keep the policy's description and path, whose change forces the replacement.",
			c.Address, pp.live.Name, strings.Join(lifted, ", and ")),
		Subject: c.DeclRange,
	})
}

// lostInReplace reports whether the replacement c leaves use removed: a
// policy that keeps its ARN is attached again, or set as the boundary
// again, even on an entity iamsync does not manage.
func (p *planner) lostInReplace(c *Change, use policyUse) bool {
	kind := DependentAttachment
	if use.boundary {
		kind = DependentBoundary
	}
	addr := p.liveOwnerAddress(use)
	for _, d := range c.Dependents {
		if d.Address == addr && d.Kind == kind {
			return d.Effect == EffectRemoved
		}
	}
	return true
}

// manages reports whether the user, group or role of that live name is one
// that iamsync plans for: declared, or deleted as undeclared in the scope.
func (p *planner) manages(typ Type, name string) bool {
	var e *entity
	switch typ {
	case TypeUser:
		if u := p.userByLive[fold(name)]; u != nil {
			e = &u.entity
		}
	case TypeGroup:
		if g := p.groupByLive[fold(name)]; g != nil {
			e = &g.entity
		}
	case TypeRole:
		if r := p.roleByLive[fold(name)]; r != nil {
			e = &r.entity
		}
	}
	return e != nil && e.fate != fateIgnore
}

// profileDependents returns the instance profiles that hold the role.
func (p *planner) profileDependents(r *rolePair) []Dependent {
	var out []Dependent
	for _, ip := range p.profiles {
		if !strings.EqualFold(ip.liveRole(), r.live.Name) {
			continue
		}
		d := Dependent{Address: ip.addr, Kind: DependentInstanceProfile, Effect: EffectRemoved}
		if c := p.changes[ip.addr]; c != nil {
			d.Change = c.Address
			if a := c.Attr("role"); a != nil && c.Action != Delete {
				if after, ok := a.After.(string); ok && strings.EqualFold(after, r.live.Name) {
					d.Effect = EffectRestored
				}
			}
		}
		out = append(out, d)
	}
	return out
}

// trustDependents returns the other roles whose trust policy in the
// account names the role's ARN as a principal. IAM puts the deleted role's
// unique id in its place. The reference is restored only when the plan
// writes that trust policy with the new role's ARN, which the executor
// does after creating the role.
func (p *planner) trustDependents(r *rolePair) []Dependent {
	newARN := r.decl.ARN(p.partition, p.accountID)
	var out []Dependent
	for _, other := range p.roles {
		if other == r || other.live == nil || other.live.AssumeRolePolicy == "" {
			continue
		}
		doc := p.liveDoc(other.live.AssumeRolePolicy, trustPolicyOf(other.live.Name))
		if !namesPrincipal(doc, r.live.ARN) {
			continue
		}
		d := Dependent{Address: other.addr, Kind: DependentTrustPolicy, Effect: EffectDangling}
		if c := p.changes[other.addr]; c != nil {
			a := c.Attr("assume_role_policy")
			switch {
			case c.Action == Delete:
				d.Effect, d.Change = EffectRemoved, c.Address
			case a != nil && !sameValue(a.Before, a.After):
				if after, _ := a.After.(*policydoc.Document); namesPrincipal(after, newARN) {
					d.Effect, d.Change = EffectRestored, c.Address
				}
			}
		}
		out = append(out, d)
	}
	return out
}

// namesPrincipal reports whether a policy document names arn among the
// principals of one of its statements.
func namesPrincipal(d *policydoc.Document, arn string) bool {
	if d == nil || !strings.Contains(d.String(), arn) {
		return false
	}
	statements := statementsOf[map[string]any](d.String())
	found := false
	for _, st := range statements {
		for _, key := range []string{"Principal", "NotPrincipal"} {
			collectStrings(st[key], func(s string) {
				if s == arn {
					found = true
				}
			})
		}
	}
	return found
}

// policyDependents returns the users, groups and roles that attach the
// policy or use it as their permissions boundary.
func (p *planner) policyDependents(pp *policyPair, owned map[string]*Change) []Dependent {
	var out []Dependent
	for _, use := range p.policyUses[fold(pp.live.ARN)] {
		kind, typ := DependentAttachment, TypeAttachment
		if use.boundary {
			kind, typ = DependentBoundary, TypeBoundary
		}
		d := Dependent{Address: p.liveOwnerAddress(use), Kind: kind, Effect: EffectRemoved}
		if c := owned[ownedKey(typ, use.ownerType, use.owner, pp.live.ARN)]; c != nil {
			d.Change = c.Address
			if c.Action == Replace {
				d.Effect = EffectRestored
			}
		}

		// A policy that moves to another path is attached again under its
		// new ARN when the owner declares that.
		if d.Effect == EffectRemoved && pp.arn != "" && !pp.sameARN() {
			if c := owned[ownedKey(typ, use.ownerType, use.owner, pp.arn)]; c != nil && c.Action == Create {
				d.Effect, d.Change = EffectRestored, c.Address
			}
		}
		out = append(out, d)
	}
	// Attachments first, then boundaries, each by address.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind == DependentAttachment
		}
		return out[i].Address < out[j].Address
	})
	return out
}

// liveOwnerAddress returns the address of the live owner of a policy use.
func (p *planner) liveOwnerAddress(use policyUse) string {
	switch use.ownerType {
	case TypeUser:
		if u := p.userByLive[fold(use.owner)]; u != nil {
			return u.addr
		}
	case TypeGroup:
		if g := p.groupByLive[fold(use.owner)]; g != nil {
			return g.addr
		}
	case TypeRole:
		if r := p.roleByLive[fold(use.owner)]; r != nil {
			return r.addr
		}
	}
	return liveAddress(use.ownerType, use.owner)
}

// ownedKey identifies an attachment or boundary change by its kind, its
// owner's live name and the policy ARN. A boundary change has no name, so
// its key ignores the ARN.
func ownedKey(kind Type, ownerType Type, owner, arn string) string {
	if kind == TypeBoundary {
		arn = ""
	}
	return strings.Join([]string{string(kind), string(ownerType), fold(owner), fold(arn)}, "\x00")
}

// ownedChangeIndex indexes the attachment and boundary changes by ownedKey,
// with the owner under its live name, which policy uses record.
func (p *planner) ownedChangeIndex() map[string]*Change {
	liveName := map[string]string{}
	for _, u := range p.users {
		if u.live != nil {
			liveName[entityKey(TypeUser, u.name())] = u.live.Name
		}
	}
	for _, g := range p.groups {
		if g.live != nil {
			liveName[entityKey(TypeGroup, g.name())] = g.live.Name
		}
	}
	idx := map[string]*Change{}
	for _, c := range p.changes {
		if c.Parent == nil || (c.Type != TypeAttachment && c.Type != TypeBoundary) {
			continue
		}
		owner := c.Parent.Name
		if name, ok := liveName[entityKey(c.Parent.Type, owner)]; ok {
			owner = name
		}
		idx[ownedKey(c.Type, c.Parent.Type, owner, c.Name)] = c
	}
	return idx
}
