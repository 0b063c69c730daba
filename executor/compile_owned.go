package executor

import (
	"context"
	"fmt"
	"strings"

	"github.com/iamsync/iamsync/planner"
)

// The calls on what a user, group or role holds differ only by the owner's
// type; these tables pick the call. A missing entry is a type that IAM does
// not allow as owner.

// ownedCall is an API action on something an owner holds, named by name:
// an inline policy name or a policy ARN.
type ownedCall struct {
	action string
	fn     func(ctx context.Context, client Client, owner, name string) error
}

// putInlineCall is a Put*Policy action.
type putInlineCall struct {
	action string
	fn     func(ctx context.Context, client Client, owner, name, document string) error
}

var (
	putInlineCalls = map[planner.Type]putInlineCall{
		planner.TypeUser:  {"PutUserPolicy", func(ctx context.Context, c Client, o, n, d string) error { return c.PutUserPolicy(ctx, o, n, d) }},
		planner.TypeGroup: {"PutGroupPolicy", func(ctx context.Context, c Client, o, n, d string) error { return c.PutGroupPolicy(ctx, o, n, d) }},
		planner.TypeRole:  {"PutRolePolicy", func(ctx context.Context, c Client, o, n, d string) error { return c.PutRolePolicy(ctx, o, n, d) }},
	}
	deleteInlineCalls = map[planner.Type]ownedCall{
		planner.TypeUser:  {"DeleteUserPolicy", func(ctx context.Context, c Client, o, n string) error { return c.DeleteUserPolicy(ctx, o, n) }},
		planner.TypeGroup: {"DeleteGroupPolicy", func(ctx context.Context, c Client, o, n string) error { return c.DeleteGroupPolicy(ctx, o, n) }},
		planner.TypeRole:  {"DeleteRolePolicy", func(ctx context.Context, c Client, o, n string) error { return c.DeleteRolePolicy(ctx, o, n) }},
	}
	attachCalls = map[planner.Type]ownedCall{
		planner.TypeUser:  {"AttachUserPolicy", func(ctx context.Context, c Client, o, a string) error { return c.AttachUserPolicy(ctx, o, a) }},
		planner.TypeGroup: {"AttachGroupPolicy", func(ctx context.Context, c Client, o, a string) error { return c.AttachGroupPolicy(ctx, o, a) }},
		planner.TypeRole:  {"AttachRolePolicy", func(ctx context.Context, c Client, o, a string) error { return c.AttachRolePolicy(ctx, o, a) }},
	}
	detachCalls = map[planner.Type]ownedCall{
		planner.TypeUser:  {"DetachUserPolicy", func(ctx context.Context, c Client, o, a string) error { return c.DetachUserPolicy(ctx, o, a) }},
		planner.TypeGroup: {"DetachGroupPolicy", func(ctx context.Context, c Client, o, a string) error { return c.DetachGroupPolicy(ctx, o, a) }},
		planner.TypeRole:  {"DetachRolePolicy", func(ctx context.Context, c Client, o, a string) error { return c.DetachRolePolicy(ctx, o, a) }},
	}
	putBoundaryCalls = map[planner.Type]ownedCall{
		planner.TypeUser: {"PutUserPermissionsBoundary", func(ctx context.Context, c Client, o, a string) error { return c.PutUserPermissionsBoundary(ctx, o, a) }},
		planner.TypeRole: {"PutRolePermissionsBoundary", func(ctx context.Context, c Client, o, a string) error { return c.PutRolePermissionsBoundary(ctx, o, a) }},
	}
	// The name argument of a boundary delete is unused.
	deleteBoundaryCalls = map[planner.Type]ownedCall{
		planner.TypeUser: {"DeleteUserPermissionsBoundary", func(ctx context.Context, c Client, o, _ string) error { return c.DeleteUserPermissionsBoundary(ctx, o) }},
		planner.TypeRole: {"DeleteRolePermissionsBoundary", func(ctx context.Context, c Client, o, _ string) error { return c.DeleteRolePermissionsBoundary(ctx, o) }},
	}
)

// badOwner records a sub-resource whose owner type IAM does not allow.
func (b *builder) badOwner(c *planner.Change) []*node {
	b.fail(c, fmt.Errorf("a %s cannot belong to a %s", c.Type, c.Parent.Type))
	return nil
}

// Inline policies.

// putInlinePolicy creates an inline policy. Its name is claimed only here,
// not in an update, which keeps the name it has.
func (b *builder) putInlinePolicy(c *planner.Change) []*node {
	n := b.putInline(c)
	if n == nil {
		return nil
	}
	owner := b.owner(c)
	creates(n, c.Type, owner.Name+"/"+c.Name)
	return []*node{n}
}

func (b *builder) updateInlinePolicy(c *planner.Change) []*node {
	if n := b.putInline(c); n != nil {
		return []*node{n}
	}
	return nil
}

func (b *builder) putInline(c *planner.Change) *node {
	put, ok := putInlineCalls[c.Parent.Type]
	if !ok {
		b.badOwner(c)
		return nil
	}
	v := b.after(c)
	v.require("document")
	owner, name, doc := b.owner(c).Name, c.Name, v.document("document")
	return b.add(c, put.action, "", []string{owner, name}, call(func(ctx context.Context, client Client) error {
		return put.fn(ctx, client, owner, name, doc)
	}))
}

