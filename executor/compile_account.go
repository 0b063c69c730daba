package executor

import (
	"context"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
)

// Account alias. An account has at most one, so the name rule is keyed by
// the type alone.

func (b *builder) createAlias(c *planner.Change) []*node {
	v := b.after(c)
	v.require("alias")
	alias := v.str("alias")
	n := b.add(c, "CreateAccountAlias", "", []string{alias}, call(func(ctx context.Context, client Client) error {
		return client.CreateAccountAlias(ctx, alias)
	}))
	n.needs = append(n.needs, newFact(factNameFree, c.Type))
	return []*node{n}
}

// replaceAlias deletes the old alias before creating the new one, because
// IAM keeps one alias per account.
func (b *builder) replaceAlias(c *planner.Change) []*node {
	removed := b.deleteAlias(c)
	created := b.createAlias(c)
	sequence(removed, created)
	return append(removed, created...)
}

func (b *builder) deleteAlias(c *planner.Change) []*node {
	v := b.before(c)
	v.require("alias")
	alias := v.str("alias")
	n := b.add(c, "DeleteAccountAlias", "", []string{alias}, call(func(ctx context.Context, client Client) error {
		return client.DeleteAccountAlias(ctx, alias)
	}))
	n.provides = append(n.provides, newFact(factNameFree, c.Type))
	return []*node{n}
}

// Password policy.

// setPasswordPolicy sends the whole desired policy, because
// UpdateAccountPasswordPolicy resets every field it is not given.
func (b *builder) setPasswordPolicy(c *planner.Change) []*node {
	policy := b.passwordPolicyOf(c)
	b.passwordPolicy, b.ownPasswordPolicy = &policy, true
	n := b.add(c, "UpdateAccountPasswordPolicy", "", nil, call(func(ctx context.Context, client Client) error {
		return client.UpdateAccountPasswordPolicy(ctx, policy)
	}))
	n.provides = append(n.provides, newFact(factPasswordPolicy, c.Type))
	return []*node{n}
}

func (b *builder) deletePasswordPolicy(c *planner.Change) []*node {
	b.passwordPolicy, b.ownPasswordPolicy = nil, true
	n := b.add(c, "DeleteAccountPasswordPolicy", "", nil, call(func(ctx context.Context, client Client) error {
		return client.DeleteAccountPasswordPolicy(ctx)
	}))
	n.provides = append(n.provides, newFact(factPasswordPolicy, c.Type))
	return []*node{n}
}

// passwordPolicyOf reads the After side of a password_policy change, whose
// attributes are the snake_case names of the provider.PasswordPolicy
// fields.
func (b *builder) passwordPolicyOf(c *planner.Change) provider.PasswordPolicy {
	v := b.after(c)
	p := provider.PasswordPolicy{
		MinimumPasswordLength:      v.int32Value("minimum_password_length"),
		RequireSymbols:             v.boolean("require_symbols"),
		RequireNumbers:             v.boolean("require_numbers"),
		RequireUppercaseCharacters: v.boolean("require_uppercase_characters"),
		RequireLowercaseCharacters: v.boolean("require_lowercase_characters"),
		AllowUsersToChangePassword: v.boolean("allow_users_to_change_password"),
		MaxPasswordAge:             v.int32Value("max_password_age"),
		PasswordReusePrevention:    v.int32Value("password_reuse_prevention"),
		HardExpiry:                 v.boolean("hard_expiry"),
	}
	// IAM derives ExpirePasswords from MaxPasswordAge; a plan may leave it
	// out.
	p.ExpirePasswords = p.MaxPasswordAge > 0
	if v.has("expire_passwords") {
		p.ExpirePasswords = v.boolean("expire_passwords")
	}
	return p
}
