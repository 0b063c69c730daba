package planner

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// owner is a user, group or role with what it holds: inline policies,
// attached managed policies and, except for groups, a permissions boundary.
type owner struct {
	typ  Type
	e    *entity
	name string

	inline        []*spec.InlinePolicy
	attachments   []*spec.Attachment
	boundary      string
	boundaryRange hcl.Range

	liveInline   []provider.InlinePolicy
	liveAttached []string
	liveBoundary string
}

func (o *owner) ref() *Ref { return &Ref{Type: o.typ, Name: o.name} }

func (o *owner) address(kind Type, key string) string {
	return fmt.Sprintf("%s.%s[%q]", o.e.addr, kind, key)
}

// planOwnedResources plans the inline policies, attachments and boundaries
// of every user, group and role.
func (p *planner) planOwnedResources() {
	for _, u := range p.users {
		o := &owner{typ: TypeUser, e: &u.entity, name: u.name()}
		if u.decl != nil {
			o.inline, o.attachments = u.decl.InlinePolicies, u.decl.Attachments
			o.boundary, o.boundaryRange = u.decl.PermissionsBoundary, attrRange(u.decl.Ranges, "permissions_boundary", u.decl.DeclRange)
		}
		if u.live != nil {
			o.liveInline, o.liveAttached, o.liveBoundary = u.live.InlinePolicies, u.live.AttachedPolicies, u.live.PermissionsBoundary
		}
		p.planOwned(o)
	}
	for _, g := range p.groups {
		o := &owner{typ: TypeGroup, e: &g.entity, name: g.name()}
		if g.decl != nil {
			o.inline, o.attachments = g.decl.InlinePolicies, g.decl.Attachments
		}
		if g.live != nil {
			o.liveInline, o.liveAttached = g.live.InlinePolicies, g.live.AttachedPolicies
		}
		p.planOwned(o)
	}
	for _, r := range p.roles {
		o := &owner{typ: TypeRole, e: &r.entity, name: r.name()}
		if r.decl != nil {
			o.inline, o.attachments = r.decl.InlinePolicies, r.decl.Attachments
			o.boundary, o.boundaryRange = r.decl.PermissionsBoundary, attrRange(r.decl.Ranges, "permissions_boundary", r.decl.DeclRange)
		}
		if r.live != nil {
			if r.live.Reserved() {
				continue
			}
			o.liveInline, o.liveAttached, o.liveBoundary = r.live.InlinePolicies, r.live.AttachedPolicies, r.live.PermissionsBoundary
		}
		p.planOwned(o)
	}
}

// planOwned plans what one owner holds, according to the owner's fate.
func (p *planner) planOwned(o *owner) {
	switch o.e.fate {
	case fateDelete:
		p.deleteOwned(o)
	case fateIgnore:
		p.releaseOwned(o)
	case fateCreate, fateKeep, fateReplace:
		p.planInline(o)
		p.planAttachments(o)
		p.planBoundary(o)
	}
}

// deleteOwned deletes everything a deleted owner holds, for the owner's
// reason.
func (p *planner) deleteOwned(o *owner) {
	for _, l := range o.liveInline {
		c := p.ownedChange(o, TypeInlinePolicy, l.Name, Delete)
		c.Reason, c.Detail, c.Cause = o.e.reason, o.e.detail, o.e.addr
		c.Attrs = []Attr{{Name: "document", Before: p.liveDoc(l.Document, o.describeInline(l.Name))}}
		p.add(c)
	}
	for _, arn := range o.liveAttached {
		c := p.ownedChange(o, TypeAttachment, arn, Delete)
		c.Reason, c.Detail, c.Cause = o.e.reason, o.e.detail, o.e.addr
		p.add(c)
	}
	if o.liveBoundary != "" {
		c := p.ownedChange(o, TypeBoundary, "", Delete)
		c.Reason, c.Detail, c.Cause = o.e.reason, o.e.detail, o.e.addr
		c.Attrs = []Attr{{Name: "policy_arn", Before: o.liveBoundary}}
		p.add(c)
	}
}

// releaseOwned plans the changes that an owner outside the configuration's
// control needs because a policy it uses is deleted or replaced: IAM
// refuses to delete a policy that is attached or used as a boundary.
func (p *planner) releaseOwned(o *owner) {
	for _, arn := range o.liveAttached {
		if c := p.releaseChange(o, TypeAttachment, arn); c != nil {
			p.add(c)
		}
	}
	if o.liveBoundary != "" {
		if c := p.releaseChange(o, TypeBoundary, o.liveBoundary); c != nil {
			c.Attrs = []Attr{{Name: "policy_arn", Before: o.liveBoundary}}
			if c.Action == Replace {
				c.Attrs[0].After = o.liveBoundary
			}
			p.add(c)
		}
	}
}