func (b *builder) deleteInlinePolicy(c *planner.Change) []*node {
	del, ok := deleteInlineCalls[c.Parent.Type]
	if !ok {
		return b.badOwner(c)
	}
	owner, name := b.owner(c).Name, c.Name
	n := b.add(c, del.action, "", []string{owner, name}, call(func(ctx context.Context, client Client) error {
		return del.fn(ctx, client, owner, name)
	}))
	n.provides = append(n.provides, newFact(factNameFree, c.Type, owner+"/"+name))
	return []*node{n}
}

// Managed policy attachments. The change's Name is the policy ARN.

func (b *builder) attachPolicy(c *planner.Change) []*node {
	attach, ok := attachCalls[c.Parent.Type]
	if !ok {
		return b.badOwner(c)
	}
	owner, arn := b.owner(c).Name, c.Name
	n := b.add(c, attach.action, "", []string{owner, arn}, call(func(ctx context.Context, client Client) error {
		return attach.fn(ctx, client, owner, arn)
	}))
	n.needs = append(n.needs,
		newFact(factExists, planner.TypePolicy, arn),
		newFact(factNameFree, c.Type, owner+"/"+arn))
	return []*node{n}
}

func (b *builder) detachPolicy(c *planner.Change) []*node {
	detach, ok := detachCalls[c.Parent.Type]
	if !ok {
		return b.badOwner(c)
	}
	owner, arn := b.owner(c).Name, c.Name
	n := b.add(c, detach.action, "", []string{owner, arn}, call(func(ctx context.Context, client Client) error {
		return detach.fn(ctx, client, owner, arn)
	}))
	n.provides = append(n.provides,
		newFact(factUnused, planner.TypePolicy, arn),
		newFact(factNameFree, c.Type, owner+"/"+arn))
	return []*node{n}
}

// Permissions boundaries. An owner has at most one, so the name rule is
// keyed by the owner alone.

func (b *builder) putBoundary(c *planner.Change) []*node {
	// The create of the user or role sets the boundary.
	if _, ok := b.boundaryAtCreate[c.Parent.Type][strings.ToLower(c.Parent.Name)]; ok {
		return nil
	}
	n := b.putBoundaryNode(c)
	if n == nil {
		return nil
	}
	n.needs = append(n.needs, newFact(factNameFree, c.Type, b.owner(c).Name))
	return []*node{n}
}

// updateBoundary puts the new boundary in place of the old one, which is
// then no longer a use of the old policy.
func (b *builder) updateBoundary(c *planner.Change) []*node {
	n := b.putBoundaryNode(c)
	if n == nil {
		return nil
	}
	if old := b.before(c).str("policy_arn"); old != "" {
		n.provides = append(n.provides, newFact(factUnused, planner.TypePolicy, old))
	}
	return []*node{n}
}

func (b *builder) putBoundaryNode(c *planner.Change) *node {
	put, ok := putBoundaryCalls[c.Parent.Type]
	if !ok {
		b.badOwner(c)
		return nil
	}
	v := b.after(c)
	v.require("policy_arn")
	owner, arn := b.owner(c).Name, v.str("policy_arn")
	n := b.add(c, put.action, "", []string{owner, arn}, call(func(ctx context.Context, client Client) error {
		return put.fn(ctx, client, owner, arn)
	}))
	n.needs = append(n.needs, newFact(factExists, planner.TypePolicy, arn))
	return n
}

func (b *builder) deleteBoundary(c *planner.Change) []*node {
	del, ok := deleteBoundaryCalls[c.Parent.Type]
	if !ok {
		return b.badOwner(c)
	}
	owner := b.owner(c).Name
	n := b.add(c, del.action, "", []string{owner}, call(func(ctx context.Context, client Client) error {
		return del.fn(ctx, client, owner, "")
	}))
	n.provides = append(n.provides, newFact(factNameFree, c.Type, owner))
	if old := b.before(c).str("policy_arn"); old != "" {
		n.provides = append(n.provides, newFact(factUnused, planner.TypePolicy, old))
	}
	return []*node{n}
}

// Group memberships. The group owns the membership; the change's Name is
// the user, who must exist as well.

func (b *builder) addMembership(c *planner.Change) []*node {
	if c.Parent.Type != planner.TypeGroup {
		return b.badOwner(c)
	}
	group, user := b.owner(c).Name, b.currentName(planner.TypeUser, c.Name)
	n := b.add(c, "AddUserToGroup", "", []string{group, user}, call(func(ctx context.Context, client Client) error {
		return client.AddUserToGroup(ctx, group, user)
	}))
	n.needs = append(n.needs,
		newFact(factExists, planner.TypeUser, user),
		newFact(factNameFree, c.Type, group+"/"+user))
	return []*node{n}
}

func (b *builder) removeMembership(c *planner.Change) []*node {
	if c.Parent.Type != planner.TypeGroup {
		return b.badOwner(c)
	}
	group, user := b.owner(c).Name, b.currentName(planner.TypeUser, c.Name)
	n := b.add(c, "RemoveUserFromGroup", "", []string{group, user}, call(func(ctx context.Context, client Client) error {
		return client.RemoveUserFromGroup(ctx, group, user)
	}))
	n.needs = append(n.needs, newFact(factRenamed, planner.TypeUser, user))
	n.provides = append(n.provides,
		newFact(factUnused, planner.TypeUser, user),
		newFact(factNameFree, c.Type, group+"/"+user))
	return []*node{n}
}
