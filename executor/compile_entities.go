package executor

import (
	"context"
	"fmt"
	"strings"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// Users and groups.

func (b *builder) createUser(c *planner.Change) []*node {
	v := b.after(c)
	in := provider.CreateUserInput{Name: c.Name, Path: v.str("path"), Tags: tagList(v.tags("tags")),
		PermissionsBoundary: b.boundaryAtCreate[planner.TypeUser][strings.ToLower(c.Name)]}
	n := b.add(c, "CreateUser", "", []string{in.Name}, call(func(ctx context.Context, client Client) error {
		return client.CreateUser(ctx, in)
	}))
	creates(n, planner.TypeUser, in.Name)
	needsBoundaryPolicy(n, in.PermissionsBoundary)
	return []*node{n}
}

func (b *builder) updateUser(c *planner.Change) []*node {
	var nodes []*node
	rename := b.rename(c, "UpdateUser", func(ctx context.Context, client Client, name, newName, newPath string) error {
		return client.UpdateUser(ctx, name, newName, newPath)
	})
	if rename != nil {
		nodes = append(nodes, rename)
	}

	// Tags go on the user by its new name, once it has it.
	tagNodes := b.retag(c, "User", c.Name, true,
		func(ctx context.Context, client Client, tags []provider.Tag) error {
			return client.TagUser(ctx, c.Name, tags)
		},
		func(ctx context.Context, client Client, keys []string) error {
			return client.UntagUser(ctx, c.Name, keys)
		})
	if rename != nil {
		sequence([]*node{rename}, tagNodes)
	}
	return append(nodes, tagNodes...)
}

// deleteUser first reads what credentials the user still holds, because IAM
// refuses to delete a user with any, and the plan lists them only when they
// were read.
func (b *builder) deleteUser(c *planner.Change) []*node {
	name := c.Name
	discover := b.add(c, "ReadUserCredentials", "", []string{name}, discoverCredentials(c.Address, name))
	discover.step.Discovers = true
	del := b.add(c, "DeleteUser", "", []string{name}, call(func(ctx context.Context, client Client) error {
		return client.DeleteUser(ctx, name)
	}))
	del.after(discover)
	// The credentials found at apply time are removed by this apply too.
	del.awaitsRemoval = true
	nodes := []*node{discover, del}
	deletes(nodes, del, planner.TypeUser, name)
	return nodes
}

func (b *builder) createGroup(c *planner.Change) []*node {
	name, path := c.Name, b.after(c).str("path")
	n := b.add(c, "CreateGroup", "", []string{name}, call(func(ctx context.Context, client Client) error {
		return client.CreateGroup(ctx, name, path)
	}))
	creates(n, planner.TypeGroup, name)
	return []*node{n}
}

func (b *builder) updateGroup(c *planner.Change) []*node {
	rename := b.rename(c, "UpdateGroup", func(ctx context.Context, client Client, name, newName, newPath string) error {
		return client.UpdateGroup(ctx, name, newName, newPath)
	})
	if rename == nil {
		return nil
	}
	return []*node{rename}
}

func (b *builder) deleteGroup(c *planner.Change) []*node {
	name := c.Name
	n := b.add(c, "DeleteGroup", "", []string{name}, call(func(ctx context.Context, client Client) error {
		return client.DeleteGroup(ctx, name)
	}))
	deletes([]*node{n}, n, planner.TypeGroup, name)
	return []*node{n}
}

// renameOf returns the old and the new name of a user or group renamed by
// an update, or the current name and "" when the update keeps the name.
func (b *builder) renameOf(c *planner.Change) (oldName, newName string) {
	oldName = c.Name
	if c.OldName != "" {
		oldName, newName = c.OldName, c.Name
	}
	if a := c.Attr("name"); a != nil {
		if s, ok := a.Before.(string); ok && s != "" {
			oldName = s
		}
		if s, ok := a.After.(string); ok && s != "" {
			newName = s
		}
	}
	if newName == oldName {
		newName = ""
	}
	return oldName, newName
}

// rename adds the UpdateUser or UpdateGroup step of an update that changes
// the name or the path, or returns nil when the update changes neither. The
// call takes "" for what it leaves as it is.
func (b *builder) rename(c *planner.Change, action string,
	fn func(ctx context.Context, client Client, name, newName, newPath string) error,
) *node {
	oldName, newName := b.renameOf(c)
	newPath := b.after(c).str("path")
	if newName == "" && newPath == "" {
		return nil
	}

	target := []string{oldName}
	if newName != "" {
		target = append(target, newName)
	}
	n := b.add(c, action, "", target, call(func(ctx context.Context, client Client) error {
		return fn(ctx, client, oldName, newName, newPath)
	}))
	if newName != "" {
		n.needs = append(n.needs, newFact(factNameFree, c.Type, newName))
		n.provides = append(n.provides,
			newFact(factExists, c.Type, newName),
			newFact(factRenamed, c.Type, newName),
			newFact(factNameFree, c.Type, oldName))
	} else if c.Type == planner.TypeUser {
		// A trust policy names a user by an ARN that holds the path, and
		// IAM rejects the user's new ARN until the user has moved.
		n.provides = append(n.provides, newFact(factExists, c.Type, oldName))
	}
	return n
}

// retag adds the steps that change an entity's tags when the change carries
// tags: Tag<noun> sets the added and changed tags and Untag<noun> removes the
// dropped keys. foldKeys is set for users and roles, whose tag keys IAM
// compares case-insensitively.
func (b *builder) retag(c *planner.Change, noun, name string, foldKeys bool,
	tag func(ctx context.Context, client Client, tags []provider.Tag) error,
	untag func(ctx context.Context, client Client, keys []string) error,
) []*node {
	if c.Attr("tags") == nil {
		return nil
	}
	set, remove := diffTags(b.before(c).tags("tags"), b.after(c).tags("tags"), foldKeys)

	var nodes []*node
	if len(set) > 0 {
		nodes = append(nodes, b.add(c, "Tag"+noun, "", []string{name}, call(func(ctx context.Context, client Client) error {
			return tag(ctx, client, set)
		})))
	}
	if len(remove) > 0 {
		nodes = append(nodes, b.add(c, "Untag"+noun, "", []string{name}, call(func(ctx context.Context, client Client) error {
			return untag(ctx, client, remove)
		})))
	}
	return nodes
}

// needsBoundaryPolicy makes a create that sets a permissions boundary wait
// for the boundary's policy, which the plan may create too.
func needsBoundaryPolicy(n *node, arn string) {
	if arn != "" {
		n.needs = append(n.needs, newFact(factExists, planner.TypePolicy, arn))
	}
}

// Roles.

func (b *builder) createRole(c *planner.Change) []*node {
	v := b.after(c)
	v.require("assume_role_policy")
	in := provider.CreateRoleInput{
		Name:                c.Name,
		Path:                v.str("path"),
		AssumeRolePolicy:    v.document("assume_role_policy"),
		Description:         v.str("description"),
		MaxSessionDuration:  v.int32Value("max_session_duration"),
		Tags:                tagList(v.tags("tags")),
		PermissionsBoundary: b.boundaryAtCreate[planner.TypeRole][strings.ToLower(c.Name)],
	}
	n := b.add(c, "CreateRole", "", []string{in.Name}, call(func(ctx context.Context, client Client) error {
		return client.CreateRole(ctx, in)
	}))
	creates(n, planner.TypeRole, in.Name)
	needsBoundaryPolicy(n, in.PermissionsBoundary)
	trusts(n, in.AssumeRolePolicy)
	return []*node{n}
}

func (b *builder) updateRole(c *planner.Change) []*node {
	name, v := c.Name, b.after(c)
	var nodes []*node

	// The trust policy has its own call.
	if c.Attr("assume_role_policy") != nil {
		doc := v.document("assume_role_policy")
		n := b.add(c, "UpdateAssumeRolePolicy", "", []string{name}, call(func(ctx context.Context, client Client) error {
			return client.UpdateAssumeRolePolicy(ctx, name, doc)
		}))
		trusts(n, doc)
		nodes = append(nodes, n)
	}

	// UpdateRole sends only the settings that change.
	var description *string
	var maxSession *int32
	if c.Attr("description") != nil {
		s := v.str("description")
		description = &s
	}
	if c.Attr("max_session_duration") != nil {
		d := v.int32Value("max_session_duration")
		maxSession = &d
	}
	if description != nil || maxSession != nil {
		nodes = append(nodes, b.add(c, "UpdateRole", "", []string{name}, call(func(ctx context.Context, client Client) error {
			return client.UpdateRole(ctx, name, description, maxSession)
		})))
	}

	tagNodes := b.retag(c, "Role", name, true,
		func(ctx context.Context, client Client, tags []provider.Tag) error {
			return client.TagRole(ctx, name, tags)
		},
		func(ctx context.Context, client Client, keys []string) error {
			return client.UntagRole(ctx, name, keys)
		})
	return append(nodes, tagNodes...)
}

func (b *builder) deleteRole(c *planner.Change) []*node {
	name := c.Name
	n := b.add(c, "DeleteRole", "", []string{name}, call(func(ctx context.Context, client Client) error {
		return client.DeleteRole(ctx, name)
	}))
	deletes([]*node{n}, n, planner.TypeRole, name)
	return []*node{n}
}

// trusts states that n sets a trust policy, which IAM accepts only once
// the users and roles it names exist.
func trusts(n *node, document string) {
	for _, p := range trustedPrincipals(document) {
		n.needs = append(n.needs, newFact(factExists, p.typ, p.name))
	}
}

// Managed policies, keyed by ARN for their uses and by name for the name
// rule.

func (b *builder) createPolicy(c *planner.Change) []*node {
	v := b.after(c)
	v.require("document")
	v.require("arn")
	arn := v.str("arn")
	in := provider.CreatePolicyInput{
		Name:        c.Name,
		Path:        v.str("path"),
		Document:    v.document("document"),
		Description: v.str("description"),
		Tags:        tagList(v.tags("tags")),
	}
	n := b.add(c, "CreatePolicy", "", []string{in.Name}, call(func(ctx context.Context, client Client) error {
		got, err := client.CreatePolicy(ctx, in)
		if err != nil {
			return err
		}
		// Attachments and boundaries use the ARN the plan computed.
		if !strings.EqualFold(got, arn) {
			return fmt.Errorf("IAM created the policy as %s but the plan expected %s: "+
				"plan again against the account the policy is meant for", got, arn)
		}
		return nil
	}))
	n.needs = append(n.needs, newFact(factNameFree, planner.TypePolicy, in.Name))
	n.provides = append(n.provides, newFact(factExists, planner.TypePolicy, arn))
	return []*node{n}
}

// updatePolicy makes a new default version for a new document, after
// deleting the version the plan prunes when the policy has as many versions
// as IAM allows.
func (b *builder) updatePolicy(c *planner.Change) []*node {
	arn := b.policyARN(c)
	var nodes []*node

	if c.Attr("document") != nil {
		doc := b.after(c).document("document")
		create := b.add(c, "CreatePolicyVersion", "", []string{arn}, func(ctx context.Context, e *env) ([]*node, error) {
			return nil, e.createPolicyVersion(ctx, arn, doc)
		})
		if prune := b.pruneVersion(c); prune != "" {
			del := b.add(c, "DeletePolicyVersion", prune, []string{arn, prune}, call(func(ctx context.Context, client Client) error {
				return client.DeletePolicyVersion(ctx, arn, prune)
			}))
			create.after(del)
			nodes = append(nodes, del)
		}
		nodes = append(nodes, create)
	}

	tagNodes := b.retag(c, "Policy", arn, false,
		func(ctx context.Context, client Client, tags []provider.Tag) error {
			return client.TagPolicy(ctx, arn, tags)
		},
		func(ctx context.Context, client Client, keys []string) error {
			return client.UntagPolicy(ctx, arn, keys)
		})
	return append(nodes, tagNodes...)
}

// deletePolicy deletes every non-default version, then the policy, which
// takes its default version with it.
func (b *builder) deletePolicy(c *planner.Change) []*node {
	v := b.before(c)
	v.require("arn")
	arn := v.str("arn")

	var nodes []*node
	for _, id := range v.stringList("versions") {
		nodes = append(nodes, b.add(c, "DeletePolicyVersion", id, []string{arn, id}, call(func(ctx context.Context, client Client) error {
			return client.DeletePolicyVersion(ctx, arn, id)
		})))
	}
	del := b.add(c, "DeletePolicy", "", []string{arn}, call(func(ctx context.Context, client Client) error {
		return client.DeletePolicy(ctx, arn)
	}))
	sequence(nodes, []*node{del})
	nodes = append(nodes, del)

	for _, n := range nodes {
		n.needs = append(n.needs, newFact(factUnused, planner.TypePolicy, arn))
	}
	del.provides = append(del.provides, newFact(factNameFree, planner.TypePolicy, c.Name))
	return nodes
}

// policyARN returns the ARN of an updated policy, which the change carries
// on both sides.
func (b *builder) policyARN(c *planner.Change) string {
	if arn := b.after(c).str("arn"); arn != "" {
		return arn
	}
	v := b.before(c)
	v.require("arn")
	return v.str("arn")
}

// pruneVersion returns the version to delete before a new one is made, or
// "" for none.
func (b *builder) pruneVersion(c *planner.Change) string {
	if id := b.after(c).str("prune_version"); id != "" {
		return id
	}
	return b.before(c).str("prune_version")
}

// Instance profiles.

func (b *builder) createInstanceProfile(c *planner.Change) []*node {
	v := b.after(c)
	name, path, tags := c.Name, v.str("path"), tagList(v.tags("tags"))
	n := b.add(c, "CreateInstanceProfile", "", []string{name}, call(func(ctx context.Context, client Client) error {
		return client.CreateInstanceProfile(ctx, name, path, tags)
	}))
	creates(n, planner.TypeInstanceProfile, name)
	nodes := []*node{n}

	if role := v.str("role"); role != "" {
		add := b.addRoleToProfile(c, name, role)
		add.after(n)
		nodes = append(nodes, add)
	}
	return nodes
}

// updateInstanceProfile moves the profile to another role, or takes its
// role out and puts it back when the plan replaces the role: IAM allows one
// role per profile, so the removal comes first.
func (b *builder) updateInstanceProfile(c *planner.Change) []*node {
	name := c.Name
	var nodes []*node

	if c.Attr("role") != nil {
		var remove *node
		if old := b.before(c).str("role"); old != "" {
			remove = b.removeRoleFromProfile(c, name, old)
			nodes = append(nodes, remove)
		}
		if role := b.after(c).str("role"); role != "" {
			add := b.addRoleToProfile(c, name, role)
			if remove != nil {
				add.after(remove)
			}
			nodes = append(nodes, add)
		}
	}

	tagNodes := b.retag(c, "InstanceProfile", name, false,
		func(ctx context.Context, client Client, tags []provider.Tag) error {
			return client.TagInstanceProfile(ctx, name, tags)
		},
		func(ctx context.Context, client Client, keys []string) error {
			return client.UntagInstanceProfile(ctx, name, keys)
		})
	return append(nodes, tagNodes...)
}

func (b *builder) deleteInstanceProfile(c *planner.Change) []*node {
	name := c.Name
	var nodes []*node
	if role := b.before(c).str("role"); role != "" {
		nodes = append(nodes, b.removeRoleFromProfile(c, name, role))
	}
	del := b.add(c, "DeleteInstanceProfile", "", []string{name}, call(func(ctx context.Context, client Client) error {
		return client.DeleteInstanceProfile(ctx, name)
	}))
	sequence(nodes, []*node{del})
	nodes = append(nodes, del)
	deletes(nodes, del, planner.TypeInstanceProfile, name)
	return nodes
}

func (b *builder) addRoleToProfile(c *planner.Change, profile, role string) *node {
	n := b.add(c, "AddRoleToInstanceProfile", "", []string{profile, role}, call(func(ctx context.Context, client Client) error {
		return client.AddRoleToInstanceProfile(ctx, profile, role)
	}))
	n.needs = append(n.needs,
		newFact(factExists, planner.TypeRole, role),
		newFact(factExists, planner.TypeInstanceProfile, profile))
	return n
}

func (b *builder) removeRoleFromProfile(c *planner.Change, profile, role string) *node {
	n := b.add(c, "RemoveRoleFromInstanceProfile", "", []string{profile, role}, call(func(ctx context.Context, client Client) error {
		return client.RemoveRoleFromInstanceProfile(ctx, profile, role)
	}))
	n.provides = append(n.provides, newFact(factUnused, planner.TypeRole, role))
	return n
}