// releaseChange returns the change of one reference to a live policy by an
// unmanaged owner, or nil when the policy stays.
func (p *planner) releaseChange(o *owner, kind Type, arn string) *Change {
	pp := p.policyByLive[fold(arn)]
	if pp == nil {
		return nil
	}
	name := arn
	if kind == TypeBoundary {
		name = ""
	}
	switch {
	case pp.fate == fateDelete:
		c := p.ownedChange(o, kind, name, Delete)
		c.Reason, c.Cause = ReasonReferenceDeleted, pp.addr
		return c
	case pp.fate == fateReplace && pp.sameARN():
		c := p.ownedChange(o, kind, name, Replace)
		c.Reason, c.Cause = ReasonParentReplaced, pp.addr
		return c
	case pp.fate == fateReplace:
		// The policy moves to another path, so its ARN changes and this
		// reference to the old ARN cannot come back.
		c := p.ownedChange(o, kind, name, Delete)
		c.Reason, c.Cause = ReasonParentReplaced, pp.addr
		return c
	}
	return nil
}

// planInline compares a managed owner's inline policies with the live ones.
// Names match exactly first, then case-insensitively, so that a change of
// case alone never deletes the policy that PutUserPolicy just wrote.
func (p *planner) planInline(o *owner) {
	claimed := make([]bool, len(o.liveInline))
	find := func(name string) int {
		for i, l := range o.liveInline {
			if !claimed[i] && l.Name == name {
				return i
			}
		}
		for i, l := range o.liveInline {
			if !claimed[i] && strings.EqualFold(l.Name, name) {
				return i
			}
		}
		return -1
	}

	for _, d := range o.inline {
		i := find(d.Name)
		if i >= 0 {
			claimed[i] = true
		}
		var live *provider.InlinePolicy
		if i >= 0 {
			live = &o.liveInline[i]
		}
		if c := p.inlineChange(o, d, live); c != nil {
			p.add(c)
		}
	}

	for i, l := range o.liveInline {
		if claimed[i] {
			continue
		}
		c := p.ownedChange(o, TypeInlinePolicy, l.Name, Delete)
		c.Reason = ReasonNotDeclared
		c.Attrs = []Attr{{Name: "document", Before: p.liveDoc(l.Document, o.describeInline(l.Name))}}
		p.add(c)
	}
}

// inlineChange returns the change of one declared inline policy, given the
// live one it matched or nil.
func (p *planner) inlineChange(o *owner, d *spec.InlinePolicy, live *provider.InlinePolicy) *Change {
	if p.expired(d.ExpiresAt) {
		if live == nil {
			return nil
		}
		c := p.ownedChange(o, TypeInlinePolicy, live.Name, Delete)
		c.Reason, c.Detail = ReasonExpired, formatTime(*d.ExpiresAt)
		c.Attrs = []Attr{{Name: "document", Before: p.liveDoc(live.Document, o.describeInline(live.Name))}}
		c.DeclRange = rangePtr(d.DeclRange)
		return c
	}

	if live == nil {
		c := p.ownedChange(o, TypeInlinePolicy, d.Name, Create)
		c.Attrs = append([]Attr{{Name: "document", After: d.Document}}, expiryAttrs(d.ExpiresAt)...)
		c.DeclRange = rangePtr(d.DeclRange)
		return c
	}

	doc := docField("document", p.liveDocAgainst(live.Document, d.Document, o.describeInline(live.Name)), d.Document)
	var c *Change
	switch {
	case o.e.fate == fateReplace:
		c = p.ownedChange(o, TypeInlinePolicy, live.Name, Replace)
		c.Reason, c.Cause = ReasonParentReplaced, o.e.addr
	case !doc.same:
		c = p.ownedChange(o, TypeInlinePolicy, live.Name, Update)
	default:
		return nil
	}
	c.Attrs = []Attr{{Name: "document", Before: doc.before, After: doc.after}}
	c.DeclRange = rangePtr(d.DeclRange)
	return c
}

// planAttachments compares a managed owner's attached policies with the live
// ones, by ARN.
func (p *planner) planAttachments(o *owner) {
	live := make(map[string]string, len(o.liveAttached))
	for _, arn := range o.liveAttached {
		live[fold(arn)] = arn
	}
	declared := make(map[string]bool, len(o.attachments))

	for _, d := range o.attachments {
		key := fold(d.PolicyARN)
		declared[key] = true
		liveARN, isLive := live[key]
		var c *Change
		switch {
		case p.expired(d.ExpiresAt) && isLive:
			c = p.ownedChange(o, TypeAttachment, liveARN, Delete)
			c.Reason, c.Detail = ReasonExpired, formatTime(*d.ExpiresAt)
		case p.expired(d.ExpiresAt):
			continue
		case !isLive:
			c = p.ownedChange(o, TypeAttachment, d.PolicyARN, Create)
			c.Attrs = expiryAttrs(d.ExpiresAt)
		default:
			c = p.reattachChange(o, TypeAttachment, liveARN)
		}
		if c != nil {
			c.DeclRange = rangePtr(d.Range)
			p.add(c)
		}
	}

	for _, arn := range o.liveAttached {
		if declared[fold(arn)] {
			continue
		}
		c := p.ownedChange(o, TypeAttachment, arn, Delete)
		c.Reason = ReasonNotDeclared
		// The old ARN of a policy that moves to another path is no longer
		// declared, but because of the move, which the reason names.
		if pp := p.policyByLive[fold(arn)]; pp != nil && pp.fate == fateReplace && pp.arn != "" && !pp.sameARN() {
			c.Reason, c.Cause = ReasonParentReplaced, pp.addr
		}
		p.add(c)
	}
}

// reattachChange returns the replacement of a reference to a policy that
// stays declared, when its owner or the policy is replaced; else nil.
func (p *planner) reattachChange(o *owner, kind Type, arn string) *Change {
	name := arn
	if kind == TypeBoundary {
		name = ""
	}
	cause := ""
	if o.e.fate == fateReplace {
		cause = o.e.addr
	} else if pp := p.policyByLive[fold(arn)]; pp != nil && pp.fate == fateReplace && pp.sameARN() {
		cause = pp.addr
	}
	if cause == "" {
		return nil
	}
	c := p.ownedChange(o, kind, name, Replace)
	c.Reason, c.Cause = ReasonParentReplaced, cause
	return c
}

// planBoundary compares a managed owner's permissions boundary with the live
// one.
func (p *planner) planBoundary(o *owner) {
	if o.typ == TypeGroup {
		return
	}
	declared, live := o.boundary, o.liveBoundary
	var c *Change
	switch {
	case declared == "" && live == "":
		return
	case declared == "":
		c = p.ownedChange(o, TypeBoundary, "", Delete)
		c.Reason = ReasonNotDeclared
	case live == "":
		c = p.ownedChange(o, TypeBoundary, "", Create)
	case strings.EqualFold(declared, live):
		c = p.reattachChange(o, TypeBoundary, live)
	case o.e.fate == fateReplace:
		c = p.ownedChange(o, TypeBoundary, "", Replace)
		c.Reason, c.Cause = ReasonParentReplaced, o.e.addr
	case p.movedPolicy(live, declared) != nil:
		// The new boundary is the live one under the new path. IAM keeps
		// one policy per name, so the new policy is created only after the
		// old one is deleted, which needs the old boundary gone first: a
		// Put with the new ARN cannot come before the delete.
		c = p.ownedChange(o, TypeBoundary, "", Replace)
		c.Reason, c.Cause = ReasonParentReplaced, p.movedPolicy(live, declared).addr
	default:
		c = p.ownedChange(o, TypeBoundary, "", Update)
	}
	if c == nil {
		return
	}
	c.Attrs = []Attr{{Name: "policy_arn", Before: nilIfEmpty(live), After: nilIfEmpty(declared)}}
	if declared != "" {
		c.DeclRange = rangePtr(o.boundaryRange)
	}
	p.add(c)
}

// movedPolicy returns the policy that the plan replaces because its path
// changes, from the live ARN from to the declared ARN to. It returns nil
// when no policy moves that way.
func (p *planner) movedPolicy(from, to string) *policyPair {
	pp := p.policyByLive[fold(from)]
	if pp == nil || pp.fate != fateReplace || pp.sameARN() || !strings.EqualFold(pp.arn, to) {
		return nil
	}
	return pp
}

// ownedChange returns a change of something an owner holds, without its
// reason and attributes. name is the object's IAM name, which the address
// shows, empty for the boundary.
func (p *planner) ownedChange(o *owner, kind Type, name string, action Action) *Change {
	addr := o.address(kind, name)
	if kind == TypeBoundary {
		addr = o.e.addr + "." + string(TypeBoundary)
	}
	return &Change{Address: addr, Type: kind, Action: action, Name: name, Parent: o.ref()}
}

// describeInline returns, for liveDoc, a function that names the owner's
// inline policy of that name in messages.
func (o *owner) describeInline(name string) func() string {
	return func() string { return fmt.Sprintf("inline policy %s of %s %s", name, typeNoun(o.typ), o.name) }
}

// attrRange returns where an attribute was set, or def.
func attrRange(ranges map[string]hcl.Range, name string, def hcl.Range) hcl.Range {
	if r, ok := ranges[name]; ok {
		return r
	}
	return def
}

// nilIfEmpty returns nil for "", so that a missing value is absent from the
// attribute rather than an empty string.
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
